//! Reading an existing help center back into rules (`triage import`).
//!
//! [`markdown`] turns one published article into an outline: its front
//! matter as ordered entries and its body as headings, paragraphs, lists,
//! tables and rules, each holding the exact source text of its inline
//! Markdown and its line. Whatever the help-site format does not use (HTML,
//! code blocks, block quotes, images, loose lists) is kept as an
//! [`markdown::Node::Unsupported`] marker so that the importer can say where.
//!
//! [`article`] and [`index_page`] map outlines to what the rules say,
//! [`lift`] moves what articles share into `integration.yaml`, [`emit`]
//! writes tidy YAML, and [`verify`] renders every imported article again and
//! compares it with its source.

pub mod article;
pub mod emit;
mod error;
mod front_matter;
pub mod index_page;
pub mod lift;
pub mod markdown;
pub mod verify;

use std::path::{Path, PathBuf};

pub use error::ArticleError;
pub use front_matter::{Entry, FrontValue};

use article::{Article, Unmapped};
use index_page::IndexPage;
use lift::Group;

use crate::render::TemplateSource;

/// Folders with more Markdown files than this are refused: a bound for a
/// mistaken path such as `/`.
pub const MAX_FILES: usize = 100_000;

/// What `triage import` was asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    pub paths: Vec<PathBuf>,
    pub out: PathBuf,
    pub integration: Option<String>,
    pub name: Option<String>,
    pub prefix: Option<String>,
    /// Compare only; write nothing.
    pub check_only: bool,
    /// Replace an integration folder that already holds imported codes.
    pub force: bool,
    pub templates: TemplateSource,
}

/// Why an import could not run at all (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Article(#[from] ArticleError),
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a Markdown file (`.md`); name the help articles or a folder holding them")]
    NotMarkdown { path: String },
    #[error("nothing to import: no `.md` help article under {paths}")]
    NothingToImport { paths: String },
    #[error("more than {limit} Markdown files under {path}; name the help center's folder")]
    TooManyFiles { path: String, limit: usize },
    #[error("two articles for code {code}: {first} and {second}; keep one")]
    DuplicateCode {
        code: String,
        first: String,
        second: String,
    },
    #[error("two index pages for integration `{integration}`: {first} and {second}; keep one")]
    DuplicateIndex {
        integration: String,
        first: String,
        second: String,
    },
    #[error(
        "{path} already holds {code}; the import would replace it. Use --force to replace `{integration}`'s integration.yaml and the imported codes (its other files are kept), or import into another --out"
    )]
    Exists {
        path: String,
        code: String,
        integration: String,
    },
    #[error(
        "{path} already holds rules of `{integration}` ({files} files); the import would replace its integration.yaml. Import into another --out, or use --force to replace integration.yaml and the imported codes and keep the folder's other files"
    )]
    FolderHolds {
        path: String,
        integration: String,
        files: usize,
    },
    #[error(
        "codes {codes} do not share a letter prefix; give the integration's code prefix with --prefix"
    )]
    NoPrefix { codes: String },
    #[error(
        "`{value}` cannot be an integration id; use ASCII letters, digits, `_` and `-` (--integration)"
    )]
    BadId { value: String },
    #[error("rendering the imported rules failed: {0}")]
    Render(Box<crate::Error>),
}

/// A source file the import could not map, with where and why.
#[derive(Debug, Clone)]
pub struct NotMapped {
    pub path: String,
    pub unmapped: Unmapped,
}

/// What an import did.
#[derive(Debug, Default)]
pub struct Report {
    pub articles: usize,
    pub index_pages: usize,
    pub integrations: Vec<String>,
    pub shared_procedures: usize,
    pub not_mapped: Vec<NotMapped>,
    pub round_trip: verify::RoundTrip,
    /// Files written (relative to `--out`), empty with `--check`.
    pub written: Vec<String>,
}

impl Report {
    /// 0 when every source was mapped and renders back exactly, else 1.
    pub fn exit_code(&self) -> i32 {
        i32::from(!self.not_mapped.is_empty() || !self.round_trip.differences.is_empty())
    }
}

