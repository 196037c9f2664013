//! Carries out a parsed command line: loads what the command needs, calls the
//! engine or the renderer, prints, and maps errors to exit codes.

use std::io::Write;

use crate::Error;
use crate::cli::{
    CheckArgs, CheckFormat, Cli, CodesArgs, Command, Document, NewArgs, RenderArgs, RenderFormat,
};
use crate::facts::Facts;
use crate::finding::did_you_mean;
use crate::probe::report as probe;
use crate::recognize::{self, Recognition};
use crate::render::{Renderer, TemplateSource, TicketInput};
use crate::rules::{Code, RuleBase, RuleSource, Selection};

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
    // Credentials in the environment are redacted from all output, probe or not.
    for name in crate::probe::credentials::VARIABLES {
        if name != crate::probe::credentials::ENV_ACCOUNT_ID
            && let Ok(value) = std::env::var(name)
        {
            crate::redact::remember(&value);
        }
    }
    let result = std::panic::catch_unwind(|| {
        let stdout = std::io::stdout();
        let mut out = crate::redact::Redacting::new(stdout.lock());
        let result = run(&cli, &mut out);
        let flushed = out.flush();
        result.and_then(|code| flushed.map(|_| code).map_err(RunError::Output))
    });
    let Ok(result) = result else {
        return 2;
    };
    match result {
        Ok(code) => code,
        Err(RunError::Triage(e)) => {
            eprintln!("error: {}", crate::redact::known_values(&e.to_string()));
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

/// The nearest `rules/` folder holding an integration (`*/integration.yaml`),
/// from `dir` up.
pub fn find_rules(dir: &std::path::Path) -> Option<std::path::PathBuf> {
    dir.ancestors().map(|d| d.join("rules")).find(|rules| {
        std::fs::read_dir(rules).is_ok_and(|entries| {
            entries
                .flatten()
                .any(|e| e.path().join("integration.yaml").is_file())
        })
    })
}

/// Runs one command, writing its output to `out`; returns the exit code.
pub fn run(cli: &Cli, out: &mut dyn Write) -> Result<i32, RunError> {
    let ctx = Context::new(cli);
    match &cli.command {
        Command::Codes(args) => codes(&ctx, args, out),
        Command::Diagnose(args) => crate::diagnose::run(&ctx, args, out),
        Command::Render(args) => render(&ctx, args, out),
        Command::Probe(args) => probe::command(&ctx, args, out),
        Command::Check(args) => check(&ctx, args, out),
        Command::Schema => Ok(write!(out, "{}", crate::schema::rules_schema()).map(|_| 0)?),
        Command::New(args) => new_code(&ctx, args, out),
        Command::Import(args) => import(&ctx, args, out),
        Command::Completions(args) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(args.shell, &mut command, "triage", out);
            Ok(0)
        }
        Command::Man => {
            clap_mangen::Man::new(<Cli as clap::CommandFactory>::command()).render(out)?;
            Ok(0)
        }
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
    /// `--rules`, else a `rules/` folder in the current directory or an
    /// ancestor (as cargo finds `Cargo.toml`), else the embedded rules; the
    /// templates likewise: `--templates`, else `templates/` beside the rules
    /// found, else the embedded ones.
    pub fn new(cli: &Cli) -> Context {
        let found = match &cli.rules {
            Some(_) => None,
            None => std::env::current_dir().ok().and_then(|d| find_rules(&d)),
        };
        let beside = found
            .as_ref()
            .and_then(|r| r.parent())
            .map(|p| p.join("templates"))
            .filter(|t| t.is_dir());
        Context {
            rules: cli
                .rules
                .clone()
                .or(found)
                .map_or(RuleSource::Embedded, RuleSource::Dir),
            templates: cli
                .templates
                .clone()
                .or(beside)
                .map_or(TemplateSource::Embedded, TemplateSource::Dir),
        }
    }

    /// Loads and validates; any error finding stops the command (exit 2).
    pub fn load(&self, selection: &Selection) -> Result<RuleBase, Error> {
        let (base, findings) = RuleBase::load(&self.rules, selection)?;
        if findings.iter().any(|f| f.is_error()) {
            let errors: Vec<_> = findings.into_iter().filter(|f| f.is_error()).collect();
            return Err(Error::Rules(crate::check::render_human(
                &base.sources,
                &errors,
                crate::check::stderr_color(),
            )));
        }
        Ok(base)
    }

    /// The rule base holding the code named or recognised in `target`, the
    /// code's id, and what recognising a pasted message found (`None` for a
    /// bare code). A note goes to stderr when the text was too long to
    /// examine whole.
    pub fn resolve(&self, target: &str) -> Result<(RuleBase, String, Option<Recognition>), Error> {
        if recognize::looks_like_code(target) {
            let base = self.load(&Selection::Code(target.trim().to_string()))?;
            if let Some((_, code)) = base.code(target.trim()) {
                let id = code.code.clone();
                return Ok((base, id, None));
            }
            let loaded = crate::rules::load::list(&self.rules, &Selection::Code(String::new()))?;
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
            Some(r) => {
                if r.truncated {
                    eprintln!("{}", recognize::truncation_note(target.len()));
                }
                let code = r.code.clone();
                Ok((base, code, Some(r)))
            }
            None => Err(unrecognised(&base, target)),
        }
    }

    /// The integration with every one of its codes, for leads, when `base`
    /// holds only some of them (`None`: `base` has them all already). Codes
    /// whose rules have errors are left out rather than failing the
    /// diagnosis of this one.
    pub fn siblings(
        &self,
        base: &RuleBase,
        integration: &str,
    ) -> Option<crate::rules::Integration> {
        if base
            .integrations
            .iter()
            .any(|i| i.id == integration && i.codes.len() > 1)
        {
            return None;
        }
        let (all, _) = RuleBase::load(&self.rules, &Selection::All).ok()?;
        all.integrations.into_iter().find(|i| i.id == integration)
    }
}

/// No code matched: the nearest codes by message, or where to look.
fn unrecognised(base: &RuleBase, target: &str) -> Error {
    let near = recognize::nearest(base, target, 3);
    let hint = if near.is_empty() {
        "run `triage codes` to see the known codes, or `triage codes --search WORDS`".to_string()
    } else {
        let list: Vec<String> = near
            .iter()
            .map(|(c, m)| format!("{c} — {}", recognize::first_clause(m)))
            .collect();
        format!("did you mean {}?", list.join(", or "))
    };
    let cut = if recognize::examined(target).1 {
        let note = recognize::truncation_note(target.len());
        format!(" ({})", note.trim_start_matches("note: "))
    } else {
        String::new()
    };
    Error::Input(format!(
        "no known error message found in the text given{cut}; {hint}"
    ))
}

fn check(ctx: &Context, args: &CheckArgs, out: &mut dyn Write) -> Result<i32, RunError> {
    let report = crate::check::check(&ctx.rules, &ctx.templates)?;
    match args.format {
        CheckFormat::Json => write!(
            out,
            "{}",
            crate::check::render_json(&report.sources, &report.findings)
        )?,
        CheckFormat::Human => {
            let color = crate::check::stdout_color();
            write!(
                out,
                "{}",
                crate::check::render_human(&report.sources, &report.findings, color)
            )?;
            write!(out, "{}", crate::check::summary(&report))?;
        }
    }
    Ok(report.exit_code())
}
fn new_code(ctx: &Context, args: &NewArgs, out: &mut dyn Write) -> Result<i32, RunError> {
    let rules = match &ctx.rules {
        RuleSource::Dir(dir) => dir.clone(),
        RuleSource::Embedded | RuleSource::Memory(_) => std::path::PathBuf::from("rules"),
    };
    let new = crate::scaffold::NewCode {
        code: args.code.clone(),
        integration: args.integration.clone(),
        kind: args.kind.clone(),
        message: args.message.clone(),
    };
    let path = crate::scaffold::create(&rules, &new)?;
    let code = args.code.trim().to_ascii_uppercase();
    let dir = rules.display();
    writeln!(out, "wrote {}", path.display())?;
    writeln!(out, "next: replace the placeholder sentences, then")?;
    writeln!(out, "  triage --rules {dir} check")?;
    writeln!(
        out,
        "  triage --rules {dir} render help {code} --format text"
    )?;
    Ok(0)
}

fn import(
    ctx: &Context,
    args: &crate::cli::ImportArgs,
    out: &mut dyn Write,
) -> Result<i32, RunError> {
    let options = crate::import::Options {
        paths: args.paths.clone(),
        out: args.out.clone(),
        integration: args.integration.clone(),
        name: args.name.clone(),
        prefix: args.prefix.clone(),
        check_only: args.check,
        force: args.force,
        templates: ctx.templates.clone(),
    };
    let report = crate::import::import(&options).map_err(Error::Import)?;
    write!(out, "{}", crate::import::summary(&report, &options))?;
    Ok(report.exit_code())
}

fn codes(ctx: &Context, args: &CodesArgs, out: &mut dyn Write) -> Result<i32, RunError> {
    let base = ctx.load(&Selection::All)?;
    let found = if args.search.is_empty() {
        base.codes().collect()
    } else {
        recognize::search(&base, &args.search)
    };
    if found.is_empty() && !args.search.is_empty() {
        // Exit 1 is kept for `check` findings: no match is a note, not a failure.
        eprintln!(
            "no code's message or title contains all of: {}; `triage codes` lists them all",
            crate::text::excerpt(&args.search.join(" "), 80)
        );
        return Ok(0);
    }
    for (integration, code) in found {
        writeln!(
            out,
            "{:<8} {:<10} {:<10} {}",
            code.code,
            integration.id,
            code.kind.id(),
            recognize::strip_code_prefix(&code.message)
        )?;
    }
    Ok(0)
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
                    crate::text::printable(&args.target, false),
                    did_you_mean(&args.target, ids.iter().copied())
                        .unwrap_or_else(|| format!("known integrations: {}", ids.join(", ")))
                ))
                .into());
            };
            renderer.faq_integration(integration)?
        }
        document => {
            let (base, id, recognition) = ctx.resolve(&args.target)?;
            let (integration, code) = base
                .code(&id)
                .ok_or_else(|| Error::Input(format!("code {id} vanished")))?;
            match document {
                Document::Help => renderer.help(integration, code)?,
                Document::Faq => renderer.faq(integration, code)?,
                Document::Ticket => {
                    let observed = &args.ticket.observed;
                    let facts = read_facts(observed.facts.as_deref())?;
                    let obs =
                        crate::facts::observations(integration, code, observed, facts.as_ref())?;
                    let (obs, diagnosis, _) =
                        probe::diagnose(integration, code, obs, &args.ticket.probe)?;
                    let input =
                        ticket_input(code, &args.ticket, facts.as_ref(), recognition.as_ref())?;
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

/// Reads `--facts FILE` if given.
pub fn read_facts(path: Option<&std::path::Path>) -> Result<Option<Facts>, Error> {
    path.map(crate::facts::read).transpose()
}

/// The ticket's own inputs: flags, else the facts file, else what the pasted
/// message gave (its values, a report ID).
pub fn ticket_input(
    code: &Code,
    args: &crate::cli::TicketArgs,
    facts: Option<&Facts>,
    recognition: Option<&Recognition>,
) -> Result<TicketInput, Error> {
    let facts_tried = facts.map(|f| f.tried.as_slice()).unwrap_or_default();
    let (tried, tried_from) = if args.tried.is_empty() {
        (facts_tried, facts.map(|f| f.path.as_str()))
    } else {
        (args.tried.as_slice(), None)
    };
    ticket_input_from(
        code,
        TicketInput {
            message: args
                .message
                .clone()
                .or_else(|| facts.and_then(|f| f.message.clone()))
                .or_else(|| pasted_message(code, recognition, args.include_raw_message)),
            attempted_at: None,
            tried: tried.to_vec(),
            report_id: args
                .report_id
                .clone()
                .or_else(|| facts.and_then(|f| f.report_id.clone())),
            captures: recognition.map(|r| r.captures.clone()).unwrap_or_default(),
        },
        match (&args.attempted_at, facts) {
            (Some(t), _) => Some((t.as_str(), None)),
            (None, Some(f)) => f
                .attempted_at
                .as_deref()
                .map(|t| (t, Some(f.path.as_str()))),
            (None, None) => None,
        },
        tried_from,
    )
}

/// The ticket's message from a paste, when its message carries values (a
/// report ID, a record type …) that the canonical message would misstate:
/// the code's message with those values ([`recognize::message`]). With
/// `raw` (`--include-raw-message`), the paste itself, redacted, then cut.
pub fn pasted_message(code: &Code, recognition: Option<&Recognition>, raw: bool) -> Option<String> {
    let r = recognition?;
    if raw {
        return Some(r.pasted.clone());
    }
    if r.captures.is_empty() {
        return None;
    }
    recognize::message::with_values(code, &r.captures)
}

/// Checks the tried fixes and the time (each from a flag, or from the facts
/// file named), and fills the report ID from the captures.
pub fn ticket_input_from(
    code: &Code,
    mut input: TicketInput,
    attempted_at: Option<(&str, Option<&str>)>,
    tried_from: Option<&str>,
) -> Result<TicketInput, Error> {
    if let Some((t, facts_file)) = attempted_at {
        input.attempted_at = Some(parse_time(t).map_err(|e| match facts_file {
            None => e,
            Some(path) => Error::Input(format!(
                "{path}: attempted_at {}",
                e.to_string().trim_start_matches("--attempted-at ")
            )),
        })?);
    }
    for tried in &input.tried {
        if code.procedure(tried).is_none() {
            let ids = code.procedures.iter().map(|p| p.id.as_str());
            return Err(Error::Input(format!(
                "{}unknown fix `{}` for {}; {}",
                tried_from
                    .map(|p| format!("{p}: tried: "))
                    .unwrap_or_default(),
                crate::text::excerpt(tried, 60),
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
    if input.report_id.is_none() {
        input.report_id = input.captures.get("report_id").cloned();
    }
    Ok(input)
}

pub fn parse_time(t: &str) -> Result<jiff::Timestamp, Error> {
    t.trim().parse::<jiff::Timestamp>().map_err(|_| {
        Error::Input(format!(
            "--attempted-at `{}` is not an RFC 3339 time; write it like 2026-11-28T09:30:00Z or 2026-11-28T10:30:00+01:00",
            crate::text::excerpt(t, 60)
        ))
    })
}
