//! Raw rule files → the validated model, with a finding for every problem.
//! It never stops at the first problem: what is broken is skipped and reported.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use serde_saphyr::Spanned;

use super::ids;
use super::pattern::{Checked, Checker, Pattern};
use super::raw::{
    RawCause, RawCode, RawIntegration, RawProcedure, RawProcedureUse, RawSnippet, RawStep,
};
use super::{
    Body, Cause, Code, Condition, Escalation, Faq, FrontMatter, Index, Integration, Kind,
    Procedure, Signal, Step, VariantBody, Why,
};
use crate::finding::{Finding, did_you_mean};
use crate::probe::ClassificationTable;
use crate::source::{FileId, Sources, Span};

/// Validates one integration's files, or one code of it, collecting findings.
/// The pipeline ([`super::pipeline`]) runs one per code, on several threads.
pub struct Validator<'a> {
    sources: &'a Sources,
    pub findings: Vec<Finding>,
    checker: &'a Checker,
}

/// What a code file may refer to in its integration.
pub struct Shared<'a> {
    file: FileId,
    name: &'a str,
    snippets: HashMap<&'a str, &'a RawSnippet>,
    signals: HashMap<&'a str, Span>,
    procedures: HashMap<&'a str, (FileId, &'a RawProcedure)>,
    raw: &'a RawIntegration,
}

/// Code id → where it was first defined, across integrations.
#[derive(Default)]
pub struct CodesSeen(HashMap<String, Span>);

impl CodesSeen {
    /// R101 when the code was already defined; otherwise remembers it.
    pub fn check(&mut self, code: &str, span: Span) -> Option<Finding> {
        let key = code.to_ascii_uppercase();
        match self.0.get(&key) {
            Some(first) => Some(
                Finding::error("R101", format!("code `{code}` is defined in two files"))
                    .at(span, "defined again here")
                    .also(first.clone(), "first defined here")
                    .help("keep one file per code"),
            ),
            None => {
                self.0.insert(key, span);
                None
            }
        }
    }
}

impl<'a> Validator<'a> {
    pub fn new(sources: &'a Sources, checker: &'a Checker) -> Self {
        Validator {
            sources,
            findings: Vec::new(),
            checker,
        }
    }

