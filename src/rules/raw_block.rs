//! Presentation as written: an ordered list of typed blocks. A block is a
//! plain string (a paragraph) or a map with exactly one block key
//! (`steps:`, `bullets:`, `table:` …), checked by validation.
//!
//! The string-or-map types deserialise by hand instead of as untagged enums:
//! an untagged enum hides the inner error ("did not match any variant") and
//! loses spans, while delegating the map to a `deny_unknown_fields` struct
//! keeps "unknown field `stpes`, expected one of …" with its location.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_saphyr::Spanned;

/// Blocks in article order.
pub type RawBlocks = Vec<Spanned<RawBlock>>;

/// A paragraph, or one typed block.
#[derive(Debug)]
pub enum RawBlock {
    /// A paragraph.
    Text(String),
    Map(Box<RawBlockMap>),
}

/// A block other than a paragraph: exactly one of these keys.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBlockMap {
    /// Numbered steps; a step is text, `{text, bullets}`, `{text, body}` or `{use: snippet}`.
    #[schemars(with = "Option<Vec<RawItem>>")]
    pub steps: Option<Vec<Spanned<RawItem>>>,
    /// An unnumbered list; items as in `steps`.
    #[schemars(with = "Option<Vec<RawItem>>")]
    pub bullets: Option<Vec<Spanned<RawItem>>>,
    /// A table: a header row and rows of cells.
    pub table: Option<RawTable>,
    /// A paragraph opening with the layout's note label ("**Note:**").
    #[serde(default, deserialize_with = "super::raw::present")]
    pub note: Option<String>,
    /// A paragraph opening with the layout's tip label ("**Tip:**").
    #[serde(default, deserialize_with = "super::raw::present")]
    pub tip: Option<String>,
    /// Labelled alternatives (web, mobile), each with blocks of its own.
    pub variants: Option<Vec<RawVariantBody>>,
    /// One body printed once per variant, with the variants' `${words}`.
    pub each_variant: Option<RawEachVariant>,
    /// A sub-section: a heading one level below its procedure, and blocks.
    pub section: Option<RawSection>,
    /// The cause list (only in `why`): `all`, or cause ids and `{text}` items in order.
    #[schemars(with = "Option<RawCauseListSchema>")]
    pub causes: Option<Spanned<RawCauseList>>,
    /// A block snippet from integration.yaml, by id.
    #[serde(rename = "use")]
    #[schemars(with = "Option<String>")]
    pub use_: Option<Spanned<String>>,
}

/// A table: header cells, then rows of as many cells.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTable {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// One alternative of a `variants` block.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawVariantBody {
    /// A variant id from integration.yaml's `variants`, e.g. `web`.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// Replaces the variant's label here.
    #[serde(default, deserialize_with = "super::raw::present")]
    pub label: Option<String>,
    #[schemars(with = "Vec<RawBlockSchema>")]
    #[serde(deserialize_with = "super::raw::nonempty")]
    pub body: RawBlocks,
}

/// A body printed once per variant.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawEachVariant {
    /// Variant ids from integration.yaml's `variants`, in order.
    #[schemars(with = "Vec<String>")]
    pub of: Vec<Spanned<String>>,
    #[schemars(with = "Vec<RawBlockSchema>")]
    #[serde(deserialize_with = "super::raw::nonempty")]
    pub body: RawBlocks,
}

/// A heading inside a procedure and the blocks under it.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSection {
    pub title: String,
    #[schemars(with = "Vec<RawBlockSchema>")]
    #[serde(deserialize_with = "super::raw::nonempty")]
    pub body: RawBlocks,
}

/// The cause list: every cause in order, or the items spelled out.
#[derive(Debug)]
pub enum RawCauseList {
    All,
    Items(Vec<Spanned<RawCauseItem>>),
}

/// A cause id, or `{text}`: a list item that is no cause of its own.
#[derive(Debug)]
pub enum RawCauseItem {
    Cause(String),
    Text(String),
}

