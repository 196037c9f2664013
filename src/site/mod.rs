//! `triage build`: the help center from the rules. The Markdown tree in the
//! help site's layout (one article per code, an index page per integration)
//! and an HTML preview of it with a home page and offline search.
//!
//! Each code is rendered and written on its own ([`Site::write_code`]), never
//! holding every article in memory, and codes are spread over the cores;
//! `triage build` feeds the [`Builder`] each batch of integrations as it is
//! loaded, never holding every model either.
//!
//! A build into a folder holding a previous build is incremental, in one
//! of two ways.
//!
//! When only a few code files changed, [`update`] changes the previous
//! build in place: it reads the [`cache`] the previous build left (each rule
//! file's stamp and hash, and what the listing pages show of each code),
//! loads only the changed files, and rewrites their pages, their index page,
//! the home page and the search index, without loading the other codes.
//! Each file is written beside the folder and moved over the old one, whole;
//! the manifest is removed first and written last, so an update killed
//! half-way leaves whole pages and no manifest, and the next build is a full
//! one. It gives way to the other way whenever it could not make exactly
//! what that would (see [`update`]).
//!
//! Otherwise every rule file is loaded, and the previous build's
//! [`manifest`] says what each file was made from: a file whose inputs hash
//! the same is kept rather than rendered (a changed code file re-renders that
//! code's pages, its integration's index page, the home page and the search
//! index; a changed `integration.yaml` all of that integration's pages; a
//! changed template or triage version everything). Kept files are
//! hard-linked from the previous output into the staging folder (copied
//! where the file system cannot link), which then replaces the output as in
//! a full build: interrupted, it leaves the previous output whole. Linking
//! costs a system call per kept file and never writes to a previous file
//! (every file a build writes is a new one), so the old folder, removed
//! after the swap, takes nothing with it.

pub mod cache;
pub mod dropin;
pub mod html;
pub mod manifest;
pub mod output;
mod update;

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::Error;
use crate::render::Renderer;
use crate::rules::{Code, Integration, RuleBase};
use manifest::{Entry, Key, KeyBuilder, Manifest};
use output::{Previous, Staging};

use crate::render::index::index_title;
pub use crate::render::index::{INDEX, IndexContext, article_path, index_path};
use crate::util::url;
pub use output::OutputError;
pub use update::update;

/// Rule bases at least this large show a progress bar (on a terminal).
const PROGRESS_FROM: usize = 100;

/// What to write.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub markdown: bool,
    pub html: bool,
    /// A progress bar on stderr when it is a terminal.
    pub progress: bool,
}

/// What a build did, for the closing line.
#[derive(Debug, Clone, Copy)]
pub struct Summary {
    pub codes: usize,
    /// Every file in the output, the marker and the manifest too.
    pub files: usize,
    /// Pages (and assets) rendered or written anew by this build.
    pub rendered: usize,
    /// Pages kept unchanged from the previous build in the folder.
    pub kept: usize,
    /// Whether the previous build was updated in place ([`update`]) rather
    /// than replaced by a new folder.
    pub in_place: bool,
    pub elapsed: Duration,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        write!(
            f,
            "{}, {} ({} rendered, {} kept{}) in {} ms",
            plural(self.codes, "code"),
            plural(self.files, "file"),
            plural(self.rendered, "page"),
            self.kept,
            if self.in_place { ", in place" } else { "" },
            self.elapsed.as_millis()
        )
    }
}

/// Builds the site into `out`, replacing a previous build only when complete,
/// and rendering only the pages whose inputs changed since that build.
/// `stamps` are the rule files' as they were before `base` was read from
/// them (see [`cache`]); the next build reads again any file not stamped.
pub fn build(
    base: &RuleBase,
    renderer: &Renderer,
    out: &Path,
    options: Options,
    stamps: &cache::Stamps,
) -> Result<Summary, Error> {
    let progress = progress_bar(base.codes().count(), options.progress);
    let mut builder = Builder::new(renderer, out, options, stamps).with_progress(progress);
    builder.integrations(&base.sources, &base.integrations, true);
    builder.finish()
}

