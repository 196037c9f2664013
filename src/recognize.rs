//! Recognising an error code in pasted text: the code itself, the exact
//! message, an older form, or the message inside surrounding chatter.
//!
//! Every code's `patterns` (case-insensitive regular expressions, with named
//! captures for the values that vary) are tried on the normalised text. When
//! several codes match, the most specific one wins and the others are kept as
//! alternatives; see [`Specificity`].

pub mod message;

pub use crate::util::text::{normalize, strip_code_prefix};
use std::collections::BTreeMap;

use serde::Serialize;

use crate::rules::{Code, RuleBase};

/// Pasted text beyond this many bytes is not examined: an error message is a
/// line or two. Pattern matching is linear, so a pasted log of this size is
/// still searched whole.
pub const MAX_EXAMINED: usize = 1024 * 1024;
/// "Did you mean" compares words with typos forgiven, which is not linear:
/// only this much of the text takes part.
pub const MAX_SUGGESTED: usize = 64 * 1024;

/// The part of `text` that is examined: at most [`MAX_EXAMINED`] bytes, cut
/// at a character boundary. The flag says whether anything was cut.
pub fn examined(text: &str) -> (&str, bool) {
    cut(text, MAX_EXAMINED)
}

fn cut(text: &str, limit: usize) -> (&str, bool) {
    if text.len() <= limit {
        return (text, false);
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (&text[..end], true)
}

/// The note printed when a text was cut before examining it.
pub fn truncation_note(total_bytes: usize) -> String {
    format!(
        "note: the text is {total_bytes} bytes long; only its first {MAX_EXAMINED} bytes were examined"
    )
}

/// Does the text look like a bare code (`NS0109`, `ns0109`) rather than a message?
pub fn looks_like_code(text: &str) -> bool {
    let t = text.trim();
    let letters = t.chars().take_while(|c| c.is_ascii_alphabetic()).count();
    letters > 0 && letters < t.len() && t[letters..].chars().all(|c| c.is_ascii_digit())
}

/// Another code the text matched, less specifically than the one chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alternative {
    pub code: String,
    /// Its message without the code prefix, so a person can tell them apart.
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recognition {
    pub code: String,
    /// Named captures of the pattern that matched (record type, report ID …),
    /// made printable.
    pub captures: BTreeMap<String, String>,
    /// Other codes the text also matched, most specific first.
    pub alternatives: Vec<Alternative>,
    /// Whether the text was longer than [`MAX_EXAMINED`] and cut.
    pub truncated: bool,
    /// The pasted text, normalised, redacted, printable, at most
    /// [`MAX_QUOTED`] characters: what a ticket quotes when asked to
    /// (`--include-raw-message`).
    pub pasted: String,
}

/// How much of a pasted text a ticket quotes.
pub const MAX_QUOTED: usize = 1000;

/// How specifically a text matched one code; compared field by field, so a
/// pattern match beats a bare mention of a code, the code printed in the text
/// beats one that is not (the product's code is authoritative), and then the
/// longer fixed text wins (captured values vary, so they do not count).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Specificity {
    pub by_pattern: bool,
    pub mentioned: bool,
    pub literal_len: usize,
}

struct Candidate<'a> {
    specificity: Specificity,
    code: &'a Code,
    captures: BTreeMap<String, String>,
}

/// Finds the code a pasted text is about, or `None` when nothing matches.
pub fn recognize(rules: &RuleBase, text: &str) -> Option<Recognition> {
    let (text, truncated) = examined(text);
    let normalized = normalize(text);
    let mut candidates: Vec<Candidate> = rules
        .codes()
        .filter_map(|(_, code)| candidate(code, &normalized))
        .collect();
    candidates.sort_by(|a, b| {
        b.specificity
            .cmp(&a.specificity)
            .then_with(|| a.code.code.cmp(&b.code.code))
    });
    let mut iter = candidates.into_iter();
    let best = iter.next()?;
    Some(Recognition {
        code: best.code.code.clone(),
        captures: best.captures,
        alternatives: iter
            .map(|c| Alternative {
                code: c.code.code.clone(),
                message: strip_code_prefix(&c.code.message).to_string(),
            })
            .collect(),
        truncated,
        // Redacted whole, then cut: a secret across the cut must not leave its start.
        pasted: crate::util::text::excerpt(&crate::util::redact::redact(&normalized), MAX_QUOTED),
    })
}

