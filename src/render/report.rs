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
    render(code, d, view, Style::Text)
}

/// The diagnosis as Markdown, in the same order as [`text`].
pub fn markdown(code: &Code, d: &Diagnosis, explain: bool) -> String {
    let view = View {
        explain,
        guided: false,
    };
    render(code, d, view, Style::Markdown)
}

/// The two ways of writing the same report: only the markup differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Text,
    Markdown,
}

impl Style {
    fn heading(self, s: &mut String, heading: &str) {
        match self {
            Style::Text => s.push_str(&format!("\n{heading}:\n")),
            Style::Markdown => s.push_str(&format!("\n## {heading}\n\n")),
        }
    }

    fn item(self, s: &mut String, text: &str) {
        match self {
            Style::Text => s.push_str(&format!("  - {text}\n")),
            Style::Markdown => s.push_str(&format!("- {text}\n")),
        }
    }

    /// A cause with its reasons: two spaces before them in text, for the eye.
    /// A terminal gets the cause's words without their Markdown (`**`).
    fn cause(self, s: &mut String, text: &str, because: &[Reason]) {
        let (gap, text) = match self {
            Style::Text => ("  ", crate::util::text::strip_inline(text)),
            Style::Markdown => (" ", text.to_string()),
        };
        self.item(s, &format!("{text}{gap}({})", reasons(because)));
    }

    /// A line under an item (a step, a line of explanation).
    fn sub(self, s: &mut String, n: Option<usize>, text: &str) {
        match (self, n) {
            (Style::Text, Some(n)) => s.push_str(&format!("       {n}. {text}\n")),
            (Style::Text, None) => s.push_str(&format!("      {text}\n")),
            (Style::Markdown, _) => s.push_str(&format!("   - {text}\n")),
        }
    }

    fn code(self, text: &str) -> String {
        match self {
            Style::Text => text.to_string(),
            Style::Markdown => format!("`{text}`"),
        }
    }

    fn strong(self, text: &str) -> String {
        match self {
            Style::Text => text.to_string(),
            Style::Markdown => format!("**{text}**"),
        }
    }
}

fn render(code: &Code, d: &Diagnosis, view: View, style: Style) -> String {
    let mut s = match style {
        Style::Text => format!("{}: {}\n", code.code, strip_code_prefix(&code.message)),
        Style::Markdown => format!("# {} diagnosis\n\n> {}\n", code.code, code.message),
    };
    let lines = recognition_lines(d);
    if !lines.is_empty() {
        if style == Style::Markdown {
            s.push('\n');
        }
        for line in lines {
            let hard_break = if style == Style::Markdown { "  " } else { "" };
            s.push_str(&format!("{line}{hard_break}\n"));
        }
    }
    confirmed_and_leads(&mut s, d, style);
    plan_and_questions(&mut s, code, d, view, style);
    if view.explain {
        style.heading(&mut s, "Why, cause by cause");
        for c in &d.causes {
            style.item(
                &mut s,
                &format!("{}: {}", style.strong(c.status.as_str()), c.text),
            );
            for line in explanation(code, c) {
                style.sub(&mut s, None, &line);
            }
        }
    } else {
        for (status, heading) in [
            (Status::Possible, "Possible causes"),
            (Status::RuledOut, "Ruled out"),
        ] {
            let causes: Vec<_> = d.with_status(status).collect();
            if !causes.is_empty() {
                style.heading(&mut s, heading);
                for c in causes {
                    style.cause(&mut s, &c.text, &c.because);
                }
            }
        }
    }
    if d.escalate {
        s.push_str(&format!("\n{}\n", style.strong(&escalate_line(d))));
    }
    s
}

fn confirmed_and_leads(s: &mut String, d: &Diagnosis, style: Style) {
    let confirmed: Vec<&CauseVerdict> = d.with_status(Status::Confirmed).collect();
    if confirmed.is_empty() {
        s.push_str(&format!("\n{}\n", unconfirmed_summary(d)));
    } else {
        style.heading(s, "Confirmed causes");
        for c in confirmed {
            style.cause(s, &c.text, &c.because);
        }
    }
    if !d.leads.is_empty() {
        style.heading(s, "Leads in other codes");
        for l in &d.leads {
            let lead = format!(
                "{} ({}): {}",
                style.strong(&l.code),
                crate::recognize::first_clause(&l.message),
                l.text
            );
            style.cause(s, &lead, &l.because);
            style.sub(s, None, &format!("see `triage diagnose {}`", l.code));
        }
    }
}

