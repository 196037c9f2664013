//! An integration's index page (`Common-<Product>-Errors.md`) → the
//! integration's `index:` and each listed code's one-line summary.

use super::article::Unmapped;
use super::markdown::{Document, FrontValue, Node};

#[derive(Debug, Clone)]
pub struct IndexPage {
    pub path: String,
    pub title: String,
    pub description: String,
    pub keywords: Vec<String>,
    pub internal_scope: String,
    pub intro: Vec<String>,
    pub faq: Vec<(String, String)>,
    /// Code → its one-line summary, in page order.
    pub summaries: Vec<(String, String)>,
    /// The product the title names ("… common <Product> errors").
    pub product: Option<String>,
}

/// Is this the shape of an index page rather than an error article?
pub fn looks_like_index(file_name: &str, doc: &Document) -> bool {
    file_name.starts_with("Common-")
        || matches!(doc.nodes.first(), Some(Node::Heading { level: 1, text, .. })
            if text.starts_with("How to troubleshoot"))
}

fn fail<T>(line: usize, what: impl Into<String>) -> Result<T, Unmapped> {
    Err(Unmapped {
        line,
        what: what.into(),
    })
}

pub fn map(path: &str, doc: &Document) -> Result<IndexPage, Unmapped> {
    let get = |key: &str| doc.front_matter.iter().find(|e| e.key == key);
    let string = |key: &str| -> Result<String, Unmapped> {
        match get(key).map(|e| &e.value) {
            Some(FrontValue::String(s)) => Ok(s.clone()),
            Some(FrontValue::List(_)) => fail(1, format!("front matter `{key}` is a list")),
            None => fail(1, format!("front matter has no `{key}`")),
        }
    };
    for e in &doc.front_matter {
        if !matches!(
            e.key.as_str(),
            "title" | "description" | "keywords" | "internalScope"
        ) {
            return fail(
                e.line,
                format!("front matter key `{}` has no place in the index", e.key),
            );
        }
    }
    let keywords = match get("keywords").map(|e| &e.value) {
        Some(FrontValue::List(l)) => l.clone(),
        Some(FrontValue::String(s)) => s.split(", ").map(str::to_string).collect(),
        None => return fail(1, "front matter has no `keywords`"),
    };
    let title = string("title")?;
    let mut nodes = doc.nodes.iter().peekable();
    match nodes.next() {
        Some(Node::Heading { level: 1, text, .. }) if *text == title => {}
        Some(n) => {
            return fail(
                n.line(),
                "expected the H1 title, the same text as the front matter's `title`",
            );
        }
        None => return fail(doc.body_line, "the index page has no body"),
    }
    let mut intro = Vec::new();
    while let Some(Node::Paragraph { text, .. }) = nodes.peek() {
        intro.push(text.clone());
        nodes.next();
    }
    if !matches!(nodes.next(), Some(Node::Rule { .. })) {
        return fail(
            doc.body_line,
            "expected `---` after the index page's introduction",
        );
    }
    let mut summaries = Vec::new();
    let mut faq = Vec::new();
    while let Some(node) = nodes.next() {
        match node {
            Node::Heading { level: 2, text, .. } if text.starts_with("How to resolve ") => {
                match nodes.next() {
                    Some(Node::List {
                        ordered: false,
                        items,
                        ..
                    }) => {
                        for item in items {
                            summaries.push(entry(&item.text, item.line)?);
                        }
                    }
                    _ => return fail(node.line(), "expected the list of codes under this heading"),
                }
            }
            Node::Rule { .. } => match nodes.next() {
                Some(Node::Heading { level: 1, text, .. }) if text == "FAQ" => {
                    while let Some(q) = nodes.next() {
                        match (q, nodes.next()) {
                            (
                                Node::Heading { level: 2, text, .. },
                                Some(Node::Paragraph { text: a, .. }),
                            ) => faq.push((text.clone(), a.clone())),
                            _ => {
                                return fail(
                                    q.line(),
                                    "a FAQ question heading and one answer paragraph",
                                );
                            }
                        }
                    }
                }
                _ => return fail(node.line(), "expected `# FAQ` after the rule"),
            },
            _ => return fail(node.line(), "not a part of the index page's shape"),
        }
    }
    let product = title
        .strip_prefix("How to troubleshoot common ")
        .and_then(|t| t.strip_suffix(" errors"))
        .map(str::to_string);
    Ok(IndexPage {
        path: path.to_string(),
        title,
        description: string("description")?,
        keywords,
        internal_scope: string("internalScope")?,
        intro,
        faq,
        summaries,
        product,
    })
}

/// `**CODE**: summary [Learn how to fix the CODE error](link).` → (code, summary).
fn entry(text: &str, line: usize) -> Result<(String, String), Unmapped> {
    let parsed = (|| {
        let rest = text.strip_prefix("**")?;
        let (code, rest) = rest.split_once("**: ")?;
        let marker = format!(" [Learn how to fix the {code} error](");
        let (summary, _) = rest.split_once(&marker)?;
        text.ends_with(").")
            .then(|| (code.to_string(), summary.to_string()))
    })();
    match parsed {
        Some(p) => Ok(p),
        None => fail(
            line,
            "an index entry is `**CODE**: <summary> [Learn how to fix the CODE error](<link>).`",
        ),
    }
}
