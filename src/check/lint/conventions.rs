//! The help site's article conventions (R6xx, warnings), from
//! `shared/reference/help-site-format.md`.

use std::ops::Range;

use serde_saphyr::Spanned;

use super::Lint;
use crate::diag::Code;
use crate::diag::Finding;
use crate::diag::{FileId, Span};
use crate::rules::raw::{FaqCase, RawCode, RawProcedure, RawSnippet};
use crate::rules::raw_block::{RawBlock, RawBlocks, RawItem};
use crate::rules::validate::span_within;

/// Words a Title Case heading may leave in lower case.
const MINOR_WORDS: &[&str] = &[
    "a", "an", "the", "and", "but", "or", "nor", "for", "so", "yet", "as", "at", "by", "in", "of",
    "off", "on", "per", "to", "up", "via", "vs", "with", "from", "into", "onto", "over", "than",
];

/// Words that cannot open an imperative step. Unknown words pass: a step is
/// flagged only when it clearly starts with something other than a verb.
const NOT_VERBS: &[&str] = &[
    "the", "a", "an", "this", "that", "these", "those", "your", "my", "our", "their", "its", "it",
    "you", "we", "they", "i", "he", "she", "there", "here", "if", "when", "once", "after",
    "before", "then", "now", "also", "please", "in", "on", "at", "from", "under", "for", "to",
    "with", "by", "as", "and", "or", "but", "so", "all", "each", "every", "some", "any", "no",
    "not", "only", "just", "step", "note",
];

/// Words that open a place before the instruction: "In …, click", "Under …, select".
const PLACE_WORDS: &[&str] = &["in", "under", "on", "from", "at", "inside", "within"];

/// Verbs that end like participles ("-ed", "-ing") but are imperatives.
const VERBS_LIKE_PARTICIPLES: &[&str] = &[
    "embed", "feed", "need", "proceed", "seed", "shred", "speed", "bring", "sing", "ring", "string",
];

pub(super) fn code(lint: &mut Lint, file: FileId, code: &RawCode, faq_case: FaqCase) {
    message_period(lint, file, &code.message);
    message_prefix(lint, file, code);
    // An empty front-matter value is R013, an error of validation.
    let fm = &code.front_matter;
    internal_scope(lint, file, &fm.internal_scope);
    let faq_case = code
        .layout
        .as_ref()
        .and_then(|l| l.faq_case)
        .unwrap_or(faq_case);
    for faq in &code.faq {
        faq_question(lint, file, &faq.question, faq_case);
    }
    procedures(lint, file, &code.procedures);
}

pub(super) fn procedures(lint: &mut Lint, file: FileId, procedures: &[RawProcedure]) {
    for p in procedures {
        steps_in(lint, file, &p.body);
    }
}

/// R605 for every numbered step, however deep in sections and variants.
fn steps_in(lint: &mut Lint, file: FileId, blocks: &RawBlocks) {
    for block in blocks {
        let RawBlock::Map(map) = &block.value else {
            continue;
        };
        for step in map.steps.iter().flatten() {
            step_verb(lint, file, step);
        }
        let nested = map
            .steps
            .iter()
            .chain(map.bullets.iter())
            .flatten()
            .filter_map(|i| match &i.value {
                RawItem::Map(m) => m.body.as_ref(),
                RawItem::Text(_) => None,
            });
        let inner = map
            .variants
            .iter()
            .flatten()
            .map(|v| &v.body)
            .chain(map.each_variant.iter().map(|e| &e.body))
            .chain(map.section.iter().map(|s| &s.body))
            .chain(nested);
        for body in inner {
            steps_in(lint, file, body);
        }
    }
}

/// The span of `range` inside a scalar's value (see [`span_within`]).
fn span_in(lint: &Lint, file: FileId, spanned: &Spanned<String>, range: Range<usize>) -> Span {
    span_within(
        lint.sources,
        &lint.span(file, spanned),
        &spanned.value,
        range,
    )
}

fn message_period(lint: &mut Lint, file: FileId, message: &Spanned<String>) {
    let text = message.value.trim_end();
    if text.ends_with('.') {
        return;
    }
    let last = text
        .char_indices()
        .last()
        .map_or(0..0, |(i, c)| i..i + c.len_utf8());
    lint.findings.push(
        Finding::new(Code::R601, "the message does not end with a period")
            .at(
                span_in(lint, file, message, last),
                "expected `.` after this",
            )
            .help("copy the message exactly as the product shows it, ending with its period"),
    );
}

