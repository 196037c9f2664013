//! The NetSuite login and connection family as content: every code listed,
//! every exact message recognised, every article in its brief's order, the
//! shared procedures written once, and diagnoses that tell the causes apart.

use triage::engine::{self, Observations, Status, Value};
use triage::render::{Renderer, TemplateSource};
use triage::rules::{Integration, RuleBase, RuleSource, Selection};

use crate::support::{Test, manifest_dir, triage};

/// The exact messages, copied from the content briefs and the seed.
const MESSAGES: [(&str, &str); 5] = [
    (
        "NS0029",
        "NS0029 Export Error: Unable to export this report due to an error.",
    ),
    (
        "NS0109",
        "NS0109 Sync Error: Failed to login to NetSuite. Please verify your admin credentials.",
    ),
    (
        "NS0123",
        "NS0123 Sync Error: The Expensify integration is not enabled in NetSuite. Please enable it under Setup > Integrations > Manage Integrations in NetSuite.",
    ),
    (
        "NS0144",
        "NS0144 Export Error: Internal server error when attempting to export to NetSuite.",
    ),
    (
        "NS0739",
        "NS0739 Sync Error: Unexpected error when logging in with tokens.",
    ),
];

fn base() -> RuleBase {
    let (base, findings) = RuleBase::load(&RuleSource::Embedded, &Selection::All).unwrap();
    assert!(findings.iter().all(|f| !f.is_error()), "{findings:?}");
    base
}

fn netsuite(base: &RuleBase) -> &Integration {
    base.integration("netsuite").expect("netsuite rules")
}

fn help(base: &RuleBase, code: &str) -> String {
    let (integration, code) = base.code(code).expect("known code");
    Renderer::new(&TemplateSource::Embedded)
        .unwrap()
        .help(integration, code)
        .unwrap()
}

fn stdout(cmd: &mut std::process::Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// What `triage check` would say about the shipped rules: nothing.
#[test]
fn the_shipped_rules_have_no_findings() {
    let (_, findings) = RuleBase::load(&RuleSource::Embedded, &Selection::All).unwrap();
    assert!(findings.is_empty(), "{findings:?}");
}

#[test]
fn codes_lists_the_five_netsuite_codes() {
    let out = stdout(triage().arg("codes"));
    let codes: Vec<&str> = out
        .lines()
        .filter(|l| l.contains(" netsuite "))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let expected: Vec<&str> = MESSAGES.iter().map(|(c, _)| *c).collect();
    assert_eq!(codes, expected);
}

#[test]
fn each_exact_message_is_the_rules_message_and_is_printed_as_written() {
    let base = base();
    for (code, message) in MESSAGES {
        let (_, rule) = base.code(code).unwrap();
        assert_eq!(rule.message, message, "{code}");
        let article = help(&base, code);
        assert!(
            article.lines().any(|l| l == message),
            "{code}: the article does not print the message on its own line"
        );
    }
}

#[test]
fn each_exact_message_pasted_resolves_to_its_code() {
    for (code, message) in MESSAGES {
        let pasted = [
            message.to_string(),
            format!("Hi, since this morning we get “{message}” — can you help?"),
            message.replacen(": ", ":\n  ", 1),
        ];
        for text in pasted {
            let out = stdout(triage().args(["diagnose", &text, "--format", "json"]));
            let json: serde_json::Value = serde_json::from_str(&out).unwrap();
            assert_eq!(json["code"], code, "pasted: {text}");
        }
    }
}

/// The headings of each article, in the order of its content brief.
#[test]
fn each_article_renders_its_sections_in_the_briefs_order() {
    let expected: [(&str, &[&str]); 4] = [
        (
            "NS0123",
            &[
                "# NS0123 Sync Error in NetSuite Integration",
                "## Why the NS0123 Sync Error Happens in NetSuite",
                "## How to Fix the NS0123 Sync Error",
                "### Enable the Expensify Integration in NetSuite",
                "### Sync the Workspace",
                "# FAQ",
                "## Does the NS0123 Sync Error Stop All Report Exports?",
                "## Do I Need NetSuite Admin Access to Fix the NS0123 Sync Error?",
                "## Do I Need to Reconnect the Integration?",
            ],
        ),
        (
            "NS0739",
            &[
                "# NS0739 Sync Error in NetSuite Integration",
                "## Why the NS0739 Sync Error Happens in NetSuite",
                "## How to Fix the NS0739 Sync Error",
                "### Confirm the SOAP Web Services Permission",
                "### Confirm the Token Is Assigned to the Correct User and Role",
                "### Check the Sandbox Account ID Format",
                "### Sync the Workspace",
                "# FAQ",
                "## Does the NS0739 Sync Error Affect All Exports?",
                "## Do I Need NetSuite Admin Access to Fix the NS0739 Sync Error?",
                "## Do I Need to Reinstall the Integration?",
            ],
        ),
        (
            "NS0029",
            &[
                "# NS0029 Export Error in NetSuite Integration",
                "## Why the NS0029 Export Error Happens in NetSuite",
                "## How to Fix the NS0029 Export Error",
                "### Retry the Export",
                "### Contact Concierge if the Error Persists",
                "# FAQ",
                "## Can I Retry the Export?",
                "## Does the NS0029 Export Error Affect Other Reports?",
                "## Should I Disconnect and Reconnect NetSuite?",
            ],
        ),
        (
            "NS0144",
            &[
                "# NS0144 Export Error in NetSuite Integration",
                "## Why the NS0144 Export Error Happens in NetSuite",
                "## How to Fix the NS0144 Export Error",
                "### Retry the Export",
                "### Sync the Workspace",
                "### Contact Concierge if the Error Persists",
                "# FAQ",
                "## Should I Retry Before Contacting Concierge?",
                "## Does the NS0144 Export Error Affect All Exports?",
                "## Do I Need to Reconnect NetSuite?",
            ],
        ),
    ];
    let base = base();
    for (code, headings) in expected {
        let article = help(&base, code);
        let body = triage::util::text::strip_front_matter(&article);
        let ours: Vec<&str> = body.lines().filter(|l| l.starts_with('#')).collect();
        assert_eq!(ours, headings, "{code}");
        // The message and its meaning come before the first section.
        let intro = body.split("\n## ").next().unwrap();
        assert!(intro.contains("If you see the error:\n\n"), "{code}");
        assert!(intro.contains("\n\nThis means "), "{code}");
    }
}

/// How often `needle` occurs in the shipped rule files, all together.
fn occurrences_in_rules(needle: &str) -> usize {
    let mut count = 0;
    let dir = manifest_dir().join("rules/netsuite");
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        count += text.matches(needle).count();
    }
    count
}

