//! Arbitrary rule text through the Markdown renderings.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = triage::text::markdown_to_text(&text);
    let _ = triage::text::strip_inline(&text);
});
