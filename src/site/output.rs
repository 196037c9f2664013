//! Writing a build so that an interrupted or failed one leaves the previous
//! output whole: every file goes into a temporary sibling (`.DIR.triage-tmp-<pid>`, a name nobody types),
//! which replaces `DIR` only once the build is complete.
//!
//! A marker file lists what a build wrote. A folder without it is not ours:
//! it is refused unless empty. A folder with it is replaced only when it holds
//! nothing but the files listed, so a build never deletes a file it did not write.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::manifest::{Entry, Key, Manifest};
use crate::Error;
pub use crate::error::OutputError;

/// The file that marks a folder `triage build` made, listing the files it wrote.
pub const MARKER: &str = ".triage-build";
const MARKER_HEAD: &str = "# Written by `triage build`, which replaces this folder on every build.\n# It lists the files the build wrote; a folder holding any other file is never replaced.\n";

/// What the output folder holds before the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Existing {
    Nothing,
    Empty,
    /// A previous build's output.
    Ours,
}

/// A build in progress: files go into the temporary sibling until [`Staging::commit`].
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    tmp: PathBuf,
    existing: Existing,
    written: Mutex<Vec<String>>,
    /// Folders made so far: each is made once, not once per file in it.
    made: Mutex<std::collections::HashSet<PathBuf>>,
    committed: bool,
    /// Test hook: a pause after each file, so a crash test can kill the
    /// build while it writes, at any speed of machine.
    write_delay: Option<std::time::Duration>,
}

/// The build a folder held before this one, as its manifest describes it.
#[derive(Debug)]
pub struct Previous {
    dir: PathBuf,
    manifest: Manifest,
    /// When its marker was written: the moment it was complete.
    built: std::time::SystemTime,
}

impl Previous {
    /// The previous build's entry for `rel`, if it made that file from
    /// inputs hashing to `key`.
    pub fn entry(&self, rel: &str, key: Key) -> Option<Entry> {
        self.manifest
            .files
            .get(rel)
            .copied()
            .filter(|e| e.key == key)
    }
}

/// Environment variable read by the crash test (milliseconds per file).
pub const WRITE_DELAY_ENV: &str = "TRIAGE_TEST_WRITE_DELAY_MS";

impl Staging {
    /// Checks the output folder, removes stale temporary siblings of earlier
    /// killed builds, and creates this build's temporary sibling with the marker.
    pub fn prepare(out: &Path) -> Result<Staging, Error> {
        let existing = existing(out)?;
        let tmp = temporary_sibling(out)?;
        Ok(Staging {
            out: out.to_path_buf(),
            tmp,
            existing,
            written: Mutex::new(Vec::new()),
            made: Mutex::new(std::collections::HashSet::new()),
            committed: false,
            write_delay: write_delay(),
        })
    }

