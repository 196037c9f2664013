//! integration.yaml: its own checks, what its codes may refer to
//! ([`Shared`]), and the integration's model once its codes are validated.

use std::collections::HashMap;

use serde_saphyr::Spanned;

use super::{Validator, markup};
use crate::diag;
use crate::diag::{FileId, Span};
use crate::diag::{Finding, did_you_mean};
use crate::rules::classify::ClassificationTable;
use crate::rules::ids;
use crate::rules::raw::{RawIntegration, RawProcedure, RawSnippet, RawVariant};
use crate::rules::{Code, Faq, Index, Integration, Layout, Signal};

/// What a code file may refer to in its integration.
pub struct Shared<'a> {
    pub(super) file: FileId,
    pub(super) name: &'a str,
    pub(super) snippets: HashMap<&'a str, &'a RawSnippet>,
    pub(super) signals: HashMap<&'a str, Span>,
    pub(super) procedures: HashMap<&'a str, (FileId, &'a RawProcedure)>,
    pub(super) variants: HashMap<&'a str, &'a RawVariant>,
    pub(super) layout: Layout,
    pub(super) raw: &'a RawIntegration,
}

impl Shared<'_> {
    /// The integration's house style.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }
}

impl<'a> Validator<'a> {
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
            file: Some(shared.file),
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
}
