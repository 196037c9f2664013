//! What a command needs loaded: where the rules and templates come from, the
//! rule base, and the code a target names or a pasted message shows.

use std::sync::atomic::{AtomicBool, Ordering};

use super::{Cli, Command, DiagnoseFormat};
use crate::Error;
use crate::diag::did_you_mean;
use crate::recognize::{self, Recognition};
use crate::render::TemplateSource;
use crate::rules::{Code, Integration, RuleBase, RuleSource, Selection, pipeline};

/// `found` (the cwd or an ancestor of it, joined with `rules`) as a path
/// relative to `cwd`, as a writer would type it: `rules`, `../rules`.
fn relative_to(found: &std::path::Path, cwd: &std::path::Path) -> std::path::PathBuf {
    let Some(base) = found.parent() else {
        return found.to_path_buf();
    };
    match cwd.strip_prefix(base) {
        Ok(down) => {
            let mut path: std::path::PathBuf = down.components().map(|_| "..").collect();
            path.push(found.file_name().unwrap_or_default());
            path
        }
        Err(_) => found.to_path_buf(),
    }
}

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
    /// Set: the next [`Context::load`] names the rules on stderr ("using
    /// rules/ (6 files)"), then clears it, so a command that loads twice
    /// says it once.
    pub name_rules: AtomicBool,
}

/// Whether a command names the rules it reads on stderr: the human output
/// of `codes`, `diagnose` and `render`. `check` and `build` name them in
/// lines of their own; JSON is for programs, whose stderr carries only problems.
fn names_rules(command: &Command) -> bool {
    match command {
        Command::Codes(_) | Command::Render(_) => true,
        Command::Diagnose(args) => args.format != DiagnoseFormat::Json,
        _ => false,
    }
}

/// The line naming the rules a command reads: `using rules/ (6 files)`;
/// the embedded rules need no count.
fn using(rules: &RuleSource, listed: usize) -> String {
    let named = crate::check::rules_named(rules);
    match rules {
        RuleSource::Dir(_) => {
            let plural = if listed == 1 { "" } else { "s" };
            format!("using {named} ({listed} file{plural})")
        }
        _ => format!("using {named}"),
    }
}

impl Context {
    /// `--rules`, else a `rules/` folder in the current directory or an
    /// ancestor (as cargo finds `Cargo.toml`), else the embedded rules; the
    /// templates likewise: `--templates`, else `templates/` beside the rules
    /// found, else the embedded ones.
    pub fn new(cli: &Cli) -> Context {
        let ctx = Context::from_dirs(cli.rules.clone(), cli.templates.clone());
        ctx.name_rules
            .store(names_rules(&cli.command), Ordering::Relaxed);
        ctx
    }

    /// [`Context::new`] from the `--rules` and `--templates` folders given.
    pub fn from_dirs(
        rules: Option<std::path::PathBuf>,
        templates: Option<std::path::PathBuf>,
    ) -> Context {
        let found = match &rules {
            Some(_) => None,
            None => std::env::current_dir()
                .ok()
                .and_then(|d| find_rules(&d).map(|r| relative_to(&r, &d))),
        };
        let beside = found
            .as_ref()
            .and_then(|r| r.parent())
            .map(|p| p.join("templates"))
            .filter(|t| t.is_dir());
        Context::of(
            rules
                .or(found)
                .map_or(RuleSource::Embedded, RuleSource::Dir),
            templates
                .or(beside)
                .map_or(TemplateSource::Embedded, TemplateSource::Dir),
        )
    }

    /// These rules and templates, named on no load.
    pub fn of(rules: RuleSource, templates: TemplateSource) -> Context {
        Context {
            rules,
            templates,
            name_rules: AtomicBool::new(false),
        }
    }

    /// Loads and validates; any error finding stops the command (exit 2).
    /// The rules are named first when [`Context::name_rules`] says so, before
    /// their errors too.
    pub fn load(&self, selection: &Selection) -> Result<RuleBase, Error> {
        self.load_each(selection, &mut |_| (), &mut |batch| batch.integrations)
    }

    /// [`Context::load`], telling `listed` how many code files there are
    /// once they are listed, and handing the integrations to `keep` a batch
    /// at a time as soon as they are validated ([`pipeline::load_each`]);
    /// the rule base holds those it gives back. An error in any file is the
    /// load's error, whatever `keep` did.
    pub fn load_each(
        &self,
        selection: &Selection,
        listed: &mut dyn FnMut(usize),
        keep: &mut dyn FnMut(pipeline::Batch) -> Vec<Integration>,
    ) -> Result<RuleBase, Error> {
        let listing = crate::rules::load::list(&self.rules, selection)?;
        if self.name_rules.swap(false, Ordering::Relaxed) {
            eprintln!("{}", using(&self.rules, listing.listed()));
        }
        listed(listing.code_names.len());
        let loaded = pipeline::load_each(listing, &pipeline::NoLints, keep);
        let (base, findings) = (loaded.base, loaded.findings);
        if findings.iter().any(|f| f.is_error()) {
            return Err(Error::Rules {
                sources: Box::new(base.sources),
                findings: findings.into_iter().filter(|f| f.is_error()).collect(),
            });
        }
        Ok(base)
    }