    fn push(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    /// R008: code files in a folder without an integration file.
    pub fn no_integration_file(dir: &str, first_code: FileId) -> Finding {
        Finding::error(
            "R008",
            format!("folder `{dir}` has code files but no integration.yaml"),
        )
        .at(Span::new(first_code, 0..0), "this code has no integration")
        .help("add integration.yaml with the integration's id, name, prefix and signals")
    }

    /// The integration file's own checks (R009, duplicate ids), and what its
    /// codes may refer to.
    pub fn prelude(&mut self, dir: &str, file: FileId, raw: &'a RawIntegration) -> Shared<'a> {
        self.id_shape(file, &raw.id, ids::Shape::Name, "integration");
        self.id_shape(file, &raw.prefix, ids::Shape::Prefix, "prefix");
        let markup = super::lint::markup::integration_texts(self.sources, file, raw);
        self.findings.extend(markup);
        if raw.id.value != dir {
            self.push(
                Finding::error(
                    "R009",
                    format!(
                        "integration id `{}` does not match its folder `{dir}`",
                        raw.id.value
                    ),
                )
                .at(Span::of(file, &raw.id), "declared here")
                .help(format!("rename the folder or set `id: {dir}`")),
            );
        }
        let signals = self.unique(file, raw.signals.iter().map(|s| &s.id), "R103", "signal");
        let mut procedures = HashMap::new();
        for (id, span) in self.unique(
            file,
            raw.procedures.iter().map(|p| &p.id),
            "R104",
            "procedure",
        ) {
            if let Some(p) = raw.procedures.iter().find(|p| p.id.value == id) {
                procedures.insert(id, (span.file, p));
            }
        }
        let snippet_ids = self.unique(file, raw.snippets.iter().map(|s| &s.id), "R106", "snippet");
        let snippets = raw
            .snippets
            .iter()
            .filter(|s| snippet_ids.contains_key(s.id.value.as_str()))
            .map(|s| (s.id.value.as_str(), s))
            .collect();
        Shared {
            file,
            name: &raw.name,
            snippets,
            signals,
            procedures,
            raw,
        }
    }

    /// The integration's probe table (R208 for unknown signals) and model,
    /// with its valid codes (sorted by id).
    pub fn finish(&mut self, shared: &Shared, mut codes: Vec<Code>) -> Integration {
        let raw = shared.raw;
        codes.sort_by(|a, b| a.code.cmp(&b.code));
        // In file order, so that a did-you-mean between equally near names is stable.
        let vocabulary: Vec<&str> = raw.signals.iter().map(|s| s.id.value.as_str()).collect();
        let probe = raw
            .probe
            .as_ref()
            .map(|table| self.probe_table(shared.file, table, &vocabulary));
        Integration {
            id: raw.id.value.clone(),
            name: raw.name.clone(),
            prefix: raw.prefix.value.clone(),
            signals: raw
                .signals
                .iter()
                .map(|s| Signal {
                    id: s.id.value.clone(),
                    question: s.question.clone(),
                    source: s.source,
                })
                .collect(),
            codes,
            index: raw.index.as_ref().map(|i| Index {
                title: i
                    .title
                    .clone()
                    .unwrap_or_else(|| format!("Common {} Errors", raw.name)),
                description: i.description.clone(),
                keywords: i.keywords.clone(),
                internal_scope: i.internal_scope.clone(),
                intro: i.intro.clone(),
                faq: i
                    .faq
                    .iter()
                    .map(|f| Faq {
                        question: f.question.value.clone(),
                        answer: f.answer.clone(),
                    })
                    .collect(),
            }),
            probe,
        }
    }

    /// The probe's classification table; every signal it names must be in the vocabulary.
    fn probe_table(
        &mut self,
        file: FileId,
        table: &ClassificationTable<Spanned<String>>,
        vocabulary: &[&str],
    ) -> ClassificationTable {
        for signal in table.signals() {
            if vocabulary.contains(&signal.value.as_str()) {
                continue;
            }
            let help =
                did_you_mean(&signal.value, vocabulary.iter().copied()).unwrap_or_else(|| {
                    "declare it under `signals:` with `source: probe` and a question".into()
                });
            self.push(
                Finding::error(
                    "R208",
                    format!("unknown signal `{}` in the probe table", signal.value),
                )
                .at(
                    self.value_span(file, signal),
                    "not in the integration's signals",
                )
                .help(help),
            );
        }
        table.map_signals(|s| s.value.clone())
    }

    /// Reports duplicate ids; returns the first definition of each.
    fn unique<'r>(
        &mut self,
        file: FileId,
        ids: impl Iterator<Item = &'r Spanned<String>>,
        code: &'static str,
        what: &str,
    ) -> HashMap<&'r str, Span> {
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for id in ids {
            self.id_shape(file, id, ids::Shape::Name, what);
            let span = Span::of(file, id);
            if let Some(first) = seen.get(id.value.as_str()) {
                self.push(
                    Finding::error(code, format!("{what} `{}` is defined twice", id.value))
                        .at(span, "defined again here")
                        .also(first.clone(), "first defined here")
                        .help(format!(
                            "give each {what} its own id, or remove one of them"
                        )),
                );
            } else {
                seen.insert(&id.value, span);
            }
        }
        seen
    }