    /// Writes one file, `rel` being a `/`-separated path inside the output folder.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Error> {
        let path = self.tmp.join(rel);
        self.make_parent(&path)?;
        std::fs::write(&path, bytes).map_err(io(&path))?;
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(rel.to_string());
        if let Some(delay) = self.write_delay {
            std::thread::sleep(delay);
        }
        Ok(())
    }

    /// The previous build in the output folder, if there is one with a
    /// whole manifest by this version of triage (see [`Previous`]).
    pub fn previous(&self) -> Option<Previous> {
        if self.existing != Existing::Ours {
            return None;
        }
        let text = std::fs::read_to_string(self.out.join(super::manifest::FILE)).ok()?;
        let manifest = super::manifest::Manifest::parse(&text)?;
        let built = std::fs::metadata(self.out.join(MARKER))
            .and_then(|m| m.modified())
            .ok()?;
        Some(Previous {
            dir: self.out.clone(),
            manifest,
            built,
        })
    }

    /// Puts the previous build's file `rel` into this build, unchanged: a
    /// hard link to it (a copy where links fail). `false` when that file is
    /// not as the previous build left it (see [`Previous::entry`]); nothing
    /// is put in then, and the caller renders it.
    pub fn keep(&self, previous: &Previous, rel: &str, entry: Entry) -> Result<bool, Error> {
        let from = previous.dir.join(rel);
        let Ok(meta) = std::fs::symlink_metadata(&from) else {
            return Ok(false);
        };
        // Written after the previous build committed (its marker is the last
        // file it writes), or of another size: someone changed it.
        let untouched = meta.is_file()
            && meta.len() == entry.size
            && meta.modified().is_ok_and(|m| m <= previous.built);
        if !untouched {
            return Ok(false);
        }
        let path = self.tmp.join(rel);
        self.make_parent(&path)?;
        if std::fs::hard_link(&from, &path).is_err() {
            match std::fs::copy(&from, &path) {
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
                Err(e) => return Err(io(&path)(e)),
            }
        }
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(rel.to_string());
        if let Some(delay) = self.write_delay {
            std::thread::sleep(delay);
        }
        Ok(true)
    }

    /// Makes the folder `path` goes in, unless this build already made it.
    fn make_parent(&self, path: &Path) -> Result<(), Error> {
        let Some(dir) = path.parent() else {
            return Ok(());
        };
        if self
            .made
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(dir)
        {
            return Ok(());
        }
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        self.made
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(dir.to_path_buf());
        Ok(())
    }

    /// How many files were written so far.
    pub fn files(&self) -> usize {
        self.written.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Lists the files in the marker and moves the build into place.
    pub fn commit(mut self) -> Result<(), Error> {
        let mut files =
            std::mem::take(&mut *self.written.lock().unwrap_or_else(|e| e.into_inner()));
        files.sort();
        let mut marker = String::from(MARKER_HEAD);
        for f in &files {
            marker.push_str(f);
            marker.push('\n');
        }
        let marker_path = self.tmp.join(MARKER);
        std::fs::write(&marker_path, marker).map_err(io(&marker_path))?;
        self.swap()?;
        self.committed = true;
        Ok(())
    }

    fn swap(&mut self) -> Result<(), Error> {
        // A file may have been written into the folder while the build ran:
        // look again, just before the swap, and keep both if so.
        let unchanged = existing(&self.out).is_ok_and(|now| now == self.existing);
        if !unchanged {
            return Err(self.keep_both());
        }
        match self.existing {
            Existing::Nothing => std::fs::rename(&self.tmp, &self.out).map_err(io(&self.out)),
            Existing::Empty | Existing::Ours => {
                let old = replace(&self.tmp, &self.out)?;
                if self.existing == Existing::Empty {
                    std::fs::remove_dir(&old).map_err(io(&old))
                } else if let Some(first) = foreign_files(&old)?.first() {
                    // Written in the instant between the look and the swap: kept too.
                    let kept = visible_sibling(&self.out, "previous")?;
                    std::fs::rename(&old, &kept).map_err(io(&old))?;
                    Err(OutputError::PreviousKept {
                        out: self.out.clone(),
                        first: first.clone(),
                        kept,
                    }
                    .into())
                } else {
                    remove_ours(&old)
                }
            }
        }
    }

    /// Leaves the output folder as it is and the new build beside it, under
    /// a name no later build removes; the error says what changed and where.
    fn keep_both(&mut self) -> Error {
        let kept = match visible_sibling(&self.out, "new") {
            Ok(kept) => kept,
            Err(e) => return e,
        };
        if let Err(e) = std::fs::rename(&self.tmp, &kept) {
            return io(&kept)(e);
        }
        self.committed = true;
        let appeared = foreign_files(&self.out)
            .ok()
            .and_then(|files| files.into_iter().next());
        OutputError::ChangedDuringBuild {
            out: self.out.clone(),
            appeared,
            kept,
        }
        .into()
    }
}

impl Drop for Staging {
    /// A failed build removes its temporary folder; the previous output stays.
    fn drop(&mut self) {
        if !self.committed {
            let _ = remove_ours(&self.tmp);
        }
    }
}

/// A previous build an in-place update may change ([`super::update`]): its
/// manifest, and how many files its marker lists.
#[derive(Debug)]
pub struct Built {
    pub manifest: Manifest,
    /// Each folder and its modification time when looked at: a file added
    /// to or removed from it since moves it ([`Built::unchanged`]).
    folders: Vec<(PathBuf, Option<std::time::SystemTime>)>,
    /// Every file in the folder, the marker too.
    pub files: usize,
}

