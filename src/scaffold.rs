//! `triage new`: a new code's rule file from a scaffold that passes
//! `triage check` as written, so a writer starts from green and edits.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::Error;
use crate::diag::did_you_mean;
pub use crate::error::ScaffoldError;
use crate::recognize::{looks_like_code, normalize, strip_code_prefix};
use crate::rules::raw::RawIntegration;
use crate::rules::{Integration, Kind, RuleBase, RuleSource, Selection};

/// What the writer asked for.
#[derive(Debug, Clone)]
pub struct NewCode {
    pub code: String,
    pub integration: String,
    pub kind: String,
    pub message: String,
}

/// Writes `<rules>/<integration>/<CODE>.yaml`; returns its path.
/// Refuses an existing code, an unknown integration or kind, and a code
/// without the integration's prefix.
pub fn create(rules: &Path, new: &NewCode) -> Result<PathBuf, Error> {
    let code = new.code.trim().to_ascii_uppercase();
    if !looks_like_code(&code) {
        return Err(ScaffoldError::NotACode {
            code: new.code.clone(),
        }
        .into());
    }
    let kind = Kind::parse(new.kind.trim()).ok_or_else(|| ScaffoldError::NotAKind {
        kind: new.kind.clone(),
    })?;
    let message = new.message.trim();
    if message.is_empty() {
        return Err(ScaffoldError::EmptyMessage.into());
    }
    if message.contains(char::is_control) {
        return Err(ScaffoldError::MessageNotOneLine.into());
    }
    let source = RuleSource::Dir(rules.to_path_buf());
    let (base, _) = RuleBase::load(&source, &Selection::All)?;
    let loaded = crate::rules::load::list(&source, &Selection::IntegrationsOnly)?;
    if let Some(existing) = loaded
        .code_names
        .iter()
        .find(|c| c.eq_ignore_ascii_case(&code))
    {
        return Err(ScaffoldError::CodeExists {
            code: existing.clone(),
        }
        .into());
    }
    let integration = base.integration(&new.integration).ok_or_else(|| {
        let ids = base.integrations.iter().map(|i| i.id.as_str());
        ScaffoldError::UnknownIntegration {
            id: new.integration.clone(),
            rules: rules.to_path_buf(),
            suggestion: did_you_mean(&new.integration, ids.clone()),
            known: ids.map(str::to_string).collect(),
        }
    })?;
    if !code.starts_with(&integration.prefix) {
        return Err(ScaffoldError::WrongPrefix {
            code,
            integration: integration.name.clone(),
            prefix: integration.prefix.clone(),
        }
        .into());
    }
    if integration.signals.is_empty() {
        return Err(ScaffoldError::NoSignals {
            integration: integration.id.clone(),
        }
        .into());
    }
    // The validated model keeps no integration-level escalation: ask the file.
    let escalation = loaded
        .files
        .iter()
        .filter(|f| f.is_integration() && f.integration == integration.id)
        .filter_map(|f| crate::rules::load::parse::<RawIntegration>(0, &f.text).ok())
        .filter_map(|raw| raw.escalation)
        .any(|e| e.include.contains_key(kind.id()));
    let text = scaffold(integration, &code, kind, message, escalation);
    let path = rules.join(&integration.id).join(format!("{code}.yaml"));
    write_new(&path, &text)?;
    Ok(path)
}

/// Writes through a temporary file and a rename, so a half-written rule
/// file never exists; refuses to replace an existing file.
fn write_new(path: &Path, text: &str) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: path.display().to_string(),
        source,
    };
    if path.exists() {
        return Err(ScaffoldError::FileExists {
            path: path.to_path_buf(),
        }
        .into());
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .map_err(io)?;
    let written = file
        .write_all(text.as_bytes())
        .and_then(|_| file.sync_all());
    drop(file);
    if let Err(e) = written.and_then(|_| std::fs::rename(&tmp, path)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(io(e));
    }
    Ok(())
}

/// A YAML double-quoted scalar (JSON strings are valid YAML).
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

