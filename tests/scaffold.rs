//! `triage new`: the scaffold passes `check` and renders without edits, and
//! an existing code is never overwritten.

use insta_cmd::assert_cmd_snapshot;

use crate::support::{copy_dir, manifest_dir, triage};

/// A temporary folder with the small `clean` fixture as `rules/`, so the
/// scaffold's snapshot does not follow edits to the shipped rules.
fn rules_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let clean = manifest_dir().join("tests/fixtures/check/_base/rules");
    copy_dir(&clean, &dir.path().join("rules"));
    dir
}

const MESSAGE: &str = "NS0200 Sync Error: The subsidiary “Main” is inactive. Please activate it.";

fn new_code(dir: &std::path::Path, code: &str) -> std::process::Command {
    let mut cmd = triage();
    cmd.current_dir(dir).args([
        "--rules",
        "rules",
        "new",
        code,
        "--integration",
        "netsuite",
        "--kind",
        "sync",
        "--message",
        MESSAGE,
    ]);
    cmd
}

#[test]
fn new_then_check_then_render_without_edits() {
    let dir = rules_copy();
    assert_cmd_snapshot!(new_code(dir.path(), "NS0200"));
    let file = dir.path().join("rules/netsuite/NS0200.yaml");
    insta::assert_snapshot!("scaffold", std::fs::read_to_string(&file).unwrap());
    let check = triage()
        .current_dir(dir.path())
        .args(["--rules", "rules", "check"])
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&check.stdout);
    assert_eq!(check.status.code(), Some(0), "{report}");
    assert!(report.contains("no findings"), "{report}");
    let help = triage()
        .current_dir(dir.path())
        .args([
            "--rules", "rules", "render", "help", "NS0200", "--format", "text",
        ])
        .output()
        .unwrap();
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains(MESSAGE));
    // The pasted message is recognised as the new code.
    let diagnose = triage()
        .current_dir(dir.path())
        .args(["--rules", "rules", "diagnose", MESSAGE, "--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&diagnose.stdout).unwrap();
    assert_eq!(json["code"], "NS0200");
    // No temporary file is left beside it.
    let names: Vec<String> = std::fs::read_dir(dir.path().join("rules/netsuite"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
}

#[test]
fn new_refuses_an_existing_code() {
    let dir = rules_copy();
    let file = dir.path().join("rules/netsuite/NS0901.yaml");
    let before = std::fs::read_to_string(&file).unwrap();
    assert_cmd_snapshot!(new_code(dir.path(), "ns0901"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before);
}

#[test]
fn new_refuses_an_unknown_integration() {
    let dir = rules_copy();
    let out = triage()
        .current_dir(dir.path())
        .args([
            "--rules",
            "rules",
            "new",
            "NS0200",
            "--integration",
            "netsuit",
        ])
        .args(["--message", MESSAGE])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `netsuite`?"));
}

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish"] {
        let out = triage().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8_lossy(&out.stdout);
        for command in ["diagnose", "render", "check", "schema", "new"] {
            assert!(text.contains(command), "{shell} completions lack {command}");
        }
    }
    let man = triage().arg("man").output().unwrap();
    assert!(man.status.success());
    let text = String::from_utf8(man.stdout).unwrap();
    assert!(text.contains(".TH triage"));
    for command in [
        "diagnose",
        "render",
        "check",
        "schema",
        "new",
        "completions",
    ] {
        assert!(text.contains(command), "man page lacks {command}");
    }
    let head: String = text.lines().take(12).collect::<Vec<_>>().join("\n");
    insta::assert_snapshot!("man_head", head);
}
