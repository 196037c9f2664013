//! `triage schema`: a JSON Schema (draft-07, the draft YAML editor plugins
//! understand) for rule files, generated from the serde types in
//! [`crate::rules::raw`] so it cannot drift from what the loader accepts.

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;

use crate::rules::raw::{RawCode, RawIntegration};

/// A rule file: `integration.yaml` or a code file.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code, clippy::large_enum_variant)] // Only its schema is used.
enum RuleFile {
    Integration(RawIntegration),
    Code(RawCode),
}

/// The schema as pretty JSON, ending with a newline.
pub fn rules_schema() -> String {
    let mut schema = SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<RuleFile>();
    schema.insert("title".into(), "triage rule file".into());
    schema.insert(
        "description".into(),
        "A file under rules/<integration>/: integration.yaml (signals, shared procedures, escalation) or <CODE>.yaml (one error code). See docs/authoring.md.".into(),
    );
    // Serialising a JSON value cannot fail.
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
