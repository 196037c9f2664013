//! The rule files as written: serde types that keep the location of every id
//! and reference, so that validation can point at file:line:col.
//!
//! These are the only types deserialised from YAML; nothing outside `rules`
//! sees them. Untagged enums are wrapped whole in `Spanned` because spans
//! inside untagged variants are lost (see serde-saphyr's notes).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_saphyr::Spanned;

/// `rules/<integration>/integration.yaml`: what every code of one integration shares.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIntegration {
    /// Folder name and id of the integration, e.g. `netsuite`.
    pub id: Spanned<String>,
    /// Product name as articles print it, e.g. `NetSuite`.
    pub name: String,
    /// Code prefix, e.g. `NS` for `NS0109`.
    pub prefix: Spanned<String>,
    /// The signal vocabulary shared by the integration's codes.
    #[serde(default)]
    pub signals: Vec<RawSignal>,
    /// Procedures any code of the integration may use by id.
    #[serde(default)]
    pub procedures: Vec<RawProcedure>,
    /// The escalation block codes include with `escalation:`.
    pub escalation: Option<RawEscalation>,
}

/// Something a person or the probe can observe.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSignal {
    pub id: Spanned<String>,
    /// The yes/no question a person is asked about this signal.
    pub question: String,
    /// Who observes it: `person` (default) or `probe`.
    #[serde(default)]
    pub source: SignalSource,
}

#[derive(Debug, Default, Deserialize, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignalSource {
    #[default]
    Person,
    Probe,
}

/// A fix procedure: a title and a body of numbered steps, bullets or paragraphs.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProcedure {
    pub id: Spanned<String>,
    pub title: String,
    /// A line printed before the body, e.g. "If the credentials appear correct but the error persists:".
    pub lead: Option<String>,
    /// Numbered steps; a step is text or `{text, bullets}`.
    pub steps: Option<Vec<Spanned<RawStep>>>,
    /// An unnumbered list instead of steps.
    pub bullets: Option<Vec<Spanned<RawStep>>>,
    /// Plain paragraphs instead of steps.
    pub paragraphs: Option<Vec<String>>,
    /// A line printed after the body.
    pub closing: Option<String>,
    /// Platform variants (e.g. web and mobile) that differ only in words:
    /// the body is printed once per variant with `${word}` replaced.
    #[serde(default)]
    pub variants: Vec<RawVariant>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawStep {
    Text(String),
    Nested { text: String, bullets: Vec<String> },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVariant {
    pub id: Spanned<String>,
    /// The line introducing this variant, e.g. "On web:".
    pub label: String,
    /// Words substituted for `${name}` in the procedure's text.
    #[serde(default)]
    pub words: BTreeMap<String, String>,
}

/// The integration's escalation: a heading, a lead and what to include per kind.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEscalation {
    pub title: String,
    pub lead: String,
    /// What to include, per code kind (`sync`, `export`, `connection`).
    pub include: BTreeMap<String, Vec<String>>,
    pub closing: Option<String>,
}

/// `rules/<integration>/<CODE>.yaml`: one error code.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCode {
    pub code: Spanned<String>,
    pub kind: Spanned<String>,
    /// The exact message, as the product shows it.
    pub message: Spanned<String>,
    /// Case-insensitive regular expressions that recognise the pasted message.
    #[serde(default)]
    pub patterns: Vec<Spanned<String>>,
    pub front_matter: RawFrontMatter,
    /// "This means …" paragraphs.
    pub meaning: Vec<String>,
    pub why: RawWhy,
    pub causes: Vec<RawCause>,
    pub fix: RawFix,
    /// Include the integration's escalation block (with optional overrides).
    pub escalation: Option<RawEscalationUse>,
    #[serde(default)]
    pub faq: Vec<RawFaq>,
    /// Procedures only this code uses.
    #[serde(default)]
    pub procedures: Vec<RawProcedure>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFrontMatter {
    /// Defaults to "<CODE> <Kind> Error in <Product> Integration".
    pub title: Option<String>,
    pub description: Spanned<String>,
    pub keywords: Spanned<String>,
    /// Three sentences: "Audience is …. Covers …. Does not cover …."
    pub internal_scope: Spanned<String>,
    pub display_title: Option<String>,
    pub order: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWhy {
    /// Defaults to "Why the <CODE> <Kind> Error Happens in <Product>".
    pub heading: Option<String>,
    pub lead: String,
    /// The line before the cause list, e.g. "Common causes include:".
    pub intro: String,
    #[serde(default)]
    pub closing: Vec<String>,
    /// "This is a … issue, not a … issue."
    pub issue_kind: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCause {
    pub id: Spanned<String>,
    /// The sentence the article prints in the cause list.
    pub text: String,
    /// Condition over signals that confirms the cause: `a or (b and not c)`.
    pub when: Spanned<String>,
    /// Condition that rules the cause out whatever `when` says (e.g. `login_ok`).
    pub unless: Option<Spanned<String>>,
    /// Procedures (ids from `fix.procedures`) that address this cause.
    pub fixes: Vec<Spanned<String>>,
    /// Higher is more likely; used to rank and to choose questions.
    #[serde(default = "default_priority")]
    pub priority: u32,
}

fn default_priority() -> u32 {
    1
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFix {
    /// Defaults to "How to Fix the <CODE> <Kind> Error".
    pub heading: Option<String>,
    pub lead: String,
    /// The procedures in article order: an id, or `{use, title, lead, closing}`.
    pub procedures: Vec<Spanned<RawProcedureUse>>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawProcedureUse {
    Id(String),
    Detailed(RawProcedureOverride),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProcedureOverride {
    #[serde(rename = "use")]
    pub use_: String,
    pub title: Option<String>,
    pub lead: Option<String>,
    pub closing: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEscalationUse {
    pub title: Option<String>,
    pub lead: Option<String>,
    /// Replaces the integration's per-kind list.
    pub include: Option<Vec<String>>,
    pub closing: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFaq {
    pub question: Spanned<String>,
    pub answer: String,
}
