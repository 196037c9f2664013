//! A code's message patterns: checked when the rules are loaded, compiled
//! into a full [`regex::Regex`] only when a message is recognised.
//!
//! Building a `regex::Regex` costs about 100 µs (literal extraction and
//! prefilters, a lazy DFA, a 300 KB scratch table) and holds tens of
//! kilobytes; a rule base of 10,000 codes spent most of its load time and
//! memory there, for patterns that most commands never run. Validation only
//! needs to know whether a pattern builds and whether it matches the code's
//! own message, which a bare NFA answers for a tenth of the cost.

use std::sync::{LazyLock, OnceLock};

use regex_automata::nfa::thompson::{self, pikevm::PikeVM};
use regex_automata::util::primitives::StateID;
use regex_automata::util::syntax;
use regex_syntax::hir::{
    Capture, Class, ClassUnicode, ClassUnicodeRange, Hir, HirKind, Repetition,
};
use regex_syntax::utf8::Utf8Sequences;

/// The compiled size above which a pattern is refused (as `regex` reports it).
pub const SIZE_LIMIT: usize = 1 << 20;

/// A pattern as written, with its regex built on first use.
#[derive(Debug)]
pub struct Pattern {
    pub source: String,
    compiled: OnceLock<Option<regex::Regex>>,
}

impl Pattern {
    pub fn new(source: String) -> Pattern {
        Pattern {
            source,
            compiled: OnceLock::new(),
        }
    }

    /// The compiled pattern; `None` only if it does not build, which
    /// validation has already reported.
    pub fn regex(&self) -> Option<&regex::Regex> {
        self.compiled
            .get_or_init(|| build(&self.source).ok())
            .as_ref()
    }
}

/// The regex every pattern means: case-insensitive, size-limited.
pub fn build(source: &str) -> Result<regex::Regex, regex::Error> {
    regex::RegexBuilder::new(source)
        .case_insensitive(true)
        .size_limit(SIZE_LIMIT)
        .build()
}

/// How `regex` parses a pattern given to [`build`].
pub fn syntax_config() -> syntax::Config {
    syntax::Config::new().case_insensitive(true).utf8(true)
}

/// What validation learns about a pattern.
#[derive(Debug, PartialEq, Eq)]
pub enum Checked {
    /// It builds; whether it matches the text it was asked about.
    Builds { matches: bool },
    /// `regex`'s error message.
    Error(String),
}

/// Checks patterns the way [`build`] would build them, reusing one NFA
/// compiler (and its scratch table) across patterns. One per thread.
pub struct Checker {
    syntax: syntax::Config,
    forward: thompson::Compiler,
    reverse: thompson::Compiler,
}

/// An NFA compiler configured as `regex::RegexBuilder` configures its meta
/// engine's, in one direction.
fn compiler(reverse: bool, limit: usize) -> thompson::Compiler {
    let config = thompson::Config::new()
        .utf8(true)
        .nfa_size_limit(Some(limit))
        .shrink(false);
    let config = if reverse {
        config
            .which_captures(thompson::WhichCaptures::None)
            .reverse(true)
    } else {
        config
    };
    let mut compiler = thompson::Compiler::new();
    compiler.configure(config);
    compiler
}

impl Default for Checker {
    fn default() -> Self {
        Checker {
            syntax: syntax_config(),
            forward: compiler(false, SIZE_LIMIT),
            reverse: compiler(true, SIZE_LIMIT),
        }
    }
}

