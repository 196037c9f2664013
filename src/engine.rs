//! Observations → diagnosis, in three-valued (Kleene) logic, with the reason
//! for every verdict.

use std::collections::BTreeMap;

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
    /// The steps as plain sentences (first variant when there are several).
    pub steps: Vec<String>,
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

/// Diagnoses one code from the observations.
pub fn diagnose(integration: &Integration, code: &Code, obs: &Observations) -> Diagnosis {
    let causes: Vec<CauseVerdict> = code
        .causes
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
                condition: cause.when.to_string(),
                unless: by_unless
                    .then(|| cause.unless.as_ref().map(|u| u.to_string()))
                    .flatten(),
                priority: cause.priority,
            }
        })
        .collect();

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
        .map(|p| PlannedFix {
            id: p.id.clone(),
            title: p.title.clone(),
            steps: p
                .variants
                .first()
                .map(|v| {
                    v.body
                        .lines()
                        .iter()
                        .map(|l| crate::text::strip_inline(l))
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect();

    let questions = open_questions(integration, code, &causes, obs);
    let any_confirmed = causes.iter().any(|c| c.status == Status::Confirmed);
    let all_ruled_out = causes.iter().all(|c| c.status == Status::RuledOut);
    Diagnosis {
        code: code.code.clone(),
        escalate: all_ruled_out || (!any_confirmed && questions.is_empty()),
        causes,
        fixes,
        questions,
        observations: observed(integration, obs),
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

/// Unknown signals, with a question for a person, that could still change a
/// possible cause; in the order the causes and their conditions name them.
fn open_questions(
    integration: &Integration,
    code: &Code,
    verdicts: &[CauseVerdict],
    obs: &Observations,
) -> Vec<Question> {
    let mut out: Vec<Question> = Vec::new();
    for (cause, verdict) in code.causes.iter().zip(verdicts) {
        if verdict.status != Status::Possible {
            continue;
        }
        let names = cause
            .when
            .signals()
            .into_iter()
            .chain(cause.unless.iter().flat_map(|u| u.signals()));
        for (name, _) in names {
            if obs.get(name) != Value::Unknown || out.iter().any(|q| q.signal == name) {
                continue;
            }
            if let Some(signal) = integration.signal(name)
                && signal.source == crate::rules::SignalSource::Person
            {
                out.push(Question {
                    signal: signal.id.clone(),
                    question: signal.question.clone(),
                });
            }
        }
    }
    out
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
}
