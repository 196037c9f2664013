//! One file per subcommand, each turning its arguments into domain values
//! and printing what the library gives back.

pub mod build;
pub mod check;
pub mod codes;
pub mod diagnose;
pub mod import;
pub mod man;
pub mod new;
pub mod probe;
pub mod render;
pub mod serve;

use std::io::Write;

use super::{Cli, Command, Context, RunError};

/// Runs one command, writing its output to `out`; returns the exit code.
pub fn run(cli: &Cli, out: &mut dyn Write) -> Result<i32, RunError> {
    let ctx = Context::new(cli);
    match &cli.command {
        Command::Codes(args) => codes::run(&ctx, args, out),
        Command::Diagnose(args) => diagnose::run(&ctx, args, out),
        Command::Render(args) => render::run(&ctx, args, out),
        Command::Probe(args) => probe::run(&ctx, args, out),
        Command::Check(args) => check::run(&ctx, args, out),
        Command::Schema => Ok(write!(out, "{}", crate::schema::rules_schema()).map(|_| 0)?),
        Command::New(args) => new::run(&ctx, args, out),
        Command::Import(args) => import::run(&ctx, args, out),
        Command::Completions(args) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            // Into a buffer first: `generate` panics when a write fails, as
            // it does on a closed pipe (`triage completions bash | head`).
            let mut script = Vec::new();
            clap_complete::generate(args.shell, &mut command, "triage", &mut script);
            out.write_all(&script)?;
            Ok(0)
        }
        Command::Man(args) => man::run(args, out),
        Command::Build(args) => build::run(&ctx, args),
        Command::Serve(args) => serve::run(&ctx, args),
    }
}
