//! The troubleshooter's data: what the help page's script (templates/troubleshoot.js)
//! needs to diagnose one code in the reader's browser exactly as [`super::diagnose`]
//! and [`super::next_question`] do. The conditions go as a compact tree, the
//! script evaluates them in the same three-valued logic and ports the question
//! choice (see docs/architecture.md, "The troubleshooter").

use std::collections::BTreeMap;

use serde::Serialize;

use crate::rules::{Code, Condition, Integration, SignalSource};

/// One code's troubleshooter, serialized as JSON into its article page.
#[derive(Debug, Clone, Serialize)]
pub struct Troubleshooter {
    pub code: String,
    /// Person-answerable signals the causes read: id → question.
    pub questions: BTreeMap<String, String>,
    /// Probe-only signals the causes read: never asked, but a deep link may set them.
    pub probe: Vec<String>,
    pub causes: Vec<ExportedCause>,
    /// The code's procedures in article order.
    pub procedures: Vec<ExportedProcedure>,
    /// What the Concierge ticket draft says besides the answers.
    pub ticket: ExportedTicket,
}

/// The facts of `triage render ticket` (templates/ticket.md.j2) the browser
/// cannot know: the script words its draft as the template does.
#[derive(Debug, Clone, Serialize)]
pub struct ExportedTicket {
    /// "sync", "export" or "connection".
    pub kind: &'static str,
    /// "Sync", "Export" or "Connection".
    pub kind_title: &'static str,
    pub product: String,
    /// The canonical message, cleaned as the CLI's ticket cleans it.
    pub message: String,
    /// Export errors ask for the report ID.
    pub needs_report_id: bool,
    /// Every signal the causes read (probe-only ones too) with its question,
    /// in vocabulary order: the order of "What we checked".
    pub checks: Vec<[String; 2]>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExportedCause {
    pub id: String,
    pub text: String,
    pub when: Node,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unless: Option<Node>,
    pub fixes: Vec<String>,
    pub priority: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExportedProcedure {
    pub id: String,
    pub title: String,
    /// The id of its heading on the HTML page; absent when it prints no heading.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anchor: Option<String>,
}

/// A condition as JSON: a signal is its id (`"a"`), the operators are arrays
/// `["not", x]`, `["and", x, y, …]`, `["or", x, y, …]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Node {
    Signal(String),
    Op(Vec<NodeItem>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum NodeItem {
    Operator(&'static str),
    Operand(Node),
}

impl Node {
    pub fn of(cond: &Condition) -> Node {
        let op = |name: &'static str, items: &[Condition]| {
            Node::Op(
                std::iter::once(NodeItem::Operator(name))
                    .chain(items.iter().map(|c| NodeItem::Operand(Node::of(c))))
                    .collect(),
            )
        };
        match cond {
            Condition::Signal { id, .. } => Node::Signal(id.clone()),
            Condition::Not(inner) => op("not", std::slice::from_ref(inner)),
            Condition::And(items) => op("and", items),
            Condition::Or(items) => op("or", items),
        }
    }
}

/// The anchor of a procedure's heading on the HTML page.
pub fn anchor(procedure_id: &str) -> String {
    format!("fix-{procedure_id}")
}

pub fn troubleshooter(integration: &Integration, code: &Code) -> Troubleshooter {
    let mut questions = BTreeMap::new();
    let mut probe = Vec::new();
    for cause in &code.causes {
        for name in super::read_signals(cause) {
            match integration.signal(name) {
                Some(s) if s.source == SignalSource::Person => {
                    questions.insert(s.id.clone(), s.question.clone());
                }
                Some(s) if !probe.contains(&s.id) => probe.push(s.id.clone()),
                _ => {}
            }
        }
    }
    Troubleshooter {
        code: code.code.clone(),
        questions,
        probe,
        causes: code
            .causes
            .iter()
            .map(|c| ExportedCause {
                id: c.id.clone(),
                text: crate::util::text::strip_inline(&c.text),
                when: Node::of(&c.when),
                unless: c.unless.as_ref().map(Node::of),
                fixes: c.fixes.clone(),
                priority: c.priority,
            })
            .collect(),
        procedures: code
            .procedures
            .iter()
            .map(|p| ExportedProcedure {
                id: p.id.clone(),
                title: crate::util::text::strip_inline(&p.name()),
                anchor: p.title.is_some().then(|| anchor(&p.id)),
            })
            .collect(),
        ticket: ExportedTicket {
            kind: code.kind.id(),
            kind_title: code.kind.title(),
            product: integration.name.clone(),
            message: crate::recognize::clean_pasted(&code.message),
            needs_report_id: code.kind == crate::rules::Kind::Export,
            checks: integration
                .signals
                .iter()
                .filter(|s| {
                    code.causes
                        .iter()
                        .any(|c| super::read_signals(c).contains(&s.id.as_str()))
                })
                .map(|s| [s.id.clone(), s.question.clone()])
                .collect(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_become_compact_arrays() {
        let c = crate::rules::condition::parse("a or (b and not c)").unwrap();
        let json = serde_json::to_string(&Node::of(&c)).unwrap();
        assert_eq!(json, r#"["or","a",["and","b",["not","c"]]]"#);
    }
}
