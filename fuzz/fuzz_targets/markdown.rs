//! Arbitrary rule text through the Markdown renderings: plain text for the
//! terminal, inline stripping, and the HTML preview page; the rule-text lints
//! (R020-R022) and the link filter, which must never pass a script scheme.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use triage::render::{Renderer, TemplateSource};

static RENDERER: LazyLock<Renderer> =
    LazyLock::new(|| Renderer::new(&TemplateSource::Embedded).expect("embedded templates compile"));

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = triage::util::text::markdown_to_text(&text);
    let _ = triage::util::text::strip_inline(&text);
    let _ = triage::site::html::markdown_to_html(&text);
    let _ = triage::site::html::page(
        &RENDERER,
        "netsuite/Troubleshooting/Sync-Errors/NS0109-Sync-Error.md",
        &text,
    );
    let mut sources = triage::diag::Sources::default();
    let file = sources.add("t.yaml", text.to_string());
    let span = triage::diag::Span::new(file, 0..text.len());
    let _ = triage::rules::validate::markup::findings(&sources, &span, &text);
    if let Some(link) = triage::util::url::safe_link(&text)
        && let Some(scheme) = triage::util::url::scheme(&link)
    {
        let scheme = scheme.to_ascii_lowercase();
        assert!(
            ["http", "https", "mailto"].contains(&scheme.as_str()),
            "{link:?}"
        );
    }
    let _ = triage::util::url::encode_path(&text);
});