impl Built {
    /// The build in `out`, if the folder holds exactly the files its marker
    /// lists, no link among them, each page as that build left it (the size
    /// its manifest says, last written before its marker), with a whole
    /// manifest (the cache is [`super::update`]'s to read). Anything else is `None`: a full build, which
    /// says what is wrong or renders again what is not as it was.
    pub fn read(out: &Path) -> Option<Built> {
        let meta = std::fs::symlink_metadata(out).ok()?;
        if !meta.is_dir() {
            return None;
        }
        let marker = std::fs::read_to_string(out.join(MARKER)).ok()?;
        let built = std::fs::metadata(out.join(MARKER)).ok()?.modified().ok()?;
        let listed: Vec<&str> = marker.lines().filter(|l| !l.starts_with('#')).collect();
        let manifest =
            Manifest::parse(&std::fs::read_to_string(out.join(super::manifest::FILE)).ok()?)?;
        // Each folder the marker implies, with the files and folders it
        // lists in it; the root is "".
        let mut folders: rustc_hash::FxHashMap<&str, Folder> = Default::default();
        folders.entry("").or_default();
        for rel in &listed {
            let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
            folders.entry(dir).or_default().files.insert(name);
            // Its folder, and each above it, is a folder of its parent.
            let mut child = dir;
            while !child.is_empty() {
                let (parent, name) = child.rsplit_once('/').unwrap_or(("", child));
                if !folders.entry(parent).or_default().folders.insert(name) {
                    break;
                }
                child = parent;
            }
        }
        let mut order: Vec<(&str, &Folder)> = folders.iter().map(|(d, f)| (*d, f)).collect();
        // The largest first, so the cores finish together.
        order.sort_by_key(|(_, f)| std::cmp::Reverse(f.files.len()));
        // Each folder holds exactly what is listed (a file of someone else's
        // is for the full build to report), and each page is as the build
        // left it (one changed by hand is rendered again by the full build).
        let folders: Vec<(PathBuf, Option<std::time::SystemTime>)> = order
            .iter()
            .map(|(dir, _)| {
                let path = out.join(dir);
                let time = std::fs::symlink_metadata(&path)
                    .and_then(|m| m.modified())
                    .ok();
                (path, time)
            })
            .collect();
        let counts = crate::util::parallel::map(&order, String::new, |rel, (dir, folder)| {
            folder.matches(out, dir, &manifest, built, rel)
        });
        let seen = counts.into_iter().sum::<Option<usize>>()?;
        (seen == listed.len()).then_some(Built {
            manifest,
            folders,
            files: seen + 1,
        })
    }
}

impl Built {
    /// Whether every folder is as when [`Built::read`] looked: no file or
    /// folder added, removed or renamed in any since (as a full build looks
    /// again just before its swap).
    pub fn unchanged(&self) -> bool {
        self.folders.iter().all(|(path, time)| {
            time.is_some()
                && std::fs::symlink_metadata(path)
                    .is_ok_and(|m| m.is_dir() && m.modified().ok() == *time)
        })
    }
}

/// What the marker lists in one folder of a build.
#[derive(Debug, Default)]
struct Folder<'a> {
    files: rustc_hash::FxHashSet<&'a str>,
    folders: rustc_hash::FxHashSet<&'a str>,
}

impl Folder<'_> {
    /// How many files folder `dir` of `out` holds, if exactly those listed,
    /// each page as the manifest says and written before `built`. `rel` is
    /// a buffer for the files' paths.
    fn matches(
        &self,
        out: &Path,
        dir: &str,
        manifest: &Manifest,
        built: std::time::SystemTime,
        rel: &mut String,
    ) -> Option<usize> {
        let mut seen = 0;
        for entry in std::fs::read_dir(out.join(dir)).ok()? {
            let entry = entry.ok()?;
            let name = entry.file_name();
            let name = name.to_str()?;
            let kind = entry.file_type().ok()?;
            if kind.is_dir() {
                if !self.folders.contains(name) {
                    return None;
                }
                continue;
            }
            if dir.is_empty() && name == MARKER {
                continue;
            }
            if !kind.is_file() || !self.files.contains(name) {
                return None;
            }
            seen += 1;
            rel.clear();
            if !dir.is_empty() {
                rel.push_str(dir);
                rel.push('/');
            }
            rel.push_str(name);
            // The manifest and cache are written after the marker; every
            // other file before it, and a page at its manifest's size. The
            // state is taken beside the folder's entry: no lookup of the path.
            let page = manifest.files.get(rel.as_str());
            let written_after =
                dir.is_empty() && (name == super::manifest::FILE || name == super::cache::FILE);
            if written_after {
                continue;
            }
            let meta = entry.metadata().ok()?;
            let as_left = page.is_none_or(|page| meta.len() == page.size)
                && meta.modified().is_ok_and(|m| m <= built);
            if !as_left {
                return None;
            }
        }
        Some(seen)
    }
}

