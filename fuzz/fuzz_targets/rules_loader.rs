//! Arbitrary bytes as a code file (or as the integration file) beside the
//! shipped NetSuite rules: the whole of `check`, then load and, when valid, render.
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
    // The whole of `triage check`: load, lints, validation, strict template renders.
    if let Ok(report) = triage::check::check(
        &RuleSource::Memory(files.clone()),
        &TemplateSource::Embedded,
    ) {
        let _ = triage::diag::render::render_human(&report.sources, &report.findings, false);
        let _ = triage::diag::render::render_json(&report.sources, &report.findings);
    }
    let Ok((base, findings)) = RuleBase::load(&RuleSource::Memory(files), &Selection::All) else {
        return;
    };
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
