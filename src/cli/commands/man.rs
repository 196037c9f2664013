//! `triage man [SUBCOMMAND]`: the roff page of triage or of one subcommand
//! (`triage-diagnose`), with the sections every page shares: exit status,
//! environment and files.

use std::io::Write;

use roff::{Roff, bold, italic, roman};

use crate::Error;
use crate::cli::{Cli, ManArgs, RunError};
use crate::diag::did_you_mean;

pub fn run(args: &ManArgs, out: &mut dyn Write) -> Result<i32, RunError> {
    let man = page(args.subcommand.as_deref())?;
    man.render(out)?;
    common_sections().to_writer(out)?;
    Ok(0)
}

/// The page of triage, or of its subcommand `name` titled `triage-NAME`.
fn page(name: Option<&str>) -> Result<clap_mangen::Man, Error> {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    // Built first, so the subcommands carry the global options and their
    // `triage NAME` usage line.
    cmd.build();
    let Some(name) = name else {
        return Ok(clap_mangen::Man::new(cmd));
    };
    let known: Vec<&str> = cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        .map(|s| s.get_name())
        .collect();
    if !known.contains(&name) {
        return Err(Error::UnknownSubcommand {
            name: name.to_string(),
            suggestion: did_you_mean(name, known.iter().copied()),
        });
    }
    let sub = cmd
        .find_subcommand(name)
        .cloned()
        .ok_or_else(|| Error::UnknownSubcommand {
            name: name.to_string(),
            suggestion: None,
        })?;
    let title = format!("triage-{name}");
    let version = cmd.get_version().unwrap_or_default().to_string();
    let sub = sub
        .display_name(title.clone())
        .bin_name(format!("triage {name}"));
    Ok(clap_mangen::Man::new(sub)
        .title(title)
        .source(format!("triage {version}")))
}

/// EXIT STATUS, ENVIRONMENT and FILES: the same on every page.
fn common_sections() -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", ["EXIT STATUS"]);
    for (status, meaning) in [
        (
            "0",
            "Success (for check, warnings allowed; for probe, whenever the probe ran).",
        ),
        (
            "1",
            "Findings: check found an error in the rules or templates, or import could not map an article or one does not render back exactly.",
        ),
        (
            "2",
            "Bad input or I/O: an unknown code, signal or subcommand, rules with errors, an unreadable file, a failed write.",
        ),
    ] {
        roff.control("TP", [])
            .text([bold(status)])
            .text([roman(meaning)]);
    }
    roff.control("SH", ["ENVIRONMENT"]);
    for name in crate::probe::credentials::VARIABLES {
        let what = if name == crate::probe::credentials::ENV_ACCOUNT_ID {
            "The NetSuite account ID probe and diagnose --probe log in to (--account overrides it)."
        } else {
            "A NetSuite credential for probe and diagnose --probe (or from --credentials FILE); its value is redacted from all output."
        };
        roff.control("TP", [])
            .text([bold(name)])
            .text([roman(what)]);
    }
    roff.control("TP", []).text([bold("NO_COLOR")]).text([roman(
        "When set (and not empty), diagnostics are printed without colour.",
    )]);
    roff.control("SH", ["FILES"]);
    for (path, what) in [
        (
            "rules/<integration>/integration.yaml",
            "An integration: its name, code prefix, signals and house style.",
        ),
        (
            "rules/<integration>/<CODE>.yaml",
            "One error code: its message, causes, procedures and FAQ.",
        ),
        (
            "templates/",
            "Templates replacing the embedded ones of the same name (beside the rules folder found, or --templates DIR).",
        ),
    ] {
        roff.control("TP", [])
            .text([italic(path)])
            .text([roman(what)]);
    }
    roff.control("PP", []).text([roman(
        "The rules come from --rules DIR, else from a rules/ folder holding an integration in the current directory or its nearest ancestor (as cargo finds Cargo.toml), else from the rules embedded in triage.",
    )]);
    roff
}
