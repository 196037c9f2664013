//! One article's outline → what the rules will say: front matter, message,
//! the "Why" blocks with their cause list, procedures, escalation, FAQ, and
//! the layout the article was written in. Whatever does not fit the help
//! site's shape is an [`Unmapped`] with its line, never dropped.

use super::markdown::{Document, Entry, FrontValue, Item, Node};
use crate::rules::Kind;
use crate::rules::raw::{RulePlace, VariantLabel};

/// Presentation as imported: the rule format's blocks, plus `use` of a snippet.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Block {
    Paragraph(String),
    Steps(Vec<ListItem>),
    Bullets(Vec<ListItem>),
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    Note(String),
    Tip(String),
    /// Labels and bodies, e.g. `On web:` and its steps.
    Variants(Vec<(String, Vec<Block>)>),
    Section(String, Vec<Block>),
    /// The cause list: every cause, in order.
    Causes,
    /// A block snippet of the integration, by id.
    Use(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ListItem {
    pub text: String,
    pub body: Vec<Block>,
}

/// The heading levels and rules one article was written with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub why_level: Option<u8>,
    /// `Some(None)`: the article has no fix heading.
    pub fix_level: Option<Option<u8>>,
    pub procedure_level: Option<u8>,
    pub escalation_level: Option<u8>,
    pub faq_level: Option<u8>,
    pub variant_label: Option<VariantLabel>,
    pub rules: Vec<RulePlace>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Procedure {
    pub title: Option<String>,
    pub body: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escalation {
    pub title: String,
    pub lead: String,
    pub include: Vec<String>,
    pub closing: Option<String>,
}

#[derive(Debug, Clone)]
pub struct FrontMatter {
    pub title: String,
    pub description: String,
    pub keywords: String,
    pub internal_scope: String,
    pub display_title: Option<String>,
    pub order: Option<String>,
}

/// One error article, as the rules will hold it.
#[derive(Debug, Clone)]
pub struct Article {
    pub path: String,
    pub code: String,
    pub kind: Kind,
    /// The product the title names ("… Error in <Product> Integration"), if it does.
    pub product: Option<String>,
    pub front: FrontMatter,
    pub message: String,
    pub meaning: Vec<Block>,
    pub why: Option<(String, Vec<Block>)>,
    /// The cause list's items, in order.
    pub causes: Vec<String>,
    pub fix_heading: Option<String>,
    pub fix_lead: Vec<Block>,
    pub procedures: Vec<Procedure>,
    pub escalation: Option<Escalation>,
    pub faq: Vec<(String, String)>,
    pub layout: Layout,
}

/// Something in an article the rule format has no place for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmapped {
    pub line: usize,
    pub what: String,
}

fn unmapped<T>(line: usize, what: impl Into<String>) -> Result<T, Unmapped> {
    Err(Unmapped {
        line,
        what: what.into(),
    })
}

/// The code and kind an article's file is named after: `NS0109-Sync-Error.md`.
pub fn code_of_file(name: &str) -> Option<(String, Kind)> {
    let stem = name.strip_suffix("-Error.md")?;
    let (code, kind) = stem.rsplit_once('-')?;
    let letters = code.chars().take_while(char::is_ascii_alphabetic).count();
    let shaped =
        letters > 0 && letters < code.len() && code[letters..].chars().all(|c| c.is_ascii_digit());
    let kind = Kind::ALL.into_iter().find(|k| k.title() == kind)?;
    shaped.then(|| (code.to_string(), kind))
}

/// The article's parts; `file_name` gives the code and kind.
pub fn map(path: &str, file_name: &str, doc: &Document) -> Result<Article, Unmapped> {
    let Some((code, kind)) = code_of_file(file_name) else {
        return unmapped(
            1,
            "the file name is not `<CODE>-<Sync|Export|Connection>-Error.md`, so the code and kind are unknown",
        );
    };
    let front = front_matter(doc)?;
    let mut r = Reader {
        nodes: &doc.nodes,
        at: 0,
        end_line: doc.body_line,
    };
    match r.peek() {
        Some(Node::Heading { level: 1, text, .. }) if *text == front.title => r.at += 1,
        Some(n) => {
            return unmapped(
                n.line(),
                "expected the H1 title, the same text as the front matter's `title`",
            );
        }
        None => return unmapped(doc.body_line, "the article has no body"),
    }
    r.expect_paragraph("If you see the error:")?;
    let message = match r.next() {
        Some(Node::Paragraph { text, line }) if text.starts_with(['*', '_', '`']) => {
            return unmapped(
                *line,
                "the message line is formatted (bold, italic or code); the rules print it plain",
            );
        }
        Some(Node::Paragraph { text, .. }) if !text.contains('\n') => text.clone(),
        Some(n) => return unmapped(n.line(), "expected the error message alone on one line"),
        None => return unmapped(r.end_line, "expected the error message"),
    };
    let meaning = r.blocks(None)?;
    let product = front
        .title
        .strip_suffix(" Integration")
        .and_then(|t| t.split_once(" Error in ").map(|(_, p)| p.to_string()));
    let mut article = Article {
        path: path.to_string(),
        code,
        kind,
        product,
        front,
        message,
        meaning,
        why: None,
        causes: Vec::new(),
        fix_heading: None,
        fix_lead: Vec::new(),
        procedures: Vec::new(),
        escalation: None,
        faq: Vec::new(),
        layout: Layout {
            why_level: None,
            fix_level: None,
            procedure_level: None,
            escalation_level: None,
            faq_level: None,
            variant_label: None,
            rules: Vec::new(),
        },
    };
    sections(&mut r, &mut article)?;
    Ok(article)
}

fn front_matter(doc: &Document) -> Result<FrontMatter, Unmapped> {
    let get = |key: &str| doc.front_matter.iter().find(|e| e.key == key);
    let text = |key: &str| -> Result<Option<String>, Unmapped> {
        match get(key) {
            None => Ok(None),
            Some(Entry {
                value: FrontValue::String(s),
                ..
            }) => Ok(Some(s.clone())),
            Some(e) => unmapped(
                e.line,
                format!("front matter `{key}` is a list; articles write it as one string"),
            ),
        }
    };
    for e in &doc.front_matter {
        if !matches!(
            e.key.as_str(),
            "title" | "description" | "keywords" | "internalScope" | "displayTitle" | "order"
        ) {
            return unmapped(
                e.line,
                format!("front matter key `{}` has no place in the rules", e.key),
            );
        }
    }
    let required = |key: &str| -> Result<String, Unmapped> {
        text(key)?.ok_or(Unmapped {
            line: 1,
            what: format!("front matter has no `{key}`"),
        })
    };
    Ok(FrontMatter {
        title: required("title")?,
        description: required("description")?,
        keywords: required("keywords")?,
        internal_scope: required("internalScope")?,
        display_title: text("displayTitle")?,
        order: text("order")?,
    })
}

/// A cursor over the body's nodes.
struct Reader<'d> {
    nodes: &'d [Node],
    at: usize,
    end_line: usize,
}

