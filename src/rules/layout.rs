//! An article's layout: heading levels, `---` rules and labels. An
//! integration sets its house style once; a code may override it key by key.

use serde::Serialize;

use super::raw::{FaqCase, RawLayout, RulePlace, VariantLabel};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Layout {
    pub why_level: u8,
    /// `None`: the fix part has no heading.
    pub fix_level: Option<u8>,
    pub procedure_level: u8,
    pub variant_label: VariantLabel,
    pub escalation_level: u8,
    pub faq_level: u8,
    pub rules: Vec<RulePlace>,
    pub faq_case: FaqCase,
    pub note_label: String,
    pub tip_label: String,
}

impl Default for Layout {
    /// The NS0109 seed's layout.
    fn default() -> Self {
        Layout {
            why_level: 2,
            fix_level: Some(2),
            procedure_level: 3,
            variant_label: VariantLabel::Line,
            escalation_level: 3,
            faq_level: 1,
            rules: vec![
                RulePlace::BeforeWhy,
                RulePlace::BeforeFix,
                RulePlace::BeforeFaq,
            ],
            faq_case: FaqCase::Title,
            note_label: "**Note:**".into(),
            tip_label: "**Tip:**".into(),
        }
    }
}

/// The default title texts; `${kind_title}` is "Sync", "Export" or "Connection".
pub const TITLE: &str = "${code} ${kind_title} Error in ${product} Integration";
pub const WHY_TITLE: &str = "Why the ${code} ${kind_title} Error Happens in ${product}";
pub const FIX_TITLE: &str = "How to Fix the ${code} ${kind_title} Error";

impl Layout {
    /// The level of a variant label printed as a heading under a heading of `level`.
    pub fn variant_heading(&self, level: u8) -> Option<u8> {
        (self.variant_label == VariantLabel::Heading).then(|| (level + 1).min(6))
    }

    /// The level of a sub-section under a heading of `level`.
    pub fn section_level(&self, level: u8) -> u8 {
        (level + 1).min(6)
    }

    /// The level procedure bodies are set under: their title's, or the
    /// fix heading's level when they have none.
    pub fn body_level(&self, titled: bool) -> u8 {
        if titled {
            self.procedure_level
        } else {
            self.procedure_level.saturating_sub(1).max(1)
        }
    }

    pub fn rule(&self, place: RulePlace) -> bool {
        self.rules.contains(&place)
    }
}

/// A layout's keys with the levels already checked (1–6).
#[derive(Debug, Default, Clone)]
pub struct Levels {
    pub why: Option<u8>,
    pub fix: Option<Option<u8>>,
    pub procedure: Option<u8>,
    pub escalation: Option<u8>,
    pub faq: Option<u8>,
}

/// `base` with the keys `raw` sets replaced (levels as checked in `levels`).
pub fn apply(base: &Layout, raw: &RawLayout, levels: &Levels) -> Layout {
    Layout {
        why_level: levels.why.unwrap_or(base.why_level),
        fix_level: levels.fix.unwrap_or(base.fix_level),
        procedure_level: levels.procedure.unwrap_or(base.procedure_level),
        variant_label: raw.variant_label.unwrap_or(base.variant_label),
        escalation_level: levels.escalation.unwrap_or(base.escalation_level),
        faq_level: levels.faq.unwrap_or(base.faq_level),
        rules: raw.rules.clone().unwrap_or_else(|| base.rules.clone()),
        faq_case: raw.faq_case.unwrap_or(base.faq_case),
        note_label: raw
            .note_label
            .clone()
            .unwrap_or_else(|| base.note_label.clone()),
        tip_label: raw
            .tip_label
            .clone()
            .unwrap_or_else(|| base.tip_label.clone()),
    }
}