    /// One code's model, or `None` when its rules have errors (reported).
    /// Duplicate codes across files are the caller's to find ([`CodesSeen`]).
    pub fn code(&mut self, shared: &Shared, file: FileId, raw: &RawCode) -> Option<Code> {
        let findings_before = self.findings.iter().filter(|f| f.is_error()).count();
        let code_span = Span::of(file, &raw.code);
        let code_id = raw.code.value.clone();
        self.id_shape(file, &raw.code, ids::Shape::Code, "code");

        let file_name = &self.sources.get(file).name;
        let stem = std::path::Path::new(file_name)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !stem.eq_ignore_ascii_case(&code_id) {
            self.push(
                Finding::error(
                    "R010",
                    format!(
                        "file `{stem}` holds code `{code_id}`: a code file is named after its code"
                    ),
                )
                .at(code_span.clone(), "this code")
                .help(format!(
                    "rename the file to {code_id}.yaml, or fix the code"
                )),
            );
        }
        let prefix = &shared.raw.prefix.value;
        if !code_id.starts_with(prefix.as_str()) {
            self.push(
                Finding::warning(
                    "R011",
                    format!(
                        "code `{code_id}` does not start with the integration prefix `{prefix}`"
                    ),
                )
                .at(code_span.clone(), "this code"),
            );
        }

        let kind = match Kind::parse(&raw.kind.value) {
            Some(k) => k,
            None => {
                let help = did_you_mean(&raw.kind.value, Kind::ALL.iter().map(|k| k.id()))
                    .unwrap_or_else(|| "use one of: sync, export, connection".into());
                self.push(
                    Finding::error("R007", format!("unknown kind `{}`", raw.kind.value))
                        .at(
                            self.value_span(file, &raw.kind),
                            "expected sync, export or connection",
                        )
                        .help(help),
                );
                Kind::Sync
            }
        };
        let vars = Vars {
            code: &code_id,
            kind,
            product: shared.name,
        };

        let patterns = self.patterns(file, raw);

        // Local procedures, checked against each other and the shared ones.
        let local = self.unique(
            file,
            raw.procedures.iter().map(|p| &p.id),
            "R104",
            "procedure",
        );
        for (id, span) in &local {
            if let Some((shared_file, p)) = shared.procedures.get(id) {
                self.push(
                    Finding::error(
                        "R104",
                        format!("procedure `{id}` is already defined by the integration"),
                    )
                    .at(span.clone(), "defined again here")
                    .also(Span::of(*shared_file, &p.id), "shared definition")
                    .help("use the shared procedure by id (with `use:` to change its title or lines), or rename this one"),
                );
            }
        }
        let lookup = |id: &str| -> Option<(FileId, &RawProcedure)> {
            raw.procedures
                .iter()
                .find(|p| p.id.value == id)
                .map(|p| (file, p))
                .or_else(|| shared.procedures.get(id).copied())
        };
        let known_procedures: Vec<&str> = raw
            .procedures
            .iter()
            .map(|p| p.id.value.as_str())
            .chain(shared.procedures.keys().copied())
            .collect();

        let mut procedures = Vec::new();
        // Ids listed and defined, even if the procedure itself has errors:
        // causes may name them without a second finding.
        let mut listed: Vec<&str> = Vec::new();
        for entry in &raw.fix.procedures {
            let (id, title, lead, closing) = match &entry.value {
                RawProcedureUse::Id(id) => (id, None, None, None),
                RawProcedureUse::Detailed(o) => (
                    &o.use_,
                    o.title.as_ref(),
                    o.lead.as_ref(),
                    o.closing.as_ref(),
                ),
            };
            let span = Span::of(file, entry);
            let Some((def_file, def)) = lookup(id) else {
                let help =
                    did_you_mean(id, known_procedures.iter().copied()).unwrap_or_else(|| {
                        "define it under `procedures:` in this file or in integration.yaml".into()
                    });
                self.push(
                    Finding::error("R202", format!("unknown procedure `{id}`"))
                        .at(span, "not defined here or in integration.yaml")
                        .help(help),
                );
                continue;
            };
            if listed.contains(&id.as_str()) {
                self.push(
                    Finding::error(
                        "R105",
                        format!("procedure `{id}` is listed twice in `fix.procedures`"),
                    )
                    .at(span, "listed again here")
                    .help("list each procedure once"),
                );
                continue;
            }
            listed.push(id);
            if let Some(p) = self.procedure(
                def_file,
                def,
                &vars,
                &shared.snippets,
                span,
                title,
                lead,
                closing,
            ) {
                procedures.push(p);
            }
        }

        let signal_ids: Vec<&str> = shared.signals.keys().copied().collect();
        let mut causes = Vec::new();
        // Only the duplicate findings matter here; causes are matched by position.
        self.unique(file, raw.causes.iter().map(|c| &c.id), "R102", "cause");
        for cause in &raw.causes {
            if let Some(c) = self.cause(file, cause, &signal_ids, &listed, &vars) {
                causes.push(c);
            }
        }

        let escalation = raw.escalation.as_ref().and_then(|use_| {
            let Some(base) = &shared.raw.escalation else {
                self.push(
                    Finding::error(
                        "R206",
                        "this code asks for an escalation block but integration.yaml defines none",
                    )
                    .at(code_span.clone(), "in this code")
                    .help("add `escalation:` to integration.yaml, or remove it here"),
                );
                return None;
            };
            let include = use_
                .include
                .clone()
                .or_else(|| base.include.get(kind.id()).cloned());
            let Some(include) = include else {
                self.push(
                    Finding::error(
                        "R206",
                        format!(
                            "integration.yaml's escalation has no `include` list for kind `{}`",
                            kind.id()
                        ),
                    )
                    .at(code_span.clone(), "in this code")
                    .help(format!(
                        "add `{}:` under `escalation.include`, or give this code its own `include`",
                        kind.id()
                    )),
                );
                return None;
            };
            Some(Escalation {
                title: self.text(
                    use_.title.as_ref().unwrap_or(&base.title),
                    &vars,
                    &code_span,
                )?,
                lead: self.text(use_.lead.as_ref().unwrap_or(&base.lead), &vars, &code_span)?,
                include: include
                    .iter()
                    .map(|i| self.text(i, &vars, &code_span))
                    .collect::<Option<_>>()?,
                closing: match use_.closing.as_ref().or(base.closing.as_ref()) {
                    Some(c) => Some(self.text(c, &vars, &code_span)?),
                    None => None,
                },
            })
        });

        let fm = &raw.front_matter;
        // Placeholders work in every text of the article; an unknown one is
        // a finding (and the code is dropped below), never a blank.
        let mut t = |s: &str| {
            self.text(s, &vars, &code_span)
                .unwrap_or_else(|| s.to_string())
        };
        let front_matter = FrontMatter {
            title: match &fm.title {
                Some(title) => t(title),
                None => format!(
                    "{code_id} {} Error in {} Integration",
                    kind.title(),
                    shared.name
                ),
            },
            description: t(&fm.description.value),
            keywords: t(&fm.keywords.value),
            internal_scope: t(&fm.internal_scope.value),
            display_title: fm.display_title.as_deref().map(&mut t),
            order: fm.order,
        };
        let why = Why {
            heading: match &raw.why.heading {
                Some(heading) => t(heading),
                None => format!(
                    "Why the {code_id} {} Error Happens in {}",
                    kind.title(),
                    shared.name
                ),
            },
            lead: t(&raw.why.lead),
            intro: t(&raw.why.intro),
            closing: raw.why.closing.iter().map(|c| t(c)).collect(),
            issue_kind: t(&raw.why.issue_kind),
        };
        let faq: Vec<Faq> = raw
            .faq
            .iter()
            .map(|f| Faq {
                question: t(&f.question.value),
                answer: t(&f.answer),
            })
            .collect();
        let meaning: Vec<String> = raw.meaning.iter().map(|m| t(m)).collect();
        let summary = raw.summary.as_deref().map(&mut t);
        let fix_heading = raw.fix.heading.as_deref().map(&mut t);
        let fix_lead = t(&raw.fix.lead);

        let errors_now = self.findings.iter().filter(|f| f.is_error()).count();
        if errors_now > findings_before {
            return None;
        }
        Some(Code {
            code: code_id,
            kind,
            message: raw.message.value.clone(),
            patterns,
            summary: summary.unwrap_or_else(|| {
                procedures
                    .first()
                    .map_or_else(String::new, |p: &Procedure| format!("{}.", p.title))
            }),
            front_matter,
            meaning,
            why,
            causes,
            fix_heading: fix_heading.unwrap_or_else(|| {
                format!("How to Fix the {} {} Error", raw.code.value, kind.title())
            }),
            fix_lead,
            procedures,
            escalation,
            faq,
            span: code_span,
        })
    }

