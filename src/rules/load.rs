//! Reading rule files (embedded or from a folder) and parsing them with spans.
//! Parse problems become findings; only I/O problems are errors.

use std::path::{Path, PathBuf};

use crate::diag::FileId;
use crate::diag::Finding;
pub use crate::error::LoadError;

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
    /// The integration files only, no code file: enough for what an
    /// integration says (its signals, its probe).
    IntegrationsOnly,
}

impl Selection {
    fn wants(&self, stem: &str) -> bool {
        match self {
            Selection::All => true,
            Selection::Code(code) => stem.eq_ignore_ascii_case(code),
            Selection::IntegrationsOnly => false,
        }
    }
}

/// The rule files one command reads, in order (folder, then file name), with
/// their text; and every code file name, read or not, for suggestions.
#[derive(Debug, Default)]
pub struct Listing {
    pub files: Vec<RuleFile>,
    pub code_names: Vec<String>,
}

/// A rule file before parsing: the name shown to users, its folder, its text.
#[derive(Debug)]
pub struct RuleFile {
    pub display: String,
    pub integration: String,
    pub stem: String,
    pub text: String,
}

impl RuleFile {
    pub fn is_integration(&self) -> bool {
        self.stem == "integration"
    }
}

/// Lists and reads the files `selection` needs (folders read on all cores).
pub fn list(source: &RuleSource, selection: &Selection) -> Result<Listing, LoadError> {
    let mut code_names = Vec::new();
    let files = match source {
        RuleSource::Embedded => {
            let files = crate::util::embedded::RULES.iter().map(|(p, t)| (*p, *t));
            table_files(files, selection, &mut code_names)
        }
        RuleSource::Memory(files) => {
            let files = files.iter().map(|(p, t)| (p.as_str(), t.as_str()));
            table_files(files, selection, &mut code_names)
        }
        RuleSource::Dir(dir) => dir_files(dir, selection, &mut code_names)?,
    };
    Ok(Listing { files, code_names })
}

fn table_files<'a>(
    table: impl Iterator<Item = (&'a str, &'a str)>,
    selection: &Selection,
    code_names: &mut Vec<String>,
) -> Vec<RuleFile> {
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
            files.push(RuleFile {
                display: format!("rules/{path}"),
                integration: integration.to_string(),
                stem: stem.to_string(),
                text: text.to_string(),
            });
        }
    }
    files
}

/// A file found in a rules folder, not yet read.
struct Found {
    path: PathBuf,
    integration: String,
    stem: String,
}

fn dir_files(
    dir: &Path,
    selection: &Selection,
    code_names: &mut Vec<String>,
) -> Result<Vec<RuleFile>, LoadError> {
    let (found, stopped) = walk(dir, selection, code_names)?;
    let texts = crate::util::parallel::map(&found, || (), |_, f| read_text(&f.path));
    let mut files = Vec::with_capacity(found.len());
    // The first problem in folder order, as reading one file after another would meet it.
    for (f, text) in found.into_iter().zip(texts) {
        files.push(RuleFile {
            display: f.path.display().to_string(),
            integration: f.integration,
            stem: f.stem,
            text: text?,
        });
    }
    match stopped {
        Some(e) => Err(e),
        None => Ok(files),
    }
}

/// The files to read in folder order; a problem met on the way (a bad link,
/// too many files) stops the walk and is returned beside what came before it.
fn walk(
    dir: &Path,
    selection: &Selection,
    code_names: &mut Vec<String>,
) -> Result<(Vec<Found>, Option<LoadError>), LoadError> {
    let meta = std::fs::metadata(dir).map_err(|e| io_error(dir, e))?;
    if !meta.is_dir() {
        return Err(LoadError::NotAFolder {
            dir: dir.to_path_buf(),
        });
    }
    let mut found = Vec::new();
    let stopped = walk_into(dir, selection, code_names, &mut found).err();
    Ok((found, stopped))
}

fn walk_into(
    dir: &Path,
    selection: &Selection,
    code_names: &mut Vec<String>,
    found: &mut Vec<Found>,
) -> Result<(), LoadError> {
    let mut seen = 0usize;
    for (integration_dir, link) in sorted_entries(dir).map_err(|e| io_error(dir, e))? {
        check_link(dir, &integration_dir, link)?;
        if !integration_dir.is_dir() {
            continue;
        }
        let integration = file_name(&integration_dir);
        let entries =
            sorted_entries(&integration_dir).map_err(|e| io_error(&integration_dir, e))?;
        for (path, link) in entries {
            seen += 1;
            if seen > MAX_FILES {
                return Err(LoadError::TooManyFiles {
                    dir: dir.to_path_buf(),
                    limit: MAX_FILES,
                });
            }
            check_link(dir, &path, link)?;
            let Some(stem) = yaml_stem(&file_name(&path)).map(str::to_string) else {
                continue;
            };
            if stem != "integration" {
                code_names.push(stem.clone());
                if !selection.wants(&stem) {
                    continue;
                }
            }
            found.push(Found {
                path,
                integration: integration.clone(),
                stem,
            });
        }
    }
    Ok(())
}

fn io_error(path: &Path, source: std::io::Error) -> LoadError {
    LoadError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// A folder's entries in name order, each with whether it is a symbolic
/// link (from the directory listing: no system call per file).
fn sorted_entries(dir: &Path) -> std::io::Result<Vec<(PathBuf, bool)>> {
    let mut entries = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| (e.path(), e.file_type().is_ok_and(|t| t.is_symlink()))))
        .collect::<Result<Vec<_>, _>>()?;
    entries.sort();
    Ok(entries)
}

/// Refuses symlinks that loop or lead outside the rules folder: a rule base
/// from a pull request must not read files elsewhere on the machine.
fn check_link(root: &Path, path: &Path, is_link: bool) -> Result<(), LoadError> {
    if !is_link {
        return Ok(());
    }
    let target = std::fs::canonicalize(path).map_err(|error| LoadError::LinkNotFollowed {
        path: path.to_path_buf(),
        error,
    })?;
    let root = std::fs::canonicalize(root).map_err(|e| io_error(root, e))?;
    if !target.starts_with(&root) {
        return Err(LoadError::LinkOutside {
            path: path.to_path_buf(),
        });
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
pub fn read_text(path: &Path) -> Result<String, LoadError> {
    let Some(bytes) =
        crate::diag::read_bounded(path, MAX_FILE_BYTES).map_err(|e| io_error(path, e))?
    else {
        return Err(LoadError::TooLarge {
            path: path.to_path_buf(),
            limit: MAX_FILE_BYTES,
        });
    };
    String::from_utf8(bytes).map_err(|e| LoadError::NotUtf8 {
        path: path.to_path_buf(),
        byte: e.utf8_error().valid_up_to(),
    })
}

/// Parses one YAML document; a parse problem becomes a finding at its location.
pub fn parse<T: serde::de::DeserializeOwned>(file: FileId, text: &str) -> Result<T, Box<Finding>> {
    serde_saphyr::from_str_with_options::<T>(text, yaml_options())
        .map_err(|err| Box::new(super::yaml_error::finding(file, text, &err)))
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
