//! Errors a command can end with. Findings about rules are data
//! ([`crate::diag::Finding`]); they become an error only when a command
//! other than `check` cannot go on with the rule base.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// Bad input from the user: the message says what and what to do.
    #[error("{0}")]
    Input(String),
    /// The rule base has errors; the text is the rendered findings.
    #[error("the rules have errors; fix them and run again (`triage check` lists them all):\n{0}")]
    Rules(String),
    #[error("unknown code `{code}`{}", suggestion_suffix(.suggestion))]
    UnknownCode {
        code: String,
        suggestion: Option<String>,
    },
    #[error("unknown signal `{signal}` for {code}{}", suggestion_suffix(.suggestion))]
    UnknownSignal {
        signal: String,
        code: String,
        suggestion: Option<String>,
    },
    #[error("template `{name}`: {message}")]
    Template { name: String, message: String },
}

fn suggestion_suffix(s: &Option<String>) -> String {
    match s {
        Some(s) => format!(": {s}"),
        None => String::new(),
    }
}

impl Error {
    /// The process exit code for this error: 2 for bad input or I/O.
    pub fn exit_code(&self) -> i32 {
        2
    }
}
