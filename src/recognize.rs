//! Recognising an error code in pasted text: the code itself, the exact
//! message, an older form, or the message inside surrounding chatter.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::rules::RuleBase;

/// Folds what differs between copies of one message: curly quotes, runs of
/// white space and line breaks.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        let c = match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{2032}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{2033}' => '"',
            '\u{00A0}' => ' ',
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

/// Does the text look like a bare code (`NS0109`, `ns0109`) rather than a message?
pub fn looks_like_code(text: &str) -> bool {
    let t = text.trim();
    let letters = t.chars().take_while(|c| c.is_ascii_alphabetic()).count();
    letters > 0 && letters < t.len() && t[letters..].chars().all(|c| c.is_ascii_digit())
}

#[derive(Debug, Clone, Serialize)]
pub struct Recognition {
    pub code: String,
    /// Named captures of the pattern that matched (record type, report ID …).
    pub captures: BTreeMap<String, String>,
    /// Other codes the text also matched, less specifically.
    pub alternatives: Vec<String>,
}

/// Finds the code a pasted text is about. A pattern match counts for more
/// than a bare mention of a code; a longer match is more specific.
pub fn recognize(rules: &RuleBase, text: &str) -> Option<Recognition> {
    let normalized = normalize(text);
    let mut candidates: Vec<(usize, String, BTreeMap<String, String>)> = Vec::new();
    for (_, code) in rules.codes() {
        let mentioned = contains_code(&normalized, &code.code);
        let best = code
            .patterns
            .iter()
            .filter_map(|re| re.captures(&normalized).map(|c| (re, c)))
            .max_by_key(|(_, c)| c.get(0).map_or(0, |m| m.len()));
        let score = match &best {
            Some((_, c)) => {
                1000 + c.get(0).map_or(0, |m| m.len()) + if mentioned { 500 } else { 0 }
            }
            None if mentioned => 1,
            None => continue,
        };
        let captures = best
            .map(|(re, c)| {
                re.capture_names()
                    .flatten()
                    .filter_map(|n| c.name(n).map(|m| (n.to_string(), m.as_str().to_string())))
                    .collect()
            })
            .unwrap_or_default();
        candidates.push((score, code.code.clone(), captures));
    }
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut iter = candidates.into_iter();
    let (_, code, captures) = iter.next()?;
    Some(Recognition {
        code,
        captures,
        alternatives: iter.map(|(_, c, _)| c).collect(),
    })
}

fn contains_code(text: &str, code: &str) -> bool {
    let upper = text.to_ascii_uppercase();
    upper
        .match_indices(&code.to_ascii_uppercase())
        .any(|(i, m)| {
            let before = upper[..i].chars().next_back();
            let after = upper[i + m.len()..].chars().next();
            !before.is_some_and(|c| c.is_ascii_alphanumeric())
                && !after.is_some_and(|c| c.is_ascii_alphanumeric())
        })
}

/// The codes whose messages are most like the text, best first, for "did you mean".
pub fn nearest(rules: &RuleBase, text: &str, n: usize) -> Vec<(String, String)> {
    let text = normalize(text).to_lowercase();
    let mut scored: Vec<(f64, String, String)> = rules
        .codes()
        .map(|(_, c)| {
            let message = strip_code_prefix(&c.message);
            let score = strsim::jaro_winkler(&text, &message.to_lowercase())
                .max(word_overlap(&text, &message.to_lowercase()));
            (score, c.code.clone(), message.to_string())
        })
        .filter(|(s, _, _)| *s > 0.5)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().take(n).map(|(_, c, m)| (c, m)).collect()
}

/// The message without its leading "NS0109 Sync Error: " part.
pub fn strip_code_prefix(message: &str) -> &str {
    message.split_once(": ").map_or(message, |(_, rest)| rest)
}

fn word_overlap(a: &str, b: &str) -> f64 {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() > 3)
            .map(str::to_string)
            .collect()
    };
    let (a, b) = (words(a), words(b));
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let shared = b.iter().filter(|w| a.contains(w)).count();
    shared as f64 / b.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_folds_quotes_and_space() {
        assert_eq!(normalize("  a\u{201C}b\u{201D}\n\n  c  "), "a\"b\" c");
    }

    #[test]
    fn code_shapes() {
        assert!(looks_like_code("NS0109"));
        assert!(looks_like_code("ns0109"));
        assert!(!looks_like_code("NS0109 Sync Error"));
        assert!(!looks_like_code("0109"));
        assert!(!looks_like_code("NS"));
    }

    #[test]
    fn code_mention_needs_word_boundaries() {
        assert!(contains_code("error ns0109: x", "NS0109"));
        assert!(!contains_code("NS01099", "NS0109"));
    }
}
