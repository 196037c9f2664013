//! Errors reading a facts file, and facts that contradict each other:
//! `facts::FactsError`.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum FactsError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("--facts {file}: over the {limit} byte limit for a facts file")]
    TooLarge { file: String, limit: u64 },
    /// `byte`: where the first invalid sequence starts.
    #[error("--facts {file}: not valid UTF-8 (byte {byte}); save the file as UTF-8")]
    NotUtf8 { file: String, byte: usize },
    /// JSON that does not parse; `message` is the parser's, without what the
    /// file holds.
    #[error(
        "{file}:{line}:{column}: {message}; a facts file is an object of signal: \"yes\"/\"no\"/\"unknown\""
    )]
    Json {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// YAML that does not parse, or is not a mapping; `at` is the line and
    /// column when the parser knows them.
    #[error(
        "{file}:{} {message}; a facts file maps signals to yes, no or unknown",
        .at.map(|(l, c)| format!("{l}:{c}:")).unwrap_or_default()
    )]
    Yaml {
        file: String,
        at: Option<(u64, u64)>,
        message: String,
    },
    /// A key whose value is not what it takes: `key` as it may be shown (a
    /// key that looks like a secret is only described), `problem` what is
    /// wrong (`must be text`, …).
    #[error("{file}:{line}:{column}: {key} {problem}")]
    Value {
        file: String,
        line: u64,
        column: u64,
        key: String,
        problem: String,
    },
    #[error(
        "`{}` is given both --yes and --no; keep the one that holds",
        crate::util::text::printable(.signal, false)
    )]
    YesAndNo { signal: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_errors_name_the_place_when_known() {
        let at = FactsError::Yaml {
            file: "f.yaml".into(),
            at: Some((3, 4)),
            message: "bad".into(),
        };
        assert_eq!(
            at.to_string(),
            "f.yaml:3:4: bad; a facts file maps signals to yes, no or unknown"
        );
        let nowhere = FactsError::Yaml {
            file: "f.yaml".into(),
            at: None,
            message: "bad".into(),
        };
        assert!(nowhere.to_string().starts_with("f.yaml: bad;"));
    }

    #[test]
    fn yes_and_no_shows_the_signal_printable() {
        let e = FactsError::YesAndNo {
            signal: "a\u{1b}b".into(),
        };
        assert!(!e.to_string().contains('\u{1b}'));
    }
}
