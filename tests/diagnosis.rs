//! Diagnosis a person drives: pasted messages recognised, facts files,
//! explanations, leads into other codes, and finding codes by words.

use std::process::{Command, Output};

use insta_cmd::assert_cmd_snapshot;
use serde_json::Value as Json;

use crate::support::{manifest_dir, triage, with_stdin};

/// The shipped rules plus two fixture codes: NS0900 (a login error naming
/// its cause) and NS0777 (an export error whose message carries values).
const MULTI: &str = "tests/fixtures/rules-multi";

/// triage run from the repository root, so fixture paths are relative.
fn at_root() -> Command {
    let mut cmd = triage();
    cmd.current_dir(manifest_dir());
    cmd
}

fn multi() -> Command {
    let mut cmd = at_root();
    cmd.args(["--rules", MULTI]);
    cmd
}

fn json(out: &Output) -> Json {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

fn diagnose_json(mut cmd: Command, target: &str, extra: &[&str]) -> Json {
    json(
        &cmd.args(["diagnose", target, "--format", "json"])
            .args(extra)
            .output()
            .expect("run triage"),
    )
}

fn codes(values: &Json) -> Vec<&str> {
    values
        .as_array()
        .expect("array")
        .iter()
        .map(|v| v["code"].as_str().expect("code"))
        .collect()
}

const NS0109: &str =
    "NS0109 Sync Error: Failed to login to NetSuite. Please verify your admin credentials.";

#[test]
fn pasted_variants_of_the_ns0109_message_resolve_to_it() {
    let variants = [
        ("exact", NS0109.to_string()),
        (
            "older form",
            "NS0109: Failed to login to NetSuite. Please verify your admin credentials.".into(),
        ),
        (
            "without its code",
            "Failed to login to NetSuite. Please verify your admin credentials.".into(),
        ),
        (
            "chatter around it",
            format!("Hi team, since Monday every sync says {NS0109} Can you help? Thanks, Ann"),
        ),
        (
            "line breaks",
            "NS0109 Sync Error: Failed to login\nto NetSuite.\r\n   Please verify\tyour admin credentials.".into(),
        ),
        (
            "doubled spaces",
            "Failed  to  login to  NetSuite.  Please verify your  admin credentials.".into(),
        ),
        ("straight quotes", format!("We got \"{NS0109}\" again")),
        ("curly quotes", format!("We got \u{201C}{NS0109}\u{201D} again")),
        ("single curly quotes", format!("\u{2018}{NS0109}\u{2019}")),
        ("lower-case code", NS0109.to_lowercase()),
        ("mixed-case code", NS0109.replace("NS0109", "Ns0109")),
        ("upper case", NS0109.to_uppercase()),
        (
            "log in, two words",
            "Failed to log in to NetSuite. Please verify your admin credentials.".into(),
        ),
        (
            "no-break and zero-width spaces",
            "Failed to\u{00A0}login to Net\u{200B}Suite. Please verify your admin credentials."
                .into(),
        ),
        ("the code alone in chatter", "we keep getting ns0109 since Monday".into()),
        ("the bare code", " ns0109 ".into()),
    ];
    for (name, text) in variants {
        let d = diagnose_json(triage(), &text, &[]);
        assert_eq!(d["code"], "NS0109", "{name}: {text:?}");
        assert_eq!(d["alternatives"], serde_json::json!([]), "{name}");
    }
}

#[test]
fn the_most_specific_code_wins_and_the_others_are_alternatives() {
    // (text, code, alternatives)
    let cases: [(&str, &str, &[&str]); 5] = [
        (NS0109, "NS0109", &[]),
        (
            "NS0900 Sync Error: Failed to login to NetSuite because the concurrent request limit was exceeded.",
            "NS0900",
            &["NS0109"],
        ),
        (
            "failed to log in to netsuite because the concurrent request limit has been exceeded",
            "NS0900",
            &["NS0109"],
        ),
        // The first sentence alone only matches NS0109's looser pattern.
        ("it says: Failed to login to NetSuite.", "NS0109", &[]),
        // The code printed in the text outranks a longer match of another code.
        (
            "NS0109 Failed to login to NetSuite because the concurrent request limit was exceeded",
            "NS0109",
            &["NS0900"],
        ),
    ];
    for (text, code, alternatives) in cases {
        let d = diagnose_json(multi(), text, &[]);
        assert_eq!(d["code"], code, "{text}");
        assert_eq!(codes(&d["alternatives"]), alternatives, "{text}");
    }
}

#[test]
fn an_alternative_is_shown_in_the_text() {
    assert_cmd_snapshot!(multi().args([
        "diagnose",
        "Failed to login to NetSuite because the concurrent request limit was exceeded.",
        "--yes",
        "concurrency_limit_reached"
    ]));
}

#[test]
fn captured_values_flow_into_the_diagnosis_and_the_ticket() {
    let message = "Export failed:\n  Report R998877 could not be exported because the Vendor Bill record is locked by bob.smith@acme.co.uk.";
    let d = diagnose_json(multi(), message, &[]);
    assert_eq!(d["code"], "NS0777");
    assert_eq!(
        d["captures"],
        serde_json::json!({
            "email": "bob.smith@acme.co.uk",
            "record_type": "Vendor Bill",
            "report_id": "R998877"
        })
    );
    assert_cmd_snapshot!(multi().args(["diagnose", message, "--yes", "record_open_in_netsuite"]));
    assert_cmd_snapshot!(multi().args([
        "render",
        "ticket",
        message,
        "--attempted-at",
        "2026-11-28T09:30:00Z"
    ]));
}

#[test]
fn terminal_escapes_in_a_capture_are_not_echoed_raw() {
    let message = "Report R1 could not be exported because the Vendor Bill record is locked by a\u{1b}[2Jb@c.co";
    let out = multi().args(["diagnose", message]).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(!stdout.contains('\u{1b}'), "{stdout}");
    assert!(stdout.contains("email = a\\u{1b}[2Jb@c.co"), "{stdout}");
}

#[test]
fn unrelated_text_exits_2_with_the_nearest_codes() {
    for (text, expect) in [
        (
            "could not login to netsuite, check the admin credentials",
            "did you mean NS0109 — Failed to login to NetSuite?",
        ),
        (
            "Sync error: the concurrent request limit was exceeded",
            "did you mean NS0900 — Failed to login to NetSuite because the concurrent request limit was exceeded?",
        ),
        (
            "The weather is lovely today \u{1b}[31m",
            "run `triage codes` to see the known codes",
        ),
    ] {
        let out = multi().args(["diagnose", text]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{text}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.contains(expect), "{text}: {stderr}");
        assert!(!stderr.contains('\u{1b}'), "{stderr}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn a_megabyte_paste_is_examined_up_to_the_cap_and_says_so() {
    let chatter = "lorem ipsum dolor sit amet ".repeat(80_000);
    let early = format!("{NS0109}\n{chatter}");
    let mut cmd = triage();
    cmd.args(["diagnose", "-", "--format", "json"]);
    let out = with_stdin(cmd, early.as_bytes());
    assert_eq!(json(&out)["code"], "NS0109");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("only its first 1048576 bytes were examined"),
        "{stderr}"
    );

    let late = format!("{chatter}{NS0109}");
    let mut cmd = triage();
    cmd.args(["diagnose", "-"]);
    let out = with_stdin(cmd, late.as_bytes());
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("only its first 1048576 bytes were examined"),
        "{stderr}"
    );
    // The rules named, then the error: the note is in it, not a line of its own.
    assert!(stderr.starts_with("using rules/ ("), "{stderr}");
    assert!(
        stderr.lines().count() == 2,
        "one line after the rules: {stderr}"
    );
}

#[test]
fn explain_text_names_every_signal_of_every_cause() {
    assert_cmd_snapshot!(triage().args([
        "diagnose",
        "NS0109",
        "--yes",
        "token_revoked",
        "--no",
        "role_disabled",
        "--explain"
    ]));
}

#[test]
fn explain_markdown_with_a_negated_signal() {
    assert_cmd_snapshot!(multi().args([
        "diagnose",
        "NS0777",
        "--yes",
        "record_open_in_netsuite",
        "--format",
        "markdown",
        "--explain"
    ]));
}

/// `because` of the cause with this id, as (signal, value) pairs.
fn because<'a>(d: &'a Json, cause: &str) -> (&'a str, Vec<(&'a str, &'a str)>) {
    let c = d["causes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == cause)
        .expect("cause");
    let pairs = c["because"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["signal"].as_str().unwrap(), r["value"].as_str().unwrap()))
        .collect();
    (c["status"].as_str().unwrap(), pairs)
}

