//! The probe against the fake NetSuite on loopback, one scenario at a time: first the library,
//! then the command line (`triage probe`, `triage diagnose --probe`, `render ticket --probe`).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::support::fake::{FakeNetSuite, LOGIN_FAILURE_BODY, Scenario};
use triage::probe::client::{ProbeOptions, ProbeReport, probe};
use triage::probe::credentials::Credentials;
use triage::probe::sign::{self, OAuthRequest};
use triage::rules::classify::{ClassificationTable, ProbeSignal};
use triage::rules::{RuleBase, RuleSource, Selection};

/// The classification table shipped in the NetSuite rules.
fn table() -> ClassificationTable {
    let (base, _) = RuleBase::load(&RuleSource::Embedded, &Selection::IntegrationsOnly).unwrap();
    let netsuite = base.integration("netsuite").unwrap();
    triage::probe::table(netsuite).unwrap().clone()
}

/// Real NetSuite: what the probe would do without an override.
fn netsuite_options() -> ProbeOptions {
    ProbeOptions::new(table())
}

fn options(fake: &FakeNetSuite) -> ProbeOptions {
    ProbeOptions {
        base_url: Some(fake.base_url()),
        ..netsuite_options()
    }
}

fn run_with(
    scenario: Scenario,
    creds: Option<Credentials>,
    total: Duration,
) -> (ProbeReport, Vec<String>) {
    let fake = FakeNetSuite::start(scenario).unwrap();
    let creds = creds.unwrap_or_else(|| fake.credentials());
    let options = ProbeOptions {
        total_timeout: total,
        ..options(&fake)
    };
    let report = probe(&creds, &options).unwrap();
    (report, fake.audit())
}

fn run(scenario: Scenario) -> (ProbeReport, Vec<String>) {
    run_with(scenario, None, Duration::from_secs(15))
}

/// Signals set to true, except the offline account-shape one every report carries.
fn true_signals(report: &ProbeReport) -> Vec<&str> {
    report
        .signals
        .iter()
        .filter(|s| s.value)
        .map(|s| s.id.as_str())
        .collect()
}

fn signal<'a>(report: &'a ProbeReport, id: &str) -> Option<&'a ProbeSignal> {
    report.signals.iter().find(|s| s.id == id)
}

#[test]
fn each_scenario_yields_its_signal() {
    let cases: &[(Scenario, &[&str], &[&str])] = &[
        (Scenario::Valid, &["login_ok"], &["success"]),
        (
            Scenario::NoMetadataCatalog,
            &["login_ok"],
            &["success", "success"],
        ),
        (
            Scenario::RevokedToken,
            &["login_rejected"],
            &["token_rejected"],
        ),
        (
            Scenario::UnknownConsumerKey,
            &["login_rejected"],
            &["consumer_key_unknown"],
        ),
        (
            Scenario::DisabledRole,
            &["login_rejected"],
            &["permission_denied"],
        ),
        (
            Scenario::WrongSecret,
            &["login_rejected"],
            &["InvalidSignature"],
        ),
        (
            Scenario::BlockedIntegration,
            &["login_rejected"],
            &["consumer_key_refused"],
        ),
        (Scenario::Concurrency, &["concurrency_limit"], &["success"]),
        (
            Scenario::ServerError,
            &["netsuite_server_error"],
            &["success"],
        ),
        (
            Scenario::GarbageBody { status: 200 },
            &["login_ok"],
            &["success"],
        ),
        (
            Scenario::GarbageBody { status: 500 },
            &["netsuite_server_error"],
            &["success"],
        ),
        (Scenario::ConnectionReset, &["netsuite_unreachable"], &[]),
        (
            Scenario::ClockSkew,
            &["login_rejected", "clock_skew"],
            &["InvalidTimestamp"],
        ),
        (
            Scenario::NoRestPermission,
            &["rest_permission_missing"],
            &["success"],
        ),
        (
            Scenario::NoRecordPermission,
            &["record_permission_missing"],
            &["success"],
        ),
    ];
    for (scenario, signals, audit) in cases {
        let (report, trail) = run(*scenario);
        assert_eq!(true_signals(&report), *signals, "{scenario:?}: {report:#?}");
        assert_eq!(trail, *audit, "{scenario:?}");
        assert_eq!(report.advisories[0].id, "tba_end_of_support");
        assert_eq!(
            signal(&report, "account_id_host_form").map(|s| s.value),
            Some(false)
        );
    }
}

