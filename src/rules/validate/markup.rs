//! Rule text becomes Markdown that the help site (Jekyll, kramdown) renders
//! as HTML with no escaping of its own, and front-matter values: so control
//! characters (R020), raw HTML (R021) and links that run script (R022) are
//! errors wherever rule text is written. Run on every text by
//! [`Validator::text_with`](super::Validator).

use std::ops::Range;
use std::sync::LazyLock;

use pulldown_cmark::{Event, Parser, Tag};
use regex::Regex;

use crate::diag::Code;
use crate::diag::Finding;
use crate::diag::{Sources, Span};
use crate::rules::locate::locate;

/// An HTML tag, comment, declaration or processing instruction, or a
/// kramdown attribute list (`{: onclick=…}`), which adds HTML attributes.
static HTML: LazyLock<Regex> =
    LazyLock::new(|| regex(r"</?[A-Za-z][A-Za-z0-9-]*(?:[\s/>]|$)|<!|<\?|\{:"));

/// `javascript:`, `vbscript:` and `data:<type>` with tabs, newlines or other
/// controls anywhere in them, as a browser would still read them.
static SCRIPT_SCHEME: LazyLock<Regex> = LazyLock::new(|| {
    let spelt = |word: &str| {
        word.chars()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join(r"[\x00-\x20]*")
    };
    regex(&format!(
        r"(?i)(?:^|[^a-z0-9])((?:{}|{})[\x00-\x20]*:|{}[\x00-\x20]*:[\x00-\x20]*[a-z]+/)",
        spelt("javascript"),
        spelt("vbscript"),
        spelt("data")
    ))
});

#[allow(clippy::expect_used)]
fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("constant pattern")
}

/// The findings for one rule text whose scalar is at (or inside) `span`.
pub fn findings(sources: &Sources, span: &Span, text: &str) -> Vec<Finding> {
    let at = |range: Range<usize>| locate(sources, span, text, range);
    let mut out = Vec::new();
    if let Some((i, c)) = text.char_indices().find(|(_, c)| is_control(*c)) {
        out.push(
            Finding::new(
                Code::R020,
                format!("control character U+{:04X} in rule text", c as u32),
            )
            .at(at(i..i + c.len_utf8()), "here")
            .help("remove it: rule text reaches front matter and pages, where a carriage return or a line separator can start a new line"),
        );
    }
    // Most texts hold none of the characters these checks start from; they
    // skip the copy, the regexes and the Markdown parse.
    let maybe_html = text.contains('<') || crate::util::text::find_pair(text, ['{', ':']).is_some();
    let html = maybe_html
        .then(|| HTML.find(&without_code_spans(text)).map(|m| m.range()))
        .flatten();
    if let Some(range) = html {
        out.push(
            Finding::new(Code::R021, "raw HTML in rule text")
                .at(at(range), "the help site would render this as HTML")
                .help("write it as text: put it in `backticks`, or describe it in words (Setup > Users, not <b>Setup</b>)"),
        );
    }
    // A scheme needs a `:`, written or as an entity (`&colon;`, `&#58;`),
    // which pulldown-cmark decodes in a link's destination.
    let scheme = (text.contains(':') && may_spell_scheme(text))
        .then(|| SCRIPT_SCHEME.captures(text).and_then(|c| c.get(1)))
        .flatten()
        .map(|m| m.range());
    let link = || {
        let may_link = text.contains('[') || text.contains('<');
        (may_link && (text.contains(':') || text.contains('&')))
            .then(|| unsafe_link(text))
            .flatten()
    };
    let script = scheme.or_else(link);
    if let Some(range) = script {
        out.push(
            Finding::new(Code::R022, "a link that is not http, https, mailto or relative")
                .at(at(range), "this link")
                .help("link to an https page; `javascript:` and `data:` links run in the reader's browser"),
        );
    }
    out
}

/// The integration file's texts that are not read through
/// [`Validator::text_with`](super::Validator): its name,
/// index page and signal questions.
pub fn integration_texts(
    sources: &Sources,
    file: crate::diag::FileId,
    raw: &crate::rules::raw::RawIntegration,
) -> Vec<Finding> {
    let at = Span::of(file, &raw.id);
    let mut texts: Vec<&str> = vec![raw.name.as_str()];
    texts.extend(raw.signals.iter().map(|s| s.question.as_str()));
    if let Some(index) = &raw.index {
        texts.extend(index.title.as_deref());
        texts.extend([index.description.as_str(), index.internal_scope.as_str()]);
        texts.extend(index.keywords.iter().map(String::as_str));
        texts.extend(index.intro.iter().map(String::as_str));
        for faq in &index.faq {
            texts.extend([faq.question.value.as_str(), faq.answer.as_str()]);
        }
    }
    texts
        .into_iter()
        .flat_map(|text| findings(sources, &at, text))
        .collect()
}

