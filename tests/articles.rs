//! The rule format says every shape of the help center's articles: each
//! fixture article (tests/fixtures/articles, one per shape of
//! shared/reference/article-shapes.md, three house styles) is written as
//! rules (tests/fixtures/article-rules) and builds back byte for byte,
//! index pages included.

use std::path::{Path, PathBuf};

use crate::support::{manifest_dir, triage};

/// The fixture article's path in the built site: `<integration id>/…`
/// for `<Product>/…`.
fn built_path(site: &Path, fixture: &Path) -> PathBuf {
    let rel = fixture
        .strip_prefix(manifest_dir().join("tests/fixtures/articles"))
        .unwrap();
    let mut parts = rel.components();
    let product = parts
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy()
        .to_lowercase();
    site.join(product).join(parts.as_path())
}

/// `triage --rules tests/fixtures/article-rules ARGS…`.
fn with_fixture_rules(args: &[&str]) -> std::process::Output {
    triage()
        .arg("--rules")
        .arg(manifest_dir().join("tests/fixtures/article-rules"))
        .args(args)
        .output()
        .unwrap()
}

fn build(rules: &Path) -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    let out = triage()
        .args(["--rules"])
        .arg(rules)
        .args(["build", "--format", "md", "--out"])
        .arg(site.path().join("site"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    site
}

#[test]
fn every_fixture_article_builds_back_byte_for_byte() {
    let site = build(&manifest_dir().join("tests/fixtures/article-rules"));
    let site_dir = site.path().join("site");
    let mut seen = 0;
    insta::glob!("fixtures/articles", "*/Troubleshooting/**/*.md", |path| {
        let built = built_path(&site_dir, path);
        let expected = std::fs::read_to_string(path).unwrap();
        let got = std::fs::read_to_string(&built)
            .unwrap_or_else(|e| panic!("{} was not built: {e}", built.display()));
        assert_eq!(got, expected, "{}", path.display());
        seen += 1;
    });
    assert_eq!(seen, 15, "12 articles and 3 index pages");
}

#[test]
fn the_fixture_rules_have_no_errors() {
    let out = triage()
        .current_dir(manifest_dir())
        .args(["--rules", "tests/fixtures/article-rules", "check"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("ok: 0 errors"), "{stdout}");
}

#[test]
fn each_house_style_is_set_once_in_its_integration_file() {
    let read = |id: &str| {
        std::fs::read_to_string(manifest_dir().join(format!(
            "tests/fixtures/article-rules/{id}/integration.yaml"
        )))
        .unwrap()
    };
    let ledgerly = read("ledgerly");
    assert!(ledgerly.contains("  fix_level: 1\n"), "{ledgerly}");
    assert!(ledgerly.contains("between_procedures"), "{ledgerly}");
    let tallybook = read("tallybook");
    assert!(
        tallybook.contains("  variant_label: heading\n  faq_case: sentence\n"),
        "{tallybook}"
    );
    let paystream = read("paystream");
    assert!(paystream.contains("  fix_level: none\n"), "{paystream}");
}

#[test]
fn a_placeholder_prints_as_written_and_captures_the_pasted_value() {
    let help = with_fixture_rules(&["render", "help", "TB1150"]);
    let help = String::from_utf8(help.stdout).unwrap();
    let message = help
        .lines()
        .find(|l| l.starts_with("TB1150"))
        .expect("the message line");
    assert!(
        message.contains("[X]") && !message.contains("\\["),
        "{message}"
    );
    let pasted = message.replace("[X]", "Travel-2026");
    let out = with_fixture_rules(&["diagnose", &pasted, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["code"], "TB1150", "{json}");
    let captures = json["captures"].as_object().expect("captures");
    assert!(
        captures.values().any(|v| v == "Travel-2026"),
        "{captures:?}"
    );
}

#[test]
fn every_imported_code_is_recognised_from_its_message_with_values_filled_in() {
    let listed = with_fixture_rules(&["codes"]);
    let listed = String::from_utf8(listed.stdout).unwrap();
    let codes: Vec<&str> = listed
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(codes.len(), 12, "{listed}");
    for code in codes {
        let help = with_fixture_rules(&["render", "help", code]);
        let help = String::from_utf8(help.stdout).unwrap();
        let message = help
            .lines()
            .skip_while(|l| *l != "If you see the error:")
            .nth(2)
            .expect("the message line");
        // A pasted message carries real values where the article shows placeholders.
        let pasted = message
            .replace("'user@example.com'", "'dana@books.example'")
            .replace("[XX/XX/XXXX]", "03/11/2026")
            .replace("[XXXXX]", "48213")
            .replace("[XXX]", "6100")
            .replace("[X]", "Travel");
        let out = with_fixture_rules(&["diagnose", &pasted, "--format", "json"]);
        let json: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|_| panic!("{code}: {}", String::from_utf8_lossy(&out.stderr)));
        assert_eq!(json["code"], code, "{pasted}");
        if pasted != message {
            let values: Vec<&str> = json["captures"]
                .as_object()
                .map(|m| m.values().filter_map(|v| v.as_str()).collect())
                .unwrap_or_default();
            for value in [
                "dana@books.example",
                "03/11/2026",
                "48213",
                "6100",
                "Travel",
            ] {
                if pasted.contains(value) {
                    assert!(values.contains(&value), "{code}: {value} not in {values:?}");
                }
            }
        }
    }
}