/// An update of a previous build in place: the files it changes are written
/// into the temporary sibling first, then moved over the old ones, each
/// whole. The manifest is removed before the first move and written after
/// the last, so a build killed between the two leaves no manifest, and the
/// next build is a full one: never a page older than the manifest says.
#[derive(Debug)]
pub struct InPlace {
    out: PathBuf,
    tmp: PathBuf,
    written: Vec<String>,
    made: std::collections::HashSet<PathBuf>,
    write_delay: Option<std::time::Duration>,
}

impl InPlace {
    /// Makes the temporary sibling (with a marker, so that a later build
    /// removes it if this one is killed).
    pub fn prepare(out: &Path) -> Result<InPlace, Error> {
        let tmp = temporary_sibling(out)?;
        Ok(InPlace {
            out: out.to_path_buf(),
            tmp,
            written: Vec::new(),
            made: std::collections::HashSet::new(),
            write_delay: write_delay(),
        })
    }

    /// Writes one changed file (`rel` as in the output) into the temporary sibling.
    pub fn write(&mut self, rel: &str, bytes: &[u8]) -> Result<(), Error> {
        let path = self.tmp.join(rel);
        if let Some(dir) = path.parent()
            && self.made.insert(dir.to_path_buf())
        {
            std::fs::create_dir_all(dir).map_err(io(dir))?;
        }
        std::fs::write(&path, bytes).map_err(io(&path))?;
        self.written.push(rel.to_string());
        Ok(())
    }

    /// How many files were written.
    pub fn files(&self) -> usize {
        self.written.len()
    }

    /// Moves the files over the old ones, dates the marker (the moment the
    /// build was complete, which pages are checked against), then puts the
    /// cache and, last, the manifest in place.
    /// `began` is when the update first looked at the output: the files it
    /// wrote and the marker are dated then, so that a page changed by hand
    /// while it ran is newer than the marker and rendered again.
    pub fn commit(
        self,
        cache: &str,
        manifest: &str,
        began: std::time::SystemTime,
    ) -> Result<(), Error> {
        for rel in &self.written {
            date(&self.tmp.join(rel), began)?;
        }
        let manifest_path = self.out.join(super::manifest::FILE);
        match std::fs::remove_file(&manifest_path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(&manifest_path)(e)),
        }
        for rel in &self.written {
            let to = self.out.join(rel);
            // Only into a folder of this build, never through a link.
            let folder_is_ours = to
                .parent()
                .and_then(|d| std::fs::symlink_metadata(d).ok())
                .is_some_and(|m| m.is_dir());
            if !folder_is_ours {
                let folder = rel.rsplit_once('/').map_or("", |(dir, _)| dir);
                return Err(OutputError::ForeignFiles {
                    out: self.out.clone(),
                    first: folder.to_string(),
                    more: 0,
                }
                .into());
            }
            let from = self.tmp.join(rel);
            std::fs::rename(&from, &to).map_err(io(&to))?;
            if let Some(delay) = self.write_delay {
                std::thread::sleep(delay);
            }
        }
        date(&self.out.join(MARKER), began)?;
        for (name, text) in [
            (super::cache::FILE, cache),
            (super::manifest::FILE, manifest),
        ] {
            let from = self.tmp.join(name);
            std::fs::write(&from, text).map_err(io(&from))?;
            let to = self.out.join(name);
            std::fs::rename(&from, &to).map_err(io(&to))?;
        }
        Ok(())
    }
}

impl Drop for InPlace {
    /// The temporary sibling goes, whether the update finished or not.
    fn drop(&mut self) {
        let _ = remove_ours(&self.tmp);
    }
}

/// Sets the file's modification time, leaving its bytes alone.
fn date(path: &Path, time: std::time::SystemTime) -> Result<(), Error> {
    std::fs::File::options()
        .append(true)
        .open(path)
        .and_then(|f| f.set_modified(time))
        .map_err(io(path))
}

/// Removes stale temporary siblings of earlier killed builds and makes this
/// build's, `.NAME.triage-tmp-<pid>`, with the marker in it.
fn temporary_sibling(out: &Path) -> Result<PathBuf, Error> {
    let (parent, name) = parent_and_name(out)?;
    std::fs::create_dir_all(&parent).map_err(io(&parent))?;
    remove_stale_siblings(&parent, &name)?;
    let tmp = parent.join(format!(".{name}.triage-tmp-{}", std::process::id()));
    if tmp.exists() {
        // Our own pid, reused after a killed build: only remove it if ours.
        remove_ours(&tmp)?;
    }
    std::fs::create_dir(&tmp).map_err(io(&tmp))?;
    let marker = tmp.join(MARKER);
    std::fs::write(&marker, MARKER_HEAD).map_err(io(&marker))?;
    Ok(tmp)
}

