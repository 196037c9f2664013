//! Dynamic shell completion (`COMPLETE=bash triage`): error codes for the
//! CODE argument of `diagnose` and `render`, signal ids for `--yes`/`--no`,
//! from the rules the command would load.

use std::ffi::OsStr;
use std::path::PathBuf;

use clap_complete::engine::CompletionCandidate;

use super::Context;
use crate::rules::{RuleBase, Selection};

/// The known codes starting with what is typed (in any case).
pub fn codes(current: &OsStr) -> Vec<CompletionCandidate> {
    let typed = current.to_string_lossy();
    let ctx = context(&line());
    let Ok(listing) = crate::rules::load::list(&ctx.rules, &Selection::IntegrationsOnly) else {
        return Vec::new();
    };
    let mut names = listing.code_names;
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter(|c| starts_with_ignoring_case(c, &typed))
        .map(CompletionCandidate::new)
        .collect()
}

/// The signal ids starting with what is typed: those of the code already on
/// the command line when there is one the rules know, else every signal.
pub fn signals(current: &OsStr) -> Vec<CompletionCandidate> {
    let typed = current.to_string_lossy();
    let line = line();
    let ctx = context(&line);
    let code = line
        .iter()
        .skip(2)
        .find(|w| !w.starts_with('-') && crate::recognize::looks_like_code(w));
    let selection = match code {
        Some(c) => Selection::Code(c.trim().to_string()),
        None => Selection::All,
    };
    let Ok((base, _)) = RuleBase::load(&ctx.rules, &selection) else {
        return Vec::new();
    };
    let of_code = code.and_then(|c| {
        base.integrations.iter().find(|i| {
            i.codes
                .iter()
                .any(|k| k.code.eq_ignore_ascii_case(c.trim()))
        })
    });
    let mut ids: Vec<&str> = match of_code {
        Some(integration) => integration.signals.iter().map(|s| s.id.as_str()).collect(),
        None => base
            .integrations
            .iter()
            .flat_map(|i| i.signals.iter().map(|s| s.id.as_str()))
            .collect(),
    };
    ids.sort_unstable();
    ids.dedup();
    ids.into_iter()
        .filter(|s| s.starts_with(typed.as_ref()))
        .map(CompletionCandidate::new)
        .collect()
}

fn starts_with_ignoring_case(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len()
        && s.is_char_boundary(prefix.len())
        && s[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// The words being completed: the shell passes them after `--`.
fn line() -> Vec<String> {
    let args: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    match args.iter().position(|a| a == "--") {
        Some(i) => args[i + 1..].to_vec(),
        None => Vec::new(),
    }
}

/// Where the rules come from, as for the command: `--rules DIR` on the line,
/// else the `rules/` found from the current directory, else the embedded.
fn context(line: &[String]) -> Context {
    let mut rules = None;
    for (i, word) in line.iter().enumerate() {
        if let Some(dir) = word.strip_prefix("--rules=") {
            rules = Some(PathBuf::from(dir));
        } else if word == "--rules"
            && let Some(dir) = line.get(i + 1)
        {
            rules = Some(PathBuf::from(dir));
        }
    }
    Context::from_dirs(rules, None)
}
