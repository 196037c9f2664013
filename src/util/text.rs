//! Help-site Markdown → plain text, for the terminal (`--format text`) and for
//! comparing an article with the published page as a reader sees it.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// Splits a leading `---` front-matter block from the body; none gives an
/// empty one.
/// Where the two ASCII characters `pair` first occur in `s`. `str::find`
/// with a string sets up a two-way searcher on every call, which for a
/// needle of two bytes costs more than searching the short texts of a rule
/// file: validation looks for `${` in every text.
pub fn find_pair(s: &str, pair: [char; 2]) -> Option<usize> {
    debug_assert!(pair[0].is_ascii() && pair[1].is_ascii());
    let mut from = 0;
    while let Some(i) = s[from..].find(pair[0]) {
        let at = from + i;
        if s.as_bytes().get(at + 1) == Some(&(pair[1] as u8)) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

pub fn split_front_matter(markdown: &str) -> (&str, &str) {
    markdown
        .strip_prefix("---\n")
        .and_then(|rest| {
            let end = rest.find("\n---\n")?;
            Some((&rest[..=end], &rest[end + 5..]))
        })
        .unwrap_or(("", markdown))
}

/// Drops a leading `---` front-matter block.
pub fn strip_front_matter(md: &str) -> &str {
    split_front_matter(md).1
}

/// Renders Markdown as plain text: one block a paragraph, `•` and `1.` list
/// markers, markup removed.
pub fn markdown_to_text(md: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    // One entry per open list: the next number, or None for bullets.
    let mut lists: Vec<Option<u64>> = Vec::new();
    let flush = |out: &mut String, line: &mut String| {
        let trimmed = line.trim_end();
        if !trimmed.trim().is_empty() {
            out.push_str(trimmed);
            out.push('\n');
        }
        line.clear();
    };
    for event in Parser::new(strip_front_matter(md)) {
        match event {
            Event::Start(Tag::List(start)) => {
                flush(&mut out, &mut line);
                lists.push(start);
            }
            Event::End(TagEnd::List(_)) => {
                flush(&mut out, &mut line);
                lists.pop();
                if lists.is_empty() {
                    out.push('\n');
                }
            }
            Event::Start(Tag::Item) => {
                flush(&mut out, &mut line);
                let indent = "  ".repeat(lists.len());
                let marker = match lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{}.", *n - 1)
                    }
                    _ => "•".to_string(),
                };
                line.push_str(&format!("{indent}{marker} "));
            }
            Event::End(TagEnd::Item) => flush(&mut out, &mut line),
            Event::End(TagEnd::Paragraph) => {
                flush(&mut out, &mut line);
                if lists.is_empty() {
                    out.push('\n');
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                flush(&mut out, &mut line);
                out.push('\n');
            }
            Event::Rule => out.push('\n'),
            Event::Text(t) | Event::Code(t) => line.push_str(&t),
            Event::SoftBreak => line.push(' '),
            Event::HardBreak => flush(&mut out, &mut line),
            _ => {}
        }
    }
    flush(&mut out, &mut line);
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// One line of rule text without its inline markup (`**Save**` → `Save`).
pub fn strip_inline(text: &str) -> String {
    let mut out = String::new();
    for event in Parser::new(text) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            _ => {}
        }
    }
    out
}

/// User-given text made safe to echo to a terminal: control characters
/// (escape sequences, carriage returns, bells), bidirectional overrides and
/// zero-width characters are shown as `\u{..}` instead of being acted on.
/// Line breaks are escaped too unless `keep_newlines` is set.
pub fn printable(text: &str, keep_newlines: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if (c == '\n' && keep_newlines) || !is_unsafe_char(c) {
            out.push(c);
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    out
}

/// At most `max` characters of `text`, printable, with `…` when cut.
pub fn excerpt(text: &str, max: usize) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(max).collect();
    let cut = chars.next().is_some();
    let mut out = printable(&head, false);
    if cut {
        out.push('…');
    }
    out
}

fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// Folds what differs between copies of one message: curly quotes, runs of
/// white space and line breaks, zero-width characters.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        let c = match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{2032}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{2033}' => '"',
            '\u{00A0}' => ' ',
            '\u{200B}'..='\u{200D}' | '\u{FEFF}' => continue,
            c => c,
        };
        if c.is_whitespace() {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

/// The message without its leading "NS0109 Sync Error: " part.
pub fn strip_code_prefix(message: &str) -> &str {
    message.split_once(": ").map_or(message, |(_, rest)| rest)
}

/// The byte range of 1-based `line` of `text`, without its line break
/// (an empty range at the end for a line past the last).
pub fn line_range(text: &str, line: usize) -> std::ops::Range<usize> {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let start = start.min(text.len());
    let end = text[start..].find('\n').map_or(text.len(), |e| start + e);
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_found_where_str_find_finds_them() {
        for text in [
            "", "$", "{", "${", "a$b${c}", "$$${", "é${x}", "$ {", "]:", "[a]]:b", "{:",
        ] {
            for pair in [['$', '{'], [']', ':'], ['{', ':']] {
                let needle: String = pair.iter().collect();
                assert_eq!(
                    find_pair(text, pair),
                    text.find(&needle),
                    "{text:?} {needle:?}"
                );
            }
        }
    }

    #[test]
    fn lists_headings_and_bold() {
        let md = "---\ntitle: x\n---\n\n# Title\n\nSome **bold** text.\n\n1. One\n2. Click **Save**.\n   - nested\n\n- bullet\n";
        assert_eq!(
            markdown_to_text(md),
            "Title\n\nSome bold text.\n\n  1. One\n  2. Click Save.\n    • nested\n\n  • bullet\n"
        );
    }

    #[test]
    fn printable_escapes_terminal_controls() {
        assert_eq!(
            printable("a\u{1b}[31mred\u{7}", false),
            "a\\u{1b}[31mred\\u{7}"
        );
        assert_eq!(printable("x\ny\rz", true), "x\ny\\u{d}z");
        assert_eq!(printable("x\ny", false), "x\\u{a}y");
        assert_eq!(printable("\u{202E}evil", false), "\\u{202e}evil");
        assert_eq!(printable("Café “ok”", false), "Café “ok”");
    }

    #[test]
    fn excerpt_cuts_and_marks() {
        assert_eq!(excerpt("abcdef", 3), "abc…");
        assert_eq!(excerpt("abc", 3), "abc");
    }

    #[test]
    fn strip_inline_removes_markup() {
        assert_eq!(
            strip_inline("Go to **Settings > Workspaces**."),
            "Go to Settings > Workspaces."
        );
        assert_eq!(strip_inline("Use `12345678_SB1`."), "Use 12345678_SB1.");
    }
}
