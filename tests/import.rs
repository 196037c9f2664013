//! `triage import`: the fixture help center comes in as rules that render
//! back byte for byte; what articles share is lifted; bad input is refused.

use std::path::Path;
use std::process::Output;

use crate::support::{manifest_dir, triage};

fn import(args: &[&str]) -> Output {
    triage()
        .current_dir(manifest_dir())
        .arg("import")
        .args(args)
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Every file under `dir`, as (relative path, text), sorted.
fn files(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().display().to_string();
                out.push((rel, std::fs::read_to_string(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn import_fixtures(out: &Path) -> Output {
    import(&["--out", out.to_str().unwrap(), "tests/fixtures/articles"])
}

#[test]
fn the_fixture_help_center_round_trips_and_checks_clean() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    let out = import_fixtures(&rules);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("round trip: 15 of 15 render back exactly"),
        "{}",
        stdout(&out)
    );
    let check = triage()
        .arg("--rules")
        .arg(&rules)
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    assert!(
        stdout(&check).contains("ok: 0 errors"),
        "{}",
        stdout(&check)
    );
    // The imported rules are the format fixtures (tests/articles.rs) as committed.
    assert_eq!(
        files(&rules),
        files(&manifest_dir().join("tests/fixtures/article-rules"))
    );
}

#[test]
fn imported_yaml_per_fixture_article() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    assert!(import_fixtures(&rules).status.success());
    insta::glob!("fixtures/articles", "*/Troubleshooting/*/*.md", |path| {
        let name = path.file_name().unwrap().to_string_lossy();
        let code = name.split('-').next().unwrap();
        let product = path
            .strip_prefix(manifest_dir().join("tests/fixtures/articles"))
            .unwrap()
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .to_lowercase();
        let yaml =
            std::fs::read_to_string(rules.join(&product).join(format!("{code}.yaml"))).unwrap();
        insta::assert_snapshot!(yaml);
    });
    for id in ["ledgerly", "paystream", "tallybook"] {
        let yaml = std::fs::read_to_string(rules.join(id).join("integration.yaml")).unwrap();
        insta::assert_snapshot!(format!("integration_{id}"), yaml);
    }
}

#[test]
fn a_second_import_is_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    assert!(import_fixtures(&dir.path().join("a")).status.success());
    assert!(import_fixtures(&dir.path().join("b")).status.success());
    assert_eq!(files(&dir.path().join("a")), files(&dir.path().join("b")));
}

#[test]
fn what_articles_share_is_lifted_into_the_integration_file() {
    // The shipped NetSuite articles share the web/mobile sync navigation, the
    // retry steps and the Concierge block; built and imported, each is written once.
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let built = triage()
        .args(["build", "--format", "md", "--out"])
        .arg(&site)
        .output()
        .unwrap();
    assert!(built.status.success());
    let rules = dir.path().join("rules");
    let out = import(&["--out", rules.to_str().unwrap(), site.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("2 procedures shared"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("round trip: 6 of 6"),
        "{}",
        stdout(&out)
    );
    let shared = std::fs::read_to_string(rules.join("netsuite/integration.yaml")).unwrap();
    for line in [
        "  - id: sync_workspace\n    title: Sync the Workspace\n",
        "  - id: retry_export\n    title: Retry the Export\n",
        "          - Export the report to ${product} again.\n",
        "      - Confirmation that you are seeing ${code}.\n",
    ] {
        assert!(shared.contains(line), "{line}\n{shared}");
    }
    assert_eq!(
        shared.matches("three-dot menu").count(),
        2,
        "web and mobile, once each"
    );
    let ns0144 = std::fs::read_to_string(rules.join("netsuite/NS0144.yaml")).unwrap();
    assert!(
        ns0144.contains("    - use: sync_workspace\n      before:\n        - \"If the export fails again, refresh the connection:\"\n      after:\n        - After the sync completes, retry the export.\n"),
        "{ns0144}"
    );
    assert!(!ns0144.contains("three-dot menu"), "{ns0144}");
}

#[test]
fn check_compares_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    let out = import(&[
        "--check",
        "--out",
        rules.to_str().unwrap(),
        "tests/fixtures/articles",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).starts_with("checked 12 articles and 3 index pages"),
        "{}",
        stdout(&out)
    );
    assert!(!rules.exists());
}

#[test]
fn an_existing_code_is_kept_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    assert!(import_fixtures(&rules).status.success());
    let marker = rules.join("ledgerly/LG101.yaml");
    std::fs::write(&marker, "edited by a writer\n").unwrap();
    let again = import_fixtures(&rules);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("LG101.yaml already holds LG101"),
        "{}",
        stderr(&again)
    );
    assert!(stderr(&again).contains("--force"), "{}", stderr(&again));
    assert_eq!(
        std::fs::read_to_string(&marker).unwrap(),
        "edited by a writer\n"
    );
    let forced = import(&[
        "--force",
        "--out",
        rules.to_str().unwrap(),
        "tests/fixtures/articles",
    ]);
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
    assert!(
        std::fs::read_to_string(&marker)
            .unwrap()
            .starts_with("# yaml-language-server")
    );
    // Without --force, a folder holding rules is never touched, even when the
    // import brings other codes; with --force its other files are kept.
    let own = rules.join("ledgerly/LG555.yaml");
    std::fs::write(&own, "code: LG555\n").unwrap();
    std::fs::remove_file(&marker).unwrap();
    std::fs::remove_file(rules.join("ledgerly/LG204.yaml")).unwrap();
    let lg204 =
        "tests/fixtures/articles/Ledgerly/Troubleshooting/Export-Errors/LG204-Export-Error.md";
    let other = import(&["--out", rules.to_str().unwrap(), lg204]);
    assert_eq!(other.status.code(), Some(2), "{}", stderr(&other));
    assert!(
        stderr(&other).contains("already holds rules of `ledgerly`"),
        "{}",
        stderr(&other)
    );
    assert!(own.exists() && !rules.join("ledgerly/LG204.yaml").exists());
    let forced = import(&["--force", "--out", rules.to_str().unwrap(), lg204]);
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
    assert_eq!(std::fs::read_to_string(&own).unwrap(), "code: LG555\n");
    // Nothing is left beside the rule base.
    let left: Vec<_> = std::fs::read_dir(&rules)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 3, "{left:?}");
}

