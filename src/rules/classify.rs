//! Turns what one probe request got back into signals, driven by a table that lives in the rules
//! data (`probe:` in `integration.yaml`) so a writer can map a new answer without code.

use std::time::SystemTime;

use serde::{Deserialize, Serialize};

/// One observed fact for the diagnosis engine. A signal that is absent is unknown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbeSignal {
    pub id: String,
    pub value: bool,
    /// What was seen, for the person; never a secret.
    pub evidence: String,
}

impl ProbeSignal {
    pub fn new(id: &str, value: bool, evidence: impl Into<String>) -> Self {
        Self {
            id: id.to_owned(),
            value,
            evidence: evidence.into(),
        }
    }
}

/// What one request produced. Transport failures carry a short cause (no headers, no secrets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Response {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    Dns {
        detail: String,
    },
    Connect {
        detail: String,
    },
    Timeout {
        detail: String,
    },
    Tls {
        detail: String,
    },
    Other {
        detail: String,
    },
}

/// The transport failure kinds a table row can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TransportKind {
    Dns,
    Connect,
    Timeout,
    Tls,
    Other,
}

impl Outcome {
    /// The failure kind and its detail, or `None` for an HTTP response.
    pub fn transport(&self) -> Option<(TransportKind, &str)> {
        match self {
            Outcome::Response { .. } => None,
            Outcome::Dns { detail } => Some((TransportKind::Dns, detail)),
            Outcome::Connect { detail } => Some((TransportKind::Connect, detail)),
            Outcome::Timeout { detail } => Some((TransportKind::Timeout, detail)),
            Outcome::Tls { detail } => Some((TransportKind::Tls, detail)),
            Outcome::Other { detail } => Some((TransportKind::Other, detail)),
        }
    }
}

/// A status as a table row names it: `401`, or a class such as `"5xx"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "StatusText", into = "StatusText")]
pub enum StatusMatch {
    Exact(u16),
    /// The hundreds digit: 5 for `5xx`.
    Class(u16),
}

impl StatusMatch {
    pub fn matches(self, status: u16) -> bool {
        match self {
            StatusMatch::Exact(s) => s == status,
            StatusMatch::Class(c) => status / 100 == c,
        }
    }
}

/// The raw form in YAML: a number or a string.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum StatusText {
    Number(u16),
    Text(String),
}

impl TryFrom<StatusText> for StatusMatch {
    type Error = String;

    fn try_from(raw: StatusText) -> Result<Self, String> {
        let text = match raw {
            StatusText::Number(n) => n.to_string(),
            StatusText::Text(t) => t.to_ascii_lowercase(),
        };
        let bad = || {
            format!(
                "invalid status `{text}`: expected a code from 100 to 599 or a class like `5xx`"
            )
        };
        if let Some(digit) = text.strip_suffix("xx") {
            return match digit.parse::<u16>() {
                Ok(c @ 1..=5) if digit.len() == 1 => Ok(StatusMatch::Class(c)),
                _ => Err(bad()),
            };
        }
        match text.parse::<u16>() {
            Ok(s @ 100..=599) => Ok(StatusMatch::Exact(s)),
            _ => Err(bad()),
        }
    }
}

impl From<StatusMatch> for StatusText {
    fn from(m: StatusMatch) -> Self {
        match m {
            StatusMatch::Exact(s) => StatusText::Number(s),
            StatusMatch::Class(c) => StatusText::Text(format!("{c}xx")),
        }
    }
}

// `S` is how a row names its signal: `String` once validated; the rules loader reads the table
// with `Spanned<String>` so that an unknown signal can be reported at its line and column.

/// An HTTP answer → a signal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseRule<S = String> {
    pub status: StatusMatch,
    /// When set, the body's `o:errorDetails[].o:errorCode` must contain it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    pub signal: S,
}

/// A request that got no HTTP answer → a signal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransportRule<S = String> {
    pub failure: TransportKind,
    pub signal: S,
}