/// Reads, maps, lifts, verifies and (unless `check_only`) writes.
pub fn import(options: &Options) -> Result<Report, ImportError> {
    let files = markdown_files(&options.paths)?;
    let mut report = Report::default();
    let mut articles: Vec<(String, Article)> = Vec::new();
    let mut indexes: Vec<(String, IndexPage)> = Vec::new();
    // Reading and mapping is per file: on all cores, results in file order.
    let read = crate::util::parallel::map(&files, || (), |_, path| read_one(path, options));
    for outcome in read {
        match outcome? {
            Source::Article(key, a) => articles.push((key, *a)),
            Source::Index(key, i) => indexes.push((key, *i)),
            Source::NotMapped(n) => report.not_mapped.push(n),
        }
    }
    check_duplicates(&articles)?;
    let groups = groups(articles, indexes, options)?;
    report.articles = groups.iter().map(|g| g.articles.len()).sum();
    report.index_pages = groups.iter().filter(|g| g.index.is_some()).count();
    report.integrations = groups.iter().map(|g| g.id.clone()).collect();
    let mut staged: Vec<(String, String)> = Vec::new();
    for group in &groups {
        let (files, shared) = lift::files(group);
        report.shared_procedures += shared;
        staged.extend(
            files
                .into_iter()
                .map(|(name, text)| (format!("{}/{name}", group.id), text)),
        );
    }
    report.round_trip = verify::round_trip(&groups, &staged, &options.templates)
        .map_err(|e| ImportError::Render(Box::new(e)))?;
    // An article whose rules do not load is reported, and its rules not written.
    for (path, code, why) in std::mem::take(&mut report.round_trip.unloadable) {
        report.round_trip.checked -= 1;
        staged.retain(|(rel, _)| !rel.ends_with(&format!("/{code}.yaml")));
        report.articles -= 1;
        report.not_mapped.push(NotMapped {
            path,
            unmapped: Unmapped {
                line: 1,
                what: format!("the rules made from it do not load ({why})"),
            },
        });
    }
    if !options.check_only && !groups.is_empty() {
        refuse_overwrite(&groups, options)?;
        write(&options.out, &groups, &staged)?;
        report.written = staged.iter().map(|(p, _)| p.clone()).collect();
    }
    Ok(report)
}

/// One source file, read and mapped.
enum Source {
    Article(String, Box<Article>),
    Index(String, Box<IndexPage>),
    NotMapped(NotMapped),
}

fn read_one(path: &Path, options: &Options) -> Result<Source, ImportError> {
    let shown = path.display().to_string();
    if path.is_symlink() {
        return Ok(Source::NotMapped(NotMapped {
            path: shown,
            unmapped: Unmapped {
                line: 1,
                what: "a symbolic link, not followed; name the file it points to".into(),
            },
        }));
    }
    let doc = markdown::read(path)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let key = group_key(path, options);
    let mapped = if index_page::looks_like_index(&name, &doc) {
        index_page::map(&shown, &doc).map(|i| Source::Index(key, Box::new(i)))
    } else {
        article::map(&shown, &name, &doc).map(|a| Source::Article(key, Box::new(a)))
    };
    Ok(mapped.unwrap_or_else(|unmapped| {
        Source::NotMapped(NotMapped {
            path: shown,
            unmapped,
        })
    }))
}

/// Every `.md` file under the paths, sorted, each once.
fn markdown_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ImportError> {
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|source| ImportError::Io {
            path: path.display().to_string(),
            source,
        })?;
        if meta.is_dir() {
            walk(path, &mut out, path)?;
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path.clone());
        } else {
            return Err(ImportError::NotMarkdown {
                path: path.display().to_string(),
            });
        }
    }
    out.sort();
    out.dedup();
    if out.is_empty() {
        let paths: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        return Err(ImportError::NothingToImport {
            paths: paths.join(", "),
        });
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, top: &Path) -> Result<(), ImportError> {
    let io = |source| ImportError::Io {
        path: dir.display().to_string(),
        source,
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(io)?
        .collect::<Result<_, _>>()
        .map_err(io)?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name();
        // Hidden folders (.git) are not the help center; links (which may loop)
        // are reported, not followed.
        let kind = entry.file_type().map_err(io)?;
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        if kind.is_symlink() {
            out.push(path);
            continue;
        }
        if kind.is_dir() {
            walk(&path, out, top)?;
        } else if kind.is_file() && path.extension().is_some_and(|e| e == "md") {
            if out.len() >= MAX_FILES {
                return Err(ImportError::TooManyFiles {
                    path: top.display().to_string(),
                    limit: MAX_FILES,
                });
            }
            out.push(path);
        }
    }
    Ok(())
}

