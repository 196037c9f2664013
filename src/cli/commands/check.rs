//! `triage check`.

use std::io::Write;

use crate::cli::{CheckArgs, CheckFormat, Context, RunError};

pub fn run(ctx: &Context, args: &CheckArgs, out: &mut dyn Write) -> Result<i32, RunError> {
    let report = crate::check::check(&ctx.rules, &ctx.templates)?;
    match args.format {
        CheckFormat::Json => write!(
            out,
            "{}",
            crate::diag::render::render_json(&report.sources, &report.findings)
        )?,
        CheckFormat::Text => {
            let color = crate::diag::render::stdout_color();
            write!(
                out,
                "{}",
                crate::diag::render::render_human(&report.sources, &report.findings, color)
            )?;
            write!(out, "{}", crate::check::summary(&report))?;
        }
    }
    Ok(report.exit_code())
}
