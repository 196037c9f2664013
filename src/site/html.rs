//! The HTML preview: each Markdown page through pulldown-cmark into the layout
//! template, the home page and the search index. Every link is relative, so the
//! preview works from `file://` as well as from `triage serve`.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag};
use serde::{Deserialize, Serialize};

use crate::Error;
use crate::engine::export::Troubleshooter;
use crate::render::Renderer;

pub const PAGE: &str = "page.html.j2";
pub const HOME: &str = "home.html.j2";
pub const ERROR: &str = "error.html.j2";
pub const CSS: &str = "site.css";
pub const SCRIPT: &str = "search.js";
pub const SEARCH_INDEX: &str = "search-index.js";
/// The troubleshooter panel's script, once in `html/`; each article carries its data.
pub const TROUBLESHOOT: &str = "troubleshoot.js";
/// The preview's folder inside the output folder.
pub const DIR: &str = "html";

/// The front matter keys the preview shows; the others are the help site's.
#[derive(Debug, Default, Deserialize)]
struct PageMeta {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    description: Option<String>,
}

#[derive(Debug, Serialize)]
struct PageContext<'a> {
    title: &'a str,
    description: Option<&'a str>,
    body: &'a str,
    root: &'a str,
    /// The troubleshooter's data as JSON, safe inside a `<script>` element.
    troubleshoot: Option<String>,
}

/// Where a Markdown page's preview goes: `a/b.md` → `html/a/b.html`.
pub fn html_path(md_rel: &str) -> String {
    format!("{DIR}/{}", md_to_html_link(md_rel))
}

/// `../` once per folder between a page inside `html/` and `html/` itself.
fn root_of(rel_inside_html: &str) -> String {
    "../".repeat(rel_inside_html.matches('/').count())
}

/// The preview page of one Markdown page (`md_rel` is its path in the output);
/// an article page gets its code's troubleshooter panel, and its procedures'
/// headings the anchors the panel's plan links to.
pub fn page(
    renderer: &Renderer,
    md_rel: &str,
    markdown: &str,
    troubleshooter: Option<&Troubleshooter>,
) -> Result<String, Error> {
    let (front_matter, body) = crate::util::text::split_front_matter(markdown);
    let meta: PageMeta = crate::rules::load::read_yaml(front_matter).unwrap_or_default();
    let fallback = md_rel.rsplit('/').next().unwrap_or(md_rel);
    renderer.render_verbatim(
        PAGE,
        &PageContext {
            title: meta.title.as_deref().unwrap_or(fallback),
            description: meta.description.as_deref(),
            body: &markdown_to_html_anchored(body, &anchors(troubleshooter)),
            root: &root_of(md_rel),
            troubleshoot: troubleshooter.map(script_json).transpose()?,
        },
    )
}

/// Heading text → id, for the procedures that print a heading.
fn anchors(troubleshooter: Option<&Troubleshooter>) -> Vec<(String, String)> {
    troubleshooter
        .iter()
        .flat_map(|t| &t.procedures)
        .filter_map(|p| Some((p.title.clone(), p.anchor.clone()?)))
        .collect()
}

/// JSON that cannot end or comment out the `<script>` element holding it:
/// `<` only occurs inside strings, where `\u003c` means the same.
fn script_json(t: &Troubleshooter) -> Result<String, Error> {
    let json = serde_json::to_string(t).map_err(Error::Json)?;
    Ok(json.replace('<', "\\u003c"))
}

/// The page `triage serve` shows while the build fails.
pub fn error_page(renderer: &Renderer, diagnostics: &str) -> Result<String, Error> {
    #[derive(Serialize)]
    struct Ctx<'a> {
        title: &'a str,
        description: Option<&'a str>,
        root: &'a str,
        diagnostics: &'a str,
    }
    renderer.render_verbatim(
        ERROR,
        &Ctx {
            title: "The build failed",
            description: None,
            root: "/",
            diagnostics,
        },
    )
}

/// Markdown to HTML, links to sibling `.md` pages turned into links to their previews.
pub fn markdown_to_html(markdown: &str) -> String {
    markdown_to_html_anchored(markdown, &[])
}