/// The folder an article belongs to: the one holding `Troubleshooting/`,
/// as the help site lays integrations out, or else its own folder.
fn group_key(path: &Path, options: &Options) -> String {
    if let Some(id) = &options.integration {
        return id.clone();
    }
    let parts: Vec<String> = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    match parts.iter().rposition(|p| p == "Troubleshooting") {
        Some(i) if i > 0 => parts[i - 1].clone(),
        _ => path
            .parent()
            .and_then(Path::file_name)
            .map_or_else(|| "help".to_string(), |n| n.to_string_lossy().into_owned()),
    }
}

fn check_duplicates(articles: &[(String, Article)]) -> Result<(), ImportError> {
    let mut seen: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
    for (_, a) in articles {
        if let Some(first) = seen.insert(a.code.to_ascii_uppercase(), &a.path) {
            return Err(ImportError::DuplicateCode {
                code: a.code.clone(),
                first: first.to_string(),
                second: a.path.clone(),
            });
        }
    }
    Ok(())
}

/// An id from a folder or product name: `QuickBooks Online` → `quickbooks-online`.
fn id_of(name: &str) -> String {
    let mut id = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            id.push(c.to_ascii_lowercase());
        } else if !id.ends_with('-') && !id.is_empty() {
            id.push('-');
        }
    }
    id.trim_end_matches('-').to_string()
}

fn groups(
    articles: Vec<(String, Article)>,
    indexes: Vec<(String, IndexPage)>,
    options: &Options,
) -> Result<Vec<Group>, ImportError> {
    let mut by_key: std::collections::BTreeMap<String, (Vec<Article>, Vec<IndexPage>)> =
        std::collections::BTreeMap::new();
    for (key, a) in articles {
        by_key.entry(key).or_default().0.push(a);
    }
    for (key, i) in indexes {
        by_key.entry(key).or_default().1.push(i);
    }
    let mut out = Vec::new();
    for (key, (arts, mut pages)) in by_key {
        if let [first, second, ..] = pages.as_slice() {
            return Err(ImportError::DuplicateIndex {
                integration: key,
                first: first.path.clone(),
                second: second.path.clone(),
            });
        }
        let index = pages.pop();
        let id = match &options.integration {
            Some(id) => id.clone(),
            None => id_of(&key),
        };
        let shaped = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !shaped {
            return Err(ImportError::BadId { value: id });
        }
        let name = options
            .name
            .clone()
            .or_else(|| lift::majority(arts.iter().filter_map(|a| a.product.clone())))
            .or_else(|| index.as_ref().and_then(|i| i.product.clone()))
            .unwrap_or_else(|| key.clone());
        let prefix = match &options.prefix {
            Some(p) => p.clone(),
            None => prefix_of(&arts)?,
        };
        let mut arts = arts;
        arts.sort_by(|a, b| a.code.cmp(&b.code));
        out.push(Group {
            id,
            name,
            prefix,
            articles: arts,
            index,
        });
    }
    Ok(out)
}

