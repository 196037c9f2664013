//! Arbitrary pasted text against the shipped rules' recogniser, the ticket's
//! message rebuilt from what was recognised, and redaction.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use triage::rules::{RuleBase, RuleSource, Selection};

static RULES: LazyLock<RuleBase> = LazyLock::new(|| {
    RuleBase::load(&RuleSource::Embedded, &Selection::All)
        .expect("embedded rules load")
        .0
});

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Some(r) = triage::recognize::recognize(&RULES, &text)
        && let Some((_, code)) = RULES.code(&r.code)
    {
        let _ = triage::recognize::message::with_values(code, &r.captures);
    }
    let _ = triage::recognize::nearest(&RULES, &text, 3);
    let _ = triage::util::redact::redact(&text);
});