#[test]
fn json_because_names_the_deciding_signals() {
    let d = diagnose_json(
        triage(),
        "NS0109",
        &["--yes", "token_revoked", "--no", "role_disabled"],
    );
    assert_eq!(
        because(&d, "token_revoked_or_expired"),
        ("confirmed", vec![("token_revoked", "yes")])
    );
    assert_eq!(
        because(&d, "role_disabled"),
        ("ruled_out", vec![("role_disabled", "no")])
    );
    assert_eq!(
        because(&d, "password_changed"),
        ("possible", vec![("admin_password_changed", "unknown")])
    );
    // A negated signal decides too: `… and not record_open_in_netsuite`.
    let d = diagnose_json(
        multi(),
        "NS0777",
        &[
            "--yes",
            "record_open_in_netsuite",
            "--yes",
            "accounting_period_closed",
        ],
    );
    assert_eq!(
        because(&d, "period_closed"),
        ("ruled_out", vec![("record_open_in_netsuite", "yes")])
    );
    // Possible with one part known: only the unknown part would decide.
    let d = diagnose_json(multi(), "NS0777", &["--yes", "accounting_period_closed"]);
    assert_eq!(
        because(&d, "period_closed"),
        ("possible", vec![("record_open_in_netsuite", "unknown")])
    );
}

