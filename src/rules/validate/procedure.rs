//! The procedures a code lists in `fix.procedures`: its own or the
//! integration's, with this code's overrides, and their heading depth.

use std::collections::BTreeMap;

use super::blocks::BlockScope;
use super::{InCode, Validator};
use crate::diag::Code;
use crate::diag::{FileId, Span};
use crate::diag::{Finding, did_you_mean};
use crate::rules::raw::{RawProcedure, RawProcedureUse};
use crate::rules::{Block, Layout, Procedure};

impl<'a> Validator<'a> {
    /// R018 when a procedure's sub-sections or variant headings would need a
    /// level past 6 (Markdown has no `#######`).
    pub(super) fn heading_depth(&mut self, layout: &Layout, procedures: &[Procedure], at: &Span) {
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
        let headed = layout.variant_label == crate::rules::raw::VariantLabel::Heading;
        for p in procedures {
            let level = layout.body_level(p.title.is_some()) + depth(&p.body, headed);
            if level > 6 {
                self.push(
                    Finding::new(
                        Code::R018,
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

    /// The procedures `fix.procedures` lists, in order, and the ids listed
    /// and defined (causes may name those even when the procedure has errors).
    pub(super) fn fix_procedures<'r>(&mut self, at: InCode<'r>) -> (Vec<Procedure>, Vec<&'r str>) {
        let InCode {
            shared, file, raw, ..
        } = at;
        self.shadowed_procedures(at);
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
                    Finding::new(Code::R202, format!("unknown procedure `{id}`"))
                        .at(span, "not defined here or in integration.yaml")
                        .help(help),
                );
                continue;
            };
            if listed.contains(&id.as_str()) {
                self.push(
                    Finding::new(
                        Code::R105,
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
            if let Some(p) = self.procedure(at, def_file, def, &span, over) {
                procedures.push(p);
            }
        }
        (procedures, listed)
    }

    /// R104 for a local procedure that has the id of a shared one (and for
    /// two local ones with one id).
    fn shadowed_procedures(&mut self, at: InCode) {
        let InCode {
            shared, file, raw, ..
        } = at;
        // Local procedures, checked against each other and the shared ones.
        let local = self.unique(
            file,
            raw.procedures.iter().map(|p| &p.id),
            Code::R104,
            "procedure",
        );
        for (id, span) in &local {
            if let Some((shared_file, p)) = shared.procedures.get(id) {
                self.push(
                    Finding::new(
                        Code::R104,
                        format!("procedure `{id}` is already defined by the integration"),
                    )
                    .at(span.clone(), "defined again here")
                    .also(Span::of(*shared_file, &p.id), "shared definition")
                    .help("use the shared procedure by id (with `use:` to change its title or add blocks), or rename this one"),
                );
            }
        }
    }

    /// One listed procedure, with this code's overrides: its title, and
    /// blocks before and after its own.
    fn procedure(
        &mut self,
        at: InCode,
        def_file: FileId,
        raw: &RawProcedure,
        use_span: &Span,
        over: Option<&crate::rules::raw::RawProcedureOverride>,
    ) -> Option<Procedure> {
        let InCode {
            shared,
            vars,
            file: use_file,
            ..
        } = at;
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
}
