//! One help article's Markdown → an outline of its blocks.
//!
//! pulldown-cmark finds the blocks; each block's text is then cut from the
//! source by the byte range of its inline events, never re-rendered, so that
//! a renderer given the outline can reproduce the article byte for byte.

use std::iter::Peekable;
use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{Event, OffsetIter, Options, Parser, Tag, TagEnd};

pub use super::error::ArticleError;
pub use super::front_matter::{Entry, FrontValue};

/// Far above any help article; a bound for hostile input.
pub const MAX_ARTICLE_BYTES: u64 = 1024 * 1024;

/// An article: front matter entries, then the body's blocks in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub front_matter: Vec<Entry>,
    /// 1-based line where the body starts: the line after the closing `---`.
    pub body_line: usize,
    pub nodes: Vec<Node>,
}

/// A block of the body. `text` is the exact source of the inline Markdown
/// (no `#` or list marker); `line` is 1-based in the whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Heading {
        level: u8,
        text: String,
        line: usize,
    },
    Paragraph {
        text: String,
        line: usize,
    },
    /// A tight list; `start` is the first number of an ordered list, 1 for bullets.
    List {
        ordered: bool,
        start: u64,
        items: Vec<Item>,
        line: usize,
    },
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
        line: usize,
    },
    /// A `---` thematic break.
    Rule {
        line: usize,
    },
    /// A block the help-site format does not use: "HTML", "code block",
    /// "block quote", "image", "loose list", …; the block is skipped whole.
    Unsupported {
        what: &'static str,
        line: usize,
    },
}

impl Node {
    /// The 1-based line the block starts on.
    pub fn line(&self) -> usize {
        match self {
            Node::Heading { line, .. }
            | Node::Paragraph { line, .. }
            | Node::List { line, .. }
            | Node::Table { line, .. }
            | Node::Rule { line }
            | Node::Unsupported { line, .. } => *line,
        }
    }
}

/// A list item: its first paragraph (without the marker) and what is nested
/// under it, e.g. a list of bullets under a numbered step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub text: String,
    pub children: Vec<Node>,
    pub line: usize,
}

/// Reads the article at `path` (at most [`MAX_ARTICLE_BYTES`]) and outlines it.
pub fn read(path: &Path) -> Result<Document, ArticleError> {
    let name = path.display().to_string();
    let bytes = crate::diag::read_bounded(path, MAX_ARTICLE_BYTES)
        .map_err(|source| ArticleError::Io {
            path: name.clone(),
            source,
        })?
        .ok_or_else(|| ArticleError::TooLarge {
            path: name.clone(),
            limit: MAX_ARTICLE_BYTES,
        })?;
    parse_bytes(&name, &bytes)
}

/// Outlines an article given as bytes; `path` names it in errors.
pub fn parse_bytes(path: &str, bytes: &[u8]) -> Result<Document, ArticleError> {
    let text = std::str::from_utf8(bytes).map_err(|e| ArticleError::NotUtf8 {
        path: path.to_string(),
        line: 1 + bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count(),
    })?;
    parse(path, text)
}

/// Outlines an article's text; `path` names it in errors.
pub fn parse(path: &str, markdown: &str) -> Result<Document, ArticleError> {
    if markdown.len() as u64 > MAX_ARTICLE_BYTES {
        return Err(ArticleError::TooLarge {
            path: path.to_string(),
            limit: MAX_ARTICLE_BYTES,
        });
    }
    plain_text(path, markdown)?;
    let (yaml, body) = crate::util::text::split_front_matter(markdown);
    if body.len() == markdown.len() {
        return Err(ArticleError::NoFrontMatter {
            path: path.to_string(),
        });
    }
    // The YAML starts after the opening `---` line.
    let front_matter = super::front_matter::parse(path, yaml, 2)?;
    let lines = LineStarts::new(markdown);
    let base = markdown.len() - body.len();
    let mut nodes = Outline::new(body, base, &lines).blocks();
    for node in unseen_blocks(body, base, &lines) {
        let at = nodes.partition_point(|n| n.line() < node.line());
        nodes.insert(at, node);
    }
    Ok(Document {
        front_matter,
        body_line: lines.line_of(base),
        nodes,
    })
}

