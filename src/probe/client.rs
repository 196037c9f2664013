//! The live probe: one signed GET against NetSuite REST (two when the first path is missing),
//! classified into signals.

use std::io::Read;
use std::time::{Duration, SystemTime};

use reqwest::Url;
use reqwest::blocking::Client;
use serde::Serialize;

use super::Error;
use super::classify::{ClassificationTable, Outcome, ProbeSignal, TransportKind};
use super::credentials::{CredentialFinding, Credentials, display_account};
use super::sign::{self, OAuthRequest};

pub const METADATA_CATALOG_PATH: &str = "/services/rest/record/v1/metadata-catalog";
pub const SERVER_TIME_PATH: &str = "/services/rest/system/v1/serverTime";
/// Enough for any NetSuite error body; the rest is not read.
const MAX_BODY_BYTES: u64 = 64 * 1024;

#[derive(Debug, Clone)]
pub struct ProbeOptions {
    /// Loopback only (`http://127.0.0.1:PORT`, `http://localhost:PORT`, `http://[::1]:PORT`):
    /// replaces scheme, host and port so tests can point the probe at the fake server.
    pub base_url: Option<String>,
    pub connect_timeout: Duration,
    pub total_timeout: Duration,
    /// How answers become signals: the integration's `probe:` table from the rules.
    pub table: ClassificationTable,
}

pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
pub const DEFAULT_TOTAL_TIMEOUT: Duration = Duration::from_secs(15);

