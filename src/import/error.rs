//! Why an article could not be read into an outline.

use thiserror::Error;

/// An article that cannot be outlined, with the file and, where known, the line.
#[derive(Debug, Error)]
pub enum ArticleError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path}: over the {limit} byte limit for one article; a help article is a page of text"
    )]
    TooLarge { path: String, limit: u64 },
    #[error("{path}:{line}: not UTF-8 text; save the article as UTF-8")]
    NotUtf8 { path: String, line: usize },
    #[error("{path}:1: starts with a byte-order mark; save the article as UTF-8 without one")]
    ByteOrderMark { path: String },
    #[error(
        "{path}:{line}: a carriage return (Windows line ending); save the article with LF line endings"
    )]
    CarriageReturn { path: String, line: usize },
    #[error(
        "{path}:1: no front matter; an article starts with a `---` line, its `key: value` lines and another `---` line"
    )]
    NoFrontMatter { path: String },
    #[error("{path}:{line}:{column}: the front matter is not YAML: {message}")]
    FrontMatterNotYaml {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}:{line}: the front matter is {found}, not a mapping of `key: value` lines")]
    FrontMatterNotMapping {
        path: String,
        line: usize,
        found: &'static str,
    },
    #[error("{path}:{line}: front matter `{key}` is {found}; a value is text or a list of text")]
    FrontMatterValue {
        path: String,
        line: usize,
        key: String,
        found: &'static str,
    },
}
