//! `triage serve`: the HTML preview on 127.0.0.1, rebuilt when a rule or
//! template file changes; the open page reloads itself after each rebuild
//! (it polls a build id, [`BUILD_ID`]). While a build fails, pages show its
//! diagnostics instead; the server keeps running.
//!
//! A small HTTP/1.1 server on `std::net` (GET and HEAD of files, one request per
//! connection) and a watcher comparing modification times, woken by the
//! kernel's change notices where there are any ([`notices`]), else polling.

mod notices;
mod stop;

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use crate::Error;
use crate::cli::ServeArgs;
use crate::cli::{Context, RunError};
use crate::render::{Renderer, TemplateSource};
use crate::rules::RuleSource;
use crate::site::{Options, html, output};

/// How often the rule and template folders are checked for changes
/// without change notices.
const POLL: Duration = Duration::from_millis(500);
/// With notices: how often they are read (reading costs nothing when empty).
const NOTICE_POLL: Duration = Duration::from_millis(10);
/// After a notice, how long to let an editor finish saving (a write, a
/// rename) before the folders are compared.
const SETTLE: Duration = Duration::from_millis(15);
/// With notices, the folders are still compared this often, in case one was
/// missed (a folder replaced under the watch, say).
const SAFETY_WALK: Duration = Duration::from_secs(3);
/// Requests are a line and a few headers; anything longer is cut off.
const MAX_REQUEST_HEAD: usize = 16 * 1024;
/// Connections served at once; more are answered 503 and closed.
pub const MAX_CONNECTIONS: usize = 32;
/// A connection's whole life, request and answer: a slow peer cannot hold a thread longer.
pub const CONNECTION_DEADLINE: Duration = Duration::from_secs(5);
/// The current build's number, as text: the open page polls it and reloads when it changes.
pub const BUILD_ID: &str = "/_triage/build";
/// The script, added to every page `serve` answers (never to the built files), that polls it.
pub const RELOAD_SCRIPT: &str = "/_triage/reload.js";
const RELOAD_JS: &str = include_str!("serve/reload.js");
/// How often the accept loop looks for a stop request.
const ACCEPT_POLL: Duration = Duration::from_millis(20);

pub fn run(ctx: &Context, args: &ServeArgs) -> Result<i32, RunError> {
    let ctx = with_local_folders(ctx);
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, args.port)).map_err(|source| {
        Error::CannotListen {
            port: args.port,
            source,
        }
    })?;
    let port = listener
        .local_addr()
        .map_err(|e| io_error("127.0.0.1", e))?
        .port();
    let temporary = args.out.is_none();
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join(format!("triage-serve-{port}")));
    let watched = watched_folders(&ctx);
    refuse_out_inside(&out, &watched)?;
    output::check_target(&out)?;
    stop::install();
    listener
        .set_nonblocking(true)
        .map_err(|e| io_error("127.0.0.1", e))?;
    let server = Server {
        watched,
        ctx,
        root: out.join(html::DIR),
        out,
        failure: Mutex::new(None),
        error_renderer: Renderer::new(&TemplateSource::Embedded)?,
        build: AtomicU64::new(0),
    };
    server.rebuild();
    eprintln!("serving the preview at http://127.0.0.1:{port}/ (Ctrl-C stops)");
    match server.watched.as_slice() {
        [] => eprintln!("using the embedded rules and templates: nothing to watch"),
        folders => eprintln!(
            "rebuilding when a file under {} changes",
            folders
                .iter()
                .map(|f| f.display().to_string())
                .collect::<Vec<_>>()
                .join(" or ")
        ),
    }
    accept_until_stopped(&server, &listener);
    if temporary {
        let _ = std::fs::remove_dir_all(&server.out);
    }
    eprintln!("stopped");
    Ok(0)
}

