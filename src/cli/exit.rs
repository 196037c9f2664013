//! The edge of the program: the panic hook, credentials remembered for
//! redaction, the error printed once, and the exit code (0 ok, 1 findings,
//! 2 bad input or I/O).

use std::io::Write;

use super::Cli;
use crate::Error;
use crate::diag::render::{render_human, stderr_color};

/// Runs the command, prints any error once on stderr, returns the exit code.
pub fn main(cli: &Cli) -> i32 {
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
            crate::util::redact::remember(&value);
        }
    }
    let result = std::panic::catch_unwind(|| {
        let stdout = std::io::stdout();
        let mut out = crate::util::redact::Redacting::new(stdout.lock());
        let result = super::commands::run(cli, &mut out);
        let flushed = out.flush();
        result.and_then(|code| flushed.map(|_| code).map_err(RunError::Output))
    });
    let Ok(result) = result else {
        return 2;
    };
    match result {
        Ok(code) => code,
        Err(RunError::Triage(e)) => fail(&describe(&e, stderr_color()), e.exit_code()),
        Err(RunError::Probe(e)) => fail(&e, 2),
        Err(RunError::Import(e)) => fail(&e, 2),
        // A closed pipe (`triage codes | head`) is not a failure.
        Err(RunError::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(RunError::Output(e)) => {
            eprintln!("error: writing output: {e}");
            2
        }
    }
}

/// How a command can end other than with an exit code of its own.
#[derive(Debug)]
pub enum RunError {
    Triage(Error),
    /// The probe could not run: missing credentials, a bad `--base-url`, …
    Probe(crate::probe::Error),
    /// `triage import` could not run: unreadable or duplicate articles, …
    Import(crate::import::ImportError),
    Output(std::io::Error),
}

impl From<crate::probe::Error> for RunError {
    fn from(e: crate::probe::Error) -> Self {
        RunError::Probe(e)
    }
}

impl From<crate::import::ImportError> for RunError {
    fn from(e: crate::import::ImportError) -> Self {
        RunError::Import(e)
    }
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

/// The error as the command line shows it: the findings of
/// [`Error::Rules`] rendered with their labels (in colour when `color`),
/// any other error as its message.
pub fn describe(e: &Error, color: bool) -> String {
    match e {
        Error::Rules { sources, findings } => format!(
            "{}:\n{}",
            crate::error::RULES_HEADLINE,
            render_human(sources, findings, color)
        ),
        e => e.to_string(),
    }
}

/// Prints the error once, with any credential the run knows redacted.
fn fail(e: &dyn std::fmt::Display, code: i32) -> i32 {
    eprintln!(
        "error: {}",
        crate::util::redact::known_values(&e.to_string())
    );
    code
}
