//! serde-saphyr's parse errors as findings a writer can act on: a code by
//! kind, the field named, the allowed fields listed, the duplicate's first
//! occurrence shown.

use std::ops::Range;

use crate::diag::Code;
use crate::diag::{FileId, Span};
use crate::diag::{Finding, closest};

use super::load::byte_offset_of;

/// Turns a serde-saphyr error into a finding at its location.
pub fn finding(file: FileId, text: &str, err: &serde_saphyr::Error) -> Finding {
    let message = err.without_snippet().to_string();
    // The library appends " at line L, column C"; the span carries that.
    let message = match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message,
    };
    let offset = err
        .location()
        .map(|l| byte_offset_of(text, l.line() as usize, l.column() as usize))
        .unwrap_or(0)
        .min(text.len());
    let at = |range: Range<usize>, label: &'static str| {
        move |f: Finding| f.at(Span::new(file, range), label)
    };
    let token = token_at(text, offset);
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let (name, allowed) = unknown_field(rest);
        // `- This means: …` in a list of blocks: text holding `: ` read as a key.
        if name.contains(' ') {
            return at(token, "here")(Finding::new(
                Code::R001,
                "text containing `: ` must be quoted",
            ))
            .help("the text contains `: `, which YAML reads as a key; put the whole text in quotes (\"…\")");
        }
        let help = match closest(&name, allowed.iter().map(String::as_str)) {
            Some(near) => format!(
                "did you mean `{near}`? allowed here: {}",
                allowed.join(", ")
            ),
            None => format!("allowed here: {}", allowed.join(", ")),
        };
        return at(token, "not a field here")(Finding::new(
            Code::R003,
            format!("unknown field `{name}`"),
        ))
        .help(help);
    }
    if message.contains(crate::rules::raw::EMPTY_LIST) {
        let field = field_at(text, offset).unwrap_or_else(|| "this list".into());
        return at(token, "empty here")(Finding::new(
            Code::R013,
            format!("{field} is an empty list"),
        ))
        .help("an optional part is left out when absent; remove the key, or fill it in");
    }
    if message.contains("unknown anchor") || message.contains("alias") {
        return at(token, "here")(Finding::new(
            Code::R001,
            "text starting with `*` or `&` must be quoted",
        ))
        .help(
            "YAML reads a leading `*` as an alias: put the whole text in quotes (\"**Save** …\")",
        );
    }
    if message.starts_with("invalid value") {
        return at(token, "here")(Finding::new(Code::R006, message.clone()))
            .help("see docs/rules.md for what this key takes");
    }
    if message.starts_with("missing field") {
        let help = "add the field; docs/authoring.md lists what each file needs";
        return match (parent_key(text, offset), list_entry(text, offset)) {
            // In a list: the entry that lacks it, not the list's key.
            (Some((parent, _)), Some(entry)) => at(entry, "this entry")(Finding::new(
                Code::R004,
                format!("{message} in this `{parent}` entry"),
            )),
            (Some((parent, range)), None) => at(range, "in this mapping")(Finding::new(
                Code::R004,
                format!("{message} in `{parent}`"),
            )),
            // Top level: the parser reports the end of the file, which says nothing.
            (None, _) => at(0..0, "this file")(Finding::new(Code::R004, message)),
        }
        .help(help);
    }
    if let Some(rest) = message.strip_prefix("duplicate mapping key: ") {
        let key = rest
            .split(", set ")
            .next()
            .unwrap_or(rest)
            .trim()
            .to_string();
        let mut f =
            at(token, "again here")(Finding::new(Code::R005, format!("duplicate key `{key}`")))
                .help("each key may appear once in a mapping; merge the two entries");
        if let Some(first) = first_occurrence(text, offset, &key) {
            f = f.also(Span::new(file, first), "first here");
        }
        return f;
    }
    if message.contains("mapping values are not allowed") {
        // `summary: Retry: now`: the second `: ` starts a mapping YAML cannot place.
        return at(token, "a second `: ` here")(Finding::new(
            Code::R001,
            "text containing `: ` must be quoted",
        ))
        .help("put the whole text in quotes (\"…\"), or reword it without `: `");
    }
    if message.contains("found a tab") || message.contains("tabs") {
        // The parser reports where the scalar started; the tab is on that line or after.
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let tab = text[line_start..]
            .find('\t')
            .map_or(offset, |i| line_start + i);
        return at(tab..(tab + 1).min(text.len()), "tab")(Finding::new(
            Code::R002,
            "tab character where YAML needs spaces",
        ))
        .help("indent with spaces, not tabs");
    }
    let nothing = text[offset..].starts_with(':')
        && text[offset + 1..]
            .split('\n')
            .next()
            .is_some_and(|l| l.trim().is_empty());
    if message.contains("null into string") || (nothing && expected_type(&message).is_some()) {
        let field = field_at(text, offset).unwrap_or_else(|| "this field".into());
        return at(offset..offset, "no value")(Finding::new(
            Code::R004,
            format!("{field} has no value"),
        ))
        .help("write the text after the colon, or remove the line");
    }
    if let Some(expected) = expected_type(&message) {
        let found = found_type(text, offset);
        let message = match field_at(text, offset) {
            Some(field) => format!("{field} should be {expected}, not {found}"),
            None => format!("expected {expected}, not {found}"),
        };
        // Text holding `: ` reads as a key and its value: the usual slip.
        let colon = expected == "text" && found == "a mapping";
        return at(token, "here")(Finding::new(Code::R006, message)).help(match expected {
            "text" if colon => {
                "the text contains `: `, which YAML reads as a key; put the whole text in quotes (\"…\")"
            }
            "text" => "write plain text; quote it (\"…\") if it starts with [ { : # or -",
            _ => "see docs/authoring.md for the shape of each field",
        });
    }
    at(token, "here")(Finding::new(Code::R001, message))
}

