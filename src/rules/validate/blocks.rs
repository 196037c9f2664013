//! Blocks as written → validated [`Block`]s: one block key per map, known
//! snippets and variants, the cause list only where causes are, no empty
//! text or list. Every problem is a finding at the block's line.

use std::collections::{BTreeMap, HashMap};

use serde_saphyr::Spanned;

use super::{Validator, Vars};
use crate::diag::Code;
use crate::diag::{FileId, Span};
use crate::diag::{Finding, did_you_mean};
use crate::rules::block::{Block, Item, Variant};
use crate::rules::raw::{RawSnippet, RawVariant};
use crate::rules::raw_block::{
    RawBlock, RawBlockMap, RawBlocks, RawCauseItem, RawCauseList, RawItem,
};

/// What blocks in one place may refer to.
pub struct BlockScope<'s> {
    pub file: FileId,
    /// integration.yaml, where snippets are written.
    pub shared_file: FileId,
    pub vars: &'s Vars<'s>,
    pub snippets: &'s HashMap<&'s str, &'s RawSnippet>,
    pub variants: &'s HashMap<&'s str, &'s RawVariant>,
    /// The code's causes (id, items), where a `causes` block may stand.
    pub causes: Option<&'s [(String, Vec<String>)]>,
    /// Words of the variant an `each_variant` body is printed for.
    pub words: &'s BTreeMap<String, String>,
}

impl<'s> BlockScope<'s> {
    fn with_words<'w>(&'w self, words: &'w BTreeMap<String, String>) -> BlockScope<'w>
    where
        's: 'w,
    {
        BlockScope { words, ..*self }
    }

    fn without_causes(&self) -> BlockScope<'_> {
        BlockScope {
            causes: None,
            ..*self
        }
    }
}

const KEYS: &str = "steps, bullets, table, note, tip, variants, each_variant, section, causes, use";

