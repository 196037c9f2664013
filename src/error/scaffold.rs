//! What `triage new` refuses: `scaffold::ScaffoldError`.

use std::path::PathBuf;

use thiserror::Error;

use crate::util::text::printable;

#[derive(Debug, Error)]
pub enum ScaffoldError {
    #[error(
        "`{}` is not a code: write letters then digits, e.g. NS0200",
        printable(.code, false)
    )]
    NotACode { code: String },
    #[error(
        "--kind `{}` is not a kind; use sync, export or connection",
        printable(.kind, false)
    )]
    NotAKind { kind: String },
    #[error("--message is empty: give the exact message as the product shows it")]
    EmptyMessage,
    #[error("--message holds a line break or control character; give the message on one line")]
    MessageNotOneLine,
    /// `code` as its file names it.
    #[error(
        "code {code} already exists; edit its file, or pick another code (`triage codes` lists them)"
    )]
    CodeExists { code: String },
    /// No integration `id` in the folder `rules`; `known` are its integrations.
    #[error(
        "unknown integration `{id}` in {}; {}",
        .rules.display(),
        .suggestion.clone().unwrap_or_else(|| format!("known integrations: {}", .known.join(", ")))
    )]
    UnknownIntegration {
        id: String,
        rules: PathBuf,
        suggestion: Option<String>,
        known: Vec<String>,
    },
    /// `integration` is the integration's name, as its articles say it.
    #[error("{code} does not start with {integration}'s prefix `{prefix}`")]
    WrongPrefix {
        code: String,
        integration: String,
        prefix: String,
    },
    #[error(
        "{integration} has no signals yet: add one under `signals:` in its integration.yaml first"
    )]
    NoSignals { integration: String },
    #[error("{} already exists; not overwriting it", .path.display())]
    FileExists { path: PathBuf },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_integration_suggests_else_lists() {
        let mut e = ScaffoldError::UnknownIntegration {
            id: "netsuit".into(),
            rules: PathBuf::from("rules"),
            suggestion: Some("did you mean `netsuite`?".into()),
            known: vec!["netsuite".into(), "shopify".into()],
        };
        assert_eq!(
            e.to_string(),
            "unknown integration `netsuit` in rules; did you mean `netsuite`?"
        );
        if let ScaffoldError::UnknownIntegration { suggestion, .. } = &mut e {
            *suggestion = None;
        }
        assert_eq!(
            e.to_string(),
            "unknown integration `netsuit` in rules; known integrations: netsuite, shopify"
        );
    }
}
