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

use super::raw_block::{RawBlockSchema, RawBlocks};
use crate::rules::classify::ClassificationTable;

/// An optional field that, when written, must hold a value: `title:` with
/// nothing after it is a finding ("has no value"), never a silent "absent".
pub fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

/// A list that may be left out but, when written, holds something: `faq: []`
/// is a finding (R013), never a way to say "none".
pub fn nonempty<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    let items = Vec::<T>::deserialize(d)?;
    if items.is_empty() {
        return Err(serde::de::Error::custom(EMPTY_LIST));
    }
    Ok(items)
}

/// [`present`] and [`nonempty`] together: when written, a non-empty list.
pub fn present_nonempty<'de, D, T>(d: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    nonempty(d).map(Some)
}

/// The error [`nonempty`] gives, which findings recognise.
pub const EMPTY_LIST: &str = "an empty list; leave the key out when there is nothing to list";

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
    /// The house style of the integration's articles: heading levels, `---` rules, labels.
    #[serde(default, deserialize_with = "present")]
    pub layout: Option<RawLayout>,
    /// The signal vocabulary shared by the integration's codes.
    #[serde(default, deserialize_with = "nonempty")]
    pub signals: Vec<RawSignal>,
    /// Procedures any code of the integration may use by id.
    #[serde(default, deserialize_with = "nonempty")]
    pub procedures: Vec<RawProcedure>,
    /// The escalation block codes include with `escalation:`.
    #[serde(default, deserialize_with = "present")]
    pub escalation: Option<RawEscalation>,
    /// Steps or blocks several procedures share; a step or a block says `use: <id>`.
    #[serde(default, deserialize_with = "nonempty")]
    pub snippets: Vec<RawSnippet>,
    /// Platform variants (web, mobile) that `variants` and `each_variant` blocks name.
    #[serde(default, deserialize_with = "nonempty")]
    pub variants: Vec<RawVariant>,
    /// The integration's index page of errors.
    #[serde(default, deserialize_with = "present")]
    pub index: Option<RawIndex>,
    /// How `triage probe` turns an answer into signals: responses by status and `o:errorCode`,
    /// transport failures, and the clock-skew threshold.
    // Described loosely in the schema: the table's shape is checked by the loader.
    #[schemars(with = "Option<serde_json::Value>")]
    pub probe: Option<ClassificationTable<Spanned<String>>>,
}

/// Text shared by several procedures: a step (`text`, with optional `bullets`)
/// used as `- use: id` in a list, or blocks (`body`) used as a block `- use: id`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSnippet {
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    #[serde(default, deserialize_with = "present")]
    pub text: Option<String>,
    #[serde(default, deserialize_with = "present")]
    pub bullets: Option<Vec<String>>,
    #[schemars(with = "Option<Vec<RawBlockSchema>>")]
    #[serde(default, deserialize_with = "present_nonempty")]
    pub body: Option<RawBlocks>,
}

/// Heading levels, `---` rules and labels: an integration's house style,
/// which a code may override key by key.
#[derive(Debug, Default, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLayout {
    /// The article title when front matter gives none (placeholders allowed).
    #[serde(default, deserialize_with = "present")]
    pub title: Option<String>,
    /// The "Why" heading when the code gives none.
    #[serde(default, deserialize_with = "present")]
    pub why_title: Option<String>,
    /// The "How to fix" heading when the code gives none.
    #[serde(default, deserialize_with = "present")]
    pub fix_title: Option<String>,
    /// Heading level of the "Why" section (default 2).
    #[schemars(with = "Option<u8>")]
    pub why_level: Option<Spanned<i64>>,
    /// Heading level of the "How to fix" heading, or `none` for no heading (default 2).
    #[schemars(with = "Option<RawLevelSchema>")]
    pub fix_level: Option<Spanned<RawLevel>>,
    /// Heading level of a procedure's title (default 3).
    #[schemars(with = "Option<u8>")]
    pub procedure_level: Option<Spanned<i64>>,
    /// How a variant's label prints: `line` ("On web:") or `heading`, one level
    /// below the heading it stands under (default line). Sub-sections, too, are
    /// one level below the heading they stand under.
    pub variant_label: Option<VariantLabel>,
    /// Heading level of the escalation block (default 3).
    #[schemars(with = "Option<u8>")]
    pub escalation_level: Option<Spanned<i64>>,
    /// Heading level of `FAQ` (default 1; questions one below).
    #[schemars(with = "Option<u8>")]
    pub faq_level: Option<Spanned<i64>>,
    /// Where `---` rules go (default before_why, before_fix, before_faq).
    pub rules: Option<Vec<RulePlace>>,
    /// How FAQ questions are cased: `title` (default) or `sentence`.
    pub faq_case: Option<FaqCase>,
    /// What a `note:` block opens with (default `**Note:**`).
    #[serde(default, deserialize_with = "present")]
    pub note_label: Option<String>,
    /// What a `tip:` block opens with (default `**Tip:**`).
    #[serde(default, deserialize_with = "present")]
    pub tip_label: Option<String>,
}