/// Serves connections, each on its own thread and at most [`MAX_CONNECTIONS`]
/// at once, and watches for edits, until Ctrl-C or SIGTERM.
fn accept_until_stopped(server: &Server, listener: &TcpListener) {
    let active = &AtomicUsize::new(0);
    std::thread::scope(|scope| {
        scope.spawn(|| server.watch());
        while !stop::requested() {
            match listener.accept() {
                Ok((stream, _)) => {
                    if active.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
                        busy(stream);
                        continue;
                    }
                    let slot = Slot::take(active);
                    scope.spawn(move || {
                        server.respond(stream);
                        drop(slot);
                    });
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    std::thread::sleep(ACCEPT_POLL);
                }
                // Out of file descriptors, say: wait rather than spin.
                Err(_) => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    });
}

/// One of the [`MAX_CONNECTIONS`] slots, given back when dropped.
struct Slot<'a>(&'a AtomicUsize);

impl<'a> Slot<'a> {
    fn take(active: &'a AtomicUsize) -> Self {
        active.fetch_add(1, Ordering::SeqCst);
        Slot(active)
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// All slots are taken: a short 503, without reading the request.
fn busy(mut stream: TcpStream) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_write_timeout(Some(Duration::from_millis(200)));
    let _ = stream.write_all(&Response::text(503, "busy; try again").into_bytes(false));
}

/// Building into a watched folder would change it, which starts a build, for ever.
fn refuse_out_inside(out: &Path, watched: &[PathBuf]) -> Result<(), Error> {
    let absolute = |p: &Path| -> PathBuf {
        // `out` may not exist yet: resolve the nearest folder that does.
        let mut existing = p.to_path_buf();
        let mut rest = Vec::new();
        while !existing.exists() {
            match (existing.parent(), existing.file_name()) {
                (Some(parent), Some(name)) => {
                    rest.push(name.to_owned());
                    existing = if parent.as_os_str().is_empty() {
                        PathBuf::from(".")
                    } else {
                        parent.to_path_buf()
                    };
                }
                _ => break,
            }
        }
        let mut full = std::fs::canonicalize(&existing).unwrap_or(existing);
        full.extend(rest.iter().rev());
        full
    };
    let out_full = absolute(out);
    for folder in watched {
        if out_full.starts_with(absolute(folder)) {
            return Err(Error::OutInsideWatched {
                out: out.to_path_buf(),
                folder: folder.to_path_buf(),
            });
        }
    }
    Ok(())
}

/// Without `--rules`/`--templates`, a writer in a checkout means `./rules` and `./templates`.
fn with_local_folders(ctx: &Context) -> Context {
    let local = |name: &str| Path::new(name).is_dir().then(|| PathBuf::from(name));
    Context::of(
        match &ctx.rules {
            RuleSource::Embedded => local("rules").map_or(RuleSource::Embedded, RuleSource::Dir),
            other => other.clone(),
        },
        match &ctx.templates {
            TemplateSource::Embedded => {
                local("templates").map_or(TemplateSource::Embedded, TemplateSource::Dir)
            }
            other => other.clone(),
        },
    )
}

fn watched_folders(ctx: &Context) -> Vec<PathBuf> {
    let mut folders = Vec::new();
    if let RuleSource::Dir(dir) = &ctx.rules {
        folders.push(dir.clone());
    }
    if let TemplateSource::Dir(dir) = &ctx.templates {
        folders.push(dir.clone());
    }
    folders
}

struct Server {
    ctx: Context,
    watched: Vec<PathBuf>,
    out: PathBuf,
    /// The preview's root: `<out>/html`.
    root: PathBuf,
    /// The last build's error, shown in place of pages until a build succeeds.
    failure: Mutex<Option<String>>,
    /// The diagnostics page must render even when the templates being edited are broken.
    error_renderer: Renderer,
    /// How many builds have finished, good or bad; pages reload when it moves.
    build: AtomicU64,
}

impl Server {
    fn rebuild(&self) {
        let options = Options {
            markdown: true,
            html: true,
            progress: false,
        };
        let result = super::build::build_from(&self.ctx, &self.out, options);
        let mut failure = self.failure.lock().unwrap_or_else(|e| e.into_inner());
        match result {
            // Nothing changed (a notice about a file no build reads, say):
            // nothing to say, and no page to reload.
            Ok(summary) if summary.rendered == 0 && summary.in_place && failure.is_none() => {
                return;
            }
            Ok(summary) => {
                eprintln!("built {}: {summary}", self.out.display());
                *failure = None;
            }
            Err(e) => {
                let shown = crate::cli::exit::describe(&e, crate::diag::render::stderr_color());
                eprintln!("error: {shown}");
                *failure = Some(strip_ansi(&shown));
            }
        }
        // After the pages and the failure are in place, so a reload sees them.
        self.build.fetch_add(1, Ordering::SeqCst);
    }