/// A build fed a batch of integrations at a time, as the rules are loaded
/// ([`crate::rules::pipeline::load_each`]), so that only one batch's models
/// are held at once; [`build`] feeds it a rule base loaded whole.
/// What fails is reported by [`Builder::finish`] as a build of the whole rule
/// base would report it: a code's page before any index page, the first in
/// the rule base's order.
pub struct Builder<'a> {
    start: Instant,
    renderer: &'a Renderer,
    out: std::path::PathBuf,
    options: Options,
    /// Made with the staging folder, when the first batch is built.
    site: Option<Site<'a>>,
    staging_error: Option<Error>,
    /// Whether a batch came from a load with errors: that load fails, so
    /// nothing more is rendered.
    stopped: bool,
    stamps: &'a cache::Stamps,
    templates: Key,
    progress: indicatif::ProgressBar,
    codes: usize,
    /// Each integration's entry for the home page and the search index.
    entries: Vec<html::IntegrationEntry>,
    /// Each integration's index page's key.
    index_keys: Vec<Option<Key>>,
    /// What the next build needs to update this one in place; `None` once
    /// some page has no key (an integration made in code, not read from a file).
    cache: Option<(Vec<cache::CachedIntegration<'static>>, cache::Lines)>,
    code_error: Option<Error>,
    index_error: Option<Error>,
    cache_error: Option<Error>,
}

impl<'a> Builder<'a> {
    /// A build into `out`; its staging folder beside `out` is prepared
    /// when the first integrations come, so a load that fails at once
    /// leaves no trace.
    pub fn new(
        renderer: &'a Renderer,
        out: &Path,
        options: Options,
        stamps: &'a cache::Stamps,
    ) -> Self {
        Builder {
            start: Instant::now(),
            renderer,
            out: out.to_path_buf(),
            options,
            site: None,
            staging_error: None,
            stopped: false,
            stamps,
            templates: templates_key(renderer),
            progress: indicatif::ProgressBar::hidden(),
            codes: 0,
            entries: Vec::new(),
            index_keys: Vec::new(),
            cache: Some((Vec::new(), cache::Lines::default())),
            code_error: None,
            index_error: None,
            cache_error: None,
        }
    }

    /// Counts the codes written on `progress`.
    pub fn with_progress(mut self, progress: indicatif::ProgressBar) -> Self {
        self.progress = progress;
        self
    }