impl ProbeOptions {
    /// NetSuite itself, with the default timeouts.
    pub fn new(table: ClassificationTable) -> Self {
        Self {
            base_url: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            total_timeout: DEFAULT_TOTAL_TIMEOUT,
            table,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Advisory {
    pub id: String,
    pub text: String,
}

/// Everything the probe learned. Holds no secret: safe to print or serialise.
#[derive(Debug, Clone, Serialize)]
pub struct ProbeReport {
    /// As [`display_account`] shows it: a long value is shown by its length only.
    pub account_id: String,
    /// Scheme, host and port the requests went to; `None` when none was sent.
    pub base_url: Option<String>,
    pub signals: Vec<ProbeSignal>,
    /// What matched no signal, and what the probe did (e.g. the serverTime fallback).
    pub notes: Vec<String>,
    pub advisories: Vec<Advisory>,
    /// The offline credential findings.
    pub findings: Vec<CredentialFinding>,
}

/// The TBA end-of-support advisory, included in every report.
pub fn tba_advisory() -> Advisory {
    Advisory {
        id: "tba_end_of_support".to_owned(),
        text: "NetSuite accepts no new token-based authentication (TBA) integrations from release 2027.1 and plans to stop existing ones in 2028.1; OAuth 2.0 replaces them.".to_owned(),
    }
}

/// Checks a base-URL override: http, a loopback host, an explicit port, nothing else.
pub fn loopback_base_url(text: &str) -> Result<Url, Error> {
    let url = Url::parse(text).map_err(|_| Error::BaseUrl("not a URL"))?;
    if url.scheme() != "http" {
        return Err(Error::BaseUrl("scheme must be http"));
    }
    // The url crate lower-cases hosts and compresses IPv6, so these three spellings suffice.
    let loopback = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    if !loopback {
        return Err(Error::BaseUrl("host must be 127.0.0.1, localhost or [::1]"));
    }
    if url.port().is_none() {
        return Err(Error::BaseUrl("port missing"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::BaseUrl("user info not allowed"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(Error::BaseUrl("no path, query or fragment allowed"));
    }
    Ok(url)
}

/// Where to send the request: the override, or the account's host; `None` when the account ID
/// cannot form a host name.
fn base_url(creds: &Credentials, options: &ProbeOptions) -> Result<Option<Url>, Error> {
    if let Some(text) = &options.base_url {
        return loopback_base_url(text).map(Some);
    }
    let label = creds.host_label();
    if label.is_empty()
        || !label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Ok(None);
    }
    Ok(Url::parse(&format!("https://{}/", creds.host())).ok())
}

fn http_client(options: &ProbeOptions) -> Result<Client, Error> {
    let mut builder = Client::builder()
        .connect_timeout(options.connect_timeout)
        .timeout(options.total_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("triage-probe/", env!("CARGO_PKG_VERSION")));
    builder = if options.base_url.is_some() {
        // A loopback test server must not be sent through a proxy from the environment.
        builder.no_proxy()
    } else {
        builder.https_only(true)
    };
    builder.build().map_err(|e| Error::Client(e.to_string()))
}

/// Probes NetSuite with the credentials: offline checks, then one signed request unless the
/// account ID is not in a NetSuite form (it could be a secret pasted into the wrong variable, and
/// the host name goes out in the clear to DNS).
pub fn probe(creds: &Credentials, options: &ProbeOptions) -> Result<ProbeReport, Error> {
    let offline = creds.check();
    let base = base_url(creds, options)?;
    let mut report = ProbeReport {
        account_id: display_account(&creds.account_id),
        base_url: None,
        signals: offline.signals,
        notes: Vec::new(),
        advisories: vec![tba_advisory()],
        findings: offline.findings,
    };
    let shape_ok = report.findings.iter().all(|f| f.code != "account_id_shape");
    let Some(base) = base.filter(|_| shape_ok) else {
        report.notes.push(
            "no request sent: the account ID is not in a form NetSuite knows (see the findings); fix it, or pass --account"
                .to_owned(),
        );
        return Ok(report);
    };
    let client = http_client(options)?;
    let (outcome, notes) = within_deadline(&client, creds, &base, options)?;
    report.notes.extend(notes);
    let classification = options.table.classify(&outcome, SystemTime::now());
    report.signals.extend(classification.signals);
    report.notes.extend(classification.notes);
    report.base_url = Some(base.as_str().trim_end_matches('/').to_owned());
    Ok(report)
}

/// The whole exchange (both requests, headers and bodies) bounded by
/// `--timeout`: reqwest's timeout restarts with every read, so a server
/// trickling a body byte by byte would hold a plain call for as long as it
/// likes. The exchange runs on its own thread; past the deadline it is
/// abandoned (its socket closes when the process ends) and the outcome is a timeout.
fn within_deadline(
    client: &Client,
    creds: &Credentials,
    base: &Url,
    options: &ProbeOptions,
) -> Result<(Outcome, Vec<String>), Error> {
    let (tx, rx) = std::sync::mpsc::channel();
    let (client, creds, base, opts) =
        (client.clone(), creds.clone(), base.clone(), options.clone());
    std::thread::Builder::new()
        .name("probe-exchange".into())
        .spawn(move || {
            let _ = tx.send(exchange(&client, &creds, &base, &opts));
        })
        .map_err(|e| Error::Client(e.to_string()))?;
    match rx.recv_timeout(options.total_timeout) {
        Ok(result) => result,
        Err(_) => Ok((
            Outcome::Timeout {
                detail: format!(
                    "no whole answer within {} s (connect limit {} s): the server was still sending",
                    options.total_timeout.as_secs_f32(),
                    options.connect_timeout.as_secs_f32()
                ),
            },
            Vec::new(),
        )),
    }
}

/// metadata-catalog, then serverTime when the first is missing; with the notes it made.
fn exchange(
    client: &Client,
    creds: &Credentials,
    base: &Url,
    options: &ProbeOptions,
) -> Result<(Outcome, Vec<String>), Error> {
    let mut notes = Vec::new();
    let mut outcome = send(client, creds, base, METADATA_CATALOG_PATH, options)?;
    if matches!(outcome, Outcome::Response { status: 404, .. }) {
        // Some accounts lack metadata-catalog; serverTime needs no explicit permission.
        notes.push(format!(
            "{METADATA_CATALOG_PATH} answered HTTP 404; tried {SERVER_TIME_PATH} instead"
        ));
        outcome = send(client, creds, base, SERVER_TIME_PATH, options)?;
    }
    Ok((outcome, notes))
}

fn send(
    client: &Client,
    creds: &Credentials,
    base: &Url,
    path: &str,
    options: &ProbeOptions,
) -> Result<Outcome, Error> {
    let url = base
        .join(path)
        .map_err(|_| Error::BaseUrl("cannot join the request path"))?;
    let nonce = sign::new_nonce()?;
    let realm = creds.realm();
    // Sign the serialised URL: it is exactly what reqwest puts on the wire.
    let authorization = OAuthRequest {
        method: "GET",
        url: url.as_str(),
        realm: &realm,
        consumer_key: &creds.consumer_key,
        consumer_secret: &creds.consumer_secret,
        token_id: &creds.token_id,
        token_secret: &creds.token_secret,
        nonce: &nonce,
        timestamp: sign::unix_now(),
    }
    .authorization_header()?;
    let result = client
        .get(url)
        .header(reqwest::header::AUTHORIZATION, authorization)
        .header(reqwest::header::ACCEPT, "application/json")
        .send();
    Ok(match result {
        Ok(response) => read_response(response),
        Err(e) => outcome_from_error(&e, options),
    })
}

fn read_response(response: reqwest::blocking::Response) -> Outcome {
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let mut body = Vec::new();
    // A body cut short still leaves the status to classify by.
    let _ = response.take(MAX_BODY_BYTES).read_to_end(&mut body);
    Outcome::Response {
        status,
        headers,
        body,
    }
}

fn outcome_from_error(e: &reqwest::Error, options: &ProbeOptions) -> Outcome {
    let mut chain = Vec::new();
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(s) = source {
        chain.push(s.to_string());
        source = s.source();
    }
    let kind = transport_kind(e.is_timeout(), e.is_connect(), &chain);
    let cause = chain.last().cloned().unwrap_or_else(|| e.to_string());
    let cause: String = cause.chars().take(200).collect();
    let detail = match kind {
        TransportKind::Timeout => format!(
            "nothing within {} s (connect limit {} s): {cause}",
            options.total_timeout.as_secs_f32(),
            options.connect_timeout.as_secs_f32()
        ),
        _ => cause,
    };
    match kind {
        TransportKind::Dns => Outcome::Dns { detail },
        TransportKind::Connect => Outcome::Connect { detail },
        TransportKind::Timeout => Outcome::Timeout { detail },
        TransportKind::Tls => Outcome::Tls { detail },
        TransportKind::Other => Outcome::Other { detail },
    }
}

/// Sorts a failure by reqwest's flags and the text of its source chain, since hyper and the
/// resolver expose no typed DNS or TLS errors through reqwest.
pub fn transport_kind(is_timeout: bool, is_connect: bool, chain: &[String]) -> TransportKind {
    let text = chain.join(": ").to_lowercase();
    let has = |needles: &[&str]| needles.iter().any(|n| text.contains(n));
    if is_timeout || has(&["timed out", "deadline has elapsed"]) {
        TransportKind::Timeout
    } else if has(&[
        "dns",
        "failed to lookup",
        "name or service not known",
        "nodename nor servname",
        "no such host",
    ]) {
        TransportKind::Dns
    } else if has(&["certificate", "tls", "handshake"]) {
        TransportKind::Tls
    } else if is_connect
        // A server that closes the connection without a word is as unreachable as one that refuses it.
        || has(&["connection closed before message completed", "connection reset", "connection aborted", "broken pipe", "unexpected eof"])
    {
        TransportKind::Connect
    } else {
        TransportKind::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::classify::shipped_netsuite_table;

    #[test]
    fn base_url_override_is_loopback_only() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost:1/",
            "http://[::1]:65535",
            "http://LOCALHOST:9",
        ] {
            assert!(loopback_base_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "https://127.0.0.1:8080",
            "http://127.0.0.1",
            "http://127.0.0.2:80",
            "http://10.0.0.1:8080",
            "http://example.com:8080",
            "http://localhost.example.com:80",
            "http://user:pw@127.0.0.1:8080",
            "http://127.0.0.1:8080/path",
            "http://127.0.0.1:8080/?q=1",
            "127.0.0.1:8080",
        ] {
            let err = loopback_base_url(bad).unwrap_err().to_string();
            assert!(!err.contains("pw"), "{err}");
        }
    }

    #[test]
    fn account_must_form_a_host() {
        let creds = |id: &str| Credentials {
            account_id: id.into(),
            consumer_key: String::new(),
            consumer_secret: String::new(),
            token_id: String::new(),
            token_secret: String::new(),
        };
        let options = ProbeOptions::new(shipped_netsuite_table());
        for bad in ["12 3", "a/b", ""] {
            assert!(base_url(&creds(bad), &options).unwrap().is_none(), "{bad}");
        }
        let url = base_url(&creds("1234567_SB1"), &options).unwrap().unwrap();
        assert_eq!(
            url.as_str(),
            "https://1234567-sb1.suitetalk.api.netsuite.com/"
        );
        // An ID in no NetSuite form sends nothing, even when it could form a host name.
        let hex = "ef40afdd8abaac111b13825dd5e5e2ddddb44f86d5a0dd6dcf38c20aae6b67e4";
        let report = probe(&creds(hex), &options).unwrap();
        assert_eq!(report.base_url, None);
        assert_eq!(report.account_id, "(64 characters, not shown)");
        assert!(report.notes[0].starts_with("no request sent"));
    }

    #[test]
    fn https_client_builds_with_rustls() {
        assert!(http_client(&ProbeOptions::new(shipped_netsuite_table())).is_ok());
    }

    #[test]
    fn error_chain_kinds() {
        let k = |t, c, s: &str| transport_kind(t, c, &[s.to_owned()]);
        assert_eq!(
            k(
                false,
                true,
                "dns error: failed to lookup address information: Name or service not known"
            ),
            TransportKind::Dns
        );
        assert_eq!(
            k(
                false,
                true,
                "tcp connect error: Connection refused (os error 111)"
            ),
            TransportKind::Connect
        );
        assert_eq!(
            k(true, false, "operation timed out"),
            TransportKind::Timeout
        );
        assert_eq!(
            k(false, true, "invalid peer certificate: UnknownIssuer"),
            TransportKind::Tls
        );
        assert_eq!(
            k(false, false, "connection closed before message completed"),
            TransportKind::Connect
        );
        assert_eq!(k(false, false, "something else"), TransportKind::Other);
    }
}