#[test]
fn evidence_and_notes() {
    let (report, _) = run(Scenario::RevokedToken);
    assert_eq!(
        signal(&report, "login_rejected").unwrap().evidence,
        "HTTP 401, o:errorCode INVALID_LOGIN"
    );
    assert!(!signal(&report, "clock_skew").unwrap().value);

    let (report, _) = run(Scenario::ClockSkew);
    let skew = signal(&report, "clock_skew").unwrap();
    // The Date header has whole seconds, so 10 minutes show as 599 or 600.
    let seconds: u64 = skew.evidence.split(' ').nth(3).unwrap().parse().unwrap();
    assert!((595..=605).contains(&seconds), "{}", skew.evidence);
    assert!(skew.evidence.ends_with("s ahead of the local clock") && skew.value);

    let (report, _) = run(Scenario::NoMetadataCatalog);
    assert!(report.notes[0].contains("answered HTTP 404"));

    let (report, _) = run(Scenario::GarbageBody { status: 418 });
    assert_eq!(true_signals(&report), Vec::<&str>::new());
    assert!(
        report
            .notes
            .iter()
            .any(|n| n == "HTTP 418 matches no classification row; no signal")
    );
}

#[test]
fn never_answers_times_out() {
    let total = Duration::from_secs(2);
    let start = Instant::now();
    let (report, _) = run_with(Scenario::NeverAnswers, None, total);
    let elapsed = start.elapsed();
    assert_eq!(true_signals(&report), ["netsuite_unreachable"]);
    assert!(elapsed < total + Duration::from_secs(1), "took {elapsed:?}");
    assert!(
        signal(&report, "netsuite_unreachable")
            .unwrap()
            .evidence
            .starts_with("no answer in time")
    );
}

/// A server trickling its body one byte every half second: `--timeout`
/// bounds the whole exchange, body included.
#[test]
fn a_trickled_body_is_cut_at_the_timeout() {
    let total = Duration::from_secs(2);
    let start = Instant::now();
    // On a thread, so that a probe that never returns fails the test rather than hanging it.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(run_with(Scenario::TrickleBody, None, total));
    });
    let (report, _) = rx
        .recv_timeout(total + Duration::from_secs(10))
        .expect("the probe returns within its timeout");
    let elapsed = start.elapsed();
    assert!(elapsed < total + Duration::from_secs(1), "took {elapsed:?}");
    assert_eq!(true_signals(&report), ["netsuite_unreachable"]);
}

#[test]
fn nothing_listening_is_unreachable() {
    // Bind then drop to get a port that refuses connections.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let options = ProbeOptions {
        base_url: Some(format!("http://127.0.0.1:{port}")),
        ..netsuite_options()
    };
    let report = probe(&FakeNetSuite::test_credentials(), &options).unwrap();
    assert_eq!(true_signals(&report), ["netsuite_unreachable"]);
}

#[test]
fn account_id_forms() {
    // Lower-case suffix: the realm is upper-cased, so the login still works, with a warning.
    let mut creds = FakeNetSuite::test_credentials();
    creds.account_id = "1234567_sb1".into();
    let (report, _) = run_with(
        Scenario::Valid,
        Some(creds.clone()),
        Duration::from_secs(15),
    );
    assert_eq!(true_signals(&report), ["login_ok"]);
    assert_eq!(report.findings[0].code, "realm_lower_case");

    // Host form typed as the account ID: the realm is wrong, NetSuite refuses.
    creds.account_id = "1234567-sb1".into();
    let (report, trail) = run_with(Scenario::Valid, Some(creds), Duration::from_secs(15));
    assert_eq!(
        true_signals(&report),
        ["account_id_host_form", "login_rejected"]
    );
    assert_eq!(trail, ["invalid_realm"]);
}

