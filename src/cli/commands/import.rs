//! `triage import`: a help center's articles into rules.

use std::io::Write;

use crate::cli::{Context, ImportArgs, RunError};

pub fn run(ctx: &Context, args: &ImportArgs, out: &mut dyn Write) -> Result<i32, RunError> {
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
    let report = crate::import::import(&options)?;
    write!(out, "{}", crate::import::summary(&report, &options))?;
    Ok(report.exit_code())
}