/// A shared procedure is written once in the rules, yet every article that
/// lists it prints all of it: each platform's label and every step.
#[test]
fn shared_procedures_are_written_once_and_printed_in_full_where_used() {
    let base = base();
    let cases: [(&str, &str, &[&str]); 2] = [
        (
            "sync_workspace",
            "the three-dot menu next to the",
            &["NS0123", "NS0144", "NS0739"],
        ),
        (
            "retry_export",
            "Open the report that failed to export.",
            &["NS0029", "NS0144"],
        ),
    ];
    for (id, written_once, users) in cases {
        assert_eq!(occurrences_in_rules(written_once), 1, "{id}");
        let using: Vec<&str> = netsuite(&base)
            .codes
            .iter()
            .filter(|c| c.procedure(id).is_some())
            .map(|c| c.code.as_str())
            .collect();
        assert_eq!(using, users, "{id}");
        for code in users {
            let article = help(&base, code);
            let c = base.code(code).unwrap().1;
            let procedure = c.procedure(id).unwrap();
            // The shared procedure's own blocks, as this article's layout prints them.
            let expected = triage::rules::block::markdown(
                &procedure.body,
                c.layout.body_level(procedure.title.is_some()),
                &c.layout,
            );
            assert!(
                article.contains(&expected),
                "{code} lacks {id}:\n{expected}"
            );
        }
    }
}

#[test]
fn the_sync_procedure_prints_for_web_and_for_mobile() {
    let base = base();
    for code in ["NS0123", "NS0144", "NS0739"] {
        let article = help(&base, code);
        assert!(article.contains("### Sync the Workspace\n\n"));
        assert!(article.contains(
            "On web:\n\n1. Click **Workspaces** in the navigation tabs on the left.\n2. Select your Workspace.\n3. Click **Accounting**.\n4. Click the three-dot menu next to the NetSuite connection.\n5. Click **Sync Now**.\n\nOn mobile:\n\n1. Tap **Workspaces** in the navigation tabs at the bottom.\n2. Select your Workspace.\n3. Tap **Accounting**.\n4. Tap the three-dot menu next to the NetSuite connection.\n5. Tap **Sync Now**.\n"
        ), "{code}");
    }
}

#[test]
fn logging_in_as_an_administrator_is_one_snippet() {
    let line = "Log in to NetSuite as an administrator.";
    assert_eq!(occurrences_in_rules(line), 1);
    let base = base();
    for code in ["NS0109", "NS0123", "NS0739"] {
        assert!(
            help(&base, code).contains(&format!("1. {line}\n")),
            "{code}"
        );
    }
}

fn observe(yes: &[&str], no: &[&str]) -> Observations {
    let mut obs = Observations::default();
    for s in yes {
        obs.set(*s, Value::Yes);
    }
    for s in no {
        obs.set(*s, Value::No);
    }
    obs
}

fn causes_with(base: &RuleBase, code: &str, obs: &Observations, status: Status) -> Vec<String> {
    let (integration, code) = base.code(code).unwrap();
    engine::diagnose(integration, code, obs)
        .with_status(status)
        .map(|c| c.id.clone())
        .collect()
}

