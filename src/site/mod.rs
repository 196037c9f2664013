//! `triage build`: the help center from the rules. The Markdown tree in the
//! help site's layout (one article per code, an index page per integration)
//! and an HTML preview of it with a home page and offline search.
//!
//! Each code is rendered and written on its own ([`Site::write_code`]), never
//! holding every article in memory, and codes are spread over the cores.
//!
//! A build into a folder holding a previous build is incremental: the
//! previous build's [`manifest`] says what each file was made from, and a
//! file whose inputs hash the same is kept rather than rendered (a changed
//! code file re-renders that code's pages, its integration's index page, the
//! home page and the search index; a changed `integration.yaml` all of that
//! integration's pages; a changed template or triage version everything).
//!
//! Kept files are hard-linked from the previous output into the staging
//! folder (copied where the file system cannot link), which then replaces
//! the output as in a full build: an interrupted incremental build leaves the
//! previous output whole, exactly as a full one does. An in-place update with
//! the manifest written last was the other way; it was not taken, because a
//! build killed half-way would leave a folder mixing two builds, and one
//! whose rules then fail to load would be served half-updated. Linking costs
//! a system call per kept file and never writes to a previous file (every
//! file a build writes is a new one), so the old folder, removed after the
//! swap, takes nothing with it.

pub mod dropin;
pub mod html;
pub mod manifest;
pub mod output;

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::Error;
use crate::render::Renderer;
use crate::rules::{Code, Integration, RuleBase};
use manifest::{Entry, Key, KeyBuilder, Manifest};
use output::{Previous, Staging};

pub use crate::render::index::{INDEX, IndexContext, article_path, index_path};
use crate::render::index::{headline, index_title};
use crate::util::url;
pub use output::OutputError;

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
    pub elapsed: Duration,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        write!(
            f,
            "{}, {} ({} rendered, {} kept) in {} ms",
            plural(self.codes, "code"),
            plural(self.files, "file"),
            plural(self.rendered, "page"),
            self.kept,
            self.elapsed.as_millis()
        )
    }
}

/// Builds the site into `out`, replacing a previous build only when complete,
/// and rendering only the pages whose inputs changed since that build.
pub fn build(
    base: &RuleBase,
    renderer: &Renderer,
    out: &Path,
    options: Options,
) -> Result<Summary, Error> {
    let start = Instant::now();
    let staging = Staging::prepare(out)?;
    let site = Site {
        renderer,
        previous: staging.previous(),
        staging: &staging,
        options,
        manifest: Mutex::new(Manifest::default()),
        rendered: AtomicUsize::new(0),
        kept: AtomicUsize::new(0),
    };
    let keys = Keys::new(base, renderer);
    let codes: Vec<(&Integration, &Code)> = base.codes().collect();
    let code_keys = crate::util::parallel::map(
        &codes,
        || (),
        |(), (integration, code)| keys.code(integration, code),
    );
    let jobs: Vec<(&Integration, &Code, Option<Key>)> = codes
        .iter()
        .zip(&code_keys)
        .map(|(&(i, c), &k)| (i, c, k))
        .collect();
    let progress = progress_bar(codes.len(), options.progress);
    for_each_parallel(&jobs, |&(integration, code, key)| {
        site.write_code(integration, code, key)?;
        progress.inc(1);
        Ok(())
    })?;
    progress.finish_and_clear();
    let mut entries = Vec::new();
    let mut all_codes = code_keys.iter();
    // The home page and the search index: every integration and code.
    let mut home = KeyBuilder::new("home");
    home.key(keys.templates);
    let mut home = Some(home);
    for integration in &base.integrations {
        let index_key = keys.index(
            integration,
            all_codes.by_ref().take(integration.codes.len()),
        );
        match (index_key, home.as_mut()) {
            (Some(k), Some(h)) => {
                h.key(k);
            }
            _ => home = None,
        }
        entries.push(site.write_index(integration, index_key)?);
    }
    if options.markdown {
        let script = renderer.source(html::TROUBLESHOOT)?;
        staging.write(&dropin::script_path(), script.as_bytes())?;
    }
    if options.html {
        site.write_html_extras(&entries, home.map(KeyBuilder::finish), keys.templates)?;
    }
    let Site {
        manifest,
        rendered,
        kept,
        ..
    } = site;
    let manifest = manifest.into_inner().unwrap_or_else(|e| e.into_inner());
    staging.write(manifest::FILE, manifest.to_text().as_bytes())?;
    let files = staging.files() + 1; // and the marker
    staging.commit()?;
    Ok(Summary {
        codes: codes.len(),
        files,
        rendered: rendered.into_inner(),
        kept: kept.into_inner(),
        elapsed: start.elapsed(),
    })
}

/// The hashes of what pages are made from ([`manifest`]).
struct Keys<'a> {
    base: &'a RuleBase,
    /// The triage version and every template.
    templates: Key,
    /// Each integration's, in [`RuleBase::integrations`]' order (hashed once, not once per code).
    integrations: Vec<Option<Key>>,
}

