//! `triage diagnose`: finds the code (named, recognised in a pasted message,
//! read from stdin with `-`, or from the facts file's `message`), gathers what
//! is known (flags over the facts file), and prints the diagnosis as text,
//! Markdown or JSON, or asks questions with `--interactive`.

use std::io::{IsTerminal, Read, Write};

use crate::Error;
use crate::cli::interactive::{self, Session};
use crate::cli::ticket::{read_facts, ticket_input_from};
use crate::cli::{Context, RunError};
use crate::cli::{DiagnoseArgs, DiagnoseFormat};
use crate::engine::{self, Diagnosis, Observations};
use crate::facts::Facts;
use crate::recognize::Recognition;
use crate::render::report;
use crate::render::{Renderer, TicketInput};
use crate::rules::{Code, Integration};

/// More than this on stdin is not read: it cannot be one error message.
const MAX_STDIN_BYTES: u64 = 8 * 1024 * 1024;

pub fn run(ctx: &Context, args: &DiagnoseArgs, out: &mut dyn Write) -> Result<i32, RunError> {
    let from_stdin = args.target.as_deref().map(str::trim) == Some("-");
    if args.interactive && from_stdin {
        return Err(Error::InteractiveFromStdin.into());
    }
    if args.interactive && !std::io::stdin().is_terminal() {
        return Err(Error::InteractiveWithoutTerminal.into());
    }
    let facts = read_facts(args.observed.facts.as_deref())?;
    let target = target(args.target.as_deref(), facts.as_ref())?;
    let resolved = ctx.resolve(&target)?;
    let (base, recognition) = (&resolved.base, &resolved.recognition);
    let (integration, code) = resolved.code();
    let obs = crate::facts::observations(
        integration,
        code,
        &args.observed.yes,
        &args.observed.no,
        facts.as_ref(),
    )?;
    // The probe runs once, before any question: its signals join the
    // observations where no flag or fact already decided them.
    let (obs, probed, probe_report) =
        crate::probe::run::diagnose(integration, code, obs, &args.probe.request())?;
    // Leads need the sibling codes, which a one-code load does not read. Only
    // an observation this code does not read can lead elsewhere, so the rest
    // of the rule base is loaded only then.
    let read: std::collections::BTreeSet<&str> =
        code.causes.iter().flat_map(engine::read_signals).collect();
    let outside = obs
        .0
        .iter()
        .any(|(s, v)| *v != engine::Value::Unknown && !read.contains(s.as_str()));
    let siblings = if outside {
        ctx.siblings(base, &integration.id)
    } else {
        None
    };
    let full = Full {
        integration,
        siblings: siblings.as_ref().unwrap_or(integration),
        code,
        recognition: recognition.as_ref(),
    };
    if args.interactive {
        return guided(ctx, &full, obs, facts.as_ref(), args.explain, out);
    }
    let diagnosis = full.enrich(probed, &obs);
    let probe_block = |markdown| {
        probe_report.as_ref().map_or_else(String::new, |r| {
            let block = crate::probe::run::block(integration, r, Some(&diagnosis), markdown);
            format!("\n{block}")
        })
    };
    match args.format {
        DiagnoseFormat::Json => {
            let json = crate::probe::run::to_json(&crate::probe::run::WithProbe {
                diagnosis: &diagnosis,
                probe: probe_report.as_ref(),
            })?;
            writeln!(out, "{json}")?;
        }
        DiagnoseFormat::Text => {
            let view = report::View {
                explain: args.explain,
                guided: false,
            };
            let text = report::text(code, &diagnosis, view);
            write!(out, "{text}{}", probe_block(false))?
        }
        DiagnoseFormat::Md => {
            let markdown = report::markdown(code, &diagnosis, args.explain);
            write!(out, "{markdown}{}", probe_block(true))?
        }
    }
    Ok(0)
}

/// The text to recognise: the argument, stdin for `-`, or the facts' message.
fn target(arg: Option<&str>, facts: Option<&Facts>) -> Result<String, Error> {
    match arg {
        Some(t) if t.trim() == "-" => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .take(MAX_STDIN_BYTES)
                .read_to_end(&mut bytes)
                .map_err(|source| Error::Io {
                    path: "stdin".into(),
                    source,
                })?;
            Ok(String::from_utf8_lossy(&bytes).into_owned())
        }
        Some(t) => Ok(t.to_string()),
        None => facts
            .and_then(|f| f.message.clone())
            .ok_or(Error::NothingToDiagnose),
    }
}

/// Everything a full diagnosis needs: the code, its integration with every
/// sibling code (for leads), and what the pasted message gave.
struct Full<'a> {
    integration: &'a Integration,
    siblings: &'a Integration,
    code: &'a Code,
    recognition: Option<&'a Recognition>,
}

impl Full<'_> {
    fn diagnose(&self, obs: &Observations) -> Diagnosis {
        self.enrich(engine::diagnose(self.integration, self.code, obs), obs)
    }

    /// Adds what the pasted message gave and the leads in sibling codes.
    fn enrich(&self, mut d: Diagnosis, obs: &Observations) -> Diagnosis {
        if let Some(r) = self.recognition {
            d.captures = r.captures.clone();
            d.alternatives = r.alternatives.clone();
        }
        d.leads = engine::leads(self.siblings, self.code, obs);
        d
    }
}

/// `--interactive`: the question loop on the terminal, then the ticket offer.
fn guided(
    ctx: &Context,
    full: &Full,
    known: Observations,
    facts: Option<&Facts>,
    explain: bool,
    out: &mut dyn Write,
) -> Result<i32, RunError> {
    let renderer = Renderer::new(&ctx.templates)?;
    let code = full.code;
    let input = ticket_input_from(
        code,
        TicketInput {
            message: facts
                .and_then(|f| f.message.clone())
                .or_else(|| crate::cli::ticket::pasted_message(code, full.recognition, false)),
            attempted_at: None,
            tried: facts.map(|f| f.tried.clone()).unwrap_or_default(),
            report_id: facts.and_then(|f| f.report_id.clone()),
            captures: full
                .recognition
                .map(|r| r.captures.clone())
                .unwrap_or_default(),
        },
        facts.and_then(|f| {
            f.attempted_at
                .as_deref()
                .map(|t| (t, Some(f.path.as_str())))
        }),
        facts.map(|f| f.path.as_str()),
    )?;
    let diagnose = |o: &Observations| full.diagnose(o);
    let view = report::View {
        explain,
        guided: true,
    };
    let show = |d: &Diagnosis| report::text(code, d, view);
    let ticket = |o: &Observations, at: Option<jiff::Timestamp>| {
        let d = engine::diagnose(full.integration, code, o);
        let mut input = input.clone();
        input.attempted_at = at.or(input.attempted_at);
        renderer.ticket(full.integration, code, &d, o, &input)
    };
    let session = Session {
        integration: full.integration,
        code,
        known,
        diagnose: &diagnose,
        report: &show,
        ticket: &ticket,
        ask_time: input.attempted_at.is_none(),
        ticket_file: format!("{}-ticket.md", code.code),
    };
    let stdin = std::io::stdin();
    interactive::run(&session, &mut stdin.lock(), &mut *out)?;
    Ok(0)
}
