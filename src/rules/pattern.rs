//! A code's message patterns: checked when the rules are loaded, compiled
//! into a full [`regex::Regex`] only when a message is recognised.
//!
//! Building a `regex::Regex` costs about 100 µs (literal extraction and
//! prefilters, a lazy DFA, a 300 KB scratch table) and holds tens of
//! kilobytes; a rule base of 10,000 codes spent most of its load time and
//! memory there, for patterns that most commands never run. Validation only
//! needs to know whether a pattern builds and whether it matches the code's
//! own message, which a bare NFA answers for a tenth of the cost.

use std::sync::OnceLock;

use regex_automata::nfa::thompson::{self, pikevm::PikeVM};
use regex_automata::util::syntax;

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

impl Default for Checker {
    fn default() -> Self {
        // The configuration `regex::RegexBuilder` hands its meta engine.
        let config = thompson::Config::new()
            .utf8(true)
            .nfa_size_limit(Some(SIZE_LIMIT))
            .shrink(false);
        let mut forward = thompson::Compiler::new();
        forward.configure(config.clone());
        let mut reverse = thompson::Compiler::new();
        reverse.configure(
            config
                .which_captures(thompson::WhichCaptures::None)
                .reverse(true),
        );
        Checker {
            syntax: syntax_config(),
            forward,
            reverse,
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
