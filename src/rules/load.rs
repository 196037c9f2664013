//! Reading rule files (embedded or from a folder) and parsing them with spans.
//! Parse problems become findings; only I/O problems are errors.

use std::path::{Path, PathBuf};

use crate::Error;
use crate::finding::Finding;
use crate::rules::raw::{RawCode, RawIntegration};
use crate::source::{FileId, Sources};

/// The file every integration folder holds besides its code files.
pub const INTEGRATION_FILE: &str = "integration.yaml";
/// Larger rule files are refused: a code's rules are a few kilobytes.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;
/// More rule files than this are refused (a help center has tens of thousands).
pub const MAX_FILES: usize = 200_000;
/// YAML nesting deeper than this is refused; rule files nest about six levels.
pub const MAX_DEPTH: usize = 32;
/// Alias uses per file; rule files need none, so a few are plenty.
pub const MAX_ALIASES: usize = 1_000;
/// Events replayed through aliases per file: stops "billion laughs".
pub const MAX_REPLAYED_EVENTS: usize = 100_000;

/// Where the rules come from.
#[derive(Debug, Clone)]
pub enum RuleSource {
    /// The `rules/` folder compiled into the binary.
    Embedded,
    /// A folder of `<integration>/` subfolders.
    Dir(PathBuf),
    /// Files held in memory as (`<integration>/<name>.yaml`, text): for tests and fuzzing.
    Memory(Vec<(String, String)>),
}

/// Which code files to read: all, or only the ones one command needs.
#[derive(Debug, Clone)]
pub enum Selection {
    All,
    /// One code (matched against file names, ignoring case).
    Code(String),
}

impl Selection {
    fn wants(&self, stem: &str) -> bool {
        match self {
            Selection::All => true,
            Selection::Code(code) => stem.eq_ignore_ascii_case(code),
        }
    }
}

/// Parsed but unvalidated rule files.
#[derive(Debug, Default)]
pub struct Loaded {
    pub sources: Sources,
    pub integrations: Vec<LoadedIntegration>,
    /// Every code file name (without extension), read or not: for suggestions.
    pub code_names: Vec<String>,
    pub findings: Vec<Finding>,
}

#[derive(Debug)]
pub struct LoadedIntegration {
    /// The folder name.
    pub dir: String,
    /// The integration file, if present and parseable.
    pub file: Option<(FileId, RawIntegration)>,
    /// Whether an integration file was read at all (it may have failed to parse).
    pub has_file: bool,
    pub codes: Vec<(FileId, RawCode)>,
}

/// A rule file before parsing: the name shown to users, its folder, its text.
struct RawFile {
    display: String,
    integration: String,
    stem: String,
    text: String,
}

pub fn read(source: &RuleSource, selection: &Selection) -> Result<Loaded, Error> {
    let mut loaded = Loaded::default();
    let files = match source {
        RuleSource::Embedded => {
            let files = crate::embedded::RULES.iter().map(|(p, t)| (*p, *t));
            table_files(files, selection, &mut loaded.code_names)
        }
        RuleSource::Memory(files) => {
            let files = files.iter().map(|(p, t)| (p.as_str(), t.as_str()));
            table_files(files, selection, &mut loaded.code_names)
        }
        RuleSource::Dir(dir) => dir_files(dir, selection, &mut loaded.code_names)?,
    };
    for file in files {
        let id = loaded.sources.add(file.display, file.text);
        let index = match loaded
            .integrations
            .iter()
            .position(|i| i.dir == file.integration)
        {
            Some(i) => i,
            None => {
                loaded.integrations.push(LoadedIntegration {
                    dir: file.integration.clone(),
                    file: None,
                    has_file: false,
                    codes: Vec::new(),
                });
                loaded.integrations.len() - 1
            }
        };
        let text = &loaded.sources.get(id).text;
        if file.stem == "integration" {
            loaded.integrations[index].has_file = true;
            if let Some(raw) = parse::<RawIntegration>(id, text, &mut loaded.findings) {
                loaded.integrations[index].file = Some((id, raw));
            }
        } else if let Some(raw) = parse::<RawCode>(id, text, &mut loaded.findings) {
            loaded.integrations[index].codes.push((id, raw));
        }
    }
    Ok(loaded)
}

fn table_files<'a>(
    table: impl Iterator<Item = (&'a str, &'a str)>,
    selection: &Selection,
    code_names: &mut Vec<String>,
) -> Vec<RawFile> {
    let mut files = Vec::new();
    for (path, text) in table {
        let Some((integration, name)) = path.split_once('/') else {
            continue;
        };
        let Some(stem) = yaml_stem(name) else {
            continue;
        };
        if stem != "integration" {
            code_names.push(stem.to_string());
        }
        if stem == "integration" || selection.wants(stem) {
            files.push(RawFile {
                display: format!("rules/{path}"),
                integration: integration.to_string(),
                stem: stem.to_string(),
                text: text.to_string(),
            });
        }
    }
    files
}

