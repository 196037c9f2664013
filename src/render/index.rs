//! Where an article lives in the help site, and what an integration's index
//! page (`index.md.j2`) sees. Here, below the site, because the template
//! check renders index pages too.

use serde::Serialize;

use crate::rules::{Code, Index, Integration, Kind};
use crate::util::url;

pub const INDEX: &str = "index.md.j2";

/// The integration's troubleshooting folder, e.g. `netsuite/Troubleshooting`.
pub fn troubleshooting(integration: &Integration) -> String {
    format!("{}/Troubleshooting", integration.id)
}

/// `Sync-Errors/NS0109-Sync-Error.md`, relative to the troubleshooting folder.
pub fn article_link(code: &Code) -> String {
    let kind = code.kind.title();
    format!("{kind}-Errors/{}-{kind}-Error.md", code.code)
}

/// `netsuite/Troubleshooting/Sync-Errors/NS0109-Sync-Error.md`.
pub fn article_path(integration: &Integration, code: &Code) -> String {
    format!("{}/{}", troubleshooting(integration), article_link(code))
}

/// `netsuite/Troubleshooting/Common-NetSuite-Errors.md`.
pub fn index_path(integration: &Integration) -> String {
    let name: String = integration
        .name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("{}/Common-{name}-Errors.md", troubleshooting(integration))
}

/// The index page's title: the rules' `index.title`, or "How to troubleshoot
/// common <Product> errors", as the help site's index pages read.
pub fn index_title(integration: &Integration) -> String {
    integration.index.as_ref().map_or_else(
        || format!("How to troubleshoot common {} errors", integration.name),
        |i| i.title.clone(),
    )
}

/// The line a code is listed by: its display title, or code, kind and first clause.
pub fn headline(code: &Code) -> String {
    code.front_matter.display_title.clone().unwrap_or_else(|| {
        let message = crate::util::text::strip_code_prefix(&code.message);
        format!(
            "{} {} Error: {}",
            code.code,
            code.kind.title(),
            crate::recognize::first_clause(message)
        )
    })
}

/// What `index.md.j2` sees.
#[derive(Debug, Serialize)]
pub struct IndexContext<'a> {
    title: String,
    product: &'a str,
    integration: &'a str,
    index: Option<&'a Index>,
    sections: Vec<Section>,
}

#[derive(Debug, Serialize)]
struct Section {
    kind: &'static str,
    kind_title: &'static str,
    codes: Vec<IndexEntry>,
}

/// What an index page lists of one code; also kept by an incremental build
/// (`site::cache`), which lists codes it did not load.
#[derive(Debug, Clone, Serialize)]
pub struct IndexEntry {
    pub code: String,
    #[serde(skip)]
    pub kind: Kind,
    pub headline: String,
    pub summary: String,
    /// Relative to the index page.
    pub link: String,
}

impl IndexEntry {
    pub fn of(code: &Code) -> IndexEntry {
        IndexEntry {
            code: code.code.clone(),
            kind: code.kind,
            headline: headline(code),
            summary: code.summary.clone(),
            link: url::encode_path(&article_link(code)),
        }
    }
}

impl<'a> IndexContext<'a> {
    pub fn new(integration: &'a Integration) -> Self {
        Self::listing(integration, integration.codes.iter().map(IndexEntry::of))
    }

    /// The index page of `integration` listing `entries` (its codes, in any order).
    pub fn listing(
        integration: &'a Integration,
        entries: impl Iterator<Item = IndexEntry>,
    ) -> Self {
        let mut entries: Vec<IndexEntry> = entries.collect();
        entries.sort_by(|a, b| a.code.cmp(&b.code));
        // The help site's index pages list export, then sync, then connection errors.
        let kinds = [Kind::Export, Kind::Sync, Kind::Connection];
        let sections = kinds
            .into_iter()
            .filter_map(|kind| {
                let codes: Vec<IndexEntry> =
                    entries.iter().filter(|c| c.kind == kind).cloned().collect();
                (!codes.is_empty()).then(|| Section {
                    kind: kind.id(),
                    kind_title: kind.title(),
                    codes,
                })
            })
            .collect();
        IndexContext {
            title: index_title(integration),
            product: &integration.name,
            integration: &integration.id,
            index: integration.index.as_ref(),
            sections,
        }
    }
}
