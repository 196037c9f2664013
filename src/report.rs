//! A diagnosis for a person, as terminal text or Markdown: the code and
//! message on top, confirmed causes, leads into other codes, the numbered fix
//! plan, then open questions; then the other causes, or with `explain` every
//! cause with its condition and the value of each signal in it.

use crate::engine::{CauseVerdict, Diagnosis, Reason, Status, Value};
use crate::recognize::strip_code_prefix;
use crate::rules::Code;

/// How a diagnosis is shown.
#[derive(Debug, Clone, Copy, Default)]
pub struct View {
    /// Every cause with its condition and signal values, instead of the
    /// short lists of possible and ruled-out causes.
    pub explain: bool,
    /// At the end of `--interactive`: open questions are the ones not asked.
    pub guided: bool,
}

/// The diagnosis as terminal text.
pub fn text(code: &Code, d: &Diagnosis, view: View) -> String {
    let mut s = format!("{}: {}\n", code.code, strip_code_prefix(&code.message));
    s.push_str(&recognition_lines(d));
    let confirmed: Vec<&CauseVerdict> = d.with_status(Status::Confirmed).collect();
    if confirmed.is_empty() {
        s.push_str(&format!("\n{}\n", unconfirmed_summary(d)));
    } else {
        s.push_str("\nConfirmed causes:\n");
        for c in confirmed {
            s.push_str(&format!("  - {}  ({})\n", c.text, reasons(&c.because)));
        }
    }
    if !d.leads.is_empty() {
        s.push_str("\nLeads in other codes:\n");
        for l in &d.leads {
            s.push_str(&format!(
                "  - {} ({}): {}  ({}); see `triage diagnose {}`\n",
                l.code,
                crate::recognize::first_clause(&l.message),
                l.text,
                reasons(&l.because),
                l.code
            ));
        }
    }
    s.push_str(&format!("\n{}:\n", plan_heading(d)));
    for (i, fix) in d.fixes.iter().enumerate() {
        s.push_str(&format!("  {}. {}\n", i + 1, fix.title));
        for (j, step) in fix.steps.iter().enumerate() {
            s.push_str(&format!("       {}. {step}\n", j + 1));
        }
    }
    if !d.questions.is_empty() {
        s.push_str(if view.guided {
            "\nNot asked (answer with --yes/--no SIGNAL in a later run):\n"
        } else {
            "\nOpen questions (answer with --yes/--no SIGNAL, or use --interactive):\n"
        });
        for q in &d.questions {
            s.push_str(&format!("  - {}  ({})\n", q.question, q.signal));
        }
    }
    if view.explain {
        s.push_str("\nWhy, cause by cause:\n");
        for c in &d.causes {
            s.push_str(&format!("  {}: {}\n", c.status.as_str(), c.text));
            for line in explanation(code, c) {
                s.push_str(&format!("      {line}\n"));
            }
        }
    } else {
        for (status, heading) in [
            (Status::Possible, "Possible causes"),
            (Status::RuledOut, "Ruled out"),
        ] {
            let causes: Vec<_> = d.with_status(status).collect();
            if !causes.is_empty() {
                s.push_str(&format!("\n{heading}:\n"));
                for c in causes {
                    s.push_str(&format!("  - {}  ({})\n", c.text, reasons(&c.because)));
                }
            }
        }
    }
    if d.escalate {
        s.push_str("\nEscalate: nothing here explains the error. Contact Concierge (`triage render ticket`).\n");
    }
    s
}

