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
    let meta: PageMeta =
        serde_saphyr::from_str_with_options(front_matter, crate::rules::load::yaml_options())
            .unwrap_or_default();
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

/// The search index as a script setting a global: `fetch()` of JSON fails on `file://`.
pub fn search_index(integrations: &[IntegrationEntry]) -> Result<String, Error> {
    #[derive(Serialize)]
    struct Entry<'a> {
        code: &'a str,
        title: &'a str,
        message: &'a str,
        summary: &'a str,
        product: &'a str,
        url: &'a str,
    }
    let entries: Vec<Entry> = integrations
        .iter()
        .flat_map(|i| &i.codes)
        .map(|c| Entry {
            code: &c.code,
            title: &c.title,
            message: &c.message,
            summary: &c.summary,
            product: &c.product,
            url: &c.url,
        })
        .collect();
    let json = serde_json::to_string(&entries).map_err(Error::Json)?;
    // "</" never occurs in the script, whatever the messages say.
    Ok(format!(
        "window.TRIAGE_SEARCH = {};\n",
        json.replace("</", "<\\/")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
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
