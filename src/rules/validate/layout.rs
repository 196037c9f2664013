//! A layout as written → [`Layout`]: heading levels within 1–6.

use serde_saphyr::Spanned;

use super::Validator;
use crate::diag::Code;
use crate::diag::FileId;
use crate::diag::Finding;
use crate::rules::layout::{self, Layout, Levels};
use crate::rules::raw::{RawLayout, RawLevel};

impl Validator<'_> {
    /// `base` with the keys `raw` sets; a level outside 1–6 is a finding
    /// (and the base's level is kept).
    pub(super) fn layout(&mut self, file: FileId, base: &Layout, raw: &RawLayout) -> Layout {
        let levels = Levels {
            why: self.level(file, "why_level", raw.why_level.as_ref()),
            fix: raw.fix_level.as_ref().and_then(|l| match &l.value {
                RawLevel::None => Some(None),
                RawLevel::Level(n) => self.checked_level(file, "fix_level", l, *n).map(Some),
            }),
            procedure: self.level(file, "procedure_level", raw.procedure_level.as_ref()),
            escalation: self.level(file, "escalation_level", raw.escalation_level.as_ref()),
            faq: self.level(file, "faq_level", raw.faq_level.as_ref()),
        };
        for label in [&raw.note_label, &raw.tip_label].into_iter().flatten() {
            // A label opens a paragraph: it too is inline text, checked as such.
            let span = crate::diag::Span::new(file, 0..0);
            static NO_WORDS: std::collections::BTreeMap<String, String> =
                std::collections::BTreeMap::new();
            let vars = super::Vars {
                code: "",
                kind: crate::rules::Kind::Sync,
                product: "",
            };
            self.text_with(label, &vars, &NO_WORDS, &span);
        }
        layout::apply(base, raw, &levels)
    }

    fn level(&mut self, file: FileId, key: &str, raw: Option<&Spanned<i64>>) -> Option<u8> {
        let raw = raw?;
        self.checked_level(file, key, raw, raw.value)
    }

    fn checked_level<T>(&mut self, file: FileId, key: &str, at: &Spanned<T>, n: i64) -> Option<u8> {
        match u8::try_from(n) {
            Ok(level @ 1..=6) => Some(level),
            _ => {
                self.push(
                    Finding::new(Code::R018, format!("`{key}: {n}` is not a heading level"))
                        .at(self.value_span(file, at), "expected 1 to 6")
                        .help("Markdown has headings `#` (1) to `######` (6)"),
                );
                None
            }
        }
    }
}