/// What was observed → the causes each code confirms (and rules out).
#[test]
fn diagnose_tells_the_causes_apart() {
    type Case<'a> = (
        &'a str,
        &'a [&'a str],
        &'a [&'a str],
        &'a [&'a str],
        &'a [&'a str],
    );
    let cases: &[Case] = &[
        // code, yes, no, confirmed, ruled out
        (
            "NS0123",
            &[
                "integration_record_disabled",
                "integration_disabled_by_hand",
            ],
            &[],
            &["disabled_by_hand"],
            &[],
        ),
        (
            "NS0123",
            &["integration_disabled_by_hand"],
            &["integration_record_disabled"],
            &[],
            &[
                "never_enabled",
                "disabled_by_hand",
                "settings_changed",
                "bundle_or_role_change",
            ],
        ),
        (
            "NS0739",
            &["account_id_host_form"],
            &[],
            &["formatting"],
            &[],
        ),
        (
            "NS0739",
            &["soap_permission_not_full"],
            &["token_wrong_role"],
            &["soap_permission_not_full"],
            &["token_wrong_role"],
        ),
        // One signal, one meaning: a token on the wrong role, in two codes.
        (
            "NS0739",
            &["token_wrong_role"],
            &[],
            &["token_wrong_role"],
            &[],
        ),
        (
            "NS0029",
            &["token_wrong_role"],
            &[],
            &["role_or_token_changed"],
            &[],
        ),
        (
            "NS0029",
            &["integration_record_disabled"],
            &[],
            &["integration_disconnected"],
            &[],
        ),
        (
            "NS0029",
            &["netsuite_unreachable"],
            &[],
            &["temporary_connectivity"],
            &[],
        ),
        // A problem that survives a retry is not a passing one.
        (
            "NS0029",
            &["netsuite_unreachable", "export_retry_failed"],
            &[],
            &[],
            &["temporary_connectivity"],
        ),
        (
            "NS0144",
            &["netsuite_unreachable"],
            &[],
            &["interruption"],
            &[],
        ),
        (
            "NS0144",
            &["netsuite_server_error", "export_retry_failed"],
            &[],
            &["outage"],
            &["interruption", "internal_processing_error"],
        ),
        (
            "NS0144",
            &["export_retry_failed"],
            &["netsuite_server_error", "netsuite_slow"],
            &["internal_processing_error"],
            &["outage", "interruption"],
        ),
    ];
    let base = base();
    for (code, yes, no, confirmed, ruled_out) in cases {
        let obs = observe(yes, no);
        let context = format!("{code} --yes {yes:?} --no {no:?}");
        assert_eq!(
            causes_with(&base, code, &obs, Status::Confirmed),
            *confirmed,
            "confirmed for {context}"
        );
        assert_eq!(
            causes_with(&base, code, &obs, Status::RuledOut),
            *ruled_out,
            "ruled out for {context}"
        );
    }
}

#[test]
fn a_confirmed_cause_plans_only_its_fixes() {
    let base = base();
    let (integration, code) = base.code("NS0739").unwrap();
    let d = engine::diagnose(integration, code, &observe(&["account_id_host_form"], &[]));
    let fixes: Vec<&str> = d.fixes.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(
        fixes,
        [
            "token_user_and_role",
            "sandbox_account_id",
            "sync_workspace"
        ]
    );
}

#[test]
fn every_shared_signal_asks_a_question() {
    let base = base();
    for signal in &netsuite(&base).signals {
        assert!(
            signal.question.ends_with('?'),
            "{} has no question",
            signal.id
        );
    }
}

fn ticket(code: &str, extra: &[&str]) -> String {
    stdout(
        triage()
            .args(["render", "ticket", code])
            .args(["--attempted-at", "2026-11-28T09:30:00Z"])
            .args(extra),
    )
}

#[test]
fn an_export_ticket_asks_for_the_report_id() {
    for code in ["NS0029", "NS0144"] {
        let missing = ticket(code, &[]);
        assert!(
            missing.contains("- Report ID: missing. Please add the report ID"),
            "{code}"
        );
        let given = ticket(code, &["--report-id", "R00Lq7fGpC2x"]);
        assert!(given.contains("\n- Report ID: R00Lq7fGpC2x\n"), "{code}");
        assert!(!given.contains("missing"), "{code}");
    }
    insta::assert_snapshot!(ticket("NS0029", &["--report-id", "R00Lq7fGpC2x"]));
}

#[test]
fn a_sync_ticket_does_not_ask_for_a_report_id() {
    for code in ["NS0109", "NS0123", "NS0739"] {
        assert!(!ticket(code, &[]).contains("Report ID"), "{code}");
    }
    // Given anyway, it is passed on rather than dropped.
    assert!(ticket("NS0123", &["--report-id", "R1"]).contains("\n- Report ID: R1\n"));
}

/// A step's nested list lines up with the step's text, also from step 10 on.
#[test]
fn nested_bullets_line_up_with_two_digit_steps() {
    let step = "          - Find the access token the Workspace uses.\n";
    let out = Test::with_shipped_rules()
        .edit("rules/netsuite/NS0739.yaml", step, &step.repeat(7))
        .args(["--rules", "rules", "render", "help", "NS0739"])
        .run()
        .status(0)
        .stdout;
    assert!(
        out.contains("\n10. Confirm that:\n    - The **User** is the correct user.\n"),
        "{out}"
    );
}
