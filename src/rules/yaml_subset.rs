//! A reader for the YAML that rule files are written in: block mappings and
//! sequences, one-line flow collections, plain and one-line quoted scalars,
//! literal and folded block scalars. It gives the values and the spans
//! serde-saphyr gives (`Spanned` included), in a fraction of its time.
//!
//! Whatever it does not know — anchors, tags, multi-line flow or quoted
//! scalars, nulls, a plain scalar that could be a number or a boolean where
//! the type would decide, and every error of syntax or of type — it
//! declines, and the caller parses the file with serde-saphyr. So a file with
//! a problem is always read, and reported, by serde-saphyr alone; this reader
//! only answers for files it reads exactly as serde-saphyr does (tests
//! compare the two on every rule file, the corpus and generated documents).
//!
//! `Spanned<T>` is filled through serde-saphyr's own protocol for it (the
//! `__yaml_spanned` newtype, then a map of value and locations): the one
//! place that knows serde-saphyr's internals, pinned by `Cargo.lock` and by
//! the differential tests.

use std::borrow::Cow;
use std::fmt;

use serde::de::value::{SeqDeserializer, StrDeserializer};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, EnumAccess, IntoDeserializer, MapAccess,
    SeqAccess, VariantAccess, Visitor,
};

/// Nesting deeper than this is left to serde-saphyr (and its depth budget).
const MAX_DEPTH: usize = 24;
/// Documents with more nodes are left to serde-saphyr (and its node
/// budget, 250,000); rule files have a few hundred.
const MAX_NODES: usize = 100_000;
/// Longer texts are left to serde-saphyr (and its input budget).
const MAX_BYTES: usize = crate::rules::load::MAX_FILE_BYTES as usize;
/// YAML limits implicit keys to 1024 characters; longer ones are declined.
const MAX_KEY_BYTES: usize = 1000;

/// The value of `text`, or `None` when this reader declines it (then parse
/// it with serde-saphyr, which also reports any problem).
pub fn from_str<T: DeserializeOwned>(text: &str) -> Option<T> {
    if text.len() > MAX_BYTES || !plain_characters(text) {
        return None;
    }
    let root = Reader::new(text).document()?;
    let places = Places::new(text);
    T::deserialize(De {
        node: &root,
        places: &places,
    })
    .ok()
}

/// No tab, carriage return, control or non-printable character, byte order
/// mark or document marker: files with any are left to serde-saphyr.
fn plain_characters(text: &str) -> bool {
    let bytes = text.as_bytes();
    // One pass without an early exit, which the compiler vectorises.
    let control = bytes.iter().fold(false, |bad, &c| {
        bad | ((c < 0x20) & (c != b'\n')) | (c == 0x7f)
    });
    if control {
        return false;
    }
    if !text.is_ascii()
        && text.chars().any(|c| {
            matches!(
                c,
                '\u{80}'..='\u{9f}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
            )
        })
    {
        return false;
    }
    // `---`, `...` and `%` open a line only as document markers or directives.
    let marker = |line: &[u8]| {
        line.starts_with(b"---") || line.starts_with(b"...") || line.first() == Some(&b'%')
    };
    !marker(bytes) && !line_starts(bytes).map(|i| &bytes[i..]).any(marker)
}

/// The byte offset of each line after the first.
fn line_starts(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(b'\n', bytes).map(|i| i + 1)
}

/// A node of the document, with its byte span as serde-saphyr gives it: a
/// scalar's token (quotes included), a block collection's first key or dash
/// (empty), a flow collection's opening bracket.
struct Node<'a> {
    at: u32,
    len: u32,
    kind: Kind<'a>,
}