/// Refuses what would otherwise read as "no front matter" or break the byte
/// round trip: a byte-order mark, CR line endings.
fn plain_text(path: &str, markdown: &str) -> Result<(), ArticleError> {
    if markdown.starts_with('\u{feff}') {
        return Err(ArticleError::ByteOrderMark {
            path: path.to_string(),
        });
    }
    match markdown.find('\r') {
        Some(at) => Err(ArticleError::CarriageReturn {
            path: path.to_string(),
            line: 1 + markdown[..at].matches('\n').count(),
        }),
        None => Ok(()),
    }
}

/// Source between top-level blocks that makes no event at all: link
/// reference definitions (`[x]: https://…`), which would silently turn a
/// `[X]` placeholder into a link.
fn unseen_blocks(body: &str, base: usize, lines: &LineStarts) -> Vec<Node> {
    let mut gaps = Vec::new();
    let (mut depth, mut covered) = (0usize, 0usize);
    for (event, range) in Parser::new_ext(body, Options::ENABLE_TABLES).into_offset_iter() {
        if depth == 0 {
            gaps.push(covered..range.start);
            covered = covered.max(range.end);
        }
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    gaps.push(covered..body.len());
    gaps.into_iter()
        .filter_map(|gap| {
            let skip = body.get(gap.clone())?.find(|c: char| !c.is_whitespace())?;
            Some(Node::Unsupported {
                what: "link reference definition",
                line: lines.line_of(base + gap.start + skip),
            })
        })
        .collect()
}

/// Byte offsets where the lines of a text start, for offset → line.
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineStarts(starts)
    }

    /// The 1-based line holding byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.0.partition_point(|&start| start <= offset)
    }
}

/// Inline content: the source it spans and the first unsupported thing in it.
struct Inline {
    text: String,
    unsupported: Option<&'static str>,
}

/// A walk over the body's events that builds the outline.
struct Outline<'s, 'l> {
    events: Peekable<OffsetIter<'s>>,
    body: &'s str,
    /// Byte offset of the body in the whole file.
    base: usize,
    lines: &'l LineStarts,
}

impl<'s, 'l> Outline<'s, 'l> {
    fn new(body: &'s str, base: usize, lines: &'l LineStarts) -> Self {
        let events = Parser::new_ext(body, Options::ENABLE_TABLES)
            .into_offset_iter()
            .peekable();
        Outline {
            events,
            body,
            base,
            lines,
        }
    }

    fn line(&self, body_offset: usize) -> usize {
        self.lines.line_of(self.base + body_offset)
    }

    /// Blocks up to the end of the enclosing container (its end not consumed).
    fn blocks(&mut self) -> Vec<Node> {
        let mut nodes = Vec::new();
        while let Some((event, range)) = self.events.peek() {
            if matches!(event, Event::End(_)) {
                break;
            }
            if is_inline(event) {
                // Text of a tight item after a nested block.
                let at = range.start;
                let line = self.line(at);
                nodes.push(self.leaf(line, |text, line| Node::Paragraph { text, line }));
                continue;
            }
            let Some((event, range)) = self.events.next() else {
                break;
            };
            nodes.extend(self.block(event, range));
        }
        nodes
    }