/// `x`, expected one of a, b, c` → ("x", [a, b, c]).
fn unknown_field(rest: &str) -> (String, Vec<String>) {
    let (name, expected) = rest.split_once(", expected").unwrap_or((rest, ""));
    let list = expected
        .trim_start_matches(" one of")
        .split([',', ' '])
        .map(|s| s.trim().trim_matches('`'))
        .filter(|s| !s.is_empty() && *s != "or")
        .map(str::to_string)
        .collect();
    (name.trim().trim_matches('`').to_string(), list)
}

fn expected_type(message: &str) -> Option<&'static str> {
    let m = message.to_lowercase();
    Some(if m.contains("string") {
        "text"
    } else if m.contains("sequence") {
        "a list"
    } else if m.contains("mapping") || m.contains("struct") || m.contains("map") {
        "a mapping of fields"
    } else if m.contains("u32") || m.contains("u64") || m.contains("integer") {
        "a whole number"
    } else if m.contains("bool") {
        "true or false"
    } else if m.starts_with("invalid") || m.starts_with("expected") {
        "something else"
    } else {
        return None;
    })
}

/// What the value at `offset` looks like to a writer.
fn found_type(text: &str, offset: usize) -> &'static str {
    let rest = text[offset..].trim_start_matches([' ', '\n', '\r']);
    match rest.chars().next() {
        Some('[') | Some('-') => "a list",
        Some('{') => "a mapping",
        Some(_) if rest.split('\n').next().is_some_and(|l| l.contains(": ")) => "a mapping",
        Some(_) => "text",
        None => "nothing",
    }
}

/// The token at `offset`: up to the end of the line, a `:` or a `,`.
fn token_at(text: &str, offset: usize) -> Range<usize> {
    let end = text[offset..]
        .find(['\n', ':', ','])
        .map_or(text.len(), |e| offset + e.max(1));
    offset..end.min(text.len())
}

/// The mapping key whose value sits at `offset`, quoted for a message: on
/// the same line (`kind`), or the list it is an item of (an item of `patterns`).
fn field_at(text: &str, offset: usize) -> Option<String> {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    // The location may be the key's own colon (`lead:` with no value).
    let end = if text[offset..].starts_with(':') {
        offset + 1
    } else {
        offset
    };
    if let Some(key) = last_key(&text[line_start..end]) {
        return Some(format!("`{key}`"));
    }
    parent_key(text, offset).map(|(k, _)| format!("an item of `{k}`"))
}

