//! `triage check`, and `triage check --explain CODE`.

use std::io::Write;

use crate::Error;
use crate::cli::{CheckArgs, CheckFormat, Context, RunError};
use crate::diag::{Code, Severity};

pub fn run(ctx: &Context, args: &CheckArgs, out: &mut dyn Write) -> Result<i32, RunError> {
    if let Some(code) = &args.explain {
        write!(out, "{}", explain(code)?)?;
        return Ok(0);
    }
    let deny = deny(&args.deny)?;
    let report = crate::check::check_with(&ctx.rules, &ctx.templates, &deny)?;
    match args.format {
        CheckFormat::Json => write!(
            out,
            "{}",
            crate::diag::render::render_json(&report.sources, &report.findings)
        )?,
        CheckFormat::Text => {
            let color = crate::diag::render::stdout_color();
            let files = report.sources.files().len();
            write!(
                out,
                "{}",
                crate::check::heading(&ctx.rules, &ctx.templates, files)
            )?;
            write!(
                out,
                "{}",
                crate::diag::render::render_human(&report.sources, &report.findings, color)
            )?;
            write!(out, "{}", crate::check::summary(&report))?;
        }
    }
    Ok(report.exit_code())
}

/// `--deny warnings` and `--deny R605`: every value a lint or `warnings`.
fn deny(values: &[String]) -> Result<crate::check::config::Deny, Error> {
    let mut deny = crate::check::config::Deny::default();
    for value in values {
        if value.trim().eq_ignore_ascii_case("warnings") {
            deny.warnings = true;
            continue;
        }
        match Code::parse(value) {
            Some(code) if code.severity() == Severity::Warning => deny.lints.push(code),
            Some(code) => {
                return Err(Error::NotALint {
                    code: code.to_string(),
                });
            }
            None => {
                let shown = crate::util::text::printable(value, false);
                let lints = Code::all()
                    .iter()
                    .filter(|c| c.severity() == Severity::Warning)
                    .map(|c| c.as_str());
                let hint = crate::diag::did_you_mean(value.trim(), lints.chain(["warnings"]))
                    .unwrap_or_else(|| "--deny takes `warnings` or a lint's code".into());
                return Err(Error::UnknownFindingCode { code: shown, hint });
            }
        }
    }
    Ok(deny)
}

/// A finding code's entry in the registry, as text; an unknown code is bad input.
fn explain(code: &str) -> Result<String, Error> {
    let Some(code) = Code::parse(code) else {
        let shown = crate::util::text::printable(code, false);
        let hint = crate::diag::did_you_mean(code.trim(), Code::all().iter().map(|c| c.as_str()))
            .unwrap_or_else(|| {
                "finding codes are R001 to R608; docs/authoring.md lists them".into()
            });
        return Err(Error::UnknownFindingCode { code: shown, hint });
    };
    let severity = match code.severity() {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    // The how-to-fix sentence gets a paragraph of its own.
    let paragraphs: Vec<String> = match code.explanation().split_once(" Fix: ") {
        Some((meaning, fix)) => vec![wrap(meaning, 80), wrap(&format!("Fix: {fix}"), 80)],
        None => vec![wrap(code.explanation(), 80)],
    };
    Ok(format!(
        "{code} ({severity}): {}\n\n{}\n",
        code.summary(),
        paragraphs.join("\n\n")
    ))
}

/// Words on lines of at most `width` characters (a longer word stands alone).
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line_len = 0;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if line_len > 0 && line_len + 1 + len > width {
            out.push('\n');
            line_len = 0;
        } else if line_len > 0 {
            out.push(' ');
            line_len += 1;
        }
        out.push_str(word);
        line_len += len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_explains_in_lines_of_80() {
        for c in Code::all() {
            let text = explain(&c.as_str().to_lowercase()).unwrap();
            assert!(text.starts_with(c.as_str()), "{text}");
            assert!(
                text.lines().skip(1).all(|l| l.chars().count() <= 80),
                "{text}"
            );
        }
    }

    #[test]
    fn unknown_codes_are_refused_with_a_suggestion() {
        let err = explain("R0004").unwrap_err().to_string();
        assert!(err.contains("did you mean `R004`?"), "{err}");
    }
}
