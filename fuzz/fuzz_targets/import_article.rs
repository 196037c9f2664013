//! Arbitrary bytes as a help article under `Ledgerly/Troubleshooting/Sync-Errors/`:
//! outline, map, lift into rule files, load them and render the article again.
//! Nothing may panic or hang, and the rule files must come out the same twice.
#![no_main]

use libfuzzer_sys::fuzz_target;
use triage::import::{article, lift, markdown, verify};
use triage::render::{Renderer, TemplateSource};
use triage::rules::{RuleBase, RuleSource, Selection};

fuzz_target!(|data: &[u8]| {
    let path = "Ledgerly/Troubleshooting/Sync-Errors/LG101-Sync-Error.md";
    let Ok(doc) = markdown::parse_bytes(path, data) else {
        return;
    };
    let Ok(a) = article::map(path, "LG101-Sync-Error.md", &doc) else {
        return;
    };
    let group = lift::Group {
        id: "ledgerly".into(),
        name: a.product.clone().unwrap_or_else(|| "Ledgerly".into()),
        prefix: "LG".into(),
        articles: vec![a],
        index: None,
    };
    let (files, _) = lift::files(&group);
    assert_eq!(files, lift::files(&group).0, "the same rule files twice");
    let staged: Vec<(String, String)> = files
        .into_iter()
        .map(|(name, text)| (format!("ledgerly/{name}"), text))
        .collect();
    let Ok((base, _)) = RuleBase::load(&RuleSource::Memory(staged), &Selection::All) else {
        return;
    };
    let renderer = Renderer::new(&TemplateSource::Embedded).expect("embedded templates");
    for (integration, code) in base.codes() {
        if let Ok(rendered) = renderer.help(integration, code) {
            let source = String::from_utf8_lossy(data);
            let _ = verify::first_difference(&source, &rendered);
        }
    }
});