#[test]
fn leads_point_to_the_code_that_explains_an_observation() {
    let d = diagnose_json(multi(), "NS0109", &["--yes", "concurrency_limit_reached"]);
    assert_eq!(
        d["leads"],
        serde_json::json!([{
            "code": "NS0900",
            "message": "Failed to login to NetSuite because the concurrent request limit was exceeded.",
            "cause": "concurrency_limit",
            "text": "Other integrations or scripts used up the NetSuite concurrent request limit.",
            "because": [{"signal": "concurrency_limit_reached", "value": "yes"}]
        }])
    );
    // A signal NS0109 reads itself is no lead, whatever other codes say.
    let d = diagnose_json(multi(), "NS0109", &["--yes", "token_revoked"]);
    assert_eq!(d["leads"], serde_json::json!([]));
    assert_cmd_snapshot!(multi().args([
        "diagnose",
        NS0109,
        "--yes",
        "concurrency_limit_reached",
        "--no",
        "token_revoked"
    ]));
}

#[test]
fn facts_from_yaml_and_json_equal_the_flags() {
    let flags = diagnose_json(
        triage(),
        "NS0109",
        &["--yes", "token_revoked", "--no", "role_disabled"],
    );
    for file in ["case.yaml", "case.json"] {
        let path = format!("tests/fixtures/facts/{file}");
        let d = diagnose_json(at_root(), "NS0109", &["--facts", &path]);
        assert_eq!(d, flags, "{file}");
    }
}

#[test]
fn flags_win_over_the_facts_file() {
    let d = diagnose_json(
        at_root(),
        "NS0109",
        &[
            "--facts",
            "tests/fixtures/facts/case.yaml",
            "--no",
            "token_revoked",
        ],
    );
    assert_eq!(
        because(&d, "token_revoked_or_expired"),
        ("possible", vec![("token_expired", "unknown")])
    );
}

#[test]
fn the_facts_message_is_diagnosed_when_no_target_is_given() {
    let out = at_root()
        .args([
            "diagnose",
            "--facts",
            "tests/fixtures/facts/case.json",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(json(&out)["code"], "NS0109");
}

#[test]
fn nothing_to_diagnose_is_explained() {
    assert_cmd_snapshot!(triage().arg("diagnose"));
}

#[test]
fn facts_feed_the_ticket_and_flags_win() {
    assert_cmd_snapshot!(at_root().args([
        "render",
        "ticket",
        "NS0109",
        "--facts",
        "tests/fixtures/facts/case.yaml",
        "--tried",
        "verify_credentials"
    ]));
}

#[test]
fn unknown_signals_in_facts_are_refused_with_place_and_suggestion() {
    for file in ["misspelt.yaml", "misspelt.json", "unrelated.yaml"] {
        let name = format!("facts_refused_{}", file.replace('.', "_"));
        let out = at_root()
            .args(["diagnose", "NS0109", "--facts"])
            .arg(format!("tests/fixtures/facts/{file}"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{file}");
        insta::assert_snapshot!(name, String::from_utf8(out.stderr).unwrap());
    }
}

#[test]
fn a_missing_facts_file_is_named() {
    let out = at_root()
        .args(["diagnose", "NS0109", "--facts", "no/such/facts.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("error: no/such/facts.yaml: "),
        "{stderr}"
    );
}

#[test]
fn codes_search_finds_codes_by_words_of_their_message() {
    for (words, expect) in [
        (&["login"][..], &["NS0109", "NS0900"][..]),
        (&["LOG", "IN", "netsuite"], &["NS0109", "NS0900"]),
        (&["concurrent"], &["NS0900"]),
        (&["verify", "cred"], &["NS0109"]),
        (&["vendor bill"], &["NS0777"]),
        (&["ns0777"], &["NS0777"]),
        (&["Export", "Error"], &["NS0777"]),
    ] {
        let out = multi()
            .args(["codes", "--search"])
            .args(words)
            .output()
            .unwrap();
        assert!(out.status.success(), "{words:?}");
        let found: Vec<String> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| l.split_whitespace().next().unwrap().to_string())
            .collect();
        assert_eq!(found, expect, "{words:?}");
    }
    assert_cmd_snapshot!(multi().args(["codes", "--search", "payroll"]));
}

#[test]
fn causes_in_terminal_output_are_plain_text() {
    let edited = |format: &str| {
        crate::support::Test::with_check_base()
            .edit(
                "rules/netsuite/NS0901.yaml",
                "text: The integration role was disabled.",
                "text: The **integration role** was disabled.",
            )
            .args([
                "--rules",
                "rules",
                "diagnose",
                "NS0901",
                "--yes",
                "role_disabled",
            ])
            .args(["--no", "token_revoked", "--format", format])
            .run()
    };
    let text = edited("text");
    assert!(
        text.stdout
            .contains("  - The integration role was disabled.  (role_disabled = yes"),
        "{}",
        text.stdout
    );
    assert!(!text.stdout.contains("**"), "{}", text.stdout);
    // Markdown keeps the writer's emphasis.
    assert!(
        edited("md")
            .stdout
            .contains("The **integration role** was disabled.")
    );
}