/// The diagnosis as Markdown, in the same order as [`text`].
pub fn markdown(code: &Code, d: &Diagnosis, explain: bool) -> String {
    let mut s = format!("# {} diagnosis\n\n> {}\n", code.code, code.message);
    let lines = recognition_lines(d);
    if !lines.is_empty() {
        s.push('\n');
        for line in lines.lines() {
            s.push_str(&format!("{line}  \n"));
        }
    }
    let confirmed: Vec<&CauseVerdict> = d.with_status(Status::Confirmed).collect();
    if confirmed.is_empty() {
        s.push_str(&format!("\n{}\n", unconfirmed_summary(d)));
    } else {
        s.push_str("\n## Confirmed causes\n\n");
        for c in confirmed {
            s.push_str(&format!("- {} ({})\n", c.text, reasons(&c.because)));
        }
    }
    if !d.leads.is_empty() {
        s.push_str("\n## Leads in other codes\n\n");
        for l in &d.leads {
            s.push_str(&format!(
                "- **{}** ({}): {} ({})\n",
                l.code,
                crate::recognize::first_clause(&l.message),
                l.text,
                reasons(&l.because)
            ));
        }
    }
    s.push_str(&format!("\n## {}\n\n", plan_heading(d)));
    for (i, fix) in d.fixes.iter().enumerate() {
        s.push_str(&format!("{}. **{}**\n", i + 1, fix.title));
        for step in &fix.steps {
            s.push_str(&format!("   - {step}\n"));
        }
    }
    if !d.questions.is_empty() {
        s.push_str("\n## Questions\n\n");
        for q in &d.questions {
            s.push_str(&format!("- {} (`{}`)\n", q.question, q.signal));
        }
    }
    if explain {
        s.push_str("\n## Why\n\n");
        for c in &d.causes {
            s.push_str(&format!("- **{}**: {}\n", c.status.as_str(), c.text));
            for line in explanation(code, c) {
                s.push_str(&format!("  - {line}\n"));
            }
        }
    } else {
        for (status, heading) in [
            (Status::Possible, "Possible causes"),
            (Status::RuledOut, "Ruled out"),
        ] {
            let causes: Vec<_> = d.with_status(status).collect();
            if !causes.is_empty() {
                s.push_str(&format!("\n## {heading}\n\n"));
                for c in causes {
                    s.push_str(&format!("- {} ({})\n", c.text, reasons(&c.because)));
                }
            }
        }
    }
    if d.escalate {
        s.push_str("\n**Escalate to Concierge.**\n");
    }
    s
}

/// `signal = value, …` for a list of reasons.
pub fn reasons(because: &[Reason]) -> String {
    because
        .iter()
        .map(|r| format!("{} = {}", r.signal, r.value.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Lines saying what the pasted message told: other codes it matched, and
/// the values captured from it.
fn recognition_lines(d: &Diagnosis) -> String {
    let mut s = String::new();
    for a in &d.alternatives {
        s.push_str(&format!(
            "Also matches {} ({}), less specifically.\n",
            a.code,
            crate::recognize::first_clause(&a.message)
        ));
    }
    if !d.captures.is_empty() {
        let values: Vec<String> = d
            .captures
            .iter()
            .map(|(k, v)| format!("{} = {v}", k.replace('_', " ")))
            .collect();
        s.push_str(&format!("From the message: {}.\n", values.join(", ")));
    }
    s
}

fn unconfirmed_summary(d: &Diagnosis) -> String {
    match d.with_status(Status::Possible).count() {
        0 => "No cause is confirmed; every cause is ruled out.".to_string(),
        1 => "No cause is confirmed yet; 1 is still possible.".to_string(),
        n => format!("No cause is confirmed yet; {n} are still possible."),
    }
}

fn plan_heading(d: &Diagnosis) -> &'static str {
    if d.with_status(Status::Confirmed).next().is_some() {
        "Fix plan"
    } else {
        "Fix plan (no cause confirmed: the article's full sequence)"
    }
}

/// Why one cause has its status: its condition, then each signal it reads
/// with its value and what that value does to the verdict.
pub fn explanation(code: &Code, c: &CauseVerdict) -> Vec<String> {
    let unless = code
        .causes
        .iter()
        .find(|cause| cause.id == c.id)
        .and_then(|cause| cause.unless.as_ref());
    let mut lines = vec![match unless {
        Some(u) => format!("condition: {}, unless {u}", c.condition),
        None => format!("condition: {}", c.condition),
    }];
    for r in &c.signals {
        let deciding = c.because.iter().any(|b| b.signal == r.signal);
        let value = match r.value {
            Value::Unknown => format!("`{}` unknown", r.signal),
            v => format!("`{}` = {}", r.signal, v.as_str()),
        };
        let effect = match (c.status, deciding) {
            (Status::Confirmed, true) => "confirms it",
            (Status::RuledOut, true) if c.unless.is_some() => "rules it out (unless)",
            (Status::RuledOut, true) => "rules it out",
            (Status::Possible, true) => "answer it to decide",
            (_, false) if r.value == Value::Unknown => "not needed to decide",
            (_, false) => "does not decide it alone",
        };
        lines.push(format!("{value} — {effect}"));
    }
    lines
}
