//! The NS0109 article, read as text, says exactly what the published seed says.

use triage::render::{Renderer, TemplateSource};
use triage::rules::{RuleBase, RuleSource, Selection};

const SEED: &str = include_str!("fixtures/seed/NS0109-Sync-Error.txt");

/// The seed's article lines: without the title strip before the H1 and the
/// site's closing "Didn't find what you were looking for?" block.
fn seed_lines() -> Vec<String> {
    let lines: Vec<String> = SEED
        .lines()
        .map(|l| l.trim().trim_start_matches("• ").to_string())
        .filter(|l| !l.is_empty())
        .collect();
    let end = lines
        .iter()
        .position(|l| l == "Didn't find what you were looking for?")
        .expect("seed has its closing block");
    lines[1..end].to_vec()
}

fn article_lines(md: &str) -> Vec<String> {
    triage::util::text::markdown_to_text(md)
        .lines()
        .map(|l| l.trim().trim_start_matches("• ").to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

fn render_help(code: &str) -> String {
    let (base, findings) = RuleBase::load(&RuleSource::Embedded, &Selection::All).unwrap();
    assert!(findings.iter().all(|f| !f.is_error()), "{findings:?}");
    let (integration, code) = base.code(code).unwrap();
    Renderer::new(&TemplateSource::Embedded)
        .unwrap()
        .help(integration, code)
        .unwrap()
}

#[test]
fn ns0109_equals_the_seed_line_for_line() {
    let seed = seed_lines();
    let ours = article_lines(&render_help("NS0109"));
    for (i, (a, b)) in seed.iter().zip(&ours).enumerate() {
        assert_eq!(a, b, "line {} differs", i + 1);
    }
    assert_eq!(
        seed.len(),
        ours.len(),
        "seed has {} lines, article {}",
        seed.len(),
        ours.len()
    );
}

#[test]
fn ns0109_has_front_matter_and_site_markup() {
    let md = render_help("NS0109");
    assert!(md.starts_with("---\ntitle: NS0109 Sync Error in NetSuite Integration\n"));
    for key in [
        "description: ",
        "keywords: ",
        "internalScope: ",
        "displayTitle: \"NS0109 Sync Error: ",
    ] {
        assert!(md.contains(&format!("\n{key}")), "missing {key}");
    }
    assert!(md.contains("\n# NS0109 Sync Error in NetSuite Integration\n"));
    assert!(md.contains("\n## Why the NS0109 Sync Error Happens in NetSuite\n"));
    assert!(md.contains("\n### Retry the Sync\n\n1. Go to **Settings > Workspaces**.\n"));
    assert!(md.contains("\n# FAQ\n\n## Does the NS0109 Sync Error Affect All Exports?\n"));
}

/// The fixture copy is the published seed (when the shared folder is beside the checkout).
#[test]
fn seed_fixture_matches_shared_seed() {
    let shared = support_path("../shared/seed/NS0109-Sync-Error.txt");
    if let Ok(text) = std::fs::read_to_string(shared) {
        assert_eq!(text, SEED);
    }
}

fn support_path(rel: &str) -> std::path::PathBuf {
    crate::support::manifest_dir().join(rel)
}
