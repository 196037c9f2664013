//! The fast way to rebuild after a few rule files changed: in place.
//!
//! A full build loads every rule file, and even when it renders only what
//! changed, loading ten thousand codes takes most of a second. An update
//! reads instead the previous build's [`cache`](super::cache): each rule
//! file's stamp and hash, and what the index pages, the home page and the
//! search index list of each code. It stamps the rule files, reads only those
//! whose stamp moved, loads only the changed code files (with their
//! integration file, which is all a code's model is made from), and rewrites
//! only their pages, their index page, the home page and the search index.
//!
//! It gives way to a full build ([`update`] returns `None`) whenever it
//! could not give the same output byte for byte, or would hide what a full
//! build says: the output is not exactly the previous build (a file of
//! someone else's, a page changed by hand, no whole manifest or cache, other
//! options or templates); the set of rule files or an integration file
//! changed; a changed file has an error (the full load reports it with every
//! other); a code's id or kind changed (its pages would move); or more than
//! a sixteenth of the codes changed (then writing a new folder and swapping
//! it in, which leaves the previous output whole if interrupted, costs little
//! more). How the files are replaced so that a killed update never leaves a
//! stale page is [`output::InPlace`]'s.

use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;
use std::path::Path;
use std::time::Instant;

use super::cache::{self, CachedCode, Stamp};
use super::manifest::{Entry, Key};
use super::output::{self, InPlace};
use super::{Options, Summary, code_key, home_key, html, index_key, integration_key};
use crate::Error;
use crate::render::Renderer;
use crate::render::index::{INDEX, IndexContext, article_path, index_path};
use crate::rules::load::{self, Found, RuleFile};

/// How a code file compares with the previous build's reading of it.
enum Seen {
    /// Its stamp is the one recorded: not read.
    Same,
    /// Read, and the same text: only its stamp is new.
    Restamped(Option<Stamp>),
    /// Read, and changed.
    Changed {
        text: String,
        stamp: Option<Stamp>,
        key: Key,
    },
    /// Gone or unreadable: the full build says why.
    Unreadable,
}