    /// The staging folder prepared, and what the build writes into it.
    fn make_site(&self) -> Result<Site<'a>, Error> {
        let staging = Staging::prepare(&self.out)?;
        let previous = staging.previous();
        Ok(Site {
            renderer: self.renderer,
            staging,
            previous,
            options: self.options,
            manifest: Mutex::new(Manifest::default()),
            rendered: AtomicUsize::new(0),
            kept: AtomicUsize::new(0),
        })
    }

    /// Prepares the staging folder if it is not yet; whether there is one.
    fn prepare(&mut self) -> bool {
        if self.site.is_none() && self.staging_error.is_none() {
            match self.make_site() {
                Ok(site) => self.site = Some(site),
                Err(e) => self.staging_error = Some(e),
            }
        }
        self.site.is_some()
    }

    /// Writes some integrations' code pages (on all cores) and index pages,
    /// unless an earlier code failed: what fails is kept for
    /// [`Builder::finish`]. `clean`: whether the load has found no error so
    /// far (if it has, it fails, and nothing more is rendered).
    pub fn integrations(
        &mut self,
        sources: &crate::diag::Sources,
        integrations: &[Integration],
        clean: bool,
    ) {
        self.codes += integrations.iter().map(|i| i.codes.len()).sum::<usize>();
        self.stopped |= !clean;
        if self.stopped || self.code_error.is_some() || !self.prepare() {
            return;
        }
        // The hashes of what the pages are made from ([`manifest`]): `None`
        // for an integration made in code.
        let keys: Vec<Option<Key>> = integrations
            .iter()
            .map(|integration| {
                let file = sources.try_get(integration.file?)?;
                Some(integration_key(self.templates, &file.name, &file.text))
            })
            .collect();
        // Each code with its integration's key, then with its pages' key.
        let codes: Vec<(&Integration, &Code, Option<Key>)> = integrations
            .iter()
            .zip(&keys)
            .flat_map(|(i, key)| i.codes.iter().map(move |c| (i, c, *key)))
            .collect();
        // Each code's home page entry is made here too, on all cores: made
        // one after another with its index page, it was a fifth of a build.
        let (jobs, mut entries): (Vec<_>, Vec<_>) = crate::util::parallel::map(
            &codes,
            || (),
            |(), &(integration, code, key)| {
                let file = sources.try_get(code.span.file);
                let key = key
                    .zip(file)
                    .map(|(key, f)| code_key(key, &f.name, &f.text));
                (
                    (integration, code, key),
                    html::CodeEntry::of(integration, code),
                )
            },
        )
        .into_iter()
        .unzip();
        let Some(site) = &self.site else {
            return;
        };
        let progress = &self.progress;
        if let Err(e) = for_each_parallel(&jobs, |&(integration, code, key)| {
            site.write_code(integration, code, key)?;
            progress.inc(1);
            Ok(())
        }) {
            self.code_error = Some(e);
            return;
        }
        let mut jobs = jobs.as_slice();
        for (integration, key) in integrations.iter().zip(keys) {
            if self.index_error.is_some() {
                return;
            }
            let (ours, rest) = jobs.split_at(integration.codes.len());
            jobs = rest;
            let code_entries: Vec<html::CodeEntry> =
                entries.drain(..integration.codes.len()).collect();
            let code_keys: Vec<Option<Key>> = ours.iter().map(|&(_, _, key)| key).collect();
            let index_key = key.and_then(|key| {
                let codes: Option<Vec<Key>> = code_keys.iter().copied().collect();
                Some(index_key(key, codes?))
            });
            self.index_keys.push(index_key);
            let entry = match site.write_index(integration, index_key, code_entries) {
                Ok(entry) => entry,
                Err(e) => {
                    self.index_error = Some(e);
                    return;
                }
            };
            if self.cache_error.is_none()
                && let Some((cached_integrations, lines)) = &mut self.cache
            {
                let of = cached(
                    sources,
                    integration,
                    key,
                    &code_keys,
                    &entry,
                    self.stamps,
                    lines,
                );
                match of {
                    Ok(Some(cached)) => cached_integrations.push(cached),
                    Ok(None) => self.cache = None,
                    Err(e) => self.cache_error = Some(e),
                }
            }
            self.entries.push(entry);
        }
    }

    /// The home page, the search index, the cache and the manifest, then
    /// the staging folder swapped in.
    pub fn finish(mut self) -> Result<Summary, Error> {
        let failed = (self.staging_error.take())
            .or(self.code_error.take())
            .or(self.index_error.take());
        if let Some(e) = failed {
            return Err(e);
        }
        // No integration at all: the site still has its home page.
        let site = match self.site.take() {
            Some(site) => site,
            None => self.make_site()?,
        };
        let Builder {
            start,
            templates,
            progress,
            codes,
            entries,
            index_keys,
            cache,
            cache_error,
            ..
        } = self;
        progress.finish_and_clear();
        let options = site.options;
        // The home page and the search index: every integration and code.
        let home = index_keys
            .into_iter()
            .collect::<Option<Vec<Key>>>()
            .map(|indexes| home_key(templates, indexes));
        if options.markdown {
            let script = site.renderer.source(html::TROUBLESHOOT)?;
            site.staging
                .write(&dropin::script_path(), script.as_bytes())?;
        }
        let search = if options.html {
            Some(site.write_html_extras(&entries, home, templates)?)
        } else {
            None
        };
        if let Some(e) = cache_error {
            return Err(e);
        }
        if let Some((integrations, lines)) = cache {
            let cache = cache::Cache {
                markdown: options.markdown,
                html: options.html,
                templates,
                integrations,
                lines: lines.into_lines(),
            };
            let text = cache.to_text(search.as_ref());
            site.staging.write(cache::FILE, text.as_bytes())?;
            site.record(cache::FILE, cache::entry(&text));
        }
        let Site {
            manifest,
            rendered,
            kept,
            staging,
            ..
        } = site;
        let manifest = manifest.into_inner().unwrap_or_else(|e| e.into_inner());
        staging.write(manifest::FILE, manifest.to_text().as_bytes())?;
        let files = staging.files() + 1; // and the marker
        staging.commit()?;
        Ok(Summary {
            codes,
            files,
            rendered: rendered.into_inner(),
            kept: kept.into_inner(),
            in_place: false,
            elapsed: start.elapsed(),
        })
    }
}