/// Control characters but the newline, line and paragraph separators,
/// bidirectional overrides and the byte order mark.
fn is_control(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

/// The text with the inside of `code spans` blanked (same length), since
/// Markdown shows their content literally.
fn without_code_spans(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    for c in text.chars() {
        if c == '`' {
            in_code = !in_code;
            out.push(c);
        } else if in_code {
            out.extend(std::iter::repeat_n(' ', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    if in_code {
        // An unclosed backtick is literal: judge the text as written.
        return text.to_string();
    }
    out
}

/// Whether [`SCRIPT_SCHEME`] can match: the text, without the controls and
/// spaces it allows inside a scheme and in ASCII lower case, holds one of
/// the schemes and its colon. Building that regex is the costly part of
/// loading two files, and few texts pass this.
fn may_spell_scheme(text: &str) -> bool {
    // The regex folds case as Unicode does: the long s is an `s` to it.
    let squeezed: String = text
        .chars()
        .filter(|c| *c > '\u{20}')
        .map(|c| {
            if c == '\u{17f}' {
                's'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    if squeezed.contains("javascript:") || squeezed.contains("vbscript:") {
        return true;
    }
    // `data:` counts only with a type and its slash (`data:text/html`), as in
    // the regex: "Missing data: …" is common prose. The Kelvin sign is a `k`
    // to the regex's `[a-z]`.
    squeezed.match_indices("data:").any(|(i, _)| {
        let rest = &squeezed[i + "data:".len()..];
        let letters = rest.len()
            - rest
                .trim_start_matches(|c: char| c.is_ascii_alphabetic() || c == '\u{212a}')
                .len();
        letters > 0 && rest[letters..].starts_with('/')
    })
}

/// The range of the first Markdown link or image whose destination a
/// browser would not follow as http, https, mailto or a relative link.
fn unsafe_link(text: &str) -> Option<Range<usize>> {
    Parser::new(text)
        .into_offset_iter()
        .find_map(|(event, range)| match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if crate::util::url::safe_link(&dest_url).is_none() =>
            {
                Some(range)
            }
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> Vec<Code> {
        let mut sources = Sources::default();
        let file = sources.add("t.yaml", text);
        findings(&sources, &Span::new(file, 0..text.len()), text)
            .into_iter()
            .map(|f| f.code)
            .collect()
    }

    #[test]
    fn ordinary_text_passes() {
        for text in [
            "Go to Setup > Users/Roles > Manage Roles, then click **Save**.",
            "If a < b and `<div>` is shown, see [the guide](https://example.com/a) or <https://example.com>.",
            "Missing data: the report has no rows.\nA second line.",
            "Mail <help@example.com> or see [this](../Sync-Errors/A.md#faq).",
        ] {
            assert_eq!(codes(text), Vec::<Code>::new(), "{text}");
        }
    }

    #[test]
    fn controls_html_and_script_links_are_found() {
        assert_eq!(codes("a\rlayout: evil"), [Code::R020]);
        assert_eq!(codes("a\u{2028}b"), [Code::R020]);
        assert_eq!(codes("a\u{85}b"), [Code::R020]);
        assert_eq!(codes("Hi <script>alert(1)</script>"), [Code::R021]);
        assert_eq!(codes("<img src=x onerror=alert(1)>"), [Code::R021]);
        assert_eq!(codes("<!-- hidden -->"), [Code::R021]);
        assert_eq!(codes("[x](y){: onclick=\"alert(1)\"}"), [Code::R021]);
        assert_eq!(codes("[x](javascript:alert(1))"), [Code::R022]);
        assert_eq!(codes("[x](JaVaScRiPt:alert(1))"), [Code::R022]);
        assert_eq!(
            codes("[x](java\tscript:alert(1))"),
            [Code::R020, Code::R022]
        );
        assert_eq!(
            codes("[x](data:text/html;base64,PHNjcmlwdD4=)"),
            [Code::R022]
        );
        assert_eq!(codes("[x][r]\n\n[r]: vbscript:msgbox"), [Code::R022]);
        assert_eq!(codes("<javascript:alert(1)>"), [Code::R022]);
        assert_eq!(
            codes("see j a v a\ts c r i p t :alert(1)"),
            [Code::R020, Code::R022]
        );
        assert_eq!(codes("[x](java\u{17f}cript:alert(1))"), [Code::R022]);
        assert!(!may_spell_scheme("Note: go to Setup > Users."));
        assert!(may_spell_scheme("DATA : text/html"));
        assert!(!may_spell_scheme("Missing data: the report has no rows."));
        assert!(may_spell_scheme("data:te\u{212a}t/html"));
        assert_eq!(
            codes("[x](data:image/svg+xml;base64,PHN2Zz4=)"),
            [Code::R022]
        );
        // Entities spell the `:` the quick test looks for.
        assert_eq!(codes("[x](javascript&#58;alert(1))"), [Code::R022]);
        assert_eq!(codes("[x](javascript&colon;alert(1))"), [Code::R022]);
    }
}