/// [`markdown_to_html`], and each heading whose plain text is one of `anchors`'
/// texts gets the paired id (the first such heading only).
fn markdown_to_html_anchored(markdown: &str, anchors: &[(String, String)]) -> String {
    let mut events: Vec<Event> = Parser::new_ext(markdown, Options::ENABLE_TABLES).collect();
    let mut used = vec![false; anchors.len()];
    for start in 0..events.len() {
        if !matches!(events[start], Event::Start(Tag::Heading { .. })) {
            continue;
        }
        let mut text = String::new();
        for event in &events[start + 1..] {
            match event {
                Event::End(pulldown_cmark::TagEnd::Heading(_)) => break,
                Event::Text(t) | Event::Code(t) => text.push_str(t),
                _ => {}
            }
        }
        let found = anchors
            .iter()
            .enumerate()
            .find(|(i, (t, _))| !used[*i] && *t == text.trim());
        if let Some((i, (_, anchor))) = found
            && let Event::Start(Tag::Heading { id, .. }) = &mut events[start]
        {
            used[i] = true;
            *id = Some(CowStr::from(anchor.clone()));
        }
    }
    let events = events.into_iter().map(|event| match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: CowStr::from(md_to_html_link(&dest_url)),
            title,
            id,
        }),
        // Rule text comes through pull requests: raw HTML is shown as text,
        // never run, in the preview.
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        other => other,
    });
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

/// `Sync-Errors/NS0109-Sync-Error.md#faq` → `Sync-Errors/NS0109-Sync-Error.html#faq`;
/// links elsewhere (`https:`, `/…`, `mailto:`) stay as they are; any other
/// scheme (`javascript:`, `data:`, however spelt) becomes `#` ([`crate::util::url::safe_link`]).
fn md_to_html_link(link: &str) -> String {
    let Some(link) = crate::util::url::safe_link(link) else {
        return "#".to_string();
    };
    let (path, fragment) = link
        .split_once('#')
        .map_or((link.as_str(), ""), |(p, f)| (p, f));
    let external = path.starts_with('/') || path.contains(':');
    match path.strip_suffix(".md") {
        Some(stem) if !external => {
            let hash = if link.contains('#') { "#" } else { "" };
            format!("{stem}.html{hash}{fragment}")
        }
        _ => link.clone(),
    }
}

/// One code on the home page and in the search index.
#[derive(Debug, Serialize)]
pub struct CodeEntry {
    pub code: String,
    pub kind_title: &'static str,
    pub product: String,
    /// "NS0109 Sync Error: Failed to login to NetSuite".
    pub title: String,
    pub message: String,
    pub summary: String,
    /// Relative to `html/`.
    pub url: String,
    /// What search finds the article by.
    #[serde(skip)]
    pub search: SearchDoc,
    /// For its index page: its kind, and its article relative to the
    /// troubleshooting folder, URL-encoded.
    #[serde(skip)]
    pub kind: crate::rules::Kind,
    #[serde(skip)]
    pub link: String,
}

impl CodeEntry {
    pub fn of(integration: &crate::rules::Integration, code: &crate::rules::Code) -> CodeEntry {
        use crate::render::index::{article_link, article_path, headline};
        CodeEntry {
            code: code.code.clone(),
            kind_title: code.kind.title(),
            product: integration.name.clone(),
            title: headline(code),
            message: crate::recognize::strip_code_prefix(&code.message).to_string(),
            summary: code.summary.clone(),
            url: super::md_rel_to_html(&article_path(integration, code)),
            search: SearchDoc::of(code),
            kind: code.kind,
            link: crate::util::url::encode_path(&article_link(code)),
        }
    }
}

/// One integration on the home page.
#[derive(Debug, Serialize)]
pub struct IntegrationEntry {
    pub product: String,
    pub index_title: String,
    pub index_url: String,
    pub codes: Vec<CodeEntry>,
}

