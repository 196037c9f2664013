//! Lints run by `triage check` beside validation, on the parsed files:
//! unused definitions and logic (R4xx), article conventions (R6xx).
//!
//! Some need the whole rule base (a signal is unused only if no code reads
//! it), so other commands, which may load one code, do not run them. Those
//! work from [`CodeFacts`], a few names kept per code, so that each code's
//! parsed YAML can be dropped as soon as it is checked.

use std::collections::{BTreeSet, HashSet};

use serde_saphyr::Spanned;

use crate::diag::Code;
use crate::diag::Finding;
use crate::diag::{FileId, Sources, Span};
use crate::engine::{self, Observations, Value};
use crate::rules::condition::{self, Condition};
use crate::rules::raw::{
    RawCause, RawCode, RawIntegration, RawProcedure, RawProcedureUse, SignalSource,
};
use crate::rules::validate::value_span;

mod ambiguous;
mod conventions;

pub use ambiguous::ambiguous_patterns;

/// The lints, as the loading pipeline runs them beside validation.
pub struct Lints;

impl crate::rules::pipeline::Lints for Lints {
    type Facts = CodeFacts;

    fn code(
        &self,
        sources: &Sources,
        file: FileId,
        raw: &RawCode,
        faq_case: crate::rules::raw::FaqCase,
    ) -> (Vec<Finding>, CodeFacts) {
        code(sources, file, raw, faq_case)
    }

    fn integration(
        &self,
        sources: &Sources,
        file: FileId,
        raw: &RawIntegration,
        codes: &[&CodeFacts],
        all_parsed: bool,
    ) -> Vec<Finding> {
        integration(sources, file, raw, codes, all_parsed)
    }

    fn rule_base(&self, codes: &[&CodeFacts]) -> Vec<Finding> {
        ambiguous_patterns(codes)
    }
}

/// The lint `text` names, or an R023 finding at `at`: unknown codes get the
/// nearest one; an error cannot be a lint.
pub fn check_lint_code(text: &str, at: Span, findings: &mut Vec<Finding>) -> Option<Code> {
    let shown = crate::util::text::printable(text, false);
    match Code::parse(text) {
        Some(code) if code.severity() == crate::diag::Severity::Warning => Some(code),
        Some(code) => {
            findings.push(
                Finding::new(Code::R023, format!("{code} is an error, not a lint"))
                    .at(at, "cannot be allowed or given a level")
                    .help("only warnings have levels; an error means the rules are broken: fix it"),
            );
            None
        }
        None => {
            let lints: Vec<&str> = Code::all()
                .iter()
                .filter(|c| c.severity() == crate::diag::Severity::Warning)
                .map(|c| c.as_str())
                .collect();
            findings.push(
                Finding::new(Code::R023, format!("`{shown}` is not a lint's code"))
                    .at(at, "unknown")
                    .help(
                        crate::diag::did_you_mean(text, lints.iter().copied())
                            .unwrap_or_else(|| format!("the lints are {}", lints.join(", "))),
                    ),
            );
            None
        }
    }
}

/// The sentences `triage new` writes for a writer to replace (its scaffold
/// uses these very words); R609 finds them until they are replaced.
pub const SCAFFOLD_PLACEHOLDERS: &[&str] = &[
    "Replace this sentence with what the error means.",
    "Replace this answer.",
    "Replace this step with the first action.",
    "in one sentence.",
];

#[allow(clippy::expect_used)]
fn scaffold_searcher() -> aho_corasick::AhoCorasick {
    aho_corasick::AhoCorasick::new(SCAFFOLD_PLACEHOLDERS).expect("constant sentences")
}