    /// The block that `event` (just consumed) opens.
    fn block(&mut self, event: Event<'s>, range: Range<usize>) -> Option<Node> {
        let line = self.line(range.start);
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                Some(self.closed_leaf(line, |text, line| Node::Heading {
                    level: level as u8,
                    text,
                    line,
                }))
            }
            Event::Start(Tag::Paragraph) => {
                Some(self.closed_leaf(line, |text, line| Node::Paragraph { text, line }))
            }
            Event::Start(Tag::List(start)) => Some(self.list(start, line)),
            Event::Start(Tag::Table(_)) => Some(self.table(line)),
            Event::Start(tag) => {
                self.skip_to_end();
                Some(Node::Unsupported {
                    what: unsupported_block(&tag),
                    line,
                })
            }
            Event::Rule => Some(Node::Rule { line }),
            Event::Html(_) | Event::InlineHtml(_) => Some(Node::Unsupported { what: "HTML", line }),
            _ => None,
        }
    }

    /// A heading or paragraph: its inline content, then its end.
    fn closed_leaf(&mut self, line: usize, make: impl FnOnce(String, usize) -> Node) -> Node {
        let node = self.leaf(line, make);
        self.events.next();
        node
    }

    /// Inline content made into a node, or the unsupported thing inside it.
    fn leaf(&mut self, line: usize, make: impl FnOnce(String, usize) -> Node) -> Node {
        let inline = self.inline();
        match inline.unsupported {
            Some(what) => Node::Unsupported { what, line },
            None => make(inline.text, line),
        }
    }

    /// Consumes the inline events up to the next block or the container's
    /// end, and cuts their source out of the body.
    fn inline(&mut self) -> Inline {
        let mut span: Option<Range<usize>> = None;
        let mut unsupported = None;
        let mut depth = 0usize;
        while let Some((event, _)) = self.events.peek() {
            let opens_block = matches!(event, Event::Start(tag) if !is_inline_tag(tag));
            if depth == 0 && (opens_block || matches!(event, Event::End(_) | Event::Rule)) {
                break;
            }
            let Some((event, range)) = self.events.next() else {
                break;
            };
            match event {
                Event::Start(Tag::Image { .. }) => unsupported = unsupported.or(Some("image")),
                Event::InlineHtml(_) | Event::Html(_) => unsupported = unsupported.or(Some("HTML")),
                _ => {}
            }
            match event {
                Event::Start(_) => depth += 1,
                Event::End(_) => depth = depth.saturating_sub(1),
                _ => {}
            }
            span = Some(match span {
                Some(s) => s.start.min(range.start)..s.end.max(range.end),
                None => range,
            });
        }
        let text = span.and_then(|r| self.body.get(r)).unwrap_or_default();
        Inline {
            text: text.to_string(),
            unsupported,
        }
    }

    /// A list (its start consumed) through its end; a loose list, or one with
    /// an unsupported item, is unsupported whole.
    fn list(&mut self, start: Option<u64>, line: usize) -> Node {
        let mut items = Vec::new();
        let mut unsupported = None;
        while let Some((event, range)) = self.events.next() {
            match event {
                Event::Start(Tag::Item) => items.push(self.item(range.start, &mut unsupported)),
                Event::End(TagEnd::List(_)) => break,
                _ => {}
            }
        }
        match unsupported {
            Some(what) => Node::Unsupported { what, line },
            None => Node::List {
                ordered: start.is_some(),
                start: start.unwrap_or(1),
                items,
                line,
            },
        }
    }

    /// One item (its start at `at` consumed) through its end.
    fn item(&mut self, at: usize, unsupported: &mut Option<&'static str>) -> Item {
        let line = self.line(at);
        // A tight item's text is bare inline events; a loose one's is a paragraph.
        if let Some((Event::Start(Tag::Paragraph), _)) = self.events.peek() {
            unsupported.get_or_insert("loose list");
        }
        let inline = self.inline();
        if let Some(what) = inline.unsupported {
            unsupported.get_or_insert(what);
        }
        let children = self.blocks();
        self.events.next();
        Item {
            text: inline.text,
            children,
            line,
        }
    }

    /// A table (its start consumed) through its end.
    fn table(&mut self, line: usize) -> Node {
        let mut header = Vec::new();
        let mut rows = Vec::new();
        let mut unsupported = None;
        while let Some((event, _)) = self.events.next() {
            match event {
                Event::Start(Tag::TableHead) => header = self.cells(&mut unsupported),
                Event::Start(Tag::TableRow) => rows.push(self.cells(&mut unsupported)),
                Event::End(TagEnd::Table) => break,
                _ => {}
            }
        }
        match unsupported {
            Some(what) => Node::Unsupported { what, line },
            None => Node::Table { header, rows, line },
        }
    }

    /// The cells of a header or row (its start consumed) through its end.
    fn cells(&mut self, unsupported: &mut Option<&'static str>) -> Vec<String> {
        let mut cells = Vec::new();
        while let Some((event, _)) = self.events.next() {
            match event {
                Event::Start(Tag::TableCell) => {
                    let inline = self.inline();
                    *unsupported = unsupported.or(inline.unsupported);
                    cells.push(inline.text);
                    self.events.next();
                }
                Event::End(TagEnd::TableHead | TagEnd::TableRow) => break,
                _ => {}
            }
        }
        cells
    }

    /// Consumes events through the end of the block just opened.
    fn skip_to_end(&mut self) {
        let mut depth = 1usize;
        for (event, _) in self.events.by_ref() {
            match event {
                Event::Start(_) => depth += 1,
                Event::End(_) => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                break;
            }
        }
    }
}