pub fn home(renderer: &Renderer, integrations: &[IntegrationEntry]) -> Result<String, Error> {
    #[derive(Serialize)]
    struct Ctx<'a> {
        title: &'a str,
        description: Option<&'a str>,
        root: &'a str,
        integrations: &'a [IntegrationEntry],
    }
    renderer.render_verbatim(
        HOME,
        &Ctx {
            title: "Help center preview",
            description: Some("Every error article generated from the rules, with search."),
            root: "",
            integrations,
        },
    )
}

/// What the search index holds of one article besides its title and message:
/// its terms by weight class and the lines a result's snippet is taken from.
#[derive(Debug, Default)]
pub struct SearchDoc {
    /// Space-separated stems, each in the heaviest class it occurs in:
    /// title, message, symptoms, body ([`Class`]).
    pub terms: [String; 4],
    /// The article's sentences (causes, meaning, steps, FAQ), plain text, cut
    /// to [`SNIPPET_CHARS`].
    pub lines: Vec<String>,
}

/// The weight classes of terms, heaviest first (search.js's `WEIGHTS`).
#[derive(Debug, Clone, Copy)]
enum Class {
    /// The code and the article's title.
    Title = 0,
    /// The error message, the summary and the front matter's keywords.
    Message = 1,
    /// What the error means and why it happens: meaning, causes, FAQ questions.
    Symptoms = 2,
    /// How to fix it: procedures, their steps, FAQ answers, escalation.
    Body = 3,
}

/// A snippet line is cut to about this many characters.
const SNIPPET_CHARS: usize = 110;

/// Words too common to search by; search.js drops them from queries too
/// (the index carries this list).
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "for", "from", "has", "have",
    "if", "in", "into", "is", "it", "its", "of", "on", "or", "so", "that", "the", "then", "this",
    "to", "was", "were", "will", "with", "you", "your",
];

/// The texts of some blocks, borrowed.
fn block_texts(blocks: &[crate::rules::block::Block]) -> Vec<&str> {
    blocks
        .iter()
        .flat_map(crate::rules::block::Block::texts)
        .collect()
}

impl SearchDoc {
    /// The terms and snippet lines of one code's article.
    pub fn of(code: &crate::rules::Code) -> SearchDoc {
        // Borrowed texts and one word buffer: this runs for every code on
        // every build, kept pages too, and allocating per word was most of it.
        let headline = crate::render::index::headline(code);
        let title: Vec<&str> = vec![&code.code, &headline];
        let message: Vec<&str> = vec![&code.message, &code.summary, &code.front_matter.keywords];
        let mut symptoms = block_texts(&code.meaning);
        symptoms.extend(
            code.causes
                .iter()
                .flat_map(|c| c.items.iter().map(String::as_str)),
        );
        symptoms.extend(code.faq.iter().map(|f| f.question.as_str()));
        if let Some(why) = &code.why {
            symptoms.extend(block_texts(&why.body));
        }
        let mut body = block_texts(&code.fix_lead);
        for p in &code.procedures {
            body.extend(p.title.iter().map(String::as_str));
            body.extend(block_texts(&p.body));
        }
        body.extend(code.faq.iter().map(|f| f.answer.as_str()));
        if let Some(e) = &code.escalation {
            body.push(&e.lead);
            body.extend(e.include.iter().map(String::as_str));
        }
        let mut lines = Vec::new();
        for text in symptoms.iter().chain(&body) {
            let line = snippet_line(text);
            if !line.is_empty() && !lines.contains(&line) {
                lines.push(line);
            }
        }
        let texts = [
            (Class::Title, title),
            (Class::Message, message),
            (Class::Symptoms, symptoms),
            (Class::Body, body),
        ];

        let mut seen = rustc_hash::FxHashSet::default();
        let mut terms: [String; 4] = Default::default();
        let mut word = String::new();
        for (class, texts) in &texts {
            let joined = &mut terms[*class as usize];
            for text in texts {
                for_each_term(text, &mut word, |term| {
                    if !seen.contains(term) {
                        seen.insert(term.to_string());
                        if !joined.is_empty() {
                            joined.push(' ');
                        }
                        joined.push_str(term);
                    }
                });
            }
        }
        SearchDoc { terms, lines }
    }
}

