//! What a command needs loaded: where the rules and templates come from, the
//! rule base, and the code a target names or a pasted message shows.

use super::Cli;
use crate::Error;
use crate::diag::did_you_mean;
use crate::recognize::{self, Recognition};
use crate::render::TemplateSource;
use crate::rules::{RuleBase, RuleSource, Selection};

/// The nearest `rules/` folder holding an integration (`*/integration.yaml`),
/// from `dir` up.
pub fn find_rules(dir: &std::path::Path) -> Option<std::path::PathBuf> {
    dir.ancestors().map(|d| d.join("rules")).find(|rules| {
        std::fs::read_dir(rules).is_ok_and(|entries| {
            entries
                .flatten()
                .any(|e| e.path().join("integration.yaml").is_file())
        })
    })
}

/// Where rules and templates come from for this run.
pub struct Context {
    pub rules: RuleSource,
    pub templates: TemplateSource,
}

impl Context {
    /// `--rules`, else a `rules/` folder in the current directory or an
    /// ancestor (as cargo finds `Cargo.toml`), else the embedded rules; the
    /// templates likewise: `--templates`, else `templates/` beside the rules
    /// found, else the embedded ones.
    pub fn new(cli: &Cli) -> Context {
        let found = match &cli.rules {
            Some(_) => None,
            None => std::env::current_dir().ok().and_then(|d| find_rules(&d)),
        };
        let beside = found
            .as_ref()
            .and_then(|r| r.parent())
            .map(|p| p.join("templates"))
            .filter(|t| t.is_dir());
        Context {
            rules: cli
                .rules
                .clone()
                .or(found)
                .map_or(RuleSource::Embedded, RuleSource::Dir),
            templates: cli
                .templates
                .clone()
                .or(beside)
                .map_or(TemplateSource::Embedded, TemplateSource::Dir),
        }
    }

    /// Loads and validates; any error finding stops the command (exit 2).
    pub fn load(&self, selection: &Selection) -> Result<RuleBase, Error> {
        let (base, findings) = RuleBase::load(&self.rules, selection)?;
        if findings.iter().any(|f| f.is_error()) {
            let errors: Vec<_> = findings.into_iter().filter(|f| f.is_error()).collect();
            return Err(Error::Rules(crate::diag::render::render_human(
                &base.sources,
                &errors,
                crate::diag::render::stderr_color(),
            )));
        }
        Ok(base)
    }

    /// The rule base holding the code named or recognised in `target`, the
    /// code's id, and what recognising a pasted message found (`None` for a
    /// bare code). A note goes to stderr when the text was too long to
    /// examine whole.
    pub fn resolve(&self, target: &str) -> Result<(RuleBase, String, Option<Recognition>), Error> {
        if recognize::looks_like_code(target) {
            let base = self.load(&Selection::Code(target.trim().to_string()))?;
            if let Some((_, code)) = base.code(target.trim()) {
                let id = code.code.clone();
                return Ok((base, id, None));
            }
            let loaded = crate::rules::load::list(&self.rules, &Selection::Code(String::new()))?;
            return Err(Error::UnknownCode {
                code: target.trim().to_string(),
                suggestion: did_you_mean(
                    target.trim(),
                    loaded.code_names.iter().map(String::as_str),
                ),
            });
        }
        let base = self.load(&Selection::All)?;
        match recognize::recognize(&base, target) {
            Some(r) => {
                if r.truncated {
                    eprintln!("{}", recognize::truncation_note(target.len()));
                }
                let code = r.code.clone();
                Ok((base, code, Some(r)))
            }
            None => Err(unrecognised(&base, target)),
        }
    }

    /// The integration with every one of its codes, for leads, when `base`
    /// holds only some of them (`None`: `base` has them all already). Codes
    /// whose rules have errors are left out rather than failing the
    /// diagnosis of this one.
    pub fn siblings(
        &self,
        base: &RuleBase,
        integration: &str,
    ) -> Option<crate::rules::Integration> {
        if base
            .integrations
            .iter()
            .any(|i| i.id == integration && i.codes.len() > 1)
        {
            return None;
        }
        let (all, _) = RuleBase::load(&self.rules, &Selection::All).ok()?;
        all.integrations.into_iter().find(|i| i.id == integration)
    }
}

/// No code matched: the nearest codes by message, or where to look.
fn unrecognised(base: &RuleBase, target: &str) -> Error {
    let near = recognize::nearest(base, target, 3);
    let hint = if near.is_empty() {
        "run `triage codes` to see the known codes, or `triage codes --search WORDS`".to_string()
    } else {
        let list: Vec<String> = near
            .iter()
            .map(|(c, m)| format!("{c} — {}", recognize::first_clause(m)))
            .collect();
        format!("did you mean {}?", list.join(", or "))
    };
    let cut = if recognize::examined(target).1 {
        let note = recognize::truncation_note(target.len());
        format!(" ({})", note.trim_start_matches("note: "))
    } else {
        String::new()
    };
    Error::Input(format!(
        "no known error message found in the text given{cut}; {hint}"
    ))
}
