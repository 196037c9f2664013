//! Raw rule files → the validated model, with a finding for every problem.
//! It never stops at the first problem: what is broken is skipped and reported.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use serde_saphyr::Spanned;

mod blocks;
mod layout;
pub mod markup;

use blocks::BlockScope;

use super::ids;
use super::pattern::{Checked, Checker, Pattern};
use super::raw::{
    RawCause, RawCode, RawIntegration, RawProcedure, RawProcedureUse, RawSnippet, RawVariant,
};
use super::raw_block::RawBlocks;
use super::{
    Block, Cause, Code, Condition, Escalation, Faq, FrontMatter, Index, Integration, Kind, Layout,
    Placeholder, Procedure, Signal, Why,
};
use crate::diag;
use crate::diag::{FileId, Sources, Span};
use crate::diag::{Finding, did_you_mean};
use crate::rules::classify::ClassificationTable;

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
    variants: HashMap<&'a str, &'a RawVariant>,
    layout: Layout,
    raw: &'a RawIntegration,
}

impl Shared<'_> {
    /// The integration's house style.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }
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
                Finding::new(
                    diag::Code::R101,
                    format!("code `{code}` is defined in two files"),
                )
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
        Finding::new(
            diag::Code::R008,
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
        let markup = markup::integration_texts(self.sources, file, raw);
        self.findings.extend(markup);
        if raw.id.value != dir {
            self.push(
                Finding::new(
                    diag::Code::R009,
                    format!(
                        "integration id `{}` does not match its folder `{dir}`",
                        raw.id.value
                    ),
                )
                .at(Span::of(file, &raw.id), "declared here")
                .help(format!("rename the folder or set `id: {dir}`")),
            );
        }
        let signals = self.unique(
            file,
            raw.signals.iter().map(|s| &s.id),
            diag::Code::R103,
            "signal",
        );
        let mut procedures = HashMap::new();
        for (id, span) in self.unique(
            file,
            raw.procedures.iter().map(|p| &p.id),
            diag::Code::R104,
            "procedure",
        ) {
            if let Some(p) = raw.procedures.iter().find(|p| p.id.value == id) {
                procedures.insert(id, (span.file, p));
            }
        }
        let snippet_ids = self.unique(
            file,
            raw.snippets.iter().map(|s| &s.id),
            diag::Code::R106,
            "snippet",
        );
        let snippets = raw
            .snippets
            .iter()
            .filter(|s| snippet_ids.contains_key(s.id.value.as_str()))
            .map(|s| (s.id.value.as_str(), s))
            .collect();
        let variant_ids = self.unique(
            file,
            raw.variants.iter().map(|v| &v.id),
            diag::Code::R106,
            "variant",
        );
        let variants = raw
            .variants
            .iter()
            .filter(|v| variant_ids.contains_key(v.id.value.as_str()))
            .map(|v| (v.id.value.as_str(), v))
            .collect();
        for s in &raw.snippets {
            self.snippet_shape(file, s);
        }
        let layout = match &raw.layout {
            Some(l) => self.layout(file, &Layout::default(), l),
            None => Layout::default(),
        };
        Shared {
            file,
            name: &raw.name,
            snippets,
            signals,
            procedures,
            variants,
            layout,
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
                    .unwrap_or_else(|| format!("How to troubleshoot common {} errors", raw.name)),
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
                Finding::new(
                    diag::Code::R208,
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
        code: diag::Code,
        what: &str,
    ) -> HashMap<&'r str, Span> {
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for id in ids {
            self.id_shape(file, id, ids::Shape::Name, what);
            let span = Span::of(file, id);
            if let Some(first) = seen.get(id.value.as_str()) {
                self.push(
                    Finding::new(code, format!("{what} `{}` is defined twice", id.value))
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
                Finding::new(
                    diag::Code::R010,
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
                Finding::new(
                    diag::Code::R011,
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
                    Finding::new(
                        diag::Code::R007,
                        format!("unknown kind `{}`", raw.kind.value),
                    )
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
        let layout = match &raw.layout {
            Some(l) => self.layout(file, &shared.layout, l),
            None => shared.layout.clone(),
        };
        let placeholders = self.placeholders(file, raw);
        let patterns = self.patterns(file, raw, &placeholders);
        let (procedures, listed) = self.fix_procedures(shared, file, raw, &vars);

        let signal_ids: Vec<&str> = shared.signals.keys().copied().collect();
        let mut causes = Vec::new();
        // Only the duplicate findings matter here; causes are matched by position.
        self.unique(
            file,
            raw.causes.iter().map(|c| &c.id),
            diag::Code::R102,
            "cause",
        );
        for cause in &raw.causes {
            if let Some(c) = self.cause(file, cause, &signal_ids, &listed, &vars) {
                causes.push(c);
            }
        }
        let escalation = self.escalation(shared, raw, kind, &vars, &code_span);

        let no_words = BTreeMap::new();
        let cause_items: Vec<(String, Vec<String>)> = causes
            .iter()
            .map(|c: &Cause| (c.id.clone(), c.items.clone()))
            .collect();
        let scope = BlockScope {
            file,
            shared_file: shared.file,
            vars: &vars,
            snippets: &shared.snippets,
            variants: &shared.variants,
            causes: None,
            words: &no_words,
        };
        let meaning = self.optional_blocks(raw.meaning.as_ref(), &scope, &code_span);
        let why = raw.why.as_ref().and_then(|w| {
            let heading = match &w.heading {
                Some(h) => self.text(h, &vars, &code_span)?,
                None => self.text(
                    layout_title(
                        &raw.layout,
                        &shared.raw.layout,
                        |l| &l.why_title,
                        super::layout::WHY_TITLE,
                    ),
                    &vars,
                    &code_span,
                )?,
            };
            let in_why = BlockScope {
                causes: Some(&cause_items),
                ..scope
            };
            let body = self.blocks(&w.body, &in_why, &code_span)?;
            if body
                .iter()
                .filter(|b| matches!(b, Block::Causes(_)))
                .count()
                > 1
            {
                self.push(
                    Finding::new(
                        diag::Code::R016,
                        "the cause list is printed twice in `why.body`",
                    )
                    .at(code_span.clone(), "in this code")
                    .help("keep one `causes` block; write other lists as `bullets`"),
                );
                return None;
            }
            Some(Why { heading, body })
        });
        let fix_lead = self.optional_blocks(
            raw.fix.as_ref().and_then(|f| f.lead.as_ref()),
            &scope,
            &code_span,
        );
        let fix_heading = match raw.fix.as_ref().and_then(|f| f.heading.as_ref()) {
            Some(h) => self.text(h, &vars, &code_span),
            None => self.text(
                layout_title(
                    &raw.layout,
                    &shared.raw.layout,
                    |l| &l.fix_title,
                    super::layout::FIX_TITLE,
                ),
                &vars,
                &code_span,
            ),
        };

        let fm = &raw.front_matter;
        // Placeholders work in every text of the article; an unknown one is
        // a finding (and the code is dropped below), never a blank.
        let mut t =
            |s: &str, span: &Span| self.text(s, &vars, span).unwrap_or_else(|| s.to_string());
        let title_template = fm.title.as_deref().unwrap_or_else(|| {
            layout_title(
                &raw.layout,
                &shared.raw.layout,
                |l| &l.title,
                super::layout::TITLE,
            )
        });
        let front_matter = FrontMatter {
            title: t(title_template, &code_span),
            description: t(&fm.description.value, &Span::of(file, &fm.description)),
            keywords: t(&fm.keywords.value, &Span::of(file, &fm.keywords)),
            internal_scope: t(
                &fm.internal_scope.value,
                &Span::of(file, &fm.internal_scope),
            ),
            display_title: fm.display_title.as_deref().map(|d| t(d, &code_span)),
            order: fm.order,
        };
        let faq: Vec<Faq> = raw
            .faq
            .iter()
            .map(|f| {
                let span = Span::of(file, &f.question);
                Faq {
                    question: t(&f.question.value, &span),
                    answer: t(&f.answer, &span),
                }
            })
            .collect();
        let summary = raw.summary.as_deref().map(|s| t(s, &code_span));

        self.heading_depth(&layout, &procedures, &code_span);
        let errors_now = self.findings.iter().filter(|f| f.is_error()).count();
        if errors_now > findings_before {
            return None;
        }
        Some(Code {
            code: code_id,
            kind,
            message: raw.message.value.clone(),
            placeholders,
            patterns,
            summary: summary.unwrap_or_else(|| {
                procedures
                    .first()
                    .map_or_else(String::new, |p: &Procedure| format!("{}.", p.name()))
            }),
            front_matter,
            layout,
            meaning: meaning?,
            why,
            causes,
            fix_heading: fix_heading?,
            fix_lead: fix_lead?,
            procedures,
            escalation,
            faq,
            span: code_span,
        })
    }

    /// R018 when a procedure's sub-sections or variant headings would need a
    /// level past 6 (Markdown has no `#######`).
    fn heading_depth(&mut self, layout: &Layout, procedures: &[Procedure], at: &Span) {
        fn depth(blocks: &[Block], headed_variants: bool) -> u8 {
            blocks
                .iter()
                .map(|b| match b {
                    Block::Section { body, .. } => 1 + depth(body, headed_variants),
                    Block::Variants(vs) => vs
                        .iter()
                        .map(|v| u8::from(headed_variants) + depth(&v.body, headed_variants))
                        .max()
                        .unwrap_or(0),
                    _ => 0,
                })
                .max()
                .unwrap_or(0)
        }
        let headed = layout.variant_label == super::raw::VariantLabel::Heading;
        for p in procedures {
            let level = layout.body_level(p.title.is_some()) + depth(&p.body, headed);
            if level > 6 {
                self.push(
                    Finding::new(
                        diag::Code::R018,
                        format!(
                            "procedure `{}` needs a heading of level {level} for its sub-sections",
                            p.id
                        ),
                    )
                    .at(at.clone(), "in this code")
                    .help("lower `procedure_level` in the layout, or nest fewer sections"),
                );
            }
        }
    }

    /// Blocks that may be left out: absent is empty, present must hold some.
    fn optional_blocks(
        &mut self,
        raw: Option<&RawBlocks>,
        scope: &BlockScope,
        owner: &Span,
    ) -> Option<Vec<Block>> {
        match raw {
            Some(raw) => self.blocks(raw, scope, owner),
            None => Some(Vec::new()),
        }
    }

    /// The procedures `fix.procedures` lists, in order, and the ids listed
    /// and defined (causes may name those even when the procedure has errors).
    fn fix_procedures<'r>(
        &mut self,
        shared: &Shared<'r>,
        file: FileId,
        raw: &'r RawCode,
        vars: &Vars,
    ) -> (Vec<Procedure>, Vec<&'r str>) {
        // Local procedures, checked against each other and the shared ones.
        let local = self.unique(
            file,
            raw.procedures.iter().map(|p| &p.id),
            diag::Code::R104,
            "procedure",
        );
        for (id, span) in &local {
            if let Some((shared_file, p)) = shared.procedures.get(id) {
                self.push(
                    Finding::new(
                        diag::Code::R104,
                        format!("procedure `{id}` is already defined by the integration"),
                    )
                    .at(span.clone(), "defined again here")
                    .also(Span::of(*shared_file, &p.id), "shared definition")
                    .help("use the shared procedure by id (with `use:` to change its title or add blocks), or rename this one"),
                );
            }
        }
        let lookup = |id: &str| -> Option<(FileId, &'r RawProcedure)> {
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
        let mut listed: Vec<&'r str> = Vec::new();
        let entries = raw
            .fix
            .as_ref()
            .map(|f| f.procedures.as_slice())
            .unwrap_or_default();
        for entry in entries {
            let id = match &entry.value {
                RawProcedureUse::Id(id) => id,
                RawProcedureUse::Detailed(o) => &o.use_,
            };
            let span = Span::of(file, entry);
            let Some((def_file, def)) = lookup(id) else {
                let help =
                    did_you_mean(id, known_procedures.iter().copied()).unwrap_or_else(|| {
                        "define it under `procedures:` in this file or in integration.yaml".into()
                    });
                self.push(
                    Finding::new(diag::Code::R202, format!("unknown procedure `{id}`"))
                        .at(span, "not defined here or in integration.yaml")
                        .help(help),
                );
                continue;
            };
            if listed.contains(&id.as_str()) {
                self.push(
                    Finding::new(
                        diag::Code::R105,
                        format!("procedure `{id}` is listed twice in `fix.procedures`"),
                    )
                    .at(span, "listed again here")
                    .help("list each procedure once"),
                );
                continue;
            }
            listed.push(def.id.value.as_str());
            let over = match &entry.value {
                RawProcedureUse::Detailed(o) => Some(o),
                RawProcedureUse::Id(_) => None,
            };
            if let Some(p) = self.procedure(shared, def_file, def, vars, file, &span, over) {
                procedures.push(p);
            }
        }
        (procedures, listed)
    }

    fn escalation(
        &mut self,
        shared: &Shared,
        raw: &RawCode,
        kind: Kind,
        vars: &Vars,
        code_span: &Span,
    ) -> Option<Escalation> {
        let use_ = raw.escalation.as_ref()?;
        let Some(base) = &shared.raw.escalation else {
            self.push(
                Finding::new(
                    diag::Code::R206,
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
                Finding::new(
                    diag::Code::R206,
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
            title: self.text(use_.title.as_ref().unwrap_or(&base.title), vars, code_span)?,
            lead: self.text(use_.lead.as_ref().unwrap_or(&base.lead), vars, code_span)?,
            include: include
                .iter()
                .map(|i| self.text(i, vars, code_span))
                .collect::<Option<_>>()?,
            closing: match use_.closing.as_ref().or(base.closing.as_ref()) {
                Some(c) => Some(self.text(c, vars, code_span)?),
                None => None,
            },
        })
    }

    /// The message's placeholders: each written in the message, named as a capture.
    fn placeholders(&mut self, file: FileId, raw: &RawCode) -> Vec<Placeholder> {
        let mut out = Vec::new();
        for p in &raw.placeholders {
            if p.text.value.is_empty() || !raw.message.value.contains(&p.text.value) {
                self.push(
                    Finding::new(
                        diag::Code::R017,
                        format!("placeholder `{}` is not in the message", p.text.value),
                    )
                    .at(self.value_span(file, &p.text), "not found in `message`")
                    .help("write the placeholder exactly as the message prints it, e.g. `[X]`"),
                );
                continue;
            }
            let name = &p.name.value;
            let shaped = name.starts_with(|c: char| c.is_ascii_lowercase())
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !shaped || out.iter().any(|o: &Placeholder| &o.name == name) {
                self.push(
                    Finding::new(diag::Code::R017, format!("placeholder name `{name}` is not usable"))
                        .at(self.value_span(file, &p.name), "here")
                        .help("name each placeholder once, in lower case letters, digits and `_`, starting with a letter"),
                );
                continue;
            }
            out.push(Placeholder {
                text: p.text.value.clone(),
                name: name.clone(),
            });
        }
        out
    }

    fn patterns(
        &mut self,
        file: FileId,
        raw: &RawCode,
        placeholders: &[Placeholder],
    ) -> Vec<Pattern> {
        let normalized = crate::util::text::normalize(&raw.message.value);
        if raw.patterns.is_empty() {
            return vec![Pattern::new(message_pattern(
                &normalized,
                &raw.code.value,
                placeholders,
            ))];
        }
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
                        Finding::new(diag::Code::R301, format!("pattern does not compile: {last}"))
                            .at(self.value_span(file, pattern), "this pattern")
                            .help("patterns are Rust regular expressions; escape `.`, `(` and `?` with `\\`"),
                    );
                }
            }
        }
        if !out.is_empty() && !matched {
            self.push(
                Finding::new(
                    diag::Code::R302,
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
        let span = Span::of(file, &raw.id);
        let items = match (&raw.text, &raw.items) {
            (Some(t), None) => vec![self.text(t, vars, &span)?],
            (None, Some(items)) if !items.is_empty() => items
                .iter()
                .map(|i| self.text(i, vars, &span))
                .collect::<Option<Vec<_>>>()?,
            (None, Some(_)) => {
                self.push(blocks::empty_list(span, "`items`"));
                return None;
            }
            _ => {
                self.push(
                    Finding::new(
                        diag::Code::R012,
                        format!("cause `{}` needs exactly one of `text` or `items`", raw.id.value),
                    )
                    .at(span, "this cause")
                    .help("`text` is the sentence the cause list prints; `items`, several that only together are this cause"),
                );
                return None;
            }
        };
        let text = items.join(" ");
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
                    Finding::new(
                        diag::Code::R202,
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
            items,
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
                    Finding::new(
                        diag::Code::R204,
                        format!("condition does not parse: {}", e.message),
                    )
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
                            Finding::new(diag::Code::R201, format!("unknown signal `{name}`"))
                                .at(at(range), "not in the integration's signals")
                                .help(help),
                        );
                    }
                }
                ok.then_some(cond)
            }
        }
    }

    /// One listed procedure, with this code's overrides: its title, and
    /// blocks before and after its own.
    #[allow(clippy::too_many_arguments)]
    fn procedure(
        &mut self,
        shared: &Shared,
        def_file: FileId,
        raw: &RawProcedure,
        vars: &Vars,
        use_file: FileId,
        use_span: &Span,
        over: Option<&super::raw::RawProcedureOverride>,
    ) -> Option<Procedure> {
        let no_words = BTreeMap::new();
        let scope = |file| BlockScope {
            file,
            shared_file: shared.file,
            vars,
            snippets: &shared.snippets,
            variants: &shared.variants,
            causes: None,
            words: &no_words,
        };
        let def_span = Span::of(def_file, &raw.id);
        let before = self.optional_blocks(
            over.and_then(|o| o.before.as_ref()),
            &scope(use_file),
            use_span,
        );
        let own = self.blocks(&raw.body, &scope(def_file), &def_span);
        let after = self.optional_blocks(
            over.and_then(|o| o.after.as_ref()),
            &scope(use_file),
            use_span,
        );
        let title = match over.and_then(|o| o.title.as_ref()).or(raw.title.as_ref()) {
            Some(t) => Some(self.text(t, vars, use_span)?),
            None => None,
        };
        let mut body = before?;
        body.extend(own?);
        body.extend(after?);
        Some(Procedure {
            id: raw.id.value.clone(),
            title,
            body,
        })
    }

    /// A snippet is a list item (`text`, optional `bullets`) or blocks (`body`).
    fn snippet_shape(&mut self, file: FileId, s: &RawSnippet) {
        let ok = match (&s.text, &s.body) {
            (Some(_), None) => true,
            (None, Some(_)) => s.bullets.is_none(),
            _ => false,
        };
        if !ok {
            self.push(
                Finding::new(
                    diag::Code::R012,
                    format!(
                        "snippet `{}` needs `text` (with optional `bullets`) or `body`, not both",
                        s.id.value
                    ),
                )
                .at(Span::of(file, &s.id), "this snippet")
                .help("a `text` snippet is a list item; a `body` snippet is blocks"),
            );
        }
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
        // Control characters, raw HTML and script links first: such a text is
        // not printed, whatever else it holds.
        let markup = markup::findings(self.sources, span, text);
        if markup.iter().any(Finding::is_error) {
            self.findings.extend(markup);
            return None;
        }
        self.findings.extend(markup);
        if text.trim().is_empty() {
            self.push(
                Finding::new(diag::Code::R013, "this text is empty")
                    .at(span.clone(), "in text here")
                    .help("an optional part is left out when absent; remove the key, or write its text"),
            );
            return None;
        }
        if let Some(what) =
            block_structure(text).or_else(|| substituted_structure(text, vars, words))
        {
            self.push(
                Finding::new(diag::Code::R014, format!("a text holds block structure: {what}"))
                    .at(span.clone(), "in text here")
                    .help("a text is inline Markdown on one line; write each paragraph, list, table or heading as a block of its own (see docs/rules.md, \"Blocks\")"),
            );
            return None;
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                self.push(
                    Finding::new(diag::Code::R203, "unclosed placeholder `${`")
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
                        Finding::new(
                            diag::Code::R203,
                            format!("unknown placeholder `${{{name}}}`"),
                        )
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

    /// R019 when an id is not of its shape ([`ids`]).
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

/// Values for `${code}`, `${kind}`, `${kind_title}` and `${product}` in rule text.
struct Vars<'a> {
    code: &'a str,
    kind: Kind,
    product: &'a str,
}

impl Vars<'_> {
    const NAMES: [&'static str; 4] = ["code", "kind", "kind_title", "product"];

    fn get(&self, name: &str) -> Option<&str> {
        match name {
            "code" => Some(self.code),
            "kind" => Some(self.kind.id()),
            "kind_title" => Some(self.kind.title()),
            "product" => Some(self.product),
            _ => None,
        }
    }
}

/// What block structure a text holds, if any: a blank line, or a line that
/// Markdown would read as a heading, list item, table row, rule, quote,
/// fenced or indented code, HTML block or link definition.
fn block_structure(text: &str) -> Option<&'static str> {
    if text.trim().lines().any(|l| l.trim().is_empty()) {
        return Some("a blank line between paragraphs");
    }
    for (i, line) in text.lines().enumerate() {
        if line.starts_with("    ") || line.starts_with('\t') {
            return Some("an indented line (Markdown's code block)");
        }
        if let Some(what) = line_structure(line.trim_start(), i > 0) {
            return Some(what);
        }
    }
    None
}

fn line_structure(l: &str, continuation: bool) -> Option<&'static str> {
    // `m` alone, or `m` and a space or tab: a marker Markdown reads.
    let marker = |rest: &str| rest.is_empty() || rest.starts_with([' ', '\t']);
    let bare = |m: &str| l.strip_prefix(m).is_some_and(marker);
    let hashes = l.len() - l.trim_start_matches('#').len();
    if (1..=6).contains(&hashes) && (l.len() == hashes || l[hashes..].starts_with([' ', '\t'])) {
        return Some("a heading");
    }
    if bare("-") || bare("*") || bare("+") {
        return Some("a list item");
    }
    let digits = l.len() - l.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let after = &l[digits..];
    if digits > 0
        && [".", ")"]
            .iter()
            .any(|p| after.strip_prefix(p).is_some_and(marker))
    {
        return Some("a numbered item");
    }
    if l.starts_with('|') && l.len() > 1 {
        return Some("a table row");
    }
    if l.starts_with('>') {
        return Some("a block quote");
    }
    if l.starts_with("```") || l.starts_with("~~~") {
        return Some("a code fence");
    }
    if l.starts_with('<')
        && l[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!' || c == '?')
    {
        return Some("an HTML block");
    }
    if l.starts_with('[')
        && l.contains("]:")
        && l.split("]:").next().is_some_and(|k| !k.contains(']'))
    {
        return Some("a link reference definition");
    }
    let marks: Vec<char> = l.chars().filter(|c| !c.is_whitespace()).collect();
    if marks.len() >= 3 && ['-', '*', '_'].iter().any(|m| marks.iter().all(|c| c == m)) {
        return Some("a `---` rule");
    }
    if continuation
        && !marks.is_empty()
        && (marks.iter().all(|c| *c == '=') || marks.iter().all(|c| *c == '-'))
    {
        return Some("a heading underline");
    }
    None
}

/// Block structure that only the substituted placeholders bring (a variant's
/// words, a product name).
fn substituted_structure(
    text: &str,
    vars: &Vars,
    words: &BTreeMap<String, String>,
) -> Option<&'static str> {
    if !text.contains("${") {
        return None;
    }
    let mut out = text.to_string();
    for (name, value) in words {
        out = out.replace(&format!("${{{name}}}"), value);
    }
    for name in Vars::NAMES {
        if let Some(v) = vars.get(name) {
            out = out.replace(&format!("${{{name}}}"), v);
        }
    }
    block_structure(&out)
}

/// A title text from the code's layout, else the integration's, else the default.
fn layout_title<'r>(
    code: &'r Option<super::raw::RawLayout>,
    integration: &'r Option<super::raw::RawLayout>,
    key: impl Fn(&'r super::raw::RawLayout) -> &'r Option<String>,
    default: &'r str,
) -> &'r str {
    [code, integration]
        .into_iter()
        .find_map(|l| l.as_ref().and_then(|l| key(l).as_deref()))
        .unwrap_or(default)
}

/// The pattern a message means when its code gives none: the message after
/// its code's prefix (`NS0109 Sync Error: `, `NS0109: `), literally, each
/// placeholder a named capture.
fn message_pattern(normalized: &str, code: &str, placeholders: &[Placeholder]) -> String {
    let body = if normalized.starts_with(code) {
        crate::util::text::strip_code_prefix(normalized)
    } else {
        normalized
    };
    let texts: Vec<(String, &str)> = placeholders
        .iter()
        .map(|p| (crate::util::text::normalize(&p.text), p.name.as_str()))
        .filter(|(t, _)| !t.is_empty())
        .collect();
    let mut named: Vec<&str> = Vec::new();
    let mut out = String::new();
    let mut rest = body;
    loop {
        let next = texts
            .iter()
            .filter_map(|(t, name)| rest.find(t.as_str()).map(|at| (at, t.as_str(), *name)))
            .min_by_key(|(at, _, _)| *at);
        let Some((at, text, name)) = next else {
            out.push_str(&regex::escape(rest));
            break;
        };
        out.push_str(&regex::escape(&rest[..at]));
        rest = &rest[at + text.len()..];
        // A quoted placeholder ('user@example.com') keeps its quotes in the
        // literal text and captures what is between them.
        let quote = text
            .chars()
            .next()
            .filter(|q| matches!(q, '\'' | '"') && text.len() > 2 && text.ends_with(*q));
        let value = match quote {
            Some(q) => format!("[^{q}]+"),
            // A value that opens the message cannot reach back over a `: `.
            None if out.is_empty() => r"[^:\s][^:]*?".to_string(),
            // Followed by a space or nothing: bounded by the words after it.
            None if rest.is_empty() || rest.starts_with(' ') => ".+?".to_string(),
            // Followed by punctuation ("[X]."): one token, as long as it goes.
            None => r"\S+".to_string(),
        };
        let value = if rest.is_empty() && quote.is_none() {
            ".+".to_string()
        } else {
            value
        };
        if let Some(q) = quote {
            out.push(q);
        }
        // A value printed twice is captured once.
        if named.contains(&name) {
            out.push_str(&format!("(?:{value})"));
        } else {
            named.push(name);
            out.push_str(&format!("(?P<{name}>{value})"));
        }
        if let Some(q) = quote {
            out.push(q);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_structure_in_a_text_is_named() {
        for (text, what) in [
            ("1. Check the token.", "a numbered item"),
            ("Step\n\nThen", "a blank line between paragraphs"),
            ("```", "a code fence"),
            ("~~~ js", "a code fence"),
            ("<!-- note", "an HTML block"),
            ("<div>", "an HTML block"),
            ("Foo\n===", "a heading underline"),
            ("    indented", "an indented line (Markdown's code block)"),
            ("-", "a list item"),
            ("1.", "a numbered item"),
            ("#", "a heading"),
            ("-\tTab item", "a list item"),
            ("[Note]: Reconnect.", "a link reference definition"),
            ("| a | b |", "a table row"),
        ] {
            assert_eq!(block_structure(text), Some(what), "{text:?}");
        }
        for text in [
            "Click **Save**.",
            "Go to **Setup > Integrations**.",
            "#1 priority for 3 steps",
            "Use [the guide](../A.md): it helps.",
            "a | b",
        ] {
            assert_eq!(block_structure(text), None, "{text:?}");
        }
    }

    fn placeholder(text: &str, name: &str) -> Placeholder {
        Placeholder {
            text: text.into(),
            name: name.into(),
        }
    }

    fn captured(message: &str, code: &str, ps: &[Placeholder], pasted: &str) -> Vec<String> {
        let re = crate::rules::pattern::build(&message_pattern(message, code, ps)).unwrap();
        let caps = re.captures(pasted).expect("the pasted message matches");
        ps.iter()
            .filter_map(|p| caps.name(&p.name).map(|m| m.as_str().to_string()))
            .collect()
    }

    #[test]
    fn placeholders_capture_the_whole_value() {
        let ps = [
            placeholder("[X]", "ledger"),
            placeholder("[XX/XX/XXXX]", "date"),
            placeholder("'user@example.com'", "email"),
        ];
        assert_eq!(
            captured(
                "LG101 Sync Error: Ledger [X] expired at [XX/XX/XXXX] for 'user@example.com'.",
                "LG101",
                &ps,
                "LG101 Sync Error: Ledger Main Books expired at 01/02/2026 for 'bob@acme.com'.",
            ),
            ["Main Books", "01/02/2026", "bob@acme.com"]
        );
        let ps = [placeholder("[X]", "count")];
        assert_eq!(
            captured(
                "TB1150 Export Error: [X] lines failed.",
                "TB1150",
                &ps,
                "TB1150 Export Error: 12 lines failed."
            ),
            ["12"]
        );
        let ps = [placeholder("[X]", "version")];
        assert_eq!(
            captured(
                "LG2 Sync Error: Update to [X].",
                "LG2",
                &ps,
                "LG2 Sync Error: Update to 4.2.1."
            ),
            ["4.2.1"]
        );
    }

    #[test]
    fn a_message_without_its_code_keeps_its_first_clause() {
        let p = message_pattern(
            "Sync failed: record [X] is locked.",
            "LG101",
            &[placeholder("[X]", "record")],
        );
        assert!(p.starts_with("Sync failed: record"), "{p}");
    }
}