/// Updates the build in `out` from the rules in `dir` in place, when only a
/// few code files changed since it; `None` when a full build must run.
pub fn update(
    dir: &Path,
    renderer: &Renderer,
    out: &Path,
    options: Options,
) -> Result<Option<Summary>, Error> {
    let start = Instant::now();
    let began = std::time::SystemTime::now();
    let taken = cache::now();
    let Ok(cache_text) = std::fs::read_to_string(out.join(cache::FILE)) else {
        return Ok(None);
    };
    // The search index holds each code's entry; the cache says where.
    let search_text = if options.html {
        let path = out.join(html::DIR).join(html::SEARCH_INDEX);
        let Ok(text) = std::fs::read_to_string(path) else {
            return Ok(None);
        };
        Some(text)
    } else {
        None
    };
    let templates = super::templates_key(renderer);
    // Looking over the output and stamping the rules need nothing of each other.
    let (built, scan) = std::thread::scope(|scope| {
        let built = scope.spawn(|| output::Built::read(out));
        let scan = scan(
            dir,
            &cache_text,
            search_text.as_deref(),
            templates,
            options,
            taken,
        );
        let built = built
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (built, scan)
    });
    let (
        Some(mut built),
        Some(Scan {
            mut cache,
            found,
            slots,
            mut integration_texts,
            changed,
            total,
        }),
    ) = (built, scan)
    else {
        return Ok(None);
    };
    let mut manifest = std::mem::take(&mut built.manifest);
    // The cache the manifest was written with, and no other.
    if manifest.files.get(cache::FILE) != Some(&cache::entry(&cache_text)) {
        return Ok(None);
    }
    let files = built.files;
    let pages = manifest.files.len() - 1;
    // New stamps alone are not worth writing: the files are read again next time.
    if changed.is_empty() {
        return Ok(Some(Summary {
            codes: total,
            files,
            rendered: 0,
            kept: pages,
            in_place: true,
            elapsed: start.elapsed(),
        }));
    }

    // Every changed file loaded and checked before anything is rendered or
    // written: an error is the full build's to report, as it would.
    let mut affected: Vec<usize> = changed.iter().map(|c| c.at.0).collect();
    affected.sort_unstable();
    affected.dedup();
    let mut loads = Vec::new();
    for &i in &affected {
        let ours: Vec<&Changed> = changed.iter().filter(|c| c.at.0 == i).collect();
        let (Some(text), Some((integration_file, _))) = (
            integration_texts[i].take(),
            found.iter().zip(&slots).find(|(_, s)| **s == (i, None)),
        ) else {
            return Ok(None);
        };
        let mut files = vec![rule_file(integration_file, text)];
        files.extend(
            ours.iter()
                .map(|c| rule_file(&found[c.found], c.text.clone())),
        );
        let loaded = crate::rules::pipeline::load_listed(
            load::Listing {
                files,
                code_names: Vec::new(),
            },
            &crate::rules::pipeline::NoLints,
        );
        if loaded.findings.iter().any(|f| f.is_error()) {
            return Ok(None);
        }
        let base = loaded.base;
        let [integration] = base.integrations.as_slice() else {
            return Ok(None);
        };
        if integration.codes.len() != ours.len() {
            return Ok(None);
        }
        // Each code's change, in the integration's order.
        let mut of_code = Vec::new();
        for code in &integration.codes {
            let Some(file) = base.sources.try_get(code.span.file) else {
                return Ok(None);
            };
            let Some(&change) = ours.iter().find(|o| found[o.found].display() == file.name) else {
                return Ok(None);
            };
            let cached = &cache.integrations[i].codes[change.at.1];
            // Its pages would move, and the folder's set of files change: a full build.
            if cached.code != code.code || cached.kind != code.kind {
                return Ok(None);
            }
            of_code.push((change, file.name.clone()));
        }
        loads.push((i, base, of_code));
    }

    // Then rendered into the temporary sibling; a failure there (a template
    // that fails on the new text, say) is also the full build's to report.
    let mut prepare = || -> Result<(InPlace, usize, String, String), Error> {
        let mut writer = InPlace::prepare(out)?;
        let mut rendered = 0usize;
        // The search lines of the codes rendered anew, by place in the cache.
        let mut new_lines: HashMap<(usize, usize), Vec<String>> = HashMap::default();
        for (i, base, of_code) in &loads {
            let i = *i;
            let [integration] = base.integrations.as_slice() else {
                continue;
            };
            for (code, (change, file_name)) in integration.codes.iter().zip(of_code) {
                let c = change.at.1;
                let md_rel = article_path(integration, code);
                let markdown = renderer.help(integration, code)?;
                let troubleshooter = crate::engine::export::troubleshooter(integration, code);
                if options.markdown {
                    let (data, snippet) = super::dropin::files(integration, &troubleshooter)?;
                    writer.write(&data.0, data.1.as_bytes())?;
                    writer.write(&snippet.0, snippet.1.as_bytes())?;
                    write(
                        &mut writer,
                        &mut manifest,
                        &md_rel,
                        change.key,
                        markdown.as_bytes(),
                    )?;
                    rendered += 1;
                }
                if options.html {
                    let page = html::page(renderer, &md_rel, &markdown, Some(&troubleshooter))?;
                    let html_rel = html::html_path(&md_rel);
                    write(
                        &mut writer,
                        &mut manifest,
                        &html_rel,
                        change.key,
                        page.as_bytes(),
                    )?;
                    rendered += 1;
                }
                let mut entry = html::CodeEntry::of(integration, code);
                let lines = std::mem::take(&mut entry.search.lines)
                    .iter()
                    .map(|l| html::search_line(l))
                    .collect::<Result<Vec<_>, Error>>()?;
                new_lines.insert(change.at, lines);
                // Its lines are placed with every code's below.
                let mut cached = CachedCode::of(
                    &entry,
                    file_name.clone(),
                    change.stamp,
                    change.key,
                    Vec::new(),
                );
                cached.search = Cow::Owned(html::search_head(&entry)?);
                cache.integrations[i].codes[c] = cached;
            }
            // Its index page lists every code of the integration.
            let entries = cache.integrations[i]
                .codes
                .iter()
                .map(CachedCode::index_entry);
            let index_md = renderer.render(INDEX, &IndexContext::listing(integration, entries))?;
            let key = index_key(
                cache.integrations[i].key,
                cache.integrations[i].codes.iter().map(|c| c.key),
            );
            let index_rel = index_path(integration);
            if options.markdown {
                write(
                    &mut writer,
                    &mut manifest,
                    &index_rel,
                    key,
                    index_md.as_bytes(),
                )?;
                rendered += 1;
            }
            if options.html {
                let page = html::page(renderer, &index_rel, &index_md, None)?;
                let html_rel = html::html_path(&index_rel);
                write(&mut writer, &mut manifest, &html_rel, key, page.as_bytes())?;
                rendered += 1;
            }
        }

        place_lines(&mut cache, new_lines);
        // The search index then the cache's text (which says where each code
        // is in it), beside the home page and the manifest.
        let ((search, cache_text), home) = std::thread::scope(|scope| {
            let cache = &cache;
            let texts = scope.spawn(|| {
                let search = options.html.then(|| {
                    html::search_script(
                        &cache.lines,
                        cache
                            .integrations
                            .iter()
                            .flat_map(|i| &i.codes)
                            .map(|c| (c.search.as_ref(), c.lines.as_slice())),
                    )
                });
                let text = cache.to_text(search.as_ref());
                (search, text)
            });
            let home = options.html.then(|| home_page(renderer, cache));
            let texts = texts
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (texts, home)
        });
        if let (Some(search), Some(home)) = (search, home) {
            let key = home_key(
                templates,
                cache
                    .integrations
                    .iter()
                    .map(|i| index_key(i.key, i.codes.iter().map(|c| c.key))),
            );
            let dir = html::DIR;
            let home_rel = format!("{dir}/index.html");
            write(&mut writer, &mut manifest, &home_rel, key, home?.as_bytes())?;
            let rel = format!("{dir}/{}", html::SEARCH_INDEX);
            write(
                &mut writer,
                &mut manifest,
                &rel,
                key,
                search.script.as_bytes(),
            )?;
            rendered += 2;
        }
        manifest
            .files
            .insert(cache::FILE.to_string(), cache::entry(&cache_text));
        let manifest_text = manifest.to_text();
        Ok((writer, rendered, cache_text, manifest_text))
    };
    let Ok((writer, rendered, cache_text, manifest_text)) = prepare() else {
        return Ok(None);
    };
    // A file put in the output meanwhile: the full build refuses the folder, saying which.
    if !built.unchanged() {
        return Ok(None);
    }

    writer.commit(&cache_text, &manifest_text, began)?;
    Ok(Some(Summary {
        codes: total,
        files,
        rendered,
        kept: pages - rendered,
        in_place: true,
        elapsed: start.elapsed(),
    }))
}