/// What the next build needs of one integration (its lines added to
/// `lines`); `None` when some page has no key (an integration made in code,
/// not read from a file).
fn cached(
    sources: &crate::diag::Sources,
    integration: &Integration,
    key: Option<Key>,
    code_keys: &[Option<Key>],
    entry: &html::IntegrationEntry,
    stamps: &cache::Stamps,
    lines: &mut cache::Lines,
) -> Result<Option<cache::CachedIntegration<'static>>, Error> {
    let (Some(file), Some(key)) = (integration.file.and_then(|f| sources.try_get(f)), key) else {
        return Ok(None);
    };
    // By code, as the entry lists them.
    let mut of_code = std::collections::HashMap::new();
    for (code, key) in integration.codes.iter().zip(code_keys) {
        let (Some(file), Some(key)) = (sources.try_get(code.span.file), key) else {
            return Ok(None);
        };
        of_code.insert(code.code.as_str(), (&file.name, *key));
    }
    let mut codes = Vec::with_capacity(entry.codes.len());
    for c in &entry.codes {
        let Some(&(file, key)) = of_code.get(c.code.as_str()) else {
            return Ok(None);
        };
        let stamp = stamps.files.get(file.as_str()).copied();
        codes.push(lines.cached(c, file.clone(), stamp, key)?);
    }
    Ok(Some(cache::CachedIntegration {
        file: file.name.clone().into(),
        key,
        product: entry.product.clone().into(),
        index_title: entry.index_title.clone().into(),
        index_url: entry.index_url.clone().into(),
        codes,
    }))
}

/// An integration's index page: it and all its codes (their keys, in order).
fn index_key(integration: Key, codes: impl IntoIterator<Item = Key>) -> Key {
    let mut key = KeyBuilder::new("index");
    key.key(integration);
    for code in codes {
        key.key(code);
    }
    key.finish()
}

/// The home page and the search index: the templates and every index page's key.
fn home_key(templates: Key, indexes: impl IntoIterator<Item = Key>) -> Key {
    let mut key = KeyBuilder::new("home");
    key.key(templates);
    for index in indexes {
        key.key(index);
    }
    key.finish()
}

/// The triage version and every template.
fn templates_key(renderer: &Renderer) -> Key {
    let mut templates = KeyBuilder::new("templates");
    templates.field(manifest::version().as_bytes());
    for (name, text) in renderer.sources() {
        templates.field(name.as_bytes()).field(text.as_bytes());
    }
    templates.finish()
}

/// An integration's pages: the templates and its file's name and text.
fn integration_key(templates: Key, name: &str, text: &str) -> Key {
    file_key("integration", templates, name, text)
}

