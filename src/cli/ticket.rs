//! The ticket's own inputs, from flags, a facts file or a pasted message.

use super::TicketArgs;
use crate::Error;
use crate::diag::did_you_mean;
use crate::facts::Facts;
use crate::recognize::{self, Recognition};
use crate::render::TicketInput;
use crate::rules::Code;

/// Reads `--facts FILE` if given.
pub fn read_facts(path: Option<&std::path::Path>) -> Result<Option<Facts>, Error> {
    Ok(path.map(crate::facts::read).transpose()?)
}

/// The ticket's own inputs: flags, else the facts file, else what the pasted
/// message gave (its values, a report ID).
pub fn ticket_input(
    code: &Code,
    args: &TicketArgs,
    facts: Option<&Facts>,
    recognition: Option<&Recognition>,
) -> Result<TicketInput, Error> {
    let facts_tried = facts.map(|f| f.tried.as_slice()).unwrap_or_default();
    let (tried, tried_from) = if args.tried.is_empty() {
        (facts_tried, facts.map(|f| f.path.as_str()))
    } else {
        (args.tried.as_slice(), None)
    };
    ticket_input_from(
        code,
        TicketInput {
            message: args
                .message
                .clone()
                .or_else(|| facts.and_then(|f| f.message.clone()))
                .or_else(|| pasted_message(code, recognition, args.include_raw_message)),
            attempted_at: None,
            tried: tried.to_vec(),
            report_id: args
                .report_id
                .clone()
                .or_else(|| facts.and_then(|f| f.report_id.clone())),
            captures: recognition.map(|r| r.captures.clone()).unwrap_or_default(),
        },
        match (&args.attempted_at, facts) {
            (Some(t), _) => Some((t.as_str(), None)),
            (None, Some(f)) => f
                .attempted_at
                .as_deref()
                .map(|t| (t, Some(f.path.as_str()))),
            (None, None) => None,
        },
        tried_from,
    )
}

/// The ticket's message from a paste, when its message carries values (a
/// report ID, a record type …) that the canonical message would misstate:
/// the code's message with those values ([`recognize::message`]). With
/// `raw` (`--include-raw-message`), the paste itself, redacted, then cut.
pub fn pasted_message(code: &Code, recognition: Option<&Recognition>, raw: bool) -> Option<String> {
    let r = recognition?;
    if raw {
        return Some(r.pasted.clone());
    }
    if r.captures.is_empty() {
        return None;
    }
    recognize::message::with_values(code, &r.captures)
}

/// Checks the tried fixes and the time (each from a flag, or from the facts
/// file named), and fills the report ID from the captures.
pub fn ticket_input_from(
    code: &Code,
    mut input: TicketInput,
    attempted_at: Option<(&str, Option<&str>)>,
    tried_from: Option<&str>,
) -> Result<TicketInput, Error> {
    if let Some((t, facts_file)) = attempted_at {
        input.attempted_at = Some(parse_time(t).map_err(|_| Error::BadTime {
            value: t.to_string(),
            file: facts_file.map(str::to_string),
        })?);
    }
    for tried in &input.tried {
        if code.procedure(tried).is_none() {
            let ids = code.procedures.iter().map(|p| p.id.as_str());
            return Err(Error::UnknownFix {
                fix: tried.clone(),
                code: code.code.clone(),
                file: tried_from.map(str::to_string),
                suggestion: did_you_mean(tried, ids.clone()),
                fixes: ids.map(str::to_string).collect(),
            });
        }
    }
    if input.report_id.is_none() {
        input.report_id = input.captures.get("report_id").cloned();
    }
    Ok(input)
}

pub fn parse_time(t: &str) -> Result<jiff::Timestamp, Error> {
    t.trim()
        .parse::<jiff::Timestamp>()
        .map_err(|_| Error::BadTime {
            value: t.to_string(),
            file: None,
        })
}
