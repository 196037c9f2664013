//! Which question to ask next in a guided diagnosis (`diagnose --interactive`).
//!
//! The model assumes a single fault: exactly one hypothesis is true, either
//! one of the causes still possible or "none of them" (the case for
//! Concierge). A cause's prior weight is its `priority`; "none" weighs 1, the
//! lowest priority. Under a cause, the unknown signals its `when`/`unless`
//! read take, with equal odds, one of the assignments that confirm it; any
//! other signal is yes or no with even odds (nothing is known about it), and so
//! is every signal under "none".
//!
//! Each unknown signal a person can answer is scored by the information its
//! answer is expected to give about which hypothesis is true:
//! `H(prior) − Σ P(answer) · H(posterior | answer)` (entropy in bits). An
//! answer that confirms a cause counts as leaving nothing to learn, because
//! the diagnosis stops there. So a signal that alone confirms a likely cause
//! scores high, a signal that splits the weight of the remaining causes evenly
//! scores high, and a signal no answer to which changes anything scores zero
//! and is never asked. Ties go to the signal the rules name first.

use std::collections::{BTreeMap, BTreeSet};

use super::{Observations, Question, Status, Value, read_signals, verdicts};
use crate::rules::{Cause, Code, Integration, SignalSource};

/// A cause reading more unknown signals than this is not enumerated (2^n
/// assignments); its signals then count as even odds.
const MAX_ENUMERATED: usize = 12;
/// The prior weight of "none of the causes": the lowest cause priority.
const NONE_WEIGHT: f64 = 1.0;
/// Scores at or below this are "nothing to learn".
const EPSILON: f64 = 1e-9;

/// The next question to ask, or `None` when a cause is confirmed or no
/// answer to any question a person can answer would change anything.
/// `skipped` holds signals already answered "don't know".
pub fn next_question(
    integration: &Integration,
    code: &Code,
    obs: &Observations,
    skipped: &BTreeSet<String>,
) -> Option<Question> {
    if verdicts(code, obs)
        .iter()
        .any(|v| v.status == Status::Confirmed)
    {
        return None;
    }
    next_question_among_possible(integration, code, obs, skipped)
}

/// The best question for deciding between the causes still possible, even
/// when one is confirmed already: to look for a second cause.
pub fn next_question_among_possible(
    integration: &Integration,
    code: &Code,
    obs: &Observations,
    skipped: &BTreeSet<String>,
) -> Option<Question> {
    let current = verdicts(code, obs);
    let hypotheses: Vec<Hypothesis> = code
        .causes
        .iter()
        .zip(&current)
        .filter(|(_, v)| v.status == Status::Possible)
        .filter_map(|(cause, _)| Hypothesis::of(cause, obs))
        .chain(std::iter::once(Hypothesis::none()))
        .collect();
    let mut best: Option<(f64, &str)> = None;
    for signal in candidates(integration, code, obs, skipped) {
        let score = gain(code, obs, &hypotheses, signal);
        if score > EPSILON && best.is_none_or(|(b, _)| score > b + EPSILON) {
            best = Some((score, signal));
        }
    }
    let (_, id) = best?;
    let signal = integration.signal(id)?;
    Some(Question {
        signal: signal.id.clone(),
        question: signal.question.clone(),
    })
}

/// Unknown, person-answerable, not skipped signals read by a possible cause,
/// in rule order.
fn candidates<'a>(
    integration: &Integration,
    code: &'a Code,
    obs: &Observations,
    skipped: &BTreeSet<String>,
) -> Vec<&'a str> {
    let current = verdicts(code, obs);
    let mut out: Vec<&str> = Vec::new();
    for (cause, verdict) in code.causes.iter().zip(&current) {
        if verdict.status != Status::Possible {
            continue;
        }
        for name in read_signals(cause) {
            let askable = integration
                .signal(name)
                .is_some_and(|s| s.source == SignalSource::Person);
            if askable
                && obs.get(name) == Value::Unknown
                && !skipped.contains(name)
                && !out.contains(&name)
            {
                out.push(name);
            }
        }
    }
    out
}

/// One hypothesis: its prior weight and, per signal it reads, P(yes | it).
struct Hypothesis<'a> {
    weight: f64,
    odds: BTreeMap<&'a str, f64>,
}

impl<'a> Hypothesis<'a> {
    fn none() -> Self {
        Hypothesis {
            weight: NONE_WEIGHT,
            odds: BTreeMap::new(),
        }
    }

    /// The cause as a hypothesis; `None` when no assignment confirms it.
    fn of(cause: &'a Cause, obs: &Observations) -> Option<Self> {
        let unknown: Vec<&str> = read_signals(cause)
            .into_iter()
            .filter(|s| obs.get(s) == Value::Unknown)
            .collect();
        let weight = f64::from(cause.priority.max(1));
        if unknown.len() > MAX_ENUMERATED {
            return Some(Hypothesis {
                weight,
                odds: BTreeMap::new(),
            });
        }
        let mut confirming = 0u32;
        let mut yes = vec![0u32; unknown.len()];
        for bits in 0u32..(1 << unknown.len()) {
            let mut o = obs.clone();
            for (i, name) in unknown.iter().enumerate() {
                let v = if bits & (1 << i) != 0 {
                    Value::Yes
                } else {
                    Value::No
                };
                o.set(*name, v);
            }
            if confirms(cause, &o) {
                confirming += 1;
                for (i, count) in yes.iter_mut().enumerate() {
                    *count += (bits >> i) & 1;
                }
            }
        }
        (confirming > 0).then(|| Hypothesis {
            weight,
            odds: unknown
                .iter()
                .zip(&yes)
                .map(|(name, y)| (*name, f64::from(*y) / f64::from(confirming)))
                .collect(),
        })
    }