    /// What the page says it watches, for the line the reload script shows.
    fn watching(&self) -> String {
        match self.watched.as_slice() {
            [] => "the embedded rules".to_string(),
            folders => folders
                .iter()
                .map(|f| f.display().to_string())
                .collect::<Vec<_>>()
                .join(" and "),
        }
    }

    /// A page with the reload script added before `</body>`.
    fn live(&self, page: Vec<u8>) -> Vec<u8> {
        let tag = format!(
            "<script src=\"{RELOAD_SCRIPT}\" data-build=\"{}\" data-watching=\"{}\"></script>\n",
            self.build.load(Ordering::SeqCst),
            html_attribute(&self.watching())
        );
        let mut page = page;
        match page
            .windows(7)
            .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        {
            Some(at) => {
                page.splice(at..at, tag.into_bytes());
            }
            None => page.extend_from_slice(tag.as_bytes()),
        }
        page
    }

    fn watch(&self) {
        let notices = notices::Notices::new(&self.watched);
        let mut seen = fingerprint(&self.watched);
        let mut walked = Instant::now();
        while !stop::requested() {
            match &notices {
                Some(notices) => {
                    std::thread::sleep(NOTICE_POLL);
                    if notices.happened() {
                        std::thread::sleep(SETTLE);
                        notices.happened();
                        // The build finds what changed itself (an update in
                        // place stamps the rule files): the folders are
                        // looked at again only after, not before, the page.
                        self.rebuild();
                        seen = fingerprint(&self.watched);
                        walked = Instant::now();
                        continue;
                    } else if walked.elapsed() < SAFETY_WALK {
                        continue;
                    }
                }
                None => std::thread::sleep(POLL),
            }
            walked = Instant::now();
            let now = fingerprint(&self.watched);
            if now != seen {
                seen = now;
                self.rebuild();
            }
        }
    }

    fn respond(&self, mut stream: TcpStream) {
        let deadline = Instant::now() + CONNECTION_DEADLINE;
        let _ = stream.set_nonblocking(false);
        let _ = stream.set_write_timeout(Some(CONNECTION_DEADLINE));
        let head = read_head(&mut stream, deadline);
        let mut words = head.split_whitespace();
        let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or("/"));
        let response = match method {
            "GET" | "HEAD" => self.get(target),
            _ => Response::text(405, "only GET and HEAD are served"),
        };
        let _ = stream.write_all(&response.into_bytes(method == "HEAD"));
    }

    fn get(&self, target: &str) -> Response {
        let path = target.split(['?', '#']).next().unwrap_or("");
        if path == BUILD_ID {
            let id = self.build.load(Ordering::SeqCst).to_string();
            return Response::text(200, &id);
        }
        if path == RELOAD_SCRIPT {
            return Response::new(200, content_type(Path::new("x.js")), RELOAD_JS.into());
        }
        let Some(file) = resolve(&self.root, target) else {
            return Response::text(400, "bad path");
        };
        // A folder (even one not built yet) or an .html file: a page.
        let is_page = file.extension().is_none_or(|e| e == "html");
        let failure = self
            .failure
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if let (true, Some(diagnostics)) = (is_page, failure) {
            return match html::error_page(&self.error_renderer, &diagnostics) {
                Ok(page) => Response::new(500, HTML, self.live(page.into_bytes())),
                Err(_) => Response::text(500, &diagnostics),
            };
        }
        match std::fs::read(&file) {
            Ok(body) if is_page => Response::new(200, HTML, self.live(body)),
            Ok(body) => Response::new(200, content_type(&file), body),
            // Before a first good build the diagnostics page still gets its style.
            Err(_) if file.ends_with(html::CSS) => match self.error_renderer.source(html::CSS) {
                Ok(css) => Response::new(200, content_type(&file), css.into_bytes()),
                Err(_) => Response::text(404, &format!("not found: {target}")),
            },
            Err(_) => Response::text(404, &format!("not found: {target}")),
        }
    }
}

