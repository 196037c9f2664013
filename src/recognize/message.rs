//! The "full error message" a ticket quotes, built from what was recognised
//! (an allow-list), not from the paste: the code's own message with each
//! value its pattern captures replaced by the value the paste gave, when that
//! value has its placeholder's shape. Whatever else the paste held, a secret
//! in the chatter around the message say, never reaches the ticket this way.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::rules::Code;

/// Longer captured values are not an ID, a record type or an email.
pub const MAX_VALUE: usize = 200;

/// Shown in place of a value that does not have its placeholder's shape.
pub const NOT_SHOWN: &str = "(not shown)";

/// The code's message with the recognised values in place of its examples,
/// or `None` when no pattern marks where the values go in the message.
pub fn with_values(code: &Code, captures: &BTreeMap<String, String>) -> Option<String> {
    let message = super::normalize(&code.message);
    for re in code
        .patterns
        .iter()
        .filter_map(crate::rules::Pattern::regex)
    {
        let Some(caps) = re.captures(&message) else {
            continue;
        };
        let slots: Vec<(Range<usize>, &str)> = re
            .capture_names()
            .flatten()
            .filter_map(|name| caps.name(name).map(|m| (m.range(), name)))
            .filter(|(range, _)| !range.is_empty())
            .collect();
        if slots.is_empty() {
            continue;
        }
        let mut out = String::with_capacity(message.len());
        let mut at = 0;
        for (range, name) in slots {
            if range.start < at {
                continue;
            }
            out.push_str(&message[at..range.start]);
            match captures.get(name) {
                Some(value) if fits(re, &message, &range, name, value) => out.push_str(value),
                Some(_) => out.push_str(NOT_SHOWN),
                // Not captured from the paste: the message's own example stays.
                None => out.push_str(&message[range.clone()]),
            }
            at = range.end;
        }
        out.push_str(&message[at..]);
        return Some(out);
    }
    None
}

/// Whether `value`, put in place of the example at `range`, is what the
/// pattern's group `name` captures there again (its shape), and is plain
/// text: printable, not cut down by redaction, not too long.
fn fits(re: &regex::Regex, message: &str, range: &Range<usize>, name: &str, value: &str) -> bool {
    let plain = value.chars().count() <= MAX_VALUE
        && !value.contains(crate::util::redact::REDACTED)
        && crate::util::text::printable(value, false) == value
        && crate::util::redact::redact(value) == value;
    if !plain {
        return false;
    }
    let candidate = format!(
        "{}{value}{}",
        &message[..range.start],
        &message[range.end..]
    );
    re.captures(&candidate)
        .and_then(|c| c.name(name))
        .is_some_and(|m| m.start() == range.start && m.as_str() == value)
}
