//! What an in-place incremental build ([`super::update`]) needs besides the
//! manifest: how each rule file looked when it was read (its [`Stamp`]), the
//! hash of what it was read as, and what the index pages, the home page and
//! the search index list of each code, so that one changed code file is
//! rendered without loading the other ten thousand.
//!
//! Like the manifest, the text ends with a checksum of itself and names the
//! triage version: a cache that does not parse, fails its checksum or is by
//! another version is no cache, and the build is a full one. The checksum is
//! a CRC-32 rather than the manifest's SHA-256: it only has to catch damage,
//! and the cache, some megabytes at ten thousand codes, is read and written
//! on every update.

use rustc_hash::FxHashMap as HashMap;

use std::borrow::Cow;

use super::html::{self, CodeEntry, SearchDoc};
use super::manifest::{Key, version};
use crate::rules::Kind;

/// The cache's name in the output folder (listed in the marker).
pub const FILE: &str = ".triage-cache";
const HEAD: &str = "triage-cache 2";

/// A rule file's size, times and inode when it was read. A file whose stamp
/// is unchanged is not read again: as git's index does, a stamp is only
/// recorded for a file last changed well before it was taken ([`Stamp::settled`]),
/// since a file written twice within one tick of the file system's clock
/// keeps its times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub len: u64,
    /// Nanoseconds since the epoch.
    pub mtime: i64,
    pub ctime: i64,
    pub ino: u64,
}

/// A file changed this close (or closer) to the moment its stamp was taken
/// may change again without its times moving: two seconds, the coarsest
/// clock of a common file system (FAT).
const SETTLE_NS: i64 = 2_000_000_000;

impl Stamp {
    #[cfg(unix)]
    pub fn of(meta: &std::fs::Metadata) -> Stamp {
        use std::os::unix::fs::MetadataExt;
        let ns = |s: i64, n: i64| s.saturating_mul(1_000_000_000).saturating_add(n);
        Stamp {
            len: meta.len(),
            mtime: ns(meta.mtime(), meta.mtime_nsec()),
            ctime: ns(meta.ctime(), meta.ctime_nsec()),
            ino: meta.ino(),
        }
    }

    #[cfg(not(unix))]
    pub fn of(meta: &std::fs::Metadata) -> Stamp {
        let mtime = meta.modified().map_or(i64::MAX, nanos);
        Stamp {
            len: meta.len(),
            mtime,
            ctime: mtime,
            ino: 0,
        }
    }

    /// The stamp of the file at `path`, not following a link (the loader
    /// refuses links out of the folder; a link is never trusted here).
    pub fn read(path: &std::path::Path) -> Option<Stamp> {
        let meta = std::fs::symlink_metadata(path).ok()?;
        meta.is_file().then(|| Stamp::of(&meta))
    }

    /// Whether the file last changed long enough before `taken` (when the
    /// stamp was read, in [`now`]'s terms) for the stamp to tell any later
    /// change. Never off Unix: without a change time and an inode, a file
    /// copied over another with its time kept would look unchanged.
    pub fn settled(&self, taken: i64) -> bool {
        if cfg!(not(unix)) {
            return false;
        }
        let limit = taken.saturating_sub(SETTLE_NS);
        self.mtime < limit && self.ctime < limit
    }
}

/// Now, in nanoseconds since the epoch, as stamps count.
pub fn now() -> i64 {
    nanos(std::time::SystemTime::now())
}