fn write_delay() -> Option<std::time::Duration> {
    std::env::var(WRITE_DELAY_ENV)
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map(std::time::Duration::from_millis)
}

/// Puts `new` in place of `out`; returns where the previous `out` now is.
fn replace(new: &Path, out: &Path) -> Result<PathBuf, Error> {
    // One atomic exchange where the system has it: `out` is never missing.
    #[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        if renameat_with(CWD, new, CWD, out, RenameFlags::EXCHANGE).is_ok() {
            return Ok(new.to_path_buf());
        }
    }
    let (parent, name) = parent_and_name(out)?;
    let old = parent.join(format!(".{name}.triage-old-{}", std::process::id()));
    std::fs::rename(out, &old).map_err(io(out))?;
    if let Err(e) = std::fs::rename(new, out) {
        // Put the previous output back rather than leave no output at all.
        let _ = std::fs::rename(&old, out);
        return Err(io(out)(e));
    }
    Ok(old)
}

/// Checks that `out` can be built into: absent, empty, or a previous build holding
/// only the files it listed.
pub fn check_target(out: &Path) -> Result<(), Error> {
    existing(out).map(|_| ())
}

fn existing(out: &Path) -> Result<Existing, Error> {
    parent_and_name(out)?;
    let meta = match std::fs::symlink_metadata(out) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Existing::Nothing),
        Err(e) => return Err(io(out)(e)),
    };
    let out_path = || out.to_path_buf();
    if meta.file_type().is_symlink() {
        return Err(OutputError::Symlink { out: out_path() }.into());
    }
    if !meta.is_dir() {
        return Err(OutputError::NotAFolder { out: out_path() }.into());
    }
    let files = list_files(out)?;
    if files.is_empty() {
        // Only empty folders: refused before anything moves, since the swap
        // would carry them off with the old output.
        let mut entries = std::fs::read_dir(out).map_err(io(out))?;
        if let Some(entry) = entries.next() {
            let entry = entry.map_err(io(out))?;
            return Err(OutputError::OnlyFolders {
                out: out_path(),
                folder: entry.file_name().to_string_lossy().into_owned(),
            }
            .into());
        }
        return Ok(Existing::Empty);
    }
    if !files.contains(MARKER) {
        return Err(OutputError::NotABuild {
            out: out_path(),
            marker: MARKER,
        }
        .into());
    }
    let foreign = foreign_files(out)?;
    if let Some(first) = foreign.first() {
        return Err(OutputError::ForeignFiles {
            out: out_path(),
            first: first.clone(),
            more: foreign.len() - 1,
        }
        .into());
    }
    Ok(Existing::Ours)
}

/// The files under a folder that its marker does not list.
fn foreign_files(dir: &Path) -> Result<Vec<String>, Error> {
    let marker = dir.join(MARKER);
    let text = std::fs::read_to_string(&marker).map_err(io(&marker))?;
    let listed: BTreeSet<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    Ok(list_files(dir)?
        .into_iter()
        .filter(|f| f != MARKER && !listed.contains(f.as_str()))
        .collect())
}

/// `site.triage-<what>-<pid>` beside `site`: visible, and not a name that
/// [`remove_stale_siblings`] removes.
fn visible_sibling(out: &Path, what: &str) -> Result<PathBuf, Error> {
    let (parent, name) = parent_and_name(out)?;
    let pid = std::process::id();
    let mut path = parent.join(format!("{name}.triage-{what}-{pid}"));
    let mut n = 1;
    while path.exists() {
        n += 1;
        path = parent.join(format!("{name}.triage-{what}-{pid}-{n}"));
    }
    Ok(path)
}

fn parent_and_name(out: &Path) -> Result<(PathBuf, String), Error> {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| n != "." && n != "..")
        .ok_or_else(|| OutputError::NoFolderName {
            out: out.to_path_buf(),
        })?;
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((parent, name))
}

