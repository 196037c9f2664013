//! `triage serve` over loopback: the preview is served, a broken rule shows its
//! diagnostics on the page, and the fixed rule brings the article back.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::support::{rules_copy, triage};

const ARTICLE: &str = "/netsuite/Troubleshooting/Sync-Errors/NS0109-Sync-Error.html";

/// Kills the server when the test ends, passed or not.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

/// Starts `triage serve` on a free port; returns it with the port.
fn start(dir: &std::path::Path) -> (Server, u16) {
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
fn wait_for(port: u16, path: &str, what: &str, ok: impl Fn(u16, &str) -> bool) -> String {
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