impl<'d> Reader<'d> {
    fn peek(&self) -> Option<&'d Node> {
        self.nodes.get(self.at)
    }

    fn next(&mut self) -> Option<&'d Node> {
        let n = self.nodes.get(self.at);
        self.at += 1;
        n
    }

    fn line(&self) -> usize {
        self.peek().map_or(self.end_line, Node::line)
    }

    fn expect_paragraph(&mut self, text: &str) -> Result<(), Unmapped> {
        match self.next() {
            Some(Node::Paragraph { text: t, .. }) if t == text => Ok(()),
            Some(n) => unmapped(n.line(), format!("expected the line `{text}`")),
            None => unmapped(self.end_line, format!("expected the line `{text}`")),
        }
    }

    /// Blocks up to the next rule or heading; with `under`, headings deeper
    /// than that level are sub-sections and variant headings, read here.
    fn blocks(&mut self, under: Option<u8>) -> Result<Vec<Block>, Unmapped> {
        let mut out = Vec::new();
        while let Some(node) = self.peek() {
            match node {
                Node::Rule { .. } => break,
                Node::Heading { level, text, .. } => {
                    let Some(parent) = under.filter(|p| level > p && heading_part(text).is_none())
                    else {
                        break;
                    };
                    if *level != parent + 1 {
                        return unmapped(
                            node.line(),
                            format!("a heading of level {level} right under one of level {parent}"),
                        );
                    }
                    let line = node.line();
                    self.at += 1;
                    let body = self.blocks(Some(*level))?;
                    if body.is_empty() {
                        return unmapped(
                            line,
                            format!("the heading `{text}` has nothing under it"),
                        );
                    }
                    if is_variant_label(text) {
                        push_variant(&mut out, text.clone(), body);
                    } else {
                        out.push(Block::Section(text.clone(), body));
                    }
                }
                _ => {
                    self.at += 1;
                    out.push(block(node)?);
                }
            }
        }
        Ok(line_variants(out))
    }
}

