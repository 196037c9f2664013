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
use crate::diag::Code;
use crate::diag::Finding;
use crate::diag::{FileId, Sources, Span};
use crate::rules::pattern;
use crate::rules::raw::RawCode;

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
            message: crate::util::text::normalize(&code.message.value),
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
    let work: Vec<_> = patterns.iter().zip(candidates).collect();
    // Each pattern on its own thread's checker: a few candidates are tried
    // through the checker's small NFAs, many through one whole regex.
    let matched = crate::util::parallel::map(
        &work,
        pattern::Checker::default,
        |checker, ((entry, (source, _)), candidates)| {
            let every;
            let listed = match candidates {
                Some(list) => list.as_slice(),
                None => {
                    every = (0..messages.len()).collect::<Vec<_>>();
                    &every
                }
            };
            let others: Vec<usize> = listed
                .iter()
                .copied()
                .filter(|&m| entries[m].code != entry.code)
                .collect();
            if others.len() <= FEW {
                return others
                    .into_iter()
                    .filter(|&m| {
                        checker.check(source, messages[m])
                            == pattern::Checked::Builds { matches: true }
                    })
                    .collect();
            }
            // A pattern that does not build is reported by validation.
            let Ok(re) = pattern::build(source) else {
                return Vec::new();
            };
            others
                .into_iter()
                .filter(|&m| re.is_match(messages[m]))
                .collect::<Vec<_>>()
        },
    );
    let mut findings = Vec::new();
    for (((entry, (_, span)), _), matched) in work.iter().zip(matched) {
        for m in matched {
            let other = entries[m];
            findings.push(
                Finding::new(
                    Code::R406,
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

/// Up to this many messages to try, a pattern goes through the checker
/// (an NFA cut down to each message) rather than a whole regex, which costs
/// about as much as a few dozen of those.
const FEW: usize = 8;

/// For each pattern, the messages (ascending indices) that hold its
/// required literals; `None` when it has none and every message is a candidate.
fn candidates<'a>(
    patterns: impl Iterator<Item = &'a str>,
    messages: &[&str],
) -> Vec<Option<Vec<usize>>> {
    let config = pattern::syntax_config();
    let patterns: Vec<&str> = patterns.collect();
    // Parsed on all cores: one after another, this was a tenth of a check.
    // A pattern that does not parse is reported by validation (and has no
    // candidate: `Some` of no alternative).
    let literals = crate::util::parallel::map(
        &patterns,
        || (),
        |(), source| {
            regex_automata::util::syntax::parse_with(source, &config)
                .map_or(Some(Vec::new()), |hir| required(&hir))
        },
    );
    let mut needles: Vec<String> = Vec::new();
    let mut index = std::collections::HashMap::new();
    // Per pattern: alternatives (one must match), each a set of needle ids
    // (all must occur); `None` for a pattern that gives no literal.
    let mut wanted: Vec<Option<Vec<Vec<usize>>>> = Vec::new();
    for literal in literals {
        let ids = literal.map(|alternatives| {
            alternatives
                .into_iter()
                .map(|runs| {
                    runs.into_iter()
                        .map(|run| {
                            *index.entry(run.clone()).or_insert_with(|| {
                                needles.push(run);
                                needles.len() - 1
                            })
                        })
                        .collect()
                })
                .collect()
        });
        wanted.push(ids);
    }
    let hits = match occurrences(&needles, messages) {
        Some(hits) => hits,
        // Too many needles for the automaton: try everything.
        None => return wanted.iter().map(|_| None).collect(),
    };
    wanted
        .into_iter()
        .map(|w| {
            w.map(|alternatives| {
                let mut out: Vec<usize> = alternatives
                    .iter()
                    .flat_map(|all| holding_all(all, &hits))
                    .collect();
                out.sort_unstable();
                out.dedup();
                out
            })
        })
        .collect()
}

/// For each needle, the messages (ascending) whose folded text contains it.
fn occurrences(needles: &[String], messages: &[&str]) -> Option<Vec<Vec<usize>>> {
    let mut hits: Vec<Vec<usize>> = vec![Vec::new(); needles.len()];
    if needles.is_empty() {
        return Some(hits);
    }
    let searcher = AhoCorasick::new(needles).ok()?;
    let found = crate::util::parallel::map(
        messages,
        || (),
        |(), message| {
            searcher
                .find_overlapping_iter(&fold(message))
                .map(|hit| hit.pattern().as_usize())
                .collect::<Vec<_>>()
        },
    );
    for (m, found) in found.into_iter().enumerate() {
        for needle in found {
            let list = &mut hits[needle];
            if list.last() != Some(&m) {
                list.push(m);
            }
        }
    }
    Some(hits)
}

/// The messages holding every needle of `all`: the rarest needle's list,
/// filtered by the others.
fn holding_all(all: &[usize], hits: &[Vec<usize>]) -> Vec<usize> {
    let Some(rarest) = all.iter().min_by_key(|&&n| hits[n].len()) else {
        return Vec::new();
    };
    hits[*rarest]
        .iter()
        .copied()
        .filter(|m| all.iter().all(|&n| hits[n].binary_search(m).is_ok()))
        .collect()
}

/// Literals, in folded form, that every match contains: alternatives, one
/// of which matches, each a list of runs that all occur in it; `None` when
/// the pattern guarantees none.
fn required(hir: &Hir) -> Option<Vec<Vec<String>>> {
    if let HirKind::Alternation(branches) = hir.kind() {
        let each: Option<Vec<Vec<Vec<String>>>> = branches.iter().map(required).collect();
        return each.map(|e| e.concat());
    }
    let mut runs = vec![String::new()];
    walk(hir, &mut runs);
    runs.retain(|r| !r.is_empty());
    (!runs.is_empty()).then(|| vec![runs])
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

    fn literals(source: &str) -> Option<Vec<Vec<String>>> {
        let hir =
            regex_automata::util::syntax::parse_with(source, &pattern::syntax_config()).unwrap();
        required(&hir)
    }

    #[test]
    fn required_literals_are_the_fixed_runs() {
        let runs = |r: &[&str]| r.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            literals(r"unable to (?P<v>\w+) batch \d+ in netsuite"),
            Some(vec![runs(&["UNABLE TO ", " BATCH ", " IN NETSUITE"])])
        );
        assert_eq!(
            literals(r"^(?:token|login) (failed|refused)\b"),
            Some(vec![runs(&[" "])]),
            "an alternation inside a concatenation ends the run"
        );
        assert_eq!(
            literals("a(bc)d|xyz"),
            Some(vec![runs(&["ABCD"]), runs(&["XYZ"])])
        );
        assert_eq!(literals(r"\w+"), None);
        assert_eq!(literals("Kelvin"), Some(vec![runs(&["KELVIN"])]));
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
            r"unable to \w+ records",
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
