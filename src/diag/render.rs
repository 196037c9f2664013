//! Findings as people and tools read them: rustc-style diagnostics
//! (codespan-reporting) for people, newline-delimited JSON for editors and CI.

use std::io::IsTerminal;
use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic, Label as CsLabel, Severity as CsSeverity};
use codespan_reporting::files::{self as cs_files, Files};
use codespan_reporting::term::{self, Config, termcolor};
use serde::Serialize;

use super::{FileId, Finding, Label, Severity, Sources};

/// Colour only for a terminal, and never when `NO_COLOR` is set.
pub fn use_color(stream_is_terminal: bool) -> bool {
    stream_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

pub fn stdout_color() -> bool {
    use_color(std::io::stdout().is_terminal())
}

pub fn stderr_color() -> bool {
    use_color(std::io::stderr().is_terminal())
}

/// Every finding as a rustc-style diagnostic: code, severity, message, the
/// source line with a caret under the offending value, secondary labels, help.
pub fn render_human(sources: &Sources, findings: &[Finding], color: bool) -> String {
    // Rule files may hold terminal escapes; never echo them raw.
    let safe = sources.display_safe();
    let indexed = Indexed::new(&safe);
    let sources = &*safe;
    let config = Config::default();
    let mut buffer = if color {
        termcolor::Buffer::ansi()
    } else {
        termcolor::Buffer::no_color()
    };
    for finding in findings {
        // The files are the ones the spans were taken from; a failure here
        // would be a bug in a span, so fall back to the one-line form.
        if term::emit_to_write_style(&mut buffer, &config, &indexed, &diagnostic(finding)).is_err()
        {
            buffer_push(
                &mut buffer,
                &render_plain(sources, std::slice::from_ref(finding)),
            );
        }
    }
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

fn buffer_push(buffer: &mut termcolor::Buffer, text: &str) {
    use std::io::Write;
    let _ = buffer.write_all(text.as_bytes());
}

fn diagnostic(f: &Finding) -> Diagnostic<FileId> {
    let severity = match f.severity {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
    };
    let label = |l: &Label, primary: bool| {
        let range = l.span.range.clone();
        let label = if primary {
            CsLabel::primary(l.span.file, range)
        } else {
            CsLabel::secondary(l.span.file, range)
        };
        label.with_message(&l.message)
    };
    let labels = f
        .primary
        .iter()
        .map(|l| label(l, true))
        .chain(f.secondary.iter().map(|l| label(l, false)))
        .collect();
    Diagnostic::new(severity)
        .with_code(f.code.as_str())
        .with_message(&f.message)
        .with_labels(labels)
        .with_notes(f.help.iter().map(|h| format!("help: {h}")).collect())
}

/// One line per finding, `file:line:col: error[R201]: message`, then its help.
pub fn render_plain(sources: &Sources, findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let severity = severity_name(f.severity);
        match &f.primary {
            Some(label) => {
                let (line, col) = sources.line_col(label.span.file, label.span.range.start);
                let name = &sources.get(label.span.file).name;
                out.push_str(&format!(
                    "{name}:{line}:{col}: {severity}[{}]: {}\n",
                    f.code, f.message
                ));
            }
            None => out.push_str(&format!("{severity}[{}]: {}\n", f.code, f.message)),
        }
        if let Some(help) = &f.help {
            out.push_str(&format!("  help: {help}\n"));
        }
    }
    out
}

fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// A finding for editors and CI: one JSON object per line.
#[derive(Debug, Serialize)]
pub struct JsonFinding<'a> {
    pub code: &'a str,
    pub severity: Severity,
    pub message: &'a str,
    /// The primary location; absent for findings about no file in particular.
    #[serde(flatten)]
    pub location: Option<JsonLocation<'a>>,
    pub help: Option<&'a str>,
    pub secondary: Vec<JsonLocation<'a>>,
}

/// A location: 1-based lines and columns (in characters), end exclusive.
#[derive(Debug, Serialize)]
pub struct JsonLocation<'a> {
    pub file: &'a str,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub label: &'a str,
}

