//! `triage check`: every finding about the rules and templates at once — the
//! lints ([`lint`]) on top of what loading finds, then every template rendered
//! for every valid code ([`templates`]). Presenting findings is [`crate::diag`]'s.

pub mod config;
pub mod lint;
pub mod templates;
pub mod undefined;

use crate::Error;
use crate::diag::{Finding, Sources};
use crate::render::TemplateSource;
use crate::rules::{RuleSource, Selection, pipeline};

/// Everything `check` found, with the files it read.
#[derive(Debug)]
pub struct Report {
    pub sources: Sources,
    pub findings: Vec<Finding>,
    pub codes: usize,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.findings.iter().filter(|f| f.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.findings.len() - self.errors()
    }

    /// 0 when there is no error (warnings allowed), 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        i32::from(self.errors() > 0)
    }
}

/// Loads all rules (phase 1: parse with spans), validates and lints them
/// (phase 2), then renders every template for every valid code (phase 3).
/// Only I/O problems and unreadable files are errors; the rest are findings.
pub fn check(rules: &RuleSource, templates: &TemplateSource) -> Result<Report, Error> {
    check_with(rules, templates, &config::Deny::default())
}

/// [`check`] with lint levels from the command line (`--deny`) over those
/// of the rule base's `triage.yaml`.
pub fn check_with(
    rules: &RuleSource,
    templates: &TemplateSource,
    deny: &config::Deny,
) -> Result<Report, Error> {
    let listing = crate::rules::load::list(rules, &Selection::All)?;
    let mut run = templates::Run::new(templates)?;
    // Each batch of integrations' templates rendered as soon as it is
    // validated, and its models dropped: the rule base is never held whole.
    let mut codes = 0;
    let loaded = pipeline::load_each(listing, &lint::Lints, &mut |batch| {
        codes += batch
            .integrations
            .iter()
            .map(|i| i.codes.len())
            .sum::<usize>();
        run.integrations(batch.integrations);
        Vec::new()
    });
    let mut findings = loaded.lints;
    findings.extend(loaded.findings);
    let mut sources = loaded.base.sources;
    findings.extend(run.finish(&mut sources));
    let (levels, config_findings) = config::Levels::read(rules, deny, &mut sources);
    findings.extend(config_findings);
    let findings = levels.apply(findings);
    let mut findings = findings;
    findings.sort_by_key(|f| {
        f.primary
            .as_ref()
            .map(|l| (l.span.file, l.span.range.start))
    });
    Ok(Report {
        codes,
        sources,
        findings,
    })
}

/// The opening line of a human report: what is checked, named once, so a
/// writer sees at once whether it is the folder being edited.
pub fn heading(rules: &RuleSource, templates: &TemplateSource, files: usize) -> String {
    let plural = if files == 1 { "" } else { "s" };
    format!(
        "checking {} ({files} file{plural})\n",
        sources_named(rules, templates)
    )
}

/// The rules and templates a command reads, as a writer names them:
/// `rules/ and templates/`, `the embedded rules and templates`.
pub fn sources_named(rules: &RuleSource, templates: &TemplateSource) -> String {
    let named = rules_named(rules);
    match (rules, templates) {
        (RuleSource::Memory(_), _) => named,
        (RuleSource::Embedded, TemplateSource::Embedded) => format!("{named} and templates"),
        (RuleSource::Dir(_), TemplateSource::Dir(t)) => format!("{named} and {}", folder(t)),
        (RuleSource::Embedded, TemplateSource::Dir(t)) => format!("{named} with {}", folder(t)),
        (RuleSource::Dir(_), TemplateSource::Embedded) => {
            format!("{named} with the embedded templates")
        }
    }
}

/// The rules alone, named as [`sources_named`] names them: `rules/`,
/// `the embedded rules`.
pub fn rules_named(rules: &RuleSource) -> String {
    match rules {
        RuleSource::Dir(r) => folder(r),
        RuleSource::Embedded => "the embedded rules".to_string(),
        RuleSource::Memory(_) => "the rules given".to_string(),
    }
}

/// A folder as a writer types it, with its trailing `/`.
fn folder(path: &std::path::Path) -> String {
    let shown = path.display().to_string();
    if shown.ends_with('/') {
        shown
    } else {
        format!("{shown}/")
    }
}

/// The closing line of a human report.
pub fn summary(report: &Report) -> String {
    let (errors, warnings) = (report.errors(), report.warnings());
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let files = plural(report.sources.files().len(), "file");
    if errors + warnings == 0 {
        let codes = plural(report.codes, "code");
        return format!("ok: {codes} in {files} checked, no findings\n");
    }
    format!(
        "{}: {}, {} in {files}\n",
        if errors > 0 { "failed" } else { "ok" },
        plural(errors, "error"),
        plural(warnings, "warning"),
    )
}