fn dir_files(
    dir: &Path,
    selection: &Selection,
    code_names: &mut Vec<String>,
) -> Result<Vec<RawFile>, Error> {
    let io = |path: &Path, source| Error::Io {
        path: path.display().to_string(),
        source,
    };
    let meta = std::fs::metadata(dir).map_err(|e| io(dir, e))?;
    if !meta.is_dir() {
        return Err(Error::Input(format!(
            "{} is not a folder: --rules takes a folder of <integration>/ subfolders",
            dir.display()
        )));
    }
    let mut files = Vec::new();
    let mut seen = 0usize;
    for integration_dir in sorted_entries(dir).map_err(|e| io(dir, e))? {
        check_link(dir, &integration_dir)?;
        if !integration_dir.is_dir() {
            continue;
        }
        let integration = file_name(&integration_dir);
        for path in sorted_entries(&integration_dir).map_err(|e| io(&integration_dir, e))? {
            seen += 1;
            if seen > MAX_FILES {
                return Err(Error::Input(format!(
                    "{}: more than {MAX_FILES} files; split the rule base or point --rules at a smaller folder",
                    dir.display()
                )));
            }
            check_link(dir, &path)?;
            let Some(stem) = yaml_stem(&file_name(&path)).map(str::to_string) else {
                continue;
            };
            if stem != "integration" {
                code_names.push(stem.clone());
                if !selection.wants(&stem) {
                    continue;
                }
            }
            files.push(RawFile {
                display: path.display().to_string(),
                integration: integration.clone(),
                text: read_text(&path)?,
                stem,
            });
        }
    }
    Ok(files)
}

fn sorted_entries(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut entries = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()?;
    entries.sort();
    Ok(entries)
}

/// Refuses symlinks that loop or lead outside the rules folder: a rule base
/// from a pull request must not read files elsewhere on the machine.
fn check_link(root: &Path, path: &Path) -> Result<(), Error> {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if !is_link {
        return Ok(());
    }
    let target = std::fs::canonicalize(path).map_err(|e| {
        Error::Input(format!(
            "{}: symbolic link cannot be followed ({e}); replace it with the file itself",
            path.display()
        ))
    })?;
    let root = std::fs::canonicalize(root).map_err(|e| Error::Io {
        path: root.display().to_string(),
        source: e,
    })?;
    if !target.starts_with(&root) {
        return Err(Error::Input(format!(
            "{}: symbolic link points outside the rules folder; rule files must live inside it",
            path.display()
        )));
    }
    Ok(())
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn yaml_stem(name: &str) -> Option<&str> {
    name.strip_suffix(".yaml")
        .or_else(|| name.strip_suffix(".yml"))
}

/// Reads a rule file as UTF-8, refusing oversized files before reading them.
pub fn read_text(path: &Path) -> Result<String, Error> {
    let io = |source| Error::Io {
        path: path.display().to_string(),
        source,
    };
    let Some(bytes) = crate::source::read_bounded(path, MAX_FILE_BYTES).map_err(io)? else {
        return Err(Error::Input(format!(
            "{}: over the {MAX_FILE_BYTES} byte limit for one rule file; split it or remove what does not belong",
            path.display(),
        )));
    };
    String::from_utf8(bytes).map_err(|e| {
        Error::Input(format!(
            "{}: not valid UTF-8 (byte {}); save the file as UTF-8",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
    })
}

/// Parses one YAML document; a parse problem becomes a finding at its location.
fn parse<T: serde::de::DeserializeOwned>(
    file: FileId,
    text: &str,
    findings: &mut Vec<Finding>,
) -> Option<T> {
    match serde_saphyr::from_str_with_options::<T>(text, yaml_options()) {
        Ok(value) => Some(value),
        Err(err) => {
            findings.push(super::yaml_error::finding(file, text, &err));
            None
        }
    }
}

pub fn yaml_options() -> serde_saphyr::Options {
    let mut options = serde_saphyr::Options::default();
    options.with_snippet = false;
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = MAX_DEPTH;
    budget.max_aliases = MAX_ALIASES;
    budget.max_reader_input_bytes = Some(MAX_FILE_BYTES as usize);
    budget.max_total_scalar_bytes = MAX_FILE_BYTES as usize;
    options.budget = Some(budget);
    options.alias_limits.max_total_replayed_events = MAX_REPLAYED_EVENTS;
    options
}

/// Byte offset of a 1-based line and character column.
pub fn byte_offset_of(text: &str, line: usize, col: usize) -> usize {
    let line_start = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>();
    let rest = &text[line_start.min(text.len())..];
    line_start
        + rest
            .char_indices()
            .nth(col.saturating_sub(1))
            .map_or(rest.len(), |(i, _)| i)
}