/// A code's pages: its integration's key and its file's name and text.
fn code_key(integration: Key, name: &str, text: &str) -> Key {
    file_key("code", integration, name, text)
}

/// What a rule file makes: what it stands on (`under`), its name and text.
fn file_key(what: &str, under: Key, name: &str, text: &str) -> Key {
    let mut key = KeyBuilder::new(what);
    key.key(under).field(name.as_bytes()).field(text.as_bytes());
    key.finish()
}

fn progress_bar(len: usize, wanted: bool) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::hidden();
    show_progress(&bar, len, wanted);
    bar
}

/// Shows `bar` on stderr as the count of `len` codes built, when `wanted`
/// and there are enough codes for it to be worth it (it stays hidden when
/// stderr is not a terminal).
pub fn show_progress(bar: &indicatif::ProgressBar, len: usize, wanted: bool) {
    if !wanted || len < PROGRESS_FROM {
        return;
    }
    bar.set_length(len as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("building {bar:30} {pos}/{len} codes {eta}")
    {
        bar.set_style(style);
    }
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
}

/// Runs `f` on every item, on as many threads as there are cores (one for
/// few items); stops at the first error.
fn for_each_parallel<T: Sync>(
    items: &[T],
    f: impl Fn(&T) -> Result<(), Error> + Sync,
) -> Result<(), Error> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let workers = cores.min(items.len().div_ceil(32));
    if workers <= 1 {
        return items.iter().try_for_each(f);
    }
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    // The failing item with the lowest index, so the message does not depend on timing.
    let failure: Mutex<Option<(usize, Error)>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while !stop.load(Ordering::Relaxed) {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    if let Err(e) = f(item) {
                        stop.store(true, Ordering::Relaxed);
                        let mut failure = failure.lock().unwrap_or_else(|e| e.into_inner());
                        if failure.as_ref().is_none_or(|(j, _)| i < *j) {
                            *failure = Some((i, e));
                        }
                    }
                }
            });
        }
    });
    match failure.into_inner().unwrap_or_else(|e| e.into_inner()) {
        Some((_, e)) => Err(e),
        None => Ok(()),
    }
}

struct Site<'a> {
    renderer: &'a Renderer,
    staging: Staging,
    previous: Option<Previous>,
    options: Options,
    /// What this build wrote, for the next one.
    manifest: Mutex<Manifest>,
    rendered: AtomicUsize,
    kept: AtomicUsize,
}

