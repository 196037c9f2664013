//! The rule base: raw YAML with spans ([`raw`]) is read by [`load`], then
//! [`validate`] turns it into the model below, pushing every problem it finds
//! as a [`Finding`](crate::finding::Finding). Nothing downstream sees raw data.

pub mod condition;
pub mod ids;
pub mod lint;
pub mod load;
pub mod locate;
pub mod pattern;
pub mod pipeline;
pub mod raw;
pub mod validate;
mod yaml_error;

use serde::Serialize;

pub use condition::Condition;
pub use load::{RuleSource, Selection};
pub use pattern::Pattern;
pub use raw::SignalSource;

use crate::finding::Finding;
use crate::source::{Sources, Span};

/// A validated rule base: integrations with their codes.
#[derive(Debug, Default)]
pub struct RuleBase {
    pub integrations: Vec<Integration>,
    pub sources: Sources,
}

impl RuleBase {
    /// Load and validate; returns the base (as much as could be built) and every finding.
    pub fn load(
        source: &RuleSource,
        selection: &Selection,
    ) -> Result<(RuleBase, Vec<Finding>), crate::Error> {
        let loaded = pipeline::load(source, selection, false)?;
        Ok((loaded.base, loaded.findings))
    }

    pub fn codes(&self) -> impl Iterator<Item = (&Integration, &Code)> {
        self.integrations
            .iter()
            .flat_map(|i| i.codes.iter().map(move |c| (i, c)))
    }

    /// The code with this id, ignoring case.
    pub fn code(&self, id: &str) -> Option<(&Integration, &Code)> {
        self.codes().find(|(_, c)| c.code.eq_ignore_ascii_case(id))
    }

    pub fn integration(&self, id: &str) -> Option<&Integration> {
        self.integrations
            .iter()
            .find(|i| i.id.eq_ignore_ascii_case(id))
    }
}

#[derive(Debug)]
pub struct Integration {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub signals: Vec<Signal>,
    pub codes: Vec<Code>,
    pub index: Option<Index>,
    /// How the probe classifies answers into signals (`probe:` in integration.yaml).
    pub probe: Option<crate::probe::ClassificationTable>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Index {
    pub title: String,
    pub description: String,
    pub keywords: String,
    pub internal_scope: String,
    pub intro: Vec<String>,
    pub faq: Vec<Faq>,
}

impl Integration {
    pub fn signal(&self, id: &str) -> Option<&Signal> {
        self.signals.iter().find(|s| s.id == id)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Signal {
    pub id: String,
    pub question: String,
    pub source: SignalSource,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Sync,
    Export,
    Connection,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Sync, Kind::Export, Kind::Connection];

    pub fn id(self) -> &'static str {
        match self {
            Kind::Sync => "sync",
            Kind::Export => "export",
            Kind::Connection => "connection",
        }
    }

    /// As headings print it: "Sync", "Export", "Connection".
    pub fn title(self) -> &'static str {
        match self {
            Kind::Sync => "Sync",
            Kind::Export => "Export",
            Kind::Connection => "Connection",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.id() == s)
    }
}

#[derive(Debug)]
pub struct Code {
    pub code: String,
    pub kind: Kind,
    pub message: String,
    pub patterns: Vec<Pattern>,
    pub front_matter: FrontMatter,
    /// One line for the index page (defaults to the first fix's title).
    pub summary: String,
    pub meaning: Vec<String>,
    pub why: Why,
    pub causes: Vec<Cause>,
    pub fix_heading: String,
    pub fix_lead: String,
    /// The fix procedures in article order, overrides applied.
    pub procedures: Vec<Procedure>,
    pub escalation: Option<Escalation>,
    pub faq: Vec<Faq>,
    /// Where the code is defined, for findings about it.
    pub span: Span,
}

impl Code {
    pub fn procedure(&self, id: &str) -> Option<&Procedure> {
        self.procedures.iter().find(|p| p.id == id)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FrontMatter {
    pub title: String,
    pub description: String,
    pub keywords: String,
    pub internal_scope: String,
    pub display_title: Option<String>,
    pub order: Option<u32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Why {
    pub heading: String,
    pub lead: String,
    pub intro: String,
    pub closing: Vec<String>,
    pub issue_kind: String,
}

#[derive(Debug, Clone)]
pub struct Cause {
    pub id: String,
    pub text: String,
    pub when: Condition,
    pub unless: Option<Condition>,
    /// Procedure ids, each one of the code's procedures.
    pub fixes: Vec<String>,
    pub priority: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Procedure {
    pub id: String,
    pub title: String,
    pub lead: Option<String>,
    /// One body, or one per platform variant.
    pub variants: Vec<VariantBody>,
    pub closing: Option<String>,
}

/// A procedure's body for one platform (label `None` when it has no variants).
#[derive(Debug, Clone, Serialize)]
pub struct VariantBody {
    pub label: Option<String>,
    pub body: Body,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "style", content = "items", rename_all = "lowercase")]
pub enum Body {
    Steps(Vec<Step>),
    Bullets(Vec<Step>),
    Paragraphs(Vec<String>),
}

impl Body {
    /// The body's lines, one per step; a step's nested bullets join its line,
    /// so that numbering the lines numbers the steps.
    pub fn lines(&self) -> Vec<String> {
        match self {
            Body::Steps(steps) | Body::Bullets(steps) => steps
                .iter()
                .map(|s| {
                    std::iter::once(s.text.as_str())
                        .chain(s.bullets.iter().map(String::as_str))
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect(),
            Body::Paragraphs(p) => p.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub text: String,
    pub bullets: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Escalation {
    pub title: String,
    pub lead: String,
    pub include: Vec<String>,
    pub closing: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Faq {
    pub question: String,
    pub answer: String,
}