/// The signal set to yes when the server's `Date` is further than `max_seconds` from the local
/// clock, and to no otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockSkewRule<S = String> {
    pub signal: S,
    pub max_seconds: u64,
}

/// Rows are tried in order; the first match gives the signal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassificationTable<S = String> {
    #[serde(default = "Vec::new")]
    pub responses: Vec<ResponseRule<S>>,
    #[serde(default = "Vec::new")]
    pub transport: Vec<TransportRule<S>>,
    #[serde(default = "Option::default", skip_serializing_if = "Option::is_none")]
    pub clock_skew: Option<ClockSkewRule<S>>,
}

impl<S> ClassificationTable<S> {
    /// Every signal the table names, in row order.
    pub fn signals(&self) -> impl Iterator<Item = &S> {
        self.responses
            .iter()
            .map(|r| &r.signal)
            .chain(self.transport.iter().map(|r| &r.signal))
            .chain(self.clock_skew.iter().map(|r| &r.signal))
    }

    /// The same table with each signal name turned into a `T`.
    pub fn map_signals<T>(&self, mut f: impl FnMut(&S) -> T) -> ClassificationTable<T> {
        ClassificationTable {
            responses: self
                .responses
                .iter()
                .map(|r| ResponseRule {
                    status: r.status,
                    error_code: r.error_code.clone(),
                    signal: f(&r.signal),
                })
                .collect(),
            transport: self
                .transport
                .iter()
                .map(|r| TransportRule {
                    failure: r.failure,
                    signal: f(&r.signal),
                })
                .collect(),
            clock_skew: self.clock_skew.as_ref().map(|r| ClockSkewRule {
                signal: f(&r.signal),
                max_seconds: r.max_seconds,
            }),
        }
    }
}

/// Signals plus notes for what matched no row (unknown, not "no").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Classification {
    pub signals: Vec<ProbeSignal>,
    pub notes: Vec<String>,
}

impl ClassificationTable {
    /// `now` is the local clock when the answer arrived (a parameter so tests are exact).
    pub fn classify(&self, outcome: &Outcome, now: SystemTime) -> Classification {
        let mut out = Classification::default();
        match outcome {
            Outcome::Response {
                status,
                headers,
                body,
            } => {
                self.classify_response(*status, body, &mut out);
                self.check_clock(headers, now, &mut out);
            }
            _ => self.classify_transport(outcome, &mut out),
        }
        out
    }

    fn classify_response(&self, status: u16, body: &[u8], out: &mut Classification) {
        let codes = error_codes(body);
        let mut evidence = format!("HTTP {status}");
        if !codes.is_empty() {
            evidence.push_str(&format!(", o:errorCode {}", codes.join(", ")));
        }
        let row = self.responses.iter().find(|r| {
            r.status.matches(status) && r.error_code.as_ref().is_none_or(|c| codes.contains(c))
        });
        match row {
            Some(r) => out
                .signals
                .push(ProbeSignal::new(&r.signal, true, evidence)),
            None => out.notes.push(format!(
                "{evidence} matches no classification row; no signal"
            )),
        }
    }

    fn classify_transport(&self, outcome: &Outcome, out: &mut Classification) {
        let Some((kind, detail)) = outcome.transport() else {
            return;
        };
        let evidence = match kind {
            TransportKind::Dns => format!("DNS lookup of the account host failed: {detail}"),
            TransportKind::Connect => format!("no connection to NetSuite: {detail}"),
            TransportKind::Timeout => format!("no answer in time: {detail}"),
            TransportKind::Tls => format!("TLS handshake failed: {detail}"),
            TransportKind::Other => format!("request failed: {detail}"),
        };
        match self.transport.iter().find(|r| r.failure == kind) {
            Some(r) => out
                .signals
                .push(ProbeSignal::new(&r.signal, true, evidence)),
            None => out.notes.push(format!("{evidence}; no signal")),
        }
    }