enum Kind<'a> {
    /// A plain scalar: a string, or a number, boolean or null by its text.
    Plain(&'a str),
    /// A quoted or block scalar: always a string.
    Text(Cow<'a, str>),
    Seq(Vec<Node<'a>>),
    Map(Vec<(Node<'a>, Node<'a>)>),
}

struct Reader<'a> {
    text: &'a str,
    b: &'a [u8],
    /// The start of the line being read.
    pos: usize,
    depth: usize,
    nodes: usize,
}

impl<'a> Reader<'a> {
    fn new(text: &'a str) -> Self {
        Reader {
            text,
            b: text.as_bytes(),
            pos: 0,
            depth: 0,
            nodes: 0,
        }
    }

    fn document(mut self) -> Option<Node<'a>> {
        self.skip_blank();
        if self.pos >= self.b.len() || self.spaces(self.pos) != 0 || self.dash(self.pos) {
            return None;
        }
        let root = self.map(0, self.pos)?;
        self.skip_blank();
        (self.pos >= self.b.len()).then_some(root)
    }

    fn byte(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(b'\n')
    }

    fn spaces(&self, from: usize) -> usize {
        self.b[from.min(self.b.len())..]
            .iter()
            .take_while(|c| **c == b' ')
            .count()
    }

    fn line_end(&self, from: usize) -> usize {
        self.text[from..]
            .find('\n')
            .map_or(self.b.len(), |i| from + i)
    }

    /// The start of the line after the one holding `i`.
    fn next_line(&self, i: usize) -> usize {
        (self.line_end(i) + 1).min(self.b.len())
    }

    /// Steps over empty, blank and comment lines.
    fn skip_blank(&mut self) {
        while self.pos < self.b.len() {
            let first = self.pos + self.spaces(self.pos);
            match self.byte(first) {
                b'\n' => self.pos = (first + 1).min(self.b.len()),
                b'#' => self.pos = self.next_line(first),
                _ => break,
            }
        }
    }

    /// A `-` that opens a sequence entry.
    fn dash(&self, i: usize) -> bool {
        self.byte(i) == b'-' && matches!(self.byte(i + 1), b' ' | b'\n')
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    /// Counts `n` more nodes against [`MAX_NODES`].
    fn count(&mut self, n: usize) -> Option<()> {
        self.nodes += n;
        (self.nodes <= MAX_NODES).then_some(())
    }

    /// A block mapping indented `ind`, its first key at `key_at` (on the
    /// current line: after a `- ` for a mapping inside a sequence entry).
    fn map(&mut self, ind: usize, mut key_at: usize) -> Option<Node<'a>> {
        self.enter()?;
        let at = key_at;
        let mut entries: Vec<(Node<'a>, Node<'a>)> = Vec::new();
        let mut keys = Keys::default();
        loop {
            let (key, after) = self.key(key_at)?;
            self.count(2)?;
            if !plain_text(&key).is_some_and(|name| keys.fresh(name)) {
                return None;
            }
            let value = self.value(after, ind, false)?;
            entries.push((key, value));
            self.skip_blank();
            if self.pos >= self.b.len() {
                break;
            }
            let i = self.spaces(self.pos);
            if i < ind {
                break;
            }
            if i > ind || self.dash(self.pos + i) {
                return None;
            }
            key_at = self.pos + i;
        }
        self.depth -= 1;
        Some(Node {
            at: at as u32,
            len: 0,
            kind: Kind::Map(entries),
        })
    }

    /// A block sequence whose dashes are indented `ind`; the current line
    /// holds the first. serde-saphyr places one indented no deeper than its
    /// key (`key:` then `- item` below it) after its first dash.
    fn seq(&mut self, ind: usize, indentless: bool) -> Option<Node<'a>> {
        self.enter()?;
        let mut at = self.pos + ind;
        if indentless {
            at += 1 + self.spaces(at + 1);
            if self.byte(at) == b'#' {
                return None;
            }
        }
        let mut items = Vec::new();
        loop {
            let dash = self.pos + ind;
            self.count(1)?;
            items.push(self.value(dash + 1, ind, true)?);
            self.skip_blank();
            if self.pos >= self.b.len() {
                break;
            }
            let i = self.spaces(self.pos);
            if i < ind || (i == ind && !self.dash(self.pos + i)) {
                break;
            }
            if i > ind {
                return None;
            }
        }
        self.depth -= 1;
        Some(Node {
            at: at as u32,
            len: 0,
            kind: Kind::Seq(items),
        })
    }

    /// A plain key at `at` and the offset after its `:`.
    fn key(&self, at: usize) -> Option<(Node<'a>, usize)> {
        if !plain_start(self.byte(at), self.byte(at + 1)) {
            return None;
        }
        let end = self.line_end(at);
        let mut i = at;
        let colon = loop {
            let j = i + self.b[i..end]
                .iter()
                .position(|c| matches!(c, b':' | b'#'))?;
            if self.b[j] == b'#' {
                if self.b[j - 1] == b' ' {
                    return None;
                }
            } else if matches!(self.byte(j + 1), b' ' | b'\n') {
                break j;
            }
            i = j + 1;
        };
        let name = &self.text[at..colon];
        if name.len() > MAX_KEY_BYTES
            || name.ends_with(' ')
            || name.bytes().any(|c| b"[]{},\"'".contains(&c))
        {
            return None;
        }
        let key = Node {
            at: at as u32,
            len: name.len() as u32,
            kind: Kind::Plain(name),
        };
        Some((key, colon + 1))
    }

    /// The value after a key's `:` or an entry's `-` at `from`, in a
    /// collection indented `ind`. Leaves `pos` at the line after it.
    fn value(&mut self, from: usize, ind: usize, entry: bool) -> Option<Node<'a>> {
        let first = from + self.spaces(from);
        match self.byte(first) {
            b'\n' | b'#' => {
                self.pos = self.next_line(first);
                self.nested(ind, entry)
            }
            b'"' | b'\'' => {
                let (node, after) = self.quoted(first)?;
                self.end_of_line(after)?;
                Some(node)
            }
            b'[' | b'{' => {
                let (node, after) = self.flow(first)?;
                self.end_of_line(after)?;
                Some(node)
            }
            b'|' | b'>' => self.block_scalar(first, ind),
            // A mapping inside a sequence entry (`- key: value`).
            _ if entry && self.key(first).is_some() => self.map(first - self.pos, first),
            c if plain_start(c, self.byte(first + 1)) => {
                let node = self.plain(first)?;
                self.pos = self.next_line(first);
                Some(node)
            }
            _ => None,
        }
    }

    /// A collection on the lines after an empty `key:` or `-`.
    fn nested(&mut self, parent: usize, entry: bool) -> Option<Node<'a>> {
        self.skip_blank();
        if self.pos >= self.b.len() {
            return None;
        }
        let i = self.spaces(self.pos);
        if self.dash(self.pos + i) && (i > parent || (i == parent && !entry)) {
            self.seq(i, i == parent)
        } else if i > parent {
            self.map(i, self.pos + i)
        } else {
            None
        }
    }

    /// After a value: nothing but a comment up to the end of the line.
    fn end_of_line(&mut self, after: usize) -> Option<()> {
        let i = after + self.spaces(after);
        match self.byte(i) {
            b'\n' => {}
            b'#' if i > after => {}
            _ => return None,
        }
        self.pos = self.next_line(i);
        Some(())
    }

    /// A plain scalar in block context: the rest of the line, short of a
    /// comment. One that goes on below is declined by the caller (the next
    /// line is indented deeper than the collection).
    fn plain(&self, at: usize) -> Option<Node<'a>> {
        let end_line = self.line_end(at);
        let mut end = at;
        let mut i = at;
        while i < end_line {
            match self.b[i] {
                b':' if matches!(self.byte(i + 1), b' ' | b'\n') => return None,
                b'#' if self.b[i - 1] == b' ' => break,
                b' ' => {}
                _ => end = i + 1,
            }
            i += 1;
        }
        Some(Node {
            at: at as u32,
            len: (end - at) as u32,
            kind: Kind::Plain(&self.text[at..end]),
        })
    }

    /// A one-line quoted scalar at `at` and the offset after its closing quote.
    fn quoted(&self, at: usize) -> Option<(Node<'a>, usize)> {
        let quote = self.b[at];
        let mut out: Option<String> = None;
        let mut run = at + 1;
        let mut i = at + 1;
        loop {
            let c = *self.b.get(i)?;
            match c {
                b'\n' => return None,
                b'\'' if quote == b'\'' => {
                    if self.byte(i + 1) != b'\'' {
                        break;
                    }
                    let s = out.get_or_insert_with(String::new);
                    s.push_str(&self.text[run..=i]);
                    i += 2;
                    run = i;
                }
                b'"' if quote == b'"' => break,
                b'\\' if quote == b'"' => {
                    let s = out.get_or_insert_with(String::new);
                    s.push_str(&self.text[run..i]);
                    i = self.escape(i, s)?;
                    run = i;
                }
                _ => i += 1,
            }
        }
        let value = match out {
            Some(mut s) => {
                s.push_str(&self.text[run..i]);
                Cow::Owned(s)
            }
            None => Cow::Borrowed(&self.text[at + 1..i]),
        };
        let node = Node {
            at: at as u32,
            len: (i + 1 - at) as u32,
            kind: Kind::Text(value),
        };
        Some((node, i + 1))
    }

    /// The escape at `i` (a backslash) appended to `out`; the offset after it.
    fn escape(&self, i: usize, out: &mut String) -> Option<usize> {
        let simple = match self.byte(i + 1) {
            b'\\' => '\\',
            b'"' => '"',
            b'/' => '/',
            b'n' => '\n',
            b't' => '\t',
            b'r' => '\r',
            b'0' => '\0',
            b'x' => return self.hex(i + 2, 2, out),
            b'u' => return self.hex(i + 2, 4, out),
            _ => return None,
        };
        out.push(simple);
        Some(i + 2)
    }

    fn hex(&self, from: usize, digits: usize, out: &mut String) -> Option<usize> {
        let hex = self.text.get(from..from + digits)?;
        if !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        out.push(char::from_u32(u32::from_str_radix(hex, 16).ok()?)?);
        Some(from + digits)
    }

    /// A flow sequence or mapping of scalars on one line, at `at`; the
    /// offset after its closing bracket.
    fn flow(&mut self, at: usize) -> Option<(Node<'a>, usize)> {
        self.enter()?;
        let map = self.b[at] == b'{';
        let close = if map { b'}' } else { b']' };
        let mut items = Vec::new();
        let mut entries: Vec<(Node<'a>, Node<'a>)> = Vec::new();
        let mut keys = Keys::default();
        let mut i = at + 1;
        i += self.spaces(i);
        if self.byte(i) != close {
            loop {
                if map {
                    let (key, after) = self.flow_scalar(i, true)?;
                    if self.byte(after) != b':' || self.byte(after + 1) != b' ' {
                        return None;
                    }
                    let plain = plain_text(&key);
                    if !plain.is_some_and(|name| name.len() <= MAX_KEY_BYTES && keys.fresh(name)) {
                        return None;
                    }
                    self.count(2)?;
                    let from = after + 1 + self.spaces(after + 1);
                    let (value, after) = self.flow_scalar(from, false)?;
                    entries.push((key, value));
                    i = after;
                } else {
                    let (item, after) = self.flow_scalar(i, false)?;
                    self.count(1)?;
                    items.push(item);
                    i = after;
                }
                i += self.spaces(i);
                match self.byte(i) {
                    b',' => {
                        i += 1;
                        i += self.spaces(i);
                        if self.byte(i) == close {
                            return None;
                        }
                    }
                    c if c == close => break,
                    _ => return None,
                }
            }
        }
        self.depth -= 1;
        let kind = if map {
            Kind::Map(entries)
        } else {
            Kind::Seq(items)
        };
        let node = Node {
            at: at as u32,
            len: 1,
            kind,
        };
        Some((node, i + 1))
    }

    /// A scalar inside a flow collection; `key` stops a plain one at `: `.
    fn flow_scalar(&self, at: usize, key: bool) -> Option<(Node<'a>, usize)> {
        let c = self.byte(at);
        if c == b'"' || c == b'\'' {
            return self.quoted(at);
        }
        let next = self.byte(at + 1);
        if !plain_start(c, next) || (c == b'-' && b",[]{}".contains(&next)) {
            return None;
        }
        let mut end = at;
        let mut i = at;
        loop {
            match self.byte(i) {
                b'\n' | b'[' | b'{' => return None,
                b',' | b']' | b'}' => break,
                b':' if matches!(self.byte(i + 1), b' ' | b'\n' | b',' | b']' | b'}') => {
                    if key {
                        break;
                    }
                    return None;
                }
                b'#' if self.b[i - 1] == b' ' => return None,
                b' ' => {}
                _ => end = i + 1,
            }
            i += 1;
        }
        let node = Node {
            at: at as u32,
            len: (end - at) as u32,
            kind: Kind::Plain(&self.text[at..end]),
        };
        Some((node, end))
    }

    /// A literal (`|`) or folded (`>`) block scalar whose header is at
    /// `at`, in a collection indented `parent`. Its span runs from the first
    /// character of its first line to the first character of the line that
    /// ends it (or the end of the text), as serde-saphyr's does.
    fn block_scalar(&mut self, at: usize, parent: usize) -> Option<Node<'a>> {
        let folded = self.b[at] == b'>';
        let mut i = at + 1;
        let chomp = self.byte(i);
        if matches!(chomp, b'-' | b'+') {
            i += 1;
        }
        let after = i + self.spaces(i);
        match self.byte(after) {
            b'\n' => {}
            b'#' if after > i => {}
            _ => return None,
        }
        let mut line = self.next_line(after);
        if line >= self.b.len() {
            return None;
        }
        let ind = self.spaces(line);
        if ind <= parent || self.byte(line + ind) == b'\n' {
            return None;
        }
        let start = line + ind;
        let mut out = String::new();
        let mut blanks = 0usize;
        let mut any = false;
        let end = loop {
            if line >= self.b.len() {
                break self.b.len();
            }
            let sp = self.spaces(line);
            let first = line + sp;
            // Spaces ending the text, no line break after them: no blank
            // line (more than the indentation would be content: declined).
            if first >= self.b.len() {
                if sp > ind {
                    return None;
                }
                break self.b.len();
            }
            if self.byte(first) == b'\n' {
                if sp > ind {
                    return None;
                }
                blanks += 1;
                line = (first + 1).min(self.b.len());
                continue;
            }
            if sp < ind {
                break first;
            }
            if folded && sp > ind {
                return None;
            }
            let end = self.line_end(line);
            if any {
                if folded && blanks == 0 {
                    out.push(' ');
                } else {
                    let breaks = if folded { blanks } else { blanks + 1 };
                    out.extend(std::iter::repeat_n('\n', breaks));
                }
            }
            out.push_str(&self.text[line + ind..end]);
            any = true;
            blanks = 0;
            line = (end + 1).min(self.b.len());
        };
        match chomp {
            b'-' => {}
            b'+' => out.extend(std::iter::repeat_n('\n', blanks + 1)),
            _ => out.push('\n'),
        }
        self.pos = line;
        Some(Node {
            at: start as u32,
            len: (end - start) as u32,
            kind: Kind::Text(Cow::Owned(out)),
        })
    }
}

