//! The rule base: raw YAML with spans ([`raw`]) is read by [`load`], then
//! [`validate`] turns it into the model below, pushing every problem it finds
//! as a [`Finding`](crate::diag::Finding). Nothing downstream sees raw data.

pub mod block;
pub mod classify;
pub mod condition;
pub mod ids;
pub mod layout;
pub mod load;
pub mod locate;
pub mod pattern;
pub mod pipeline;
pub mod raw;
pub mod raw_block;
pub mod validate;
mod yaml_error;
pub(crate) mod yaml_subset;

use serde::Serialize;

pub use block::{Block, Item, Variant};
pub use condition::Condition;
pub use layout::Layout;
pub use load::{LoadError, RuleSource, Selection};
pub use pattern::Pattern;
pub use raw::SignalSource;

use crate::diag::Finding;
use crate::diag::{Sources, Span};

/// A validated rule base: integrations with their codes.
#[derive(Debug, Default)]
pub struct RuleBase {
    pub integrations: Vec<Integration>,
    pub sources: Sources,
    /// How many rule files the source holds, read or not: a load of one
    /// code reads only the integration files and that code's file.
    pub listed: usize,
}

impl RuleBase {
    /// Load and validate; returns the base (as much as could be built) and every finding.
    pub fn load(
        source: &RuleSource,
        selection: &Selection,
    ) -> Result<(RuleBase, Vec<Finding>), LoadError> {
        let loaded = pipeline::load(source, selection, &pipeline::NoLints)?;
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
    pub probe: Option<crate::rules::classify::ClassificationTable>,
    /// Its `integration.yaml` in [`RuleBase::sources`]; `None` for one made in code.
    pub file: Option<crate::diag::FileId>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Index {
    pub title: String,
    pub description: String,
    pub keywords: Vec<String>,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
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
    /// Values in the message that vary per case (`[X]` → `vendor`).
    pub placeholders: Vec<Placeholder>,
    pub patterns: Vec<Pattern>,
    pub front_matter: FrontMatter,
    /// One line for the index page (defaults to the first fix's title).
    pub summary: String,
    /// The article's layout: the integration's, with this code's overrides.
    pub layout: Layout,
    pub meaning: Vec<Block>,
    pub why: Option<Why>,
    pub causes: Vec<Cause>,
    pub fix_heading: String,
    pub fix_lead: Vec<Block>,
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
    pub body: Vec<Block>,
}

/// A value in a message that varies per case, and the name it is captured under.
#[derive(Debug, Clone, Serialize)]
pub struct Placeholder {
    pub text: String,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct Cause {
    pub id: String,
    /// The sentence diagnoses print (a multi-item cause's items joined).
    pub text: String,
    /// The items the cause list prints for it: its text, or several.
    pub items: Vec<String>,
    pub when: Condition,
    pub unless: Option<Condition>,
    /// Procedure ids, each one of the code's procedures.
    pub fixes: Vec<String>,
    pub priority: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Procedure {
    pub id: String,
    /// Absent: the blocks follow without a heading.
    pub title: Option<String>,
    pub body: Vec<Block>,
}

impl Procedure {
    /// The title, or for a procedure that prints none its first line (for
    /// plans and tickets).
    pub fn name(&self) -> String {
        match &self.title {
            Some(t) => t.clone(),
            None => block::lines(&self.body)
                .into_iter()
                .next()
                .unwrap_or_else(|| self.id.clone()),
        }
    }
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
