//! Where in its file a piece of rule text is, when the validator holds only
//! a wider span (many texts are read without their own, e.g. `meaning:`
//! items): a finding should point at the text, not at `code:`.

use std::ops::Range;

use super::validate::span_within;
use crate::diag::{Sources, Span};

/// Pieces shorter than this are too common to find by search.
const MIN_NEEDLE: usize = 3;
/// How much of the text before a problem is searched for when neither the
/// text nor the problem itself is written verbatim.
const CONTEXT: usize = 24;

/// The span of `range` of `text`: inside `whole` when the file holds the
/// text there verbatim; else where the file holds the whole text, or the
/// problem itself, or the text just before it; else `whole`.
pub fn locate(sources: &Sources, whole: &Span, text: &str, range: Range<usize>) -> Span {
    let within = span_within(sources, whole, text, range.clone());
    if within != *whole || text.get(range.clone()).is_none() {
        return within;
    }
    let file = sources.get(whole.file);
    let source = file.text.as_str();
    let at = |start: usize, len: usize| Span::new(whole.file, start..start + len);
    // The whole text, written as is (a plain or single-quoted scalar on one line).
    if text.len() >= MIN_NEEDLE
        && let Some(p) = source.find(text)
    {
        return at(p + range.start, range.len());
    }
    // The problem itself, e.g. `${nmae}` or `<script>`.
    let problem = &text[range.clone()];
    if problem.len() >= MIN_NEEDLE
        && let Some(p) = source.find(problem)
    {
        return at(p, problem.len());
    }
    // The text just before it, on its line: the problem is an escape (`\r`) there.
    let line_start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let mut from = range.start.saturating_sub(CONTEXT).max(line_start);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let before = &text[from..range.start];
    if before.len() >= MIN_NEEDLE
        && let Some(p) = source.find(before)
    {
        let start = p + before.len();
        let len = source[start..].chars().next().map_or(0, char::len_utf8);
        return at(start, len);
    }
    whole.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_found_in_their_file() {
        let mut sources = Sources::default();
        let yaml =
            "code: NS1\nmeaning:\n  - First.\n  - Uses ${nmae} here.\ndescription: \"Abc.\\rB\"\n";
        let file = sources.add("a.yaml", yaml);
        let code = Span::new(file, 6..9);
        let text = "Uses ${nmae} here.";
        let span = locate(&sources, &code, text, 5..12);
        assert_eq!(&yaml[span.range], "${nmae}");
        let span = locate(&sources, &code, "Abc.\rB", 4..5);
        assert_eq!(&yaml[span.range.start..span.range.start + 2], "\\r");
        assert_eq!(locate(&sources, &code, "zz", 0..1), code);
    }
}