    fn patterns(&mut self, file: FileId, raw: &RawCode) -> Vec<Pattern> {
        let normalized = crate::recognize::normalize(&raw.message.value);
        let mut out = Vec::new();
        let mut matched = false;
        for pattern in &raw.patterns {
            match self.checker.check(&pattern.value, &normalized) {
                Checked::Builds { matches } => {
                    matched |= matches;
                    out.push(Pattern::new(pattern.value.clone()));
                }
                Checked::Error(detail) => {
                    let last = detail
                        .lines()
                        .last()
                        .unwrap_or("invalid pattern")
                        .trim()
                        .to_string();
                    self.push(
                        Finding::error("R301", format!("pattern does not compile: {last}"))
                            .at(self.value_span(file, pattern), "this pattern")
                            .help("patterns are Rust regular expressions; escape `.`, `(` and `?` with `\\`"),
                    );
                }
            }
        }
        if !out.is_empty() && !matched {
            self.push(
                Finding::error(
                    "R302",
                    "the exact message is not matched by any of the code's patterns",
                )
                .at(self.value_span(file, &raw.message), "this message")
                .help("fix the patterns so at least one matches the message as written"),
            );
        }
        out
    }

    fn cause(
        &mut self,
        file: FileId,
        raw: &RawCause,
        signals: &[&str],
        procedures: &[&str],
        vars: &Vars,
    ) -> Option<Cause> {
        let text = self.text(&raw.text, vars, &Span::of(file, &raw.id))?;
        let when = self.condition(file, &raw.when, signals);
        let unless = match &raw.unless {
            Some(u) => Some(self.condition(file, u, signals)?),
            None => None,
        };
        let mut fixes = Vec::new();
        for fix in &raw.fixes {
            if procedures.contains(&fix.value.as_str()) {
                fixes.push(fix.value.clone());
            } else {
                let help = did_you_mean(&fix.value, procedures.iter().copied())
                    .unwrap_or_else(|| "a cause's fixes must be listed in `fix.procedures`".into());
                self.push(
                    Finding::error(
                        "R202",
                        format!("cause `{}` names procedure `{}`, which is not in this article's `fix.procedures`", raw.id.value, fix.value),
                    )
                    .at(self.value_span(file, fix), "unknown here")
                    .help(help),
                );
            }
        }
        Some(Cause {
            id: raw.id.value.clone(),
            text,
            when: when?,
            unless,
            fixes,
            priority: raw.priority,
        })
    }