/// Every file under `dir`, as `/`-separated relative paths.
fn list_files(dir: &Path) -> Result<BTreeSet<String>, Error> {
    fn walk(dir: &Path, prefix: &str, out: &mut BTreeSet<String>) -> Result<(), Error> {
        for entry in std::fs::read_dir(dir).map_err(io(dir))? {
            let entry = entry.map_err(io(dir))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let rel = format!("{prefix}{name}");
            if entry.file_type().map_err(io(&entry.path()))?.is_dir() {
                walk(&entry.path(), &format!("{rel}/"), out)?;
            } else {
                out.insert(rel);
            }
        }
        Ok(())
    }
    let mut files = BTreeSet::new();
    walk(dir, "", &mut files)?;
    Ok(files)
}

/// Removes temporary siblings of `name` left by killed builds: only those
/// carrying the marker, and only if the build that made them is gone.
fn remove_stale_siblings(parent: &Path, name: &str) -> Result<(), Error> {
    for entry in std::fs::read_dir(parent).map_err(io(parent))? {
        let entry = entry.map_err(io(parent))?;
        let file_name = entry.file_name().to_string_lossy().into_owned();
        // Only names this module makes: a user's `site.old` or `site-backup`
        // is never touched, marker or not.
        let Some(rest) = file_name
            .strip_prefix('.')
            .and_then(|f| f.strip_prefix(name))
        else {
            continue;
        };
        let pid = rest
            .strip_prefix(".triage-tmp-")
            .or_else(|| rest.strip_prefix(".triage-old-"))
            .and_then(|p| p.parse::<u32>().ok());
        let Some(pid) = pid else {
            continue;
        };
        if pid != std::process::id() && !process_alive(pid) {
            remove_ours(&entry.path())?;
        }
    }
    Ok(())
}

#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return false;
    };
    !matches!(
        rustix::process::test_kill_process(pid),
        Err(rustix::io::Errno::SRCH)
    )
}

#[cfg(not(unix))]
fn process_alive(_pid: u32) -> bool {
    false
}

/// Removes a folder only if it carries the marker, the marker last, so a
/// removal cut short can still be recognised and finished by the next build.
fn remove_ours(dir: &Path) -> Result<(), Error> {
    let marker = dir.join(MARKER);
    if !marker.is_file() {
        // A build killed between creating its folder and writing the marker
        // leaves it empty; removing an empty folder loses nothing (and fails,
        // harmlessly, on one that holds anything).
        let _ = std::fs::remove_dir(dir);
        return Ok(());
    }
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let path = entry.path();
        if entry.file_name() == MARKER {
            continue;
        }
        let removed = if entry.file_type().map_err(io(&path))?.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        removed.map_err(io(&path))?;
    }
    std::fs::remove_file(&marker).map_err(io(&marker))?;
    std::fs::remove_dir(dir).map_err(io(dir))
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.display().to_string(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tempdir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "triage-output-test-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn build(out: &Path, files: &[(&str, &str)]) -> Result<(), Error> {
        let staging = Staging::prepare(out)?;
        for (rel, text) in files {
            staging.write(rel, text.as_bytes())?;
        }
        staging.commit()
    }

    #[test]
    fn replaces_its_own_output_and_nothing_else() {
        let root = tempdir();
        let out = root.join("site");
        build(&out, &[("a/one.md", "1"), ("two.md", "2")]).unwrap();
        build(&out, &[("a/one.md", "one")]).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("a/one.md")).unwrap(),
            "one"
        );
        assert!(!out.join("two.md").exists());
        std::fs::write(out.join("mine.txt"), "keep").unwrap();
        let err = build(&out, &[("a/one.md", "x")]).unwrap_err().to_string();
        assert!(err.contains("mine.txt"), "{err}");
        assert_eq!(
            std::fs::read_to_string(out.join("mine.txt")).unwrap(),
            "keep"
        );
        let siblings = std::fs::read_dir(&root).unwrap().count();
        assert_eq!(siblings, 1, "no temporary folder left behind");
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn an_unfinished_build_leaves_the_output_alone() {
        let root = tempdir();
        let out = root.join("site");
        build(&out, &[("one.md", "1")]).unwrap();
        {
            let staging = Staging::prepare(&out).unwrap();
            staging.write("one.md", b"half").unwrap();
        }
        assert_eq!(std::fs::read_to_string(out.join("one.md")).unwrap(), "1");
        assert_eq!(std::fs::read_dir(&root).unwrap().count(), 1);
        std::fs::remove_dir_all(root).unwrap();
    }
}