impl Validator<'_> {
    /// Validated blocks, or `None` when any of them has an error (reported).
    pub(super) fn blocks(
        &mut self,
        raw: &RawBlocks,
        scope: &BlockScope,
        owner: &Span,
    ) -> Option<Vec<Block>> {
        if raw.is_empty() {
            self.push(empty_list(owner.clone(), "this list of blocks"));
            return None;
        }
        let mut out = Vec::new();
        let mut ok = true;
        for block in raw {
            let span = self.value_span(scope.file, block);
            match self.block(&block.value, scope, &span) {
                Some(mut b) => out.append(&mut b),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// One block as written; a block snippet may stand for several.
    fn block(&mut self, raw: &RawBlock, scope: &BlockScope, span: &Span) -> Option<Vec<Block>> {
        let map = match raw {
            RawBlock::Text(t) => return Some(vec![Block::Paragraph(self.scoped(t, scope, span)?)]),
            RawBlock::Map(m) => m,
        };
        let set = set_keys(map);
        if set.len() != 1 {
            let message = if set.is_empty() {
                "a block needs one of its keys".to_string()
            } else {
                format!(
                    "a block holds one kind only; this one has {}",
                    set.join(", ")
                )
            };
            self.push(
                Finding::new(Code::R015, message)
                    .at(span.clone(), "this block")
                    .help(format!(
                        "split it into one block per key; the keys are: {KEYS}"
                    )),
            );
            return None;
        }
        let one = |b: Block| Some(vec![b]);
        if let Some(items) = &map.steps {
            return one(Block::Steps(self.items(items, scope, span)?));
        }
        if let Some(items) = &map.bullets {
            return one(Block::Bullets(self.items(items, scope, span)?));
        }
        if let Some(t) = &map.note {
            return one(Block::Note(self.scoped(t, scope, span)?));
        }
        if let Some(t) = &map.tip {
            return one(Block::Tip(self.scoped(t, scope, span)?));
        }
        if let Some(table) = &map.table {
            return one(self.table(table, scope, span)?);
        }
        if let Some(section) = &map.section {
            let title = self.scoped(&section.title, scope, span);
            let body = self.blocks(&section.body, &scope.without_causes(), span);
            return one(Block::Section {
                title: title?,
                body: body?,
            });
        }
        if let Some(variants) = &map.variants {
            return one(self.variants(variants, scope, span)?);
        }
        if let Some(each) = &map.each_variant {
            return one(self.each_variant(each, scope, span)?);
        }
        if let Some(list) = &map.causes {
            return one(self.cause_list(list, scope)?);
        }
        if let Some(id) = &map.use_ {
            return self.block_snippet(id, scope);
        }
        None
    }

    fn scoped(&mut self, text: &str, scope: &BlockScope, span: &Span) -> Option<String> {
        self.text_with(text, scope.vars, scope.words, span)
    }

    fn items(
        &mut self,
        raw: &[Spanned<RawItem>],
        scope: &BlockScope,
        owner: &Span,
    ) -> Option<Vec<Item>> {
        if raw.is_empty() {
            self.push(empty_list(owner.clone(), "this list"));
            return None;
        }
        let mut out = Vec::new();
        let mut ok = true;
        for item in raw {
            let span = self.value_span(scope.file, item);
            match self.item(&item.value, scope, &span) {
                Some(i) => out.push(i),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn item(&mut self, raw: &RawItem, scope: &BlockScope, span: &Span) -> Option<Item> {
        let map = match raw {
            RawItem::Text(t) => return Some(Item::text(self.scoped(t, scope, span)?)),
            RawItem::Map(m) => m,
        };
        if let Some(id) = &map.use_ {
            if map.text.is_some() || map.bullets.is_some() || map.body.is_some() {
                self.push(
                    Finding::new(Code::R015, "an item with `use` holds nothing else")
                        .at(span.clone(), "this item")
                        .help("write the snippet's text in integration.yaml, or drop `use`"),
                );
                return None;
            }
            return self.step_snippet(id, scope);
        }
        let Some(text) = &map.text else {
            self.push(
                Finding::new(
                    Code::R015,
                    "a list item with nested content needs its `text`",
                )
                .at(span.clone(), "this item")
                .help("add `text: …` for the item's own line"),
            );
            return None;
        };
        let text = self.scoped(text, scope, span)?;
        let mut body = Vec::new();
        if let Some(bullets) = &map.bullets {
            let items = bullets
                .iter()
                .map(|b| self.scoped(b, scope, span).map(Item::text))
                .collect::<Option<Vec<_>>>()?;
            if items.is_empty() {
                self.push(empty_list(span.clone(), "this list of bullets"));
                return None;
            }
            body.push(Block::Bullets(items));
        }
        if let Some(blocks) = &map.body {
            body.extend(self.blocks(blocks, &scope.without_causes(), span)?);
        }
        Some(Item { text, body })
    }

    fn table(
        &mut self,
        table: &crate::rules::raw_block::RawTable,
        scope: &BlockScope,
        span: &Span,
    ) -> Option<Block> {
        let width = table.header.len();
        if width == 0 || table.rows.is_empty() {
            self.push(empty_list(span.clone(), "this table"));
            return None;
        }
        if let Some(n) = table.rows.iter().position(|r| r.len() != width) {
            self.push(
                Finding::new(
                    Code::R015,
                    format!(
                        "row {} of the table has {} {}; the header has {width}",
                        n + 1,
                        table.rows[n].len(),
                        if table.rows[n].len() == 1 {
                            "cell"
                        } else {
                            "cells"
                        }
                    ),
                )
                .at(span.clone(), "this table")
                .help("give every row as many cells as the header"),
            );
            return None;
        }
        let cells = |v: &mut Self, row: &[String]| -> Option<Vec<String>> {
            row.iter().map(|c| v.scoped(c, scope, span)).collect()
        };
        let header = cells(self, &table.header)?;
        let rows = table
            .rows
            .iter()
            .map(|r| cells(self, r))
            .collect::<Option<Vec<_>>>()?;
        Some(Block::Table { header, rows })
    }

    fn variant_def<'v>(
        &mut self,
        id: &Spanned<String>,
        scope: &'v BlockScope,
    ) -> Option<&'v RawVariant> {
        if let Some(v) = scope.variants.get(id.value.as_str()) {
            return Some(v);
        }
        let help = did_you_mean(&id.value, scope.variants.keys().copied())
            .unwrap_or_else(|| "declare it under `variants:` in integration.yaml".into());
        self.push(
            Finding::new(Code::R209, format!("unknown variant `{}`", id.value))
                .at(
                    self.value_span(scope.file, id),
                    "not in integration.yaml's variants",
                )
                .help(help),
        );
        None
    }

    fn variants(
        &mut self,
        raw: &[crate::rules::raw_block::RawVariantBody],
        scope: &BlockScope,
        span: &Span,
    ) -> Option<Block> {
        if raw.is_empty() {
            self.push(empty_list(span.clone(), "this list of variants"));
            return None;
        }
        let mut out = Vec::new();
        let mut ok = true;
        for v in raw {
            let def = self.variant_def(&v.id, scope);
            let words = def.map(|d| &d.words).unwrap_or(scope.words);
            let inner = scope.with_words(words);
            let label = match (&v.label, def) {
                (Some(l), _) => self.scoped(l, &inner, span),
                (None, Some(d)) => self.scoped(&d.label, &inner, span),
                (None, None) => None,
            };
            let body = self.blocks(&v.body, &inner.without_causes(), span);
            match (label, body) {
                (Some(label), Some(body)) => out.push(Variant { label, body }),
                _ => ok = false,
            }
        }
        ok.then_some(Block::Variants(out))
    }

    fn each_variant(
        &mut self,
        raw: &crate::rules::raw_block::RawEachVariant,
        scope: &BlockScope,
        span: &Span,
    ) -> Option<Block> {
        if raw.of.is_empty() {
            self.push(empty_list(span.clone(), "the list `of`"));
            return None;
        }
        let mut out = Vec::new();
        let mut ok = true;
        for id in &raw.of {
            let Some(def) = self.variant_def(id, scope) else {
                ok = false;
                continue;
            };
            let inner = scope.with_words(&def.words);
            let label = self.scoped(&def.label, &inner, span);
            let body = self.blocks(&raw.body, &inner.without_causes(), span);
            match (label, body) {
                (Some(label), Some(body)) => out.push(Variant { label, body }),
                _ => ok = false,
            }
        }
        ok.then_some(Block::Variants(out))
    }

    fn cause_list(&mut self, raw: &Spanned<RawCauseList>, scope: &BlockScope) -> Option<Block> {
        let span = self.value_span(scope.file, raw);
        let Some(causes) = scope.causes else {
            self.push(
                Finding::new(
                    Code::R016,
                    "a `causes` block stands only directly in `why.body`",
                )
                .at(span, "here")
                .help("move the cause list into `why.body`, or write the items as `bullets`"),
            );
            return None;
        };
        let items = match &raw.value {
            RawCauseList::All => causes.iter().flat_map(|(_, items)| items.clone()).collect(),
            RawCauseList::Items(items) => {
                let mut out = Vec::new();
                for item in items {
                    let item_span = self.value_span(scope.file, item);
                    match &item.value {
                        RawCauseItem::Text(t) => out.push(self.scoped(t, scope, &item_span)?),
                        RawCauseItem::Cause(id) => match causes.iter().find(|(c, _)| c == id) {
                            Some((_, texts)) => out.extend(texts.iter().cloned()),
                            None => {
                                let help = did_you_mean(id, causes.iter().map(|(c, _)| c.as_str()))
                                    .unwrap_or_else(|| "name a cause of this code, or write `{text: …}` for an item that is no cause".into());
                                self.push(
                                    Finding::new(
                                        Code::R210,
                                        format!("unknown cause `{id}` in the cause list"),
                                    )
                                    .at(item_span, "not a cause of this code")
                                    .help(help),
                                );
                                return None;
                            }
                        },
                    }
                }
                out
            }
        };
        if items.is_empty() {
            self.push(empty_list(span, "this cause list"));
            return None;
        }
        Some(Block::Causes(items))
    }

    fn snippet<'v>(
        &mut self,
        id: &Spanned<String>,
        scope: &'v BlockScope,
    ) -> Option<&'v RawSnippet> {
        if let Some(s) = scope.snippets.get(id.value.as_str()) {
            return Some(s);
        }
        let help = did_you_mean(&id.value, scope.snippets.keys().copied())
            .unwrap_or_else(|| "define it under `snippets:` in integration.yaml".into());
        self.push(
            Finding::new(Code::R207, format!("unknown snippet `{}`", id.value))
                .at(self.value_span(scope.file, id), "used here")
                .help(help),
        );
        None
    }

    fn step_snippet(&mut self, id: &Spanned<String>, scope: &BlockScope) -> Option<Item> {
        let snippet = self.snippet(id, scope)?;
        let span = self.value_span(scope.file, id);
        let Some(text) = &snippet.text else {
            self.push(
                Finding::new(
                    Code::R207,
                    format!("snippet `{}` holds blocks, not a list item", id.value),
                )
                .at(span, "used as a list item here")
                .help("use it as a block (`- use: …` among blocks), or give the snippet a `text`"),
            );
            return None;
        };
        let text = self.scoped(text, scope, &span)?;
        let mut body = Vec::new();
        if let Some(bullets) = &snippet.bullets {
            let items = bullets
                .iter()
                .map(|b| self.scoped(b, scope, &span).map(Item::text))
                .collect::<Option<Vec<_>>>()?;
            body.push(Block::Bullets(items));
        }
        Some(Item { text, body })
    }

    fn block_snippet(&mut self, id: &Spanned<String>, scope: &BlockScope) -> Option<Vec<Block>> {
        let snippet = self.snippet(id, scope)?;
        let span = self.value_span(scope.file, id);
        let Some(body) = &snippet.body else {
            self.push(
                Finding::new(
                    Code::R207,
                    format!("snippet `{}` is a list item, not blocks", id.value),
                )
                .at(span, "used as a block here")
                .help(
                    "use it inside `steps` or `bullets` (`- use: …`), or give the snippet a `body`",
                ),
            );
            return None;
        };
        // Snippet blocks carry the integration file's spans.
        let inner = BlockScope {
            file: scope.shared_file,
            ..*scope
        };
        self.blocks(body, &inner, &span)
    }
}

fn set_keys(m: &RawBlockMap) -> Vec<&'static str> {
    let flags = [
        ("steps", m.steps.is_some()),
        ("bullets", m.bullets.is_some()),
        ("table", m.table.is_some()),
        ("note", m.note.is_some()),
        ("tip", m.tip.is_some()),
        ("variants", m.variants.is_some()),
        ("each_variant", m.each_variant.is_some()),
        ("section", m.section.is_some()),
        ("causes", m.causes.is_some()),
        ("use", m.use_.is_some()),
    ];
    flags
        .iter()
        .filter(|(_, set)| *set)
        .map(|(k, _)| *k)
        .collect()
}

/// R013: an empty list, where optional means absent.
pub fn empty_list(span: Span, what: &str) -> Finding {
    Finding::new(Code::R013, format!("{what} is empty"))
        .at(span, "empty here")
        .help("an optional part is left out when absent; remove the key, or fill it in")
}