/// How the normalised text matches one code, if at all.
fn candidate<'a>(code: &'a Code, normalized: &str) -> Option<Candidate<'a>> {
    let mentioned = contains_code(normalized, &code.code);
    let best = code
        .patterns
        .iter()
        .filter_map(crate::rules::Pattern::regex)
        .filter_map(|re| {
            re.captures(normalized)
                .map(|c| (re, literal_len(re, &c), c))
        })
        .max_by_key(|(_, len, _)| *len);
    let Some((re, literal_len, caps)) = best else {
        return mentioned.then(|| Candidate {
            specificity: Specificity {
                by_pattern: false,
                mentioned,
                literal_len: 0,
            },
            code,
            captures: BTreeMap::new(),
        });
    };
    let captures = re
        .capture_names()
        .flatten()
        .filter_map(|n| {
            caps.name(n).map(|m| {
                // Captured values reach every output: redact them here, once.
                (
                    n.to_string(),
                    crate::util::text::printable(
                        &crate::util::redact::redact(m.as_str().trim()),
                        false,
                    ),
                )
            })
        })
        .filter(|(_, v)| !v.is_empty())
        .collect();
    Some(Candidate {
        specificity: Specificity {
            by_pattern: true,
            mentioned,
            literal_len,
        },
        code,
        captures,
    })
}

/// The length of a match without what its named groups captured.
fn literal_len(re: &regex::Regex, caps: &regex::Captures) -> usize {
    let whole = caps.get(0).map_or(0, |m| m.len());
    let captured: usize = re
        .capture_names()
        .flatten()
        .filter_map(|n| caps.name(n))
        .map(|m| m.len())
        .sum();
    whole.saturating_sub(captured)
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

/// The codes whose messages are most like the text, best first, for "did
/// you mean": scored by the share of a message's words found in the text
/// (typos forgiven), keeping only scores near the best so that a clear
/// favourite is not diluted by codes that merely share a word.
pub fn nearest(rules: &RuleBase, text: &str, n: usize) -> Vec<(String, String)> {
    let text_words = significant_words(&normalize(cut(text, MAX_SUGGESTED).0));
    let mut scored: Vec<(f64, String, String)> = rules
        .codes()
        .map(|(_, c)| {
            let message = strip_code_prefix(&c.message);
            let score = word_overlap(&text_words, &significant_words(message));
            (score, c.code.clone(), message.to_string())
        })
        .filter(|(s, _, _)| *s >= MIN_OVERLAP)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let best = scored.first().map_or(0.0, |(s, _, _)| *s);
    scored
        .into_iter()
        .filter(|(s, _, _)| *s >= best * NEAR_BEST)
        .take(n)
        .map(|(_, c, m)| (c, m))
        .collect()
}

/// A message must share at least this part of its words to be suggested…
const MIN_OVERLAP: f64 = 0.25;
/// …and score at least this part of the best suggestion's score.
const NEAR_BEST: f64 = 0.6;

/// "Failed to login to NetSuite. Please verify …" → "Failed to login to NetSuite".
pub fn first_clause(message: &str) -> &str {
    message
        .split_once(". ")
        .map_or(message.trim_end_matches('.'), |(first, _)| first)
}

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Words that carry meaning: longer than three letters, lower case.
fn significant_words(s: &str) -> Vec<String> {
    words(s).into_iter().filter(|w| w.len() > 3).collect()
}

/// The share of `message` words found in `text`; a word also counts when
/// it is a near spelling (one or two typos in a long word).
fn word_overlap(text: &[String], message: &[String]) -> f64 {
    if text.is_empty() || message.is_empty() {
        return 0.0;
    }
    let found = |w: &String| {
        text.iter()
            .any(|t| t == w || (w.len() >= 5 && strsim::normalized_levenshtein(t, w) >= 0.8))
    };
    message.iter().filter(|w| found(w)).count() as f64 / message.len() as f64
}

/// Codes whose code, message or title contain every one of the search words.
/// A word matches a word of the text that starts with it ("cred" finds
/// "credentials") or two adjacent words written together ("login" finds
/// "log in"); case and punctuation are ignored.
pub fn search<'a>(
    rules: &'a RuleBase,
    query: &[String],
) -> Vec<(&'a crate::rules::Integration, &'a Code)> {
    let wanted: Vec<String> = query.iter().flat_map(|q| words(q)).collect();
    rules
        .codes()
        .filter(|(_, code)| {
            let fm = &code.front_matter;
            let haystack = [
                code.code.as_str(),
                &code.message,
                &fm.title,
                fm.display_title.as_deref().unwrap_or(""),
            ]
            .join(" ");
            let tokens = words(&haystack);
            wanted.iter().all(|w| has_word(&tokens, w))
        })
        .collect()
}

