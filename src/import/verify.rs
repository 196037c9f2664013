//! The proof of an import: every imported article rendered again from the
//! rules and compared with its source — front matter by value, the body
//! line by line (trailing spaces aside).

use super::front_matter;
use super::lift::Group;
use crate::render::{Renderer, TemplateSource};
use crate::rules::{Code, Integration, RuleBase, RuleSource, Selection};

/// How many sources render back exactly, and where the others first differ.
#[derive(Debug, Default)]
pub struct RoundTrip {
    pub checked: usize,
    pub exact: usize,
    pub differences: Vec<Difference>,
    /// Articles whose rules do not load: (source path, code, the first error).
    pub unloadable: Vec<(String, String, String)>,
}

#[derive(Debug, Clone)]
pub struct Difference {
    pub path: String,
    pub line: usize,
    /// The source's line, and what the rules render there.
    pub expected: String,
    pub found: String,
}

/// Loads the staged rule files and renders every article and index page.
pub fn round_trip(
    groups: &[Group],
    staged: &[(String, String)],
    templates: &TemplateSource,
) -> Result<RoundTrip, crate::Error> {
    let (base, findings) = RuleBase::load(&RuleSource::Memory(staged.to_vec()), &Selection::All)?;
    let renderer = Renderer::new(templates)?;
    // The first error of each rule file, by its name (`ledgerly/LG101.yaml`).
    let mut errors: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for f in findings.iter().filter(|f| f.is_error()) {
        let file = f
            .primary
            .as_ref()
            .map(|p| base.sources.get(p.span.file).name.clone())
            .unwrap_or_default();
        errors
            .entry(file)
            .or_insert_with(|| format!("{} {}", f.code, f.message));
    }
    let mut out = RoundTrip::default();
    let codes: std::collections::HashMap<(&str, &str), (&Integration, &Code)> = base
        .codes()
        .map(|(i, c)| ((i.id.as_str(), c.code.as_str()), (i, c)))
        .collect();
    // Each page to compare: its source and what renders it.
    let mut pages: Vec<(&str, Page)> = Vec::new();
    for group in groups {
        for a in &group.articles {
            match codes.get(&(group.id.as_str(), a.code.as_str())) {
                Some(&(i, c)) => pages.push((&a.path, Page::Article(i, c))),
                None => {
                    let file = format!("{}/{}.yaml", group.id, a.code);
                    let why = errors
                        .get(&file)
                        .or_else(|| errors.get(&format!("{}/integration.yaml", group.id)))
                        .cloned()
                        .unwrap_or_else(|| "its rules do not load".into());
                    out.unloadable.push((a.path.clone(), a.code.clone(), why));
                }
            }
        }
        if let (Some(index), Some(i)) = (&group.index, base.integration(&group.id)) {
            pages.push((&index.path, Page::Index(i)));
        }
    }
    // Rendering and comparing is per page: on all cores, in page order.
    let compared = crate::util::parallel::map(
        &pages,
        || (),
        |_, (path, page)| {
            let rendered = match page {
                Page::Article(i, c) => renderer.help(i, c)?,
                Page::Index(i) => renderer.render(
                    crate::render::index::INDEX,
                    &crate::render::index::IndexContext::new(i),
                )?,
            };
            Ok::<_, crate::Error>(first_difference(&read(path), &rendered))
        },
    );
    out.checked += pages.len() + out.unloadable.len();
    for ((path, _), difference) in pages.iter().zip(compared) {
        match difference? {
            None => out.exact += 1,
            Some((line, expected, found)) => out.differences.push(Difference {
                path: path.to_string(),
                line,
                expected,
                found,
            }),
        }
    }
    Ok(out)
}

/// A page an import compares with its source.
enum Page<'b> {
    Article(&'b Integration, &'b Code),
    Index(&'b Integration),
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// The first line where `rendered` differs from `source`: front matter by
/// parsed value, then the body line by line.
pub fn first_difference(source: &str, rendered: &str) -> Option<(usize, String, String)> {
    let (fm_a, body_a) = crate::util::text::split_front_matter(source);
    let (fm_b, body_b) = crate::util::text::split_front_matter(rendered);
    // The same text is the same front matter; only different texts are parsed.
    let (a, b) = if fm_a == fm_b {
        (Vec::new(), Vec::new())
    } else {
        (
            front_matter::parse("source", fm_a, 2).unwrap_or_default(),
            front_matter::parse("rendered", fm_b, 2).unwrap_or_default(),
        )
    };
    for i in 0..a.len().max(b.len()) {
        let (x, y) = (a.get(i), b.get(i));
        if x.map(|e| (&e.key, &e.value)) != y.map(|e| (&e.key, &e.value)) {
            let line = x.or(y).map_or(1, |e| e.line);
            let show = |e: Option<&super::Entry>| {
                e.map_or("(nothing)".to_string(), |e| {
                    format!("{}: {:?}", e.key, e.value)
                })
            };
            return Some((line, show(x), show(y)));
        }
    }
    let offset = source.len() - body_a.len();
    let first_line = source[..offset].matches('\n').count() + 1;
    let lines_a: Vec<&str> = body_a.trim_end().lines().map(str::trim_end).collect();
    let lines_b: Vec<&str> = body_b.trim_end().lines().map(str::trim_end).collect();
    for i in 0..lines_a.len().max(lines_b.len()) {
        let (x, y) = (lines_a.get(i), lines_b.get(i));
        if x != y {
            let show =
                |l: Option<&&str>| l.map_or("(end of article)".to_string(), |l| l.to_string());
            return Some((first_line + i, show(x), show(y)));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_differing_line_is_named() {
        let a = "---\ntitle: A\n---\n\n# A\n\nx\n";
        assert_eq!(first_difference(a, a), None);
        assert_eq!(
            first_difference(a, "---\ntitle: \"A\"\n---\n\n# A\n\nx  \n"),
            None
        );
        let d = first_difference(a, "---\ntitle: A\n---\n\n# A\n\ny\n").unwrap();
        assert_eq!((d.0, d.1.as_str(), d.2.as_str()), (7, "x", "y"));
        assert_eq!(
            first_difference(a, "---\ntitle: B\n---\n\n# A\n\nx\n")
                .unwrap()
                .0,
            2
        );
    }
}