/// "On web:", "On Mobile", "On iOS" — a platform's label.
fn is_variant_label(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("On ") else {
        return false;
    };
    let word = rest.strip_suffix(':').unwrap_or(rest);
    !word.is_empty() && word.chars().all(|c| c.is_alphanumeric()) && word.len() <= 12
}

fn push_variant(out: &mut Vec<Block>, label: String, body: Vec<Block>) {
    if let Some(Block::Variants(vs)) = out.last_mut() {
        vs.push((label, body));
    } else {
        out.push(Block::Variants(vec![(label, body)]));
    }
}

/// `On web:` paragraphs each followed by a list become one variants block.
fn line_variants(blocks: Vec<Block>) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut iter = blocks.into_iter().peekable();
    while let Some(b) = iter.next() {
        let label = match &b {
            Block::Paragraph(t) if t.ends_with(':') && is_variant_label(t) => t.clone(),
            _ => {
                out.push(b);
                continue;
            }
        };
        match iter.peek() {
            Some(Block::Steps(_) | Block::Bullets(_)) => {
                let list = iter.next().into_iter().collect();
                push_variant(&mut out, label, list);
            }
            _ => out.push(b),
        }
    }
    out
}

/// Inline text the rules can hold: no hard line break (two trailing spaces
/// or a backslash before the line end, which the renderer would not keep).
fn inline(text: &str, line: usize) -> Result<(), Unmapped> {
    if text.contains("  \n") || text.contains("\\\n") || text.contains(" \u{a0}\n") {
        return unmapped(
            line,
            "a hard line break inside a paragraph; write two paragraphs or one line",
        );
    }
    if text.trim().is_empty() {
        return unmapped(line, "an empty paragraph or list item");
    }
    Ok(())
}

fn block(node: &Node) -> Result<Block, Unmapped> {
    Ok(match node {
        Node::Paragraph { text, line } => {
            inline(text, *line)?;
            if let Some(t) = text.strip_prefix("**Note:** ") {
                Block::Note(t.to_string())
            } else if let Some(t) = text.strip_prefix("**Tip:** ") {
                Block::Tip(t.to_string())
            } else {
                Block::Paragraph(text.clone())
            }
        }
        Node::List {
            ordered,
            start,
            items,
            line,
        } => {
            if *ordered && *start != 1 {
                return unmapped(*line, format!("a numbered list starting at {start}"));
            }
            let items = items.iter().map(item).collect::<Result<Vec<_>, _>>()?;
            if *ordered {
                Block::Steps(items)
            } else {
                Block::Bullets(items)
            }
        }
        Node::Table { header, rows, .. } => Block::Table {
            header: header.clone(),
            rows: rows.clone(),
        },
        Node::Unsupported { what, line } => {
            return unmapped(
                *line,
                format!("{what}: the rule format has no block for it"),
            );
        }
        Node::Heading { line, .. } | Node::Rule { line } => {
            return unmapped(*line, "a heading or rule where a block was expected");
        }
    })
}