/// Whether a plain scalar may start with `c` (then `next`): not with an
/// indicator, nor with `-`, `?` or `:` before a space.
fn plain_start(c: u8, next: u8) -> bool {
    match c {
        b'-' => !matches!(next, b' ' | b'\n'),
        b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|'
        | b'>' | b'\'' | b'"' | b'%' | b'@' | b'`' | b' ' | b'\n' => false,
        _ => true,
    }
}

/// A plain scalar's text, borrowed from the document.
fn plain_text<'a>(node: &Node<'a>) -> Option<&'a str> {
    match node.kind {
        Kind::Plain(s) => Some(s),
        _ => None,
    }
}

/// The keys of one mapping so far: a key may be written once. One that
/// might be read as a number, a boolean or a null is declined (serde-saphyr
/// compares those by value: `1` and `0x1` are the same key), as is `<<`.
#[derive(Default)]
struct Keys<'a> {
    few: Vec<&'a str>,
    /// Past a few keys, a set: a mapping of many keys stays linear.
    many: rustc_hash::FxHashSet<&'a str>,
}

impl<'a> Keys<'a> {
    fn fresh(&mut self, key: &'a str) -> bool {
        if key == "<<" || may_be_typed(key) {
            return false;
        }
        if self.few.len() < 16 {
            if self.few.contains(&key) {
                return false;
            }
            self.few.push(key);
            return true;
        }
        if self.many.is_empty() {
            self.many.extend(self.few.iter().copied());
        }
        self.many.insert(key)
    }
}

