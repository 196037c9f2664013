//! Reading an existing help center back into rules (`triage import`).
//!
//! [`markdown`] turns one published article into an outline: its front
//! matter as ordered entries and its body as headings, paragraphs, lists,
//! tables and rules, each holding the exact source text of its inline
//! Markdown and its line. Whatever the help-site format does not use (HTML,
//! code blocks, block quotes, images, loose lists) is kept as an
//! [`markdown::Node::Unsupported`] marker so that the importer can say where.

mod error;
mod front_matter;
pub mod markdown;

pub use error::ArticleError;
pub use front_matter::{Entry, FrontValue};