/// The last `key:` in a line prefix.
fn last_key(prefix: &str) -> Option<String> {
    let colon = prefix
        .trim_end()
        .strip_suffix(':')
        .map(str::len)
        .or_else(|| prefix.rfind(": "))?;
    let head = &prefix[..colon];
    let start = head
        .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
        .map_or(0, |i| i + 1);
    let key = &head[start..];
    (!key.is_empty()).then(|| key.to_string())
}

/// The key of the nearest line above, indented less, that opens a block,
/// and the byte range of that key.
/// The list entry whose line holds `offset` (`- question: …`): the range of
/// its first line after the dash.
fn list_entry(text: &str, offset: usize) -> Option<Range<usize>> {
    let line_start = text.get(..offset)?.rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let line = text[line_start..line_end].trim_end_matches('\r');
    let body = line.trim_start();
    let rest = body.strip_prefix('-')?;
    if !rest.starts_with(' ') {
        return None;
    }
    let start = line_start + (line.len() - rest.trim_start().len());
    let end = line_start + line.trim_end().len();
    (start < end).then_some(start..end)
}

fn parent_key(text: &str, offset: usize) -> Option<(String, Range<usize>)> {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..];
    let indent = line.len() - line.trim_start_matches([' ', '-']).len();
    if indent == 0 {
        return None; // A top-level key has no parent.
    }
    let mut end = line_start;
    // split_inclusive keeps exact byte lengths (CRLF included).
    for raw in text[..line_start].split_inclusive('\n').rev() {
        let start = end - raw.len();
        let l = raw.trim_end_matches(['\n', '\r']);
        end = start;
        let body = l.trim_start_matches([' ', '-']);
        if body.trim().is_empty() || body.starts_with('#') || l.len() - body.len() >= indent {
            continue;
        }
        let key = last_key(l.trim_end())?;
        let at = start + l.find(key.as_str())?;
        return Some((key.clone(), at..at + key.len()));
    }
    None
}

/// The earlier `key:` at the same indentation as the duplicate at `offset`.
fn first_occurrence(text: &str, offset: usize, key: &str) -> Option<Range<usize>> {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let indent = offset - line_start;
    let mut pos = line_start;
    for raw in text[..line_start].split_inclusive('\n').rev() {
        pos -= raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let this_indent = line.len() - line.trim_start().len();
        let body = line.trim_start().trim_start_matches("- ");
        let item_indent = line.len() - body.len();
        if (this_indent == indent || item_indent == indent) && body.starts_with(&format!("{key}:"))
        {
            let start = pos + item_indent;
            return Some(start..start + key.len());
        }
        if this_indent < indent && !line.trim().is_empty() && item_indent < indent {
            break;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_named() {
        let text = "id: x\nkind: [sync\n";
        assert_eq!(field_at(text, 12).as_deref(), Some("`kind`"));
        assert_eq!(field_at("a: 1\nlead:\n", 9).as_deref(), Some("`lead`"));
        let text = "patterns:\n  - [a]\n";
        assert_eq!(field_at(text, 14).as_deref(), Some("an item of `patterns`"));
    }

    #[test]
    fn unknown_field_lists_the_allowed() {
        let (name, allowed) = unknown_field("`titel`, expected one of title, lead");
        assert_eq!(name, "titel");
        assert_eq!(allowed, ["title", "lead"]);
        let (_, allowed) = unknown_field("`x`, expected `a` or `b`");
        assert_eq!(allowed, ["a", "b"]);
    }

    #[test]
    fn duplicate_points_at_the_first() {
        let text = "a:\n  name: x\n  other: y\n  name: z\n";
        let dup = text.rfind("name").unwrap();
        let first = first_occurrence(text, dup, "name").unwrap();
        assert_eq!(first, 5..9);
    }
}
