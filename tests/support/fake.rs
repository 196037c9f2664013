//! A fake NetSuite REST server on loopback for the probe's tests: verifies the OAuth header like NetSuite,
//! answers as NetSuite does, and keeps the login audit trail where only the test can read it.

use std::collections::HashSet;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant, SystemTime};

use triage::probe::client::{METADATA_CATALOG_PATH, SERVER_TIME_PATH};
use triage::probe::credentials::Credentials;
use triage::probe::sign;

/// How the fake account behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// Everything works.
    Valid,
    /// metadata-catalog answers 404; serverTime works.
    NoMetadataCatalog,
    RevokedToken,
    UnknownConsumerKey,
    /// The token's role is inactive or lacks "Log in using Access Tokens".
    DisabledRole,
    /// The fake holds another token secret than the client (rotated in NetSuite only).
    WrongSecret,
    BlockedIntegration,
    Concurrency,
    ServerError,
    /// Reads the request and never answers until the peer leaves or the fake is dropped.
    NeverAnswers,
    /// Answers this status with bytes that are not JSON.
    GarbageBody {
        status: u16,
    },
    /// Reads the request and closes the connection without a word.
    ConnectionReset,
    /// Answers 200 with a chunked body of one byte every half second, for ever.
    TrickleBody,
    /// The fake's clock runs 10 minutes ahead: its `Date` shows it and, as NetSuite would, it
    /// rejects the request timestamp (401, audit `InvalidTimestamp`).
    ClockSkew,
    NoRestPermission,
    NoRecordPermission,
}

const SKEW_SECONDS: u64 = 600;
const MAX_REQUEST_BYTES: usize = 16 * 1024;

/// The exact 401 body NetSuite sends for every TBA login failure.
pub const LOGIN_FAILURE_BODY: &str = r#"{"type":"https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.2","title":"Unauthorized","status":401,"o:errorDetails":[{"detail":"Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at Setup > Users/Roles > User Management > View Login Audit Trail.","o:errorCode":"INVALID_LOGIN"}]}"#;
pub const ERROR_CONTENT_TYPE: &str =
    "application/vnd.oracle.resource+json; type=error; charset=UTF-8";

/// A running fake; stops and joins its thread when dropped.
pub struct FakeNetSuite {
    addr: SocketAddr,
    client_credentials: Credentials,
    audit: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl FakeNetSuite {
    /// Starts with [`FakeNetSuite::test_credentials`].
    pub fn start(scenario: Scenario) -> io::Result<Self> {
        Self::start_with(scenario, Self::test_credentials())
    }

    /// Starts a fake whose account holds `credentials` (its token secret differs under
    /// `WrongSecret`).
    pub fn start_with(scenario: Scenario, credentials: Credentials) -> io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        // Non-blocking accept lets the thread notice the stop flag.
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let mut held = credentials.clone();
        if scenario == Scenario::WrongSecret {
            held.token_secret = held.token_secret.chars().rev().collect::<String>() + "x";
        }
        let audit = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let mut account = Account {
            scenario,
            held,
            nonces: HashSet::new(),
            audit: Arc::clone(&audit),
        };
        let thread_stop = Arc::clone(&stop);
        let thread = thread::Builder::new()
            .name("fake-netsuite".into())
            .spawn(move || serve(&listener, &thread_stop, &mut account))?;
        Ok(Self {
            addr,
            client_credentials: credentials,
            audit,
            stop,
            thread: Some(thread),
        })
    }

    /// Oracle's published example keys (not real secrets) on sandbox account `1234567_SB1`.
    pub fn test_credentials() -> Credentials {
        Credentials {
            account_id: "1234567_SB1".into(),
            consumer_key: "ef40afdd8abaac111b13825dd5e5e2ddddb44f86d5a0dd6dcf38c20aae6b67e4".into(),
            consumer_secret: "d26ad321a4b2f23b0741c8d38392ce01c3e23e109df6c96eac6d099e9ab9e8b5"
                .into(),
            token_id: "2b0ce516420110bcbd36b69e99196d1b7f6de3c6234c5afb799b73d87569f5cc".into(),
            token_secret: "c29a677df7d5439a458c063654187e3d678d73aca8e3c9d8bea1478a3eb0d295".into(),
        }
    }

    /// `http://127.0.0.1:PORT`, for `ProbeOptions::base_url`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The credentials a client should use against this fake.
    pub fn credentials(&self) -> Credentials {
        self.client_credentials.clone()
    }

    /// The login audit trail so far: `success`, `token_rejected`, `InvalidSignature`, ...
    pub fn audit(&self) -> Vec<String> {
        lock(&self.audit).clone()
    }
}