    /// Parses a condition; unknown signals are reported at their exact column.
    fn condition(
        &mut self,
        file: FileId,
        text: &Spanned<String>,
        signals: &[&str],
    ) -> Option<Condition> {
        let base = self.value_span(file, text);
        let at = |r: std::ops::Range<usize>| {
            Span::new(file, base.range.start + r.start..base.range.start + r.end)
        };
        match super::condition::parse(&text.value) {
            Err(e) => {
                self.push(
                    Finding::error("R204", format!("condition does not parse: {}", e.message))
                        .at(at(e.range), "here")
                        .help("write signal ids joined by `and`, `or`, `not` and parentheses"),
                );
                None
            }
            Ok(cond) => {
                let mut ok = true;
                for (name, range) in cond.signals() {
                    if !signals.contains(&name) {
                        ok = false;
                        let help =
                            did_you_mean(name, signals.iter().copied()).unwrap_or_else(|| {
                                "declare the signal under `signals:` in integration.yaml".into()
                            });
                        self.push(
                            Finding::error("R201", format!("unknown signal `{name}`"))
                                .at(at(range), "not in the integration's signals")
                                .help(help),
                        );
                    }
                }
                ok.then_some(cond)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn procedure(
        &mut self,
        file: FileId,
        raw: &RawProcedure,
        vars: &Vars,
        snippets: &HashMap<&str, &RawSnippet>,
        use_span: Span,
        title: Option<&String>,
        lead: Option<&String>,
        closing: Option<&String>,
    ) -> Option<Procedure> {
        let def_span = Span::of(file, &raw.id);
        let bodies = [
            raw.steps.is_some(),
            raw.bullets.is_some(),
            raw.paragraphs.is_some(),
        ];
        if bodies.iter().filter(|b| **b).count() != 1 {
            self.push(
                Finding::error(
                    "R012",
                    format!(
                        "procedure `{}` needs exactly one of `steps`, `bullets` or `paragraphs`",
                        raw.id.value
                    ),
                )
                .at(def_span, "this procedure"),
            );
            return None;
        }
        let words: Vec<(Option<&str>, &BTreeMap<String, String>)> = if raw.variants.is_empty() {
            static NONE: BTreeMap<String, String> = BTreeMap::new();
            vec![(None, &NONE)]
        } else {
            raw.variants
                .iter()
                .map(|v| (Some(v.label.as_str()), &v.words))
                .collect()
        };
        let mut variants = Vec::new();
        for (label, words) in words {
            let sub = |v: &mut Self, s: &String, span: &Span| v.text_with(s, vars, words, span);
            let steps = |v: &mut Self, steps: &Vec<Spanned<RawStep>>| -> Option<Vec<Step>> {
                steps
                    .iter()
                    .map(|s| {
                        let span = v.value_span(file, s);
                        match &s.value {
                            RawStep::Text(t) => Some(Step {
                                text: sub(v, t, &span)?,
                                bullets: Vec::new(),
                            }),
                            RawStep::Nested { text, bullets } => Some(Step {
                                text: sub(v, text, &span)?,
                                bullets: bullets
                                    .iter()
                                    .map(|b| sub(v, b, &span))
                                    .collect::<Option<_>>()?,
                            }),
                            RawStep::Use { use_ } => match snippets.get(use_.as_str()) {
                                Some(snippet) => Some(Step {
                                    text: sub(v, &snippet.text, &span)?,
                                    bullets: snippet
                                        .bullets
                                        .iter()
                                        .map(|b| sub(v, b, &span))
                                        .collect::<Option<_>>()?,
                                }),
                                None => {
                                    let help = did_you_mean(use_, snippets.keys().copied())
                                        .unwrap_or_else(|| {
                                            "define it under `snippets:` in integration.yaml".into()
                                        });
                                    v.push(
                                        Finding::error("R207", format!("unknown snippet `{use_}`"))
                                            .at(span.clone(), "used here")
                                            .help(help),
                                    );
                                    None
                                }
                            },
                        }
                    })
                    .collect()
            };
            let body = if let Some(s) = &raw.steps {
                Body::Steps(steps(self, s)?)
            } else if let Some(b) = &raw.bullets {
                Body::Bullets(steps(self, b)?)
            } else {
                let paragraphs = raw.paragraphs.as_deref().unwrap_or_default();
                Body::Paragraphs(
                    paragraphs
                        .iter()
                        .map(|p| sub(self, p, &def_span))
                        .collect::<Option<_>>()?,
                )
            };
            variants.push(VariantBody {
                label: label.map(str::to_string),
                body,
            });
        }
        let opt = |v: &mut Self, s: Option<&String>| -> Option<Option<String>> {
            match s {
                Some(s) => Some(Some(v.text(s, vars, &use_span)?)),
                None => Some(None),
            }
        };
        Some(Procedure {
            id: raw.id.value.clone(),
            title: self.text(title.unwrap_or(&raw.title), vars, &use_span)?,
            lead: opt(self, lead.or(raw.lead.as_ref()))?,
            variants,
            closing: opt(self, closing.or(raw.closing.as_ref()))?,
        })
    }

    fn text(&mut self, text: &str, vars: &Vars, span: &Span) -> Option<String> {
        static NONE: BTreeMap<String, String> = BTreeMap::new();
        self.text_with(text, vars, &NONE, span)
    }

    /// Replaces `${name}` placeholders; an unknown name is a finding.
    fn text_with(
        &mut self,
        text: &str,
        vars: &Vars,
        words: &BTreeMap<String, String>,
        span: &Span,
    ) -> Option<String> {
        let markup = super::lint::markup::findings(self.sources, span, text);
        self.findings.extend(markup);
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                self.push(
                    Finding::error("R203", "unclosed placeholder `${`")
                        .at(span.clone(), "in text used here")
                        .help("write placeholders as `${name}`"),
                );
                return None;
            };
            let name = &after[..end];
            let offset = text.len() - rest.len() + start;
            let at = super::locate::locate(self.sources, span, text, offset..offset + end + 3);
            let value = words.get(name).map(String::as_str).or(vars.get(name));
            match value {
                Some(v) => out.push_str(v),
                None => {
                    let known: Vec<&str> = words
                        .keys()
                        .map(String::as_str)
                        .chain(Vars::NAMES)
                        .collect();
                    let help = did_you_mean(name, known.iter().copied()).unwrap_or_else(|| {
                        format!("known placeholders here: {}", known.join(", "))
                    });
                    self.push(
                        Finding::error("R203", format!("unknown placeholder `${{{name}}}`"))
                            .at(at, "not a known placeholder")
                            .help(help),
                    );
                    return None;
                }
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Some(out)
    }

    /// R013 when an id is not of its shape ([`ids`]).
    fn id_shape(&mut self, file: FileId, id: &Spanned<String>, shape: ids::Shape, what: &str) {
        let finding = ids::check(self.sources, file, id, shape, what);
        self.findings.extend(finding);
    }

    fn value_span<T>(&self, file: FileId, spanned: &Spanned<T>) -> Span {
        value_span(self.sources, file, spanned)
    }
}

/// The span of `range` inside a scalar whose text is `value` and whose span
/// is `whole`, when the file holds the value verbatim; otherwise `whole`
/// (a folded or escaped scalar does not map byte for byte).
pub fn span_within(sources: &Sources, whole: &Span, value: &str, range: Range<usize>) -> Span {
    let written = sources
        .get(whole.file)
        .text
        .get(whole.range.clone())
        .unwrap_or_default();
    match (written.get(range.clone()), value.get(range.clone())) {
        (Some(a), Some(b)) if a == b => Span::new(
            whole.file,
            whole.range.start + range.start..whole.range.start + range.end,
        ),
        _ => whole.clone(),
    }
}

/// The span of a scalar's text, past an opening quote.
pub fn value_span<T>(sources: &Sources, file: FileId, spanned: &Spanned<T>) -> Span {
    let mut span = Span::of(file, spanned);
    let text = &sources.get(file).text;
    if matches!(text.as_bytes().get(span.range.start), Some(b'"' | b'\'')) {
        span.range.start += 1;
        span.range.end = span.range.end.saturating_sub(1).max(span.range.start);
    }
    span
}

/// Values for `${code}`, `${kind}` and `${product}` in rule text.
struct Vars<'a> {
    code: &'a str,
    kind: Kind,
    product: &'a str,
}

impl Vars<'_> {
    const NAMES: [&'static str; 3] = ["code", "kind", "product"];

    fn get(&self, name: &str) -> Option<&str> {
        match name {
            "code" => Some(self.code),
            "kind" => Some(self.kind.id()),
            "product" => Some(self.product),
            _ => None,
        }
    }
}