    fn check_clock(&self, headers: &[(String, String)], now: SystemTime, out: &mut Classification) {
        let Some(rule) = &self.clock_skew else {
            return;
        };
        let Some(offset) = clock_offset(headers, now) else {
            out.notes
                .push("no usable Date header; clock skew not checked".to_owned());
            return;
        };
        let direction = if offset >= 0 { "ahead of" } else { "behind" };
        let evidence = format!(
            "server Date is {} s {direction} the local clock",
            offset.unsigned_abs()
        );
        out.signals.push(ProbeSignal::new(
            &rule.signal,
            offset.unsigned_abs() > rule.max_seconds,
            evidence,
        ));
    }
}

/// The `o:errorCode` values of a NetSuite error body; garbage gives none. Codes that do not
/// look like codes are dropped so the body can never smuggle text into evidence.
pub fn error_codes(body: &[u8]) -> Vec<String> {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return Vec::new();
    };
    let Some(details) = value.get("o:errorDetails").and_then(|d| d.as_array()) else {
        return Vec::new();
    };
    details
        .iter()
        .filter_map(|d| d.get("o:errorCode")?.as_str())
        .filter(|c| {
            !c.is_empty()
                && c.len() <= 64
                && c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
        .map(str::to_owned)
        .collect()
}

/// Server `Date` minus `now`, in whole seconds; positive when the server is ahead.
pub fn clock_offset(headers: &[(String, String)], now: SystemTime) -> Option<i64> {
    let (_, value) = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("date"))?;
    let server = httpdate::parse_http_date(value.trim()).ok()?;
    let seconds = |d: std::time::Duration| i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
    Some(match server.duration_since(now) {
        Ok(ahead) => seconds(ahead),
        Err(behind) => -seconds(behind.duration()),
    })
}

