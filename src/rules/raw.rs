//! The rule files as written: serde types that keep the location of every id
//! and reference, so that validation can point at file:line:col.
//!
//! These are the only types deserialised from YAML; nothing outside `rules`
//! sees them. Untagged enums are wrapped whole in `Spanned` because spans
//! inside untagged variants are lost (see serde-saphyr's notes).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::probe::ClassificationTable;

/// `rules/<integration>/integration.yaml`: what every code of one integration shares.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawIntegration {
    /// Folder name and id of the integration, e.g. `netsuite`.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// Product name as articles print it, e.g. `NetSuite`.
    pub name: String,
    /// Code prefix, e.g. `NS` for `NS0109`.
    #[schemars(with = "String")]
    pub prefix: Spanned<String>,
    /// The signal vocabulary shared by the integration's codes.
    #[serde(default)]
    pub signals: Vec<RawSignal>,
    /// Procedures any code of the integration may use by id.
    #[serde(default)]
    pub procedures: Vec<RawProcedure>,
    /// The escalation block codes include with `escalation:`.
    pub escalation: Option<RawEscalation>,
    /// Steps several procedures share; a step says `use: <id>` to include one.
    #[serde(default)]
    pub snippets: Vec<RawSnippet>,
    /// The integration's index page of errors.
    pub index: Option<RawIndex>,
    /// How `triage probe` turns an answer into signals: responses by status and `o:errorCode`,
    /// transport failures, and the clock-skew threshold.
    // Described loosely in the schema: the table's shape is checked by the loader.
    #[schemars(with = "Option<serde_json::Value>")]
    pub probe: Option<ClassificationTable<Spanned<String>>>,
}

/// A step shared by several procedures, e.g. logging in as an administrator.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSnippet {
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    pub text: String,
    #[serde(default)]
    pub bullets: Vec<String>,
}

/// The index page listing every code of the integration.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawIndex {
    /// Defaults to "Common <Product> Errors".
    pub title: Option<String>,
    pub description: String,
    pub keywords: String,
    pub internal_scope: String,
    /// Paragraphs under the heading.
    #[serde(default)]
    pub intro: Vec<String>,
    #[serde(default)]
    pub faq: Vec<RawFaq>,
}

/// Something a person or the probe can observe.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSignal {
    /// Stable id used in conditions, e.g. `token_revoked`.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// The yes/no question a person is asked about this signal.
    pub question: String,
    /// Who observes it: `person` (default) or `probe`.
    #[serde(default)]
    pub source: SignalSource,
}

#[derive(Debug, Default, Deserialize, Clone, Copy, PartialEq, Eq, serde::Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SignalSource {
    #[default]
    Person,
    Probe,
}

/// A fix procedure: a title and a body of numbered steps, bullets or paragraphs.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawProcedure {
    /// Id codes use in `fix.procedures` and causes' `fixes`.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// The `###` heading, e.g. "Retry the Sync".
    pub title: String,
    /// A line printed before the body, e.g. "If the credentials appear correct but the error persists:".
    pub lead: Option<String>,
    /// Numbered steps; a step is text or `{text, bullets}`.
    #[schemars(with = "Option<Vec<RawStep>>")]
    pub steps: Option<Vec<Spanned<RawStep>>>,
    /// An unnumbered list instead of steps.
    #[schemars(with = "Option<Vec<RawStep>>")]
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

/// A step: its text, or `{text, bullets}` for a step with a nested list.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RawStep {
    Text(String),
    Nested {
        text: String,
        bullets: Vec<String>,
    },
    /// A shared snippet from integration.yaml, by id.
    Use {
        #[serde(rename = "use")]
        use_: String,
    },
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawVariant {
    /// Variant id, e.g. `web` or `mobile`.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// The line introducing this variant, e.g. "On web:".
    pub label: String,
    /// Words substituted for `${name}` in the procedure's text.
    #[serde(default)]
    pub words: BTreeMap<String, String>,
}

/// The integration's escalation: a heading, a lead and what to include per kind.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawEscalation {
    /// Heading, e.g. "Contact Concierge if the Error Persists".
    pub title: String,
    /// The line before the list.
    pub lead: String,
    /// What to include, per code kind (`sync`, `export`, `connection`).
    pub include: BTreeMap<String, Vec<String>>,
    /// A line after the list.
    pub closing: Option<String>,
}