    /// The rule base holding the code named or recognised in `target`, with
    /// what recognising a pasted message found (`None` for a bare code). A
    /// note goes to stderr when the text was too long to examine whole.
    pub fn resolve(&self, target: &str) -> Result<Resolved, Error> {
        if recognize::looks_like_code(target) {
            let base = self.load(&Selection::Code(target.trim().to_string()))?;
            if let Some(resolved) = Resolved::new(base, target.trim(), None) {
                return Ok(resolved);
            }
            let loaded = crate::rules::load::list(&self.rules, &Selection::IntegrationsOnly)?;
            return Err(Error::UnknownCode {
                code: target.trim().to_string(),
                suggestion: did_you_mean(
                    target.trim(),
                    loaded.code_names.iter().map(String::as_str),
                ),
            });
        }
        let base = self.load(&Selection::All)?;
        let Some(r) = recognize::recognize(&base, target) else {
            return Err(unrecognised(&base, target));
        };
        if r.truncated {
            eprintln!("{}", recognize::truncation_note(target.len()));
        }
        let id = r.code.clone();
        Resolved::new(base, &id, Some(r)).ok_or(Error::UnknownCode {
            code: id,
            suggestion: None,
        })
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

/// The rule base a command runs on, and the one code in it that the target
/// named or a pasted message showed.
pub struct Resolved {
    pub base: RuleBase,
    /// What recognising a pasted message found; `None` for a bare code.
    pub recognition: Option<Recognition>,
    /// Where the code is in `base`: `integrations[integration].codes[code]`.
    integration: usize,
    code: usize,
}

impl Resolved {
    /// `None` when `base` has no code `id` (ignoring case).
    fn new(base: RuleBase, id: &str, recognition: Option<Recognition>) -> Option<Resolved> {
        let (integration, code) = base.integrations.iter().enumerate().find_map(|(i, int)| {
            let c = int
                .codes
                .iter()
                .position(|c| c.code.eq_ignore_ascii_case(id))?;
            Some((i, c))
        })?;
        Some(Resolved {
            base,
            recognition,
            integration,
            code,
        })
    }

    /// The code and its integration.
    pub fn code(&self) -> (&Integration, &Code) {
        // The indices were found in this base, which is never changed.
        let integration = &self.base.integrations[self.integration];
        (integration, &integration.codes[self.code])
    }
}

/// No code matched: the nearest codes by message, or where to look.
fn unrecognised(base: &RuleBase, target: &str) -> Error {
    let near = recognize::nearest(base, target, 3)
        .iter()
        .map(|(c, m)| (c.to_string(), recognize::first_clause(m).to_string()))
        .collect();
    let truncated = recognize::examined(target).1.then(|| {
        let note = recognize::truncation_note(target.len());
        note.trim_start_matches("note: ").to_string()
    });
    Error::Unrecognised { near, truncated }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn found_rules_are_shown_as_a_writer_types_them() {
        use std::path::Path;
        let rel = |found: &str, cwd: &str| relative_to(Path::new(found), Path::new(cwd));
        assert_eq!(rel("/c/rules", "/c"), Path::new("rules"));
        assert_eq!(
            rel("/c/rules", "/c/rules/netsuite"),
            Path::new("../../rules")
        );
        assert_eq!(rel("/c/rules", "/elsewhere"), Path::new("/c/rules"));
    }

    fn context(rules: RuleSource) -> Context {
        Context::of(rules, TemplateSource::Embedded)
    }

    #[test]
    fn the_rules_are_named_with_the_files_a_folder_holds() {
        let dir = RuleSource::Dir("../rules".into());
        assert_eq!(using(&dir, 6), "using ../rules/ (6 files)");
        assert_eq!(using(&dir, 1), "using ../rules/ (1 file)");
        assert_eq!(using(&RuleSource::Embedded, 6), "using the embedded rules");
    }

    #[test]
    fn resolve_gives_the_code_named_in_any_case() {
        let ctx = context(RuleSource::Embedded);
        let resolved = ctx.resolve(" ns0109 ").unwrap();
        let (integration, code) = resolved.code();
        assert_eq!(
            (integration.id.as_str(), code.code.as_str()),
            ("netsuite", "NS0109")
        );
        assert!(resolved.recognition.is_none());
        let unknown = ctx.resolve("NS0108").err().unwrap();
        assert!(matches!(unknown, Error::UnknownCode { .. }), "{unknown}");
    }

    #[test]
    fn resolve_gives_the_code_a_message_shows() {
        let ctx = context(RuleSource::Embedded);
        let resolved = ctx
            .resolve("NS0109 Sync Error: Failed to login to NetSuite.")
            .unwrap();
        assert_eq!(resolved.code().1.code, "NS0109");
        assert!(resolved.recognition.is_some());
    }

    #[test]
    fn rule_errors_keep_their_findings_until_shown() {
        let ctx = context(RuleSource::Memory(vec![(
            "broken/integration.yaml".into(),
            "id: [unclosed".into(),
        )]));
        let Err(e) = ctx.load(&Selection::All) else {
            panic!("a broken integration file loads")
        };
        let Error::Rules { sources, findings } = &e else {
            panic!("not a rules error: {e}")
        };
        assert!(!findings.is_empty() && findings.iter().all(|f| f.is_error()));
        let plain = e.to_string();
        assert!(plain.starts_with(crate::error::RULES_HEADLINE), "{plain}");
        assert!(
            plain.contains("rules/broken/integration.yaml:1:"),
            "{plain}"
        );
        let shown = crate::cli::exit::describe(&e, false);
        assert_eq!(
            shown,
            format!(
                "{}:\n{}",
                crate::error::RULES_HEADLINE,
                crate::diag::render::render_human(sources, findings, false)
            )
        );
    }
}