#[test]
fn localhost_base_url_signs_the_host_sent() {
    let fake = FakeNetSuite::start(Scenario::Valid).unwrap();
    let options = ProbeOptions {
        base_url: Some(format!("http://localhost:{}", fake.addr().port())),
        ..netsuite_options()
    };
    let report = probe(&fake.credentials(), &options).unwrap();
    assert_eq!(true_signals(&report), ["login_ok"]);
}

/// Sends one raw request and returns the whole response text.
fn raw_get(fake: &FakeNetSuite, target: &str, authorization: &str) -> String {
    let mut stream = TcpStream::connect(fake.addr()).unwrap();
    let host = format!("127.0.0.1:{}", fake.addr().port());
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: {host}\r\nAuthorization: {authorization}\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).unwrap();
    out
}

fn header_for(fake: &FakeNetSuite, target: &str, nonce: &str, timestamp: u64) -> String {
    let creds = fake.credentials();
    let url = format!("{}{target}", fake.base_url());
    OAuthRequest {
        method: "GET",
        url: &url,
        realm: &creds.realm(),
        consumer_key: &creds.consumer_key,
        consumer_secret: &creds.consumer_secret,
        token_id: &creds.token_id,
        token_secret: &creds.token_secret,
        nonce,
        timestamp,
    }
    .authorization_header()
    .unwrap()
}

#[test]
fn fake_checks_query_nonce_and_answers_exactly() {
    let fake = FakeNetSuite::start(Scenario::Valid).unwrap();
    let target = "/services/rest/record/v1/metadata-catalog?select=customer";
    let header = header_for(&fake, target, "abcdef1234", sign::unix_now());

    let first = raw_get(&fake, target, &header);
    assert!(first.starts_with("HTTP/1.1 200 OK\r\n"), "{first}");
    assert!(first.contains("\r\nDate: "));

    // Replay: same nonce and timestamp.
    let replay = raw_get(&fake, target, &header);
    assert!(replay.starts_with("HTTP/1.1 401 Unauthorized\r\n"));
    assert!(replay.contains(
        "\r\nContent-Type: application/vnd.oracle.resource+json; type=error; charset=UTF-8\r\n"
    ));
    assert!(replay.contains("\r\nWWW-Authenticate: OAuth realm=\"1234567_SB1\", error=\"token_rejected\", error_description=\"Invalid login attempt.\"\r\n"));
    assert!(replay.ends_with(LOGIN_FAILURE_BODY));

    // A query the client did not sign, a short nonce, an old timestamp, the `","` separator.
    let signed_for_customer = header_for(&fake, target, "freshnonce1", sign::unix_now());
    let tampered = raw_get(
        &fake,
        "/services/rest/record/v1/metadata-catalog?select=vendor",
        &signed_for_customer,
    );
    assert!(tampered.starts_with("HTTP/1.1 401"));
    raw_get(
        &fake,
        target,
        &header_for(&fake, target, "abc", sign::unix_now()),
    );
    raw_get(
        &fake,
        target,
        &header_for(&fake, target, "oldtimestamp", sign::unix_now() - 400),
    );
    let tight =
        header_for(&fake, target, "tightseparators", sign::unix_now()).replace("\", ", "\",");
    assert!(raw_get(&fake, target, &tight).starts_with("HTTP/1.1 200"));
    raw_get(&fake, target, "Basic Zm9vOmJhcg==");

    assert_eq!(
        fake.audit(),
        [
            "success",
            "nonce_used",
            "InvalidSignature",
            "nonce_rejected",
            "InvalidTimestamp",
            "success",
            "malformed_header"
        ]
    );
}