fn item(item: &Item) -> Result<ListItem, Unmapped> {
    inline(&item.text, item.line)?;
    let body = item
        .children
        .iter()
        .map(block)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ListItem {
        text: item.text.clone(),
        body,
    })
}

/// Where the article is, between its parts.
#[derive(PartialEq, Eq, Clone, Copy)]
enum Part {
    Top,
    Why,
    Fix,
    Escalation,
    Faq,
}

fn heading_part(text: &str) -> Option<Part> {
    let lower = text.to_lowercase();
    if lower.starts_with("why ") {
        Some(Part::Why)
    } else if lower.starts_with("how to fix") {
        Some(Part::Fix)
    } else if lower.starts_with("contact concierge") {
        Some(Part::Escalation)
    } else if text == "FAQ" {
        Some(Part::Faq)
    } else {
        None
    }
}

/// Reads the parts after the meaning, in order, noting where `---` stand.
fn sections(r: &mut Reader, a: &mut Article) -> Result<(), Unmapped> {
    let mut part = Part::Top;
    let mut rule = false;
    let mut procedures_seen = 0usize;
    let mut between: Option<bool> = None;
    while let Some(node) = r.peek() {
        let line = node.line();
        match node {
            Node::Rule { .. } => {
                if rule {
                    return unmapped(line, "two `---` rules in a row");
                }
                rule = true;
                r.at += 1;
                continue;
            }
            Node::Heading { level, text, .. } => {
                let level = *level;
                match heading_part(text) {
                    Some(Part::Why) if part == Part::Top => {
                        part = Part::Why;
                        a.layout.why_level = Some(level);
                        mark(&mut a.layout, rule, RulePlace::BeforeWhy);
                        r.at += 1;
                        let body = r.blocks(None)?;
                        let (body, causes) = cause_list(body);
                        if let Some(twice) = causes
                            .iter()
                            .enumerate()
                            .find(|(i, c)| causes[..*i].contains(c))
                        {
                            return unmapped(
                                line,
                                format!("the cause \"{}\" is listed twice", twice.1),
                            );
                        }
                        a.why = Some((text.clone(), body));
                        a.causes = causes;
                    }
                    Some(Part::Fix) if matches!(part, Part::Top | Part::Why) => {
                        part = Part::Fix;
                        a.layout.fix_level = Some(Some(level));
                        a.fix_heading = Some(text.clone());
                        mark(&mut a.layout, rule, RulePlace::BeforeFix);
                        r.at += 1;
                        let blocks = r.blocks(None)?;
                        if procedure_follows(r) {
                            a.fix_lead = blocks;
                        } else if !blocks.is_empty() {
                            // Steps straight under the fix heading: a procedure without a title.
                            note_variant_style(&mut a.layout, &blocks);
                            a.procedures.push(Procedure {
                                title: None,
                                body: blocks,
                            });
                            procedures_seen += 1;
                        }
                    }
                    Some(Part::Escalation) if part != Part::Faq && part != Part::Escalation => {
                        part = Part::Escalation;
                        a.layout.escalation_level = Some(level);
                        mark(&mut a.layout, rule, RulePlace::BeforeEscalation);
                        r.at += 1;
                        a.escalation = Some(escalation(r, text)?);
                    }
                    Some(Part::Faq) if part != Part::Faq => {
                        part = Part::Faq;
                        a.layout.faq_level = Some(level);
                        mark(&mut a.layout, rule, RulePlace::BeforeFaq);
                        r.at += 1;
                        a.faq = faq(r, level)?;
                    }
                    None if matches!(part, Part::Why | Part::Fix) => {
                        if part == Part::Why {
                            // Procedures right after "Why": the article has no fix heading.
                            a.layout.fix_level = Some(None);
                            mark(&mut a.layout, rule, RulePlace::BeforeFix);
                            part = Part::Fix;
                        } else if procedures_seen == 0 {
                            mark(&mut a.layout, rule, RulePlace::BeforeFirstProcedure);
                        } else {
                            match between {
                                None => between = Some(rule),
                                Some(b) if b != rule => {
                                    return unmapped(
                                        line,
                                        "`---` stands between some procedures and not others",
                                    );
                                }
                                _ => {}
                            }
                        }
                        match a.layout.procedure_level {
                            None => a.layout.procedure_level = Some(level),
                            Some(p) if p != level => {
                                return unmapped(
                                    line,
                                    format!(
                                        "a procedure heading of level {level}; the others are level {p}"
                                    ),
                                );
                            }
                            _ => {}
                        }
                        r.at += 1;
                        let body = r.blocks(Some(level))?;
                        if body.is_empty() {
                            return unmapped(
                                line,
                                format!("the heading `{text}` has nothing under it"),
                            );
                        }
                        note_variant_style(&mut a.layout, &body);
                        a.procedures.push(Procedure {
                            title: Some(text.clone()),
                            body,
                        });
                        procedures_seen += 1;
                    }
                    _ => {
                        return unmapped(
                            line,
                            format!(
                                "the heading `{text}` is not where the help site's articles have it"
                            ),
                        );
                    }
                }
            }
            _ if part == Part::Why => {
                // Blocks after the Why section and a rule, with no heading: the fix
                // part has neither a heading nor a procedure title.
                a.layout.fix_level = Some(None);
                mark(&mut a.layout, rule, RulePlace::BeforeFix);
                part = Part::Fix;
                let body = r.blocks(None)?;
                note_variant_style(&mut a.layout, &body);
                a.procedures.push(Procedure { title: None, body });
                procedures_seen += 1;
            }
            _ => return unmapped(line, "text outside any section of the article"),
        }
        rule = false;
    }
    if rule {
        return unmapped(r.end_line, "the article ends with a `---` rule");
    }
    if between == Some(true) {
        a.layout.rules.push(RulePlace::BetweenProcedures);
    }
    Ok(())
}