/// A heading level, or `none`.
#[derive(Debug, Clone)]
pub enum RawLevel {
    Level(i64),
    None,
}

impl<'de> Deserialize<'de> for RawLevel {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = RawLevel;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a heading level from 1 to 6, or `none`")
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<RawLevel, E> {
                Ok(RawLevel::Level(n))
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<RawLevel, E> {
                Ok(RawLevel::Level(i64::try_from(n).unwrap_or(i64::MAX)))
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<RawLevel, E> {
                match s {
                    "none" => Ok(RawLevel::None),
                    _ => Err(E::invalid_value(serde::de::Unexpected::Str(s), &self)),
                }
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum RawLevelSchema {
    Level(u8),
    None(NoneKeyword),
}

#[derive(JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
enum NoneKeyword {
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum VariantLabel {
    Line,
    Heading,
}

/// A place where the article prints a `---` rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RulePlace {
    BeforeWhy,
    BeforeFix,
    BeforeFirstProcedure,
    BetweenProcedures,
    BeforeEscalation,
    BeforeFaq,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FaqCase {
    Title,
    Sentence,
}

/// The index page listing every code of the integration.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawIndex {
    /// Defaults to "How to troubleshoot common <Product> errors".
    #[serde(default, deserialize_with = "present")]
    pub title: Option<String>,
    pub description: String,
    /// Printed as a YAML flow list, as the help site's index pages have it.
    pub keywords: Vec<String>,
    pub internal_scope: String,
    /// Paragraphs under the heading.
    #[serde(default, deserialize_with = "nonempty")]
    pub intro: Vec<String>,
    #[serde(default, deserialize_with = "nonempty")]
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
    /// `true` while the question is a draft (as `triage import` writes it):
    /// `check` warns until a writer has read and edited it.
    #[serde(default)]
    pub draft: bool,
    /// Lints silenced for this signal, each with its reason, as
    /// `#[allow(...)]` on an item: `allow: [{lint: R401, reason: "…"}]`.
    #[serde(default)]
    pub allow: Vec<RawAllow>,
}

/// One lint silenced where it is written, and why.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAllow {
    /// The lint's code, e.g. `R401`; only warnings can be allowed.
    #[schemars(with = "String")]
    pub lint: Spanned<String>,
    /// Why it does not apply here, for the next writer.
    #[schemars(with = "String")]
    pub reason: Spanned<String>,
}

#[derive(Debug, Default, Deserialize, Clone, Copy, PartialEq, Eq, serde::Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SignalSource {
    #[default]
    Person,
    Probe,
}

/// A fix procedure: an optional title and its blocks.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawProcedure {
    /// Id codes use in `fix.procedures` and causes' `fixes`.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// The heading, e.g. "Retry the Sync"; absent: the blocks follow without one.
    #[serde(default, deserialize_with = "present")]
    pub title: Option<String>,
    /// Paragraphs, steps, bullets, tables, notes, variants and sub-sections, in order.
    #[schemars(with = "Vec<RawBlockSchema>")]
    #[serde(deserialize_with = "nonempty")]
    pub body: RawBlocks,
}

/// A platform variant: its label and the words `each_variant` substitutes.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawVariant {
    /// Variant id, e.g. `web` or `mobile`.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// The label as printed, e.g. "On web:" (a line) or "On Web" (a heading).
    pub label: String,
    /// Words substituted for `${name}` in an `each_variant` body.
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
    #[serde(default, deserialize_with = "present")]
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
    /// Values in the message that vary per case, e.g. `[X]`: printed as written,
    /// recognised as a wildcard whose value is captured under `name`.
    #[serde(default, deserialize_with = "nonempty")]
    pub placeholders: Vec<RawPlaceholder>,
    /// Case-insensitive regular expressions that recognise the pasted message
    /// (default: the message itself, placeholders as wildcards).
    #[serde(default, deserialize_with = "nonempty")]
    #[schemars(with = "Vec<String>")]
    pub patterns: Vec<Spanned<String>>,
    /// The help site's front matter for the article.
    pub front_matter: RawFrontMatter,
    /// One line for the index page: what fixes it, e.g. "Generate a new access token and sync again."
    #[serde(default, deserialize_with = "present")]
    pub summary: Option<String>,
    /// Overrides of the integration's layout for this article.
    #[serde(default, deserialize_with = "present")]
    pub layout: Option<RawLayout>,
    /// "This means …": blocks after the message.
    #[schemars(with = "Option<Vec<RawBlockSchema>>")]
    #[serde(default, deserialize_with = "present_nonempty")]
    pub meaning: Option<RawBlocks>,
    /// The "Why the … Error Happens" section.
    #[serde(default, deserialize_with = "present")]
    pub why: Option<RawWhy>,
    /// The causes, in article order: what the article lists and the engine diagnoses.
    #[serde(default, deserialize_with = "nonempty")]
    pub causes: Vec<RawCause>,
    /// The "How to Fix" part: a lead and the procedures in order.
    #[serde(default, deserialize_with = "present")]
    pub fix: Option<RawFix>,
    /// Include the integration's escalation block (with optional overrides).
    #[serde(default, deserialize_with = "present")]
    pub escalation: Option<RawEscalationUse>,
    /// Questions and answers; questions in Title Case ending with "?".
    #[serde(default, deserialize_with = "nonempty")]
    pub faq: Vec<RawFaq>,
    /// Procedures only this code uses.
    #[serde(default, deserialize_with = "nonempty")]
    pub procedures: Vec<RawProcedure>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFrontMatter {
    /// Defaults to "<CODE> <Kind> Error in <Product> Integration".
    #[serde(default, deserialize_with = "present")]
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
    #[serde(default, deserialize_with = "present")]
    pub display_title: Option<String>,
    /// Optional sort key on the help site.
    pub order: Option<u32>,
}

/// A value in the message that varies per case.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPlaceholder {
    /// The placeholder as the message prints it, e.g. `[X]` or `'user@example.com'`.
    #[schemars(with = "String")]
    pub text: Spanned<String>,
    /// The captured value's name, e.g. `vendor` (letters, digits, `_`).
    #[schemars(with = "String")]
    pub name: Spanned<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawWhy {
    /// Defaults to the layout's `why_title`, "Why the <CODE> <Kind> Error Happens in <Product>".
    #[serde(default, deserialize_with = "present")]
    pub heading: Option<String>,
    /// Paragraphs and lists in order; the `causes` block prints the cause list.
    #[schemars(with = "Vec<RawBlockSchema>")]
    #[serde(deserialize_with = "nonempty")]
    pub body: RawBlocks,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCause {
    /// Unique within the code, e.g. `token_revoked_or_expired`.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// The sentence the article prints in the cause list.
    #[serde(default, deserialize_with = "present")]
    pub text: Option<String>,
    /// Instead of `text`: several list items that only together are this cause.
    #[serde(default, deserialize_with = "present")]
    pub items: Option<Vec<String>>,
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
    /// Defaults to the layout's `fix_title`, "How to Fix the <CODE> <Kind> Error".
    #[serde(default, deserialize_with = "present")]
    pub heading: Option<String>,
    /// Blocks before the first procedure.
    #[schemars(with = "Option<Vec<RawBlockSchema>>")]
    #[serde(default, deserialize_with = "present_nonempty")]
    pub lead: Option<RawBlocks>,
    /// The procedures in article order: an id, or `{use, title, before, after}`.
    #[schemars(with = "Vec<RawProcedureUse>")]
    #[serde(deserialize_with = "nonempty")]
    pub procedures: Vec<Spanned<RawProcedureUse>>,
}

/// A procedure id, or `{use: id, title, before, after}` to change it here.
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
    #[serde(default, deserialize_with = "present")]
    pub title: Option<String>,
    /// Blocks printed before the procedure's own.
    #[schemars(with = "Option<Vec<RawBlockSchema>>")]
    #[serde(default, deserialize_with = "present_nonempty")]
    pub before: Option<RawBlocks>,
    /// Blocks printed after the procedure's own.
    #[schemars(with = "Option<Vec<RawBlockSchema>>")]
    #[serde(default, deserialize_with = "present_nonempty")]
    pub after: Option<RawBlocks>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawEscalationUse {
    /// Replaces the integration's heading.
    #[serde(default, deserialize_with = "present")]
    pub title: Option<String>,
    /// Replaces the integration's lead line.
    #[serde(default, deserialize_with = "present")]
    pub lead: Option<String>,
    /// Replaces the integration's per-kind list.
    #[serde(default, deserialize_with = "present")]
    pub include: Option<Vec<String>>,
    /// Replaces the integration's closing line.
    #[serde(default, deserialize_with = "present")]
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