/// Plain text serde-saphyr may read as null, a boolean or a number (YAML
/// 1.1 and 1.2 forms): where the wanted type does not say, declined.
fn may_be_typed(s: &str) -> bool {
    let b = s.as_bytes();
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s).as_bytes();
    let numeric = unsigned
        .first()
        .is_some_and(|c| c.is_ascii_digit() || *c == b'.')
        && (unsigned
            .iter()
            .all(|c| c.is_ascii_digit() || b"_.:eE+-".contains(c))
            || unsigned.starts_with(b"0x")
            || unsigned.starts_with(b"0o")
            || unsigned.starts_with(b"0b")
            // A date or a timestamp.
            || (unsigned.len() > 4 && unsigned[..4].iter().all(u8::is_ascii_digit) && unsigned[4] == b'-'));
    match b.first() {
        None => true,
        _ if numeric => true,
        _ if unsigned.eq_ignore_ascii_case(b".inf") || unsigned.eq_ignore_ascii_case(b".nan") => {
            true
        }
        _ => {
            s.len() <= 5
                && matches!(
                    s.to_ascii_lowercase().as_str(),
                    "~" | "null"
                        | "true"
                        | "false"
                        | "yes"
                        | "no"
                        | "on"
                        | "off"
                        | "y"
                        | "n"
                        | ".inf"
                        | ".nan"
                )
        }
    }
}

fn null(s: &str) -> bool {
    matches!(s, "" | "~" | "null" | "Null" | "NULL")
}

/// Line and column of byte offsets, in characters as serde-saphyr counts.
struct Places<'a> {
    bytes: &'a [u8],
    line_starts: Vec<u32>,
    /// Characters before every 64th byte (only when the text is not
    /// ASCII): a place's character offset is then counted over at most 64
    /// bytes, however long its line.
    checkpoints: Vec<u32>,
}

/// Bytes between two character checkpoints.
const CHECKPOINT: usize = 64;

impl<'a> Places<'a> {
    fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0u32];
        line_starts.extend(self::line_starts(bytes).map(|i| i as u32));
        let checkpoints = if text.is_ascii() {
            Vec::new()
        } else {
            // One more than the chunks: `at` may be the text's end.
            let mut checkpoints = vec![0u32];
            for chunk in bytes.chunks(CHECKPOINT) {
                let before = checkpoints[checkpoints.len() - 1];
                checkpoints.push(before + chars_in(chunk));
            }
            checkpoints
        };
        Places {
            bytes,
            line_starts,
            checkpoints,
        }
    }

    /// Characters before byte offset `at` (a character boundary).
    fn chars_before(&self, at: usize) -> u32 {
        if self.checkpoints.is_empty() {
            return at as u32;
        }
        let from = at / CHECKPOINT * CHECKPOINT;
        self.checkpoints[at / CHECKPOINT] + chars_in(&self.bytes[from..at])
    }

    fn location(&self, node: &Node<'_>) -> Loc {
        let at = node.at as usize;
        let line = self.line_starts.partition_point(|&s| s as usize <= at) - 1;
        let offset = self.chars_before(at);
        let line_offset = self.chars_before(self.line_starts[line] as usize);
        let len = self.chars_before(at + node.len as usize) - offset;
        Loc {
            line: line as u32 + 1,
            column: offset - line_offset + 1,
            offset,
            len,
            byte_offset: node.at,
            byte_len: node.len,
        }
    }
}

/// The characters UTF-8 `bytes` hold (those that are not continuation bytes).
fn chars_in(bytes: &[u8]) -> u32 {
    bytes.iter().filter(|&&b| b & 0xc0 != 0x80).count() as u32
}

/// What a `serde_saphyr::Location` holds, handed to its `Deserialize`.
#[derive(Clone, Copy)]
struct Loc {
    line: u32,
    column: u32,
    offset: u32,
    len: u32,
    byte_offset: u32,
    byte_len: u32,
}

/// Why a document was declined: nothing to report, serde-saphyr reads it next.
#[derive(Debug)]
struct Declined;

impl fmt::Display for Declined {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("left to serde-saphyr")
    }
}

impl std::error::Error for Declined {}

impl de::Error for Declined {
    fn custom<M: fmt::Display>(_: M) -> Self {
        Declined
    }
}

#[derive(Clone, Copy)]
struct De<'n, 'a> {
    node: &'n Node<'a>,
    places: &'n Places<'a>,
}

impl De<'_, '_> {
    /// The scalar's text when it is a string whatever the type: quoted,
    /// block, or plain but not null.
    fn string(&self) -> Result<&str, Declined> {
        match &self.node.kind {
            Kind::Plain(s) if !null(s) => Ok(s),
            Kind::Text(s) => Ok(s),
            _ => Err(Declined),
        }
    }

