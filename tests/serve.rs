//! `triage serve` over loopback: the preview is served, a broken rule shows its
//! diagnostics on the page, and the fixed rule brings the article back.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::support::{rules_copy, triage};

const ARTICLE: &str = "/netsuite/Troubleshooting/Sync-Errors/NS0109-Sync-Error.html";

/// Kills the server when the test ends, passed or not.
pub(crate) struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

/// Starts `triage serve` on a free port; returns it with the port.
pub(crate) fn start(dir: &std::path::Path) -> (Server, u16) {
    let mut child = triage()
        .args(["--rules", "rules", "serve", "--port", "0", "--out", "site"])
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let server = Server(child);
    let mut port = None;
    let mut line = String::new();
    while port.is_none() {
        line.clear();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "serve ended before listening"
        );
        port = line
            .split_once("http://127.0.0.1:")
            .and_then(|(_, rest)| rest.split('/').next())
            .and_then(|p| p.parse().ok());
    }
    // Keep reading so the server never blocks on a full pipe.
    std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
    (server, port.unwrap())
}

fn get(port: u16, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_string();
    (status, body)
}

/// Polls until the page satisfies `ok` (the server rebuilds within a second).
pub(crate) fn wait_for(
    port: u16,
    path: &str,
    what: &str,
    ok: impl Fn(u16, &str) -> bool,
) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (status, body) = get(port, path);
        if ok(status, &body) {
            return body;
        }
        assert!(
            Instant::now() < deadline,
            "{path} never showed {what}; last ({status}):\n{body}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn serve_rebuilds_on_edit_and_shows_diagnostics_for_bad_rules() {
    let dir = rules_copy();
    let (_server, port) = start(dir.path());
    let article = |status: u16, body: &str| {
        status == 200 && body.contains("<h1>NS0109 Sync Error in NetSuite Integration</h1>")
    };
    wait_for(port, ARTICLE, "the article", article);
    let (status, home) = get(port, "/");
    assert_eq!(status, 200);
    assert!(home.contains("NS0109"));
    assert_eq!(get(port, "/site.css").0, 200);
    assert_eq!(get(port, "/../Cargo.toml").0, 400);
    assert_eq!(get(port, "/nothing.html").0, 404);

    let rule = dir.path().join("rules/netsuite/NS0109.yaml");
    let good = std::fs::read_to_string(&rule).unwrap();
    let bad = good.replace(
        "when: admin_password_changed",
        "when: admin_pasword_changed",
    );
    assert_ne!(good, bad);
    std::fs::write(&rule, &bad).unwrap();
    let page = wait_for(port, ARTICLE, "the diagnostics", |status, body| {
        status == 500 && body.contains("R201")
    });
    assert!(page.contains("NS0109.yaml:"), "names the file:\n{page}");
    assert!(page.contains("admin_pasword_changed"), "{page}");

    std::fs::write(&rule, &good).unwrap();
    wait_for(port, ARTICLE, "the article again", article);
}

