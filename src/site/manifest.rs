//! The output manifest: for every file a build wrote, a SHA-256 of what it
//! was made from (its [`Key`]) and its size, so that the next build into the
//! same folder renders only the pages whose inputs changed.
//!
//! A page's key covers the triage version, every template's name and text,
//! the integration file's name and text, and the code file's name and text
//! (an index page: all its codes'; the home page and the search index: every
//! integration's). A code's model is made from its file and its integration
//! file only (shared procedures, snippets and signals live in the latter), so
//! equal keys mean equal pages.
//!
//! The text ends with a checksum of itself: a manifest that does not parse,
//! fails its checksum or names another triage version is no manifest, and
//! the build renders everything.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

/// The manifest's name in the output folder (listed in the marker like any file the build wrote).
pub const FILE: &str = ".triage-manifest";
const HEAD: &str = "triage-manifest 1";

/// What wrote the manifest: a manifest by any other version is ignored.
pub fn version() -> String {
    format!("triage {}", env!("CARGO_PKG_VERSION"))
}

/// A hash of a page's inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key([u8; 32]);

impl Key {
    pub fn hex(self) -> String {
        hex(&self.0)
    }

    /// [`Key::hex`] onto the end of `out`.
    pub fn push_hex(self, out: &mut String) {
        push_hex(out, &self.0);
    }

    /// The key `text` spells in lowercase hex, as [`Key::hex`] writes it.
    pub fn parse(text: &str) -> Option<Key> {
        fn digit(b: u8) -> Option<u8> {
            match b {
                b'0'..=b'9' => Some(b - b'0'),
                b'a'..=b'f' => Some(b - b'a' + 10),
                _ => None,
            }
        }
        let text = text.as_bytes();
        if text.len() != 64 {
            return None;
        }
        let mut bytes = [0u8; 32];
        for (byte, pair) in bytes.iter_mut().zip(text.chunks_exact(2)) {
            *byte = digit(pair[0])? << 4 | digit(pair[1])?;
        }
        Some(Key(bytes))
    }
}

impl serde::Serialize for Key {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.hex())
    }
}

impl<'de> serde::Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Key::parse(&text).ok_or_else(|| serde::de::Error::custom("not a key"))
    }
}

/// Builds a [`Key`] from length-prefixed fields, so that no two different
/// lists of fields hash alike (`"ab", "c"` and `"a", "bc"` differ).
pub struct KeyBuilder(Sha256);

impl KeyBuilder {
    /// `what` names the kind of page, so different kinds never share a key.
    pub fn new(what: &str) -> KeyBuilder {
        let mut builder = KeyBuilder(Sha256::new());
        builder.field(what.as_bytes());
        builder
    }

    pub fn field(&mut self, bytes: &[u8]) -> &mut KeyBuilder {
        self.0.update((bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    pub fn key(&mut self, key: Key) -> &mut KeyBuilder {
        self.field(&key.0)
    }

    pub fn finish(self) -> Key {
        Key(self.0.finalize().into())
    }
}

/// One file of a build: its key and its size in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub key: Key,
    pub size: u64,
}

/// Every file a build wrote (but the marker and the manifest), by `/`-separated path.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Manifest {
    pub files: BTreeMap<String, Entry>,
}

impl Manifest {
    /// The text: a head line, the version, a line per file, sorted, and the checksum.
    pub fn to_text(&self) -> String {
        self.to_text_as(&version())
    }

    fn to_text_as(&self, version: &str) -> String {
        use std::fmt::Write as _;
        let mut text = String::with_capacity(self.files.len() * 140);
        let _ = write!(text, "{HEAD}\n{version}\n");
        let mut size = itoa::Buffer::new();
        for (path, entry) in &self.files {
            entry.key.push_hex(&mut text);
            text.push(' ');
            text.push_str(size.format(entry.size));
            text.push(' ');
            text.push_str(path);
            text.push('\n');
        }
        let sum = hex(&Sha256::digest(text.as_bytes()));
        text.push_str(&format!("end {sum}\n"));
        text
    }

    /// The manifest `text` holds, if it is whole and by this version of triage.
    pub fn parse(text: &str) -> Option<Manifest> {
        let body_end = text.trim_end_matches('\n').rfind('\n')? + 1;
        let (body, end) = text.split_at(body_end);
        let sum = end.strip_prefix("end ")?.strip_suffix('\n')?;
        if sum != hex(&Sha256::digest(body.as_bytes())) {
            return None;
        }
        let mut lines = body.lines();
        if lines.next()? != HEAD || lines.next()? != version() {
            return None;
        }
        let mut files = BTreeMap::new();
        for line in lines {
            let (key, rest) = line.split_once(' ')?;
            let (size, path) = rest.split_once(' ')?;
            let entry = Entry {
                key: Key::parse(key)?,
                size: size.parse().ok()?,
            };
            if path.is_empty() || files.insert(path.to_string(), entry).is_some() {
                return None;
            }
        }
        Some(Manifest { files })
    }
}

/// Lowercase hex: a manifest holds tens of thousands of keys.
pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    push_hex(&mut out, bytes);
    out
}

fn push_hex(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    out.reserve(bytes.len() * 2);
    for &b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(fields: &[&[u8]]) -> Key {
        let mut builder = KeyBuilder::new("page");
        for field in fields {
            builder.field(field);
        }
        builder.finish()
    }

    fn sample() -> Manifest {
        let mut files = BTreeMap::new();
        let key = key(&[b"text"]);
        files.insert("a b/c.md".to_string(), Entry { key, size: 12 });
        files.insert("html/x.html".to_string(), Entry { key, size: 0 });
        Manifest { files }
    }

    #[test]
    fn the_text_reads_back() {
        let text = sample().to_text();
        assert_eq!(Manifest::parse(&text), Some(sample()));
    }

    #[test]
    fn any_change_to_the_text_is_no_manifest() {
        let text = sample().to_text();
        for at in 0..text.len() {
            let mut bytes = text.clone().into_bytes();
            bytes[at] ^= 1;
            if let Ok(changed) = String::from_utf8(bytes) {
                assert_eq!(Manifest::parse(&changed), None, "byte {at} flipped");
            }
        }
        assert_eq!(Manifest::parse(&text[..text.len() - 1]), None);
        assert_eq!(Manifest::parse(""), None);
        // Whole, but by another version of triage.
        let other = sample().to_text_as("triage 0.0.0-other");
        assert!(other.contains("triage 0.0.0-other"));
        assert_eq!(Manifest::parse(&other), None);
    }

    #[test]
    fn fields_are_delimited() {
        assert_ne!(key(&[b"ab", b"c"]), key(&[b"a", b"bc"]));
    }
}