/// The table shipped in `rules/netsuite/integration.yaml`, for unit tests.
#[cfg(test)]
pub(crate) fn shipped_netsuite_table() -> ClassificationTable {
    use crate::rules::{RuleBase, RuleSource, Selection};
    let (base, findings) =
        RuleBase::load(&RuleSource::Embedded, &Selection::IntegrationsOnly).unwrap();
    assert!(findings.iter().all(|f| !f.is_error()));
    let netsuite = base.integration("netsuite").unwrap();
    netsuite.probe.clone().unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    fn now() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_750_000_000)
    }

    fn response(status: u16, body: &[u8], date_offset: i64) -> Outcome {
        let shift = Duration::from_secs(date_offset.unsigned_abs());
        let date = if date_offset < 0 {
            now() - shift
        } else {
            now() + shift
        };
        Outcome::Response {
            status,
            headers: vec![("date".into(), httpdate::fmt_http_date(date))],
            body: body.to_vec(),
        }
    }

    fn ids(c: &Classification) -> Vec<(&str, bool)> {
        c.signals.iter().map(|s| (s.id.as_str(), s.value)).collect()
    }

    fn body(code: &str) -> Vec<u8> {
        format!(r#"{{"status":0,"o:errorDetails":[{{"detail":"x","o:errorCode":"{code}"}}]}}"#)
            .into_bytes()
    }

    #[test]
    fn shipped_table_rows() {
        let t = shipped_netsuite_table();
        let cases: [(u16, &[u8], &str); 6] = [
            (200, b"{}", "login_ok"),
            (401, &body("INVALID_LOGIN"), "login_rejected"),
            (400, &body("USER_ERROR"), "rest_permission_missing"),
            (
                403,
                &body("INSUFFICIENT_PERMISSION"),
                "record_permission_missing",
            ),
            (429, b"", "concurrency_limit"),
            (503, b"<html>", "netsuite_server_error"),
        ];
        for (status, b, signal) in cases {
            let c = t.classify(&response(status, b, 0), now());
            assert_eq!(
                ids(&c),
                vec![(signal, true), ("clock_skew", false)],
                "HTTP {status}"
            );
        }
        let c = t.classify(&response(401, &body("INVALID_LOGIN"), 0), now());
        assert_eq!(c.signals[0].evidence, "HTTP 401, o:errorCode INVALID_LOGIN");
    }

    #[test]
    fn unknown_status_gives_a_note_only() {
        let t = shipped_netsuite_table();
        let c = t.classify(&response(400, &body("INVALID_REQUEST"), 0), now());
        assert_eq!(ids(&c), vec![("clock_skew", false)]);
        assert_eq!(
            c.notes,
            vec!["HTTP 400, o:errorCode INVALID_REQUEST matches no classification row; no signal"]
        );
    }

    #[test]
    fn transport_failures() {
        let t = shipped_netsuite_table();
        let d = || "x".to_owned();
        for (o, signal) in [
            (Outcome::Dns { detail: d() }, Some("account_host_not_found")),
            (
                Outcome::Connect { detail: d() },
                Some("netsuite_unreachable"),
            ),
            (Outcome::Tls { detail: d() }, Some("netsuite_unreachable")),
            (
                Outcome::Timeout { detail: d() },
                Some("netsuite_unreachable"),
            ),
            (Outcome::Other { detail: d() }, None),
        ] {
            let c = t.classify(&o, now());
            assert_eq!(c.signals.first().map(|s| s.id.as_str()), signal);
            assert_eq!(c.notes.len(), usize::from(signal.is_none()));
        }
    }

    #[test]
    fn clock_skew_both_directions() {
        let t = shipped_netsuite_table();
        let c = t.classify(&response(200, b"", 612), now());
        assert_eq!(
            c.signals[1],
            ProbeSignal::new(
                "clock_skew",
                true,
                "server Date is 612 s ahead of the local clock"
            )
        );
        let c = t.classify(&response(200, b"", -301), now());
        assert_eq!(
            c.signals[1].evidence,
            "server Date is 301 s behind the local clock"
        );
        assert!(c.signals[1].value);
        assert!(!t.classify(&response(200, b"", 300), now()).signals[1].value);
        let no_date = Outcome::Response {
            status: 200,
            headers: vec![("Date".into(), "garbage".into())],
            body: vec![],
        };
        assert_eq!(t.classify(&no_date, now()).notes.len(), 1);
    }

    #[test]
    fn garbage_bodies_never_panic() {
        let long_code = format!(
            r#"{{"o:errorDetails":[{{"o:errorCode":"{}"}}]}}"#,
            "A".repeat(65)
        );
        for b in [
            &b"\xff\xfe\x00garbage"[..],
            b"{",
            b"[]",
            b"null",
            br#"{"o:errorDetails":5}"#,
            br#"{"o:errorDetails":[1,{"o:errorCode":7},{"o:errorCode":"has space"}]}"#,
            long_code.as_bytes(),
        ] {
            assert!(error_codes(b).is_empty());
        }
    }

    #[test]
    fn table_from_yaml() {
        let yaml = "responses:\n  - { status: 200, signal: ok }\n  - { status: 5xx, signal: boom }\n  - { status: \"401\", error_code: INVALID_LOGIN, signal: no }\ntransport:\n  - { failure: dns, signal: nohost }\n";
        let t: ClassificationTable = serde_saphyr::from_str(yaml).unwrap();
        assert_eq!(t.responses[1].status, StatusMatch::Class(5));
        assert_eq!(t.responses[2].status, StatusMatch::Exact(401));
        assert_eq!(t.transport[0].failure, TransportKind::Dns);
        assert!(t.clock_skew.is_none());
        for bad in ["6xx", "99", "5x", "xx", "abc"] {
            let y = format!("responses: [{{ status: \"{bad}\", signal: s }}]");
            assert!(
                serde_saphyr::from_str::<ClassificationTable>(&y).is_err(),
                "{bad}"
            );
        }
        // The shipped table survives a round trip through its serialised form.
        let json = serde_json::to_string(&shipped_netsuite_table()).unwrap();
        let back: ClassificationTable = serde_json::from_str(&json).unwrap();
        assert_eq!(back, shipped_netsuite_table());
    }
}
