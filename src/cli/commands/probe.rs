//! `triage probe <integration>`.

use std::io::Write;

use crate::cli::{Context, ProbeCommandArgs, ProbeFormat, ProbeTarget, RunError};
use crate::probe::run::{block, run as probe, to_json};
use crate::rules::{Integration, RuleBase, Selection};

/// `triage probe <integration>`: exits 0 whenever the probe ran, whatever it found.
pub fn run(ctx: &Context, args: &ProbeCommandArgs, out: &mut dyn Write) -> Result<i32, RunError> {
    let base = ctx.load(&Selection::IntegrationsOnly)?;
    let integration = integration(&base, args.integration)?;
    let report = probe(integration, &args.options.settings())?;
    match args.format {
        ProbeFormat::Json => writeln!(out, "{}", to_json(&report)?)?,
        ProbeFormat::Text => {
            write!(out, "{}", block(integration, &report, None, false))?;
            writeln!(
                out,
                "\nTo use these signals in a diagnosis: triage diagnose <CODE> --probe {}",
                args.integration.id()
            )?;
        }
    }
    Ok(0)
}

fn integration(base: &RuleBase, target: ProbeTarget) -> Result<&Integration, crate::Error> {
    base.integration(target.id())
        .ok_or_else(|| crate::Error::NoIntegrationToProbe {
            id: target.id().to_string(),
        })
}
