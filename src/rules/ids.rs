//! The shape of ids. Ids become folder and file names, URLs, anchors and
//! search-index entries, so they are held to a strict shape at load: ASCII
//! letters, digits, `_` and `-` (a code is its prefix's letters and digits).
//! Anything else, a tab or a `:` say, is a finding (R019), not a silent accept.

use serde_saphyr::Spanned;

use super::validate::{span_within, value_span};
use crate::diag::Code;
use crate::diag::Finding;
use crate::diag::{FileId, Sources};

/// Longer ids are not names a writer chose.
pub const MAX_ID_LEN: usize = 64;

/// The kinds of id, each with its shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Integration, signal, procedure, snippet, cause: `[A-Za-z0-9_-]+`, starting alphanumeric.
    Name,
    /// An integration's code prefix: ASCII letters.
    Prefix,
    /// A code: ASCII letters (the prefix) then ASCII digits, e.g. `NS0109`.
    Code,
}

impl Shape {
    fn describe(self) -> &'static str {
        match self {
            Shape::Name => "ASCII letters, digits, `_` and `-`, starting with a letter or digit",
            Shape::Prefix => "ASCII letters only",
            Shape::Code => "the prefix's ASCII letters followed by digits, e.g. `NS0109`",
        }
    }

    /// The byte offset of the first character that breaks the shape, or
    /// `Some(len)` when the id is empty, too long or ends too early.
    fn first_bad(self, id: &str) -> Option<usize> {
        if id.is_empty() {
            return Some(0);
        }
        if id.len() > MAX_ID_LEN {
            return Some(MAX_ID_LEN);
        }
        let bytes = id.as_bytes();
        match self {
            Shape::Name => bytes.iter().enumerate().position(|(i, b)| {
                !(b.is_ascii_alphanumeric() || (i > 0 && matches!(b, b'_' | b'-')))
            }),
            Shape::Prefix => bytes.iter().position(|b| !b.is_ascii_alphabetic()),
            Shape::Code => {
                let letters = bytes.iter().take_while(|b| b.is_ascii_alphabetic()).count();
                if letters == 0 {
                    return Some(0);
                }
                match bytes[letters..].iter().position(|b| !b.is_ascii_digit()) {
                    Some(p) => Some(letters + p),
                    None if letters == bytes.len() => Some(letters),
                    None => None,
                }
            }
        }
    }
}

/// R019 when `id` (a `what`: "signal", "code", …) is not of its shape,
/// pointing at the first character that breaks it.
pub fn check(
    sources: &Sources,
    file: FileId,
    id: &Spanned<String>,
    shape: Shape,
    what: &str,
) -> Option<Finding> {
    let bad = shape.first_bad(&id.value)?;
    let bad = (0..=bad)
        .rev()
        .find(|i| id.value.is_char_boundary(*i))
        .unwrap_or(0);
    let whole = value_span(sources, file, id);
    let end = id.value[bad..]
        .chars()
        .next()
        .map_or(bad, |c| bad + c.len_utf8());
    let at = span_within(sources, &whole, &id.value, bad..end);
    let shown = crate::util::text::excerpt(&id.value, MAX_ID_LEN);
    Some(
        Finding::new(Code::R019, format!("{what} id `{shown}` is not a valid id"))
            .at(at, "not allowed in an id")
            .help(format!(
                "{what} ids are {} (at most {MAX_ID_LEN} characters): they become file names and links",
                shape.describe()
            )),
    )
}

#[cfg(test)]
mod tests {
    use super::Shape;

    #[test]
    fn shapes() {
        assert_eq!(Shape::Name.first_bad("token_revoked-2"), None);
        assert_eq!(Shape::Name.first_bad("java\tscript:alert(1)"), Some(4));
        assert_eq!(Shape::Name.first_bad("-x"), Some(0));
        assert_eq!(Shape::Name.first_bad(""), Some(0));
        assert_eq!(Shape::Name.first_bad("a/b"), Some(1));
        assert_eq!(Shape::Name.first_bad("café"), Some(3));
        assert_eq!(Shape::Code.first_bad("NS0109"), None);
        assert_eq!(Shape::Code.first_bad("NS"), Some(2));
        assert_eq!(Shape::Code.first_bad("0109"), Some(0));
        assert_eq!(Shape::Code.first_bad("NS01x9"), Some(4));
        assert_eq!(Shape::Prefix.first_bad("NS"), None);
        assert_eq!(Shape::Prefix.first_bad("N S"), Some(1));
        assert_eq!(Shape::Name.first_bad(&"a".repeat(65)), Some(64));
    }
}