/// `rules/<integration>/<CODE>.yaml`: one error code.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCode {
    /// The error code, e.g. `NS0109`; the file is named after it.
    #[schemars(with = "String")]
    pub code: Spanned<String>,
    /// What failed: `sync`, `export` or `connection`.
    #[schemars(with = "String", extend("enum" = ["sync", "export", "connection"]))]
    pub kind: Spanned<String>,
    /// The exact message, as the product shows it.
    #[schemars(with = "String")]
    pub message: Spanned<String>,
    /// Case-insensitive regular expressions that recognise the pasted message.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub patterns: Vec<Spanned<String>>,
    /// The help site's front matter for the article.
    pub front_matter: RawFrontMatter,
    /// One line for the index page: what fixes it, e.g. "Generate a new access token and sync again."
    pub summary: Option<String>,
    /// "This means …" paragraphs.
    pub meaning: Vec<String>,
    /// The "Why the … Error Happens" section.
    pub why: RawWhy,
    /// The causes, in article order: what the article lists and the engine diagnoses.
    pub causes: Vec<RawCause>,
    /// The "How to Fix" section: a lead and the procedures in order.
    pub fix: RawFix,
    /// Include the integration's escalation block (with optional overrides).
    pub escalation: Option<RawEscalationUse>,
    /// Questions and answers; questions in Title Case ending with "?".
    #[serde(default)]
    pub faq: Vec<RawFaq>,
    /// Procedures only this code uses.
    #[serde(default)]
    pub procedures: Vec<RawProcedure>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFrontMatter {
    /// Defaults to "<CODE> <Kind> Error in <Product> Integration".
    pub title: Option<String>,
    /// One sentence: "Learn what the <CODE> … error means and how to …".
    #[schemars(with = "String")]
    pub description: Spanned<String>,
    /// One comma-separated string: the code, phrases of the message, the product, the audience.
    #[schemars(with = "String")]
    pub keywords: Spanned<String>,
    /// Three sentences: "Audience is …. Covers …. Does not cover …."
    #[schemars(with = "String")]
    pub internal_scope: Spanned<String>,
    /// "<CODE> <Kind> Error: <first clause of the message>".
    pub display_title: Option<String>,
    /// Optional sort key on the help site.
    pub order: Option<u32>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawWhy {
    /// Defaults to "Why the <CODE> <Kind> Error Happens in <Product>".
    pub heading: Option<String>,
    /// The sentence that opens the section.
    pub lead: String,
    /// The line before the cause list, e.g. "Common causes include:".
    pub intro: String,
    /// Sentences after the cause list.
    #[serde(default)]
    pub closing: Vec<String>,
    /// "This is a … issue, not a … issue."
    pub issue_kind: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCause {
    /// Unique within the code, e.g. `token_revoked_or_expired`.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// The sentence the article prints in the cause list.
    pub text: String,
    /// Condition over signals that confirms the cause: `a or (b and not c)`.
    #[schemars(with = "String")]
    pub when: Spanned<String>,
    /// Condition that rules the cause out whatever `when` says (e.g. `login_ok`).
    #[schemars(with = "Option<String>")]
    pub unless: Option<Spanned<String>>,
    /// Procedures (ids from `fix.procedures`) that address this cause.
    #[schemars(with = "Vec<String>")]
    pub fixes: Vec<Spanned<String>>,
    /// Higher is more likely; used to rank and to choose questions.
    #[serde(default = "default_priority")]
    pub priority: u32,
}

fn default_priority() -> u32 {
    1
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFix {
    /// Defaults to "How to Fix the <CODE> <Kind> Error".
    pub heading: Option<String>,
    /// The sentence that opens the section.
    pub lead: String,
    /// The procedures in article order: an id, or `{use, title, lead, closing}`.
    #[schemars(with = "Vec<RawProcedureUse>")]
    pub procedures: Vec<Spanned<RawProcedureUse>>,
}

/// A procedure id, or `{use: id, title, lead, closing}` to change its lines here.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RawProcedureUse {
    Id(String),
    Detailed(RawProcedureOverride),
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawProcedureOverride {
    /// The procedure id.
    #[serde(rename = "use")]
    pub use_: String,
    /// Replaces the procedure's title in this article.
    pub title: Option<String>,
    /// Replaces the procedure's lead line.
    pub lead: Option<String>,
    /// Replaces the procedure's closing line.
    pub closing: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawEscalationUse {
    /// Replaces the integration's heading.
    pub title: Option<String>,
    /// Replaces the integration's lead line.
    pub lead: Option<String>,
    /// Replaces the integration's per-kind list.
    pub include: Option<Vec<String>>,
    /// Replaces the integration's closing line.
    pub closing: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFaq {
    /// In Title Case, ending with "?".
    #[schemars(with = "String")]
    pub question: Spanned<String>,
    /// Plain text; usually opens with "Yes." or "No.".
    pub answer: String,
}