fn nanos(t: std::time::SystemTime) -> i64 {
    t.duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// The rule files of a folder, stamped before they are read, by display name.
#[derive(Debug, Default)]
pub struct Stamps {
    pub files: HashMap<String, Stamp>,
}

impl Stamps {
    /// Stamps every rule file under `dir`; empty when the folder cannot be
    /// walked (the load that follows says why). Only settled stamps are kept.
    pub fn take(dir: &std::path::Path) -> Stamps {
        let taken = now();
        let Ok(found) = crate::rules::load::find(dir) else {
            return Stamps::default();
        };
        let stamps = crate::util::parallel::map(&found, || (), |(), f| Stamp::read(&f.path));
        let files = found
            .iter()
            .zip(stamps)
            .filter_map(|(f, s)| Some((f.display(), s.filter(|s| s.settled(taken))?)))
            .collect();
        Stamps { files }
    }
}

/// Everything an incremental build reads of the previous one besides the
/// manifest. Its strings borrow the cache's text where they are read from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cache<'a> {
    /// What the build wrote ([`super::Options`]).
    pub markdown: bool,
    pub html: bool,
    /// The triage version and the templates ([`super::Keys`]).
    pub templates: Key,
    /// Every snippet line of the search index once, as it holds them
    /// ([`html::search_line`]); codes list theirs by place.
    pub lines: Vec<Cow<'a, str>>,
    pub integrations: Vec<CachedIntegration<'a>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedIntegration<'a> {
    /// Its `integration.yaml`, as the load names it.
    pub file: Cow<'a, str>,
    /// Its text's hash (with the templates'), as [`super::Keys`] makes it.
    pub key: Key,
    /// What the home page shows of it ([`html::IntegrationEntry`]).
    pub product: Cow<'a, str>,
    pub index_title: Cow<'a, str>,
    pub index_url: Cow<'a, str>,
    /// As the home page lists them (by code).
    pub codes: Vec<CachedCode<'a>>,
}

/// One code: its file, and what the pages listing it show of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedCode<'a> {
    pub file: Cow<'a, str>,
    /// `None` when the file had not settled when read: it is read again.
    pub stamp: Option<Stamp>,
    /// Its pages' key ([`super::Keys::code`]).
    pub key: Key,
    pub code: Cow<'a, str>,
    pub kind: Kind,
    pub title: Cow<'a, str>,
    pub message: Cow<'a, str>,
    pub summary: Cow<'a, str>,
    /// The article, relative to the troubleshooting folder, URL-encoded.
    pub link: Cow<'a, str>,
    /// The preview, relative to `html/`, URL-encoded.
    pub url: Cow<'a, str>,
    /// Its entry in the search index but for its lines ([`html::search_head`]):
    /// taken from the previous search index, where the cache says it is;
    /// empty in a build that writes no preview or has not made it yet.
    pub search: Cow<'a, str>,
    /// Its snippet lines, as places in [`Cache::lines`].
    pub lines: Vec<u32>,
}

/// Snippet lines, each once, as [`Cache::lines`] holds them.
#[derive(Debug, Default)]
pub struct Lines {
    lines: Vec<String>,
    places: HashMap<String, u32>,
}

impl Lines {
    /// The place of `line` (a [`html::search_line`]), given one if new.
    pub fn place(&mut self, line: String) -> u32 {
        if let Some(&at) = self.places.get(&line) {
            return at;
        }
        let at = self.lines.len() as u32;
        self.lines.push(line.clone());
        self.places.insert(line, at);
        at
    }

    /// A code of a build, as the cache keeps it.
    pub fn cached(
        &mut self,
        entry: &CodeEntry,
        file: String,
        stamp: Option<Stamp>,
        key: Key,
    ) -> Result<CachedCode<'static>, crate::Error> {
        let lines = entry
            .search
            .lines
            .iter()
            .map(|l| Ok(self.place(html::search_line(l)?)))
            .collect::<Result<_, crate::Error>>()?;
        Ok(CachedCode::of(entry, file, stamp, key, lines))
    }

    /// The lines, in the order they were first met.
    pub fn into_lines(self) -> Vec<Cow<'static, str>> {
        self.lines.into_iter().map(Cow::Owned).collect()
    }
}

impl CachedCode<'static> {
    /// A code as the cache keeps it, its snippet lines placed (`lines`) and
    /// its search head not yet known.
    pub fn of(
        entry: &CodeEntry,
        file: String,
        stamp: Option<Stamp>,
        key: Key,
        lines: Vec<u32>,
    ) -> CachedCode<'static> {
        CachedCode {
            file: file.into(),
            stamp,
            key,
            code: entry.code.clone().into(),
            kind: entry.kind,
            title: entry.title.clone().into(),
            message: entry.message.clone().into(),
            summary: entry.summary.clone().into(),
            link: entry.link.clone().into(),
            url: entry.url.clone().into(),
            search: Cow::Borrowed(""),
            lines,
        }
    }
}