/// The searchable terms of a text: its words, lowercased, without stop
/// words, stemmed ([`stem`]). search.js splits and stems a query the same way.
pub fn search_terms(text: &str) -> impl Iterator<Item = String> {
    let mut terms = Vec::new();
    for_each_term(text, &mut String::new(), |term| {
        terms.push(term.to_string())
    });
    terms.into_iter()
}

/// Calls `f` with each of [`search_terms`], made in `word` (reused across
/// calls: building the index allocated per word before).
fn for_each_term(text: &str, word: &mut String, mut f: impl FnMut(&str)) {
    for raw in text.split(|c: char| !c.is_alphanumeric()) {
        if raw.is_empty() {
            continue;
        }
        word.clear();
        if raw.is_ascii() {
            word.extend(raw.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        } else {
            // Per word, as before: a final sigma is lowercased as one.
            word.push_str(&raw.to_lowercase());
        }
        // The stop words are sorted and at most four letters long.
        if word.len() <= 4 && STOP_WORDS.binary_search(&word.as_str()).is_ok() {
            continue;
        }
        stem_in_place(word);
        f(word);
    }
}

/// A light English suffix stripper, so "changed", "changes" and "change"
/// are one term ("chang"), as are "revoked" and "revoke", "tokens" and
/// "token". search.js has the same function (`stem`): change both together.
/// Query words also match terms they begin, so stems need not be words.
pub fn stem(word: &str) -> String {
    let mut w = word.to_string();
    stem_in_place(&mut w);
    w
}

/// [`stem`], on the word in place.
fn stem_in_place(w: &mut String) {
    if w.len() <= 3
        || !w
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return;
    }
    let is_vowel = |b: u8| b"aeiouy".contains(&b);
    if (w.ends_with("ies") || w.ends_with("ied")) && w.len() > 4 {
        w.truncate(w.len() - 3);
        w.push('y');
    } else if w.ends_with("es")
        && ["s", "x", "z", "ch", "sh"]
            .iter()
            .any(|end| w[..w.len() - 2].ends_with(end))
    {
        w.truncate(w.len() - 2);
    } else if w.ends_with('s') && !["ss", "us", "is"].iter().any(|end| w.ends_with(end)) {
        w.truncate(w.len() - 1);
    }
    let undouble = |w: &mut String| {
        let b = w.as_bytes();
        let n = b.len();
        if n >= 2 && b[n - 1] == b[n - 2] && !is_vowel(b[n - 1]) && !b"lsz".contains(&b[n - 1]) {
            w.truncate(n - 1);
        }
    };
    if w.ends_with("ing") && w.len() >= 6 {
        w.truncate(w.len() - 3);
        undouble(w);
    } else if w.ends_with("ed") && w.len() >= 5 {
        w.truncate(w.len() - 2);
        undouble(w);
    } else if w.ends_with("ly") && w.len() >= 6 {
        w.truncate(w.len() - 2);
    }
    if w.ends_with('e') && w.len() >= 4 {
        w.truncate(w.len() - 1);
    }
}

/// A sentence as a snippet shows it: Markdown marks and link targets gone,
/// cut at a word near [`SNIPPET_CHARS`].
fn snippet_line(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    let mut rest = text;
    // `[label](target)` → `label`.
    while let Some(open) = rest.find('[') {
        plain.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.split_once("](").and_then(|(label, tail)| {
            let (_, tail) = tail.split_once(')')?;
            Some((label, tail))
        }) {
            Some((label, tail)) if !label.contains('[') => {
                plain.push_str(label);
                rest = tail;
            }
            _ => {
                plain.push('[');
                rest = after;
            }
        }
    }
    plain.push_str(rest);
    let plain: String = plain.chars().filter(|c| !matches!(c, '*' | '`')).collect();
    let plain = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    if plain.chars().count() <= SNIPPET_CHARS {
        return plain;
    }
    let cut: String = plain.chars().take(SNIPPET_CHARS).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches(|c: char| !c.is_alphanumeric()))
}

