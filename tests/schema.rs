//! The committed JSON Schema is what `triage schema` prints, and every
//! shipped rule file validates against it.

use crate::support::{manifest_dir, triage};

fn committed() -> String {
    std::fs::read_to_string(manifest_dir().join("schema/rules.schema.json"))
        .expect("schema/rules.schema.json is committed")
}

#[test]
fn committed_schema_is_up_to_date() {
    let out = triage().arg("schema").output().unwrap();
    assert!(out.status.success());
    let printed = String::from_utf8(out.stdout).unwrap();
    assert!(
        printed == committed(),
        "schema/rules.schema.json is stale: run `cargo run -- schema > schema/rules.schema.json`"
    );
}

/// Every `*.yaml` under a folder, sorted.
fn yaml_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            out.push(path);
        }
    }
}

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(&committed()).unwrap();
    jsonschema::validator_for(&schema).expect("the schema is a valid draft-07 schema")
}

fn errors(validator: &jsonschema::Validator, path: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let value: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    validator
        .iter_errors(&value)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn shipped_rule_files_validate_against_the_schema() {
    let validator = validator();
    let mut files = Vec::new();
    yaml_files(&manifest_dir().join("rules"), &mut files);
    assert!(files.len() >= 2);
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("# yaml-language-server: $schema=../../schema/rules.schema.json\n"),
            "{} lacks the schema line",
            path.display()
        );
        let errors = errors(&validator, &path);
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
    }
}

#[test]
fn schema_rejects_an_unknown_field() {
    let validator = validator();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("NS0901.yaml");
    let clean = manifest_dir().join("tests/fixtures/check/_base/rules/netsuite/NS0901.yaml");
    let text = std::fs::read_to_string(&clean).unwrap();
    assert!(errors(&validator, &clean).is_empty());
    std::fs::write(
        &path,
        text.replace("  lead:\n    - Follow", "  leed:\n    - Follow"),
    )
    .unwrap();
    assert!(!errors(&validator, &path).is_empty());
}
