//! Every template for every code of the shipped rules, as snapshots.

use triage::engine::{self, Observations};
use triage::render::{Renderer, TemplateSource, TicketInput};
use triage::rules::{RuleBase, RuleSource, Selection};

#[test]
fn every_template_for_every_code() {
    let (base, findings) = RuleBase::load(&RuleSource::Embedded, &Selection::All).unwrap();
    assert!(findings.iter().all(|f| !f.is_error()), "{findings:?}");
    let renderer = Renderer::new(&TemplateSource::Embedded).unwrap();
    insta::glob!("../rules", "*/*.yaml", |path| {
        let stem = path.file_stem().unwrap().to_string_lossy();
        if stem == "integration" {
            return;
        }
        let (integration, code) = base.code(&stem).expect("code file names its code");
        let obs = Observations::default();
        let diagnosis = engine::diagnose(integration, code, &obs);
        let ticket = TicketInput {
            attempted_at: Some("2026-11-28T09:30:00Z".parse().unwrap()),
            ..TicketInput::default()
        };
        insta::assert_snapshot!("help", renderer.help(integration, code).unwrap());
        insta::assert_snapshot!("faq", renderer.faq(integration, code).unwrap());
        insta::assert_snapshot!(
            "ticket",
            renderer
                .ticket(integration, code, &diagnosis, &obs, &ticket)
                .unwrap()
        );
    });
}

#[test]
fn integration_faq_pages() {
    let (base, _) = RuleBase::load(&RuleSource::Embedded, &Selection::All).unwrap();
    let renderer = Renderer::new(&TemplateSource::Embedded).unwrap();
    for integration in &base.integrations {
        insta::assert_snapshot!(
            format!("faq_{}", integration.id),
            renderer.faq_integration(integration).unwrap()
        );
    }
}
