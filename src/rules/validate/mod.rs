//! Raw rule files → the validated model, with a finding for every problem.
//! It never stops at the first problem: what is broken is skipped and reported.
//!
//! [`Validator`] holds the findings; its checks are split by what they read:
//! `integration` (integration.yaml, and what its codes may use), `code`
//! (one code file), `cause` (causes and their conditions), `procedure`
//! (the procedures a code lists), `text` (inline texts and placeholders),
//! `blocks`, `layout` and [`markup`].

use std::collections::HashMap;
use std::ops::Range;

use serde_saphyr::Spanned;

mod blocks;
mod cause;
mod code;
mod integration;
mod layout;
pub mod markup;
mod procedure;
mod text;

pub use code::CodesSeen;
pub use integration::Shared;

use blocks::BlockScope;

use super::Kind;
use super::block::Block;
use super::ids;
use super::pattern::Checker;
use super::raw::RawCode;
use super::raw_block::RawBlocks;
use crate::diag::{Code, Finding};
use crate::diag::{FileId, Sources, Span};

/// Validates one integration's files, or one code of it, collecting findings.
/// The pipeline ([`super::pipeline`]) runs one per code, on several threads.
pub struct Validator<'a> {
    sources: &'a Sources,
    pub findings: Vec<Finding>,
    checker: &'a Checker,
}

impl<'a> Validator<'a> {
    pub fn new(sources: &'a Sources, checker: &'a Checker) -> Self {
        Validator {
            sources,
            findings: Vec::new(),
            checker,
        }
    }

    fn push(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    /// Reports duplicate ids; returns the first definition of each.
    fn unique<'r>(
        &mut self,
        file: FileId,
        ids: impl Iterator<Item = &'r Spanned<String>>,
        code: Code,
        what: &str,
    ) -> HashMap<&'r str, Span> {
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for id in ids {
            self.id_shape(file, id, ids::Shape::Name, what);
            let span = Span::of(file, id);
            if let Some(first) = seen.get(id.value.as_str()) {
                self.push(
                    Finding::new(code, format!("{what} `{}` is defined twice", id.value))
                        .at(span, "defined again here")
                        .also(first.clone(), "first defined here")
                        .help(format!(
                            "give each {what} its own id, or remove one of them"
                        )),
                );
            } else {
                seen.insert(&id.value, span);
            }
        }
        seen
    }

    /// Blocks that may be left out: absent is empty, present must hold some.
    fn optional_blocks(
        &mut self,
        raw: Option<&RawBlocks>,
        scope: &BlockScope,
        owner: &Span,
    ) -> Option<Vec<Block>> {
        match raw {
            Some(raw) => self.blocks(raw, scope, owner),
            None => Some(Vec::new()),
        }
    }

    /// R019 when an id is not of its shape ([`ids`]).
    fn id_shape(&mut self, file: FileId, id: &Spanned<String>, shape: ids::Shape, what: &str) {
        let finding = ids::check(self.sources, file, id, shape, what);
        self.findings.extend(finding);
    }

    fn value_span<T>(&self, file: FileId, spanned: &Spanned<T>) -> Span {
        value_span(self.sources, file, spanned)
    }
}

/// The span of `range` inside a scalar whose text is `value` and whose span
/// is `whole`, when the file holds the value verbatim; otherwise `whole`
/// (a folded or escaped scalar does not map byte for byte).
pub fn span_within(sources: &Sources, whole: &Span, value: &str, range: Range<usize>) -> Span {
    let written = sources
        .get(whole.file)
        .text
        .get(whole.range.clone())
        .unwrap_or_default();
    match (written.get(range.clone()), value.get(range.clone())) {
        (Some(a), Some(b)) if a == b => Span::new(
            whole.file,
            whole.range.start + range.start..whole.range.start + range.end,
        ),
        _ => whole.clone(),
    }
}

/// The span of a scalar's text, past an opening quote.
pub fn value_span<T>(sources: &Sources, file: FileId, spanned: &Spanned<T>) -> Span {
    let mut span = Span::of(file, spanned);
    let text = &sources.get(file).text;
    if matches!(text.as_bytes().get(span.range.start), Some(b'"' | b'\'')) {
        span.range.start += 1;
        span.range.end = span.range.end.saturating_sub(1).max(span.range.start);
    }
    span
}

/// The code being validated, as its steps need it.
#[derive(Clone, Copy)]
struct InCode<'c> {
    /// What the code may refer to in its integration.
    shared: &'c Shared<'c>,
    /// The code's file.
    file: FileId,
    raw: &'c RawCode,
    vars: &'c Vars<'c>,
    /// The code's `code:`, where findings about the whole code point.
    span: &'c Span,
}

/// Values for `${code}`, `${kind}`, `${kind_title}` and `${product}` in rule text.
struct Vars<'a> {
    code: &'a str,
    kind: Kind,
    product: &'a str,
}

impl Vars<'_> {
    const NAMES: [&'static str; 4] = ["code", "kind", "kind_title", "product"];

    fn get(&self, name: &str) -> Option<&str> {
        match name {
            "code" => Some(self.code),
            "kind" => Some(self.kind.id()),
            "kind_title" => Some(self.kind.title()),
            "product" => Some(self.product),
            _ => None,
        }
    }
}
