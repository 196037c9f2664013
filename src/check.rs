//! Presenting findings about the rule base.

use crate::finding::{Finding, Severity};
use crate::source::Sources;

/// One line per finding, `file:line:col: error[R201]: message`, then its help.
pub fn render_plain(sources: &Sources, findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let severity = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
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
