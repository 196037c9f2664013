//! Tidy YAML for the rule files an import writes: block style, keys in a
//! fixed order, plain scalars wherever YAML reads them back unchanged, and
//! nothing empty.

/// A YAML value in the order it is written.
#[derive(Debug, Clone, PartialEq)]
pub enum Y {
    Str(String),
    /// Written as is: a number or a keyword (`all`, `none`, `true`).
    Raw(String),
    Seq(Vec<Y>),
    Map(Vec<(String, Y)>),
    /// `[a, b]` on one line.
    Flow(Vec<String>),
}

impl Y {
    pub fn str(s: impl Into<String>) -> Y {
        Y::Str(s.into())
    }

    /// A map without the entries whose value is empty.
    pub fn map(entries: Vec<(&str, Y)>) -> Y {
        Y::Map(
            entries
                .into_iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        )
    }

    pub fn opt(value: Option<impl Into<String>>) -> Y {
        value.map_or(Y::Seq(Vec::new()), |v| Y::Str(v.into()))
    }

    fn is_empty(&self) -> bool {
        match self {
            Y::Seq(v) => v.is_empty(),
            Y::Flow(v) => v.is_empty(),
            Y::Map(v) => v.is_empty(),
            _ => false,
        }
    }
}

/// A document: a header comment, then the top-level map with a blank line
/// between the entries named in `spaced`.
pub fn document(header: &str, value: &Y, spaced: &[&str]) -> String {
    let mut out = String::new();
    for line in header.lines() {
        out.push_str("# ");
        out.push_str(line);
        out.push('\n');
    }
    if let Y::Map(entries) = value {
        for (i, (k, v)) in entries.iter().enumerate() {
            if i > 0 && spaced.contains(&k.as_str()) {
                out.push('\n');
            }
            entry(&mut out, 0, k, v);
        }
    }
    out
}

fn entry(out: &mut String, indent: usize, key: &str, value: &Y) {
    let pad = " ".repeat(indent);
    match value {
        Y::Str(s) => out.push_str(&format!("{pad}{key}: {}\n", scalar(s))),
        Y::Raw(s) => out.push_str(&format!("{pad}{key}: {s}\n")),
        Y::Flow(items) => out.push_str(&format!("{pad}{key}: {}\n", flow(items))),
        Y::Map(entries) if entries.is_empty() => out.push_str(&format!("{pad}{key}: {{}}\n")),
        Y::Map(entries) => {
            out.push_str(&format!("{pad}{key}:\n"));
            for (k, v) in entries {
                entry(out, indent + 2, k, v);
            }
        }
        Y::Seq(items) => {
            out.push_str(&format!("{pad}{key}:\n"));
            for item in items {
                seq_item(out, indent + 2, item);
            }
        }
    }
}

fn seq_item(out: &mut String, indent: usize, value: &Y) {
    let pad = " ".repeat(indent);
    match value {
        Y::Str(s) => out.push_str(&format!("{pad}- {}\n", scalar(s))),
        Y::Raw(s) => out.push_str(&format!("{pad}- {s}\n")),
        Y::Flow(items) => out.push_str(&format!("{pad}- {}\n", flow(items))),
        Y::Map(entries) if entries.is_empty() => out.push_str(&format!("{pad}- {{}}\n")),
        Y::Map(entries) => {
            // The first entry shares the dash's line; the rest line up under it.
            let mut first = String::new();
            entry(&mut first, indent + 2, &entries[0].0, &entries[0].1);
            out.push_str(&pad);
            out.push_str("- ");
            out.push_str(&first[indent + 2..]);
            for (k, v) in &entries[1..] {
                entry(out, indent + 2, k, v);
            }
        }
        Y::Seq(items) => {
            out.push_str(&format!("{pad}-\n"));
            for item in items {
                seq_item(out, indent + 2, item);
            }
        }
    }
}

fn flow(items: &[String]) -> String {
    let items: Vec<String> = items
        .iter()
        .map(|s| {
            if s.contains([',', '[', ']', '{', '}']) {
                quoted(s)
            } else {
                scalar(s)
            }
        })
        .collect();
    format!("[{}]", items.join(", "))
}

/// The text as a plain scalar when YAML reads that back as the same string,
/// else double-quoted: the front matter's rules, one emitter for both.
pub fn scalar(s: &str) -> String {
    crate::render::yaml_scalar(s.to_string())
}

fn quoted(s: &str) -> String {
    crate::render::yaml_quoted(s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_are_plain_only_when_they_read_back_the_same() {
        assert_eq!(scalar("Click **Save**."), "Click **Save**.");
        assert_eq!(scalar("**Save** it."), "\"**Save** it.\"");
        assert_eq!(
            scalar("Common causes include:"),
            "\"Common causes include:\""
        );
        assert_eq!(scalar("A: b"), "\"A: b\"");
        assert_eq!(scalar("yes"), "\"yes\"");
        assert_eq!(scalar("42"), "\"42\"");
        assert_eq!(scalar("[X] failed"), "\"[X] failed\"");
        assert_eq!(scalar("a\rb"), "\"a\\rb\"");
    }

    #[test]
    fn documents_are_block_style_with_nothing_empty() {
        let y = Y::map(vec![
            ("code", Y::str("LG101")),
            ("patterns", Y::Seq(Vec::new())),
            (
                "faq",
                Y::Seq(vec![Y::map(vec![
                    ("question", Y::str("Why?")),
                    ("answer", Y::str("No. Because.")),
                ])]),
            ),
            ("escalation", Y::Raw("{}".into())),
            ("fixes", Y::Flow(vec!["a".into(), "b".into()])),
        ]);
        assert_eq!(
            document("head", &y, &["faq"]),
            "# head\ncode: LG101\n\nfaq:\n  - question: Why?\n    answer: No. Because.\nescalation: {}\nfixes: [a, b]\n"
        );
    }
}
