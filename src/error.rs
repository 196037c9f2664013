//! Errors a command can end with. Findings about rules are data
//! ([`crate::diag::Finding`]); they become an error only when a command
//! other than `check` cannot go on with the rule base.
//!
//! Every variant carries what went wrong (names, paths, values, the
//! suggestion) and its wording is here, in the `#[error]` attributes. The
//! error families of one module have their own enum, re-exported beside the
//! module's code (`rules::LoadError`, `facts::FactsError`,
//! `scaffold::ScaffoldError`, `site::OutputError`); they live in this layer
//! so that [`Error`] can wrap them without using a layer above it.

use std::path::PathBuf;

use thiserror::Error;

use crate::diag::{Finding, Sources};

mod facts;
mod load;
mod output;
mod scaffold;

pub use facts::FactsError;
pub use load::LoadError;
pub use output::OutputError;
pub use scaffold::ScaffoldError;

/// The first line of [`Error::Rules`]; the findings follow it.
pub const RULES_HEADLINE: &str =
    "the rules have errors; fix them and run again (`triage check` lists them all)";

#[derive(Debug, Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// Reading the rule files: a bad `--rules` folder, link or file.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// Reading a facts file, or facts that contradict each other.
    #[error(transparent)]
    Facts(#[from] FactsError),
    /// `triage new` refused what it was asked for.
    #[error(transparent)]
    Scaffold(#[from] ScaffoldError),
    /// `--out` cannot be built into, or changed while the build ran.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// The rule base has errors: `findings` are its error findings, about
    /// files in `sources`. Shown as plain text here; the command line
    /// renders them with labels and colour (`cli::exit`).
    #[error("{RULES_HEADLINE}:\n{}", crate::diag::render::render_plain(.sources, .findings))]
    Rules {
        sources: Box<Sources>,
        findings: Vec<Finding>,
    },
    #[error("unknown code `{code}`{}", suggestion_suffix(.suggestion))]
    UnknownCode {
        code: String,
        suggestion: Option<String>,
    },
    /// `man NAME` of a subcommand triage does not have.
    #[error("no subcommand `{name}` for a man page{}", suggestion_suffix(.suggestion))]
    UnknownSubcommand {
        name: String,
        suggestion: Option<String>,
    },
    /// `check --explain` of a code the finding registry lacks.
    #[error("unknown finding code `{code}`: {hint}")]
    UnknownFindingCode { code: String, hint: String },
    /// A ticket's `--message` is another code's message: the ticket would contradict itself.
    #[error(
        "the message given is {other}'s, not {code}'s: a ticket for {code} quoting it would contradict itself; render the ticket of {other} (`triage render ticket {other}`), or keep the message with --force"
    )]
    MessageOfAnotherCode { code: String, other: String },
    /// `--deny` of an error's code: errors are errors already.
    #[error("--deny {code}: {code} is an error already; --deny takes `warnings` or a lint's code")]
    NotALint { code: String },
    /// A signal the code's integration does not have; `place` is where a
    /// facts file named it (`None` for a flag).
    #[error("{}unknown signal `{signal}` for {code}{}", place_prefix(.place), suggestion_suffix(.suggestion))]
    UnknownSignal {
        place: Option<Place>,
        signal: String,
        code: String,
        suggestion: Option<String>,
    },
    /// No integration with this id (`render faq <integration>`).
    #[error(
        "unknown integration `{}`; {}",
        crate::util::text::printable(.id, false),
        or_known(.suggestion, "known integrations", .known)
    )]
    UnknownIntegration {
        id: String,
        suggestion: Option<String>,
        known: Vec<String>,
    },
    /// `triage probe` for an integration the rules do not hold.
    #[error("the rules have no integration `{id}` to probe")]
    NoIntegrationToProbe { id: String },
    /// A pasted message matched no code: `near` are the nearest codes with
    /// the first clause of their message; `truncated` the note when the text
    /// was too long to examine whole.
    #[error(
        "no known error message found in the text given{}; {}",
        .truncated.as_ref().map(|n| format!(" ({n})")).unwrap_or_default(),
        near_hint(.near)
    )]
    Unrecognised {
        near: Vec<(String, String)>,
        truncated: Option<String>,
    },
    #[error(
        "nothing to diagnose: give a code (NS0109) or the error message, `-` to read it from stdin, or a --facts file with `message:`"
    )]
    NothingToDiagnose,
    #[error(
        "--interactive reads answers from stdin, so the message cannot come from there too; pass it as an argument or in --facts"
    )]
    InteractiveFromStdin,
    #[error(
        "--interactive asks questions on a terminal, and stdin is not one; give what is known with --yes/--no or --facts FILE instead"
    )]
    InteractiveWithoutTerminal,
    /// An attempted-at time that is not RFC 3339, from `--attempted-at` or
    /// from the facts file `file`.
    #[error(
        "{} `{}` is not an RFC 3339 time; write it like 2026-11-28T09:30:00Z or 2026-11-28T10:30:00+01:00",
        .file.as_ref().map_or_else(|| "--attempted-at".to_string(), |f| format!("{f}: attempted_at")),
        crate::util::text::excerpt(.value, 60)
    )]
    BadTime { value: String, file: Option<String> },
    /// A tried fix the code does not have, from `--tried` or from the facts
    /// file `file`; `fixes` are the code's own.
    #[error(
        "{}unknown fix `{}` for {code}; {}",
        .file.as_ref().map(|f| format!("{f}: tried: ")).unwrap_or_default(),
        crate::util::text::excerpt(.fix, 60),
        or_known(.suggestion, "its fixes are", .fixes)
    )]
    UnknownFix {
        fix: String,
        code: String,
        file: Option<String>,
        suggestion: Option<String>,
        fixes: Vec<String>,
    },
    #[error("cannot listen on 127.0.0.1:{port}: {source}; choose another port with --port")]
    CannotListen {
        port: u16,
        #[source]
        source: std::io::Error,
    },
    /// `serve --out` inside a folder serve watches.
    #[error(
        "--out {} is inside {}, which serve watches: every build would start another; build somewhere else",
        .out.display(),
        .folder.display()
    )]
    OutInsideWatched { out: PathBuf, folder: PathBuf },
    /// Writing JSON failed (it does not, for the values triage writes).
    #[error("{0}")]
    Json(#[source] serde_json::Error),
    #[error("template `{name}`: {message}")]
    Template { name: String, message: String },
}