/// Text for a double-quoted HTML attribute.
fn html_attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The diagnostics without terminal colours (they are coloured when stderr is a terminal).
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            // CSI: ESC [ parameters… final letter.
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Each watched file's path, size and modification time, in a stable order.
fn fingerprint(folders: &[PathBuf]) -> Vec<(PathBuf, u64, Option<SystemTime>)> {
    fn walk(dir: &Path, out: &mut Vec<(PathBuf, u64, Option<SystemTime>)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                walk(&path, out);
            } else {
                out.push((path, meta.len(), meta.modified().ok()));
            }
        }
    }
    let mut files = Vec::new();
    for folder in folders {
        walk(folder, &mut files);
    }
    files.sort();
    files
}

/// The request line and headers (the body, if any, is not needed), read
/// until `deadline` at the latest, however slowly the peer sends.
fn read_head(stream: &mut TcpStream, deadline: Instant) -> String {
    let mut head = Vec::new();
    let mut buf = [0u8; 2048];
    while head.len() < MAX_REQUEST_HEAD && !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            break;
        }
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    String::from_utf8_lossy(&head).into_owned()
}

/// The file a request target names under `root`; `None` for paths leaving it.
fn resolve(root: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode(path)?;
    let mut file = root.to_path_buf();
    for part in decoded.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            p if p.contains('\\') || p.contains('\0') => return None,
            p => file.push(p),
        }
    }
    if file.is_dir() {
        file.push("index.html");
    }
    Some(file)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

const HTML: &str = "text/html; charset=utf-8";

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => HTML,
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "md" => "text/markdown; charset=utf-8",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

struct Response {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
}

impl Response {
    fn new(status: u16, content_type: &'static str, body: Vec<u8>) -> Self {
        Response {
            status,
            content_type,
            body,
        }
    }

    fn text(status: u16, text: &str) -> Self {
        Response::new(
            status,
            "text/plain; charset=utf-8",
            text.as_bytes().to_vec(),
        )
    }

    fn into_bytes(self, head_only: bool) -> Vec<u8> {
        let reason = match self.status {
            200 => "OK",
            400 => "Bad Request",
            404 => "Not Found",
            405 => "Method Not Allowed",
            503 => "Service Unavailable",
            _ => "Internal Server Error",
        };
        // no-store: a reload after an edit must show the rebuilt page.
        let mut bytes = format!(
            "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
            self.status,
            self.content_type,
            self.body.len()
        )
        .into_bytes();
        if !head_only {
            bytes.extend_from_slice(&self.body);
        }
        bytes
    }
}

fn io_error(path: &str, source: std::io::Error) -> Error {
    Error::Io {
        path: path.to_string(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_stripped() {
        assert_eq!(strip_ansi("\x1b[1;31merror\x1b[0m: x"), "error: x");
    }

    #[test]
    fn paths_stay_inside_the_root() {
        let root = Path::new("/srv/html");
        assert_eq!(
            resolve(root, "/netsuite/A%20B.html?q=1"),
            Some(PathBuf::from("/srv/html/netsuite/A B.html"))
        );
        assert_eq!(resolve(root, "/../secret"), None);
        assert_eq!(resolve(root, "/a/%2e%2e/%2e%2e/secret"), None);
        assert_eq!(resolve(root, "/%zz"), None);
    }
}