impl Checker {
    /// Whether `source` builds, and if so whether it matches `text`.
    pub fn check(&self, source: &str, text: &str) -> Checked {
        if let Some(matches) = literal_match(source, text) {
            return Checked::Builds { matches };
        }
        let hir = match syntax::parse_with(source, &self.syntax) {
            Ok(hir) => hir,
            Err(e) => return Checked::Error(e.to_string()),
        };
        // Most patterns are far below the size limit, and building their
        // NFAs (a Unicode class such as `\W` is hundreds of states each way)
        // was a fifth of a load. When a bound on both NFAs' size shows they
        // fit, the match is settled on the pattern cut down to the text's
        // own characters, which matches that text exactly as the whole does.
        if bound(&hir).iter().all(|&b| b <= SIZE_LIMIT / 2)
            && let chars = chars_of(text)
            // Cut down to a text of many scattered characters, a class can
            // hold more ranges than whole: such a text goes the old way.
            && chars.ranges().len() <= MAX_TEXT_RANGES
            && let Ok(nfa) = self.forward.build_from_hir(&within(&hir, &chars))
            && let Ok(vm) = PikeVM::new_from_nfa(nfa)
        {
            let mut cache = vm.create_cache();
            return Checked::Builds {
                matches: vm.is_match(&mut cache, text),
            };
        }
        // `regex` builds both of these NFAs and fails when either is too
        // big. It sometimes needs neither (a plain literal), so a failure
        // here is settled by building the regex itself.
        let nfa = self.forward.build_from_hir(&hir);
        let fits = nfa.is_ok() && self.reverse.build_from_hir(&hir).is_ok();
        let Some(vm) = nfa
            .ok()
            .filter(|_| fits)
            .and_then(|n| PikeVM::new_from_nfa(n).ok())
        else {
            return match build(source) {
                Ok(re) => Checked::Builds {
                    matches: re.is_match(text),
                },
                Err(e) => Checked::Error(e.to_string()),
            };
        };
        let mut cache = vm.create_cache();
        Checked::Builds {
            matches: vm.is_match(&mut cache, text),
        }
    }
}

/// Texts whose characters make more ranges than this are matched by the
/// whole pattern's NFA (an adversarial review found a text of 4,000
/// scattered characters 4 × slower the fast way).
const MAX_TEXT_RANGES: usize = 128;

/// The characters of `text`, as a class.
fn chars_of(text: &str) -> ClassUnicode {
    ClassUnicode::new(text.chars().map(|c| ClassUnicodeRange::new(c, c)))
}

/// `hir` with every class cut down to `chars`. On a text whose characters
/// are all in `chars` it matches exactly where `hir` does: a class consumes
/// one character of the text, literals are kept, and look-arounds only look
/// at the text's characters.
fn within(hir: &Hir, chars: &ClassUnicode) -> Hir {
    match hir.kind() {
        HirKind::Class(Class::Unicode(class)) => {
            let mut class = class.clone();
            class.intersect(chars);
            Hir::class(Class::Unicode(class))
        }
        HirKind::Repetition(rep) => Hir::repetition(Repetition {
            sub: Box::new(within(&rep.sub, chars)),
            ..rep.clone()
        }),
        HirKind::Capture(cap) => Hir::capture(Capture {
            sub: Box::new(within(&cap.sub, chars)),
            ..cap.clone()
        }),
        HirKind::Concat(subs) => Hir::concat(subs.iter().map(|h| within(h, chars)).collect()),
        HirKind::Alternation(subs) => {
            Hir::alternation(subs.iter().map(|h| within(h, chars)).collect())
        }
        _ => hir.clone(),
    }
}

/// Upper bounds on the memory an NFA compiler's builder reaches for a
/// pattern, forward and in reverse, which is what its size limit is held
/// against: the number of states it adds times what a state weighs, and the
/// transitions and union branches they hold.
///
/// The compiler builds a pattern part by part, and no part's share depends
/// on the parts around it (each Unicode class starts its UTF-8 caches
/// afresh), so the bound adds up the parts, each copy of a repeated part
/// once. A Unicode class compiles to at most one state and one transition
/// per byte range of its UTF-8 sequences (forward, a trie of them; in
/// reverse, a chain per sequence into one union); every other node is
/// counted as a generous number of states. A unit test holds the bound
/// above the measured size of many patterns in both directions, and the
/// fast path keeps to half the limit besides.
fn bound(hir: &Hir) -> [usize; 2] {
    /// What one state weighs: the builder's states are private, but its
    /// memory with one state says.
    static STATE: LazyLock<usize> = LazyLock::new(|| {
        let mut builder = thompson::Builder::new();
        let added = builder.start_pattern().is_ok() && builder.add_empty().is_ok();
        if added { builder.memory_usage() } else { 64 }
    });
    let state = *STATE;
    weight(hir, state).map(|w| (BASE_STATES * state).saturating_add(w))
}