/// The home page, listing every cached code.
fn home_page(renderer: &Renderer, cache: &cache::Cache) -> Result<String, Error> {
    let entries: Vec<html::IntegrationEntry> = cache
        .integrations
        .iter()
        .map(|i| html::IntegrationEntry {
            product: i.product.to_string(),
            index_title: i.index_title.to_string(),
            index_url: i.index_url.to_string(),
            codes: i.codes.iter().map(|c| c.home_entry(&i.product)).collect(),
        })
        .collect();
    html::home(renderer, &entries)
}

/// Places every code's search lines in [`cache::Cache::lines`] again, as a
/// full build places them (each once, in the order codes first use them):
/// the codes rendered anew bring `new` lines, the others keep theirs.
fn place_lines<'a>(cache: &mut cache::Cache<'a>, mut new: HashMap<(usize, usize), Vec<String>>) {
    let mut old = std::mem::take(&mut cache.lines);
    let old_at: HashMap<&str, u32> = old
        .iter()
        .enumerate()
        .map(|(at, l)| (l.as_ref(), at as u32))
        .collect();
    // A new code's lines that were in the cache, as old places; others as text.
    let new: HashMap<(usize, usize), Vec<Result<u32, String>>> = new
        .drain()
        .map(|(at, lines)| {
            let lines = lines
                .into_iter()
                .map(|l| old_at.get(l.as_str()).copied().ok_or(l))
                .collect();
            (at, lines)
        })
        .collect();
    drop(old_at);
    let mut moved = vec![u32::MAX; old.len()];
    let mut lines: Vec<Cow<'a, str>> = Vec::with_capacity(old.len());
    let mut added: HashMap<String, u32> = HashMap::default();
    let mut place_old = |l: u32, lines: &mut Vec<Cow<'a, str>>| {
        let slot = &mut moved[l as usize];
        if *slot == u32::MAX {
            *slot = lines.len() as u32;
            lines.push(std::mem::take(&mut old[l as usize]));
        }
        *slot
    };
    for (i, integration) in cache.integrations.iter_mut().enumerate() {
        for (c, code) in integration.codes.iter_mut().enumerate() {
            code.lines = match new.get(&(i, c)) {
                Some(fresh) => fresh
                    .iter()
                    .map(|l| match l {
                        Ok(old) => place_old(*old, &mut lines),
                        Err(text) => *added.entry(text.clone()).or_insert_with(|| {
                            lines.push(Cow::Owned(text.clone()));
                            lines.len() as u32 - 1
                        }),
                    })
                    .collect(),
                None => code
                    .lines
                    .iter()
                    .map(|&l| place_old(l, &mut lines))
                    .collect(),
            };
        }
    }
    cache.lines = lines;
}

/// A code file that changed since the previous build.
struct Changed {
    /// Its place in the cache: (integration, code).
    at: (usize, usize),
    /// Its place in the files found.
    found: usize,
    text: String,
    stamp: Option<Stamp>,
    key: Key,
}

