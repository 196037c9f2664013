//! `triage new`: a new code's rule file from the scaffold.

use std::io::Write;

use crate::cli::{Context, NewArgs, RunError};
use crate::rules::RuleSource;

pub fn run(ctx: &Context, args: &NewArgs, out: &mut dyn Write) -> Result<i32, RunError> {
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