#[test]
fn fake_shuts_down_while_a_client_waits() {
    let fake = FakeNetSuite::start(Scenario::NeverAnswers).unwrap();
    let mut stream = TcpStream::connect(fake.addr()).unwrap();
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let start = Instant::now();
    drop(fake);
    assert!(start.elapsed() < Duration::from_secs(1));
}

/// Every 16-character window of every secret.
fn secret_windows(creds: &Credentials) -> Vec<String> {
    let secrets = [
        &creds.consumer_key,
        &creds.consumer_secret,
        &creds.token_id,
        &creds.token_secret,
    ];
    let mut out = Vec::new();
    for s in secrets {
        let chars: Vec<char> = s.chars().collect();
        out.extend(
            chars
                .windows(16.min(chars.len()))
                .map(|w| w.iter().collect::<String>()),
        );
    }
    out
}

#[test]
fn no_output_contains_a_secret() {
    let creds = FakeNetSuite::test_credentials();
    let windows = secret_windows(&creds);
    let mut outputs = vec![format!("{creds:?}"), format!("{creds:#?}")];
    for scenario in [
        Scenario::Valid,
        Scenario::WrongSecret,
        Scenario::ClockSkew,
        Scenario::ConnectionReset,
        Scenario::GarbageBody { status: 500 },
        Scenario::NoRestPermission,
    ] {
        let (report, _) = run(scenario);
        outputs.push(format!("{report:?}"));
        outputs.push(serde_json::to_string(&report).unwrap());
    }
    // Offline checks and error paths get the secrets in odd places.
    let mut odd = creds.clone();
    // Not an account ID, so nothing leaves the machine, and the report shows its length only.
    for account in [
        format!("{} /", creds.token_secret),
        creds.token_secret.clone(),
    ] {
        odd.account_id = account;
        outputs.push(format!("{:?}", odd.check()));
        let report = probe(&odd, &netsuite_options()).unwrap();
        assert_eq!(report.base_url, None);
        outputs.push(format!("{report:?}"));
        outputs.push(serde_json::to_string(&report).unwrap());
    }
    let refused = ProbeOptions {
        base_url: Some(format!("http://{}@10.0.0.1:80", creds.token_secret)),
        ..netsuite_options()
    };
    outputs.push(probe(&creds, &refused).unwrap_err().to_string());
    let quoted = format!(
        "NETSUITE_TOKEN_SECRET=\"{}\"\n{}\n",
        creds.token_secret, creds.consumer_secret
    );
    outputs.push(
        Credentials::from_file_text(&quoted, None)
            .unwrap_err()
            .to_string(),
    );
    let lookup =
        |k: &str| (k == "NETSUITE_TOKEN_SECRET").then(|| format!(" '{}' ", creds.token_secret));
    outputs.push(
        Credentials::from_lookup(lookup, None)
            .unwrap_err()
            .to_string(),
    );

    for text in &outputs {
        for w in &windows {
            assert!(!text.contains(w.as_str()), "secret fragment {w} in {text}");
        }
    }
}

// --- The command line -------------------------------------------------------------------------

/// `triage` with the credentials of `creds` in its environment (not in the test process's).
fn triage_with(creds: &Credentials) -> std::process::Command {
    let mut cmd = crate::support::triage();
    cmd.env("NETSUITE_ACCOUNT_ID", &creds.account_id)
        .env("NETSUITE_CONSUMER_KEY", &creds.consumer_key)
        .env("NETSUITE_CONSUMER_SECRET", &creds.consumer_secret)
        .env("NETSUITE_TOKEN_ID", &creds.token_id)
        .env("NETSUITE_TOKEN_SECRET", &creds.token_secret);
    cmd
}