/// Where in a file something was named; line 0 when the place is not known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub file: String,
    pub line: u64,
    pub column: u64,
}

impl std::fmt::Display for Place {
    /// `file:line:col`, or `file` when the line is not known.
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.file)
        } else {
            write!(f, "{}:{}:{}", self.file, self.line, self.column)
        }
    }
}

fn place_prefix(place: &Option<Place>) -> String {
    place.as_ref().map(|p| format!("{p}: ")).unwrap_or_default()
}

fn suggestion_suffix(s: &Option<String>) -> String {
    match s {
        Some(s) => format!(": {s}"),
        None => String::new(),
    }
}

/// The suggestion, else `what: a, b, c`.
fn or_known(suggestion: &Option<String>, what: &str, known: &[String]) -> String {
    match suggestion {
        Some(s) => s.clone(),
        None => format!("{what}: {}", known.join(", ")),
    }
}

fn near_hint(near: &[(String, String)]) -> String {
    if near.is_empty() {
        return "run `triage codes` to see the known codes, or `triage codes --search WORDS`"
            .to_string();
    }
    let list: Vec<String> = near.iter().map(|(c, m)| format!("{c} — {m}")).collect();
    format!("did you mean {}?", list.join(", or "))
}

impl Error {
    /// The process exit code for this error: 2 for bad input or I/O, which
    /// every error is today.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Io { .. }
            | Error::Load(_)
            | Error::Facts(_)
            | Error::Scaffold(_)
            | Error::Output(_)
            | Error::Rules { .. }
            | Error::UnknownCode { .. }
            | Error::UnknownFindingCode { .. }
            | Error::NotALint { .. }
            | Error::MessageOfAnotherCode { .. }
            | Error::UnknownSubcommand { .. }
            | Error::UnknownSignal { .. }
            | Error::UnknownIntegration { .. }
            | Error::NoIntegrationToProbe { .. }
            | Error::Unrecognised { .. }
            | Error::NothingToDiagnose
            | Error::InteractiveFromStdin
            | Error::InteractiveWithoutTerminal
            | Error::BadTime { .. }
            | Error::UnknownFix { .. }
            | Error::CannotListen { .. }
            | Error::OutInsideWatched { .. }
            | Error::Json(_)
            | Error::Template { .. } => 2,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_exits_2() {
        let errors = [
            Error::NothingToDiagnose,
            Error::Load(LoadError::NotAFolder {
                dir: PathBuf::from("x"),
            }),
            Error::UnknownCode {
                code: "NS9".into(),
                suggestion: None,
            },
        ];
        assert!(errors.iter().all(|e| e.exit_code() == 2));
    }

