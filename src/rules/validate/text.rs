//! Inline texts: no markup that is unsafe (see [`super::markup`]), not
//! empty, no block structure, and `${name}` placeholders replaced.

use std::collections::BTreeMap;

use super::{Validator, Vars, markup};
use crate::diag::Code;
use crate::diag::Span;
use crate::diag::{Finding, did_you_mean};
use crate::util::text::find_pair;

impl<'a> Validator<'a> {
    /// [`Self::text_with`] where no variant's words apply.
    pub(super) fn text(&mut self, text: &str, vars: &Vars, span: &Span) -> Option<String> {
        static NONE: BTreeMap<String, String> = BTreeMap::new();
        self.text_with(text, vars, &NONE, span)
    }

    /// A text checked (markup, R013 empty, R014 block structure), with its
    /// `${name}` placeholders replaced; an unknown name is a finding.
    pub(super) fn text_with(
        &mut self,
        text: &str,
        vars: &Vars,
        words: &BTreeMap<String, String>,
        span: &Span,
    ) -> Option<String> {
        // Control characters, raw HTML and script links first: such a text is
        // not printed, whatever else it holds.
        let markup = markup::findings(self.sources, span, text);
        if markup.iter().any(Finding::is_error) {
            self.findings.extend(markup);
            return None;
        }
        self.findings.extend(markup);
        if text.trim().is_empty() {
            self.push(
                Finding::new(Code::R013, "this text is empty")
                    .at(span.clone(), "in text here")
                    .help("an optional part is left out when absent; remove the key, or write its text"),
            );
            return None;
        }
        if let Some(what) =
            block_structure(text).or_else(|| substituted_structure(text, vars, words))
        {
            self.push(
                Finding::new(Code::R014, format!("a text holds block structure: {what}"))
                    .at(span.clone(), "in text here")
                    .help("a text is inline Markdown on one line; write each paragraph, list, table or heading as a block of its own (see docs/rules.md, \"Blocks\")"),
            );
            return None;
        }
        self.substitute(text, vars, words, span)
    }

    /// The text with each `${name}` replaced by its value (R203 when a
    /// name is unknown or not closed).
    fn substitute(
        &mut self,
        text: &str,
        vars: &Vars,
        words: &BTreeMap<String, String>,
        span: &Span,
    ) -> Option<String> {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = find_pair(rest, ['$', '{']) {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                self.push(
                    Finding::new(Code::R203, "unclosed placeholder `${`")
                        .at(span.clone(), "in text used here")
                        .help("write placeholders as `${name}`"),
                );
                return None;
            };
            let name = &after[..end];
            let offset = text.len() - rest.len() + start;
            let value = words.get(name).map(String::as_str).or(vars.get(name));
            match value {
                Some(v) => out.push_str(v),
                None => {
                    let known: Vec<&str> = words
                        .keys()
                        .map(String::as_str)
                        .chain(Vars::NAMES)
                        .collect();
                    let help = did_you_mean(name, known.iter().copied()).unwrap_or_else(|| {
                        format!("known placeholders here: {}", known.join(", "))
                    });
                    // Located only now: searching the file is the costly part.
                    let at = crate::rules::locate::locate(
                        self.sources,
                        span,
                        text,
                        offset..offset + end + 3,
                    );
                    self.push(
                        Finding::new(Code::R203, format!("unknown placeholder `${{{name}}}`"))
                            .at(at, "not a known placeholder")
                            .help(help),
                    );
                    return None;
                }
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Some(out)
    }
}

/// What block structure a text holds, if any: a blank line, or a line that
/// Markdown would read as a heading, list item, table row, rule, quote,
/// fenced or indented code, HTML block or link definition.
fn block_structure(text: &str) -> Option<&'static str> {
    if text.trim().lines().any(|l| l.trim().is_empty()) {
        return Some("a blank line between paragraphs");
    }
    for (i, line) in text.lines().enumerate() {
        if line.starts_with("    ") || line.starts_with('\t') {
            return Some("an indented line (Markdown's code block)");
        }
        if let Some(what) = line_structure(line.trim_start(), i > 0) {
            return Some(what);
        }
    }
    None
}

fn line_structure(l: &str, continuation: bool) -> Option<&'static str> {
    // `m` alone, or `m` and a space or tab: a marker Markdown reads.
    let marker = |rest: &str| rest.is_empty() || rest.starts_with([' ', '\t']);
    let bare = |m: &str| l.strip_prefix(m).is_some_and(marker);
    let hashes = l.len() - l.trim_start_matches('#').len();
    if (1..=6).contains(&hashes) && (l.len() == hashes || l[hashes..].starts_with([' ', '\t'])) {
        return Some("a heading");
    }
    if bare("-") || bare("*") || bare("+") {
        return Some("a list item");
    }
    let digits = l.len() - l.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let after = &l[digits..];
    if digits > 0
        && [".", ")"]
            .iter()
            .any(|p| after.strip_prefix(p).is_some_and(marker))
    {
        return Some("a numbered item");
    }
    if l.starts_with('|') && l.len() > 1 {
        return Some("a table row");
    }
    if l.starts_with('>') {
        return Some("a block quote");
    }
    if l.starts_with("```") || l.starts_with("~~~") {
        return Some("a code fence");
    }
    if l.starts_with('<')
        && l[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!' || c == '?')
    {
        return Some("an HTML block");
    }
    if l.starts_with('[') && find_pair(l, [']', ':']).is_some_and(|at| !l[..at].contains(']')) {
        return Some("a link reference definition");
    }
    // The line's marks, without allocating: this runs on every line of every text.
    let marks = || l.chars().filter(|c| !c.is_whitespace());
    let first = marks().next();
    if let Some(m @ ('-' | '*' | '_')) = first
        && marks().nth(2).is_some()
        && marks().all(|c| c == m)
    {
        return Some("a `---` rule");
    }
    if continuation
        && let Some(m @ ('=' | '-')) = first
        && marks().all(|c| c == m)
    {
        return Some("a heading underline");
    }
    None
}

/// Block structure that only the substituted placeholders bring (a variant's
/// words, a product name).
fn substituted_structure(
    text: &str,
    vars: &Vars,
    words: &BTreeMap<String, String>,
) -> Option<&'static str> {
    find_pair(text, ['$', '{'])?;
    let mut out = text.to_string();
    for (name, value) in words {
        out = out.replace(&format!("${{{name}}}"), value);
    }
    for name in Vars::NAMES {
        if let Some(v) = vars.get(name) {
            out = out.replace(&format!("${{{name}}}"), v);
        }
    }
    block_structure(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_structure_in_a_text_is_named() {
        for (text, what) in [
            ("1. Check the token.", "a numbered item"),
            ("Step\n\nThen", "a blank line between paragraphs"),
            ("```", "a code fence"),
            ("~~~ js", "a code fence"),
            ("<!-- note", "an HTML block"),
            ("<div>", "an HTML block"),
            ("Foo\n===", "a heading underline"),
            ("    indented", "an indented line (Markdown's code block)"),
            ("-", "a list item"),
            ("1.", "a numbered item"),
            ("#", "a heading"),
            ("-\tTab item", "a list item"),
            ("[Note]: Reconnect.", "a link reference definition"),
            ("| a | b |", "a table row"),
        ] {
            assert_eq!(block_structure(text), Some(what), "{text:?}");
        }
        for text in [
            "Click **Save**.",
            "Go to **Setup > Integrations**.",
            "#1 priority for 3 steps",
            "Use [the guide](../A.md): it helps.",
            "a | b",
        ] {
            assert_eq!(block_structure(text), None, "{text:?}");
        }
    }
}
