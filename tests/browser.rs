//! The HTML preview in headless Chromium, from `file://` as a writer opens it:
//! the article's headings and numbered steps, search, no console errors, and a
//! screenshot under `target/browser/` for people to look at.
//!
//! Skipped (saying so) when Chromium is absent; under CI (`CI` set) it must run.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::site::{build_shipped, command_output_with_timeout, screenshot_dir};

const ARTICLE: &str = "netsuite/Troubleshooting/Sync-Errors/NS0109-Sync-Error";

fn find_chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|name| {
            Command::new(name)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .map(PathBuf::from)
}

/// Headless Chromium with nothing that reaches the network, logging the
/// pages' console messages to stderr.
struct Browser {
    program: PathBuf,
    profile: tempfile::TempDir,
}

impl Browser {
    fn run(&self, args: &[&str], url: &str) -> (String, String) {
        let mut cmd = Command::new(&self.program);
        cmd.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", self.profile.path().display()))
        .args(args)
        .arg(url);
        let out = command_output_with_timeout(cmd, Duration::from_secs(120));
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "chromium failed:\n{stderr}");
        (String::from_utf8_lossy(&out.stdout).into_owned(), stderr)
    }

    /// The DOM after the page's scripts ran; fails on any console message.
    fn dom(&self, url: &str) -> String {
        let (dom, log) = self.run(&["--dump-dom"], url);
        assert_no_console_messages(&log, url);
        dom
    }

    fn screenshot(&self, url: &str, path: &Path) {
        let shot = format!("--screenshot={}", path.display());
        let (_, log) = self.run(&[&shot, "--window-size=1200,1600"], url);
        assert_no_console_messages(&log, url);
        let png = std::fs::read(path).unwrap();
        assert!(png.starts_with(b"\x89PNG"), "{} is a PNG", path.display());
    }
}

/// Our pages log nothing: any console line (an uncaught error included) is a bug.
fn assert_no_console_messages(log: &str, url: &str) {
    let messages: Vec<&str> = log
        .lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
        .collect();
    assert!(
        messages.is_empty(),
        "{url} logged to the console:\n{}",
        messages.join("\n")
    );
}

fn file_url(path: &Path) -> String {
    format!("file://{}", path.display())
}

#[test]
fn the_preview_reads_well_and_searches_in_chromium() {
    let Some(program) = find_chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the browser test: install Chromium (apt-get install -y chromium)"
        );
        eprintln!(
            "SKIPPED the_preview_reads_well_and_searches_in_chromium: Chromium not found \
             (apt-get install -y chromium to run it)"
        );
        return;
    };
    let browser = Browser {
        program,
        profile: tempfile::tempdir().unwrap(),
    };
    let dir = build_shipped();
    let site = dir.path().join("site");
    let html = site.join("html");
    let markdown = std::fs::read_to_string(site.join(format!("{ARTICLE}.md"))).unwrap();

    let article_url = file_url(&html.join(format!("{ARTICLE}.html")));
    let dom = browser.dom(&article_url);
    assert!(dom.contains("<title>NS0109 Sync Error in NetSuite Integration</title>"));
    for line in markdown.lines() {
        let level = line.bytes().take_while(|&b| b == b'#').count();
        if (1..=3).contains(&level) && line.as_bytes().get(level) == Some(&b' ') {
            let heading = format!("<h{level}>{}</h{level}>", &line[level + 1..]);
            assert!(dom.contains(&heading), "{heading} is on the page");
        }
    }
    let numbered = markdown
        .lines()
        .filter(|l| {
            l.split_once(". ")
                .is_some_and(|(n, _)| n.parse::<u32>().is_ok())
        })
        .count();
    assert!(numbered > 0);
    assert_eq!(
        ordered_list_items(&dom),
        numbered,
        "every numbered step is a numbered list item"
    );
    assert!(dom.contains("<li>Log in to NetSuite as an administrator.</li>"));

    let home = file_url(&html.join("index.html"));
    let dom = browser.dom(&home);
    assert!(dom.contains("NS0109"), "the home page lists NS0109");
    let dom = browser.dom(&format!("{home}?q=login"));
    let results = dom
        .split_once(r#"<ul id="results">"#)
        .and_then(|(_, rest)| rest.split_once("</ul>"))
        .map(|(r, _)| r)
        .expect("search results are shown");
    assert!(results.contains("NS0109"), "searching login finds NS0109");
    let dom = browser.dom(&format!("{home}?q=no-such-error-anywhere"));
    assert!(dom.contains("0 codes match."));

    let shots = screenshot_dir();
    browser.screenshot(&article_url, &shots.join("ns0109.png"));
    browser.screenshot(&format!("{home}?q=login"), &shots.join("search-login.png"));
    eprintln!("screenshots in {}", shots.display());
}

#[test]
fn the_live_preview_says_what_it_watches_and_polls_without_errors() {
    let Some(program) = find_chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the browser test: install Chromium (apt-get install -y chromium)"
        );
        eprintln!("SKIPPED the_live_preview_says_what_it_watches: Chromium not found");
        return;
    };
    let browser = Browser {
        program,
        profile: tempfile::tempdir().unwrap(),
    };
    let dir = crate::support::rules_copy();
    let (_server, port) = crate::serve::start(dir.path());
    let url = format!("http://127.0.0.1:{port}/{ARTICLE}.html");
    crate::serve::wait_for(port, &format!("/{ARTICLE}.html"), "the article", |s, _| {
        s == 200
    });
    // Virtual time lets the script poll the build id a few times before the DOM is dumped.
    let (dom, log) = browser.run(&["--dump-dom", "--virtual-time-budget=3000"], &url);
    assert_no_console_messages(&log, &url);
    assert!(
        dom.contains("Live preview of rules: this page reloads after each edit."),
        "{dom}"
    );
    assert!(dom.contains("<h1>NS0109 Sync Error in NetSuite Integration</h1>"));
}

/// `<li>` items inside `<ol>` lists (the articles do not nest ordered lists).
fn ordered_list_items(dom: &str) -> usize {
    dom.split("<ol>")
        .skip(1)
        .map(|rest| {
            let list = rest.split("</ol>").next().unwrap_or("");
            list.matches("<li>").count() - count_nested_bullets(list)
        })
        .sum()
}

/// Bullets nested under a numbered step are `<li>`s of a `<ul>` inside the `<ol>`.
fn count_nested_bullets(list: &str) -> usize {
    list.split("<ul>")
        .skip(1)
        .map(|rest| {
            rest.split("</ul>")
                .next()
                .unwrap_or("")
                .matches("<li>")
                .count()
        })
        .sum()
}