    /// Whether every plain scalar below (keys too) is a string, a boolean
    /// or an integer: nothing serde-saphyr could refuse read without a type.
    fn plainly_readable(&self) -> bool {
        let at = |node| De {
            node,
            places: self.places,
        };
        match &self.node.kind {
            Kind::Plain(s) => {
                !may_be_typed(s) || matches!(*s, "true" | "false") || self.integer().is_ok()
            }
            Kind::Text(_) => true,
            Kind::Seq(items) => items.iter().all(|n| at(n).plainly_readable()),
            Kind::Map(entries) => entries
                .iter()
                .all(|(k, v)| at(k).plainly_readable() && at(v).plainly_readable()),
        }
    }

    fn integer(&self) -> Result<i64, Declined> {
        let Kind::Plain(s) = self.node.kind else {
            return Err(Declined);
        };
        let digits = s.strip_prefix('-').unwrap_or(s);
        let canonical = !digits.is_empty()
            && digits.bytes().all(|c| c.is_ascii_digit())
            && (digits == "0" || !digits.starts_with('0'))
            && s != "-0";
        if !canonical {
            return Err(Declined);
        }
        s.parse().map_err(|_| Declined)
    }
}

macro_rules! integers {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Declined> {
            visitor.visit_i64(self.integer()?)
        }
    )*};
}