/// The states counted for a pattern's fixed part: the unanchored prefix,
/// the capture around it and the match.
const BASE_STATES: usize = 24;

/// The states counted for a node other than a class or a literal: the
/// compiler adds at most two unions and an empty around a repetition, two
/// captures around a group, and their branches.
const NODE_STATES: usize = 6;

/// What `hir` adds to the builder's memory, forward and in reverse.
fn weight(hir: &Hir, state: usize) -> [usize; 2] {
    let node = NODE_STATES * state;
    let transition = size_of::<thompson::Transition>();
    // A class of single bytes is one sparse state and an empty.
    let sparse = |ranges: usize| [node + 2 * state + ranges * transition; 2];
    let sum = |subs: &[Hir]| {
        subs.iter().fold([node; 2], |total, h| {
            let w = weight(h, state);
            [0, 1].map(|d| total[d].saturating_add(w[d]).saturating_add(node))
        })
    };
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => [node; 2],
        // Three states a byte: a literal alternation goes through a trie.
        HirKind::Literal(lit) => [(lit.0.len() * 3 * state).saturating_add(node); 2],
        HirKind::Class(Class::Bytes(class)) => sparse(class.ranges().len()),
        HirKind::Class(Class::Unicode(class)) if class.is_ascii() => sparse(class.ranges().len()),
        HirKind::Class(Class::Unicode(class)) => {
            let (mut sequences, mut ranges) = (0usize, 0usize);
            for r in class.iter() {
                for seq in Utf8Sequences::new(r.start(), r.end()) {
                    sequences += 1;
                    ranges += seq.len();
                }
            }
            let states = node + (ranges + 3) * state;
            [
                states + ranges * transition,
                states + sequences * size_of::<StateID>(),
            ]
        }
        HirKind::Repetition(rep) => {
            let copies = rep.max.unwrap_or(rep.min).max(rep.min).max(1) as usize;
            weight(&rep.sub, state).map(|one| {
                one.saturating_add(node)
                    .saturating_mul(copies)
                    .saturating_add(node)
            })
        }
        HirKind::Capture(cap) => weight(&cap.sub, state).map(|w| w.saturating_add(node)),
        HirKind::Concat(subs) | HirKind::Alternation(subs) => sum(subs),
    }
}

/// Patterns longer than this go through the NFA even when literal. A
/// literal reaches the size limit at about 4,400 characters (of `k`, whose
/// case-insensitive class is the largest); this stays well below, and a test
/// holds `regex` to building one of this length.
const LITERAL_MAX: usize = 1024;