fn plan_and_questions(s: &mut String, code: &Code, d: &Diagnosis, view: View, style: Style) {
    style.heading(s, plan_heading(d));
    for (i, fix) in d.fixes.iter().enumerate() {
        let title = style.strong(&fix.title);
        match style {
            Style::Text => s.push_str(&format!("  {}. {title}\n", i + 1)),
            Style::Markdown => s.push_str(&format!("{}. {title}\n", i + 1)),
        }
        if style == Style::Markdown
            && let Some(p) = code.procedure(&fix.id)
        {
            procedure_markdown(s, code, p, i + 1, i + 1 < d.fixes.len());
            continue;
        }
        if let Some(lead) = &fix.lead {
            style.sub(s, None, lead);
        }
        let steps = |s: &mut String, steps: &[String]| {
            for (j, step) in steps.iter().enumerate() {
                match (fix.numbered, style) {
                    (true, _) => style.sub(s, Some(j + 1), step),
                    (false, Style::Text) => style.sub(s, None, &format!("• {step}")),
                    (false, Style::Markdown) => style.sub(s, None, step),
                }
            }
        };
        if fix.variants.is_empty() {
            steps(s, &fix.steps);
        }
        for variant in &fix.variants {
            style.sub(s, None, &variant.label);
            steps(s, &variant.steps);
        }
        if let Some(closing) = &fix.closing {
            style.sub(s, None, closing);
        }
    }
    if !d.questions.is_empty() {
        style.heading(
            s,
            if view.guided {
                "Still open, not asked or answered \"don't know\" (answer with --yes/--no SIGNAL in a later run)"
            } else {
                "Open questions (answer with --yes/--no SIGNAL, or use --interactive)"
            },
        );
        for q in &d.questions {
            let gap = if style == Style::Text { "  " } else { " " };
            style.item(
                s,
                &format!("{}{gap}({})", q.question, style.code(&q.signal)),
            );
        }
    }
}

/// A procedure's body under its numbered item of the Markdown plan, as the
/// article prints it (lead paragraph, numbered steps, closing paragraph,
/// nested lists), indented to the item's text so CommonMark nests it.
fn procedure_markdown(
    s: &mut String,
    code: &Code,
    p: &crate::rules::Procedure,
    n: usize,
    more: bool,
) {
    let layout = &code.layout;
    let body = crate::rules::block::markdown(&p.body, layout.body_level(p.title.is_some()), layout);
    if body.trim().is_empty() {
        return;
    }
    let indent = " ".repeat(format!("{n}. ").len());
    s.push('\n');
    for line in body.lines() {
        if line.is_empty() {
            s.push('\n');
        } else {
            s.push_str(&format!("{indent}{line}\n"));
        }
    }
    if more {
        s.push('\n');
    }
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
fn recognition_lines(d: &Diagnosis) -> Vec<String> {
    let mut lines: Vec<String> = d
        .alternatives
        .iter()
        .map(|a| {
            format!(
                "Also matches {} ({}), less specifically.",
                a.code,
                crate::recognize::first_clause(&a.message)
            )
        })
        .collect();
    if !d.captures.is_empty() {
        let values: Vec<String> = d
            .captures
            .iter()
            .map(|(k, v)| format!("{} = {v}", k.replace('_', " ")))
            .collect();
        lines.push(format!("From the message: {}.", values.join(", ")));
    }
    lines
}

/// Why to escalate, in words that agree with the causes listed above it:
/// "nothing explains it" only when every cause is ruled out.
fn escalate_line(d: &Diagnosis) -> String {
    let concierge = "Contact Concierge (`triage render ticket`).";
    let possible = d.with_status(Status::Possible).count();
    if possible == 0 {
        return format!(
            "Escalate: every cause is ruled out; nothing here explains the error. {concierge}"
        );
    }
    let these = if possible == 1 {
        "the possible cause above"
    } else {
        "the possible causes above"
    };
    if d.probe_signals.is_empty() {
        format!("Escalate: no question left can decide {these}. {concierge}")
    } else {
        format!(
            "Escalate: only the probe can decide {these} (it observes {}): run `triage diagnose {} --probe {}`, or {}",
            d.probe_signals.join(", "),
            d.code,
            d.integration,
            concierge.replacen('C', "c", 1)
        )
    }
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