impl Drop for FakeNetSuite {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

// A panicking test thread must not hide the audit trail from the others.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

struct Account {
    scenario: Scenario,
    held: Credentials,
    nonces: HashSet<(String, u64, String)>,
    audit: Arc<Mutex<Vec<String>>>,
}

struct Request {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

// Connections are served one at a time: the probe sends one request at a time.
fn serve(listener: &TcpListener, stop: &AtomicBool, account: &mut Account) {
    while !stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, _)) => handle(stream, stop, account),
            Err(_) => thread::sleep(Duration::from_millis(5)),
        }
    }
}

fn handle(mut stream: TcpStream, stop: &AtomicBool, account: &mut Account) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(20)));
    let Some(request) = read_request(&mut stream, stop) else {
        return;
    };
    match account.scenario {
        Scenario::NeverAnswers => return wait_for_hangup(&mut stream, stop),
        Scenario::ConnectionReset => return,
        Scenario::TrickleBody => return trickle(&mut stream, stop),
        _ => {}
    }
    let now = account.clock();
    let reply = account.respond(&request, now);
    let _ = stream.write_all(&render(&reply, now));
    let _ = stream.flush();
}

fn read_request(stream: &mut TcpStream, stop: &AtomicBool) -> Option<Request> {
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut buf = Vec::new();
    let mut chunk = [0u8; 2048];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        if stop.load(Ordering::SeqCst) || Instant::now() > deadline || buf.len() > MAX_REQUEST_BYTES
        {
            return None;
        }
        match stream.read(&mut chunk) {
            Ok(0) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return None,
        }
    }
    let text = String::from_utf8_lossy(&buf);
    let mut lines = text.split("\r\n");
    let mut start = lines.next()?.split(' ');
    let (method, target) = (start.next()?.to_owned(), start.next()?.to_owned());
    let headers = lines
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Some(Request {
        method,
        target,
        headers,
    })
}

fn trickle(stream: &mut TcpStream, stop: &AtomicBool) {
    let head =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    if stream.write_all(head.as_bytes()).is_err() {
        return;
    }
    while !stop.load(Ordering::SeqCst) {
        if stream
            .write_all(b"1\r\n \r\n")
            .and_then(|_| stream.flush())
            .is_err()
        {
            return;
        }
        thread::sleep(Duration::from_millis(500));
    }
}

fn wait_for_hangup(stream: &mut TcpStream, stop: &AtomicBool) {
    let mut byte = [0u8; 1];
    while !stop.load(Ordering::SeqCst) {
        match stream.read(&mut byte) {
            Ok(0) => return,
            Err(e)
                if !matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return;
            }
            _ => {}
        }
    }
}

impl Account {
    fn clock(&self) -> SystemTime {
        let now = SystemTime::now();
        match self.scenario {
            Scenario::ClockSkew => now + Duration::from_secs(SKEW_SECONDS),
            _ => now,
        }
    }

    fn record(&self, detail: &str) {
        lock(&self.audit).push(detail.to_owned());
    }