/// Codes whose search JSON [`search_index`] makes at once.
const SEARCH_BLOCK: usize = 1024;

/// The search index as a script setting a global: `fetch()` of JSON fails on
/// `file://`. Per code its title and message as shown, and [`SearchDoc`]'s
/// terms and lines under short keys, each line once, to keep the file small.
/// Also where each code's [`search_head`] is in it, for an incremental build to take them from.
pub fn search_index(integrations: &[IntegrationEntry]) -> Result<Search, Error> {
    // Each code's JSON made on all cores (one after another, it was the
    // longest step after the last page), a block of codes at a time so
    // that only one block's is held; its lines numbered in code order.
    let entries: Vec<&CodeEntry> = integrations.iter().flat_map(|i| &i.codes).collect();
    let mut lines: Vec<String> = Vec::new();
    let mut places: std::collections::HashMap<String, u32> = Default::default();
    let mut codes = Vec::with_capacity(entries.len());
    for block in entries.chunks(SEARCH_BLOCK) {
        let made = crate::util::parallel::map(
            block,
            || (),
            |(), c| {
                let lines = c
                    .search
                    .lines
                    .iter()
                    .map(|line| search_line(line))
                    .collect::<Result<Vec<_>, Error>>()?;
                Ok::<_, Error>((search_head(c)?, lines))
            },
        );
        for made in made {
            let (head, own) = made?;
            let l: Vec<u32> = own
                .into_iter()
                .map(|line| {
                    *places.entry(line).or_insert_with_key(|line| {
                        lines.push(line.clone());
                        lines.len() as u32 - 1
                    })
                })
                .collect();
            codes.push((head, l));
        }
    }
    Ok(search_script(
        &lines,
        codes.iter().map(|(head, l)| (head.as_str(), l.as_slice())),
    ))
}

/// JSON as the search index holds it: "</" never occurs in the script,
/// whatever the messages say.
fn script_safe(json: String) -> String {
    if json.contains("</") {
        json.replace("</", "<\\/")
    } else {
        json
    }
}

/// A snippet line as the search index's `lines` hold it (a JSON string).
pub fn search_line(line: &str) -> Result<String, Error> {
    Ok(script_safe(
        serde_json::to_string(line).map_err(Error::Json)?,
    ))
}

/// A code's entry in the search index but its lines' places: `{"code":…,"t":[…]`,
/// unclosed, for [`search_script`] to end with `,"l":[…]}`. Kept whole by
/// an incremental build, which writes the index without loading the codes.
pub fn search_head(c: &CodeEntry) -> Result<String, Error> {
    #[derive(Serialize)]
    struct Head<'a> {
        code: &'a str,
        title: &'a str,
        message: &'a str,
        url: &'a str,
        /// Terms by class, heaviest first.
        t: &'a [String; 4],
    }
    let mut json = serde_json::to_string(&Head {
        code: &c.code,
        title: &c.title,
        message: &c.message,
        url: &c.url,
        t: &c.search.terms,
    })
    .map_err(Error::Json)?;
    json.pop(); // the closing brace
    Ok(script_safe(json))
}

/// Pushes each item with `f`, a comma between two.
fn push_joined<T>(
    out: &mut String,
    items: impl IntoIterator<Item = T>,
    mut f: impl FnMut(&mut String, T),
) {
    for (n, item) in items.into_iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        f(out, item);
    }
}

/// A search index, and where in it each code's [`search_head`] is (bytes).
#[derive(Debug)]
pub struct Search {
    pub script: String,
    pub heads: Vec<std::ops::Range<usize>>,
}