impl<'a> Keys<'a> {
    fn new(base: &'a RuleBase, renderer: &Renderer) -> Keys<'a> {
        let mut templates = KeyBuilder::new("templates");
        templates.field(manifest::version().as_bytes());
        for (name, text) in renderer.sources() {
            templates.field(name.as_bytes()).field(text.as_bytes());
        }
        let templates = templates.finish();
        let integrations = base
            .integrations
            .iter()
            .map(|integration| {
                let file = base.sources.try_get(integration.file?)?;
                let mut key = KeyBuilder::new("integration");
                key.key(templates)
                    .field(file.name.as_bytes())
                    .field(file.text.as_bytes());
                Some(key.finish())
            })
            .collect();
        Keys {
            base,
            templates,
            integrations,
        }
    }

    /// The templates and the integration file's name and text; `None` for an
    /// integration made in code.
    fn integration(&self, integration: &Integration) -> Option<Key> {
        let at = self
            .base
            .integrations
            .iter()
            .position(|i| std::ptr::eq(i, integration))?;
        self.integrations[at]
    }

    /// A code's pages: its integration and its own file.
    fn code(&self, integration: &Integration, code: &Code) -> Option<Key> {
        let file = self.base.sources.try_get(code.span.file)?;
        let mut key = KeyBuilder::new("code");
        key.key(self.integration(integration)?)
            .field(file.name.as_bytes())
            .field(file.text.as_bytes());
        Some(key.finish())
    }

    /// An integration's index page: it and all its codes (their keys, in order).
    fn index<'k>(
        &self,
        integration: &Integration,
        codes: impl Iterator<Item = &'k Option<Key>>,
    ) -> Option<Key> {
        let mut key = KeyBuilder::new("index");
        key.key(self.integration(integration)?);
        for code in codes {
            key.key((*code)?);
        }
        Some(key.finish())
    }
}

fn progress_bar(len: usize, wanted: bool) -> indicatif::ProgressBar {
    if !wanted || len < PROGRESS_FROM {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(len as u64),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("building {bar:30} {pos}/{len} codes {eta}")
    {
        bar.set_style(style);
    }
    bar
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
    staging: &'a Staging,
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
        if self.options.markdown {
            let troubleshooter = crate::engine::export::troubleshooter(integration, code);
            let (data, snippet) = dropin::files(integration, &troubleshooter)?;
            self.staging.write(&data.0, data.1.as_bytes())?;
            self.staging.write(&snippet.0, snippet.1.as_bytes())?;
        }
        self.write_page(
            &article_path(integration, code),
            key,
            || self.renderer.help(integration, code),
            || Some(crate::engine::export::troubleshooter(integration, code)),
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

    /// Writes the integration's index page; returns its entry for the home page.
    fn write_index(
        &self,
        integration: &Integration,
        key: Option<Key>,
    ) -> Result<html::IntegrationEntry, Error> {
        let index_rel = index_path(integration);
        self.write_page(
            &index_rel,
            key,
            || self.renderer.render(INDEX, &IndexContext::new(integration)),
            || None,
        )?;
        let mut codes: Vec<&Code> = integration.codes.iter().collect();
        codes.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(html::IntegrationEntry {
            product: integration.name.clone(),
            index_title: index_title(integration),
            index_url: md_rel_to_html(&index_rel),
            codes: codes
                .into_iter()
                .map(|code| html::CodeEntry {
                    code: code.code.clone(),
                    kind_title: code.kind.title(),
                    product: integration.name.clone(),
                    title: headline(code),
                    message: crate::recognize::strip_code_prefix(&code.message).to_string(),
                    summary: code.summary.clone(),
                    url: md_rel_to_html(&article_path(integration, code)),
                    search: html::SearchDoc::of(code),
                })
                .collect(),
        })
    }

    /// The home page, the search index, the style sheet and the search script.
    /// `home` is the key of every integration and code, `templates` of the templates.
    fn write_html_extras(
        &self,
        integrations: &[html::IntegrationEntry],
        home: Option<Key>,
        templates: Key,
    ) -> Result<(), Error> {
        let dir = html::DIR;
        let home_rel = format!("{dir}/index.html");
        if !self.keep(&home_rel, home)? {
            let page = html::home(self.renderer, integrations)?;
            self.write(&home_rel, home, page.as_bytes())?;
        }
        let index_rel = format!("{dir}/{}", html::SEARCH_INDEX);
        if !self.keep(&index_rel, home)? {
            let index = html::search_index(integrations)?;
            self.write(&index_rel, home, index.as_bytes())?;
        }
        for name in [html::CSS, html::SCRIPT, html::TROUBLESHOOT] {
            let rel = format!("{dir}/{name}");
            let key = Some(templates);
            if !self.keep(&rel, key)? {
                let text = self.renderer.source(name)?;
                self.write(&rel, key, text.as_bytes())?;
            }
        }
        Ok(())
    }
}

/// `html/a/b.html` as a link from `html/index.html`: `a/b.html`.
fn md_rel_to_html(md_rel: &str) -> String {
    let path = html::html_path(md_rel);
    url::encode_path(
        path.strip_prefix(&format!("{}/", html::DIR))
            .unwrap_or(&path),
    )
}