    fn p(&self, signal: &str, answer: Value) -> f64 {
        let yes = self.odds.get(signal).copied().unwrap_or(0.5);
        if answer == Value::Yes { yes } else { 1.0 - yes }
    }
}

fn confirms(cause: &Cause, obs: &Observations) -> bool {
    let unless = cause.unless.as_ref().map(|u| super::evaluate(u, obs).0);
    super::evaluate(&cause.when, obs).0 == Value::Yes && unless != Some(Value::Yes)
}

/// Expected information (bits) the answer about `signal` gives.
fn gain(code: &Code, obs: &Observations, hypotheses: &[Hypothesis], signal: &str) -> f64 {
    let prior: Vec<f64> = hypotheses.iter().map(|h| h.weight).collect();
    let total: f64 = prior.iter().sum();
    let mut expected = 0.0;
    for answer in [Value::Yes, Value::No] {
        let posterior: Vec<f64> = hypotheses
            .iter()
            .map(|h| h.weight * h.p(signal, answer))
            .collect();
        let p_answer = posterior.iter().sum::<f64>() / total;
        if p_answer <= 0.0 {
            continue;
        }
        let mut o = obs.clone();
        o.set(signal, answer);
        let settles = verdicts(code, &o)
            .iter()
            .any(|v| v.status == Status::Confirmed);
        if !settles {
            expected += p_answer * entropy(&posterior);
        }
    }
    entropy(&prior) - expected
}

/// Entropy in bits of the distribution proportional to `weights`.
fn entropy(weights: &[f64]) -> f64 {
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        return 0.0;
    }
    weights
        .iter()
        .filter(|w| **w > 0.0)
        .map(|w| {
            let p = w / total;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::test_support::{code, integration};

    fn ask(
        causes: &[(&str, &str, u32)],
        known: &[(&str, Value)],
        skipped: &[&str],
    ) -> Option<String> {
        let code = code(causes);
        let integration = integration(&code);
        let mut obs = Observations::default();
        for (s, v) in known {
            obs.set(*s, *v);
        }
        let skipped = skipped.iter().map(|s| s.to_string()).collect();
        next_question(&integration, &code, &obs, &skipped).map(|q| q.signal)
    }

    #[test]
    fn asks_about_the_most_likely_cause_first() {
        let causes = [("rare", "a", 1), ("common", "b", 3), ("middling", "c", 2)];
        assert_eq!(ask(&causes, &[], &[]).as_deref(), Some("b"));
        assert_eq!(ask(&causes, &[("b", Value::No)], &[]).as_deref(), Some("c"));
    }

    #[test]
    fn a_signal_that_alone_confirms_beats_one_that_half_does() {
        // `x or y` needs either; `z` alone confirms a cause of equal weight.
        let causes = [("either", "x or y", 2), ("single", "z", 2)];
        assert_eq!(ask(&causes, &[], &[]).as_deref(), Some("z"));
    }

    #[test]
    fn a_shared_signal_that_splits_the_causes_is_preferred() {
        // `shared` decides between two groups of equal weight at once.
        let causes = [
            ("a", "shared and p", 2),
            ("b", "shared and q", 2),
            ("c", "not shared and r", 2),
            ("d", "not shared and s", 2),
        ];
        assert_eq!(ask(&causes, &[], &[]).as_deref(), Some("shared"));
    }

    #[test]
    fn stops_once_a_cause_is_confirmed() {
        let causes = [("one", "a", 2), ("two", "b", 2)];
        assert_eq!(ask(&causes, &[("a", Value::Yes)], &[]), None);
    }

    #[test]
    fn the_last_possible_cause_is_still_asked_about() {
        let causes = [("one", "a", 2), ("two", "b", 2)];
        assert_eq!(ask(&causes, &[("a", Value::No)], &[]).as_deref(), Some("b"));
        assert_eq!(
            ask(&causes, &[("a", Value::No), ("b", Value::No)], &[]),
            None
        );
    }

    #[test]
    fn skipped_signals_are_not_asked_again() {
        let causes = [("one", "a", 3), ("two", "b", 2)];
        assert_eq!(ask(&causes, &[], &["a"]).as_deref(), Some("b"));
        assert_eq!(ask(&causes, &[], &["a", "b"]), None);
    }

    #[test]
    fn a_signal_whose_answer_changes_nothing_is_not_asked() {
        // With `a` = no the cause is ruled out whatever `b` is.
        let causes = [("one", "a and b", 2)];
        assert_eq!(ask(&causes, &[("a", Value::No)], &[]), None);
    }

    #[test]
    fn entropy_of_even_and_certain() {
        assert!((entropy(&[1.0, 1.0]) - 1.0).abs() < 1e-12);
        assert_eq!(entropy(&[3.0, 0.0]), 0.0);
        assert_eq!(entropy(&[]), 0.0);
    }
}
