//! R406: a code's pattern that also matches another code's exact message.
//!
//! Trying every pattern on every message is quadratic: 10,000 codes made
//! 10^8 regex searches and took a minute. Instead each pattern yields the
//! literal text every match of it must contain, compared under Unicode
//! simple case folding (patterns are case-insensitive); one Aho-Corasick
//! pass over the folded messages finds the few pairs worth running the
//! regex on. A pattern with no such literal is tried on every message.

use aho_corasick::AhoCorasick;
use regex_syntax::hir::{Class, ClassUnicode, ClassUnicodeRange, Hir, HirKind};

use super::{CodeFacts, Lint};
use crate::finding::Finding;
use crate::rules::pattern;
use crate::rules::raw::RawCode;
use crate::source::{FileId, Sources, Span};

/// One code's message and patterns, with where they are written.
#[derive(Debug)]
pub(super) struct Entry {
    code: String,
    /// Normalised, as recognition sees it.
    message: String,
    message_span: Span,
    patterns: Vec<(String, Span)>,
}

impl Entry {
    pub(super) fn new(sources: &Sources, file: FileId, code: &RawCode) -> Entry {
        let lint = Lint {
            sources,
            findings: Vec::new(),
        };
        Entry {
            code: code.code.value.clone(),
            message: crate::recognize::normalize(&code.message.value),
            message_span: lint.span(file, &code.message),
            patterns: code
                .patterns
                .iter()
                .map(|p| (p.value.clone(), lint.span(file, p)))
                .collect(),
        }
    }
}

/// R406 for every pattern of `codes` (in order) that matches another code's message.
pub fn ambiguous_patterns(codes: &[&CodeFacts]) -> Vec<Finding> {
    let entries: Vec<&Entry> = codes.iter().map(|c| &c.messages).collect();
    let messages: Vec<&str> = entries.iter().map(|e| e.message.as_str()).collect();
    let patterns: Vec<(&Entry, &(String, Span))> = entries
        .iter()
        .flat_map(|e| e.patterns.iter().map(move |p| (*e, p)))
        .collect();
    let candidates = candidates(patterns.iter().map(|(_, (p, _))| p.as_str()), &messages);
    let mut findings = Vec::new();
    for ((entry, (source, span)), candidates) in patterns.iter().zip(candidates) {
        let others: Vec<usize> = match candidates {
            Some(list) => list,
            None => (0..messages.len()).collect(),
        }
        .into_iter()
        .filter(|&m| entries[m].code != entry.code)
        .collect();
        if others.is_empty() {
            continue;
        }
        let Ok(re) = pattern::build(source) else {
            continue;
        };
        for m in others.into_iter().filter(|&m| re.is_match(messages[m])) {
            let other = entries[m];
            findings.push(
                Finding::error(
                    "R406",
                    format!(
                        "pattern of {} also matches the message of {}",
                        entry.code, other.code
                    ),
                )
                .at(span.clone(), "this pattern")
                .also(other.message_span.clone(), "matches this message")
                .help(format!(
                    "make the pattern more specific: anchor it on words only {}'s message has",
                    entry.code
                )),
            );
        }
    }
    findings
}

/// For each pattern, the messages (ascending indices) that hold its
/// required literal; `None` when it has none and every message is a candidate.
fn candidates<'a>(
    patterns: impl Iterator<Item = &'a str>,
    messages: &[&str],
) -> Vec<Option<Vec<usize>>> {
    let config = pattern::syntax_config();
    let mut needles: Vec<String> = Vec::new();
    let mut needle_patterns: Vec<Vec<usize>> = Vec::new();
    let mut index = std::collections::HashMap::new();
    let mut out = Vec::new();
    for (p, source) in patterns.enumerate() {
        // A pattern that does not parse is reported by validation.
        let Ok(hir) = regex_automata::util::syntax::parse_with(source, &config) else {
            out.push(Some(Vec::new()));
            continue;
        };
        let Some(literals) = required(&hir) else {
            out.push(None);
            continue;
        };
        for literal in literals {
            let id = *index.entry(literal.clone()).or_insert_with(|| {
                needles.push(literal);
                needle_patterns.push(Vec::new());
                needles.len() - 1
            });
            needle_patterns[id].push(p);
        }
        out.push(Some(Vec::new()));
    }
    if needles.is_empty() {
        return out;
    }
    let Ok(searcher) = AhoCorasick::new(&needles) else {
        // Too many needles for the automaton: fall back to trying everything.
        return out.into_iter().map(|_| None).collect();
    };
    for (m, message) in messages.iter().enumerate() {
        let folded = fold(message);
        for hit in searcher.find_overlapping_iter(&folded) {
            for &p in &needle_patterns[hit.pattern().as_usize()] {
                if let Some(list) = &mut out[p]
                    && list.last() != Some(&m)
                {
                    list.push(m);
                }
            }
        }
    }
    out
}