/// A message copied from another code keeps that code's prefix: the article
/// would then print the wrong exact message.
fn message_prefix(lint: &mut Lint, file: FileId, code: &RawCode) {
    let id = code.code.value.trim();
    let Some(kind) = crate::rules::Kind::parse(code.kind.value.trim()) else {
        return;
    };
    let message = code.message.value.trim_start();
    let full = format!("{id} {} Error: ", kind.title());
    let short = format!("{id}: ");
    if message.starts_with(&full) || message.starts_with(&short) {
        return;
    }
    let head = message.split(": ").next().unwrap_or(message);
    let range = 0..head.len().min(message.len());
    lint.findings.push(
        Finding::new(
            Code::R607,
            format!(
                "the message does not start with `{}` or `{}`",
                full.trim_end(),
                short.trim_end()
            ),
        )
        .at(span_in(lint, file, &code.message, range), "this prefix")
        .help("a message names its own code and kind; check `code:`, `kind:` and the message"),
    );
}

fn internal_scope(lint: &mut Lint, file: FileId, scope: &Spanned<String>) {
    let sentences: Vec<&str> = scope.value.trim().split(". ").map(str::trim).collect();
    let expected = ["Audience is", "Covers", "Does not cover"];
    let mut next = sentences.iter();
    let missing = expected
        .iter()
        .find(|start| !next.any(|s| s.starts_with(**start)));
    let missing = match missing {
        Some(start) => format!("its \"{start} …\" sentence"),
        None if !scope.value.trim().ends_with('.') => "its closing period".into(),
        None => return,
    };
    if scope.value.trim().is_empty() {
        return; // R606 already says so.
    }
    lint.findings.push(
        Finding::new(Code::R604, format!("`internal_scope` lacks {missing}"))
            .at(lint.span(file, scope), "here")
            .help(
                "write three sentences, in order: \"Audience is …. Covers …. Does not cover ….\"",
            ),
    );
}

fn faq_question(lint: &mut Lint, file: FileId, question: &Spanned<String>, case: FaqCase) {
    let text = question.value.trim_end();
    if !text.ends_with('?') {
        let end = text.len();
        lint.findings.push(
            Finding::new(Code::R603, "FAQ question does not end with \"?\"")
                .at(
                    span_in(lint, file, question, end.saturating_sub(1)..end),
                    "expected `?` here",
                )
                .help("write the question as a question, ending with \"?\""),
        );
    }
    if case == FaqCase::Sentence {
        return;
    }
    if let Some(word) = first_lowercase_word(text) {
        lint.findings.push(
            Finding::new(Code::R602, "FAQ question is not in Title Case")
                .at(span_in(lint, file, question, word), "capitalise this word")
                .help(format!("write it as \"{}\"", title_case(text))),
        );
    }
}

/// The first word a Title Case heading would capitalise but this one does not.
pub(super) fn first_lowercase_word(text: &str) -> Option<Range<usize>> {
    let words = words(text);
    let last = words.len().saturating_sub(1);
    words.into_iter().enumerate().find_map(|(i, range)| {
        let word = &text[range.clone()];
        let first = word.chars().next()?;
        let minor = MINOR_WORDS.contains(&word.to_lowercase().as_str()) && i != 0 && i != last;
        // "iPhone" and "eBay" are names, not lapses.
        let named = word.chars().any(char::is_uppercase);
        // A letter with no capital form (`ª`, `ĸ`) cannot be capitalised.
        let capitalisable = first.to_uppercase().next() != Some(first);
        (first.is_lowercase() && capitalisable && !minor && !named).then_some(range)
    })
}