/// R609: each placeholder sentence left from the scaffold, where it is.
fn scaffold_placeholders(sources: &Sources, file: FileId, findings: &mut Vec<Finding>) {
    let text = &sources.get(file).text;
    // One pass over the file finds the lines worth looking at (searching
    // each line for each sentence was a twentieth of `check`).
    static ANY: std::sync::LazyLock<aho_corasick::AhoCorasick> =
        std::sync::LazyLock::new(scaffold_searcher);
    let mut lines: Vec<(usize, &str)> = Vec::new();
    for m in ANY.find_overlapping_iter(text) {
        let start = text[..m.start()].rfind('\n').map_or(0, |i| i + 1);
        if lines.last().is_some_and(|(s, _)| *s == start) {
            continue;
        }
        let end = text[m.start()..]
            .find('\n')
            .map_or(text.len(), |i| m.start() + i + 1);
        lines.push((start, &text[start..end]));
    }
    for (start, line) in lines {
        // Comments are the scaffold's notes to the writer, not article text.
        if line.trim_start().starts_with('#') {
            continue;
        }
        let Some((at, len)) = SCAFFOLD_PLACEHOLDERS.iter().find_map(|p| {
            let at = line.find(p)?;
            // "Describe cause 1 in one sentence.": from the sentence's start.
            let from = if *p == "in one sentence." {
                line[..at].rfind("Describe ")?
            } else {
                at
            };
            Some((from, at + p.len() - from))
        }) else {
            continue;
        };
        findings.push(
            Finding::new(
                Code::R609,
                "a placeholder sentence from `triage new` is still here",
            )
            .at(Span::new(file, start + at..start + at + len), "replace it")
            .help(
                "write the real sentence in its place; the article must not be published with it",
            ),
        );
    }
}

/// Is a heading in Title Case, as R602 reads it?
pub fn is_title_case(text: &str) -> bool {
    conventions::first_lowercase_word(text).is_none()
}

/// Above this many distinct signals in one cause, the contradiction check
/// (2^n assignments) is skipped.
const MAX_SIGNALS_FOR_CONTRADICTION: usize = 16;

/// What the lints across codes need from one code file, kept once its
/// parsed YAML is dropped.
#[derive(Debug)]
pub struct CodeFacts {
    /// Signal names its conditions mention.
    signals_read: Vec<String>,
    /// Procedure ids its `fix.procedures` lists.
    procedures_used: Vec<String>,
    messages: ambiguous::Entry,
}

/// The lints of one code file on its own, and the facts the others need.
pub fn code(
    sources: &Sources,
    file: FileId,
    code: &RawCode,
    faq_case: crate::rules::raw::FaqCase,
) -> (Vec<Finding>, CodeFacts) {
    let mut lint = Lint {
        sources,
        findings: Vec::new(),
    };
    lint.code(file, code, faq_case);
    scaffold_placeholders(sources, file, &mut lint.findings);
    let facts = CodeFacts {
        signals_read: code
            .causes
            .iter()
            .flat_map(conditions)
            .flat_map(|c| names_in(&c.value))
            .map(str::to_string)
            .collect(),
        procedures_used: uses(code).map(str::to_string).collect(),
        messages: ambiguous::Entry::new(sources, file, code),
    };
    (lint.findings, facts)
}

/// The lints of an integration file: unused signals and shared procedures
/// (only when every file parsed: one that did not may be the one that uses
/// a definition), and its procedures' conventions.
pub fn integration(
    sources: &Sources,
    file: FileId,
    raw: &RawIntegration,
    codes: &[&CodeFacts],
    all_parsed: bool,
) -> Vec<Finding> {
    let mut lint = Lint {
        sources,
        findings: Vec::new(),
    };
    if all_parsed {
        lint.unused_signals(file, raw, codes);
        lint.unused_shared_procedures(file, raw, codes);
    }
    conventions::procedures(&mut lint, file, &raw.procedures);
    conventions::snippets(&mut lint, file, &raw.snippets);
    lint.draft_questions(file, raw);
    let allowed = lint.allowed(file, raw);
    // A finding about a signal whose `allow:` names its code is silenced.
    lint.findings.retain(|f| {
        !f.primary
            .as_ref()
            .is_some_and(|p| allowed.contains(&(p.span.range.clone(), f.code)))
    });
    lint.findings
}

struct Lint<'a> {
    sources: &'a Sources,
    findings: Vec<Finding>,
}

/// The signal names a condition mentions, even if it does not parse.
fn names_in(condition: &str) -> impl Iterator<Item = &str> {
    condition
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty() && !matches!(*w, "and" | "or" | "not"))
}

