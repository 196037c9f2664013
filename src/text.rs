//! Help-site Markdown → plain text, for the terminal (`--format text`) and for
//! comparing an article with the published page as a reader sees it.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// Drops a leading `---` front-matter block.
pub fn strip_front_matter(md: &str) -> &str {
    let Some(rest) = md.strip_prefix("---\n") else {
        return md;
    };
    match rest.find("\n---\n") {
        Some(end) => &rest[end + 5..],
        None => md,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_headings_and_bold() {
        let md = "---\ntitle: x\n---\n\n# Title\n\nSome **bold** text.\n\n1. One\n2. Click **Save**.\n   - nested\n\n- bullet\n";
        assert_eq!(
            markdown_to_text(md),
            "Title\n\nSome bold text.\n\n  1. One\n  2. Click Save.\n    • nested\n\n  • bullet\n"
        );
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