impl CachedCode<'_> {
    /// What the home page shows of it (search terms aside).
    pub fn home_entry(&self, product: &str) -> CodeEntry {
        CodeEntry {
            code: self.code.to_string(),
            kind_title: self.kind.title(),
            product: product.to_string(),
            title: self.title.to_string(),
            message: self.message.to_string(),
            summary: self.summary.to_string(),
            url: self.url.to_string(),
            search: SearchDoc::default(),
            kind: self.kind,
            link: self.link.to_string(),
        }
    }

    /// What its integration's index page lists of it.
    pub fn index_entry(&self) -> crate::render::index::IndexEntry {
        crate::render::index::IndexEntry {
            code: self.code.to_string(),
            kind: self.kind,
            headline: self.title.to_string(),
            summary: self.summary.to_string(),
            link: self.link.to_string(),
        }
    }
}

/// Writes fields as `<length>:<bytes>\n`: read back by slicing, with no
/// escaping either way, since the cache is read whole on every update.
/// Numbers and keys are written without `fmt` or a `String` each: an update
/// writes the cache of every code again (hundreds of thousands of fields).
struct Fields {
    text: String,
    /// Room for a field made of parts (a stamp, a list of places).
    scratch: String,
}

impl Fields {
    fn field(&mut self, text: &str) -> &mut Fields {
        self.text.push_str(itoa::Buffer::new().format(text.len()));
        self.text.push(':');
        self.text.push_str(text);
        self.text.push('\n');
        self
    }

    fn number(&mut self, n: impl itoa::Integer) -> &mut Fields {
        self.field(itoa::Buffer::new().format(n))
    }

    fn key(&mut self, key: Key) -> &mut Fields {
        self.scratch.clear();
        key.push_hex(&mut self.scratch);
        self.scratch_field()
    }

    /// A field of numbers joined by `sep`, or `-` for none at all.
    fn numbers<N: itoa::Integer>(
        &mut self,
        numbers: Option<impl IntoIterator<Item = N>>,
        sep: char,
    ) -> &mut Fields {
        self.scratch.clear();
        match numbers {
            None => self.scratch.push('-'),
            Some(numbers) => {
                let mut buffer = itoa::Buffer::new();
                for (n, number) in numbers.into_iter().enumerate() {
                    if n > 0 {
                        self.scratch.push(sep);
                    }
                    self.scratch.push_str(buffer.format(number));
                }
            }
        }
        self.scratch_field()
    }

    fn scratch_field(&mut self) -> &mut Fields {
        let scratch = std::mem::take(&mut self.scratch);
        self.field(&scratch);
        self.scratch = scratch;
        self
    }
}

/// Reads what [`Fields`] wrote.
struct Reader<'a>(&'a str);

impl<'a> Reader<'a> {
    fn field(&mut self) -> Option<&'a str> {
        // A length has at most 20 digits.
        let colon = self.0.bytes().take(21).position(|b| b == b':')?;
        let len: usize = self.0[..colon].parse().ok()?;
        let start = colon + 1;
        let text = self.0.get(start..start.checked_add(len)?)?;
        self.0 = self.0[start + len..].strip_prefix('\n')?;
        Some(text)
    }

    fn cow(&mut self) -> Option<Cow<'a, str>> {
        self.field().map(Cow::Borrowed)
    }

    fn number<T: std::str::FromStr>(&mut self) -> Option<T> {
        self.field()?.parse().ok()
    }

    fn key(&mut self) -> Option<Key> {
        Key::parse(self.field()?)
    }
}

impl Stamp {
    /// What the cache's field of a stamp lists, in order, joined by spaces.
    fn numbers(self) -> [i128; 4] {
        [
            i128::from(self.len),
            i128::from(self.mtime),
            i128::from(self.ctime),
            i128::from(self.ino),
        ]
    }

    fn from_field(text: &str) -> Option<Option<Stamp>> {
        if text == "-" {
            return Some(None);
        }
        let mut n = text.split(' ');
        let stamp = Stamp {
            len: n.next()?.parse().ok()?,
            mtime: n.next()?.parse().ok()?,
            ctime: n.next()?.parse().ok()?,
            ino: n.next()?.parse().ok()?,
        };
        n.next().is_none().then_some(Some(stamp))
    }
}