    fn respond(&mut self, request: &Request, now: SystemTime) -> Reply {
        if let Err(detail) = self.authenticate(request, now) {
            self.record(detail);
            return login_failure(&self.held.account_id);
        }
        self.record("success");
        let path = request.target.split('?').next().unwrap_or_default();
        let metadata = path == METADATA_CATALOG_PATH;
        match self.scenario {
            Scenario::NoRestPermission => error_reply(
                400,
                "USER_ERROR",
                "Your current role does not have permission to perform this action.",
            ),
            Scenario::NoRecordPermission if metadata => error_reply(
                403,
                "INSUFFICIENT_PERMISSION",
                "Permission Violation: You need a higher level of the permission for this record.",
            ),
            Scenario::Concurrency => error_reply(
                429,
                "CONCURRENCY_LIMIT_EXCEEDED",
                "Concurrent request limit exceeded. Request blocked.",
            ),
            Scenario::ServerError => error_reply(
                500,
                "UNEXPECTED_ERROR",
                "An unexpected error occurred. Error ID: fake0001",
            ),
            Scenario::GarbageBody { status } => Reply {
                status,
                headers: vec![("Content-Type", "text/html".into())],
                body: b"<html>\xff\xfe proxy \x00 error".to_vec(),
            },
            Scenario::NoMetadataCatalog if metadata => not_found(),
            _ if metadata => json_reply(r#"{"items":[]}"#.into()),
            _ if path == SERVER_TIME_PATH => {
                let time = httpdate::fmt_http_date(now);
                json_reply(serde_json::json!({ "serverTime": time }).to_string())
            }
            _ => not_found(),
        }
    }

    /// NetSuite's real order of checks is undocumented; this one follows the reference blueprint.
    fn authenticate(&mut self, request: &Request, now: SystemTime) -> Result<(), &'static str> {
        let header = request
            .header("authorization")
            .ok_or("missing_authorization")?;
        let auth = sign::parse_authorization_header(header).map_err(|_| "malformed_header")?;
        let param = |name| auth.get(name).ok_or("missing_parameter");
        let (consumer_key, token, nonce) = (
            param("oauth_consumer_key")?,
            param("oauth_token")?,
            param("oauth_nonce")?,
        );
        let (timestamp, method, signature) = (
            param("oauth_timestamp")?,
            param("oauth_signature_method")?,
            param("oauth_signature")?,
        );
        let realm = auth.realm.as_deref().ok_or("missing_parameter")?;
        if auth
            .get("oauth_version")
            .is_some_and(|v| v != sign::OAUTH_VERSION)
        {
            return Err("invalid_version");
        }
        if method != sign::SIGNATURE_METHOD {
            return Err("UnknownAlgorithm");
        }
        if realm != self.held.account_id {
            return Err("invalid_realm");
        }
        if consumer_key != self.held.consumer_key || self.scenario == Scenario::UnknownConsumerKey {
            return Err("consumer_key_unknown");
        }
        if self.scenario == Scenario::BlockedIntegration {
            return Err("consumer_key_refused");
        }
        if token != self.held.token_id || self.scenario == Scenario::RevokedToken {
            return Err("token_rejected");
        }
        let timestamp: u64 = timestamp.parse().map_err(|_| "InvalidTimestamp")?;
        let fake_now = now
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        if timestamp.abs_diff(fake_now) > 300 {
            return Err("InvalidTimestamp");
        }
        if !(6..=64).contains(&nonce.len()) || !nonce.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err("nonce_rejected");
        }
        if !self
            .nonces
            .insert((token.to_owned(), timestamp, nonce.to_owned()))
        {
            return Err("nonce_used");
        }
        // Rebuild the URL the client signed: http, the Host header as sent (port kept), the target.
        let host = request
            .header("host")
            .ok_or("missing_host")?
            .to_ascii_lowercase();
        let url = format!("http://{host}{}", request.target);
        let params: Vec<(&str, &str)> = auth
            .params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let base =
            sign::base_string(&request.method, &url, &params).map_err(|_| "InvalidSignature")?;
        let key = sign::signing_key(&self.held.consumer_secret, &self.held.token_secret);
        if !sign::verify_hmac_sha256(&key, &base, signature) {
            return Err("InvalidSignature");
        }
        if self.scenario == Scenario::DisabledRole {
            return Err("permission_denied");
        }
        Ok(())
    }
}

fn login_failure(account: &str) -> Reply {
    Reply {
        status: 401,
        headers: vec![
            ("Content-Type", ERROR_CONTENT_TYPE.into()),
            (
                "WWW-Authenticate",
                format!(
                    r#"OAuth realm="{account}", error="token_rejected", error_description="Invalid login attempt.""#
                ),
            ),
        ],
        body: LOGIN_FAILURE_BODY.as_bytes().to_vec(),
    }
}

fn error_reply(status: u16, code: &str, detail: &str) -> Reply {
    let body = serde_json::json!({
        "type": "https://www.rfc-editor.org/rfc/rfc9110.html",
        "title": reason(status),
        "status": status,
        "o:errorDetails": [{ "detail": detail, "o:errorCode": code }],
    });
    Reply {
        status,
        headers: vec![("Content-Type", ERROR_CONTENT_TYPE.into())],
        body: body.to_string().into_bytes(),
    }
}

fn not_found() -> Reply {
    error_reply(404, "NONEXISTENT_ID", "The record instance does not exist.")
}

fn json_reply(body: String) -> Reply {
    Reply {
        status: 200,
        headers: vec![("Content-Type", "application/json; charset=UTF-8".into())],
        body: body.into_bytes(),
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        _ => "Unknown",
    }
}

fn render(reply: &Reply, now: SystemTime) -> Vec<u8> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    let fixed = [
        ("Date", httpdate::fmt_http_date(now)),
        ("Content-Length", reply.body.len().to_string()),
        ("Connection", "close".to_owned()),
    ];
    for (k, v) in reply.headers.iter().chain(fixed.iter()) {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(&reply.body);
    out
}
