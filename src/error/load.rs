//! Errors reading the rule files: `rules::LoadError`. Problems inside a file
//! are findings, not these.

use std::path::PathBuf;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum LoadError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{} is not a folder: --rules takes a folder of <integration>/ subfolders",
        .dir.display()
    )]
    NotAFolder { dir: PathBuf },
    #[error(
        "{}: more than {limit} files; split the rule base or point --rules at a smaller folder",
        .dir.display()
    )]
    TooManyFiles { dir: PathBuf, limit: usize },
    #[error(
        "{}: symbolic link cannot be followed ({error}); replace it with the file itself",
        .path.display()
    )]
    LinkNotFollowed {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error(
        "{}: symbolic link points outside the rules folder; rule files must live inside it",
        .path.display()
    )]
    LinkOutside { path: PathBuf },
    #[error(
        "{}: over the {limit} byte limit for one rule file; split it or remove what does not belong",
        .path.display()
    )]
    TooLarge { path: PathBuf, limit: u64 },
    /// `byte`: where the first invalid sequence starts.
    #[error("{}: not valid UTF-8 (byte {byte}); save the file as UTF-8", .path.display())]
    NotUtf8 { path: PathBuf, byte: usize },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_file_and_the_limit() {
        let e = LoadError::TooLarge {
            path: PathBuf::from("rules/a/B1.yaml"),
            limit: 10,
        };
        assert_eq!(
            e.to_string(),
            "rules/a/B1.yaml: over the 10 byte limit for one rule file; split it or remove what does not belong"
        );
        let e = LoadError::NotUtf8 {
            path: PathBuf::from("x.yaml"),
            byte: 3,
        };
        assert_eq!(
            e.to_string(),
            "x.yaml: not valid UTF-8 (byte 3); save the file as UTF-8"
        );
    }
}
