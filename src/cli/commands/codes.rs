//! `triage codes`: the known codes, or those matching words.

use std::io::Write;

use crate::cli::{CodesArgs, Context, RunError};
use crate::recognize;
use crate::rules::Selection;

pub fn run(ctx: &Context, args: &CodesArgs, out: &mut dyn Write) -> Result<i32, RunError> {
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
            crate::util::text::excerpt(&args.search.join(" "), 80)
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
