//! A synthetic rule base shaped like the real one, for benchmarks: the
//! `corpus` example writes it (`cargo run --release --example corpus --
//! --codes N --out DIR`) and the criterion benchmarks generate it.
//! Deterministic: the same N gives the same bytes.

use std::fmt::Write as _;
use std::path::Path;

/// Writes `codes` codes, dealt round-robin over five integrations, under `out`.
pub fn write(out: &Path, codes: usize) -> std::io::Result<()> {
    for (i, (id, name, prefix)) in INTEGRATIONS.iter().enumerate() {
        let dir = out.join(id);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("integration.yaml"), integration(id, name, prefix))?;
        for n in (i..codes).step_by(INTEGRATIONS.len()) {
            let code = format!("{prefix}{:05}", n + 1);
            std::fs::write(dir.join(format!("{code}.yaml")), code_file(&code, name, n))?;
        }
    }
    Ok(())
}

const INTEGRATIONS: [(&str, &str, &str); 5] = [
    ("netsuite", "NetSuite", "NS"),
    ("quickbooks-online", "QuickBooks Online", "ONL"),
    ("xero", "Xero", "XERO"),
    ("sage-intacct", "Sage Intacct", "INT"),
    ("quickbooks-desktop", "QuickBooks Desktop", "DESK"),
];

const SIGNALS: [&str; 10] = [
    "password_changed",
    "token_revoked",
    "token_expired",
    "credentials_not_refreshed",
    "role_permissions_changed",
    "role_disabled",
    "integration_disabled",
    "outage",
    "mapping_changed",
    "record_locked",
];

const KINDS: [&str; 3] = ["sync", "export", "connection"];

fn integration(id: &str, name: &str, prefix: &str) -> String {
    let mut s = format!("id: {id}\nname: {name}\nprefix: {prefix}\nsignals:\n");
    for sig in SIGNALS {
        let words = sig.replace('_', " ");
        writeln!(
            s,
            "  - id: {sig}\n    question: Has the {name} {words} been observed?"
        )
        .ok();
    }
    write!(
        s,
        r#"snippets:
  - id: log_in_admin
    text: Log in to {name} as an administrator.
variants:
  - id: web
    label: "On web:"
    words: {{ click: Click, nav: in the left menu }}
  - id: mobile
    label: "On mobile:"
    words: {{ click: Tap, nav: in the bottom navigation }}
procedures:
  - id: sync_workspace
    title: Sync the Workspace
    body:
      - each_variant:
          of: [web, mobile]
          body:
            - steps:
                - ${{click}} **Workspaces** ${{nav}}.
                - Select your Workspace.
                - ${{click}} **Accounting**.
                - ${{click}} the three-dot menu next to the {name} connection.
                - ${{click}} **Sync Now**.
  - id: retry_export
    title: Retry the Export
    body:
      - steps:
          - Open the report.
          - Export it to {name} again.
escalation:
  title: Contact Concierge if the Error Persists
  lead: "If the error persists, reach out to **Concierge** and include:"
  include:
    sync:
      - The full error message.
      - Confirmation that you are seeing ${{code}}.
      - The approximate time the sync was attempted.
    export:
      - The report ID.
      - Confirmation that you are seeing ${{code}}.
      - The approximate time of the export attempt.
    connection:
      - The full error message.
      - Confirmation that you are seeing ${{code}}.
      - The approximate time of the attempt.
index:
  description: Learn what common {name} errors mean and how to fix them.
  keywords: [{name} errors, sync errors, export errors, Workspace Admin]
  internal_scope: Audience is Workspace Admins using the {name} integration. Covers common {name} error codes. Does not cover setup.
  faq:
    - question: Where Do I Find My Error Code?
      answer: The code appears at the start of the error message in the Workspace.
"#
    )
    .ok();
    s
}