#[test]
fn the_open_page_reloads_itself_after_each_rebuild() {
    let dir = rules_copy();
    let (_server, port) = start(dir.path());
    let page = wait_for(port, ARTICLE, "the article", |status, _| status == 200);
    // Served pages carry the reload script with the build they were made by.
    assert!(
        page.contains(
            r#"<script src="/_triage/reload.js" data-build="1" data-watching="rules"></script>"#
        ),
        "{page}"
    );
    assert_eq!(get(port, "/_triage/build"), (200, "1".to_string()));
    let (status, script) = get(port, "/_triage/reload.js");
    assert_eq!(status, 200);
    assert!(script.contains("location.reload()") && script.contains("/_triage/build"));
    // The built files themselves never carry it.
    let built = std::fs::read_to_string(dir.path().join("site/html").join(&ARTICLE[1..])).unwrap();
    assert!(!built.contains("_triage"), "{built}");

    let rule = dir.path().join("rules/netsuite/NS0109.yaml");
    let text = std::fs::read_to_string(&rule).unwrap();
    std::fs::write(&rule, format!("{text}\n# edited\n")).unwrap();
    wait_for(port, "/_triage/build", "build 2", |_, body| body == "2");
    let page = wait_for(port, ARTICLE, "the page of build 2", |status, body| {
        status == 200 && body.contains(r#"data-build="2""#)
    });
    assert!(page.contains("</script>\n</body>"), "{page}");
}

/// The status of a GET, or `None` when the connection was refused or reset.
fn try_get(port: u16, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    response.split_whitespace().nth(1)?.parse().ok()
}

/// Threads of a running process, from /proc (Linux).
fn threads(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/task"))
        .map(|d| d.count())
        .unwrap_or(0)
}

/// 200 idle connections sending a byte now and then hold neither 200
/// threads nor the server: connections are capped and each has a deadline.
#[cfg(target_os = "linux")]
#[test]
fn idle_connections_are_capped_and_cut_at_their_deadline() {
    let dir = rules_copy();
    let (server, port) = start(dir.path());
    wait_for(port, "/", "the home page", |status, _| status == 200);
    let pid = server.0.id();
    let mut idle: Vec<TcpStream> = (0..200)
        .filter_map(|_| TcpStream::connect(("127.0.0.1", port)).ok())
        .collect();
    for s in &mut idle {
        let _ = s.write_all(b"G");
    }
    std::thread::sleep(Duration::from_millis(500));
    let held = threads(pid);
    assert!(held <= 32 + 8, "{held} threads for 200 idle connections");
    // Past the deadline every idle connection is closed and pages are served again.
    let start = Instant::now();
    loop {
        if try_get(port, "/") == Some(200) {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "never served again"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // Each idle connection was answered or closed: a read does not wait.
    for s in &mut idle {
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut buf = [0u8; 1024];
        let read_start = Instant::now();
        while let Ok(n) = s.read(&mut buf) {
            if n == 0 {
                break;
            }
        }
        assert!(read_start.elapsed() < Duration::from_secs(5));
    }
}

/// The diagnostics page is HTML wherever it is shown, even at a path with no extension.
#[test]
fn the_diagnostics_page_is_html() {
    let dir = rules_copy();
    let rule = dir.path().join("rules/netsuite/NS0109.yaml");
    let bad = std::fs::read_to_string(&rule).unwrap().replace(
        "when: admin_password_changed",
        "when: admin_pasword_changed",
    );
    std::fs::write(&rule, bad).unwrap();
    let (_server, port) = start(dir.path());
    for path in ["/", "/netsuite/", "/netsuite"] {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(stream, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        assert!(response.starts_with("HTTP/1.1 500"), "{path}: {response}");
        assert!(
            response.contains("\r\nContent-Type: text/html; charset=utf-8\r\n"),
            "{path}: {response}"
        );
    }
}

/// Building into a watched folder would rebuild for ever: refused at once.
#[test]
fn an_out_folder_inside_a_watched_folder_is_refused() {
    let dir = rules_copy();
    for out in ["rules/site", "rules", "./rules/netsuite/x"] {
        let mut child = triage()
            .args(["--rules", "rules", "serve", "--port", "0", "--out", out])
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Refused means at once: a server that starts is killed and fails the test.
        let deadline = Instant::now() + Duration::from_secs(20);
        while child.try_wait().unwrap().is_none() {
            if Instant::now() > deadline {
                child.kill().ok();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let run = child.wait_with_output().unwrap();
        assert_eq!(run.status.code(), Some(2), "{out}");
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(stderr.contains("watches"), "{out}: {stderr}");
    }
    assert!(!dir.path().join("rules/site").exists());
}

/// Stopped with SIGTERM (as Ctrl-C stops it), serve removes the temporary folder it built into.
#[cfg(unix)]
#[test]
fn serve_removes_its_temporary_folder_on_exit() {
    let dir = rules_copy();
    let tmp = tempfile::tempdir().unwrap();
    let mut child = triage()
        .args(["--rules", "rules", "serve", "--port", "0"])
        .current_dir(dir.path())
        .env("TMPDIR", tmp.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut port = None;
    let mut line = String::new();
    while port.is_none() {
        line.clear();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "serve ended");
        port = line
            .split_once("http://127.0.0.1:")
            .and_then(|(_, rest)| rest.split('/').next())
            .and_then(|p| p.parse::<u16>().ok());
    }
    let built = tmp.path().join(format!("triage-serve-{}", port.unwrap()));
    assert!(built.is_dir(), "{}", built.display());
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        if Instant::now() > deadline {
            child.kill().ok();
            panic!("serve did not stop on SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(exit.code(), Some(0));
    assert!(!built.exists(), "{} is left behind", built.display());
}
