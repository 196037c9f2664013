//! `triage build`: the help center from the rules. The Markdown tree in the
//! help site's layout (one article per code, an index page per integration)
//! and an HTML preview of it with a home page and offline search.
//!
//! Each code is rendered and written on its own ([`Site::write_code`]), never
//! holding every article in memory, and codes are spread over the cores.

pub mod dropin;
pub mod html;
pub mod output;

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::Error;
use crate::render::Renderer;
use crate::rules::{Code, Integration, RuleBase};
use output::Staging;

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
    pub files: usize,
    pub elapsed: Duration,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        write!(
            f,
            "{}, {} in {} ms",
            plural(self.codes, "code"),
            plural(self.files, "file"),
            self.elapsed.as_millis()
        )
    }
}

/// Builds the site into `out`, replacing a previous build only when complete.
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
        staging: &staging,
        options,
    };
    let codes: Vec<(&Integration, &Code)> = base.codes().collect();
    let progress = progress_bar(codes.len(), options.progress);
    for_each_parallel(&codes, |(integration, code)| {
        site.write_code(integration, code)?;
        progress.inc(1);
        Ok(())
    })?;
    progress.finish_and_clear();
    let mut entries = Vec::new();
    for integration in &base.integrations {
        entries.push(site.write_index(integration)?);
    }
    if options.markdown {
        let script = renderer.source(html::TROUBLESHOOT)?;
        staging.write(&dropin::script_path(), script.as_bytes())?;
    }
    if options.html {
        site.write_html_extras(&entries)?;
    }
    let files = staging.files() + 1; // and the marker
    staging.commit()?;
    Ok(Summary {
        codes: codes.len(),
        files,
        elapsed: start.elapsed(),
    })
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
    options: Options,
}

impl Site<'_> {
    /// Renders one code's article and writes its Markdown and its preview.
    fn write_code(&self, integration: &Integration, code: &Code) -> Result<(), Error> {
        let markdown = self.renderer.help(integration, code)?;
        let troubleshooter = crate::engine::export::troubleshooter(integration, code);
        if self.options.markdown {
            let (data, snippet) = dropin::files(integration, &troubleshooter)?;
            self.staging.write(&data.0, data.1.as_bytes())?;
            self.staging.write(&snippet.0, snippet.1.as_bytes())?;
        }
        self.write_page(
            &article_path(integration, code),
            &markdown,
            Some(&troubleshooter),
        )
    }

    fn write_page(
        &self,
        md_rel: &str,
        markdown: &str,
        troubleshooter: Option<&crate::engine::export::Troubleshooter>,
    ) -> Result<(), Error> {
        if self.options.markdown {
            self.staging.write(md_rel, markdown.as_bytes())?;
        }
        if self.options.html {
            let page = html::page(self.renderer, md_rel, markdown, troubleshooter)?;
            self.staging
                .write(&html::html_path(md_rel), page.as_bytes())?;
        }
        Ok(())
    }

    /// Writes the integration's index page; returns its entry for the home page.
    fn write_index(&self, integration: &Integration) -> Result<html::IntegrationEntry, Error> {
        let index_rel = index_path(integration);
        let markdown = self
            .renderer
            .render(INDEX, &IndexContext::new(integration))?;
        self.write_page(&index_rel, &markdown, None)?;
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
    fn write_html_extras(&self, integrations: &[html::IntegrationEntry]) -> Result<(), Error> {
        let dir = html::DIR;
        let home = html::home(self.renderer, integrations)?;
        self.staging
            .write(&format!("{dir}/index.html"), home.as_bytes())?;
        let index = html::search_index(integrations)?;
        let index_rel = format!("{dir}/{}", html::SEARCH_INDEX);
        self.staging.write(&index_rel, index.as_bytes())?;
        for name in [html::CSS, html::SCRIPT, html::TROUBLESHOOT] {
            let text = self.renderer.source(name)?;
            self.staging
                .write(&format!("{dir}/{name}"), text.as_bytes())?;
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