fn has_word(tokens: &[String], word: &str) -> bool {
    tokens.iter().any(|t| t.starts_with(word))
        || tokens.windows(2).any(|pair| {
            format!("{}{}", pair[0], pair[1]).starts_with(word) && word.len() > pair[0].len()
        })
}

/// Pasted text for a ticket: credentials out, and nothing that could drive a
/// terminal; line breaks of a multi-line paste fold into spaces first.
pub fn clean_pasted(s: &str) -> String {
    crate::util::text::printable(&crate::util::redact::redact(&normalize(s)), false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_folds_quotes_and_space() {
        assert_eq!(normalize("  a\u{201C}b\u{201D}\n\n  c  "), "a\"b\" c");
        assert_eq!(normalize("lo\u{200B}gin"), "login");
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

    #[test]
    fn overlap_counts_message_words_and_forgives_typos() {
        let text = significant_words("could not logn to netsuite, check the admin credentails");
        let message =
            significant_words("Failed to login to NetSuite. Please verify your admin credentials.");
        // login (typo), netsuite, admin, credentials (typo) of 8 words.
        assert_eq!(word_overlap(&text, &message), 0.5);
        assert_eq!(word_overlap(&[], &message), 0.0);
    }

    #[test]
    fn examined_cuts_at_a_char_boundary() {
        let text = "é".repeat(MAX_EXAMINED);
        let (head, cut) = examined(&text);
        assert!(cut);
        assert!(head.len() <= MAX_EXAMINED && head.len() >= MAX_EXAMINED - 1);
        assert_eq!(examined("short"), ("short", false));
    }

    #[test]
    fn literal_length_leaves_out_captures() {
        let re = regex::Regex::new(r"report (?P<id>\w+) failed").unwrap();
        let caps = re.captures("report R12345 failed").unwrap();
        assert_eq!(literal_len(&re, &caps), "report  failed".len());
    }

    #[test]
    fn search_words_match_prefixes_and_joined_words() {
        let tokens = words("Failed to log in to NetSuite");
        assert!(has_word(&tokens, "login"));
        assert!(has_word(&tokens, "netsu"));
        assert!(!has_word(&tokens, "password"));
    }

    #[test]
    fn specificity_orders_pattern_then_mention_then_length() {
        let s = |by_pattern, mentioned, literal_len| Specificity {
            by_pattern,
            mentioned,
            literal_len,
        };
        assert!(s(true, false, 1) > s(false, true, 0));
        assert!(s(true, true, 10) > s(true, false, 90));
        assert!(s(true, false, 90) > s(true, false, 10));
    }
}