fn conditions(cause: &RawCause) -> impl Iterator<Item = &Spanned<String>> {
    std::iter::once(&cause.when).chain(cause.unless.iter())
}

/// The procedure id a `fix.procedures` entry names.
fn used_id(entry: &RawProcedureUse) -> &str {
    match entry {
        RawProcedureUse::Id(id) => id,
        RawProcedureUse::Detailed(o) => &o.use_,
    }
}

fn uses(code: &RawCode) -> impl Iterator<Item = &str> {
    code.fix
        .iter()
        .flat_map(|f| &f.procedures)
        .map(|p| used_id(&p.value))
}

impl Lint<'_> {
    fn span<T>(&self, file: FileId, spanned: &Spanned<T>) -> Span {
        value_span(self.sources, file, spanned)
    }

    /// R608: a question drafted by `triage import`, not yet read by a writer.
    fn draft_questions(&mut self, file: FileId, raw: &RawIntegration) {
        for signal in raw.signals.iter().filter(|s| s.draft) {
            self.findings.push(
                Finding::new(
                    Code::R608,
                    format!("the question of signal `{}` is a draft", signal.id.value),
                )
                .at(self.span(file, &signal.id), "drafted from its cause")
                .help("read the question as an admin would be asked it, edit it, then remove `draft: true`"),
            );
        }
    }

    /// Each signal's `allow:` entries, checked: (the signal id's range, the lint).
    fn allowed(
        &mut self,
        file: FileId,
        raw: &RawIntegration,
    ) -> Vec<(std::ops::Range<usize>, Code)> {
        let mut out = Vec::new();
        for signal in &raw.signals {
            for allow in &signal.allow {
                let at = self.span(file, &allow.lint);
                let Some(code) = check_lint_code(&allow.lint.value, at, &mut self.findings) else {
                    continue;
                };
                if allow.reason.value.trim().is_empty() {
                    self.findings.push(
                        Finding::new(Code::R023, format!("`allow: {code}` gives no reason"))
                            .at(self.span(file, &allow.reason), "empty")
                            .help("say why the lint does not apply here, for the next writer"),
                    );
                    continue;
                }
                out.push((self.span(file, &signal.id).range, code));
            }
        }
        out
    }

    fn unused_signals(&mut self, file: FileId, raw: &RawIntegration, codes: &[&CodeFacts]) {
        let read: HashSet<&str> = codes
            .iter()
            .flat_map(|c| &c.signals_read)
            .map(String::as_str)
            .collect();
        for signal in &raw.signals {
            if read.contains(signal.id.value.as_str()) {
                continue;
            }
            let help = match signal.source {
                SignalSource::Probe => {
                    "the probe observes it but no diagnosis uses it: read it in a cause's `when:` or `unless:`, or remove it"
                }
                SignalSource::Person => {
                    "read it in a cause's `when:` or `unless:`, or remove it so nobody is asked about it"
                }
            };
            self.findings.push(
                Finding::new(
                    Code::R401,
                    format!("signal `{}` is not read by any cause", signal.id.value),
                )
                .at(self.span(file, &signal.id), "defined here, never read")
                .help(help),
            );
        }
    }

    fn unused_shared_procedures(
        &mut self,
        file: FileId,
        raw: &RawIntegration,
        codes: &[&CodeFacts],
    ) {
        let used: HashSet<&str> = codes
            .iter()
            .flat_map(|c| &c.procedures_used)
            .map(String::as_str)
            .collect();
        self.unused_procedures(
            file,
            &raw.procedures,
            &used,
            "no code's `fix.procedures` lists it",
        );
    }

    fn unused_procedures(
        &mut self,
        file: FileId,
        procedures: &[RawProcedure],
        used: &HashSet<&str>,
        why: &str,
    ) {
        for p in procedures {
            if !used.contains(p.id.value.as_str()) {
                self.findings.push(
                    Finding::new(
                        Code::R402,
                        format!("procedure `{}` is never used", p.id.value),
                    )
                    .at(self.span(file, &p.id), why)
                    .help("list it under `fix.procedures`, or remove it"),
                );
            }
        }
    }

    fn code(&mut self, file: FileId, code: &RawCode, faq_case: crate::rules::raw::FaqCase) {
        let used: HashSet<&str> = uses(code).collect();
        self.unused_procedures(
            file,
            &code.procedures,
            &used,
            "this code's `fix.procedures` does not list it",
        );
        let mut seen: Vec<(String, &RawCause)> = Vec::new();
        for cause in &code.causes {
            if cause.fixes.is_empty() {
                self.findings.push(
                    Finding::new(Code::R405, format!("cause `{}` has no fix", cause.id.value))
                        .at(self.span(file, &cause.id), "this cause")
                        .help("name the procedures that address it in `fixes: [...]`"),
                );
            }
            let Some((when, unless)) = parsed(cause) else {
                continue;
            };
            self.contradiction(file, cause, &when, unless.as_ref());
            let key = format!(
                "{} unless {}",
                when.canonical(),
                unless
                    .as_ref()
                    .map(Condition::canonical)
                    .unwrap_or_default()
            );
            match seen.iter().find(|(k, _)| *k == key) {
                Some((_, first)) => self.findings.push(
                    Finding::new(
                        Code::R404,
                        format!(
                            "causes `{}` and `{}` have the same condition",
                            first.id.value, cause.id.value
                        ),
                    )
                    .at(self.span(file, &cause.when), "same condition")
                    .also(self.span(file, &first.when), "as this one")
                    .help("a diagnosis cannot tell them apart: merge the causes, or add the signal that distinguishes them"),
                ),
                None => seen.push((key, cause)),
            }
        }
        conventions::code(self, file, code, faq_case);
    }

    /// A cause that no combination of signal values confirms.
    fn contradiction(
        &mut self,
        file: FileId,
        cause: &RawCause,
        when: &Condition,
        unless: Option<&Condition>,
    ) {
        let names: BTreeSet<&str> = when
            .signals()
            .into_iter()
            .chain(unless.iter().flat_map(|u| u.signals()))
            .map(|(n, _)| n)
            .collect();
        if names.len() > MAX_SIGNALS_FOR_CONTRADICTION {
            return;
        }
        let names: Vec<&str> = names.into_iter().collect();
        let (mut when_possible, mut confirmable) = (false, false);
        for bits in 0u32..(1 << names.len()) {
            let mut obs = Observations::default();
            for (i, name) in names.iter().enumerate() {
                let v = if bits & (1 << i) != 0 {
                    Value::Yes
                } else {
                    Value::No
                };
                obs.set(*name, v);
            }
            if engine::evaluate(when, &obs).0 == Value::Yes {
                when_possible = true;
                if unless.is_none_or(|u| engine::evaluate(u, &obs).0 != Value::Yes) {
                    confirmable = true;
                    break;
                }
            }
        }
        if confirmable {
            return;
        }
        let finding = match (&cause.unless, when_possible) {
            (Some(u), true) => Finding::new(
                Code::R403,
                format!(
                    "cause `{}` can never be confirmed: `unless` holds whenever `when` does",
                    cause.id.value
                ),
            )
            .at(self.span(file, u), "always true when `when` is")
            .also(self.span(file, &cause.when), "when")
            .help("`unless` should name what rules the cause out, not a signal `when` requires"),
            _ => Finding::new(
                Code::R403,
                format!(
                    "the condition of cause `{}` can never be true",
                    cause.id.value
                ),
            )
            .at(
                self.span(file, &cause.when),
                "false whatever the signals say",
            )
            .help("a signal and its negation cannot both hold (`x and not x`); fix the condition"),
        };
        self.findings.push(finding);
    }
}

/// The cause's conditions, if both parse (validation reports those that do not).
fn parsed(cause: &RawCause) -> Option<(Condition, Option<Condition>)> {
    let when = condition::parse(&cause.when.value).ok()?;
    let unless = match &cause.unless {
        Some(u) => Some(condition::parse(&u.value).ok()?),
        None => None,
    };
    Some((when, unless))
}
