//! `triage new`: the scaffold passes `check` and renders without edits, and
//! an existing code is never overwritten.

use insta_cmd::assert_cmd_snapshot;

use crate::support::{Test, triage};

const MESSAGE: &str = "NS0200 Sync Error: The subsidiary “Main” is inactive. Please activate it.";

/// `triage new CODE` for [`MESSAGE`] in the check fixtures' small rules,
/// so the scaffold's snapshot does not follow edits to the shipped rules.
fn new_code(code: &str) -> Test {
    Test::with_check_base().args([
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
    ])
}

#[test]
fn new_then_check_then_render_without_edits() {
    let test = new_code("NS0200");
    assert_cmd_snapshot!(test.command());
    insta::assert_snapshot!("scaffold", test.read("rules/netsuite/NS0200.yaml"));
    let check = test
        .then()
        .args(["--rules", "rules", "check"])
        .run()
        .status(0);
    // It passes, with a warning at each placeholder sentence until it is replaced…
    assert!(
        check.stdout.contains("ok: 0 errors, 7 warnings"),
        "{}",
        check.stdout
    );
    assert_eq!(
        check.stdout.matches("warning[R609]").count(),
        7,
        "{}",
        check.stdout
    );
    // …and CI, which denies warnings, refuses to publish it.
    let check = check
        .then()
        .args(["--rules", "rules", "check", "--deny", "warnings"])
        .run()
        .status(1);
    let help = check
        .then()
        .args([
            "--rules", "rules", "render", "help", "NS0200", "--format", "text",
        ])
        .run()
        .status(0);
    assert!(help.stdout.contains(MESSAGE));
    // The pasted message is recognised as the new code.
    let diagnose = help
        .then()
        .args(["--rules", "rules", "diagnose", MESSAGE, "--format", "json"])
        .run();
    assert_eq!(diagnose.json()["code"], "NS0200");
    // No temporary file is left beside it.
    let names: Vec<String> = std::fs::read_dir(diagnose.path().join("rules/netsuite"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
}

#[test]
fn new_refuses_an_existing_code() {
    let test = new_code("ns0901");
    let before = test.read("rules/netsuite/NS0901.yaml");
    assert_cmd_snapshot!(test.command());
    assert_eq!(test.read("rules/netsuite/NS0901.yaml"), before);
}

#[test]
fn new_refuses_an_unknown_integration() {
    let out = Test::with_check_base()
        .args([
            "--rules",
            "rules",
            "new",
            "NS0200",
            "--integration",
            "netsuit",
        ])
        .args(["--message", MESSAGE])
        .run()
        .status(2);
    assert!(out.stderr.contains("did you mean `netsuite`?"));
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
    for section in ["EXIT STATUS", "ENVIRONMENT", "FILES"] {
        assert!(text.contains(section), "man page lacks {section}");
    }
}

/// `triage man diagnose` is the page of `triage-diagnose`, with the sections
/// every page shares; the snapshot holds its title, name and section headers.
#[test]
fn man_page_of_a_subcommand() {
    let out = Test::new().args(["man", "diagnose"]).run().status(0);
    let shape: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with(".TH") || l.starts_with(".SH"))
        .collect();
    let name = out.stdout.lines().skip_while(|l| *l != ".SH NAME").nth(1);
    insta::assert_snapshot!(
        "man_diagnose_sections",
        format!("{}\n{}", shape.join("\n"), name.unwrap_or_default())
    );
    for variable in [
        "NETSUITE_ACCOUNT_ID",
        "NETSUITE_CONSUMER_KEY",
        "NETSUITE_CONSUMER_SECRET",
        "NETSUITE_TOKEN_ID",
        "NETSUITE_TOKEN_SECRET",
        "NO_COLOR",
    ] {
        assert!(
            out.stdout.contains(variable),
            "ENVIRONMENT lacks {variable}"
        );
    }
    assert!(out.stdout.contains(r"rules/<integration>/<CODE>.yaml"));
    assert!(out.stdout.contains(r"\fBtriage diagnose\fR"), "synopsis");
}

#[test]
fn man_page_of_an_unknown_subcommand_suggests_the_nearest() {
    let out = Test::new().args(["man", "diagnos"]).run().status(2);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(
        out.stderr.contains("did you mean `diagnose`?"),
        "{}",
        out.stderr
    );
}