    #[test]
    fn unknown_signal_names_the_place_when_a_file_gave_it() {
        let mut e = Error::UnknownSignal {
            place: None,
            signal: "tokn".into(),
            code: "NS0109".into(),
            suggestion: Some("did you mean `token`?".into()),
        };
        assert_eq!(
            e.to_string(),
            "unknown signal `tokn` for NS0109: did you mean `token`?"
        );
        if let Error::UnknownSignal { place, .. } = &mut e {
            *place = Some(Place {
                file: "f.yaml".into(),
                line: 2,
                column: 1,
            });
        }
        assert!(e.to_string().starts_with("f.yaml:2:1: unknown signal"));
        let unplaced = Place {
            file: "f.yaml".into(),
            line: 0,
            column: 0,
        };
        assert_eq!(unplaced.to_string(), "f.yaml");
    }

    #[test]
    fn unrecognised_suggests_near_codes_or_where_to_look() {
        let none = Error::Unrecognised {
            near: vec![],
            truncated: None,
        };
        assert!(
            none.to_string()
                .ends_with("or `triage codes --search WORDS`")
        );
        let near = Error::Unrecognised {
            near: vec![
                ("NS0109".into(), "Failed to login".into()),
                ("NS0110".into(), "Token expired".into()),
            ],
            truncated: Some("only the first 8 KiB were examined".into()),
        };
        assert_eq!(
            near.to_string(),
            "no known error message found in the text given (only the first 8 KiB were examined); \
             did you mean NS0109 — Failed to login, or NS0110 — Token expired?"
        );
    }

    #[test]
    fn bad_time_and_unknown_fix_say_which_file_gave_them() {
        let flag = Error::BadTime {
            value: "soon".into(),
            file: None,
        };
        assert!(flag.to_string().starts_with("--attempted-at `soon` is not"));
        let file = Error::BadTime {
            value: "soon".into(),
            file: Some("facts.yaml".into()),
        };
        assert!(
            file.to_string()
                .starts_with("facts.yaml: attempted_at `soon` is not")
        );
        let fix = Error::UnknownFix {
            fix: "retry".into(),
            code: "NS0109".into(),
            file: Some("facts.yaml".into()),
            suggestion: None,
            fixes: vec!["a".into(), "b".into()],
        };
        assert_eq!(
            fix.to_string(),
            "facts.yaml: tried: unknown fix `retry` for NS0109; its fixes are: a, b"
        );
    }

    #[test]
    fn unknown_integration_suggests_or_lists() {
        let e = Error::UnknownIntegration {
            id: "netsuit".into(),
            suggestion: Some("did you mean `netsuite`?".into()),
            known: vec!["netsuite".into()],
        };
        assert_eq!(
            e.to_string(),
            "unknown integration `netsuit`; did you mean `netsuite`?"
        );
    }
}