/// Newline-delimited JSON, one finding per line (nothing when clean).
pub fn render_json(sources: &Sources, findings: &[Finding]) -> String {
    let location = |l| json_location(sources, l);
    let mut out = String::new();
    for f in findings {
        let json = JsonFinding {
            code: f.code.as_str(),
            severity: f.severity,
            message: &f.message,
            location: f.primary.as_ref().map(location),
            help: f.help.as_deref(),
            secondary: f.secondary.iter().map(location).collect(),
        };
        // Serialising plain strings and numbers cannot fail.
        out.push_str(&serde_json::to_string(&json).unwrap_or_default());
        out.push('\n');
    }
    out
}

fn json_location<'a>(sources: &'a Sources, l: &'a Label) -> JsonLocation<'a> {
    let (line, column) = sources.line_col(l.span.file, l.span.range.start);
    let (end_line, end_column) = sources.line_col(l.span.file, l.span.range.end);
    JsonLocation {
        file: &sources.get(l.span.file).name,
        line,
        column,
        end_line,
        end_column,
        label: &l.message,
    }
}

/// The files findings point into, with each file's line starts found once
/// (on first use), so that many findings in one file cost no more than one
/// pass over it each.
struct Indexed<'s> {
    sources: &'s Sources,
    starts: Vec<std::sync::OnceLock<Vec<usize>>>,
}

impl<'s> Indexed<'s> {
    fn new(sources: &'s Sources) -> Self {
        Indexed {
            sources,
            starts: (0..sources.files().len())
                .map(|_| std::sync::OnceLock::new())
                .collect(),
        }
    }

    fn starts(&self, id: FileId) -> Result<&[usize], cs_files::Error> {
        let text = self.source_text(id)?;
        let slot = self.starts.get(id).ok_or(cs_files::Error::FileMissing)?;
        Ok(slot.get_or_init(|| cs_files::line_starts(text).collect()))
    }

    fn source_text(&self, id: FileId) -> Result<&'s str, cs_files::Error> {
        self.sources
            .try_get(id)
            .map(|f| f.text.as_str())
            .ok_or(cs_files::Error::FileMissing)
    }
}

/// Lets codespan-reporting read the files findings point into.
impl<'a> Files<'a> for Indexed<'_> {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, cs_files::Error> {
        self.sources
            .try_get(id)
            .map(|f| f.name.as_str())
            .ok_or(cs_files::Error::FileMissing)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, cs_files::Error> {
        self.source_text(id)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, cs_files::Error> {
        let starts = self.starts(id)?;
        Ok(starts
            .partition_point(|&s| s <= byte_index)
            .saturating_sub(1))
    }

    fn line_range(
        &'a self,
        id: FileId,
        line_index: usize,
    ) -> Result<Range<usize>, cs_files::Error> {
        let text = self.source_text(id)?;
        let starts = self.starts(id)?;
        let start = *starts
            .get(line_index)
            .ok_or(cs_files::Error::LineTooLarge {
                given: line_index,
                max: starts.len().saturating_sub(1),
            })?;
        let end = starts.get(line_index + 1).copied().unwrap_or(text.len());
        Ok(start..end)
    }
}

#[cfg(test)]
mod indexed_tests {
    use super::*;

    #[test]
    fn line_starts_are_found_once_and_answer_like_a_scan() {
        let mut sources = Sources::default();
        let id = sources.add("a.yaml", "one\ntwo\n\nfour");
        let indexed = Indexed::new(&sources);
        for (byte, line) in [(0, 0), (3, 0), (4, 1), (8, 2), (9, 3), (12, 3)] {
            assert_eq!(indexed.line_index(id, byte).unwrap(), line, "byte {byte}");
        }
        assert_eq!(indexed.line_range(id, 1).unwrap(), 4..8);
        assert_eq!(indexed.line_range(id, 3).unwrap(), 9..13);
        assert!(indexed.line_range(id, 4).is_err());
    }
}
