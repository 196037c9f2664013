//! Arbitrary bytes as a code file (or as the integration file) beside the
//! shipped NetSuite rules: load, validate and, when valid, render.
#![no_main]

use libfuzzer_sys::fuzz_target;
use triage::render::{Renderer, TemplateSource};
use triage::rules::{RuleBase, RuleSource, Selection};

const INTEGRATION: &str = include_str!("../../rules/netsuite/integration.yaml");
const NS0109: &str = include_str!("../../rules/netsuite/NS0109.yaml");

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let files = if selector % 2 == 0 {
        vec![
            (
                "netsuite/integration.yaml".to_string(),
                INTEGRATION.to_string(),
            ),
            ("netsuite/NS0109.yaml".to_string(), text.to_string()),
        ]
    } else {
        vec![
            ("netsuite/integration.yaml".to_string(), text.to_string()),
            ("netsuite/NS0109.yaml".to_string(), NS0109.to_string()),
        ]
    };
    let Ok((base, findings)) = RuleBase::load(&RuleSource::Memory(files), &Selection::All) else {
        return;
    };
    let _ = triage::check::render_plain(&base.sources, &findings);
    if findings.iter().any(|f| f.is_error()) {
        return;
    }
    if let Ok(renderer) = Renderer::new(&TemplateSource::Embedded) {
        for (integration, code) in base.codes() {
            let _ = renderer.help(integration, code);
            let _ = renderer.faq(integration, code);
        }
    }
});
