//! Carries out a parsed command line: loads what the command needs, calls the
//! engine or the renderer, prints, and maps errors to exit codes.

use std::io::Write;

use crate::Error;
use crate::cli::{
    Cli, Command, DiagnoseArgs, DiagnoseFormat, Document, Observed, RenderArgs, RenderFormat,
};
use crate::engine::{self, Diagnosis, Observations, Status, Value};
use crate::finding::{closest, did_you_mean};
use crate::recognize;
use crate::render::{Renderer, TemplateSource, TicketInput};
use crate::rules::{Code, Integration, RuleBase, RuleSource, Selection};

/// Runs the command, prints any error once on stderr, returns the exit code.
pub fn main(cli: Cli) -> i32 {
    // A panic is a bug: one line and exit 2, not a backtrace.
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "error: internal error{location}; this is a bug in triage, please report it with the command you ran"
        );
    }));
    let result = std::panic::catch_unwind(|| {
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        run(&cli, &mut out)
    });
    let Ok(result) = result else {
        return 2;
    };
    match result {
        Ok(code) => code,
        Err(RunError::Triage(e)) => {
            eprintln!("error: {e}");
            e.exit_code()
        }
        // A closed pipe (`triage codes | head`) is not a failure.
        Err(RunError::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(RunError::Output(e)) => {
            eprintln!("error: writing output: {e}");
            2
        }
    }
}

#[derive(Debug)]
pub enum RunError {
    Triage(Error),
    Output(std::io::Error),
}

impl From<Error> for RunError {
    fn from(e: Error) -> Self {
        RunError::Triage(e)
    }
}

impl From<std::io::Error> for RunError {
    fn from(e: std::io::Error) -> Self {
        RunError::Output(e)
    }
}

/// Runs one command, writing its output to `out`; returns the exit code.
pub fn run(cli: &Cli, out: &mut dyn Write) -> Result<i32, RunError> {
    let ctx = Context::new(cli);
    match &cli.command {
        Command::Codes => codes(&ctx, out),
        Command::Diagnose(args) => diagnose(&ctx, args, out),
        Command::Render(args) => render(&ctx, args, out),
        Command::Build(args) => crate::site::command(&ctx, args),
        Command::Serve(args) => crate::serve::command(&ctx, args),
    }
}

/// Where rules and templates come from for this run.
pub struct Context {
    pub rules: RuleSource,
    pub templates: TemplateSource,
}

impl Context {
    pub fn new(cli: &Cli) -> Context {
        Context {
            rules: cli
                .rules
                .clone()
                .map_or(RuleSource::Embedded, RuleSource::Dir),
            templates: cli
                .templates
                .clone()
                .map_or(TemplateSource::Embedded, TemplateSource::Dir),
        }
    }

    /// Loads and validates; any error finding stops the command (exit 2).
    pub fn load(&self, selection: &Selection) -> Result<RuleBase, Error> {
        let (base, findings) = RuleBase::load(&self.rules, selection)?;
        if findings.iter().any(|f| f.is_error()) {
            return Err(Error::Rules(crate::check::render_plain(
                &base.sources,
                &findings,
            )));
        }
        Ok(base)
    }

    /// The rule base holding the code named or recognised in `target`, and the code's id.
    pub fn load_code(&self, target: &str) -> Result<(RuleBase, String), Error> {
        if recognize::looks_like_code(target) {
            let base = self.load(&Selection::Code(target.trim().to_string()))?;
            if let Some((_, code)) = base.code(target.trim()) {
                let id = code.code.clone();
                return Ok((base, id));
            }
            let loaded = crate::rules::load::read(&self.rules, &Selection::Code(String::new()))?;
            return Err(Error::UnknownCode {
                code: target.trim().to_string(),
                suggestion: did_you_mean(
                    target.trim(),
                    loaded.code_names.iter().map(String::as_str),
                ),
            });
        }
        let base = self.load(&Selection::All)?;
        match recognize::recognize(&base, target) {
            Some(r) => Ok((base, r.code)),
            None => {
                let near = recognize::nearest(&base, target, 3);
                let hint = if near.is_empty() {
                    "run `triage codes` to see the known codes".to_string()
                } else {
                    let list: Vec<String> = near
                        .iter()
                        .map(|(c, m)| format!("{c} — {}", first_clause(m)))
                        .collect();
                    format!("did you mean {}?", list.join(", or "))
                };
                Err(Error::Input(format!(
                    "no known error message found in the text given; {hint}"
                )))
            }
        }
    }
}

