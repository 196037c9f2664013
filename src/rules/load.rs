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

impl Listing {
    /// How many rule files the source holds, read or not ([`super::RuleBase::listed`]).
    pub fn listed(&self) -> usize {
        let integration_files = self.files.iter().filter(|f| f.is_integration()).count();
        self.code_names.len() + integration_files
    }
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
#[derive(Debug)]
pub struct Found {
    pub path: PathBuf,
    /// Its folder's name.
    pub integration: String,
    pub stem: String,
}

impl Found {
    /// The name a load gives it ([`RuleFile::display`]).
    pub fn display(&self) -> String {
        self.path.display().to_string()
    }

    pub fn is_integration(&self) -> bool {
        self.stem == "integration"
    }
}

/// Every rule file in `dir`, in the order a load of all of them reads them,
/// none read: for an incremental build, which reads only the changed ones.
pub fn find(dir: &Path) -> Result<Vec<Found>, LoadError> {
    let (found, stopped) = walk(dir, &Selection::All, &mut Vec::new())?;
    match stopped {
        Some(e) => Err(e),
        None => Ok(found),
    }
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
            display: f.display(),
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
    read_yaml::<T>(text).map_err(|err| Box::new(super::yaml_error::finding(file, text, &err)))
}

/// How many YAML problems of one file are reported before giving up on it.
const MAX_RECOVERIES: usize = 16;

/// Parses like [`parse`], but goes on after a YAML problem it can step over,
/// so a file with a duplicate key, a tab and an unknown field reports all
/// three (and what validation then finds) rather than the first alone.
///
/// Each problem is stepped over in a copy of the text whose bytes keep
/// their offsets (spans stay right): a duplicate key's or an unknown
/// field's entry is blanked out, a tab becomes a space. Any other problem
/// ends the recovery. The value is `Some` when the repaired copy parsed;
/// it is only for finding more problems, since the file has errors.
pub fn parse_recovering<T: serde::de::DeserializeOwned>(file: FileId, text: &str) -> Recovered<T> {
    // The common case, a file without problems, costs no copy.
    let first = match parse::<T>(file, text) {
        Ok(v) => {
            return Recovered {
                value: Some(v),
                findings: Vec::new(),
                rewritten: Vec::new(),
                repaired: None,
            };
        }
        Err(finding) => finding,
    };
    let mut repaired = text.to_string();
    let mut pending = Some(first);
    let mut findings: Vec<Finding> = Vec::new();
    let mut rewritten: Vec<usize> = Vec::new();
    let mut value = None;
    for _ in 0..MAX_RECOVERIES {
        let parsed = match pending.take() {
            Some(finding) => Err(finding),
            None => parse::<T>(file, &repaired),
        };
        match parsed {
            Ok(v) => {
                value = Some(v);
                break;
            }
            Err(finding) => {
                let mut finding = *finding;
                remap_finding(&mut finding, file, &repaired, text);
                let at = finding.primary.as_ref().map(|l| l.span.range.clone());
                let again = findings.iter().any(|f| {
                    f.code == finding.code && f.primary.as_ref().map(|l| l.span.range.clone()) == at
                });
                if again {
                    break;
                }
                let line = at.as_ref().map(|at| line_of(text, at.start));
                // On a rewritten line the columns moved: step over it, unreported.
                let echo = line.is_some_and(|l| rewritten.contains(&l));
                let code = finding.code;
                // What a duplicate's first definition or an emptied parent then
                // shows is this problem again: its lines are echoes too.
                let first = finding
                    .secondary
                    .first()
                    .map(|l| line_of(text, l.span.range.start));
                if !echo {
                    findings.push(finding);
                }
                // Where the problem is in the repaired copy: the same line and column.
                let Some(at) = at.map(|at| remap(at, text, &repaired)) else {
                    break;
                };
                let parent = parent_line(&repaired, at.start);
                if !step_over(&mut repaired, code, at, &mut rewritten) {
                    break;
                }
                match code {
                    crate::diag::Code::R005 => rewritten.extend(first),
                    crate::diag::Code::R003 => rewritten.extend(parent),
                    _ => {}
                }
            }
        }
    }
    let repaired = (repaired != text).then_some(repaired);
    Recovered {
        value,
        findings,
        rewritten,
        repaired,
    }
}

/// What [`parse_recovering`] gives back.
pub struct Recovered<T> {
    /// The value of the repaired copy, when it parsed.
    pub value: Option<T>,
    /// The YAML problems, with spans in the file as it is.
    pub findings: Vec<Finding>,
    /// 0-based lines rewritten to step over a tab: findings on them are echoes.
    pub rewritten: Vec<usize>,
    /// The repaired copy, when one was made: the same lines, each at the
    /// same place, but a rewritten one may be longer.
    pub repaired: Option<String>,
}

/// The 0-based line of the `key:` whose block holds the line at `offset`.
fn parent_line(text: &str, offset: usize) -> Option<usize> {
    let start = text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let line = text[start..].split('\n').next().unwrap_or("");
    let own = line.len() - line.trim_start_matches([' ', '-']).len();
    let above = &text[..start];
    let mut line_no = line_of(text, start);
    for l in above.lines().rev() {
        line_no = line_no.checked_sub(1)?;
        if l.trim().is_empty() {
            continue;
        }
        if l.len() - l.trim_start_matches([' ', '-']).len() < own {
            return Some(line_no);
        }
    }
    None
}

/// The 0-based line of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

/// A byte range of `from` as the same lines and columns of `to` (the two
/// texts have the same lines, but a rewritten one may differ in length).
pub fn remap(range: std::ops::Range<usize>, from: &str, to: &str) -> std::ops::Range<usize> {
    let point = |offset: usize| {
        let mut offset = offset.min(from.len());
        while !from.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = line_of(from, offset);
        let col = offset - from[..offset].rfind('\n').map_or(0, |i| i + 1);
        let start = to
            .split_inclusive('\n')
            .take(line)
            .map(str::len)
            .sum::<usize>()
            .min(to.len());
        let end = to[start..].find('\n').map_or(to.len(), |i| start + i);
        let mut at = (start + col).min(end);
        while !to.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    if from.len() == to.len() && from == to {
        return range;
    }
    point(range.start)..point(range.end).max(point(range.start))
}

/// Whether a finding is on one of `file`'s lines rewritten to step over a
/// YAML problem (`text` being the file as it is): an echo of that problem.
pub fn on_rewritten_line(finding: &Finding, file: FileId, text: &str, rewritten: &[usize]) -> bool {
    finding.primary.as_ref().is_some_and(|p| {
        p.span.file == file && rewritten.contains(&line_of(text, p.span.range.start))
    })
}

/// Moves a finding's spans in `file` from `from`'s offsets to `to`'s.
pub fn remap_finding(finding: &mut Finding, file: FileId, from: &str, to: &str) {
    if from.len() == to.len() && from == to {
        return;
    }
    for label in finding
        .primary
        .iter_mut()
        .chain(finding.secondary.iter_mut())
    {
        if label.span.file == file {
            label.span.range = remap(label.span.range.clone(), from, to);
        }
    }
}

/// Repairs `text` past one problem; false when this kind of problem cannot
/// be stepped over.
fn step_over(
    text: &mut String,
    code: crate::diag::Code,
    at: std::ops::Range<usize>,
    rewritten: &mut Vec<usize>,
) -> bool {
    use crate::diag::Code;
    match code {
        Code::R002 => reindent_tab_line(text, at.start, rewritten),
        Code::R003 | Code::R005 => blank_entry(text, at.start),
        _ => false,
    }
}

/// The line holding a tab where YAML needs spaces, indented with spaces as
/// its neighbours suggest: a child of a `key:` line above it, else its sibling.
fn reindent_tab_line(text: &mut String, offset: usize, rewritten: &mut Vec<usize>) -> bool {
    let Some(before) = text.get(..offset) else {
        return false;
    };
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = &text[start..end];
    let content = line.trim_start_matches([' ', '\t']);
    if !line[..line.len() - content.len()].contains('\t') {
        return false;
    }
    let above = text[..start]
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .unwrap_or("");
    let above_indent = above.len() - above.trim_start_matches([' ', '-']).len();
    let opens_block = above.trim_end().ends_with(':');
    let indent = above_indent + if opens_block { 2 } else { 0 };
    let new = format!("{}{content}", " ".repeat(indent));
    let line_no = line_of(text, start);
    text.replace_range(start..end, &new);
    rewritten.push(line_no);
    true
}

/// Blanks the mapping entry whose key is at `offset`: from the key to its
/// line's end and the more indented lines under it, each byte a space,
/// line breaks kept. After a list dash (`- id: x`) only the rest of the line
/// goes, so the list keeps its item.
fn blank_entry(text: &mut String, offset: usize) -> bool {
    let Some(before) = text.get(..offset) else {
        return false;
    };
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let indent = |line: &str| line.len() - line.trim_start_matches([' ', '-']).len();
    let first_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let first = &text[line_start..first_end];
    let dash = first.trim_start().starts_with('-');
    let (start, mut end) = if dash {
        (offset, first_end)
    } else {
        (line_start, first_end)
    };
    if !dash {
        let own = indent(first);
        let mut next = first_end + 1;
        while next < text.len() {
            let line_end = text[next..].find('\n').map_or(text.len(), |i| next + i);
            let line = &text[next..line_end];
            if !line.trim().is_empty() && indent(line) <= own {
                break;
            }
            end = line_end;
            next = line_end + 1;
        }
    }
    if end <= start {
        return false;
    }
    // Every byte but a line break becomes a space: offsets after it stay put.
    let blanked: String = text[start..end]
        .chars()
        .flat_map(|c| {
            let spaces = if c == '\n' { 0 } else { c.len_utf8() };
            std::iter::repeat_n(' ', spaces).chain((c == '\n').then_some('\n'))
        })
        .collect();
    text.replace_range(start..end, &blanked);
    true
}

/// Reads one YAML document as serde-saphyr does, with [`yaml_options`].
///
/// The YAML rule files and front matter are written in is read by
/// [`super::yaml_subset`] (the same values and spans, several times
/// faster); whatever it declines, every text with a problem among them, by
/// serde-saphyr, whose error is the one returned.
pub fn read_yaml<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, serde_saphyr::Error> {
    match super::yaml_subset::from_str::<T>(text) {
        Some(value) => Ok(value),
        None => serde_saphyr::from_str_with_options::<T>(text, yaml_options()),
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

#[cfg(test)]
mod recovery_tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        a: String,
        b: Inner,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        x: String,
        y: String,
    }

    #[test]
    fn every_steppable_problem_is_reported_at_its_place_in_the_file() {
        let text = "a: é1\na: 2\nb:\n  x: 1\n\ty: 2\n  z: 3\n";
        let Recovered {
            value: doc,
            findings,
            ..
        } = parse_recovering::<Doc>(0, text);
        use crate::diag::Code;
        let codes: Vec<Code> = findings.iter().map(|f| f.code).collect();
        assert_eq!(codes, [Code::R005, Code::R002, Code::R003], "{findings:?}");
        let at = |i: usize| {
            let r = findings[i].primary.as_ref().unwrap().span.range.clone();
            &text[r]
        };
        assert_eq!(at(0), "a");
        assert_eq!(at(1), "\t");
        assert_eq!(at(2), "z");
        assert!(doc.is_some(), "the repaired copy parses");
    }

    #[test]
    fn a_blanked_entry_keeps_every_offset() {
        let mut text = "k:\n  - a\n  - é\nnext: 1\n".to_string();
        let before = text.len();
        assert!(blank_entry(&mut text, 0));
        assert_eq!(text.len(), before);
        assert!(text.ends_with("\nnext: 1\n"), "{text:?}");
        assert_eq!(text.matches('\n').count(), 4);
    }

    #[test]
    fn a_problem_it_cannot_step_over_ends_the_recovery() {
        let Recovered {
            value: doc,
            findings,
            ..
        } = parse_recovering::<Doc>(0, "a: [1\nb: {\n");
        assert!(doc.is_none());
        assert_eq!(findings.len(), 1);
    }
}