impl<'a> Cache<'a> {
    /// The text: a head line, the version, the fields, and their checksum.
    /// `search` is the search index written beside it (with the preview),
    /// whose codes are this cache's in order: its checksum and where each
    /// code's head is in it are kept, not the heads.
    pub fn to_text(&self, search: Option<&html::Search>) -> String {
        let size: usize = self.lines.iter().map(|l| l.len() + 8).sum::<usize>()
            + self
                .integrations
                .iter()
                .flat_map(|i| &i.codes)
                .map(|c| c.title.len() * 2 + c.message.len() + c.summary.len() + 400)
                .sum::<usize>();
        let mut f = Fields {
            text: String::with_capacity(size),
            scratch: String::new(),
        };
        f.text.push_str(HEAD);
        f.text.push('\n');
        f.text.push_str(&version());
        f.text.push('\n');
        f.number(u8::from(self.markdown))
            .number(u8::from(self.html))
            .key(self.templates)
            .field(&search.map_or_else(|| "-".to_string(), |s| checksum(&s.script)))
            .number(self.lines.len());
        for line in &self.lines {
            f.field(line);
        }
        f.number(self.integrations.len());
        let mut heads = search.map(|s| s.heads.iter());
        for i in &self.integrations {
            f.field(&i.file)
                .key(i.key)
                .field(&i.product)
                .field(&i.index_title)
                .field(&i.index_url)
                .number(i.codes.len());
            for c in &i.codes {
                let head = heads.as_mut().and_then(Iterator::next);
                f.field(&c.file)
                    .numbers(c.stamp.map(Stamp::numbers), ' ')
                    .key(c.key)
                    .field(&c.code)
                    .field(c.kind.id())
                    .field(&c.title)
                    .field(&c.message)
                    .field(&c.summary)
                    .field(&c.link)
                    .field(&c.url)
                    .numbers(head.map(|r| [r.start, r.end]), ' ')
                    .numbers(Some(c.lines.iter().copied()), ',');
            }
        }
        let mut text = f.text;
        let sum = checksum(&text);
        text.push_str("end ");
        text.push_str(&sum);
        text.push('\n');
        text
    }

    /// The cache `text` holds, if it is whole and by this version of triage;
    /// with the preview, `search` must be the search index written with it.
    pub fn parse(text: &'a str, search: Option<&'a str>) -> Option<Cache<'a>> {
        let body_end = text.trim_end_matches('\n').rfind('\n')? + 1;
        let (body, end) = text.split_at(body_end);
        let sum = end.strip_prefix("end ")?.strip_suffix('\n')?;
        if sum != checksum(body) {
            return None;
        }
        let rest = body.strip_prefix(HEAD)?.strip_prefix('\n')?;
        let (v, fields) = rest.split_once('\n')?;
        if v != version() {
            return None;
        }
        let mut r = Reader(fields);
        let flag = |r: &mut Reader| match r.field()? {
            "0" => Some(false),
            "1" => Some(true),
            _ => None,
        };
        let markdown = flag(&mut r)?;
        let html = flag(&mut r)?;
        let templates = r.key()?;
        let search = match (r.field()?, search) {
            ("-", _) if !html => None,
            (sum, Some(search)) if html && sum == checksum(search) => Some(search),
            _ => return None,
        };
        let count: usize = r.number()?;
        let lines = (0..count).map(|_| r.cow()).collect::<Option<Vec<_>>>()?;
        let count: usize = r.number()?;
        let mut integrations = Vec::new();
        for _ in 0..count {
            let file = r.cow()?;
            let key = r.key()?;
            let product = r.cow()?;
            let index_title = r.cow()?;
            let index_url = r.cow()?;
            let count: usize = r.number()?;
            let mut codes = Vec::new();
            for _ in 0..count {
                let code = CachedCode {
                    file: r.cow()?,
                    stamp: Stamp::from_field(r.field()?)?,
                    key: r.key()?,
                    code: r.cow()?,
                    kind: Kind::parse(r.field()?)?,
                    title: r.cow()?,
                    message: r.cow()?,
                    summary: r.cow()?,
                    link: r.cow()?,
                    url: r.cow()?,
                    search: match (r.field()?, search) {
                        ("-", None) => Cow::Borrowed(""),
                        (range, Some(search)) => {
                            let (start, end) = range.split_once(' ')?;
                            Cow::Borrowed(search.get(start.parse().ok()?..end.parse().ok()?)?)
                        }
                        _ => return None,
                    },
                    lines: match r.field()? {
                        "" => Vec::new(),
                        places => places
                            .split(',')
                            .map(|p| p.parse().ok().filter(|&p: &u32| (p as usize) < lines.len()))
                            .collect::<Option<_>>()?,
                    },
                };
                codes.push(code);
            }
            integrations.push(CachedIntegration {
                file,
                key,
                product,
                index_title,
                index_url,
                codes,
            });
        }
        r.0.is_empty().then_some(Cache {
            markdown,
            html,
            templates,
            lines,
            integrations,
        })
    }
}