/// Literals, in folded form, one of which every match contains; `None` when
/// the pattern guarantees none.
fn required(hir: &Hir) -> Option<Vec<String>> {
    if let HirKind::Alternation(branches) = hir.kind() {
        let each: Option<Vec<Vec<String>>> = branches.iter().map(required).collect();
        return each.map(|e| e.concat());
    }
    let mut runs = vec![String::new()];
    walk(hir, &mut runs);
    let longest = runs.into_iter().max_by_key(String::len)?;
    (!longest.is_empty()).then(|| vec![longest])
}

/// Collects runs of adjacent single characters (up to case) in a
/// concatenation; anything else ends the current run.
fn walk(hir: &Hir, runs: &mut Vec<String>) {
    let push = |runs: &mut Vec<String>, c: Option<char>| match c {
        Some(c) => runs.last_mut().into_iter().for_each(|r| r.push(c)),
        None => runs.push(String::new()),
    };
    match hir.kind() {
        // Zero-width: the text around them stays adjacent.
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(lit) => match std::str::from_utf8(&lit.0) {
            Ok(text) => text.chars().for_each(|c| push(runs, Some(fold_char(c)))),
            Err(_) => push(runs, None),
        },
        HirKind::Class(Class::Unicode(class)) => push(runs, single_case(class)),
        HirKind::Capture(capture) => walk(&capture.sub, runs),
        HirKind::Concat(items) => items.iter().for_each(|h| walk(h, runs)),
        _ => push(runs, None),
    }
}

/// The folded character of a class whose members are one character in its
/// different cases (what `(?i)k` becomes).
fn single_case(class: &ClassUnicode) -> Option<char> {
    let first = class.ranges().first()?.start();
    let mut orbit = ClassUnicode::new([ClassUnicodeRange::new(first, first)]);
    orbit.try_case_fold_simple().ok()?;
    let mut within = class.clone();
    within.intersect(&orbit);
    (within == *class).then(|| orbit.ranges()[0].start())
}

/// The smallest character equal to `c` under simple case folding, so that
/// text and literals compare as the case-insensitive regex would.
fn fold_char(c: char) -> char {
    if c.is_ascii() {
        // Every ASCII letter's fold class holds its upper case, the smallest.
        return c.to_ascii_uppercase();
    }
    let mut orbit = ClassUnicode::new([ClassUnicodeRange::new(c, c)]);
    match orbit.try_case_fold_simple() {
        Ok(()) => orbit.ranges().first().map_or(c, |r| r.start()),
        Err(_) => c,
    }
}

fn fold(text: &str) -> String {
    text.chars().map(fold_char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn literals(source: &str) -> Option<Vec<String>> {
        let hir =
            regex_automata::util::syntax::parse_with(source, &pattern::syntax_config()).unwrap();
        required(&hir)
    }

    #[test]
    fn required_literal_is_the_longest_fixed_run() {
        assert_eq!(
            literals(r"unable to (?P<v>\w+) batch \d+ in netsuite"),
            Some(vec![" IN NETSUITE".into()])
        );
        assert_eq!(
            literals(r"^(?:token|login) (failed|refused)\b"),
            Some(vec![" ".into()]),
            "an alternation inside a concatenation ends the run"
        );
        assert_eq!(
            literals("a(bc)d|xyz"),
            Some(vec!["ABCD".into(), "XYZ".into()])
        );
        assert_eq!(literals(r"\w+"), None);
        assert_eq!(literals("Kelvin"), Some(vec!["KELVIN".into()]));
    }

    #[test]
    fn candidates_are_a_superset_of_regex_matches() {
        let messages: Vec<String> = [
            "Unable to sync records in NetSuite",
            "UNABLE TO SYNC records",
            "unable to export in \u{212A}elvin mode",
            "Straße closed",
            "nothing here",
        ]
        .map(String::from)
        .to_vec();
        let sources = [
            "unable to sync",
            "kelvin mode",
            "STRASSE|straße",
            r"\w+ here",
            "records$",
            "(?-i)Unable",
            "in netsuite",
        ];
        let messages: Vec<&str> = messages.iter().map(String::as_str).collect();
        let found = candidates(sources.iter().copied(), &messages);
        for (source, found) in sources.iter().zip(found) {
            let re = pattern::build(source).unwrap();
            for (m, message) in messages.iter().enumerate() {
                if re.is_match(message) {
                    let listed = found.as_ref().is_none_or(|l| l.contains(&m));
                    assert!(
                        listed,
                        "{source} matches {message:?} but was not a candidate"
                    );
                }
            }
        }
    }
}