/// The rule files compared with the previous build's reading of them.
struct Scan<'a> {
    cache: cache::Cache<'a>,
    found: Vec<Found>,
    /// Where each file found is in the cache ([`slots`]).
    slots: Vec<(usize, Option<usize>)>,
    /// Each integration file's text, read to hash it.
    integration_texts: Vec<Option<String>>,
    changed: Vec<Changed>,
    /// How many code files there are.
    total: usize,
}

/// Parses the cache, finds the rule files, hashes the integration files and
/// stamps the code files (reading those whose stamp moved); `None` when the
/// cache is no cache, or is not of these options, templates or rule files,
/// or too many code files changed.
fn scan<'a>(
    dir: &Path,
    cache_text: &'a str,
    search_text: Option<&'a str>,
    templates: Key,
    options: Options,
    taken: i64,
) -> Option<Scan<'a>> {
    let mut cache = cache::Cache::parse(cache_text, search_text)?;
    if (cache.markdown, cache.html, cache.templates) != (options.markdown, options.html, templates)
    {
        return None;
    }
    let found = load::find(dir).ok()?;
    let slots = slots(&cache, &found)?;
    // Integration files are few and decide every page: read and hashed each time.
    let mut integration_texts: Vec<Option<String>> = vec![None; cache.integrations.len()];
    let mut code_files = Vec::new();
    for (n, (f, slot)) in found.iter().zip(&slots).enumerate() {
        match *slot {
            (i, None) => {
                let text = load::read_text(&f.path).ok()?;
                if integration_key(templates, &f.display(), &text) != cache.integrations[i].key {
                    return None;
                }
                integration_texts[i] = Some(text);
            }
            (i, Some(c)) => code_files.push((n, i, c)),
        }
    }
    let seen = crate::util::parallel::map(
        &code_files,
        || (),
        |(), &(n, i, c)| {
            see(
                &found[n],
                &cache.integrations[i].codes[c],
                cache.integrations[i].key,
                taken,
            )
        },
    );
    let total = code_files.len();
    let mut changed: Vec<Changed> = Vec::new();
    for (&(n, i, c), seen) in code_files.iter().zip(seen) {
        match seen {
            Seen::Same => {}
            Seen::Restamped(stamp) => cache.integrations[i].codes[c].stamp = stamp,
            Seen::Changed { text, stamp, key } => changed.push(Changed {
                at: (i, c),
                found: n,
                text,
                stamp,
                key,
            }),
            Seen::Unreadable => return None,
        }
    }
    if changed.len() > (total / 16).max(16) {
        return None;
    }
    Some(Scan {
        cache,
        found,
        slots,
        integration_texts,
        changed,
        total,
    })
}

/// Where each file found is in the cache: (integration, `None` for its
/// `integration.yaml`, else the code); `None` unless the files found are
/// exactly the ones cached.
fn slots(cache: &cache::Cache, found: &[Found]) -> Option<Vec<(usize, Option<usize>)>> {
    let mut at = HashMap::default();
    for (i, integration) in cache.integrations.iter().enumerate() {
        at.insert(integration.file.as_ref(), (i, None));
        for (c, code) in integration.codes.iter().enumerate() {
            at.insert(code.file.as_ref(), (i, Some(c)));
        }
    }
    if at.len() != found.len() {
        return None;
    }
    found
        .iter()
        .map(|f| at.get(f.display().as_str()).copied())
        .collect()
}

/// Stamps a code file and, unless its stamp is the one recorded, reads it.
fn see(f: &Found, cached: &CachedCode, integration: Key, taken: i64) -> Seen {
    let stamp = Stamp::read(&f.path);
    if stamp.is_some() && stamp == cached.stamp {
        return Seen::Same;
    }
    let Ok(text) = load::read_text(&f.path) else {
        return Seen::Unreadable;
    };
    // Read after stamping: a change in between shows as a new stamp next time.
    let stamp = stamp.filter(|s| s.settled(taken));
    let key = code_key(integration, &f.display(), &text);
    if key == cached.key {
        Seen::Restamped(stamp)
    } else {
        Seen::Changed { text, stamp, key }
    }
}

fn rule_file(f: &Found, text: String) -> RuleFile {
    RuleFile {
        display: f.display(),
        integration: f.integration.clone(),
        stem: f.stem.clone(),
        text,
    }
}

/// Writes a page anew and gives it its new key in the manifest.
fn write(
    writer: &mut InPlace,
    manifest: &mut super::manifest::Manifest,
    rel: &str,
    key: Key,
    bytes: &[u8],
) -> Result<(), Error> {
    writer.write(rel, bytes)?;
    manifest.files.insert(
        rel.to_string(),
        Entry {
            key,
            size: bytes.len() as u64,
        },
    );
    Ok(())
}