/// `triage` with no NetSuite credentials in its environment.
fn triage_without_credentials() -> std::process::Command {
    let mut cmd = crate::support::triage();
    for name in triage::probe::credentials::VARIABLES {
        cmd.env_remove(name);
    }
    cmd
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn of(cmd: &mut std::process::Command) -> Run {
        let out = cmd.output().unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).unwrap(),
            stderr: String::from_utf8(out.stderr).unwrap(),
        }
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap()
    }

    /// Exit code and both streams, for a snapshot.
    fn shown(&self) -> String {
        format!(
            "exit code: {}\n----- stdout -----\n{}----- stderr -----\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Snapshots with the fake's port and the measured clock offset filtered out.
macro_rules! assert_probe_snapshot {
    ($name:expr, $text:expr) => {
        insta::with_settings!({filters => vec![
            (r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]"),
            (r"is \d+ s (ahead of|behind) the local clock", "is [N] s [AHEAD/BEHIND] the local clock"),
        ]}, {
            insta::assert_snapshot!($name, $text);
        });
    };
}

fn diagnose_ns0109(fake: &FakeNetSuite, extra: &[&str]) -> Run {
    Run::of(
        triage_with(&fake.credentials())
            .args(["diagnose", "NS0109", "--probe", "netsuite"])
            .args(["--base-url", &fake.base_url()])
            .args(extra),
    )
}

fn causes(json: &serde_json::Value) -> Vec<(String, String)> {
    json["causes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let status = c["status"].as_str().unwrap().to_string();
            (c["id"].as_str().unwrap().to_string(), status)
        })
        .collect()
}

#[test]
fn diagnose_with_a_revoked_token_shows_the_login_rejected() {
    let fake = FakeNetSuite::start(Scenario::RevokedToken).unwrap();
    let text = diagnose_ns0109(&fake, &[]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert_probe_snapshot!("diagnose_revoked_token", text.shown());

    let json = diagnose_ns0109(&fake, &["--format", "json"]).json();
    // The refusal is observed, but which cause refused it is for the person's answers.
    assert!(causes(&json).iter().all(|(_, status)| status == "possible"));
    let rejected = json["observations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["signal"] == "login_rejected")
        .unwrap();
    assert_eq!(rejected["value"], "yes");
    assert_eq!(rejected["source"], "probe");
    assert_eq!(rejected["evidence"], "HTTP 401, o:errorCode INVALID_LOGIN");
    assert!(!json["questions"].as_array().unwrap().is_empty());
    assert_eq!(json["probe"]["advisories"][0]["id"], "tba_end_of_support");
    assert_eq!(fake.audit(), ["token_rejected", "token_rejected"]);
}

#[test]
fn diagnose_with_valid_credentials_rules_out_the_login_failures() {
    let fake = FakeNetSuite::start(Scenario::Valid).unwrap();
    let text = diagnose_ns0109(&fake, &[]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert_probe_snapshot!("diagnose_valid_credentials", text.shown());

    let json = diagnose_ns0109(&fake, &["--format", "json"]).json();
    assert!(
        causes(&json)
            .iter()
            .all(|(_, status)| status == "ruled_out")
    );
    for cause in json["causes"].as_array().unwrap() {
        assert_eq!(
            cause["because"],
            serde_json::json!([{"signal": "login_ok", "value": "yes"}])
        );
        assert_eq!(cause["unless"], "login_ok");
    }
    assert_eq!(json["escalate"], true);
}

#[test]
fn flags_win_over_the_probe() {
    let fake = FakeNetSuite::start(Scenario::Valid).unwrap();
    let run = diagnose_ns0109(&fake, &["--no", "login_ok", "--yes", "role_disabled"]);
    assert!(
        run.stdout
            .contains("login_ok = yes  (HTTP 200); a flag says no, and flags win")
    );
    let json = diagnose_ns0109(
        &fake,
        &[
            "--no",
            "login_ok",
            "--yes",
            "role_disabled",
            "--format",
            "json",
        ],
    )
    .json();
    assert!(causes(&json).contains(&("role_disabled".into(), "confirmed".into())));
    let login_ok = json["observations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["signal"] == "login_ok")
        .unwrap();
    assert_eq!(
        login_ok,
        &serde_json::json!({"signal": "login_ok", "value": "no", "source": "person"})
    );
}

#[test]
fn diagnose_markdown_with_the_probe() {
    let fake = FakeNetSuite::start(Scenario::DisabledRole).unwrap();
    let run = diagnose_ns0109(&fake, &["--format", "markdown"]);
    assert_probe_snapshot!("diagnose_markdown_disabled_role", run.shown());
}

#[test]
fn ticket_carries_the_probe_evidence() {
    let fake = FakeNetSuite::start(Scenario::RevokedToken).unwrap();
    let run = Run::of(
        triage_with(&fake.credentials())
            .args(["render", "ticket", "NS0109", "--probe", "netsuite"])
            .args(["--base-url", &fake.base_url()])
            .args([
                "--attempted-at",
                "2026-11-28T09:30:00Z",
                "--yes",
                "token_revoked",
            ]),
    );
    assert_probe_snapshot!("ticket_with_probe", run.shown());
}

#[test]
fn probe_command_text_and_json() {
    let fake = FakeNetSuite::start(Scenario::Valid).unwrap();
    let probe = |format: &str| {
        Run::of(
            triage_with(&fake.credentials())
                .args(["probe", "netsuite", "--format", format])
                .args(["--base-url", &fake.base_url()]),
        )
    };
    let text = probe("text");
    assert_eq!(text.code, 0);
    assert_probe_snapshot!("probe_valid_text", text.shown());
    let json = probe("json");
    assert_eq!(json.code, 0);
    assert_probe_snapshot!("probe_valid_json", json.stdout);
}

#[test]
fn probe_exits_0_whatever_it_finds() {
    for scenario in [
        Scenario::RevokedToken,
        Scenario::ServerError,
        Scenario::ConnectionReset,
        Scenario::Concurrency,
    ] {
        let fake = FakeNetSuite::start(scenario).unwrap();
        let run = Run::of(triage_with(&fake.credentials()).args([
            "probe",
            "netsuite",
            "--base-url",
            &fake.base_url(),
        ]));
        assert_eq!(run.code, 0, "{scenario:?}: {}", run.stderr);
        assert!(run.stderr.is_empty(), "{scenario:?}: {}", run.stderr);
    }
}

#[test]
fn credentials_file_with_a_mode_warning_and_an_account_override() {
    let fake = FakeNetSuite::start(Scenario::Valid).unwrap();
    let creds = fake.credentials();
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "# NetSuite sandbox\nNETSUITE_ACCOUNT_ID=999\nNETSUITE_CONSUMER_KEY={}\nNETSUITE_CONSUMER_SECRET={}\nNETSUITE_TOKEN_ID={}\nNETSUITE_TOKEN_SECRET=\"{}\"\n",
        creds.consumer_key, creds.consumer_secret, creds.token_id, creds.token_secret
    );
    let path = dir.path().join("netsuite.env");
    std::fs::write(&path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let run = Run::of(
        triage_without_credentials()
            .current_dir(dir.path())
            .args(["probe", "netsuite", "--credentials", "netsuite.env"])
            .args(["--account", "1234567_sb1", "--base-url", &fake.base_url()]),
    );
    assert_probe_snapshot!("probe_credentials_file", run.shown());
}

#[test]
fn bad_input_exits_2_naming_what_to_fix() {
    let fake = FakeNetSuite::start(Scenario::Valid).unwrap();
    let cases: [(&str, Vec<&str>); 4] = [
        ("missing_credentials", vec!["probe", "netsuite"]),
        (
            "non_loopback_base_url",
            vec![
                "probe",
                "netsuite",
                "--base-url",
                "https://1234567-sb1.suitetalk.api.netsuite.com",
            ],
        ),
        (
            "probe_options_without_probe",
            vec!["diagnose", "NS0109", "--base-url", "http://127.0.0.1:1"],
        ),
        ("unknown_integration", vec!["probe", "quickbooks"]),
    ];
    let mut shown = String::new();
    for (name, args) in cases {
        let mut cmd = if name == "missing_credentials" {
            triage_without_credentials()
        } else {
            triage_with(&fake.credentials())
        };
        let run = Run::of(cmd.args(&args));
        assert_eq!(run.code, 2, "{name}");
        assert!(run.stdout.is_empty(), "{name}");
        shown.push_str(&format!(
            "### {name}: triage {}\n{}\n",
            args.join(" "),
            run.stderr
        ));
    }
    assert!(fake.audit().is_empty(), "nothing was sent");
    assert_probe_snapshot!("bad_input", shown);
}

#[test]
fn slow_server_costs_no_more_than_the_timeout_and_a_second() {
    let fake = FakeNetSuite::start(Scenario::NeverAnswers).unwrap();
    let start = Instant::now();
    let run = Run::of(
        triage_with(&fake.credentials())
            .args(["probe", "netsuite", "--format", "json", "--timeout", "1"])
            .args(["--base-url", &fake.base_url()]),
    );
    let elapsed = start.elapsed();
    assert_eq!(run.code, 0);
    assert!(elapsed < Duration::from_secs(2), "took {elapsed:?}");
    let unreachable = run.json()["signals"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["id"] == "netsuite_unreachable" && s["value"] == true);
    assert!(unreachable, "{}", run.stdout);
}

#[test]
fn no_command_output_contains_a_secret() {
    let creds = FakeNetSuite::test_credentials();
    let windows = secret_windows(&creds);
    let mut runs = Vec::new();
    for scenario in [
        Scenario::Valid,
        Scenario::RevokedToken,
        Scenario::WrongSecret,
        Scenario::ClockSkew,
        Scenario::ConnectionReset,
        Scenario::GarbageBody { status: 500 },
        Scenario::NoRestPermission,
    ] {
        let fake = FakeNetSuite::start(scenario).unwrap();
        let base = fake.base_url();
        let commands: [&[&str]; 5] = [
            &["probe", "netsuite"],
            &["probe", "netsuite", "--format", "json"],
            &["diagnose", "NS0109", "--probe", "netsuite"],
            &[
                "diagnose", "NS0109", "--probe", "netsuite", "--format", "json",
            ],
            &["render", "ticket", "NS0109", "--probe", "netsuite"],
        ];
        for args in commands {
            runs.push(Run::of(
                triage_with(&creds).args(args).args(["--base-url", &base]),
            ));
        }
    }
    // Secrets in odd places: as the account ID, in the base URL, in a broken credentials file.
    let mut odd = creds.clone();
    odd.account_id = creds.token_secret.clone();
    runs.push(Run::of(
        triage_with(&odd).args(["probe", "netsuite", "--format", "json"]),
    ));
    runs.push(Run::of(triage_with(&creds).args([
        "probe",
        "netsuite",
        "--base-url",
        &format!("http://{}@10.0.0.1:80", creds.token_secret),
    ])));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.env"),
        format!("{}\n", creds.consumer_secret),
    )
    .unwrap();
    runs.push(Run::of(
        triage_without_credentials().current_dir(dir.path()).args([
            "probe",
            "netsuite",
            "--credentials",
            "bad.env",
        ]),
    ));
    for run in &runs {
        for text in [&run.stdout, &run.stderr] {
            for w in &windows {
                assert!(!text.contains(w.as_str()), "secret fragment {w} in {text}");
            }
        }
    }
}

#[test]
fn probe_table_mistakes_point_at_the_rules() {
    let dir = crate::support::rules_copy();
    let file = dir.path().join("rules/netsuite/integration.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    let mut shown = String::new();
    for (from, to) in [
        ("signal: login_rejected }", "signal: login_rejectd }"),
        ("status: 5xx,", "status: 6xx,"),
    ] {
        std::fs::write(&file, text.replace(from, to)).unwrap();
        let run = Run::of(
            triage_without_credentials()
                .current_dir(dir.path())
                .args(["--rules", "rules", "probe", "netsuite"]),
        );
        assert_eq!(run.code, 2);
        shown.push_str(&format!("### {from} → {to}\n{}\n", run.stderr));
    }
    insta::assert_snapshot!(shown);
}