/// Byte ranges of the words (letters, digits, apostrophes) in a line.
fn words(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        let in_word = c.is_alphanumeric() || c == '\'' || c == '\u{2019}';
        match (start, in_word) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                out.push(s..i);
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// The text with every word that needs a capital given one.
fn title_case(text: &str) -> String {
    let mut out = text.to_string();
    // Each round capitalises one word; the bound guards against a letter
    // whose capital form is still lower case.
    for _ in 0..=text.len() {
        let Some(range) = first_lowercase_word(&out) else {
            break;
        };
        let upper: String = out[range.start..]
            .chars()
            .next()
            .map(|c| c.to_uppercase().collect())
            .unwrap_or_default();
        let len = out[range.start..].chars().next().map_or(1, char::len_utf8);
        out.replace_range(range.start..range.start + len, &upper);
    }
    out
}

fn step_verb(lint: &mut Lint, file: FileId, step: &Spanned<RawItem>) {
    let text = match &step.value {
        RawItem::Text(t) => t.as_str(),
        RawItem::Map(m) => match &m.text {
            Some(t) => t.as_str(),
            // A shared snippet is checked where it is defined ([`snippets`]).
            None => return,
        },
    };
    let Some(range) = not_a_verb(text) else {
        return;
    };
    let span = match &step.value {
        RawItem::Text(t) => {
            let spanned = Spanned {
                value: t.clone(),
                referenced: step.referenced,
                defined: step.defined,
            };
            span_in(lint, file, &spanned, range)
        }
        RawItem::Map(_) => lint.span(file, step),
    };
    lint.findings.push(
        Finding::new(Code::R605, "fix step does not start with a verb")
            .at(span, "not an instruction")
            .help("start each step with what to do: \"Click …\", \"Go to …\", \"Confirm …\""),
    );
}

/// R605 for the snippets an integration shares: their text is printed as a
/// step wherever `- use: <id>` stands in a list, and their blocks' steps too.
pub(super) fn snippets(lint: &mut Lint, file: FileId, snippets: &[RawSnippet]) {
    for snippet in snippets {
        if let Some(text) = &snippet.text
            && let Some(range) = not_a_verb(text)
        {
            let word = text[range].to_string();
            lint.findings.push(
                Finding::new(
                    Code::R605,
                    "snippet text, printed as a step, does not start with a verb",
                )
                .at(
                    lint.span(file, &snippet.id),
                    format!("its text opens with `{word}`"),
                )
                .help("start it with what to do: \"Click …\", \"Go to …\", \"Confirm …\""),
            );
        }
        if let Some(body) = &snippet.body {
            steps_in(lint, file, body);
        }
    }
}

/// The first word of a step's text when it is not an instruction (R605).
fn not_a_verb(text: &str) -> Option<Range<usize>> {
    // A placeholder (`${Click}`) stands for a verb chosen per variant.
    if text.trim_start().starts_with("${") {
        return None;
    }
    // "In **Sage Intacct**, go to …": a step may open with where it happens;
    // the instruction is the first word after that place's comma.
    let first = words(text).into_iter().next();
    let opens_with_place = first
        .clone()
        .is_some_and(|r| PLACE_WORDS.contains(&text[r].to_lowercase().as_str()));
    let range = match (opens_with_place, text.find(", ")) {
        (true, Some(comma)) => words(&text[comma..])
            .into_iter()
            .next()
            .map(|r| comma + r.start..comma + r.end),
        _ => first,
    };
    let range = range?;
    let word = text[range.clone()].to_lowercase();
    let participle = (word.ends_with("ed") || word.ends_with("ing"))
        && !VERBS_LIKE_PARTICIPLES.contains(&word.as_str());
    if !NOT_VERBS.contains(&word.as_str()) && !participle {
        return None;
    }
    Some(range)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_case_questions() {
        for ok in [
            "Does the NS0109 Sync Error Affect All Exports?",
            "Do I Need a NetSuite Admin to Fix the NS0109 Sync Error?",
            "Should I Disconnect and Reconnect NetSuite?",
            "Can I Use an iPhone?",
        ] {
            assert_eq!(first_lowercase_word(ok), None, "{ok}");
        }
        let text = "Does the error affect All Exports?";
        assert_eq!(first_lowercase_word(text).map(|r| &text[r]), Some("error"));
        assert!(first_lowercase_word("the Error Is Back?").is_some());
        assert_eq!(
            title_case("should I disconnect and reconnect NetSuite?"),
            "Should I Disconnect and Reconnect NetSuite?"
        );
    }

    #[test]
    fn letters_without_a_capital_do_not_loop() {
        assert_eq!(
            title_case("Can I ªretry the ĸexport?"),
            "Can I ªretry the ĸexport?"
        );
        assert_eq!(first_lowercase_word("Can I ªretry?"), None);
    }

    #[test]
    fn words_are_split_on_punctuation() {
        let text = "Don't stop, **Save**.";
        let w: Vec<&str> = words(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(w, ["Don't", "stop", "Save"]);
    }
}