/// The manifest's entry for the cache: it names the cache's checksum, so a
/// cache and a manifest are only taken together if written together.
pub fn entry(text: &str) -> super::manifest::Entry {
    let mut key = super::manifest::KeyBuilder::new("cache");
    key.field(checksum(text).as_bytes());
    super::manifest::Entry {
        key: key.finish(),
        size: text.len() as u64,
    }
}

fn checksum(text: &str) -> String {
    format!("{:08x}", crc32fast::hash(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::manifest::KeyBuilder;

    fn sample() -> Cache<'static> {
        let key = KeyBuilder::new("x").finish();
        let code = |code: &str, lines: Vec<u32>, stamp| CachedCode {
            file: format!("rules/acme/{code}.yaml").into(),
            stamp,
            key,
            code: code.to_string().into(),
            kind: Kind::Sync,
            title: format!("{code} Sync Error: \"x\"\n12:34 </script>").into(),
            message: "".into(),
            summary: "s:".into(),
            link: "Sync-Errors/AC0001-Sync-Error.md".into(),
            url: "acme/Troubleshooting/Sync-Errors/AC0001-Sync-Error.html".into(),
            search: "".into(),
            lines,
        };
        let stamp = Stamp {
            len: 3,
            mtime: -1,
            ctime: 2,
            ino: 4,
        };
        Cache {
            markdown: true,
            html: false,
            templates: key,
            lines: vec!["\"Line…\"".into(), "\"7:\\n\"".into()],
            integrations: vec![CachedIntegration {
                file: "rules/acme/integration.yaml".into(),
                key,
                product: "Acme".into(),
                index_title: "t".into(),
                index_url: "u".into(),
                codes: vec![
                    code("AC0001", vec![0, 1], Some(stamp)),
                    code("AC0002", vec![], None),
                ],
            }],
        }
    }

    #[test]
    fn the_text_reads_back_and_any_change_is_no_cache() {
        let text = sample().to_text(None);
        assert_eq!(Cache::parse(&text, None), Some(sample()));
        for at in 0..text.len() {
            let mut bytes = text.clone().into_bytes();
            bytes[at] ^= 1;
            if let Ok(changed) = String::from_utf8(bytes) {
                assert!(Cache::parse(&changed, None).is_none(), "byte {at} flipped");
            }
        }
        assert!(Cache::parse(&text[..text.len() - 1], None).is_none());
        assert!(Cache::parse("", None).is_none());
    }

    #[test]
    fn a_place_past_the_lines_is_no_cache() {
        let mut cache = sample();
        cache.integrations[0].codes[0].lines = vec![2];
        assert!(Cache::parse(&cache.to_text(None), None).is_none());
    }

    #[test]
    fn with_the_preview_the_heads_come_from_the_search_index_it_names() {
        let mut cache = sample();
        cache.html = true;
        let search = html::Search {
            script: "xx{\"code\":\"AC0001\"yy{\"code\":\"AC0002\"".into(),
            heads: vec![2..18, 20..36],
        };
        let text = cache.to_text(Some(&search));
        let back = Cache::parse(&text, Some(&search.script)).unwrap();
        let heads: Vec<&str> = back.integrations[0]
            .codes
            .iter()
            .map(|c| c.search.as_ref())
            .collect();
        assert_eq!(heads, ["{\"code\":\"AC0001\"", "{\"code\":\"AC0002\""]);
        // Another search index, or none: no cache.
        let other = search.script.replace("xx", "xy");
        assert!(Cache::parse(&text, Some(&other)).is_none());
        assert!(Cache::parse(&text, None).is_none());
    }

    #[test]
    fn a_stamp_settles_two_seconds_after_the_last_change() {
        let s = Stamp {
            len: 1,
            mtime: 10_000_000_000,
            ctime: 10_000_000_000,
            ino: 1,
        };
        assert!(!s.settled(10_000_000_000));
        assert!(!s.settled(12_000_000_000));
        assert!(s.settled(12_000_000_001));
        let touched_back = Stamp { mtime: 0, ..s };
        assert!(!touched_back.settled(11_000_000_000), "ctime counts too");
    }
}