/// Whether an event belongs to inline content.
fn is_inline(event: &Event) -> bool {
    match event {
        Event::Start(tag) => is_inline_tag(tag),
        Event::End(_) | Event::Rule | Event::Html(_) | Event::DisplayMath(_) => false,
        _ => true,
    }
}

fn is_inline_tag(tag: &Tag) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

/// What to call a block the help-site format does not use.
fn unsupported_block(tag: &Tag) -> &'static str {
    match tag {
        Tag::HtmlBlock => "HTML",
        Tag::CodeBlock(_) => "code block",
        Tag::BlockQuote(_) => "block quote",
        Tag::FootnoteDefinition(_) => "footnote",
        Tag::DefinitionList => "definition list",
        Tag::MetadataBlock(_) => "metadata block",
        _ => "block",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;
    use std::path::PathBuf;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/articles");

    /// Every article and index page under the fixtures, with its text.
    fn fixtures() -> Vec<(PathBuf, String)> {
        fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "md")
                    && path
                        .components()
                        .any(|c| c.as_os_str() == "Troubleshooting")
                {
                    out.push(path);
                }
            }
        }
        let mut paths = Vec::new();
        walk(Path::new(FIXTURES), &mut paths);
        paths.sort();
        paths
            .into_iter()
            .map(|p| {
                let text = std::fs::read_to_string(&p).unwrap();
                (p, text)
            })
            .collect()
    }

    fn fixture(rel: &str) -> Document {
        read(&Path::new(FIXTURES).join(rel)).unwrap()
    }

    /// Every node, nested ones included, in document order.
    fn walk<'d>(nodes: &'d [Node], out: &mut Vec<&'d Node>) {
        for node in nodes {
            out.push(node);
            if let Node::List { items, .. } = node {
                for item in items {
                    walk(&item.children, out);
                }
            }
        }
    }

    /// The article again, written with the help site's conventions.
    fn rejoin(doc: &Document) -> String {
        let mut out = String::from("---\n");
        for entry in &doc.front_matter {
            let value = match (&entry.value, entry.key.as_str()) {
                (FrontValue::String(s), "displayTitle") => format!("\"{s}\""),
                (FrontValue::String(s), _) => s.clone(),
                (FrontValue::List(items), _) => format!("[{}]", items.join(", ")),
            };
            writeln!(out, "{}: {value}", entry.key).unwrap();
        }
        let blocks: Vec<String> = doc.nodes.iter().map(|n| rejoin_block(n, "")).collect();
        write!(out, "---\n\n{}\n", blocks.join("\n\n")).unwrap();
        out
    }

    fn rejoin_block(node: &Node, indent: &str) -> String {
        match node {
            Node::Heading { level, text, .. } => {
                format!("{} {text}", "#".repeat(usize::from(*level)))
            }
            Node::Paragraph { text, .. } => text.clone(),
            Node::List {
                ordered,
                start,
                items,
                ..
            } => {
                let mut lines = Vec::new();
                for (n, item) in (*start..).zip(items) {
                    let marker = if *ordered {
                        format!("{n}. ")
                    } else {
                        "- ".to_string()
                    };
                    lines.push(format!("{indent}{marker}{}", item.text));
                    let inner = format!("{indent}{}", " ".repeat(marker.len()));
                    lines.extend(item.children.iter().map(|c| rejoin_block(c, &inner)));
                }
                lines.join("\n")
            }
            Node::Table { header, rows, .. } => {
                let row = |cells: &[String]| format!("| {} |", cells.join(" | "));
                let rule = vec!["---".to_string(); header.len()];
                std::iter::once(row(header))
                    .chain(std::iter::once(row(&rule)))
                    .chain(rows.iter().map(|r| row(r)))
                    .collect::<Vec<_>>()
                    .join("\n")
            }
            Node::Rule { .. } => "---".to_string(),
            Node::Unsupported { what, line } => panic!("{what} at line {line}"),
        }
    }

    fn errors(markdown: &str) -> String {
        parse("a.md", markdown).unwrap_err().to_string()
    }

    fn body(markdown: &str) -> Vec<Node> {
        parse("a.md", &format!("---\ntitle: A\n---\n\n{markdown}"))
            .unwrap()
            .nodes
    }

    #[test]
    fn every_fixture_outlines_with_supported_blocks_only() {
        let all = fixtures();
        assert_eq!(all.len(), 15, "12 articles and 3 index pages");
        for (path, text) in &all {
            let doc = parse(&path.display().to_string(), text).unwrap();
            let mut nodes = Vec::new();
            walk(&doc.nodes, &mut nodes);
            let odd: Vec<_> = nodes
                .iter()
                .filter(|n| matches!(n, Node::Unsupported { .. }))
                .collect();
            assert!(odd.is_empty(), "{}: {odd:?}", path.display());
        }
    }

    #[test]
    fn rejoining_the_outline_gives_back_every_fixture_byte_for_byte() {
        for (path, text) in fixtures() {
            let doc = parse(&path.display().to_string(), &text).unwrap();
            assert_eq!(rejoin(&doc), text, "{}", path.display());
        }
    }

    #[test]
    fn every_text_is_verbatim_in_the_source_at_its_line() {
        let marker = regex::Regex::new(r"^ *(\d+\. |- )").unwrap();
        for (path, text) in fixtures() {
            let doc = parse(&path.display().to_string(), &text).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            let mut nodes = Vec::new();
            walk(&doc.nodes, &mut nodes);
            for node in nodes {
                let at = lines[node.line() - 1];
                let here = format!("{}:{}", path.display(), node.line());
                match node {
                    Node::Paragraph { text, .. } => assert_eq!(at, text, "{here}"),
                    Node::Heading { level, text, .. } => {
                        let heading = format!("{} {text}", "#".repeat(usize::from(*level)));
                        assert_eq!(at, heading, "{here}");
                    }
                    Node::List { items, .. } => {
                        for item in items {
                            let at = lines[item.line - 1];
                            let rest = marker.replace(at, "");
                            assert_eq!(rest, item.text.as_str(), "{here}");
                        }
                    }
                    Node::Table { header, .. } => {
                        assert_eq!(at, format!("| {} |", header.join(" | ")), "{here}");
                    }
                    Node::Rule { .. } => assert_eq!(at, "---", "{here}"),
                    Node::Unsupported { .. } => panic!("{here}"),
                }
            }
        }
    }

    #[test]
    fn front_matter_entries_keep_their_order_values_and_lines() {
        let doc = fixture("Ledgerly/Troubleshooting/Sync-Errors/LG101-Sync-Error.md");
        let keys: Vec<(&str, usize)> = doc
            .front_matter
            .iter()
            .map(|e| (e.key.as_str(), e.line))
            .collect();
        assert_eq!(
            keys,
            [
                ("title", 2),
                ("description", 3),
                ("keywords", 4),
                ("internalScope", 5),
                ("displayTitle", 6)
            ]
        );
        assert_eq!(
            doc.front_matter[4].value,
            FrontValue::String("LG101 Sync Error: Ledger connection expired".into())
        );
        assert_eq!(doc.body_line, 8);
        assert_eq!(doc.nodes[0].line(), 9);

        let order = fixture("Tallybook/Troubleshooting/Sync-Errors/TB0042-Sync-Error.md");
        let last = order.front_matter.last().unwrap();
        assert_eq!(
            (last.key.as_str(), &last.value),
            ("order", &FrontValue::String("3".into()))
        );

        let index = fixture("Ledgerly/Troubleshooting/Common-Ledgerly-Errors.md");
        let FrontValue::List(keywords) = &index.front_matter[2].value else {
            panic!("{:?}", index.front_matter[2]);
        };
        assert_eq!(
            keywords.first().map(String::as_str),
            Some("Ledgerly errors")
        );
        assert_eq!(keywords.last().map(String::as_str), Some("Workspace Admin"));
    }

    #[test]
    fn a_step_holds_its_nested_bullets_as_children() {
        let doc = fixture("Tallybook/Troubleshooting/Sync-Errors/TB0107-Sync-Error.md");
        let steps = doc
            .nodes
            .iter()
            .find_map(|n| match n {
                Node::List {
                    ordered: true,
                    items,
                    line: 45,
                    ..
                } => Some(items),
                _ => None,
            })
            .unwrap();
        assert_eq!(steps.len(), 4);
        assert_eq!(steps[2].text, "Set **Posting date** to one of:");
        assert_eq!(steps[2].line, 47);
        let bullets = |texts: &[&str], first: usize| Node::List {
            ordered: false,
            start: 1,
            items: texts
                .iter()
                .zip(first..)
                .map(|(text, line)| Item {
                    text: text.to_string(),
                    children: vec![],
                    line,
                })
                .collect(),
            line: first,
        };
        assert_eq!(
            steps[2].children,
            [bullets(
                &["**Date of last expense**", "**Date exported**"],
                48
            )]
        );
        assert_eq!(steps[3].text, "Click **Save**.");
        assert!(steps[3].children.is_empty());

        let doc = fixture("Ledgerly/Troubleshooting/Export-Errors/LG230-Export-Error.md");
        let mut nodes = Vec::new();
        walk(&doc.nodes, &mut nodes);
        let under_ten = nodes.iter().find(|n| n.line() == 66).unwrap();
        let Node::List {
            ordered: false,
            items,
            ..
        } = under_ten
        else {
            panic!("{under_ten:?}");
        };
        assert_eq!(items[1].text, "Rules with `&` in the merchant name.");
    }

    #[test]
    fn a_table_keeps_its_header_and_rows_as_source_text() {
        let doc = fixture("Paystream/Troubleshooting/Connection-Errors/PS58-Connection-Error.md");
        let table = doc
            .nodes
            .iter()
            .find(|n| matches!(n, Node::Table { .. }))
            .unwrap();
        let row = |a: &str, b: &str| vec![a.to_string(), b.to_string()];
        assert_eq!(
            *table,
            Node::Table {
                header: row("Permission", "Level"),
                rows: vec![
                    row("Payouts", "Write"),
                    row("Payees", "Write"),
                    row("Funding accounts", "Read"),
                    row("Batches", "Write"),
                    row("Webhooks", "Read"),
                ],
                line: 35,
            }
        );
    }

    #[test]
    fn headings_keep_their_levels_text_and_lines_in_order() {
        let doc = fixture("Paystream/Troubleshooting/Export-Errors/PS12-Export-Error.md");
        let headings: Vec<(u8, &str, usize)> = doc
            .nodes
            .iter()
            .filter_map(|n| match n {
                Node::Heading { level, text, line } => Some((*level, text.as_str(), *line)),
                _ => None,
            })
            .collect();
        assert_eq!(
            headings,
            [
                (1, "PS12 Export Error in Paystream Integration", 8),
                (2, "Why the PS12 Export Error Happens in Paystream", 18),
                (2, "Ask the Employee to Add a Bank Account", 34),
                (3, "On Web", 36),
                (3, "On Mobile", 42),
                (2, "Export the Report Again", 49),
                (3, "Check the Bank Account Status", 51),
                (3, "Retry the Export", 56),
                (4, "If the Export Button Is Missing", 61),
                (1, "FAQ", 67),
                (
                    2,
                    "Can a Workspace Admin Add the Bank Account for the Employee?",
                    69
                ),
                (2, "How Long Does Verification Take?", 73),
                (
                    2,
                    "Does the Report Need to Be Approved Again After the Retry?",
                    77
                ),
            ]
        );
    }

    #[test]
    fn text_is_the_source_not_a_rendering() {
        let nodes = body(
            "Click **Save** in `Settings` \\[or\\] see [the guide](../A.md).\n\nCode [XX/XX/XXXX] for 'user@example.com' &amp; more.\n",
        );
        let texts: Vec<&str> = nodes
            .iter()
            .map(|n| match n {
                Node::Paragraph { text, .. } => text.as_str(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            texts,
            [
                "Click **Save** in `Settings` \\[or\\] see [the guide](../A.md).",
                "Code [XX/XX/XXXX] for 'user@example.com' &amp; more."
            ]
        );
    }

    #[test]
    fn a_wrapped_paragraph_keeps_its_line_break_and_its_first_line() {
        let nodes = body("One\ntwo.\n\n---\n");
        assert_eq!(
            nodes,
            [
                Node::Paragraph {
                    text: "One\ntwo.".into(),
                    line: 5
                },
                Node::Rule { line: 8 }
            ]
        );
    }

    #[test]
    fn what_the_format_does_not_use_is_marked_unsupported_at_its_line() {
        let cases = [
            ("<div>x</div>\n", "HTML"),
            ("Text <b>bold</b>.\n", "HTML"),
            ("```\ncode\n```\n", "code block"),
            ("    indented code\n", "code block"),
            ("> quoted\n", "block quote"),
            ("See ![a](b.png).\n", "image"),
            ("- a\n\n- b\n", "loose list"),
            ("1. Step with ![a](b.png)\n", "image"),
            ("| a | b |\n| --- | --- |\n| <i>x</i> | y |\n", "HTML"),
            ("[x]: https://example.com\n", "link reference definition"),
        ];
        for (markdown, what) in cases {
            let nodes = body(&format!("# T\n\n{markdown}\nAfter.\n"));
            assert_eq!(
                nodes,
                [
                    Node::Heading {
                        level: 1,
                        text: "T".into(),
                        line: 5
                    },
                    Node::Unsupported { what, line: 7 },
                    Node::Paragraph {
                        text: "After.".into(),
                        line: 8 + markdown.lines().count()
                    },
                ],
                "{markdown:?}"
            );
        }
    }

    #[test]
    fn broken_articles_say_what_and_where() {
        assert_eq!(
            errors("# No front matter\n"),
            "a.md:1: no front matter; an article starts with a `---` line, its `key: value` lines and another `---` line"
        );
        assert!(
            errors("---\ntitle: A\nkeywords: [a, b\n---\n\n# A\n").starts_with("a.md:3:"),
            "{}",
            errors("---\ntitle: A\nkeywords: [a, b\n---\n\n# A\n")
        );
        assert!(errors("---\ntitle: A\ndescription: a: b\n---\n\n# A\n").contains("not YAML"),);
        assert_eq!(
            errors("---\n- a\n- b\n---\n\n# A\n"),
            "a.md:2: the front matter is a list, not a mapping of `key: value` lines"
        );
        assert_eq!(
            errors("---\ntitle: A\nkeywords:\n  a: b\n---\n\n# A\n"),
            "a.md:3: front matter `keywords` is a mapping; a value is text or a list of text"
        );
        assert_eq!(
            errors("---\ntitle:\n---\n\n# A\n"),
            "a.md:2: front matter `title` is empty; a value is text or a list of text"
        );
        assert_eq!(
            errors("---\ntitle: A\ntitle: B\n---\n\n# A\n"),
            "a.md:3:1: the front matter is not YAML: duplicate mapping key: title"
        );
        assert_eq!(
            errors("---\r\ntitle: A\r\n---\r\n"),
            "a.md:1: a carriage return (Windows line ending); save the article with LF line endings"
        );
        assert!(errors("\u{feff}---\ntitle: A\n---\n").contains("byte-order mark"));
        let err = parse_bytes("a.md", b"---\ntitle: A\n---\n\nbad \xff byte\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "a.md:5: not UTF-8 text; save the article as UTF-8"
        );
        let missing = read(Path::new("/nonexistent/a.md")).unwrap_err();
        assert!(matches!(missing, ArticleError::Io { .. }), "{missing}");
        let big = format!(
            "---\ntitle: A\n---\n{}",
            "x".repeat(MAX_ARTICLE_BYTES as usize)
        );
        assert!(matches!(
            parse("a.md", &big),
            Err(ArticleError::TooLarge { .. })
        ));
    }
}