/// A help center folder holding `files` (path, text) under `help/`.
fn help_center(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join("help").join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

fn import_in(dir: &Path) -> Output {
    triage()
        .current_dir(dir)
        .args(["import", "--out", "rules", "help"])
        .output()
        .unwrap()
}

const LG101: &str =
    "tests/fixtures/articles/Ledgerly/Troubleshooting/Sync-Errors/LG101-Sync-Error.md";

#[test]
fn bad_input_is_refused_with_exit_2_and_nothing_written() {
    let article = std::fs::read_to_string(manifest_dir().join(LG101)).unwrap();
    let big = format!("{article}{}", "x".repeat(1_100_000));
    // (what, the help center's files, what the error says)
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a str);
    let cases: Vec<Case> = vec![
        (
            "nothing to import",
            vec![("notes.txt", "hello")],
            "nothing to import",
        ),
        (
            "no front matter",
            vec![(
                "Ledgerly/Troubleshooting/Sync-Errors/LG101-Sync-Error.md",
                "# LG101\n\nIf you see the error:\n",
            )],
            "LG101-Sync-Error.md:1: no front matter",
        ),
        (
            "two articles for one code",
            vec![
                (
                    "Ledgerly/Troubleshooting/Sync-Errors/LG101-Sync-Error.md",
                    article.as_str(),
                ),
                (
                    "Ledgerly/Troubleshooting/Old/LG101-Sync-Error.md",
                    article.as_str(),
                ),
            ],
            "two articles for code LG101",
        ),
        (
            "over the size limit",
            vec![(
                "Ledgerly/Troubleshooting/Sync-Errors/LG101-Sync-Error.md",
                big.as_str(),
            )],
            "byte limit",
        ),
    ];
    for (what, files, expected) in cases {
        let dir = help_center(&files);
        let out = import_in(dir.path());
        assert_eq!(out.status.code(), Some(2), "{what}: {}", stderr(&out));
        assert!(stderr(&out).contains(expected), "{what}: {}", stderr(&out));
        assert!(!dir.path().join("rules").exists(), "{what}: wrote rules");
    }
    // Both duplicates are named.
    let dir = help_center(&[
        (
            "Ledgerly/Troubleshooting/Sync-Errors/LG101-Sync-Error.md",
            article.as_str(),
        ),
        (
            "Ledgerly/Troubleshooting/Old/LG101-Sync-Error.md",
            article.as_str(),
        ),
    ]);
    let err = stderr(&import_in(dir.path()));
    assert!(
        err.contains("Old/LG101-Sync-Error.md") && err.contains("Sync-Errors/LG101-Sync-Error.md"),
        "{err}"
    );
    // Not UTF-8: not a Markdown article.
    let dir = help_center(&[]);
    let path = dir
        .path()
        .join("help/Ledgerly/Troubleshooting/Sync-Errors/LG101-Sync-Error.md");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, b"---\ntitle: \xff\xfe\n---\n").unwrap();
    let out = import_in(dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("LG101-Sync-Error.md:2: not UTF-8"),
        "{}",
        stderr(&out)
    );
    // A file named on the command line that is not Markdown.
    let out = import(&["--out", "/nonexistent/rules", "Cargo.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("Cargo.toml: not a Markdown file"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_article_that_cannot_be_mapped_is_named_with_its_line() {
    let article = std::fs::read_to_string(manifest_dir().join(LG101)).unwrap();
    let html = article.replace(
        "Until the connection is renewed",
        "<div class=\"warning\">Careful</div>\n\nUntil the connection is renewed",
    );
    let dir = help_center(&[
        ("Ledgerly/Troubleshooting/Sync-Errors/LG101-Sync-Error.md", html.as_str()),
        (
            "Ledgerly/Troubleshooting/Export-Errors/LG204-Export-Error.md",
            &std::fs::read_to_string(manifest_dir().join(
                "tests/fixtures/articles/Ledgerly/Troubleshooting/Export-Errors/LG204-Export-Error.md",
            ))
            .unwrap(),
        ),
    ]);
    let out = import_in(dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    let line = html.lines().position(|l| l.starts_with("<div")).unwrap() + 1;
    assert!(
        text.contains(&format!("LG101-Sync-Error.md:{line}: cannot map: HTML")),
        "{text}"
    );
    assert!(
        text.contains("round trip: 1 of 1 render back exactly; 1 could not be mapped"),
        "{text}"
    );
    // The article that maps is imported; the one that does not is not stored as a blob.
    assert!(dir.path().join("rules/ledgerly/LG204.yaml").exists());
    assert!(!dir.path().join("rules/ledgerly/LG101.yaml").exists());
}