/// Whether what follows the fix heading's blocks is a procedure heading
/// (then those blocks are the lead), possibly after a rule.
fn procedure_follows(r: &Reader) -> bool {
    let mut i = r.at;
    if matches!(r.nodes.get(i), Some(Node::Rule { .. })) {
        i += 1;
    }
    matches!(r.nodes.get(i), Some(Node::Heading { text, .. }) if heading_part(text).is_none())
}

fn mark(layout: &mut Layout, rule: bool, place: RulePlace) {
    if rule && !layout.rules.contains(&place) {
        layout.rules.push(place);
    }
}

fn note_variant_style(layout: &mut Layout, blocks: &[Block]) {
    for b in blocks {
        match b {
            Block::Variants(vs) => {
                let heading = vs.iter().any(|(label, _)| !label.ends_with(':'));
                layout.variant_label = Some(if heading {
                    VariantLabel::Heading
                } else {
                    VariantLabel::Line
                });
            }
            Block::Section(_, body) => note_variant_style(layout, body),
            _ => {}
        }
    }
}

/// The first bullet list of "Why" is the cause list; its items are the causes.
fn cause_list(body: Vec<Block>) -> (Vec<Block>, Vec<String>) {
    let mut causes = Vec::new();
    let mut out = Vec::new();
    for b in body {
        match b {
            Block::Bullets(items)
                if causes.is_empty() && items.iter().all(|i| i.body.is_empty()) =>
            {
                causes = items.into_iter().map(|i| i.text).collect();
                out.push(Block::Causes);
            }
            b => out.push(b),
        }
    }
    (out, causes)
}