impl Site<'_> {
    /// Renders one code's article and writes its Markdown and its preview.
    fn write_code(
        &self,
        integration: &Integration,
        code: &Code,
        key: Option<Key>,
    ) -> Result<(), Error> {
        // The drop-in's data and snippet are small and cheap: written every time,
        // outside the manifest, so they can never be stale.
        let mut made = None;
        if self.options.markdown {
            let troubleshooter = crate::engine::export::troubleshooter(integration, code);
            let (data, snippet) = dropin::files(integration, &troubleshooter)?;
            self.staging.write(&data.0, data.1.as_bytes())?;
            self.staging.write(&snippet.0, snippet.1.as_bytes())?;
            made = Some(troubleshooter);
        }
        // The preview carries the same troubleshooter: made once.
        self.write_page(
            &article_path(integration, code),
            key,
            || self.renderer.help(integration, code),
            || made.or_else(|| Some(crate::engine::export::troubleshooter(integration, code))),
        )
    }

    /// Writes a page's Markdown and preview as the options ask, each kept
    /// from the previous build when made from the same inputs (`key`), the
    /// Markdown rendered only if one of them is not.
    fn write_page(
        &self,
        md_rel: &str,
        key: Option<Key>,
        markdown: impl FnOnce() -> Result<String, Error>,
        troubleshooter: impl FnOnce() -> Option<crate::engine::export::Troubleshooter>,
    ) -> Result<(), Error> {
        let html_rel = html::html_path(md_rel);
        let md_kept = !self.options.markdown || self.keep(md_rel, key)?;
        let html_kept = !self.options.html || self.keep(&html_rel, key)?;
        if md_kept && html_kept {
            return Ok(());
        }
        let markdown = markdown()?;
        if !md_kept {
            self.write(md_rel, key, markdown.as_bytes())?;
        }
        if !html_kept {
            let page = html::page(self.renderer, md_rel, &markdown, troubleshooter().as_ref())?;
            self.write(&html_rel, key, page.as_bytes())?;
        }
        Ok(())
    }

    /// Keeps the previous build's `rel` if it was made from inputs hashing to `key`.
    fn keep(&self, rel: &str, key: Option<Key>) -> Result<bool, Error> {
        let (Some(previous), Some(key)) = (&self.previous, key) else {
            return Ok(false);
        };
        let Some(entry) = previous.entry(rel, key) else {
            return Ok(false);
        };
        if !self.staging.keep(previous, rel, entry)? {
            return Ok(false);
        }
        self.record(rel, entry);
        self.kept.fetch_add(1, Ordering::Relaxed);
        Ok(true)
    }

    /// Writes a file made anew; with a key, the manifest lists it for the next build.
    fn write(&self, rel: &str, key: Option<Key>, bytes: &[u8]) -> Result<(), Error> {
        self.staging.write(rel, bytes)?;
        if let Some(key) = key {
            let size = bytes.len() as u64;
            self.record(rel, Entry { key, size });
        }
        self.rendered.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn record(&self, rel: &str, entry: Entry) {
        self.manifest
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .files
            .insert(rel.to_string(), entry);
    }

    /// Writes the integration's index page; returns its entry for the home
    /// page, with `codes` (its codes' entries, in its order) sorted by code.
    fn write_index(
        &self,
        integration: &Integration,
        key: Option<Key>,
        mut codes: Vec<html::CodeEntry>,
    ) -> Result<html::IntegrationEntry, Error> {
        let index_rel = index_path(integration);
        self.write_page(
            &index_rel,
            key,
            || self.renderer.render(INDEX, &IndexContext::new(integration)),
            || None,
        )?;
        codes.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(html::IntegrationEntry {
            product: integration.name.clone(),
            index_title: index_title(integration),
            index_url: md_rel_to_html(&index_rel),
            codes,
        })
    }

    /// The home page, the search index, the style sheet and the search script.
    /// `home` is the key of every integration and code, `templates` of the
    /// templates. Returns the search index (made even when kept: the cache
    /// says where each code is in it).
    fn write_html_extras(
        &self,
        integrations: &[html::IntegrationEntry],
        home: Option<Key>,
        templates: Key,
    ) -> Result<html::Search, Error> {
        let dir = html::DIR;
        let home_rel = format!("{dir}/index.html");
        if !self.keep(&home_rel, home)? {
            let page = html::home(self.renderer, integrations)?;
            self.write(&home_rel, home, page.as_bytes())?;
        }
        let index_rel = format!("{dir}/{}", html::SEARCH_INDEX);
        let search = html::search_index(integrations)?;
        if !self.keep(&index_rel, home)? {
            self.write(&index_rel, home, search.script.as_bytes())?;
        }
        for name in [html::CSS, html::SCRIPT, html::TROUBLESHOOT] {
            let rel = format!("{dir}/{name}");
            let key = Some(templates);
            if !self.keep(&rel, key)? {
                let text = self.renderer.source(name)?;
                self.write(&rel, key, text.as_bytes())?;
            }
        }
        Ok(search)
    }
}

/// `html/a/b.html` as a link from `html/index.html`: `a/b.html`.
pub(crate) fn md_rel_to_html(md_rel: &str) -> String {
    let path = html::html_path(md_rel);
    url::encode_path(
        path.strip_prefix(&format!("{}/", html::DIR))
            .unwrap_or(&path),
    )
}
