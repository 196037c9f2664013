//! Secrets never leave: for random credentials and random pasted text, no
//! output of `probe`, `diagnose`, `render ticket` or an error path, in any
//! format, holds a secret or any 16-character piece of one.

use std::process::Output;

use crate::support::fake::{FakeNetSuite, Scenario};
use proptest::prelude::*;
use triage::probe::credentials::Credentials;

use crate::support::triage;

/// Every 16-character window of every secret.
fn windows(secrets: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for s in secrets {
        let chars: Vec<char> = s.chars().collect();
        if chars.len() < 16 {
            out.push(s.to_string());
            continue;
        }
        for w in chars.windows(16) {
            out.push(w.iter().collect());
        }
    }
    out
}

fn assert_clean(what: &str, out: &Output, secrets: &[&str]) {
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    for w in windows(secrets) {
        assert!(
            !text.contains(&w),
            "{what}: a piece of a secret leaked: {w:?}\n{text}"
        );
    }
}

fn hex64() -> impl Strategy<Value = String> {
    "[0-9a-f]{64}"
}

/// Secrets of any printable shape: people paste all sorts.
fn odd_secret() -> impl Strategy<Value = String> {
    "[A-Za-z0-9+/=_.~-]{24,64}"
}

/// A pasted message with a credential in one of the forms people paste.
fn pasted(secret: String, key: String) -> impl Strategy<Value = String> {
    let forms = prop_oneof![
        Just(format!("consumer key {key}")),
        Just(format!("secret={secret}")),
        Just(format!("token secret: {secret}")),
        Just(format!("Authorization: Bearer {secret}")),
        Just(format!("password = \"{secret}\"")),
        Just(format!("oauth_signature=\"{secret}\"")),
        // The shapes a review found leaking.
        Just(format!("password: correct horse {secret} staple")),
        Just(format!("{{\"password\": \"ab\\\"{secret}\"}}")),
        Just(format!("TOKEN_{key}")),
        Just(format!("consumer key {}\n{}", &key[..40], &key[40..])),
        Just(format!("consumer key {} {}", &key[..24], &key[24..])),
        Just(format!("GET /x?oauth_nonce=1&secret%3D{secret}&y=2")),
        Just(format!("oauth_signature%3D{secret}%26")),
        Just(format!("Authorization: Basic {secret}")),
        Just(format!("NETSUITE_CONSUMER_KEY={secret}")),
        Just(format!("NETSUITE_TOKEN_ID={secret}")),
    ];
    ("[ a-zA-Z,.:]{0,40}", forms, "[ a-zA-Z,.:]{0,40}").prop_map(|(a, form, b)| {
        format!("{a} NS0109 Sync Error: Failed to login to NetSuite. Please verify your admin credentials. {form} {b}")
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, .. ProptestConfig::default() })]

    #[test]
    fn pasted_credentials_never_reach_any_output(
        (secret, key, text) in (odd_secret(), hex64()).prop_flat_map(|(s, k)| {
            (Just(s.clone()), Just(k.clone()), pasted(s, k))
        })
    ) {
        let runs: Vec<(&str, Vec<&str>)> = vec![
            ("diagnose text", vec!["diagnose", &text]),
            ("diagnose json", vec!["diagnose", &text, "--format", "json", "--explain"]),
            ("diagnose markdown", vec!["diagnose", &text, "--format", "markdown"]),
            ("ticket md", vec!["render", "ticket", "NS0109", "--message", &text, "--attempted-at", "2026-11-28T09:30:00Z"]),
            ("ticket text", vec!["render", "ticket", "NS0109", "--message", &text, "--format", "text"]),
            ("ticket bad time", vec!["render", "ticket", "NS0109", "--message", &text, "--attempted-at", &text]),
            ("ticket bad fix", vec!["render", "ticket", "NS0109", "--message", &text, "--tried", &text]),
            ("unknown signal", vec!["diagnose", "NS0109", "--yes", &text]),
        ];
        for (what, args) in runs {
            let out = triage().args(&args).output().unwrap();
            assert_clean(what, &out, &[&secret, &key]);
        }
    }

    #[test]
    fn probe_credentials_never_reach_any_output(
        key in hex64(), consumer_secret in odd_secret(), token in hex64(), token_secret in odd_secret(),
        scenario in prop_oneof![
            Just(Scenario::Valid), Just(Scenario::RevokedToken), Just(Scenario::WrongSecret),
            Just(Scenario::ServerError), Just(Scenario::GarbageBody { status: 500 }),
        ],
    ) {
        let creds = Credentials {
            account_id: "1234567_SB1".into(),
            consumer_key: key.clone(),
            consumer_secret: consumer_secret.clone(),
            token_id: token.clone(),
            token_secret: token_secret.clone(),
        };
        let fake = FakeNetSuite::start_with(scenario, creds).unwrap();
        let secrets = [key.as_str(), consumer_secret.as_str(), token.as_str(), token_secret.as_str()];
        let env = |cmd: &mut std::process::Command| {
            cmd.env("NETSUITE_ACCOUNT_ID", "1234567_SB1")
                .env("NETSUITE_CONSUMER_KEY", &key)
                .env("NETSUITE_CONSUMER_SECRET", &consumer_secret)
                .env("NETSUITE_TOKEN_ID", &token)
                .env("NETSUITE_TOKEN_SECRET", &token_secret);
        };
        let base = fake.base_url();
        let pasted_loaded = format!(
            "NS0109 Sync Error: Failed to login to NetSuite. Please verify your admin credentials. {consumer_secret} {token_secret}"
        );
        let runs: Vec<(&str, Vec<&str>)> = vec![
            ("probe text", vec!["probe", "netsuite", "--base-url", &base]),
            ("probe json", vec!["probe", "netsuite", "--base-url", &base, "--format", "json"]),
            ("diagnose probe json", vec!["diagnose", "NS0109", "--probe", "netsuite", "--base-url", &base, "--format", "json"]),
            ("ticket probe", vec!["render", "ticket", "NS0109", "--probe", "netsuite", "--base-url", &base]),
            ("bad base url", vec!["probe", "netsuite", "--base-url", "http://example.com"]),
            // A loaded credential in a paste, in no shape redaction knows: redacted by value.
            ("paste holding a loaded secret", vec!["diagnose", &pasted_loaded, "--format", "json"]),
            ("ticket holding a loaded secret", vec!["render", "ticket", "NS0109", "--message", &pasted_loaded]),
            ("error holding a loaded secret", vec!["diagnose", "NS0109", "--yes", &consumer_secret]),
        ];
        for (what, args) in runs {
            let mut cmd = triage();
            env(&mut cmd);
            let out = cmd.args(&args).output().unwrap();
            assert_clean(what, &out, &secrets);
        }
        // A secret pasted into the account ID must not be echoed either.
        let mut cmd = triage();
        env(&mut cmd);
        cmd.env("NETSUITE_ACCOUNT_ID", &token_secret);
        let out = cmd.args(["probe", "netsuite", "--base-url", &base]).output().unwrap();
        assert_clean("secret as account id", &out, &secrets);
    }
}

