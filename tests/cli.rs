//! The command line as a user meets it: output and exit codes, errors included.

use insta_cmd::assert_cmd_snapshot;

use crate::support::{Test, triage};

#[test]
fn codes() {
    assert_cmd_snapshot!(triage().arg("codes"));
}

#[test]
fn diagnose_text() {
    assert_cmd_snapshot!(triage().args(["diagnose", "NS0109", "--yes", "token_revoked"]));
}

#[test]
fn diagnose_json_confirms_token_cause_and_plans_its_fixes() {
    let out = triage()
        .args([
            "diagnose",
            "NS0109",
            "--yes",
            "token_revoked",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let confirmed: Vec<&str> = json["causes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "confirmed")
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(confirmed, ["token_revoked_or_expired"]);
    let fixes: Vec<&str> = json["fixes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        fixes,
        ["Generate a New NetSuite Access Token", "Retry the Sync"]
    );
    assert_eq!(json["escalate"], false);
    insta::assert_json_snapshot!(json);
}

#[test]
fn diagnose_everything_ruled_out_escalates() {
    let mut cmd = triage();
    cmd.args(["diagnose", "NS0109", "--format", "json"]);
    for s in [
        "admin_password_changed",
        "token_revoked",
        "token_expired",
        "credentials_not_refreshed",
        "role_permissions_changed",
        "role_disabled",
    ] {
        cmd.args(["--no", s]);
    }
    let out = cmd.output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["escalate"], true);
    assert!(
        json["causes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["status"] == "ruled_out")
    );
    // With nothing confirmed, the plan is the article's full sequence.
    assert_eq!(json["fixes"].as_array().unwrap().len(), 3);
}

#[test]
fn diagnose_markdown() {
    assert_cmd_snapshot!(triage().args([
        "diagnose",
        "NS0109",
        "--no",
        "role_disabled",
        "--format",
        "markdown"
    ]));
}

/// The Markdown plan is a numbered list of procedures, and each procedure
/// item holds its steps as a nested ordered list, as the article prints them.
#[test]
fn diagnose_markdown_plan_steps_are_an_ordered_list() {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let out = triage()
        .args([
            "diagnose",
            "NS0109",
            "--yes",
            "token_revoked",
            "--format",
            "md",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let md = String::from_utf8(out.stdout).unwrap();
    let plan = &md[md.find("## Fix plan").expect("a fix plan")..];
    let plan = &plan[..plan.find("\n## Open questions").unwrap_or(plan.len())];
    // (depth of list nesting, ordered start) for every list, and the texts
    // directly in the nested lists.
    let mut lists = Vec::new();
    let mut depth = 0;
    let mut step_items = 0;
    let mut paragraphs_in_items = Vec::new();
    let mut text = String::new();
    for event in Parser::new(plan) {
        match event {
            Event::Start(Tag::List(start)) => {
                depth += 1;
                lists.push((depth, start));
            }
            Event::End(TagEnd::List(_)) => depth -= 1,
            Event::Start(Tag::Item) if depth == 2 => step_items += 1,
            Event::Start(Tag::Paragraph) => text.clear(),
            Event::Text(t) => text.push_str(&t),
            Event::End(TagEnd::Paragraph) if depth == 1 => paragraphs_in_items.push(text.clone()),
            _ => {}
        }
    }
    assert_eq!(
        lists,
        [(1, Some(1)), (2, Some(1)), (2, Some(1))],
        "the plan, then one ordered list of steps under each procedure:\n{plan}"
    );
    assert_eq!(step_items, 7 + 4, "{plan}");
    assert!(
        paragraphs_in_items
            .iter()
            .any(|p| p == "If the credentials appear correct but the error persists:"),
        "the lead is a paragraph of the procedure item: {paragraphs_in_items:?}"
    );
    assert!(
        paragraphs_in_items
            .iter()
            .any(|p| p == "If the credentials are valid, syncing should resume successfully."),
        "the closing is a paragraph of the procedure item: {paragraphs_in_items:?}"
    );
}

#[test]
fn diagnose_pasted_message() {
    assert_cmd_snapshot!(triage().args([
        "diagnose",
        "Hi, we got “NS0109 Sync Error: Failed to login to NetSuite.\n  Please verify your admin credentials.” since Monday",
        "--yes",
        "role_disabled"
    ]));
}

#[test]
fn render_help_text() {
    assert_cmd_snapshot!(triage().args(["render", "help", "ns0109", "--format", "text"]));
}

#[test]
fn render_faq_for_the_integration() {
    assert_cmd_snapshot!(triage().args(["render", "faq", "netsuite"]));
}

#[test]
fn ticket_redacts_credentials() {
    let key = "ef40afdd8abaac111b13825dd5e5e2ddddb44f86d5a0dd6dcf38c20aae6b67e4";
    let message = format!(
        "NS0109 Sync Error: Failed to login to NetSuite. Please verify your admin credentials. consumer key {key} token secret: hunter2hunter2 Authorization: Bearer abc.def.ghi"
    );
    let out = triage()
        .args(["render", "ticket", "NS0109", "--message", &message])
        .args([
            "--attempted-at",
            "2026-11-28T10:30:00+01:00",
            "--yes",
            "token_revoked",
        ])
        .args(["--tried", "retry_sync"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for secret in [key, "hunter2hunter2", "abc.def.ghi"] {
        assert!(!text.contains(secret), "{secret} leaked");
    }
    assert!(text.contains("2026-11-28 09:30 UTC"), "time in UTC");
    insta::assert_snapshot!(text);
}

#[test]
fn unknown_code_suggests_the_nearest() {
    assert_cmd_snapshot!(triage().args(["diagnose", "NS0110"]));
}

#[test]
fn unknown_signal_suggests_the_nearest() {
    assert_cmd_snapshot!(triage().args(["diagnose", "NS0109", "--yes", "tokn_revoked"]));
}

#[test]
fn unrecognised_message_exits_2_with_suggestions() {
    assert_cmd_snapshot!(triage().args([
        "diagnose",
        "could not login to netsuite, check the admin credentials"
    ]));
}

#[test]
fn bad_time_is_refused() {
    assert_cmd_snapshot!(triage().args([
        "render",
        "ticket",
        "NS0109",
        "--attempted-at",
        "yesterday"
    ]));
}

#[test]
fn malformed_yaml_points_at_the_line() {
    let test = Test::with_shipped_rules()
        .edit("rules/netsuite/NS0109.yaml", "kind: sync", "kind: [sync")
        .args(["--rules", "rules", "diagnose", "NS0109"]);
    assert_cmd_snapshot!(test.command());
}

/// The shipped rules with a signal misspelt in NS0109's first cause.
fn misspelt_signal() -> Test {
    Test::with_shipped_rules().edit(
        "rules/netsuite/NS0109.yaml",
        "when: token_revoked or token_expired",
        "when: token_revoked or tokn_expired",
    )
}

#[test]
fn misspelt_signal_in_rules_points_at_its_column() {
    let test = misspelt_signal().args(["--rules", "rules", "render", "help", "NS0109"]);
    assert_cmd_snapshot!(test.command());
}

#[test]
fn help_for_every_command() {
    for args in [
        &["--help"][..],
        &["diagnose", "--help"],
        &["render", "--help"],
        &["codes", "--help"],
        &["probe", "--help"],
        &["import", "--help"],
    ] {
        let name = format!("help_{}", args.join("_").replace("--", ""));
        insta::assert_snapshot!(
            name,
            String::from_utf8(triage().args(args).output().unwrap().stdout).unwrap()
        );
    }
}

#[test]
fn commands_find_the_rules_folder_of_the_checkout_they_run_in() {
    // As cargo finds Cargo.toml: `rules/` here or in an ancestor, without --rules.
    let out = misspelt_signal()
        .current_dir("notes/drafts")
        .arg("check")
        .run()
        .status(1);
    assert!(
        out.stdout.contains("unknown signal `tokn_expired`"),
        "{}",
        out.stdout
    );
    // Outside any checkout, the embedded rules.
    Test::new().arg("check").run().status(0);
}

#[test]
fn a_ticket_without_an_attempt_time_says_the_time_is_the_drafts() {
    let out = triage()
        .args(["render", "ticket", "NS0109", "--format", "text"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("Approximate time of the sync attempt:"))
        .expect("the time line");
    assert!(
        line.ends_with(" UTC (not given; time of this draft)"),
        "{line}"
    );
    let given = triage()
        .args([
            "render",
            "ticket",
            "NS0109",
            "--attempted-at",
            "2026-11-28T09:30:00Z",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(given.stdout).unwrap();
    assert!(text.contains("attempt: 2026-11-28 09:30 UTC\n"), "{text}");
}

#[test]
fn every_command_names_its_formats_alike_and_takes_the_aliases() {
    let run = |args: &[&str]| {
        let out = triage().args(args).output().unwrap();
        assert!(out.status.code().is_some_and(|c| c < 2), "{args:?}");
        out.stdout
    };
    let pairs: [(&[&str], &[&str]); 4] = [
        (
            &["diagnose", "NS0109", "--format", "md"],
            &["diagnose", "NS0109", "--format", "markdown"],
        ),
        (
            &["diagnose", "NS0109", "--format", "text"],
            &["diagnose", "NS0109", "--format", "human"],
        ),
        (
            &["render", "help", "NS0109", "--format", "md"],
            &["render", "help", "NS0109", "--format", "markdown"],
        ),
        (
            &["check", "--format", "text"],
            &["check", "--format", "human"],
        ),
    ];
    for (name, alias) in pairs {
        assert_eq!(run(name), run(alias), "{alias:?} is {name:?}");
    }
}

#[test]
fn a_ticket_message_of_another_code_is_refused_unless_forced() {
    let other = "NS0739 Sync Error: Unexpected error when logging in with tokens.";
    let out = triage()
        .args(["render", "ticket", "NS0109", "--message", other])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "no ticket is printed");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("the message given is NS0739's, not NS0109's")
            && stderr.contains("--force"),
        "{stderr}"
    );
    let forced = triage()
        .args(["render", "ticket", "NS0109", "--force", "--message", other])
        .output()
        .unwrap();
    assert_eq!(forced.status.code(), Some(0));
    assert!(String::from_utf8(forced.stdout).unwrap().contains(other));
}

/// The README's "A writer's first edit", as written.
#[test]
fn the_readme_walk_checks_the_checkout_being_edited() {
    let dir = tempfile::tempdir().unwrap();
    crate::support::copy_dir(
        &crate::support::manifest_dir().join("rules"),
        &dir.path().join("rules"),
    );
    crate::support::copy_dir(
        &crate::support::manifest_dir().join("templates"),
        &dir.path().join("templates"),
    );
    let rule = dir.path().join("rules/netsuite/NS0109.yaml");
    let good = std::fs::read_to_string(&rule).unwrap();
    std::fs::write(
        &rule,
        good.replace(
            "when: admin_password_changed",
            "when: admin_pasword_changed",
        ),
    )
    .unwrap();
    let out = triage()
        .arg("check")
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.starts_with("checking rules/ and templates/ ("),
        "{stdout}"
    );
    assert!(stdout.contains("error[R201]: unknown signal `admin_pasword_changed`"));
    assert!(stdout.contains("rules/netsuite/NS0109.yaml:"));
    assert!(stdout.contains("did you mean `admin_password_changed`?"));
    assert!(
        stdout.ends_with("failed: 1 error, 1 warning in 17 files\n"),
        "{stdout}"
    );
    std::fs::write(&rule, good).unwrap();
    let ok = triage()
        .args(["check", "--deny", "warnings"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(ok.status.code(), Some(0));
}

// `codes`, `diagnose` and `render` name the rules they read once, on stderr
// (stdout stays the output): a checkout's `rules/` as seen from where they
// run, with the files it holds, or the embedded rules.

#[test]
fn codes_names_the_rules_it_reads() {
    let checkout = Test::with_check_base().arg("codes");
    assert_cmd_snapshot!("codes_in_a_checkout", checkout.command());
    let embedded = Test::new().args(["codes", "--search", "login"]);
    assert_cmd_snapshot!("codes_on_the_embedded_rules", embedded.command());
}

#[test]
fn diagnose_names_the_rules_it_reads_except_for_json() {
    let checkout = Test::with_check_base().current_dir("notes").args([
        "diagnose",
        "NS0901",
        "--yes",
        "token_revoked",
    ]);
    assert_cmd_snapshot!("diagnose_in_a_checkout", checkout.command());
    let embedded = Test::new().args(["diagnose", "NS0109", "--yes", "token_revoked"]);
    assert_cmd_snapshot!("diagnose_on_the_embedded_rules", embedded.command());
    // JSON is for programs: stderr stays for problems.
    let json = Test::with_check_base()
        .args(["diagnose", "NS0901", "--format", "json"])
        .run()
        .status(0);
    assert_eq!(json.stderr, "");
}

#[test]
fn render_names_the_rules_it_reads() {
    let checkout = Test::with_check_base()
        .current_dir("rules/netsuite")
        .args(["render", "faq", "NS0901", "--format", "text"]);
    assert_cmd_snapshot!("render_in_a_checkout", checkout.command());
    let embedded = Test::new().args(["render", "faq", "NS0109", "--format", "text"]);
    assert_cmd_snapshot!("render_on_the_embedded_rules", embedded.command());
}