/// The search index of `codes` (each its [`search_head`] and its snippet
/// lines as places in `lines`, which hold [`search_line`]s, each once).
pub fn search_script<'a, L: AsRef<str>>(
    lines: &[L],
    codes: impl Iterator<Item = (&'a str, &'a [u32])> + Clone,
) -> Search {
    use std::fmt::Write as _;
    // Sized beforehand: the index is megabytes, and growing it copies it.
    let mut count = 0;
    let size = 256
        + lines.iter().map(|l| l.as_ref().len() + 1).sum::<usize>()
        + codes
            .clone()
            .map(|(head, places)| {
                count += 1;
                head.len() + 8 + places.len() * 6
            })
            .sum::<usize>();
    let mut out = String::with_capacity(size);
    let mut heads = Vec::with_capacity(count);
    // Tens of thousands of places: written without `fmt`.
    let mut number = itoa::Buffer::new();
    out.push_str("window.TRIAGE_SEARCH = {\"stop\":[");
    // Plain lowercase words: nothing to escape.
    push_joined(&mut out, STOP_WORDS, |out, word| {
        let _ = write!(out, "\"{word}\"");
    });
    out.push_str("],\"lines\":[");
    push_joined(&mut out, lines, |out, line| out.push_str(line.as_ref()));
    out.push_str("],\"codes\":[");
    push_joined(&mut out, codes, |out, (head, places)| {
        heads.push(out.len()..out.len() + head.len());
        out.push_str(head);
        out.push_str(",\"l\":[");
        push_joined(out, places, |out, place| {
            out.push_str(number.format(*place));
        });
        out.push_str("]}");
    });
    out.push_str("]};\n");
    Search { script: out, heads }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `for_each_term` looks stop words up by binary search, and only in words of four letters or fewer.
    #[test]
    fn stop_words_are_sorted_and_short() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(STOP_WORDS.iter().all(|w| w.len() <= 4));
    }
    use crate::util::text::split_front_matter;

    #[test]
    fn raw_html_is_text_and_script_links_go() {
        let html = markdown_to_html(
            "Hi <script>alert(1)</script> [x](javascript:alert(1))\n\n<div onclick=x>y</div>\n",
        );
        assert!(
            !html.contains("<script>") && !html.contains("<div"),
            "{html}"
        );
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn the_troubleshooter_data_cannot_close_its_script_element() {
        let t = Troubleshooter {
            code: "XX0001".into(),
            questions: [("a".to_string(), "Is it </script><!-- so?".to_string())].into(),
            probe: Vec::new(),
            causes: Vec::new(),
            procedures: Vec::new(),
            ticket: crate::engine::export::ExportedTicket {
                kind: "sync",
                kind_title: "Sync",
                product: "X".into(),
                message: "XX0001 Sync Error: x".into(),
                needs_report_id: false,
                checks: Vec::new(),
            },
        };
        let json = script_json(&t).unwrap();
        assert!(!json.contains('<'), "{json}");
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["questions"]["a"], "Is it </script><!-- so?");
    }

    #[test]
    fn procedure_headings_get_their_anchor_once() {
        let anchors = [("Retry the Sync".to_string(), "fix-retry_sync".to_string())];
        let html = markdown_to_html_anchored("### Retry the Sync\n\n## Retry the Sync\n", &anchors);
        assert_eq!(
            html,
            "<h3 id=\"fix-retry_sync\">Retry the Sync</h3>\n<h2>Retry the Sync</h2>\n"
        );
    }

    #[test]
    fn links_to_markdown_pages_become_links_to_previews() {
        assert_eq!(md_to_html_link("Sync-Errors/A.md"), "Sync-Errors/A.html");
        assert_eq!(md_to_html_link("../B.md#faq"), "../B.html#faq");
        assert_eq!(
            md_to_html_link("https://example.com/a.md"),
            "https://example.com/a.md"
        );
        assert_eq!(md_to_html_link("#faq"), "#faq");
    }

    fn shipped_doc(id: &str) -> SearchDoc {
        use crate::rules::{RuleBase, RuleSource, Selection};
        let (base, _) = RuleBase::load(&RuleSource::Embedded, &Selection::All).unwrap();
        let (_, code) = base.codes().find(|(_, c)| c.code == id).unwrap();
        SearchDoc::of(code)
    }

    #[test]
    fn stems_join_the_forms_of_a_word() {
        for (words, stem_of_all) in [
            (&["changed", "change", "changes", "changing"][..], "chang"),
            (&["revoked", "revoke", "revokes"], "revok"),
            (&["tokens", "token"], "token"),
            (&["permissions", "permission"], "permission"),
            (&["logged", "logging", "log", "logs"], "log"),
            (&["retries", "retried", "retry"], "retry"),
            (&["passes", "pass", "passed"], "pass"),
            (&["syncing", "synced", "syncs", "sync"], "sync"),
            (&["ns0109"], "ns0109"),
        ] {
            for word in words {
                assert_eq!(stem(word), stem_of_all, "{word}");
            }
        }
        // Words it does not know are left alone, as are short ones.
        assert_eq!(stem("status"), "status");
        assert_eq!(stem("access"), "access");
        assert_eq!(stem("anmeldung"), "anmeldung");
        assert_eq!(stem("größe"), "größe");
        assert_eq!(
            search_terms("The **Admin** password was Changed.").collect::<Vec<_>>(),
            ["admin", "password", "chang"]
        );
    }

    #[test]
    fn the_index_holds_the_whole_article_stemmed_by_weight() {
        let doc = shipped_doc("NS0109");
        let class = |term: &str| {
            doc.terms
                .iter()
                .position(|t| t.split(' ').any(|x| x == term))
                .unwrap_or_else(|| panic!("{term} is indexed: {:?}", doc.terms))
        };
        // The code and its title; the message and summary.
        assert_eq!(class("ns0109"), Class::Title as usize);
        assert_eq!(class("login"), Class::Title as usize);
        assert_eq!(class("credential"), Class::Message as usize);
        // Causes ("The NetSuite admin password was changed.", "… was revoked or
        // expired."), stemmed; "chang" is in the summary already ("if they changed").
        assert_eq!(class("password"), Class::Symptoms as usize);
        assert_eq!(class("revok"), Class::Symptoms as usize);
        assert_eq!(class("expir"), Class::Symptoms as usize);
        assert_eq!(class("chang"), Class::Message as usize);
        // A FAQ question ("… Disconnect and Reconnect NetSuite?").
        assert_eq!(class("disconnect"), Class::Symptoms as usize);
        // Steps ("… consumer key, consumer secret …") and a FAQ answer ("… full reconfiguration").
        assert_eq!(class("consumer"), Class::Body as usize);
        assert_eq!(class("reconfiguration"), Class::Body as usize);
        // Each term once, in its heaviest class; no stop words.
        let all: Vec<&str> = doc.terms.iter().flat_map(|t| t.split(' ')).collect();
        let unique: std::collections::HashSet<&str> = all.iter().copied().collect();
        assert_eq!(all.len(), unique.len());
        assert!(!all.contains(&"the") && !all.contains(&"was"));
        // Snippets are the sentences, plain text.
        assert!(
            doc.lines
                .contains(&"The NetSuite admin password was changed.".to_string())
        );
        assert!(
            doc.lines.contains(&"Click Save.".to_string()),
            "{:?}",
            doc.lines
        );
        assert!(doc.lines.iter().all(|l| !l.contains("**")));
    }

    #[test]
    fn snippet_lines_are_plain_and_short() {
        assert_eq!(
            snippet_line("Open **Settings** and [the guide](../A.md), then `Save`."),
            "Open Settings and the guide, then Save."
        );
        let long = snippet_line(&"word ".repeat(60));
        assert!(long.ends_with("word…"), "{long}");
        assert!(long.chars().count() <= SNIPPET_CHARS + 1);
    }

    #[test]
    fn the_index_is_a_script_with_each_line_once() {
        let doc = |lines: &[&str]| SearchDoc {
            terms: Default::default(),
            lines: lines.iter().map(|l| l.to_string()).collect(),
        };
        let entry = |code: &str, search| CodeEntry {
            code: code.into(),
            kind_title: "Sync",
            product: "X".into(),
            title: format!("{code} </script>"),
            message: "m".into(),
            summary: "s".into(),
            url: "u".into(),
            search,
            kind: crate::rules::Kind::Sync,
            link: "l".into(),
        };
        let index = search_index(&[IntegrationEntry {
            product: "X".into(),
            index_title: "X".into(),
            index_url: "x".into(),
            codes: vec![
                entry("XX0001", doc(&["Click Save.", "Only one."])),
                entry("XX0002", doc(&["Click Save."])),
            ],
        }])
        .unwrap()
        .script;
        assert!(!index.contains("</"), "{index}");
        let json = index
            .strip_prefix("window.TRIAGE_SEARCH = ")
            .and_then(|j| j.strip_suffix(";\n"))
            .unwrap();
        let value: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(
            value["lines"],
            serde_json::json!(["Click Save.", "Only one."])
        );
        assert_eq!(value["codes"][0]["l"], serde_json::json!([0, 1]));
        assert_eq!(value["codes"][1]["l"], serde_json::json!([0]));
        assert_eq!(value["codes"][1]["title"], "XX0002 </script>");
    }

    #[test]
    fn the_index_pieced_together_is_what_serde_json_writes_whole() {
        let doc = |lines: &[&str]| SearchDoc {
            terms: ["a b".into(), String::new(), "\"q\" </x>".into(), "é".into()],
            lines: lines.iter().map(|l| l.to_string()).collect(),
        };
        let entry = |code: &str, search| CodeEntry {
            code: code.into(),
            kind_title: "Sync",
            product: "X".into(),
            title: format!("{code} \"quoted\" </script> \u{2028}"),
            message: "tab\there\nnewline \\ back".into(),
            summary: "s".into(),
            url: "a%20b/c.html".into(),
            search,
            kind: crate::rules::Kind::Sync,
            link: "l".into(),
        };
        let integrations = [IntegrationEntry {
            product: "X".into(),
            index_title: "X".into(),
            index_url: "x".into(),
            codes: vec![
                entry(
                    "XX0001",
                    doc(&["<b>Click</b> Save.", "\u{1}ctl", "Only one."]),
                ),
                entry("XX0002", doc(&["Only one.", "new"])),
                entry("XX0003", doc(&[])),
            ],
        }];
        // The index as one serde_json value, as it was first written.
        let lines = ["<b>Click</b> Save.", "\u{1}ctl", "Only one.", "new"];
        let codes: Vec<serde_json::Value> = integrations[0]
            .codes
            .iter()
            .zip([vec![0, 1, 2], vec![2, 3], vec![]])
            .map(|(c, l)| {
                serde_json::json!({
                    "code": c.code, "title": c.title, "message": c.message,
                    "url": c.url, "t": c.search.terms, "l": l,
                })
            })
            .collect();
        // serde_json::Value sorts keys: the fields by hand, in their order.
        let whole = format!(
            "{{\"stop\":{},\"lines\":{},\"codes\":[{}]}}",
            serde_json::to_string(STOP_WORDS).unwrap(),
            serde_json::to_string(&lines).unwrap(),
            codes
                .iter()
                .map(|c| {
                    let field = |k: &str| format!("\"{k}\":{}", c[k]);
                    format!(
                        "{{{}}}",
                        ["code", "title", "message", "url", "t", "l"]
                            .map(field)
                            .join(",")
                    )
                })
                .collect::<Vec<_>>()
                .join(",")
        );
        let expected = format!("window.TRIAGE_SEARCH = {};\n", whole.replace("</", "<\\/"));
        let search = search_index(&integrations).unwrap();
        assert_eq!(search.script, expected);
        // Each head where it says, as search_head writes it.
        for (range, c) in search.heads.iter().zip(&integrations[0].codes) {
            assert_eq!(&search.script[range.clone()], search_head(c).unwrap());
        }
    }

    #[test]
    fn front_matter_is_split_from_the_body() {
        assert_eq!(
            split_front_matter("---\ntitle: A\n---\n\n# A\n"),
            ("title: A\n", "\n# A\n")
        );
        assert_eq!(split_front_matter("# A\n---\n"), ("", "# A\n---\n"));
        assert_eq!(root_of("a/b/c.md"), "../../");
    }
}
