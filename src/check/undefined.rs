//! Naming what a template reads that its context lacks: minijinja says
//! "undefined value" at a line; this finds which dotted name on that line
//! (`ticket.mesage`), where it is, and the nearest name the context has.

use std::ops::Range;

use minijinja::Value;
use minijinja::value::ValueKind;

/// One name a template reads that is not in its context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undefined {
    /// The dotted path as written, e.g. `ticket.mesage`.
    pub path: String,
    /// Its byte range in the template's text.
    pub range: Range<usize>,
    /// The nearest name its parent has, as a whole path (`ticket.message`).
    pub suggestion: Option<String>,
}

/// Names minijinja provides itself, which a context never holds.
const BUILT_INS: &[&str] = &[
    "loop",
    "range",
    "namespace",
    "dict",
    "debug",
    "self",
    "super",
    "varargs",
    "kwargs",
    "caller",
];

/// Every undefined name of the template: those on the failing 1-based `line`
/// first (what minijinja stopped at), then each other one at its first use,
/// since a strict render would stop there next. A name only tested with
/// `is defined` is not blamed.
pub fn all(
    text: &str,
    line: usize,
    undeclared: &[String],
    ctx: &Value,
    globals: &[String],
) -> Vec<Undefined> {
    let mut out = on_line(text, line, undeclared, ctx, globals);
    let lines = text.split_inclusive('\n').count();
    for n in 1..=lines {
        for u in on_line(text, n, undeclared, ctx, globals) {
            let guarded = text.contains(&format!("{} is defined", u.path))
                || text.contains(&format!("{} is not defined", u.path));
            if !guarded && !out.iter().any(|o| o.path == u.path) {
                out.push(u);
            }
        }
    }
    out
}

/// The undefined names among `undeclared` (minijinja's dotted undeclared
/// variables of the template) that occur on 1-based `line` of `text`, each
/// with its place and the closest defined name.
pub fn on_line(
    text: &str,
    line: usize,
    undeclared: &[String],
    ctx: &Value,
    globals: &[String],
) -> Vec<Undefined> {
    let std::ops::Range { start, end } = crate::util::text::line_range(text, line);
    let source_line = &text[start..end];
    let mut out: Vec<Undefined> = Vec::new();
    let mut paths: Vec<&String> = undeclared.iter().collect();
    paths.sort();
    for path in paths {
        let Some((missing, suggestion)) = missing(path, ctx, globals) else {
            continue;
        };
        let Some(at) = find_word(source_line, &missing) else {
            continue;
        };
        if out.iter().any(|u| u.path == missing) {
            continue;
        }
        out.push(Undefined {
            range: start + at..start + at + missing.len(),
            path: missing,
            suggestion,
        });
    }
    out
}

/// The shortest prefix of `path` the context lacks, and the nearest name
/// its parent has; `None` when it resolves, or when its parent is not a map
/// (a method or an attribute of a string is minijinja's to judge).
fn missing(path: &str, ctx: &Value, globals: &[String]) -> Option<(String, Option<String>)> {
    let mut parts = path.split('.');
    let first = parts.next()?;
    if BUILT_INS.contains(&first) || globals.iter().any(|g| g == first) {
        return None;
    }
    let mut parent = ctx.clone();
    let mut walked = String::new();
    for part in std::iter::once(first).chain(parts) {
        if parent.kind() != ValueKind::Map {
            return None;
        }
        let child = parent.get_attr(part).ok()?;
        if !walked.is_empty() {
            walked.push('.');
        }
        walked.push_str(part);
        if child.is_undefined() {
            let keys: Vec<String> = parent
                .try_iter()
                .ok()?
                .filter_map(|k| k.as_str().map(str::to_string))
                .collect();
            let near = crate::diag::closest(part, keys.iter().map(String::as_str));
            let prefix = walked.strip_suffix(part).unwrap_or("");
            return Some((walked.clone(), near.map(|n| format!("{prefix}{n}"))));
        }
        parent = child;
    }
    None
}

/// Where `word` (a dotted name) occurs in `line` as a whole name.
fn find_word(line: &str, word: &str) -> Option<usize> {
    let is_name = |c: char| c.is_alphanumeric() || c == '_' || c == '.';
    let mut from = 0;
    while let Some(i) = line[from..].find(word) {
        let at = from + i;
        let before = line[..at].chars().next_back();
        let after = line[at + word.len()..].chars().next();
        if !before.is_some_and(is_name) && !after.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            return Some(at);
        }
        from = at + word.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Value {
        minijinja::context! { code => "NS0109", ticket => minijinja::context! { message => "m", report_id => "r" } }
    }

    #[test]
    fn a_misspelt_field_is_named_with_the_nearest_one() {
        let text = "Hello\n- Message: {{ ticket.mesage }}\n";
        let found = on_line(
            text,
            2,
            &["ticket.mesage".into(), "code".into()],
            &ctx(),
            &[],
        );
        assert_eq!(
            found,
            vec![Undefined {
                path: "ticket.mesage".into(),
                range: 20..33,
                suggestion: Some("ticket.message".into()),
            }]
        );
        assert_eq!(&text[found[0].range.clone()], "ticket.mesage");
    }

    #[test]
    fn a_missing_top_level_name_and_names_that_resolve() {
        let text = "{{ cod }} {{ code }} {{ loop.index }}";
        let found = on_line(
            text,
            1,
            &["cod".into(), "code".into(), "loop.index".into()],
            &ctx(),
            &[],
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].path, "cod");
        assert_eq!(found[0].suggestion.as_deref(), Some("code"));
        assert_eq!(found[0].range, 3..6);
    }

    #[test]
    fn every_undefined_name_is_found_the_failing_one_first() {
        let text = "{{ cod }}\n{% if x is defined %}{{ x }}{% endif %}\n{{ ticket.mesage }}\n";
        let names = ["cod".into(), "x".into(), "ticket.mesage".into()];
        let found = all(text, 3, &names, &ctx(), &[]);
        let paths: Vec<&str> = found.iter().map(|u| u.path.as_str()).collect();
        assert_eq!(paths, ["ticket.mesage", "cod"]);
    }

    #[test]
    fn a_name_elsewhere_in_the_template_is_not_blamed_on_this_line() {
        let text = "{{ ticket.mesage }}\n{{ code }}\n";
        assert!(on_line(text, 2, &["ticket.mesage".into()], &ctx(), &[]).is_empty());
    }
}