/// The letters every code starts with: `LG` for LG101 and LG204.
fn prefix_of(arts: &[Article]) -> Result<String, ImportError> {
    let letters = |c: &str| {
        c.chars()
            .take_while(char::is_ascii_alphabetic)
            .collect::<String>()
    };
    let mut prefixes: Vec<String> = arts.iter().map(|a| letters(&a.code)).collect();
    prefixes.sort();
    prefixes.dedup();
    match prefixes.as_slice() {
        [one] => Ok(one.clone()),
        [] => Ok("X".to_string()),
        _ => Err(ImportError::NoPrefix {
            codes: arts
                .iter()
                .map(|a| a.code.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

/// Refuses to touch an integration folder the rule base already has,
/// unless `--force` (which replaces `integration.yaml` and the imported
/// codes, and keeps every other file of the folder).
fn refuse_overwrite(groups: &[Group], options: &Options) -> Result<(), ImportError> {
    if options.force {
        return Ok(());
    }
    for group in groups {
        let dir = options.out.join(&group.id);
        let held = std::fs::read_dir(&dir).map_or(0, |entries| entries.count());
        if held > 0
            && !group
                .articles
                .iter()
                .any(|a| dir.join(format!("{}.yaml", a.code)).exists())
        {
            return Err(ImportError::FolderHolds {
                path: dir.display().to_string(),
                integration: group.id.clone(),
                files: held,
            });
        }
        for a in &group.articles {
            let file = dir.join(format!("{}.yaml", a.code));
            if file.exists() {
                return Err(ImportError::Exists {
                    path: file.display().to_string(),
                    code: a.code.clone(),
                    integration: group.id.clone(),
                });
            }
        }
    }
    Ok(())
}

/// Writes each integration folder beside the rule base first, then swaps it
/// in: an import that fails leaves the rule base as it was.
fn write(out: &Path, groups: &[Group], staged: &[(String, String)]) -> Result<(), ImportError> {
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |source| ImportError::Io { path, source }
    };
    std::fs::create_dir_all(out).map_err(io(out))?;
    let pid = std::process::id();
    let staging = out.join(format!(".triage-import-{pid}"));
    let result = (|| {
        // A forced import keeps what the folder holds besides what it writes.
        for group in groups {
            let from = out.join(&group.id);
            let to = staging.join(&group.id);
            std::fs::create_dir_all(&to).map_err(io(&to))?;
            for entry in std::fs::read_dir(&from).into_iter().flatten().flatten() {
                if entry.file_type().is_ok_and(|t| t.is_file()) {
                    let dest = to.join(entry.file_name());
                    std::fs::copy(entry.path(), &dest).map_err(io(&dest))?;
                }
            }
        }
        for (rel, text) in staged {
            let path = staging.join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(io(parent))?;
            }
            std::fs::write(&path, text).map_err(io(&path))?;
        }
        for group in groups {
            let target = out.join(&group.id);
            let old = out.join(format!(".triage-import-{pid}-old-{}", group.id));
            let had = target.exists();
            if had {
                std::fs::rename(&target, &old).map_err(io(&target))?;
            }
            if let Err(e) = std::fs::rename(staging.join(&group.id), &target) {
                if had {
                    let _ = std::fs::rename(&old, &target);
                }
                return Err(io(&target)(e));
            }
            if had {
                std::fs::remove_dir_all(&old).map_err(io(&old))?;
            }
        }
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&staging);
    result
}

/// The report as a person reads it.
pub fn summary(report: &Report, options: &Options) -> String {
    let mut s = String::new();
    for n in &report.not_mapped {
        s.push_str(&format!(
            "{}:{}: cannot map: {}\n",
            n.path, n.unmapped.line, n.unmapped.what
        ));
    }
    for d in &report.round_trip.differences {
        s.push_str(&format!(
            "{}:{}: does not round-trip\n    article: {}\n    rules:   {}\n",
            d.path, d.line, d.expected, d.found
        ));
    }
    let verb = if options.check_only {
        "checked"
    } else {
        "imported"
    };
    s.push_str(&format!(
        "{verb} {} articles and {} index pages ({}): {} procedures shared\n",
        report.articles,
        report.index_pages,
        report.integrations.join(", "),
        report.shared_procedures,
    ));
    s.push_str(&format!(
        "round trip: {} of {} render back exactly",
        report.round_trip.exact, report.round_trip.checked
    ));
    if !report.not_mapped.is_empty() {
        s.push_str(&format!(
            "; {} could not be mapped",
            report.not_mapped.len()
        ));
    }
    s.push('\n');
    if !report.written.is_empty() {
        s.push_str(&format!(
            "wrote {} files under {}\nnext: triage --rules {} check\n",
            report.written.len(),
            options.out.display(),
            options.out.display()
        ));
    }
    s
}