fn escalation(r: &mut Reader, title: &str) -> Result<Escalation, Unmapped> {
    let line = r.line();
    let blocks = r.blocks(None)?;
    let mut iter = blocks.into_iter();
    let (Some(Block::Paragraph(lead)), Some(Block::Bullets(items))) = (iter.next(), iter.next())
    else {
        return unmapped(
            line,
            "the Concierge section is not a line, a list of what to include and an optional closing line",
        );
    };
    let closing = match iter.next() {
        None => None,
        Some(Block::Paragraph(c)) if iter.next().is_none() => Some(c),
        Some(_) => {
            return unmapped(
                line,
                "the Concierge section holds more than a line, a list and a closing line",
            );
        }
    };
    if items.iter().any(|i| !i.body.is_empty()) {
        return unmapped(line, "a nested list in the Concierge section");
    }
    Ok(Escalation {
        title: title.to_string(),
        lead,
        include: items.into_iter().map(|i| i.text).collect(),
        closing,
    })
}

fn faq(r: &mut Reader, level: u8) -> Result<Vec<(String, String)>, Unmapped> {
    let mut out = Vec::new();
    while let Some(node) = r.next() {
        let Node::Heading {
            level: l,
            text,
            line,
        } = node
        else {
            return unmapped(node.line(), "expected a question heading in the FAQ");
        };
        if *l != level + 1 {
            return unmapped(
                *line,
                format!("a FAQ question of level {l}; questions are one level below `FAQ`"),
            );
        }
        match r.next() {
            Some(Node::Paragraph { text: answer, .. })
                if !matches!(r.peek(), Some(Node::Paragraph { .. } | Node::List { .. })) =>
            {
                out.push((text.clone(), answer.clone()))
            }
            _ => return unmapped(*line, "a FAQ answer is one paragraph"),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LG101: &str = include_str!(
        "../../tests/fixtures/articles/Ledgerly/Troubleshooting/Sync-Errors/LG101-Sync-Error.md"
    );

    fn mapped(text: &str) -> Result<Article, Unmapped> {
        let doc = crate::import::markdown::parse("LG101-Sync-Error.md", text).expect("outline");
        map("LG101-Sync-Error.md", "LG101-Sync-Error.md", &doc)
    }

    fn what(text: &str) -> String {
        mapped(text).expect_err("not mapped").what
    }

    #[test]
    fn the_fixture_maps() {
        let a = mapped(LG101).unwrap();
        assert_eq!(a.code, "LG101");
        assert_eq!(a.causes.len(), 3);
        assert_eq!(a.procedures.len(), 2);
    }

    #[test]
    fn what_the_renderer_would_not_keep_is_not_mapped() {
        let hard = LG101.replace(
            "Sign in with a Ledgerly user",
            "Sign in with  \na Ledgerly user",
        );
        assert!(what(&hard).starts_with("a hard line break"));
        let bold = LG101.replace(
            "\nLG101 Sync Error: Ledger connection expired. Sign in to Ledgerly again to resume syncing.\n",
            "\n**LG101 Sync Error: Ledger connection expired. Sign in to Ledgerly again to resume syncing.**\n",
        );
        assert!(what(&bold).starts_with("the message line is formatted"));
        let twice = LG101.replace(
            "- The Ledgerly user who made the connection was removed from the company.",
            "- The Ledgerly sign-in has passed its 90-day limit.",
        );
        assert!(what(&twice).contains("listed twice"));
        let empty = LG101.replace("## Run a Sync\n\n1. Go to **Settings > Workspaces > Accounting**.\n2. Click **Sync Now**.\n\n**Note:** The first sync after reconnecting can take several minutes for a large ledger.\n", "## Run a Sync\n");
        assert!(
            what(&empty).contains("has nothing under it"),
            "{}",
            what(&empty)
        );
    }
}
