//! The text of every rule and template file, so findings can quote it.

use std::ops::Range;

/// Index of a file in [`Sources`].
pub type FileId = usize;

#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the user should see it, e.g. `rules/netsuite/NS0109.yaml`.
    pub name: String,
    pub text: String,
}

/// All files read for one run, addressed by [`FileId`].
#[derive(Debug, Default, Clone)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        self.files.push(SourceFile {
            name: name.into(),
            text: text.into(),
        });
        self.files.len() - 1
    }

    /// Replaces a file's text (loading validates a repaired copy this way);
    /// returns the text replaced (empty for an unknown file).
    pub fn replace_text(&mut self, id: FileId, text: String) -> String {
        match self.files.get_mut(id) {
            Some(file) => std::mem::replace(&mut file.text, text),
            None => String::new(),
        }
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id]
    }

    pub fn try_get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id)
    }

    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    /// A copy safe to quote on a terminal: control characters become `?`
    /// (same byte length, so spans stay valid). Borrowed when already safe.
    pub fn display_safe(&self) -> std::borrow::Cow<'_, Sources> {
        let unsafe_char = |c: char| c.is_control() && c != '\n' && c != '\t' && c != '\r';
        if !self
            .files
            .iter()
            .any(|f| f.text.contains(unsafe_char) || f.name.contains(unsafe_char))
        {
            return std::borrow::Cow::Borrowed(self);
        }
        let clean = |t: &str| -> String {
            t.chars()
                .map(|c| {
                    if unsafe_char(c) {
                        "?".repeat(c.len_utf8())
                    } else {
                        c.to_string()
                    }
                })
                .collect()
        };
        std::borrow::Cow::Owned(Sources {
            files: self
                .files
                .iter()
                .map(|f| SourceFile {
                    name: clean(&f.name),
                    text: clean(&f.text),
                })
                .collect(),
        })
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, id: FileId, offset: usize) -> (usize, usize) {
        let text = &self.files[id].text;
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = text[line_start..offset].chars().count() + 1;
        (line, col)
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// A byte range in one source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub file: FileId,
    pub range: Range<usize>,
}

impl Span {
    pub fn new(file: FileId, range: Range<usize>) -> Self {
        Span { file, range }
    }

    /// The span of a deserialised value, from serde-saphyr's location.
    pub fn of_location(file: FileId, location: &serde_saphyr::Location) -> Self {
        let span = location.span();
        let start = span.byte_offset().unwrap_or(0) as usize;
        let len = span.byte_len().unwrap_or(0) as usize;
        Span::new(file, start..start + len)
    }

    pub fn of<T>(file: FileId, spanned: &serde_saphyr::Spanned<T>) -> Self {
        Self::of_location(file, &spanned.referenced)
    }
}

/// Reads at most `limit` bytes of a regular file; `Ok(None)` when it holds more.
/// The file is opened without blocking and refused unless it is a regular
/// file, so a FIFO, a socket or a device can neither hang nor feed the tool;
/// `take` bounds a file that grows while it is read.
pub fn read_bounded(path: &std::path::Path, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let file = open_regular_file(path)?;
    // Sized from the metadata, so a file is read in one call and not grown
    // by doubling (the size may change meanwhile; `take` still bounds it).
    let size = file.metadata().map_or(0, |m| m.len()).min(limit + 1);
    let mut bytes = Vec::with_capacity(size as usize + 1);
    file.take(limit + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}

/// A file that is not a regular file, with what it is instead.
#[derive(Debug, thiserror::Error)]
#[error("is {0}, not a regular file")]
pub struct NotRegularFile(pub &'static str);

/// Opens `path` for reading without blocking (opening a FIFO with no writer
/// blocks forever otherwise) and refuses anything but a regular file.
pub fn open_regular_file(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    let not_regular = |kind: &std::fs::FileType| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            NotRegularFile(file_kind(kind)),
        )
    };
    let file = match options.open(path) {
        Ok(file) => file,
        // A socket cannot be opened at all: say what it is rather than ENXIO.
        Err(e) => match std::fs::metadata(path) {
            Ok(meta) if !meta.is_file() => return Err(not_regular(&meta.file_type())),
            _ => return Err(e),
        },
    };
    let kind = file.metadata()?.file_type();
    if kind.is_file() {
        return Ok(file);
    }
    Err(not_regular(&kind))
}

fn file_kind(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
    }
    if kind.is_dir() {
        "a folder"
    } else {
        "a special file"
    }
}