fn code_file(code: &str, product: &str, n: usize) -> String {
    let kind = KINDS[n % KINDS.len()];
    let kind_title = match kind {
        "sync" => "Sync",
        "export" => "Export",
        _ => "Connection",
    };
    let words = [
        "records",
        "vendors",
        "accounts",
        "categories",
        "tags",
        "reports",
        "currencies",
    ];
    let what = words[n % words.len()];
    let message =
        format!("{code} {kind_title} Error: Unable to process {what} batch {n} in {product}.");
    // One pattern in five is a regular expression, as in the real rules
    // (NS0109's `log ?in ...\W+please`); the rest are plain text.
    let pattern = if (n / 5) % 5 == 4 {
        format!("unable to process ?{what} batch {n}\\W+in")
    } else {
        format!("unable to process {what} batch {n} in")
    };
    let mut s =
        format!("code: {code}\nkind: {kind}\nmessage: \"{message}\"\npatterns:\n  - '{pattern}'\n");
    write!(
        s,
        r#"front_matter:
  description: Learn what the {code} {kind} error means and how to fix it.
  keywords: {code}, {product} {kind} error, {what}, Workspace Admin
  internal_scope: Audience is Workspace Admins using {product}. Covers the {code} error. Does not cover other errors.
  display_title: "{code} {kind_title} Error: Unable to process {what}"
summary: Check the {what} settings, then sync again.
meaning:
  - This means the Workspace could not process {what} with {product}.
why:
  body:
    - The {code} error typically indicates a problem with {what}.
    - "Common causes include:"
    - causes: all
    - When this happens, reports cannot move between Expensify and {product}.
    - This is a configuration issue, not a report data issue.
causes:
"#
    )
    .ok();
    for c in 0..5 {
        let a = SIGNALS[(n + c) % SIGNALS.len()];
        let b = SIGNALS[(n + c + 3) % SIGNALS.len()];
        let cond = if c % 2 == 0 {
            format!("{a} or {b}")
        } else {
            format!("{a} and not {b}")
        };
        let fix = if c % 2 == 0 {
            "check_settings"
        } else {
            "reconnect"
        };
        writeln!(
            s,
            "  - id: cause_{c}\n    text: The {} was changed in {product}.\n    when: {cond}\n    fixes: [{fix}, sync_workspace]\n    priority: {}",
            a.replace('_', " "),
            1 + c % 3
        )
        .ok();
    }
    let retry = if kind == "export" {
        "    - retry_export\n"
    } else {
        ""
    };
    write!(
        s,
        r#"fix:
  lead:
    - Follow the steps below to fix the {what} settings.
  procedures:
    - check_settings
    - reconnect
{retry}    - sync_workspace
escalation: {{}}
faq:
  - question: Does the {code} Error Affect All Exports?
    answer: Yes. Until the {what} settings are fixed, exports to {product} fail.
  - question: Do I Need an Admin to Fix the {code} Error?
    answer: Yes. Only an administrator can change these settings.
  - question: Should I Disconnect and Reconnect {product}?
    answer: No. Fixing the settings and syncing is usually enough.
procedures:
  - id: check_settings
    title: Check the {product} Settings
    body:
      - steps:
          - use: log_in_admin
          - text: Open the {what} settings and confirm that
            bullets:
              - The record is active.
              - The role can edit it.
          - Click **Save**.
  - id: reconnect
    title: Refresh the Connection
    body:
      - "If the settings are correct but the error persists:"
      - steps:
          - Go to **Settings > Workspaces > Accounting**.
          - Click **Sync Now**.
      - Syncing should resume within a few minutes.
"#
    )
    .ok();
    s
}

#[cfg(test)]
mod tests {
    /// The corpus the benchmarks time is read by the fast YAML reader, with
    /// the values and spans serde-saphyr gives (else they would time the other).
    #[test]
    fn the_corpus_is_read_by_the_yaml_subset_reader_as_by_serde_saphyr() {
        let dir = tempfile::tempdir().unwrap();
        super::write(dir.path(), 60).unwrap();
        let mut read = 0;
        for folder in std::fs::read_dir(dir.path()).unwrap() {
            for file in std::fs::read_dir(folder.unwrap().path()).unwrap() {
                let path = file.unwrap().path();
                let text = std::fs::read_to_string(&path).unwrap();
                let name = path.display().to_string();
                assert!(
                    crate::rules::yaml_subset::tests::file_agrees(&name, &text),
                    "{name}"
                );
                read += 1;
            }
        }
        assert_eq!(read, 65);
    }
}
