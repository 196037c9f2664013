//! Validated presentation: ordered blocks of inline-Markdown text, and the
//! Markdown an article prints for them under a [`Layout`].

use serde::Serialize;

use super::layout::Layout;

/// One block of an article's body.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "type", content = "content", rename_all = "snake_case")]
pub enum Block {
    Paragraph(String),
    Steps(Vec<Item>),
    Bullets(Vec<Item>),
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    Note(String),
    Tip(String),
    /// Labelled alternatives, each with its own blocks.
    Variants(Vec<Variant>),
    Section {
        title: String,
        body: Vec<Block>,
    },
    /// The cause list of the "Why" section: its items' texts, in order.
    Causes(Vec<String>),
}

/// A list item and what is nested under it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Item {
    pub text: String,
    pub body: Vec<Block>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Variant {
    pub label: String,
    pub body: Vec<Block>,
}

impl Item {
    pub fn text(text: impl Into<String>) -> Item {
        Item {
            text: text.into(),
            body: Vec::new(),
        }
    }

    /// The item's text with what is nested under it, as one line.
    pub fn line(&self) -> String {
        let mut parts = vec![self.text.clone()];
        for block in &self.body {
            parts.extend(block.lines());
        }
        parts.join(" ")
    }
}

impl Block {
    /// The block's text as lines: one per paragraph or list item, a
    /// variant's label before its lines, a table row's cells joined.
    pub fn lines(&self) -> Vec<String> {
        match self {
            Block::Paragraph(t) | Block::Note(t) | Block::Tip(t) => vec![t.clone()],
            Block::Steps(items) | Block::Bullets(items) => items.iter().map(Item::line).collect(),
            Block::Table { header, rows } => std::iter::once(header)
                .chain(rows)
                .map(|r| r.join(" | "))
                .collect(),
            Block::Variants(variants) => variants
                .iter()
                .flat_map(|v| std::iter::once(v.label.clone()).chain(lines(&v.body)))
                .collect(),
            Block::Section { title, body } => {
                std::iter::once(title.clone()).chain(lines(body)).collect()
            }
            Block::Causes(items) => items.clone(),
        }
    }

    /// Every text the block holds, for lints and search.
    pub fn texts(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.collect_texts(&mut out);
        out
    }

    fn collect_texts<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Block::Paragraph(t) | Block::Note(t) | Block::Tip(t) => out.push(t),
            Block::Steps(items) | Block::Bullets(items) => {
                for item in items {
                    out.push(&item.text);
                    item.body.iter().for_each(|b| b.collect_texts(out));
                }
            }
            Block::Table { header, rows } => out.extend(
                header
                    .iter()
                    .chain(rows.iter().flatten())
                    .map(String::as_str),
            ),
            Block::Variants(variants) => {
                for v in variants {
                    out.push(&v.label);
                    v.body.iter().for_each(|b| b.collect_texts(out));
                }
            }
            Block::Section { title, body } => {
                out.push(title);
                body.iter().for_each(|b| b.collect_texts(out));
            }
            Block::Causes(items) => out.extend(items.iter().map(String::as_str)),
        }
    }
}

/// The lines of several blocks, in order.
pub fn lines(blocks: &[Block]) -> Vec<String> {
    blocks.iter().flat_map(Block::lines).collect()
}

/// The Markdown of blocks under a heading of `level` (sub-sections and
/// variant headings go below it). Blocks are separated by one blank line.
pub fn markdown(blocks: &[Block], level: u8, layout: &Layout) -> String {
    let mut out = Vec::new();
    for block in blocks {
        out.push(block_markdown(block, level, layout));
    }
    out.join("\n\n")
}