impl<'de> Deserializer<'de> for De<'_, '_> {
    type Error = Declined;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Declined> {
        match &self.node.kind {
            Kind::Plain("true") => visitor.visit_bool(true),
            Kind::Plain("false") => visitor.visit_bool(false),
            Kind::Plain(s) if may_be_typed(s) => match self.integer()? {
                n if n >= 0 => visitor.visit_u64(n as u64),
                n => visitor.visit_i64(n),
            },
            Kind::Plain(s) => visitor.visit_str(s),
            Kind::Text(s) => visitor.visit_str(s),
            Kind::Seq(items) => visitor.visit_seq(Seq {
                items: items.iter(),
                places: self.places,
            }),
            Kind::Map(entries) => visitor.visit_map(Map {
                entries: entries.iter(),
                value: None,
                places: self.places,
            }),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Declined> {
        match self.node.kind {
            Kind::Plain("true") => visitor.visit_bool(true),
            Kind::Plain("false") => visitor.visit_bool(false),
            _ => Err(Declined),
        }
    }

    integers!(deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64);

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Declined> {
        visitor.visit_str(self.string()?)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Declined> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Declined> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Declined> {
        match &self.node.kind {
            Kind::Plain(s) if null(s) => Err(Declined),
            Kind::Text(s) if s.is_empty() => Err(Declined),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Declined> {
        if name == "__yaml_spanned" {
            visitor.visit_newtype_struct(SpannedDe(self))
        } else {
            visitor.visit_newtype_struct(self)
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Declined> {
        match self.node.kind {
            Kind::Seq(_) => self.deserialize_any(visitor),
            _ => Err(Declined),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Declined> {
        match self.node.kind {
            Kind::Map(_) => self.deserialize_any(visitor),
            _ => Err(Declined),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Declined> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Declined> {
        match &self.node.kind {
            Kind::Map(entries) if entries.len() == 1 => visitor.visit_enum(Variant {
                name: De {
                    node: &entries[0].0,
                    places: self.places,
                },
                value: Some(De {
                    node: &entries[0].1,
                    places: self.places,
                }),
            }),
            Kind::Plain(_) | Kind::Text(_) => visitor.visit_enum(Variant {
                name: self,
                value: None,
            }),
            _ => Err(Declined),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Declined> {
        // serde-saphyr reads a skipped value whole and may refuse it (a
        // non-finite float): one that may be typed is left to it.
        if self.plainly_readable() {
            visitor.visit_unit()
        } else {
            Err(Declined)
        }
    }

    fn deserialize_f32<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Declined> {
        Err(Declined)
    }
    fn deserialize_f64<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Declined> {
        Err(Declined)
    }
    fn deserialize_char<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Declined> {
        Err(Declined)
    }
    fn deserialize_bytes<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Declined> {
        Err(Declined)
    }
    fn deserialize_byte_buf<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Declined> {
        Err(Declined)
    }
    fn deserialize_unit<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Declined> {
        Err(Declined)
    }
    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: V,
    ) -> Result<V::Value, Declined> {
        Err(Declined)
    }
    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, _: V) -> Result<V::Value, Declined> {
        Err(Declined)
    }
    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        _: V,
    ) -> Result<V::Value, Declined> {
        Err(Declined)
    }
}

struct Seq<'n, 'a> {
    items: std::slice::Iter<'n, Node<'a>>,
    places: &'n Places<'a>,
}

impl<'de> SeqAccess<'de> for Seq<'_, '_> {
    type Error = Declined;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Declined> {
        self.items
            .next()
            .map(|node| {
                seed.deserialize(De {
                    node,
                    places: self.places,
                })
            })
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct Map<'n, 'a> {
    entries: std::slice::Iter<'n, (Node<'a>, Node<'a>)>,
    value: Option<&'n Node<'a>>,
    places: &'n Places<'a>,
}

impl<'de> MapAccess<'de> for Map<'_, '_> {
    type Error = Declined;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Declined> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        seed.deserialize(De {
            node: key,
            places: self.places,
        })
        .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Declined> {
        let node = self.value.take().ok_or(Declined)?;
        seed.deserialize(De {
            node,
            places: self.places,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

struct Variant<'n, 'a> {
    name: De<'n, 'a>,
    value: Option<De<'n, 'a>>,
}

/// What follows a variant's name: nothing (a unit variant) or its value.
struct Content<'n, 'a>(Option<De<'n, 'a>>);

impl<'de, 'n, 'a> EnumAccess<'de> for Variant<'n, 'a> {
    type Error = Declined;
    type Variant = Content<'n, 'a>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self::Variant), Declined> {
        let name = seed.deserialize(self.name)?;
        Ok((name, Content(self.value)))
    }
}

impl<'de> VariantAccess<'de> for Content<'_, '_> {
    type Error = Declined;

    fn unit_variant(self) -> Result<(), Declined> {
        match self.0 {
            None => Ok(()),
            Some(_) => Err(Declined),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Declined> {
        seed.deserialize(self.0.ok_or(Declined)?)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, _: V) -> Result<V::Value, Declined> {
        Err(Declined)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Declined> {
        self.0.ok_or(Declined)?.deserialize_map(visitor)
    }
}

/// `Spanned<T>` as serde-saphyr hands it over: a map of a marker, the value
/// and two locations (the same here: no aliases).
struct SpannedDe<'n, 'a>(De<'n, 'a>);

impl<'de> Deserializer<'de> for SpannedDe<'_, '_> {
    type Error = Declined;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Declined> {
        let at = self.0.places.location(self.0.node);
        visitor.visit_map(SpannedMap {
            de: self.0,
            at,
            state: 0,
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

struct SpannedMap<'n, 'a> {
    de: De<'n, 'a>,
    at: Loc,
    state: u8,
}

impl<'de> MapAccess<'de> for SpannedMap<'_, '_> {
    type Error = Declined;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Declined> {
        let key = match self.state {
            0 => "__serde_saphyr_private_spanned",
            1 => "value",
            2 => "referenced",
            3 => "defined",
            _ => return Ok(None),
        };
        self.state += 1;
        seed.deserialize(StrDeserializer::<Declined>::new(key))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Declined> {
        match self.state {
            1 => seed.deserialize(true.into_deserializer()),
            2 => seed.deserialize(self.de),
            _ => seed.deserialize(LocationDe {
                at: self.at,
                span: false,
            }),
        }
    }
}

/// A location as `{ line, column, span: { offset, len, byte_info }, source_id }`
/// (`span` false), or its span (`span` true).
struct LocationDe {
    at: Loc,
    span: bool,
}

impl<'de> Deserializer<'de> for LocationDe {
    type Error = Declined;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Declined> {
        visitor.visit_map(LocationMap {
            at: self.at,
            state: 0,
            span: self.span,
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// The fields of a location (`span` false) or of its span (`span` true).
struct LocationMap {
    at: Loc,
    state: u8,
    span: bool,
}

impl<'de> MapAccess<'de> for LocationMap {
    type Error = Declined;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Declined> {
        let keys: &[&str] = if self.span {
            &["offset", "len", "byte_info"]
        } else {
            &["line", "column", "span", "source_id"]
        };
        let Some(key) = keys.get(self.state as usize) else {
            return Ok(None);
        };
        self.state += 1;
        seed.deserialize(StrDeserializer::<Declined>::new(key))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Declined> {
        let at = self.at;
        match (self.span, self.state) {
            (false, 1) => seed.deserialize(at.line.into_deserializer()),
            (false, 2) => seed.deserialize(at.column.into_deserializer()),
            (false, 3) => seed.deserialize(LocationDe { at, span: true }),
            (false, _) => seed.deserialize(0u32.into_deserializer()),
            (true, 1) => seed.deserialize(at.offset.into_deserializer()),
            (true, 2) => seed.deserialize(at.len.into_deserializer()),
            (true, _) => seed.deserialize(SeqDeserializer::<_, Declined>::new(
                [at.byte_offset, at.byte_len].into_iter(),
            )),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_saphyr::Spanned;

    /// Any document, every node with its span, read through `deserialize_any`.
    #[derive(Debug, PartialEq)]
    enum Tree {
        Str(String),
        Bool(bool),
        Int(i128),
        Float(String),
        Null,
        List(Vec<Spanned<Tree>>),
        Map(Vec<(Spanned<String>, Spanned<Tree>)>),
    }

    impl<'de> Deserialize<'de> for Tree {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Tree, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Tree;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("anything")
                }
                fn visit_str<E: de::Error>(self, s: &str) -> Result<Tree, E> {
                    Ok(Tree::Str(s.to_string()))
                }
                fn visit_bool<E: de::Error>(self, b: bool) -> Result<Tree, E> {
                    Ok(Tree::Bool(b))
                }
                fn visit_i64<E: de::Error>(self, n: i64) -> Result<Tree, E> {
                    Ok(Tree::Int(n.into()))
                }
                fn visit_u64<E: de::Error>(self, n: u64) -> Result<Tree, E> {
                    Ok(Tree::Int(n.into()))
                }
                fn visit_f64<E: de::Error>(self, n: f64) -> Result<Tree, E> {
                    Ok(Tree::Float(n.to_string()))
                }
                fn visit_unit<E: de::Error>(self) -> Result<Tree, E> {
                    Ok(Tree::Null)
                }
                fn visit_none<E: de::Error>(self) -> Result<Tree, E> {
                    Ok(Tree::Null)
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Tree, A::Error> {
                    let mut items = Vec::new();
                    while let Some(item) = a.next_element()? {
                        items.push(item);
                    }
                    Ok(Tree::List(items))
                }
                fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Tree, A::Error> {
                    let mut entries = Vec::new();
                    while let Some(key) = a.next_key()? {
                        entries.push((key, a.next_value()?));
                    }
                    Ok(Tree::Map(entries))
                }
            }
            d.deserialize_any(V)
        }
    }

    /// Typed fields, as the rule types use them.
    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Typed {
        #[serde(default)]
        level: Option<Spanned<i64>>,
        #[serde(default)]
        small: Option<u8>,
        #[serde(default)]
        flag: Option<bool>,
        #[serde(default)]
        text: Option<Spanned<String>>,
        #[serde(default)]
        words: Vec<Spanned<String>>,
        #[serde(default)]
        place: Option<Place>,
        #[serde(default)]
        places: Option<Vec<Place>>,
        #[serde(default)]
        nested: Option<Spanned<Box<Typed>>>,
        #[serde(default)]
        names: std::collections::BTreeMap<String, String>,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Place {
        BeforeWhy,
        AfterFix,
    }

    /// Where this reader answers, serde-saphyr parses the text too and
    /// gives the same value and spans. Returns whether it answered.
    fn agrees<T: DeserializeOwned + fmt::Debug + PartialEq>(text: &str) -> bool {
        let Some(fast) = from_str::<T>(text) else {
            return false;
        };
        let slow =
            serde_saphyr::from_str_with_options::<T>(text, crate::rules::load::yaml_options());
        match slow {
            Ok(slow) => assert_eq!(fast, slow, "{text:?}"),
            Err(e) => panic!("serde-saphyr refuses what this reader read: {text:?}: {e}"),
        }
        true
    }

    #[test]
    fn what_it_reads_it_reads_as_serde_saphyr_does() {
        let read = [
            "a: b\n",
            "# comment\n\ncode: NS1   # trailing\nmsg: \"a\\tb \\u00e9 \\x41 \\\\ \\\" \\/\"\nsq: 'it''s'\n",
            "list:\n  - a\n  - b: c\n    d: e\n  -   x\n  - 'q'  # c\n",
            "list:\n- a\n- b\nnext: c\n",
            "flow: [a, b , 'c', \"d\"]\nfm: { click: Click, tabs: in the tabs }\nempty: {}\nel: []\n",
            "lit: |\n  line1\n   line2\n\n  line3\nfold: >-\n  a\n  b\n\n  c\n",
            "a: |\n  x\nb: |-\n  x\n\nc: |+\n  x\n\n\nd: >\n  x\n  y\ne: >+\n  x\n\n",
            "f: |\n  x\n  # not a comment\n    more\nz: |\n  end",
            "m:\n  a: |\n    x\n  # c\n  b: why\n",
            "m:\n  - |\n    x\n\n  - why\n",
            "m:\n  a: >\n    x\n    y\n\n\n    z\n    w\n  b: c\n",
            "a: |  # comment\n  x\n",
            "é: ü\nclé: \"ça\"\nlist: [é, 'ü']\n",
            "url: https://example.com/a#b\nc: C# and F#\ns: a:b\n",
            "k: -dash\nl: ''\n",
            "deep:\n  a:\n    b:\n      - c:\n          - d\n",
            "a:\n    b: c\n    d:\n    - e\n",
            "a: x\n\n\n# end\n",
            "a: |+\n  x\n \nb: c\n",
            "a: |+\n  x\n ",
            "a: |\n  x\n  ",
            "long: [é, ü, ça, là, où, é, ü, ça, là, où, é, ü, ça, là, où, é, ü, ça, là, où, é, ü, ça, là, où, é, ü, ça, là, où, é, ü, ça, là, où]\nnext: é\n",
            // A page's front matter, as `build` writes it and reads it back.
            "title: How to troubleshoot common Xero errors\ndescription: Learn what common Xero errors mean.\nkeywords: [Xero errors, sync errors]\ninternalScope: Audience is Workspace Admins. Covers codes.\n",
            "num: 12\nneg: -3\nt: true\nf: false\nzero: 0\nstatus: 5xx\nv: 1.2.3-beta x\n",
        ];
        for text in read {
            assert!(agrees::<Tree>(text), "declined {text:?}");
        }
        let typed = [
            "level: 2\nsmall: 7\nflag: true\ntext: 'hi'\nwords: [a, b]\nplace: before_why\n",
            "places:\n  - after_fix\n  - before_why\nnested:\n  level: -3\n  flag: false\n",
            "names:\n  one: 1\n  two: true\n  three: null word\ntext: 12\n",
        ];
        for text in typed {
            assert!(agrees::<Typed>(text), "declined {text:?}");
        }
    }

    #[test]
    fn what_it_does_not_know_it_leaves_to_serde_saphyr() {
        let declined = [
            // Anchors, aliases, tags, documents, directives.
            "a: &x b\nc: *x\n",
            "a: !tag b\n",
            "---\na: b\n",
            "%YAML 1.2\n---\na: b\n",
            "a: b\n...\n",
            // Nulls, typed plain scalars where the type does not say.
            "a:\n",
            "a: ~\n",
            "a: null\n",
            "a: yes\n",
            "a: y\n",
            "a: .5\n",
            "a: 1_000\n",
            "a: 0x1F\n",
            "a: 012\n",
            "a: 1:20\n",
            "a: 1e3\n",
            "a: -.inf\n",
            "a: TRUE\n",
            "a: 2001-01-01\n",
            // Multi-line scalars and flows, complex keys, odd indentation.
            "a: b\n  c\n",
            "a: \"b\n  c\"\n",
            "a: [b,\n  c]\n",
            "? a\n: b\n",
            "\"a\": b\n",
            "a : b\n",
            "a:\n  b: c\n d: e\n",
            "a:\n  - b\n - c\n",
            "a: |2\n   x\n",
            "a: |\n\n  x\n",
            "a: >\n  x\n    y\n",
            "a: |\n  x\n   \n",
            // Errors: serde-saphyr reports them.
            "a: b\na: c\n",
            "a: b: c\n",
            "a: [b, [c]]\n",
            "a: [b,]\n",
            "a: {b: c, b: d}\n",
            "a:\tb\n",
            "a: b\r\n",
            "- a\n",
            "a: \"\\q\"\n",
            "a: 'b' c\n",
            "a: - b\n",
            "a: <<\n<<: b\n",
            // Found by review: keys equal as numbers (any key that may be
            // typed is declined).
            "1: a\n0x1: b\n",
            "a: {1: p, 0x1: q}\n",
            ">+: x\n",
            // Spaces beyond the indentation ending the text.
            "a: |\n  x\n   ",
        ];
        for text in declined {
            assert!(!agrees::<Tree>(text), "read {text:?}");
        }
        let long_key = format!("a: {{{}: v}}\n", "k".repeat(1025));
        let many = format!("a: [{}]\n", vec!["x"; 120_000].join(","));
        for text in [long_key, many] {
            assert!(!agrees::<Tree>(&text), "read {}", &text[..40]);
        }
        // A skipped value serde-saphyr would refuse (review).
        #[derive(Debug, PartialEq, Deserialize)]
        struct Loose {
            title: Option<String>,
        }
        assert!(!agrees::<Loose>("title: T\nx: .inf\n"));
        assert!(agrees::<Loose>("title: T\nx: [a, 1, true]\n"));
        // Typed: a value of the wrong type, an unknown field.
        for text in [
            "level: two\n",
            "small: 300\n",
            "flag: yes\n",
            "other: 1\n",
            "place: nowhere\n",
        ] {
            assert!(!agrees::<Typed>(text), "read {text:?}");
        }
    }

    /// Rule files as their types read them: the same `Debug` (values and
    /// every span) from both readers, where this one answers.
    pub(crate) fn file_agrees(name: &str, text: &str) -> bool {
        use crate::rules::raw::{RawCode, RawIntegration};
        fn same<T: DeserializeOwned + fmt::Debug>(name: &str, text: &str) -> bool {
            let Some(fast) = from_str::<T>(text) else {
                return false;
            };
            let options = crate::rules::load::yaml_options();
            match serde_saphyr::from_str_with_options::<T>(text, options) {
                Ok(slow) => assert_eq!(format!("{fast:?}"), format!("{slow:?}"), "{name}"),
                Err(e) => panic!("serde-saphyr refuses what this reader read: {name}: {e}"),
            }
            true
        }
        if name.ends_with("integration.yaml") {
            same::<RawIntegration>(name, text)
        } else {
            same::<RawCode>(name, text)
        }
    }

    #[test]
    fn every_rule_file_reads_the_same_and_the_shipped_ones_are_read_here() {
        for (path, text) in crate::util::embedded::RULES {
            assert!(file_agrees(path, text), "declined rules/{path}");
        }
        let mut fixtures = Vec::new();
        let tests = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
        collect_yaml(&tests, &mut fixtures);
        // Fixtures hold problems on purpose: only what is read is compared.
        let read = fixtures
            .iter()
            .filter(|path| {
                let text = std::fs::read_to_string(path).unwrap();
                file_agrees(&path.display().to_string(), &text)
            })
            .count();
        assert!(read * 2 > fixtures.len(), "{read} of {}", fixtures.len());
    }

    fn collect_yaml(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                collect_yaml(&path, out);
            } else if path.extension().is_some_and(|e| e == "yaml") {
                out.push(path);
            }
        }
    }

    /// A document to write out in one of YAML's styles.
    #[derive(Debug, Clone)]
    enum Doc {
        Scalar(String, u8),
        List(Vec<Doc>, bool),
        Map(Vec<(String, Doc)>, bool),
    }

    fn doc() -> impl proptest::strategy::Strategy<Value = Doc> {
        use proptest::prelude::*;
        // Words with the characters that matter to YAML, and a few that do not.
        let text = "([a-z]{1,6}|[0-9]{1,3}|[ :#'\"\\\\,\\[\\]{}\\-?|>&*!%@`~.é]|true|null|y)";
        let scalar = (proptest::collection::vec(text, 1..5), 0u8..8)
            .prop_map(|(words, style)| Doc::Scalar(words.concat(), style));
        let key = "[a-z][a-z_0-9]{0,6}( [a-z]{1,3})?";
        scalar.prop_recursive(4, 40, 5, move |inner| {
            prop_oneof![
                (
                    proptest::collection::vec(inner.clone(), 0..4),
                    any::<bool>()
                )
                    .prop_map(|(items, flow)| Doc::List(items, flow)),
                (proptest::collection::vec((key, inner), 0..4), any::<bool>())
                    .prop_map(|(entries, flow)| Doc::Map(entries, flow)),
            ]
        })
    }

    /// Writes `doc` as the value after a key or dash, `ind` deep, `step` a level.
    fn write(doc: &Doc, ind: usize, step: usize, out: &mut String) {
        let pad = " ".repeat(ind);
        match doc {
            Doc::Scalar(s, style) => match style {
                0 | 1 => out.push_str(&format!(" {s}\n")),
                2 => out.push_str(&format!(" '{}'\n", s.replace('\'', "''"))),
                3 => out.push_str(&format!(" {s:?}  # note\n")),
                4..=6 => {
                    let header = ["|", ">-", "|+"][*style as usize - 4];
                    out.push_str(&format!(" {header}\n"));
                    for line in s.split(' ') {
                        out.push_str(&format!("{pad}{}{line}\n", " ".repeat(step)));
                    }
                }
                _ => out.push_str(&format!(" {s}\n\n{pad}# between\n")),
            },
            Doc::List(_, true) | Doc::Map(_, true) if flow_scalars(doc) => {
                let (open, inner, close) = match doc {
                    Doc::List(items, _) => {
                        ("[", items.iter().map(flow_text).collect::<Vec<_>>(), "]")
                    }
                    Doc::Map(entries, _) => (
                        "{",
                        entries
                            .iter()
                            .map(|(k, v)| format!("{k}: {}", flow_text(v)))
                            .collect(),
                        "}",
                    ),
                    Doc::Scalar(..) => unreachable!(),
                };
                out.push_str(&format!(" {open}{}{close}\n", inner.join(", ")));
            }
            Doc::List(items, _) => {
                out.push('\n');
                for item in items {
                    out.push_str(&format!("{pad}-"));
                    write(item, ind + step, step, out);
                }
            }
            Doc::Map(entries, _) => {
                out.push('\n');
                for (k, v) in entries {
                    out.push_str(&format!("{pad}{k}:"));
                    write(v, ind + step, step, out);
                }
            }
        }
    }

    fn items_of(doc: &Doc) -> Vec<&Doc> {
        match doc {
            Doc::List(items, _) => items.iter().collect(),
            Doc::Map(entries, _) => entries.iter().map(|(_, v)| v).collect(),
            Doc::Scalar(..) => Vec::new(),
        }
    }

    fn flow_scalars(doc: &Doc) -> bool {
        items_of(doc).iter().all(|d| matches!(d, Doc::Scalar(..)))
    }

    fn flow_text(doc: &Doc) -> String {
        match doc {
            Doc::Scalar(s, style) if style % 2 == 0 => format!("{s:?}"),
            Doc::Scalar(s, _) => s.clone(),
            _ => unreachable!(),
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// Generated documents, and the same with a character put in or
        /// taken out: where this reader answers, serde-saphyr agrees.
        #[test]
        fn generated_documents_read_the_same(
            entries in proptest::collection::vec(("[a-z][a-z_]{0,5}", doc()), 1..5),
            step in 1usize..4,
            edit in proptest::option::of((0usize..10_000, "[ \n:#\\-'\"a|]?")),
        ) {
            let mut text = String::new();
            for (k, v) in &entries {
                text.push_str(&format!("{k}:"));
                write(v, step, step, &mut text);
            }
            if let Some((at, put)) = edit {
                let at = text.char_indices().map(|(i, _)| i).nth(at % text.chars().count()).unwrap_or(0);
                if put.is_empty() {
                    text.remove(at);
                } else {
                    text.insert_str(at, &put);
                }
            }
            agrees::<Tree>(&text);
        }
    }
}
