//! Arbitrary rule text through the Markdown renderings: plain text for the
//! terminal, inline stripping, and the HTML preview page.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use triage::render::{Renderer, TemplateSource};

static RENDERER: LazyLock<Renderer> =
    LazyLock::new(|| Renderer::new(&TemplateSource::Embedded).expect("embedded templates compile"));

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = triage::text::markdown_to_text(&text);
    let _ = triage::text::strip_inline(&text);
    let _ = triage::site::html::markdown_to_html(&text);
    let _ = triage::site::html::page(
        &RENDERER,
        "netsuite/Troubleshooting/Sync-Errors/NS0109-Sync-Error.md",
        &text,
    );
});