fn block_markdown(block: &Block, level: u8, layout: &Layout) -> String {
    match block {
        Block::Paragraph(t) => t.clone(),
        Block::Note(t) => format!("{} {t}", layout.note_label),
        Block::Tip(t) => format!("{} {t}", layout.tip_label),
        Block::Steps(items) => list(items, true, level, layout),
        Block::Bullets(items) => list(items, false, level, layout),
        Block::Causes(items) => items
            .iter()
            .map(|i| format!("- {i}"))
            .collect::<Vec<_>>()
            .join("\n"),
        Block::Table { header, rows } => {
            // A `|` inside a cell would end it: written as `\|`, as the help site's tables have it.
            let cell = |c: &String| {
                let mut out = String::with_capacity(c.len());
                let mut escaped = false;
                for ch in c.chars() {
                    if ch == '|' && !escaped {
                        out.push('\\');
                    }
                    escaped = ch == '\\' && !escaped;
                    out.push(ch);
                }
                out
            };
            let row = |cells: &[String]| {
                let cells: Vec<String> = cells.iter().map(cell).collect();
                format!("| {} |", cells.join(" | "))
            };
            let mut lines = vec![row(header), row(&vec!["---".to_string(); header.len()])];
            lines.extend(rows.iter().map(|r| row(r)));
            lines.join("\n")
        }
        Block::Variants(variants) => variants
            .iter()
            .map(|v| {
                // A label written for a line ("On web:") loses its colon as a heading.
                let label = match layout.variant_heading(level) {
                    Some(l) => heading(l, v.label.trim_end_matches(':')),
                    None => v.label.clone(),
                };
                let body = markdown(
                    &v.body,
                    layout.variant_heading(level).unwrap_or(level),
                    layout,
                );
                format!("{label}\n\n{body}")
            })
            .collect::<Vec<_>>()
            .join("\n\n"),
        Block::Section { title, body } => {
            let l = layout.section_level(level);
            format!("{}\n\n{}", heading(l, title), markdown(body, l, layout))
        }
    }
}

/// `## Title` for level 2.
pub fn heading(level: u8, text: &str) -> String {
    format!("{} {text}", "#".repeat(usize::from(level)))
}

/// A list; what is nested under an item is indented to the item's text.
/// A nested list hangs directly under its item; a nested paragraph is set
/// apart by blank lines, as Markdown needs.
fn list(items: &[Item], numbered: bool, level: u8, layout: &Layout) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        let marker = if numbered {
            format!("{}. ", i + 1)
        } else {
            "- ".to_string()
        };
        let indent = " ".repeat(marker.len());
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&marker);
        out.push_str(&item.text);
        for block in &item.body {
            let nested = block_markdown(block, level, layout);
            let loose = !matches!(block, Block::Steps(_) | Block::Bullets(_));
            out.push_str(if loose { "\n\n" } else { "\n" });
            let indented: Vec<String> = nested
                .lines()
                .map(|l| {
                    if l.is_empty() {
                        String::new()
                    } else {
                        format!("{indent}{l}")
                    }
                })
                .collect();
            out.push_str(&indented.join("\n"));
            if loose && i + 1 < items.len() {
                out.push('\n');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout() -> Layout {
        Layout::default()
    }

    #[test]
    fn nested_bullets_hang_under_the_step_text() {
        let mut steps: Vec<Item> = (1..=10).map(|i| Item::text(format!("Step {i}."))).collect();
        steps[0].body = vec![Block::Bullets(vec![Item::text("a"), Item::text("b")])];
        steps[9].body = vec![Block::Bullets(vec![Item::text("c")])];
        let md = markdown(&[Block::Steps(steps)], 2, &layout());
        assert!(
            md.starts_with("1. Step 1.\n   - a\n   - b\n2. Step 2."),
            "{md}"
        );
        assert!(md.ends_with("10. Step 10.\n    - c"), "{md}");
    }

    #[test]
    fn tables_and_notes_print_in_the_help_site_shape() {
        let blocks = [
            Block::Table {
                header: vec!["Permission".into(), "Level".into()],
                rows: vec![vec!["Lists".into(), "Full".into()]],
            },
            Block::Note("Save first.".into()),
        ];
        assert_eq!(
            markdown(&blocks, 2, &layout()),
            "| Permission | Level |\n| --- | --- |\n| Lists | Full |\n\n**Note:** Save first."
        );
    }

    #[test]
    fn a_pipe_in_a_table_cell_is_escaped_once() {
        let t = Block::Table {
            header: vec!["Role".into(), "Can | do".into()],
            rows: vec![vec!["Owner".into(), "a \\| b".into()]],
        };
        assert_eq!(
            markdown(&[t], 2, &layout()),
            "| Role | Can \\| do |\n| --- | --- |\n| Owner | a \\| b |"
        );
    }

    #[test]
    fn variants_print_as_lines_or_headings() {
        let v = Block::Variants(vec![
            Variant {
                label: "On web:".into(),
                body: vec![Block::Steps(vec![Item::text("Click A.")])],
            },
            Variant {
                label: "On mobile:".into(),
                body: vec![Block::Steps(vec![Item::text("Tap A.")])],
            },
        ]);
        assert_eq!(
            markdown(std::slice::from_ref(&v), 2, &layout()),
            "On web:\n\n1. Click A.\n\nOn mobile:\n\n1. Tap A."
        );
        let headed = Layout {
            variant_label: crate::rules::raw::VariantLabel::Heading,
            ..Layout::default()
        };
        assert!(markdown(&[v], 2, &headed).starts_with("### On web\n\n1. Click A."));
    }
}
