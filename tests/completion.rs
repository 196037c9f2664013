//! Dynamic shell completion through clap_complete's protocol: the shell runs
//! `COMPLETE=bash triage -- WORDS…` with the index of the word being
//! completed, and triage prints the candidates, one a line.

use crate::support::Test;

/// The candidates `triage` offers for word `index` of `words` (`words[0]`
/// is `triage`), run in `test`'s folder.
fn complete(test: &Test, index: usize, words: &[&str]) -> Vec<String> {
    let out = test
        .command()
        .env("COMPLETE", "bash")
        .env("_CLAP_IFS", "\n")
        .env("_CLAP_COMPLETE_INDEX", index.to_string())
        .arg("--")
        .args(words)
        .output()
        .expect("run triage");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn codes_complete_from_the_embedded_rules() {
    let test = Test::new();
    let codes = complete(&test, 2, &["triage", "diagnose", "NS01"]);
    assert_eq!(codes, ["NS0109", "NS0123", "NS0144"]);
    let codes = complete(&test, 3, &["triage", "render", "help", "ns07"]);
    assert_eq!(codes, ["NS0739"], "any case");
}

#[test]
fn signals_complete_after_yes_and_no() {
    let test = Test::new();
    let words = ["triage", "diagnose", "NS0109", "--yes", "tok"];
    let signals = complete(&test, 4, &words);
    for id in ["token_revoked", "token_expired"] {
        assert!(signals.iter().any(|s| s == id), "{id} in {signals:?}");
    }
    assert!(signals.iter().all(|s| s.starts_with("tok")), "{signals:?}");
    let signals = complete(&test, 3, &["triage", "diagnose", "--no", "role_d"]);
    assert_eq!(signals, ["role_disabled"], "without a code: every signal");
    let signals = complete(&test, 2, &["triage", "diagnose", "--yes=token_rev"]);
    assert_eq!(signals, ["--yes=token_revoked"]);
}

/// The completer loads the rules as the command would: the `rules/` found
/// from the current directory up, or `--rules DIR` on the line.
#[test]
fn completion_uses_the_rules_the_command_would() {
    let test = Test::new()
        .copy("tests/fixtures/rules-multi", "rules")
        .current_dir("deep/below");
    let codes = complete(&test, 2, &["triage", "diagnose", "NS0"]);
    assert_eq!(codes, ["NS0109", "NS0777", "NS0900"]);
    let elsewhere = Test::new().copy("tests/fixtures/rules-multi", "other");
    let dir = elsewhere.path().join("other");
    let words = [
        "triage",
        "--rules",
        dir.to_str().unwrap(),
        "diagnose",
        "NS09",
    ];
    assert_eq!(complete(&elsewhere, 4, &words), ["NS0900"]);
}

#[test]
fn complete_env_prints_the_shell_script_and_static_completions_still_work() {
    let out = Test::new()
        .command()
        .env("COMPLETE", "bash")
        .output()
        .unwrap();
    assert!(out.status.success());
    let script = String::from_utf8(out.stdout).unwrap();
    assert!(script.contains("_CLAP_COMPLETE_INDEX"), "{script}");
    assert!(script.contains("complete "), "{script}");
    let test = Test::new().args(["completions", "bash"]).run().status(0);
    assert!(test.stdout.contains("diagnose"));
}
