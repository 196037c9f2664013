//! `triage render help|faq|ticket`.

use std::io::Write;

use crate::Error;
use crate::cli::ticket::{read_facts, ticket_input};
use crate::cli::{Context, Document, RenderArgs, RenderFormat, RunError};
use crate::diag::did_you_mean;
use crate::probe::run as probe;
use crate::recognize;
use crate::render::Renderer;
use crate::rules::Selection;

pub fn run(ctx: &Context, args: &RenderArgs, out: &mut dyn Write) -> Result<i32, RunError> {
    let renderer = Renderer::new(&ctx.templates)?;
    let markdown = match args.document {
        Document::Faq if !recognize::looks_like_code(&args.target) => {
            let base = ctx.load(&Selection::All)?;
            let Some(integration) = base.integration(args.target.trim()) else {
                let ids = base.integrations.iter().map(|i| i.id.as_str());
                return Err(Error::UnknownIntegration {
                    id: args.target.clone(),
                    suggestion: did_you_mean(&args.target, ids.clone()),
                    known: ids.map(str::to_string).collect(),
                }
                .into());
            };
            renderer.faq_integration(integration)?
        }
        document => {
            let resolved = ctx.resolve(&args.target)?;
            let recognition = &resolved.recognition;
            let (integration, code) = resolved.code();
            match document {
                Document::Help => renderer.help(integration, code)?,
                Document::Faq => renderer.faq(integration, code)?,
                Document::Ticket => {
                    let observed = &args.ticket.observed;
                    let facts = read_facts(observed.facts.as_deref())?;
                    let obs = crate::facts::observations(
                        integration,
                        code,
                        &observed.yes,
                        &observed.no,
                        facts.as_ref(),
                    )?;
                    let (obs, diagnosis, _) =
                        probe::diagnose(integration, code, obs, &args.ticket.probe.request())?;
                    let input =
                        ticket_input(code, &args.ticket, facts.as_ref(), recognition.as_ref())?;
                    if !args.ticket.force {
                        other_codes_message(ctx, code, input.message.as_deref())?;
                    }
                    renderer.ticket(integration, code, &diagnosis, &obs, &input)?
                }
            }
        }
    };
    match args.format {
        RenderFormat::Md => write!(out, "{markdown}")?,
        RenderFormat::Text => write!(out, "{}", crate::util::text::markdown_to_text(&markdown))?,
    }
    Ok(0)
}

/// Refuses a ticket message recognised as another code's: "confirmed NS0109"
/// under an NS0739 message contradicts itself.
fn other_codes_message(
    ctx: &Context,
    code: &crate::rules::Code,
    message: Option<&str>,
) -> Result<(), Error> {
    let Some(message) = message else {
        return Ok(());
    };
    let all = ctx.load(&Selection::All)?;
    match recognize::recognize(&all, message) {
        Some(r) if !r.code.eq_ignore_ascii_case(&code.code) => Err(Error::MessageOfAnotherCode {
            code: code.code.clone(),
            other: r.code,
        }),
        _ => Ok(()),
    }
}