fn codes(ctx: &Context, out: &mut dyn Write) -> Result<i32, RunError> {
    let base = ctx.load(&Selection::All)?;
    for (integration, code) in base.codes() {
        writeln!(
            out,
            "{:<8} {:<10} {:<6} {}",
            code.code,
            integration.id,
            code.kind.id(),
            recognize::strip_code_prefix(&code.message)
        )?;
    }
    Ok(0)
}

/// Turns `--yes/--no` flags into observations, refusing unknown signals.
fn observations(
    integration: &Integration,
    code: &Code,
    observed: &Observed,
) -> Result<Observations, Error> {
    let mut obs = Observations::default();
    let flags = observed
        .yes
        .iter()
        .map(|s| (s, Value::Yes))
        .chain(observed.no.iter().map(|s| (s, Value::No)));
    for (signal, value) in flags {
        if integration.signal(signal).is_none() {
            let known = integration.signals.iter().map(|s| s.id.as_str());
            return Err(Error::UnknownSignal {
                signal: signal.clone(),
                code: code.code.clone(),
                suggestion: closest(signal, known)
                    .map(|s| format!("did you mean `{s}`?"))
                    .or_else(|| {
                        Some(format!(
                            "known signals: {}",
                            integration
                                .signals
                                .iter()
                                .map(|s| s.id.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ))
                    }),
            });
        }
        obs.set(signal.clone(), value);
    }
    Ok(obs)
}

fn diagnose(ctx: &Context, args: &DiagnoseArgs, out: &mut dyn Write) -> Result<i32, RunError> {
    let (base, id) = ctx.load_code(&args.target)?;
    let (integration, code) = base
        .code(&id)
        .ok_or_else(|| Error::Input(format!("code {id} vanished")))?;
    let obs = observations(integration, code, &args.observed)?;
    let diagnosis = engine::diagnose(integration, code, &obs);
    match args.format {
        DiagnoseFormat::Json => {
            let json = serde_json::to_string_pretty(&diagnosis)
                .map_err(|e| Error::Input(e.to_string()))?;
            writeln!(out, "{json}")?;
        }
        DiagnoseFormat::Text => write!(out, "{}", diagnosis_text(code, &diagnosis))?,
        DiagnoseFormat::Markdown => write!(out, "{}", diagnosis_markdown(code, &diagnosis))?,
    }
    Ok(0)
}

fn reasons(c: &engine::CauseVerdict) -> String {
    c.because
        .iter()
        .map(|r| format!("{} = {}", r.signal, r.value.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The diagnosis for a person: code and message, causes, fix plan, questions.
pub fn diagnosis_text(code: &Code, d: &Diagnosis) -> String {
    let mut s = format!(
        "{}: {}\n",
        code.code,
        recognize::strip_code_prefix(&code.message)
    );
    for (status, heading) in [
        (Status::Confirmed, "Confirmed causes"),
        (Status::Possible, "Possible causes"),
        (Status::RuledOut, "Ruled out"),
    ] {
        let causes: Vec<_> = d.with_status(status).collect();
        if causes.is_empty() {
            continue;
        }
        s.push_str(&format!("\n{heading}:\n"));
        for c in causes {
            s.push_str(&format!("  - {}  ({})\n", c.text, reasons(c)));
        }
    }
    let plan = if d.with_status(Status::Confirmed).next().is_some() {
        "Fix plan"
    } else {
        "Fix plan (no cause confirmed: the article's full sequence)"
    };
    s.push_str(&format!("\n{plan}:\n"));
    for (i, fix) in d.fixes.iter().enumerate() {
        s.push_str(&format!("  {}. {}\n", i + 1, fix.title));
        for (j, step) in fix.steps.iter().enumerate() {
            s.push_str(&format!("       {}. {step}\n", j + 1));
        }
    }
    if !d.questions.is_empty() {
        s.push_str("\nStill worth asking:\n");
        for q in &d.questions {
            s.push_str(&format!("  - {}  (--yes/--no {})\n", q.question, q.signal));
        }
    }
    if d.escalate {
        s.push_str("\nEscalate: nothing here explains the error. Contact Concierge (`triage render ticket`).\n");
    }
    s
}

fn diagnosis_markdown(code: &Code, d: &Diagnosis) -> String {
    let mut s = format!("# {} diagnosis\n\n> {}\n", code.code, code.message);
    for (status, heading) in [
        (Status::Confirmed, "Confirmed causes"),
        (Status::Possible, "Possible causes"),
        (Status::RuledOut, "Ruled out"),
    ] {
        let causes: Vec<_> = d.with_status(status).collect();
        if !causes.is_empty() {
            s.push_str(&format!("\n## {heading}\n\n"));
            for c in causes {
                s.push_str(&format!("- {} ({})\n", c.text, reasons(c)));
            }
        }
    }
    s.push_str("\n## Fix plan\n\n");
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
    if d.escalate {
        s.push_str("\n**Escalate to Concierge.**\n");
    }
    s
}

fn render(ctx: &Context, args: &RenderArgs, out: &mut dyn Write) -> Result<i32, RunError> {
    let renderer = Renderer::new(&ctx.templates)?;
    let markdown = match args.document {
        Document::Faq if !recognize::looks_like_code(&args.target) => {
            let base = ctx.load(&Selection::All)?;
            let Some(integration) = base.integration(args.target.trim()) else {
                let ids: Vec<&str> = base.integrations.iter().map(|i| i.id.as_str()).collect();
                return Err(Error::Input(format!(
                    "unknown integration `{}`; {}",
                    args.target,
                    did_you_mean(&args.target, ids.iter().copied())
                        .unwrap_or_else(|| format!("known integrations: {}", ids.join(", ")))
                ))
                .into());
            };
            renderer.faq_integration(integration)?
        }
        document => {
            let (base, id) = ctx.load_code(&args.target)?;
            let (integration, code) = base
                .code(&id)
                .ok_or_else(|| Error::Input(format!("code {id} vanished")))?;
            match document {
                Document::Help => renderer.help(integration, code)?,
                Document::Faq => renderer.faq(integration, code)?,
                Document::Ticket => {
                    let obs = observations(integration, code, &args.ticket.observed)?;
                    let diagnosis = engine::diagnose(integration, code, &obs);
                    let input = ticket_input(code, &args.ticket)?;
                    renderer.ticket(integration, code, &diagnosis, &obs, &input)?
                }
            }
        }
    };
    match args.format {
        RenderFormat::Md => write!(out, "{markdown}")?,
        RenderFormat::Text => write!(out, "{}", crate::text::markdown_to_text(&markdown))?,
    }
    Ok(0)
}

fn ticket_input(code: &Code, args: &crate::cli::TicketArgs) -> Result<TicketInput, Error> {
    let attempted_at = match &args.attempted_at {
        None => None,
        Some(t) => Some(parse_time(t)?),
    };
    for tried in &args.tried {
        if code.procedure(tried).is_none() {
            let ids = code.procedures.iter().map(|p| p.id.as_str());
            return Err(Error::Input(format!(
                "unknown fix `{tried}` for {}; {}",
                code.code,
                did_you_mean(tried, ids).unwrap_or_else(|| format!(
                    "its fixes are: {}",
                    code.procedures
                        .iter()
                        .map(|p| p.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            )));
        }
    }
    Ok(TicketInput {
        message: args.message.clone(),
        attempted_at,
        tried: args.tried.clone(),
        report_id: args.report_id.clone(),
    })
}

pub fn parse_time(t: &str) -> Result<jiff::Timestamp, Error> {
    t.trim().parse::<jiff::Timestamp>().map_err(|_| {
        Error::Input(format!(
            "--attempted-at `{t}` is not an RFC 3339 time; write it like 2026-11-28T09:30:00Z or 2026-11-28T10:30:00+01:00"
        ))
    })
}

/// "Failed to login to NetSuite. Please verify …" → "Failed to login to NetSuite".
pub(crate) fn first_clause(message: &str) -> &str {
    message
        .split_once(". ")
        .map_or(message.trim_end_matches('.'), |(first, _)| first)
}