#[test]
fn credentials_debug_is_redacted() {
    let creds = FakeNetSuite::test_credentials();
    let shown = format!("{creds:?}");
    for secret in [
        &creds.consumer_key,
        &creds.consumer_secret,
        &creds.token_id,
        &creds.token_secret,
    ] {
        assert!(!shown.contains(secret.as_str()), "{shown}");
    }
    assert!(shown.contains("1234567_SB1"));
}

/// A facts file whose values or keys are secrets: the error names the key
/// (or only its length) and the place, never what the file holds.
#[test]
fn facts_file_errors_never_print_unvalidated_values() {
    let dir = tempfile::tempdir().unwrap();
    let secret = "Zq8xW2pL9mN4vB7cK1dF6gH3jT5yU0eRs9aD";
    let cases = [
        (
            "unknown key, secret value",
            format!("not_a_signal: {secret}\n"),
        ),
        ("signal, secret value", format!("token_revoked: {secret}\n")),
        ("secret as a key", format!("{secret}: yes\n")),
        ("secret as a long key", format!("{secret}{secret}: yes\n")),
        ("secret at the top", format!("{secret}\n")),
        (
            "json value",
            format!("{{\"token_revoked\": \"{secret}\"}}\n"),
        ),
        ("json top", format!("\"{secret}\"\n")),
    ];
    for (what, text) in cases {
        let path = dir.path().join("case.yaml");
        std::fs::write(&path, &text).unwrap();
        let out = triage()
            .args(["diagnose", "NS0109", "--facts"])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{what}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("case.yaml:"), "{what}: {stderr}");
        for w in windows(&[secret]) {
            assert!(!stderr.contains(&w[..8]), "{what}: {stderr}");
        }
    }
}

/// The ticket quotes what was recognised: the code's message with the
/// values the paste gave, not the paste. Chatter around the message, with
/// whatever secret it holds, stays out.
#[test]
fn the_ticket_message_is_built_from_what_was_recognised() {
    let secret = "Zq8xW2pL9mN4vB7cK1dF6gH3jT5yU0eRs9aD";
    let paste = format!(
        "hi, our key is {secret} and NS0777 Export Error: Report R999 could not be exported because the Invoice record is locked by bob@corp.example. thanks {secret}"
    );
    let out = triage()
        .current_dir(crate::support::manifest_dir())
        .args([
            "--rules",
            "tests/fixtures/rules-multi",
            "render",
            "ticket",
            &paste,
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("- Full error message: NS0777 Export Error: Report R999 could not be exported because the Invoice record is locked by bob@corp.example.\n"),
        "{stdout}"
    );
    assert_clean("ticket from a paste", &out, &[secret]);
}

/// `--include-raw-message` quotes the paste, redacted whole before it is cut
/// at 1,000 characters: a secret across the cut leaves no piece of itself.
#[test]
fn a_raw_message_is_redacted_before_it_is_cut() {
    let key = "ef40afdd8abaac111b13825dd5e5e2ddddb44f86d5a0dd6dcf38c20aae6b67e4";
    let message = "NS0777 Export Error: Report R999 could not be exported because the Invoice record is locked by bob@corp.example.";
    for offset in [970, 975, 980, 985, 990, 995] {
        let pad = "x ".repeat((offset - message.len() - 1) / 2);
        let paste = format!("{message} {pad}{key} and more");
        let out = triage()
            .current_dir(crate::support::manifest_dir())
            .args([
                "--rules",
                "tests/fixtures/rules-multi",
                "render",
                "ticket",
                &paste,
                "--include-raw-message",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("x x x"), "the paste is quoted: {stdout}");
        for piece in key.as_bytes().chunks(8) {
            let piece = std::str::from_utf8(piece).unwrap();
            assert!(
                !stdout.contains(piece),
                "offset {offset}: {piece} leaked\n{stdout}"
            );
        }
    }
}
