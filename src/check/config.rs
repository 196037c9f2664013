//! Lint levels: `rules/triage.yaml` (`lints: { R605: allow, R401: deny }`)
//! and `check --deny warnings` / `--deny R605` for CI. A level applies to
//! lints (warnings) only; an error always stays an error.

use std::collections::HashMap;

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::diag::{Code, FileId, Finding, Severity, Sources, Span};
use crate::rules::RuleSource;

/// The config file's name, beside the integration folders.
pub const FILE: &str = "triage.yaml";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Allow,
    Warn,
    Deny,
}

/// What `--deny` asks for on the command line.
#[derive(Debug, Clone, Default)]
pub struct Deny {
    /// `--deny warnings`: every lint is an error.
    pub warnings: bool,
    /// `--deny R605`: these lints are errors.
    pub lints: Vec<Code>,
}

/// The levels in force: the file's, then the command line's over them.
#[derive(Debug, Default)]
pub struct Levels {
    levels: Vec<(Code, Level)>,
    deny_warnings: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    lints: HashMap<Spanned<String>, Spanned<String>>,
}

impl Levels {
    /// Reads `triage.yaml` from a rules folder (none for embedded rules), adding it
    /// to `sources`; problems in it are findings.
    pub fn read(source: &RuleSource, deny: &Deny, sources: &mut Sources) -> (Levels, Vec<Finding>) {
        let mut levels = Levels {
            levels: Vec::new(),
            deny_warnings: deny.warnings,
        };
        let mut findings = Vec::new();
        if let RuleSource::Dir(dir) = source {
            let path = dir.join(FILE);
            if let Ok(text) = std::fs::read_to_string(&path) {
                let file = sources.add(path.display().to_string(), text);
                levels.file(sources, file, &mut findings);
            }
        }
        for code in &deny.lints {
            levels.levels.push((*code, Level::Deny));
        }
        (levels, findings)
    }

    fn file(&mut self, sources: &Sources, file: FileId, findings: &mut Vec<Finding>) {
        let raw: RawConfig = match crate::rules::load::parse(file, &sources.get(file).text) {
            Ok(raw) => raw,
            Err(finding) => return findings.push(*finding),
        };
        let mut entries: Vec<_> = raw.lints.into_iter().collect();
        entries.sort_by_key(|(k, _)| Span::of(file, k).range.start);
        for (lint, level) in entries {
            let at = crate::rules::validate::value_span(sources, file, &lint);
            let Some(code) = super::lint::check_lint_code(&lint.value, at, findings) else {
                continue;
            };
            let level = match level.value.trim() {
                "allow" => Level::Allow,
                "warn" => Level::Warn,
                "deny" => Level::Deny,
                other => {
                    let at = crate::rules::validate::value_span(sources, file, &level);
                    findings.push(
                        Finding::new(
                            Code::R023,
                            format!(
                                "`{}` is not a lint level",
                                crate::util::text::printable(other, false)
                            ),
                        )
                        .at(at, "unknown level")
                        .help("the levels are allow, warn and deny"),
                    );
                    continue;
                }
            };
            self.levels.push((code, level));
        }
    }

    /// The findings with the levels applied: allowed lints dropped, denied ones errors.
    pub fn apply(&self, findings: Vec<Finding>) -> Vec<Finding> {
        findings
            .into_iter()
            .filter_map(|mut f| {
                if f.severity == Severity::Error {
                    return Some(f);
                }
                let level = self
                    .levels
                    .iter()
                    .rev()
                    .find(|(c, _)| *c == f.code)
                    .map(|(_, l)| *l);
                match level {
                    Some(Level::Allow) => return None,
                    Some(Level::Deny) => f.severity = Severity::Error,
                    Some(Level::Warn) | None if self.deny_warnings => f.severity = Severity::Error,
                    Some(Level::Warn) | None => {}
                }
                Some(f)
            })
            .collect()
    }
}