/// The rule file's text. Every placeholder sentence is phrased so that the
/// conventions `check` applies hold (steps start with a verb, questions in
/// Title Case): the scaffold passes before the writer edits anything.
fn scaffold(
    integration: &Integration,
    code: &str,
    kind: Kind,
    message: &str,
    escalation: bool,
) -> String {
    let product = &integration.name;
    let kind_id = kind.id();
    let kind_title = kind.title();
    let clause = first_clause(strip_code_prefix(message));
    // Patterns match the normalised paste (straight quotes, single spaces).
    let pattern = regex::escape(&normalize(&clause).to_lowercase()).replace(' ', r"\s+");
    let procedure = unique_id(integration, "check_the_setting");
    let causes: String = integration
        .signals
        .iter()
        .take(2)
        .enumerate()
        .map(|(i, s)| {
            format!(
                "  - id: cause_{n}\n    text: Describe cause {n} in one sentence.\n    when: {id}\n    fixes: [{procedure}]\n",
                n = i + 1,
                id = s.id
            )
        })
        .collect();
    let escalation = if escalation {
        "\n# The integration's Concierge block; override `title`, `lead` or `include` here.\nescalation: {}\n"
    } else {
        ""
    };
    format!(
        r#"# yaml-language-server: $schema=../../schema/rules.schema.json
code: {code}
kind: {kind_id}
message: {message_q}
# Regular expressions (case-insensitive) that recognise the message when pasted.
patterns:
  - {pattern_q}

front_matter:
  description: Learn what the {code} {kind_id} error means and how to fix it.
  keywords: {keywords_q}
  internal_scope: Audience is Workspace Admins using the {product} integration. Covers diagnosing and fixing {code} {kind_id} errors. Does not cover other {product} errors.
  display_title: {display_q}

meaning:
  - This means {product} could not complete the {kind_id}. Replace this sentence with what the error means.

# The "Why" section: paragraphs and lists in order; `causes: all` prints the cause list.
why:
  body:
    - The {code} error typically indicates a problem on the {product} side.
    - "Common causes include:"
    - causes: all
    - This is a {product} setup issue, not a report data issue.

# Each cause: the sentence the article prints, the condition over the
# integration's signals that confirms it, and the procedures that fix it.
causes:
{causes}
fix:
  lead:
    - Follow the steps below to fix the {code} error.
  procedures:
    - {procedure}
{escalation}
faq:
  - question: Does the {code} {kind_title} Error Affect All Exports?
    answer: Replace this answer. Start with "Yes." or "No." and say why in one sentence.
  - question: Do I Need {product} Admin Access to Fix the {code} {kind_title} Error?
    answer: Replace this answer. Start with "Yes." or "No." and say why in one sentence.
  - question: Do I Need to Reconnect {product}?
    answer: Replace this answer. Start with "Yes." or "No." and say why in one sentence.

# Procedures only this code uses; shared ones live in integration.yaml.
procedures:
  - id: {procedure}
    title: Check the Setting in {product}
    # Blocks in order: paragraphs (plain strings), steps, bullets, tables, notes …
    body:
      - steps:
          - Log in to {product} as an administrator.
          - Replace this step with the first action.
          - Click **Save**.
"#,
        message_q = quoted(message),
        pattern_q = quoted(&pattern),
        keywords_q = quoted(&format!(
            "{code}, {product} {kind_id} error, {}, Workspace Admin",
            clause.replace(',', "")
        )),
        display_q = quoted(&format!("{code} {kind_title} Error: {clause}")),
    )
}

/// `base`, or `base_2`, … — an id no shared procedure has.
fn unique_id(integration: &Integration, base: &str) -> String {
    let taken = |id: &str| integration.codes.iter().any(|c| c.procedure(id).is_some());
    (1..)
        .map(|n| {
            if n == 1 {
                base.to_string()
            } else {
                format!("{base}_{n}")
            }
        })
        .find(|id| !taken(id))
        .unwrap_or_else(|| base.to_string())
}

/// The message's first sentence, without its period.
fn first_clause(message: &str) -> String {
    message
        .split_once(". ")
        .map_or(message, |(first, _)| first)
        .trim_end_matches('.')
        .to_string()
}
