//! An article's front matter: its `key: value` entries in file order, each
//! with its line.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use super::ArticleError;

/// One `key: value` line of the front matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub value: FrontValue,
    /// 1-based line of the key in the whole file.
    pub line: usize,
}

/// A front-matter value: articles use text, index pages a list for `keywords`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrontValue {
    /// A scalar as YAML reads it (quotes removed; a number or `true` as written).
    String(String),
    List(Vec<String>),
}

/// Parses the YAML between the `---` lines; `first_line` is the file line
/// the YAML starts on.
pub(crate) fn parse(path: &str, yaml: &str, first_line: usize) -> Result<Vec<Entry>, ArticleError> {
    let raw: Raw = serde_saphyr::from_str_with_options(yaml, crate::rules::load::yaml_options())
        .map_err(|e| not_yaml(path, &e, first_line))?;
    match raw {
        Raw::Map(pairs) => pairs
            .into_iter()
            .map(|(key, value)| entry(path, key, value, first_line))
            .collect(),
        Raw::Null => Ok(Vec::new()),
        other => Err(ArticleError::FrontMatterNotMapping {
            path: path.to_string(),
            line: first_line,
            found: other.describe(),
        }),
    }
}

fn entry(
    path: &str,
    key: Spanned<String>,
    value: Spanned<Raw>,
    first_line: usize,
) -> Result<Entry, ArticleError> {
    let line = key.referenced.line() as usize + first_line - 1;
    let bad = |found| ArticleError::FrontMatterValue {
        path: path.to_string(),
        line,
        key: key.value.clone(),
        found,
    };
    let value = match value.value {
        Raw::Text(text) => FrontValue::String(text),
        Raw::List(items) => FrontValue::List(
            items
                .into_iter()
                .map(|item| match item {
                    Raw::Text(text) => Ok(text),
                    other => Err(bad(other.describe_item())),
                })
                .collect::<Result<_, _>>()?,
        ),
        other => return Err(bad(other.describe())),
    };
    Ok(Entry {
        key: key.value,
        value,
        line,
    })
}

fn not_yaml(path: &str, err: &serde_saphyr::Error, first_line: usize) -> ArticleError {
    let message = err.without_snippet().to_string();
    // The library appends " at line L, column C"; the error carries that.
    let message = match message.rfind(" at line ") {
        Some(i) => &message[..i],
        None => &message,
    };
    // Drop the library's advice to its own caller ("…, set DuplicateKeyPolicy …").
    let message = message
        .split(", set ")
        .next()
        .unwrap_or(message)
        .to_string();
    let (line, column) = err
        .location()
        .map_or((1, 1), |l| (l.line() as usize, l.column() as usize));
    ArticleError::FrontMatterNotYaml {
        path: path.to_string(),
        line: line + first_line - 1,
        column,
        message,
    }
}

/// Any YAML value, before it is known to be what the front matter allows.
enum Raw {
    Text(String),
    List(Vec<Raw>),
    Map(Vec<(Spanned<String>, Spanned<Raw>)>),
    Null,
}

impl Raw {
    fn describe(&self) -> &'static str {
        match self {
            Raw::Text(_) => "text",
            Raw::List(_) => "a list",
            Raw::Map(_) => "a mapping",
            Raw::Null => "empty",
        }
    }

    fn describe_item(&self) -> &'static str {
        match self {
            Raw::List(_) => "a list holding a list",
            Raw::Map(_) => "a list holding a mapping",
            _ => "a list holding an empty item",
        }
    }
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a YAML value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Raw, E> {
        Ok(Raw::Text(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Raw, E> {
        Ok(Raw::Text(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Raw, E> {
        Ok(Raw::Text(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Raw, E> {
        Ok(Raw::Text(v.to_string()))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Raw, E> {
        Ok(Raw::Text(v.to_string()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Raw>()? {
            items.push(item);
        }
        Ok(Raw::List(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let mut pairs = Vec::new();
        while let Some(key) = map.next_key::<Spanned<String>>()? {
            pairs.push((key, map.next_value::<Spanned<Raw>>()?));
        }
        Ok(Raw::Map(pairs))
    }
}
