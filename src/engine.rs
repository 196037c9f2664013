//! Observations → diagnosis, in three-valued (Kleene) logic, with the reason
//! for every verdict; leads into other codes of the integration; and
//! ([`choose`]) which question to ask next.

mod choose;
pub mod export;

pub use choose::{next_question, next_question_among_possible};

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::rules::{Code, Condition, Integration, SignalSource};

/// What is known about one signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Value {
    Yes,
    No,
    Unknown,
}

impl Value {
    fn not(self) -> Value {
        match self {
            Value::Yes => Value::No,
            Value::No => Value::Yes,
            Value::Unknown => Value::Unknown,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Value::Yes => "yes",
            Value::No => "no",
            Value::Unknown => "unknown",
        }
    }
}

/// Signal values; a signal not present is unknown.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Observations(pub BTreeMap<String, Value>);

impl Observations {
    pub fn get(&self, signal: &str) -> Value {
        self.0.get(signal).copied().unwrap_or(Value::Unknown)
    }

    pub fn set(&mut self, signal: impl Into<String>, value: Value) {
        self.0.insert(signal.into(), value);
    }
}

/// A signal and its value, as a reason for a verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub signal: String,
    pub value: Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Confirmed,
    Possible,
    RuledOut,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Confirmed => "confirmed",
            Status::Possible => "possible",
            Status::RuledOut => "ruled out",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CauseVerdict {
    pub id: String,
    pub text: String,
    pub status: Status,
    /// The signal values that decided the status (for `possible`: the unknown
    /// signals that would decide it).
    pub because: Vec<Reason>,
    /// Every signal the cause's `when` and `unless` read, with its value, in
    /// reading order: what `--explain` prints.
    pub signals: Vec<Reason>,
    /// The condition as written, for explanations.
    pub condition: String,
    /// Set when `unless` decided the verdict.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unless: Option<String>,
    pub priority: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlannedFix {
    pub id: String,
    pub title: String,
    /// The line before the steps, e.g. "If the credentials appear correct …".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead: Option<String>,
    /// The steps as plain sentences (first variant when there are several).
    pub steps: Vec<String>,
    /// False when the article shows a bullet list or paragraphs, not numbered steps.
    pub numbered: bool,
    /// Every platform variant ("On web:", "On mobile:") when there are several.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<PlannedVariant>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closing: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlannedVariant {
    pub label: String,
    pub steps: Vec<String>,
}

impl PlannedFix {
    /// The plan's view of a procedure: the paragraphs before its first list
    /// (lead), that list or its variants, and the paragraphs after (closing).
    fn of(p: &crate::rules::Procedure) -> PlannedFix {
        use crate::rules::Block;
        let plain = |lines: Vec<String>| -> Vec<String> {
            lines
                .iter()
                .map(|l| crate::util::text::strip_inline(l))
                .collect()
        };
        let body = p.body.as_slice();
        let first = body
            .iter()
            .position(|b| matches!(b, Block::Steps(_) | Block::Bullets(_) | Block::Variants(_)));
        let (before, main, after) = match first {
            Some(i) => (&body[..i], Some(&body[i]), &body[i + 1..]),
            None => (body, None, &body[body.len()..]),
        };
        let join = |blocks: &[Block]| -> Option<String> {
            let lines = plain(crate::rules::block::lines(blocks));
            (!lines.is_empty()).then(|| lines.join(" "))
        };
        let (steps, numbered, variants) = match main {
            Some(Block::Variants(vs)) => (
                Vec::new(),
                vs.iter()
                    .any(|v| v.body.iter().any(|b| matches!(b, Block::Steps(_)))),
                vs.iter()
                    .map(|v| PlannedVariant {
                        label: crate::util::text::strip_inline(&v.label),
                        steps: plain(crate::rules::block::lines(&v.body)),
                    })
                    .collect(),
            ),
            Some(b) => (plain(b.lines()), matches!(b, Block::Steps(_)), Vec::new()),
            None => (Vec::new(), false, Vec::new()),
        };
        // A procedure of paragraphs only: its paragraphs are its steps.
        let (lead, steps) = match (main, steps.is_empty()) {
            (None, _) => (None, plain(crate::rules::block::lines(before))),
            _ => (join(before), steps),
        };
        PlannedFix {
            id: p.id.clone(),
            title: crate::util::text::strip_inline(&p.name()),
            lead,
            steps,
            numbered,
            variants,
            closing: join(after),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Question {
    pub signal: String,
    pub question: String,
}

/// A signal whose value went into the diagnosis, and who observed it.
#[derive(Debug, Clone, Serialize)]
pub struct Observation {
    pub signal: String,
    pub value: Value,
    /// `person` for a `--yes/--no` flag, `probe` for what the probe observed.
    pub source: SignalSource,
    /// What the probe saw, e.g. `HTTP 401, o:errorCode INVALID_LOGIN`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
}

/// A confirmed cause of another code of the integration that the current
/// code does not explain: the observations point there.
#[derive(Debug, Clone, Serialize)]
pub struct Lead {
    pub code: String,
    /// The other code's message without its code prefix.
    pub message: String,
    pub cause: String,
    pub text: String,
    pub because: Vec<Reason>,
}

/// The JSON contract of `triage diagnose --format json`.
#[derive(Debug, Clone, Serialize)]
pub struct Diagnosis {
    pub code: String,
    pub causes: Vec<CauseVerdict>,
    pub fixes: Vec<PlannedFix>,
    pub questions: Vec<Question>,
    pub escalate: bool,
    /// The known signal values, in vocabulary order. A signal can be observed without
    /// deciding any cause (e.g. `login_rejected` for NS0109): it is reported here.
    pub observations: Vec<Observation>,
    /// Values captured from a pasted message (record type, report ID …).
    pub captures: BTreeMap<String, String>,
    /// Other codes a pasted message also matched, less specifically.
    pub alternatives: Vec<crate::recognize::Alternative>,
    /// Confirmed causes in other codes of the integration, see [`leads`].
    pub leads: Vec<Lead>,
    /// Unknown signals, read by a possible cause, that only the probe observes: when no
    /// question is left, these are what could still decide it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub probe_signals: Vec<String>,
    /// The code's integration id (for the words around `probe_signals`).
    #[serde(skip)]
    pub integration: String,
}

impl Diagnosis {
    pub fn with_status(&self, status: Status) -> impl Iterator<Item = &CauseVerdict> {
        self.causes.iter().filter(move |c| c.status == status)
    }

    /// Marks an observation as the probe's, with what it saw.
    pub fn attribute_to_probe(&mut self, signal: &str, evidence: &str) {
        if let Some(o) = self.observations.iter_mut().find(|o| o.signal == signal) {
            o.source = SignalSource::Probe;
            o.evidence = Some(evidence.to_string());
        }
    }
}

/// Evaluates a condition; returns its value and the signals that decided it.
pub fn evaluate(cond: &Condition, obs: &Observations) -> (Value, Vec<Reason>) {
    match cond {
        Condition::Signal { id, .. } => {
            let value = obs.get(id);
            (
                value,
                vec![Reason {
                    signal: id.clone(),
                    value,
                }],
            )
        }
        Condition::Not(inner) => {
            let (v, r) = evaluate(inner, obs);
            (v.not(), r)
        }
        Condition::And(items) => combine(items, obs, Value::No, Value::Yes),
        Condition::Or(items) => combine(items, obs, Value::Yes, Value::No),
    }
}

/// Kleene and/or: `dominant` decides the whole (no for and, yes for or);
/// otherwise unknown wins over `neutral`. The reasons are the operands that
/// produced the result.
fn combine(
    items: &[Condition],
    obs: &Observations,
    dominant: Value,
    neutral: Value,
) -> (Value, Vec<Reason>) {
    let results: Vec<(Value, Vec<Reason>)> = items.iter().map(|c| evaluate(c, obs)).collect();
    let pick = |v: Value| -> Vec<Reason> {
        let mut out: Vec<Reason> = Vec::new();
        for r in results.iter().filter(|(x, _)| *x == v).flat_map(|(_, r)| r) {
            if !out.contains(r) {
                out.push(r.clone());
            }
        }
        out
    };
    for v in [dominant, Value::Unknown, neutral] {
        if results.iter().any(|(x, _)| *x == v) {
            return (v, pick(v));
        }
    }
    (neutral, Vec::new())
}

/// The verdict on every cause of the code, in rule order.
pub fn verdicts(code: &Code, obs: &Observations) -> Vec<CauseVerdict> {
    code.causes
        .iter()
        .map(|cause| {
            let (when, when_reasons) = evaluate(&cause.when, obs);
            let unless = cause.unless.as_ref().map(|u| evaluate(u, obs));
            let (status, because, by_unless) = match unless {
                Some((Value::Yes, reasons)) => (Status::RuledOut, reasons, true),
                _ => match when {
                    Value::Yes => (Status::Confirmed, when_reasons, false),
                    Value::No => (Status::RuledOut, when_reasons, false),
                    Value::Unknown => (Status::Possible, when_reasons, false),
                },
            };
            CauseVerdict {
                id: cause.id.clone(),
                text: cause.text.clone(),
                status,
                because,
                signals: read_signals(cause)
                    .into_iter()
                    .map(|signal| Reason {
                        value: obs.get(signal),
                        signal: signal.to_string(),
                    })
                    .collect(),
                condition: cause.when.to_string(),
                unless: by_unless
                    .then(|| cause.unless.as_ref().map(|u| u.to_string()))
                    .flatten(),
                priority: cause.priority,
            }
        })
        .collect()
}

/// Diagnoses one code from the observations. Captures, alternatives and
/// leads are left empty: they need more than this code (see [`leads`]).
pub fn diagnose(integration: &Integration, code: &Code, obs: &Observations) -> Diagnosis {
    let causes = verdicts(code, obs);

    let confirmed: Vec<&str> = code
        .causes
        .iter()
        .zip(&causes)
        .filter(|(_, v)| v.status == Status::Confirmed)
        .flat_map(|(c, _)| c.fixes.iter().map(String::as_str))
        .collect();
    let fixes = code
        .procedures
        .iter()
        .filter(|p| confirmed.is_empty() || confirmed.contains(&p.id.as_str()))
        .map(PlannedFix::of)
        .collect();

    let questions = open_questions(integration, code, &causes, obs);
    let any_confirmed = causes.iter().any(|c| c.status == Status::Confirmed);
    let all_ruled_out = causes.iter().all(|c| c.status == Status::RuledOut);
    let undecided = !any_confirmed && questions.is_empty();
    let probe_signals = if undecided {
        probe_signals(integration, code, &causes, obs)
    } else {
        Vec::new()
    };
    Diagnosis {
        probe_signals,
        integration: integration.id.clone(),
        code: code.code.clone(),
        escalate: all_ruled_out || (!any_confirmed && questions.is_empty()),
        causes,
        fixes,
        questions,
        observations: observed(integration, obs),
        captures: BTreeMap::new(),
        alternatives: Vec::new(),
        leads: Vec::new(),
    }
}

/// The known values as observations by a person; the caller attributes the probe's.
fn observed(integration: &Integration, obs: &Observations) -> Vec<Observation> {
    let position = |id: &str| integration.signals.iter().position(|s| s.id == id);
    let mut out: Vec<Observation> = obs
        .0
        .iter()
        .filter(|(_, v)| **v != Value::Unknown)
        .map(|(id, v)| Observation {
            signal: id.clone(),
            value: *v,
            source: SignalSource::Person,
            evidence: None,
        })
        .collect();
    // Stable: signals outside the vocabulary keep their sorted order, last.
    out.sort_by_key(|o| position(&o.signal).unwrap_or(usize::MAX));
    out
}

/// Unknown probe-only signals read by the causes still possible, in rule order.
pub fn probe_signals(
    integration: &Integration,
    code: &Code,
    verdicts: &[CauseVerdict],
    obs: &Observations,
) -> Vec<String> {
    unknown_signals(integration, code, verdicts, obs, SignalSource::Probe)
        .map(|s| s.id.clone())
        .collect()
}

/// The unknown signals of one source that the causes still possible read,
/// each once, in the order the causes and their conditions name them.
fn unknown_signals<'a>(
    integration: &'a Integration,
    code: &'a Code,
    verdicts: &'a [CauseVerdict],
    obs: &'a Observations,
    source: SignalSource,
) -> impl Iterator<Item = &'a crate::rules::Signal> {
    let mut seen: Vec<&str> = Vec::new();
    code.causes
        .iter()
        .zip(verdicts)
        .filter(|(_, v)| v.status == Status::Possible)
        .flat_map(|(cause, _)| read_signals(cause))
        .filter(move |name| {
            let new = obs.get(name) == Value::Unknown && !seen.contains(name);
            if new {
                seen.push(name);
            }
            new
        })
        .filter_map(|name| integration.signal(name))
        .filter(move |s| s.source == source)
}

/// The signals a cause reads in `when` and `unless`, each once, in reading order.
pub fn read_signals(cause: &crate::rules::Cause) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    let names = cause
        .when
        .signals()
        .into_iter()
        .chain(cause.unless.iter().flat_map(|u| u.signals()));
    for (name, _) in names {
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// Leads: signals are shared by the codes of an integration, so the same
/// observations are diagnosed against every other code; a cause confirmed
/// there counts as a lead when one of the signals that confirmed it is read
/// by none of the current code's causes (the current code cannot explain
/// that observation, the other code can).
pub fn leads(integration: &Integration, code: &Code, obs: &Observations) -> Vec<Lead> {
    let read: BTreeSet<&str> = code.causes.iter().flat_map(read_signals).collect();
    let mut out = Vec::new();
    for other in integration.codes.iter().filter(|c| c.code != code.code) {
        for verdict in verdicts(other, obs) {
            if verdict.status == Status::Confirmed
                && verdict
                    .because
                    .iter()
                    .any(|r| !read.contains(r.signal.as_str()))
            {
                out.push(Lead {
                    code: other.code.clone(),
                    message: crate::recognize::strip_code_prefix(&other.message).to_string(),
                    cause: verdict.id,
                    text: verdict.text,
                    because: verdict.because,
                });
            }
        }
    }
    out
}

/// Unknown signals, with a question for a person, that could still change a
/// possible cause; in the order the causes and their conditions name them.
fn open_questions(
    integration: &Integration,
    code: &Code,
    verdicts: &[CauseVerdict],
    obs: &Observations,
) -> Vec<Question> {
    unknown_signals(integration, code, verdicts, obs, SignalSource::Person)
        .map(|signal| Question {
            signal: signal.id.clone(),
            question: signal.question.clone(),
        })
        .collect()
}

/// Small models built in code for unit tests of the engine.
#[cfg(test)]
pub(crate) mod test_support {
    use crate::diag::Span;
    use crate::rules::{Cause, Code, FrontMatter, Integration, Kind, Layout, Signal, SignalSource};

    /// A code `XX0001` whose causes are `(id, when, priority)`, without fixes.
    pub fn code(causes: &[(&str, &str, u32)]) -> Code {
        named_code("XX0001", causes)
    }

    pub fn named_code(id: &str, causes: &[(&str, &str, u32)]) -> Code {
        Code {
            code: id.into(),
            kind: Kind::Sync,
            message: format!("{id} Sync Error: Something failed."),
            placeholders: Vec::new(),
            patterns: Vec::new(),
            front_matter: FrontMatter {
                title: id.into(),
                description: String::new(),
                keywords: String::new(),
                internal_scope: String::new(),
                display_title: None,
                order: None,
            },
            summary: String::new(),
            layout: Layout::default(),
            meaning: Vec::new(),
            why: None,
            causes: causes
                .iter()
                .map(|(id, when, priority)| Cause {
                    id: id.to_string(),
                    text: format!("Cause {id}."),
                    items: vec![format!("Cause {id}.")],
                    when: crate::rules::condition::parse(when).expect("test condition parses"),
                    unless: None,
                    fixes: Vec::new(),
                    priority: *priority,
                })
                .collect(),
            fix_heading: String::new(),
            fix_lead: Vec::new(),
            procedures: Vec::new(),
            escalation: None,
            faq: Vec::new(),
            span: Span::new(0, 0..0),
        }
    }

    /// An integration holding the codes, with a person signal for every name
    /// their conditions read.
    pub fn integration_of(codes: Vec<Code>) -> Integration {
        let mut signals: Vec<Signal> = Vec::new();
        for cause in codes.iter().flat_map(|c| &c.causes) {
            for name in super::read_signals(cause) {
                if !signals.iter().any(|s| s.id == name) {
                    signals.push(Signal {
                        id: name.into(),
                        question: format!("Is {name} so?"),
                        source: SignalSource::Person,
                    });
                }
            }
        }
        Integration {
            id: "xx".into(),
            name: "XX".into(),
            prefix: "XX".into(),
            signals,
            codes,
            index: None,
            probe: None,
            file: None,
        }
    }

    /// The signals of one code as an integration (the code is not added to it).
    pub fn integration(code: &Code) -> Integration {
        let causes: Vec<(&str, String, u32)> = code
            .causes
            .iter()
            .map(|c| (c.id.as_str(), c.when.to_string(), c.priority))
            .collect();
        let borrowed: Vec<(&str, &str, u32)> = causes
            .iter()
            .map(|(i, w, p)| (*i, w.as_str(), *p))
            .collect();
        let mut i = integration_of(vec![named_code(&code.code, &borrowed)]);
        i.codes.clear();
        i
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::condition::parse;

    fn obs(pairs: &[(&str, Value)]) -> Observations {
        let mut o = Observations::default();
        for (k, v) in pairs {
            o.set(*k, *v);
        }
        o
    }

    fn eval(cond: &str, pairs: &[(&str, Value)]) -> (Value, Vec<String>) {
        let (v, r) = evaluate(&parse(cond).unwrap(), &obs(pairs));
        (v, r.into_iter().map(|r| r.signal).collect())
    }

    use Value::{No, Unknown, Yes};

    #[test]
    fn kleene_truth_tables() {
        let all = [Yes, No, Unknown];
        for a in all {
            for b in all {
                let and = eval("a and b", &[("a", a), ("b", b)]).0;
                let or = eval("a or b", &[("a", a), ("b", b)]).0;
                let expect_and = if a == No || b == No {
                    No
                } else if a == Unknown || b == Unknown {
                    Unknown
                } else {
                    Yes
                };
                let expect_or = if a == Yes || b == Yes {
                    Yes
                } else if a == Unknown || b == Unknown {
                    Unknown
                } else {
                    No
                };
                assert_eq!(and, expect_and, "{a:?} and {b:?}");
                assert_eq!(or, expect_or, "{a:?} or {b:?}");
            }
            assert_eq!(eval("not a", &[("a", a)]).0, a.not());
        }
    }

    #[test]
    fn missing_signal_is_unknown() {
        assert_eq!(eval("a or b", &[("a", No)]), (Unknown, vec!["b".into()]));
    }

    #[test]
    fn reasons_are_the_deciding_operands() {
        assert_eq!(
            eval("a or b", &[("a", Yes), ("b", No)]),
            (Yes, vec!["a".into()])
        );
        assert_eq!(
            eval("a and b", &[("a", Yes), ("b", No)]),
            (No, vec!["b".into()])
        );
        assert_eq!(
            eval("a and not b", &[("a", Yes), ("b", No)]),
            (Yes, vec!["a".into(), "b".into()])
        );
        assert_eq!(eval("a or b", &[("a", No), ("b", No)]).1, vec!["a", "b"]);
    }

    #[test]
    fn contradiction_is_never_true() {
        for a in [Yes, No, Unknown] {
            assert_ne!(eval("a and not a", &[("a", a)]).0, Yes);
        }
    }

    #[test]
    fn leads_name_causes_of_other_codes_this_code_cannot_explain() {
        use test_support::{integration_of, named_code};
        let login = named_code("XX0001", &[("token", "token_revoked", 3)]);
        let limit = named_code(
            "XX0002",
            &[
                ("limit", "concurrency_limit", 2),
                ("token", "token_revoked", 1),
            ],
        );
        let integration = integration_of(vec![login, limit]);
        let login = &integration.codes[0];
        let o = obs(&[("concurrency_limit", Yes), ("token_revoked", Yes)]);
        let leads = leads(&integration, login, &o);
        // The token cause of XX0002 is explained by XX0001 itself: no lead.
        assert_eq!(leads.len(), 1);
        assert_eq!(
            (leads[0].code.as_str(), leads[0].cause.as_str()),
            ("XX0002", "limit")
        );
        assert_eq!(leads[0].because[0].signal, "concurrency_limit");
        assert!(super::leads(&integration, login, &obs(&[("concurrency_limit", No)])).is_empty());
    }

    #[test]
    fn every_read_signal_is_listed_with_its_value() {
        let code = test_support::code(&[("c", "a or (b and not a)", 1)]);
        let v = &verdicts(&code, &obs(&[("a", No)]))[0];
        let listed: Vec<(&str, Value)> = v
            .signals
            .iter()
            .map(|r| (r.signal.as_str(), r.value))
            .collect();
        assert_eq!(listed, [("a", No), ("b", Unknown)]);
    }
}