/// A list item: text, or a map with `text` and nested content, or `use`.
#[derive(Debug)]
pub enum RawItem {
    Text(String),
    Map(Box<RawItemMap>),
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawItemMap {
    #[serde(default, deserialize_with = "super::raw::present")]
    pub text: Option<String>,
    /// Bullets nested under the item.
    #[serde(default, deserialize_with = "super::raw::present")]
    pub bullets: Option<Vec<String>>,
    /// Blocks nested under the item (paragraphs, lists).
    #[schemars(with = "Option<Vec<RawBlockSchema>>")]
    #[serde(default, deserialize_with = "super::raw::present_nonempty")]
    pub body: Option<RawBlocks>,
    /// A step snippet from integration.yaml, by id.
    #[serde(rename = "use")]
    #[schemars(with = "Option<String>")]
    pub use_: Option<Spanned<String>>,
}

/// A map that is either a string or a struct, deserialised without losing
/// the struct's own errors.
macro_rules! string_or_map {
    ($ty:ident, $map:ident, $expecting:literal) => {
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = $ty;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str($expecting)
                    }
                    fn visit_str<E: de::Error>(self, s: &str) -> Result<$ty, E> {
                        Ok($ty::Text(s.to_string()))
                    }
                    fn visit_string<E: de::Error>(self, s: String) -> Result<$ty, E> {
                        Ok($ty::Text(s))
                    }
                    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<$ty, A::Error> {
                        $map::deserialize(de::value::MapAccessDeserializer::new(map))
                            .map(|m| $ty::Map(Box::new(m)))
                    }
                }
                d.deserialize_any(V)
            }
        }
    };
}

string_or_map!(
    RawBlock,
    RawBlockMap,
    "a paragraph (a string) or a block such as `steps:`, `bullets:`, `table:`, `note:`, `variants:`, `section:`"
);
string_or_map!(
    RawItem,
    RawItemMap,
    "a list item: its text, or `{text, bullets}`, `{text, body}`, `{use: snippet}`"
);

impl<'de> Deserialize<'de> for RawCauseList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawCauseList;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("`all`, or a list of cause ids and `{text: …}` items")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<RawCauseList, E> {
                if s == "all" {
                    Ok(RawCauseList::All)
                } else {
                    Err(E::invalid_value(de::Unexpected::Str(s), &self))
                }
            }
            fn visit_seq<A: de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<RawCauseList, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(RawCauseList::Items(items))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TextItem {
    text: String,
}

impl<'de> Deserialize<'de> for RawCauseItem {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawCauseItem;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a cause id, or `{text: …}` for an item that is no cause")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<RawCauseItem, E> {
                Ok(RawCauseItem::Cause(s.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawCauseItem, A::Error> {
                TextItem::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|t| RawCauseItem::Text(t.text))
            }
        }
        d.deserialize_any(V)
    }
}

// The schema describes what the hand-written deserialisers accept.

/// Schema stand-in for [`RawBlock`].
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum RawBlockSchema {
    /// A paragraph of inline Markdown (one line: no headings, list items or blank lines).
    Paragraph(String),
    Block(Box<RawBlockMap>),
}

#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum RawItemSchema {
    Text(String),
    Item(Box<RawItemMap>),
}

#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum RawCauseListSchema {
    /// `all`: every cause, in the order of `causes:`.
    All(AllKeyword),
    Items(Vec<RawCauseItemSchema>),
}

#[derive(JsonSchema)]
#[allow(dead_code)]
#[serde(rename_all = "snake_case")]
enum AllKeyword {
    All,
}

#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum RawCauseItemSchema {
    /// A cause id.
    Cause(String),
    Text {
        text: String,
    },
}

macro_rules! schema_as {
    ($ty:ty, $shadow:ty) => {
        impl JsonSchema for $ty {
            fn schema_name() -> Cow<'static, str> {
                <$shadow>::schema_name()
            }
            fn json_schema(generator: &mut SchemaGenerator) -> Schema {
                <$shadow>::json_schema(generator)
            }
        }
    };
}
schema_as!(RawBlock, RawBlockSchema);
schema_as!(RawItem, RawItemSchema);