/// Whether a pattern that is plain ASCII text (no metacharacter, so it
/// parses and fits) matches an ASCII `text`, as the case-insensitive regex
/// would; `None` when either is not that simple. Most patterns are plain
/// text, and building two NFAs for each was a tenth of a load.
///
/// ASCII on both sides makes ASCII case folding exact: the non-ASCII
/// characters Unicode folds onto ASCII letters (the Kelvin sign, the long
/// s) cannot be in the text.
fn literal_match(source: &str, text: &str) -> Option<bool> {
    let plain = source.len() <= LITERAL_MAX
        && source
            .bytes()
            .all(|b| b.is_ascii() && !regex_syntax::is_meta_character(b as char));
    if !plain || !text.is_ascii() {
        return None;
    }
    if source.is_empty() {
        return Some(true);
    }
    let haystack = text.as_bytes();
    let needle = source.as_bytes();
    Some(
        haystack
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The checker agrees with `regex` on what builds, what matches, and the error text.
    #[test]
    fn agrees_with_regex() {
        let checker = Checker::default();
        let text = "NS0109 Sync Error: Unable to process Records – batch 12 in NetSuite.";
        for source in [
            "unable to process (?P<what>\\w+) – batch \\d+",
            "UNABLE TO PROCESS",
            "^ns0109\\b",
            "batch 13",
            "(unclosed",
            "a{5000}{5000}",
            "\\p{Greek}+",
            "[[:alpha:]]{1000}",
            "(?-i)unable",
            "",
            "Records – batch",
            "records batch 12",
            "unable to process records",
            "in netsuite.",
            "NS0109 sync error: unable to process records – batch 12 in netsuite.x",
            // Through the bound and the cut-down NFA.
            "unable to process ?records\\W+batch",
            "\\bbatch\\s+\\d{2}\\b",
            "records [^a-z] batch",
            "records \\W batch",
            "records \\w batch",
            "k\\w+|\\p{Greek}",
            "(?-i)Unable\\W+TO",
            "^ns0109.*netsuite\\.$",
            "\\W{1000}",
            "(\\w+\\W+){20}",
        ] {
            let expected = match build(source) {
                Ok(re) => Checked::Builds {
                    matches: re.is_match(text),
                },
                Err(e) => Checked::Error(e.to_string()),
            };
            assert_eq!(checker.check(source, text), expected, "{source}");
            // The same on an ASCII text, where plain patterns skip the NFA.
            let ascii = text.replace('–', "-");
            let expected = match build(source) {
                Ok(re) => Checked::Builds {
                    matches: re.is_match(&ascii),
                },
                Err(e) => Checked::Error(e.to_string()),
            };
            assert_eq!(checker.check(source, &ascii), expected, "{source} on ASCII");
        }
        // A text of many scattered characters goes the old way, with the same answers.
        let scattered: String = (0..300u32)
            .filter_map(|i| char::from_u32(0x4e00 + i * 37))
            .chain("x".chars())
            .collect();
        assert!(chars_of(&scattered).ranges().len() > MAX_TEXT_RANGES);
        for source in ["(?s).{3}x", "\\p{Han}{5}y", "\\W+x$"] {
            let re = build(source).unwrap();
            assert_eq!(
                checker.check(source, &scattered),
                Checked::Builds {
                    matches: re.is_match(&scattered)
                },
                "{source}"
            );
        }
        assert_eq!(literal_match("Batch 12", "in batch 12."), Some(true));
        assert_eq!(literal_match("batch 13", "in batch 12."), Some(false));
        assert_eq!(literal_match("batch.", "in batch 12."), None);
        // Not ASCII: the NFA decides (the Kelvin sign folds onto `k`).
        assert_eq!(literal_match("kelvin", "\u{212a}elvin"), None);
        assert_eq!(
            checker.check("kelvin", "\u{212a}elvin"),
            Checked::Builds { matches: true }
        );
    }

    /// Patterns that reach every kind of node, and their neighbours in size.
    const SHAPES: &[&str] = &[
        "",
        "a",
        "k",
        "\\W",
        "\\w+",
        "\\W+in",
        "unable to process ?records\\W+batch \\d+ in",
        "\\bnetsuite\\b|\\bxero\\b",
        "(?-i)abc|abd|xyz|x",
        "(?-i:a|b|cd|cde)",
        "(a|)+",
        "(?:\\W?)*",
        "(?:\\w|\\d){0,3}",
        "\\w{2,5}?",
        "[\\x{80}-\\x{10FFFF}]",
        "(?-u:[a-z])+",
        "\\p{Greek}\\p{Han}*",
        "^(?P<n>\\d+)$",
        "\\W{30}",
        "(\\w+\\W+){8}",
        "[[:alpha:]]{200}",
        "(?s).*",
        "\\S+@\\S+",
        // From the adversarial review: the tightest bound it found, literal
        // tries that start a new chunk on each branch, wide classes.
        "(?:[^ks]|x){0,60}",
        "–|—|…|😀|é",
        "(?:1|12|1|12|123){20}",
        "\\PL",
        "[\\x{80}-\\x{10FFFF}]{5}",
    ];

    /// The memory a builder reaches for `hir`: the least size limit it
    /// builds under (`usize::MAX` when it does not build under [`SIZE_LIMIT`]).
    fn measured(hir: &Hir, reverse: bool) -> usize {
        let builds = |limit| compiler(reverse, limit).build_from_hir(hir).is_ok();
        if !builds(SIZE_LIMIT) {
            return usize::MAX;
        }
        let (mut low, mut high) = (0, SIZE_LIMIT);
        while low < high {
            let mid = low + (high - low) / 2;
            if builds(mid) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        high
    }

    /// [`SHAPES`] and `n` patterns made at random from every kind of node.
    fn patterns(n: usize) -> Vec<String> {
        use proptest::prelude::*;
        use proptest::strategy::ValueTree;
        let leaf = prop_oneof![
            "[a-zß ]{1,5}",
            proptest::sample::select(vec![
                "\\w",
                "\\W",
                "\\d",
                "\\s",
                "\\b",
                "[^a-z]",
                "\\p{Greek}",
                ".",
                "k",
                "–",
                "^",
                "$",
            ])
            .prop_map(String::from),
        ];
        let pattern = leaf.prop_recursive(4, 24, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 1..4).prop_map(|v| v.concat()),
                proptest::collection::vec(inner.clone(), 2..4)
                    .prop_map(|v| format!("(?:{})", v.join("|"))),
                inner.clone().prop_map(|p| format!("({p})")),
                (
                    inner,
                    proptest::sample::select(vec![
                        "?", "*", "+", "*?", "{2}", "{0,3}", "{3,}", "{1,4}?"
                    ])
                )
                    .prop_map(|(p, r)| format!("(?:{p}){r}")),
            ]
        });
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let mut sources: Vec<String> = SHAPES.iter().map(|s| s.to_string()).collect();
        for _ in 0..n {
            sources.push(pattern.new_tree(&mut runner).unwrap().current());
        }
        sources
    }

    /// The bound is never below what the builder reaches, in either
    /// direction: the fast path relies on it.
    #[test]
    fn the_bound_is_above_the_measured_size() {
        let config = syntax_config();
        let mut checked = 0;
        for source in &patterns(400) {
            let Ok(hir) = syntax::parse_with(source, &config) else {
                continue;
            };
            for reverse in [false, true] {
                // A pattern over the limit is measured as `usize::MAX`.
                let exact = measured(&hir, reverse).min(SIZE_LIMIT + 1);
                let bound = bound(&hir)[usize::from(reverse)];
                assert!(
                    bound >= exact,
                    "{source:?} reverse={reverse}: {bound} < {exact}"
                );
            }
            checked += 1;
        }
        assert!(checked > 390, "{checked}");
    }

    /// What the checker answers is what `regex` answers, on texts with
    /// characters of several scripts.
    #[test]
    fn agrees_with_regex_on_random_patterns() {
        let checker = Checker::default();
        let texts = [
            "NS0109 Sync Error: Unable to process Records – batch 12 in NetSuite.",
            "kelvin \u{212a} ſ straße Ωmega 42",
            "",
        ];
        for source in &patterns(300) {
            for text in texts {
                let expected = match build(source) {
                    Ok(re) => Checked::Builds {
                        matches: re.is_match(text),
                    },
                    Err(e) => Checked::Error(e.to_string()),
                };
                assert_eq!(
                    checker.check(source, text),
                    expected,
                    "{source:?} on {text:?}"
                );
            }
        }
    }

    /// The longest literal the quick path answers for builds, with room to
    /// spare: should `regex` ever size literals larger, this fails first.
    #[test]
    fn literals_the_quick_path_takes_build() {
        for c in ["k", "s", "a", "9", " "] {
            assert!(build(&c.repeat(LITERAL_MAX * 4)).is_ok(), "{c}");
        }
    }

    #[test]
    fn compiles_on_first_use_only() {
        let p = Pattern::new("batch (?P<n>\\d+)".into());
        assert!(p.compiled.get().is_none());
        assert!(p.regex().is_some_and(|re| re.is_match("Batch 7")));
        assert!(Pattern::new("(".into()).regex().is_none());
    }
}
