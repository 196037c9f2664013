//! The HTML preview in headless Chromium, from `file://` as a writer opens it:
//! the article's headings and numbered steps, search, no console errors, and a
//! screenshot under `target/browser/` for people to look at; the
//! troubleshooter panel (templates/troubleshoot.js) agreeing with the Rust
//! engine on every shipped code.
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
        // The ticket draft's times are the reader's local time: UTC here, as the CLI's.
        cmd.env("TZ", "UTC");
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
        self.screenshot_sized(url, path, "1200,1600");
    }

    fn screenshot_sized(&self, url: &str, path: &Path, size: &str) {
        let shot = format!("--screenshot={}", path.display());
        let size = format!("--window-size={size}");
        let (_, log) = self.run(&[&shot, &size], url);
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
            // Procedure headings carry the anchor the troubleshooter's plan links to.
            let heading = format!(
                r#"<h{level}( id="[a-z0-9_-]+")?>{}</h{level}>"#,
                regex::escape(&line[level + 1..])
            );
            let found = regex::Regex::new(&heading).unwrap().is_match(&dom);
            assert!(found, "{heading} is on the page");
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
    let search = |query: &str| {
        let dom = browser.dom(&format!("{home}?q={}", query.replace(' ', "%20")));
        let results = dom
            .split_once(r#"<ul id="results">"#)
            .and_then(|(_, rest)| rest.split_once("</ul>"))
            .map(|(r, _)| r.to_string())
            .expect("search results are shown");
        (dom, results)
    };
    let (_, results) = search("login");
    let found = result_codes(&results);
    // NS0109's title says "login"; the others that match say it only below.
    assert_eq!(
        found.first().map(String::as_str),
        Some("NS0109"),
        "{found:?}"
    );
    // A symptom, in other words than the article's: a cause of NS0109 is
    // "The NetSuite admin password was changed."
    let (_, results) = search("password changed");
    assert_eq!(result_codes(&results), ["NS0109"], "{results}");
    assert!(
        results.contains("<mark>password</mark> was <mark>changed</mark>"),
        "the snippet shows where it matched: {results}"
    );
    let (_, results) = search("revoked token");
    assert_eq!(result_codes(&results), ["NS0109"], "{results}");
    assert!(results.contains("The access <mark>token</mark> was <mark>revoked</mark> or expired."));
    // Causes that mention permissions; a prefix finds them too.
    let (_, results) = search("permission");
    let permission = result_codes(&results);
    for code in ["NS0029", "NS0109", "NS0739"] {
        assert!(permission.contains(&code.to_string()), "{code}: {results}");
    }
    assert_eq!(result_codes(&search("perm").1), permission);
    let (_, results) = search("ns0109");
    assert_eq!(result_codes(&results), ["NS0109"]);
    let (dom, _) = search("no-such-error-anywhere");
    assert!(dom.contains("0 codes match."));
    assert_stems_agree(&browser, &html);

    let shots = screenshot_dir();
    browser.screenshot(&article_url, &shots.join("ns0109.png"));
    browser.screenshot(&format!("{home}?q=login"), &shots.join("search-login.png"));
    eprintln!("screenshots in {}", shots.display());
}

/// The codes of the search results, in their order.
fn result_codes(results: &str) -> Vec<String> {
    let re = regex::Regex::new(r#"<li><a href="[^"]*">([A-Z]+[0-9]+) "#).unwrap();
    re.captures_iter(results)
        .map(|c| c[1].to_string())
        .collect()
}

/// search.js stems a query as src/site/html.rs stemmed the index: every word
/// of the shipped articles, and a few more, the same in both.
fn assert_stems_agree(browser: &Browser, html: &Path) {
    let mut words: Vec<String> = ["changed", "retries", "passes", "logging", "größe", "boxes"]
        .map(String::from)
        .to_vec();
    for entry in walk(html) {
        if entry.extension().is_some_and(|e| e == "html") {
            let text = std::fs::read_to_string(&entry).unwrap();
            words.extend(
                text.split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .map(str::to_lowercase),
            );
        }
    }
    words.sort();
    words.dedup();
    let expected: Vec<String> = words.iter().map(|w| triage::site::html::stem(w)).collect();
    let page = html.join("stems.html");
    std::fs::write(
        &page,
        format!(
            r#"<!doctype html><meta charset="utf-8"><input id="q"><p id="search-status"></p><ul id="results"></ul>
<script>window.TRIAGE_SEARCH = {{stop: [], lines: [], codes: []}};</script>
<script src="search.js"></script>
<script>document.body.append(JSON.stringify({}.map(window.triageStem)));</script>"#,
            serde_json::to_string(&words).unwrap()
        ),
    )
    .unwrap();
    let dom = browser.dom(&file_url(&page));
    let json = dom
        .rsplit_once("</script>")
        .and_then(|(_, rest)| rest.split_once("</body>"))
        .map(|(j, _)| j.trim())
        .expect("the stems are on the page");
    let stems: Vec<String> = serde_json::from_str(&json.replace("&amp;", "&")).unwrap();
    assert_eq!(stems.len(), words.len());
    for ((word, js), rust) in words.iter().zip(&stems).zip(&expected) {
        assert_eq!(js, rust, "search.js and html.rs stem {word:?} alike");
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
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

fn browser_or_skip(test: &str) -> Option<Browser> {
    let Some(program) = find_chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the browser test: install Chromium (apt-get install -y chromium)"
        );
        eprintln!("SKIPPED {test}: Chromium not found (apt-get install -y chromium to run it)");
        return None;
    };
    Some(Browser {
        program,
        profile: tempfile::tempdir().unwrap(),
    })
}

/// The `<section id="troubleshoot" …>…</section>` element of a dumped DOM.
fn panel_in(dom: &str) -> &str {
    let start = dom
        .find(r#"<section id="troubleshoot""#)
        .expect("the article has the troubleshooter panel");
    let len = dom[start..].find("</section>").unwrap() + "</section>".len();
    &dom[start..start + len]
}

/// The values of `attr="…"` in order of appearance.
fn attr_values(html: &str, attr: &str) -> Vec<String> {
    let re = regex::Regex::new(&format!(r#"{attr}="([^"]*)""#)).unwrap();
    re.captures_iter(html).map(|c| c[1].to_string()).collect()
}

#[test]
fn the_troubleshooter_applies_a_deep_link_as_the_cli_diagnoses() {
    let Some(browser) = browser_or_skip("the_troubleshooter_applies_a_deep_link") else {
        return;
    };
    let dir = build_shipped();
    let page = dir.path().join("site/html").join(format!("{ARTICLE}.html"));
    let url = format!("{}#yes=token_revoked&no=role_disabled", file_url(&page));
    let dom = browser.dom(&url);
    let panel = panel_in(&dom);
    assert!(
        panel.contains(r#"data-cause="token_revoked_or_expired" data-status="confirmed""#),
        "{panel}"
    );
    assert!(panel.contains(r#"data-cause="role_disabled" data-status="ruled_out""#));
    assert!(panel.contains(r#"data-escalate="false""#));
    assert!(
        !panel.contains("data-question="),
        "no question once confirmed"
    );

    let out = crate::support::triage()
        .args([
            "diagnose",
            "NS0109",
            "--yes",
            "token_revoked",
            "--no",
            "role_disabled",
        ])
        .args(["--format", "json"])
        .output()
        .unwrap();
    let cli: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let fixes: Vec<String> = cli["fixes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fixes, ["new_access_token", "retry_sync"]);
    assert_eq!(attr_values(panel, "data-fix"), fixes);
    for id in &fixes {
        let link = format!(r##"href="#fix-{id}""##);
        assert!(panel.contains(&link), "the plan links to {id}'s section");
        assert!(
            dom.contains(&format!(r#"id="fix-{id}""#)),
            "the section of {id}"
        );
    }

    // Without a fragment it asks the first question; without JavaScript the
    // panel stays empty and hidden
    let dom = browser.dom(&file_url(&page));
    assert_eq!(attr_values(panel_in(&dom), "data-question").len(), 1);
    // (Chromium dumps no DOM with scripts off: the page as served is what it shows.)
    let served = std::fs::read_to_string(&page).unwrap();
    assert!(served.contains(
        r#"<section id="troubleshoot" class="troubleshoot" aria-labelledby="troubleshoot-title" hidden></section>"#
    ));
    assert!(served.contains("<h1>NS0109 Sync Error in NetSuite Integration</h1>"));

    browser.screenshot(
        &format!("{}#no=token_revoked", file_url(&page)),
        &screenshot_dir().join("ns0109-troubleshooter.png"),
    );
    // The panel mid-way, small (docs/troubleshooter.png is a copy of one).
    browser.screenshot_sized(
        &format!("{}#no=token_revoked,role_disabled", file_url(&page)),
        &screenshot_dir().join("ns0109-troubleshooter-midway.png"),
        "1000,900",
    );
}

/// Drives the ticket draft of a copy of the deep-linked NS0109 article the way a
/// reader would (`ticket-test.js` after the panel's script): shows it, types a
/// bad report ID, then a good one, a time, ticks a tried fix.
const TICKET_RUNNER: &str = r##"
(function () {
  var panel = document.getElementById("troubleshoot");
  var q = function (sel) { return panel.querySelector(sel); };
  var draft = function () { return q("[data-ticket]").value; };
  var set = function (input, value) {
    input.value = value;
    input.dispatchEvent(new Event("input"));
  };
  var out = { initial: draft(), hidden: q("#troubleshoot-draft").hidden };
  q("[data-ticket-toggle]").click();
  out.shown = !q("#troubleshoot-draft").hidden;
  set(q("[data-ticket-report-id]"), "R-1 <b>token=abc");
  out.refused = q("[data-ticket-error]").textContent;
  out.refusedDraft = draft();
  set(q("[data-ticket-report-id]"), "R-20261128-7");
  set(q("[data-ticket-time]"), "2026-11-28T09:30");
  q('[data-tried="new_access_token"]').click();
  out.error = q("[data-ticket-error]").textContent;
  out.draft = draft();
  var pre = document.createElement("pre");
  pre.id = "ticket-test-out";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
"##;

/// A copy of a built page beside it with `script` run after the panel's
/// script, and `head` added to its head; the URL of the copy.
fn instrumented_copy(page: &Path, name: &str, script: &str, head: &str) -> PathBuf {
    let dir = page.parent().unwrap();
    std::fs::write(dir.join(format!("{name}.js")), script).unwrap();
    let html = std::fs::read_to_string(page).unwrap();
    let tag = r#"troubleshoot.js"></script>"#;
    assert!(html.contains(tag));
    let html = html
        .replacen(
            tag,
            &format!(r#"{tag}<script src="{name}.js"></script>"#),
            1,
        )
        .replacen(
            "<meta charset=\"utf-8\">",
            &format!("<meta charset=\"utf-8\">{head}"),
            1,
        );
    let copy = dir.join(format!("{name}.html"));
    std::fs::write(&copy, html).unwrap();
    copy
}

/// The JSON a runner left in `<pre id="…">`.
fn runner_output(dom: &str, id: &str) -> serde_json::Value {
    let out = dom
        .split_once(&format!(r#"<pre id="{id}">"#))
        .and_then(|(_, rest)| rest.split_once("</pre>"))
        .map(|(o, _)| {
            o.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&amp;", "&")
        })
        .unwrap_or_else(|| panic!("the runner wrote its results: {dom:.2000}"));
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out:.500}"))
}

#[test]
fn the_troubleshooter_drafts_the_ticket_as_the_cli_does() {
    let Some(browser) = browser_or_skip("the_troubleshooter_drafts_the_ticket") else {
        return;
    };
    let dir = build_shipped();
    let page = dir.path().join("site/html").join(format!("{ARTICLE}.html"));
    let fragment = "#yes=token_revoked&no=role_disabled";

    // The draft is in the page from the start (hidden until asked for).
    let dom = browser.dom(&format!("{}{fragment}", file_url(&page)));
    let panel = panel_in(&dom);
    let start = panel.find("data-ticket=").expect("the draft element");
    let element = &panel[start..];
    let text = &element[..element.find("</textarea>").unwrap()];
    assert!(
        text.contains("Confirmed:\n\n  • The access token was revoked or expired."),
        "{text}"
    );
    assert!(
        text.contains("Was the NetSuite access token used by the integration revoked? Yes."),
        "{text}"
    );
    assert!(text.contains("(not given; time of this draft)"), "{text}");
    assert!(
        !text.contains("**"),
        "no Markdown markup in the text draft: {text}"
    );

    let copy = instrumented_copy(&page, "ticket-test", TICKET_RUNNER, "");
    let dom = browser.dom(&format!("{}{fragment}", file_url(&copy)));
    let out = runner_output(&dom, "ticket-test-out");
    assert_eq!(
        out["hidden"], true,
        "hidden until asked for (nothing escalates here)"
    );
    assert_eq!(out["shown"], true);
    let refused = out["refused"].as_str().unwrap();
    assert!(
        refused.contains("report ID"),
        "an invalid report ID is refused: {out}"
    );
    let refused_draft = out["refusedDraft"].as_str().unwrap();
    assert!(!refused_draft.contains("R-1") && !refused_draft.contains("token=abc"));
    assert_eq!(out["error"], "", "{out}");

    let cli = crate::support::triage()
        .args(["render", "ticket", "NS0109", "--format", "text"])
        .args(["--yes", "token_revoked", "--no", "role_disabled"])
        .args(["--attempted-at", "2026-11-28T09:30:00Z"])
        .args(["--tried", "new_access_token", "--report-id", "R-20261128-7"])
        .output()
        .unwrap();
    assert!(cli.status.success());
    let cli = String::from_utf8(cli.stdout).unwrap();
    assert_eq!(
        out["draft"].as_str().unwrap(),
        cli.trim_end(),
        "the draft is the CLI's ticket"
    );
}

const CSP: &str =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'";

#[test]
fn the_preview_panel_works_under_a_strict_csp_from_file() {
    let Some(browser) = browser_or_skip("the_preview_panel_works_under_a_strict_csp") else {
        return;
    };
    let dir = build_shipped();
    let page = dir.path().join("site/html").join(format!("{ARTICLE}.html"));
    // An inline script too, to show the policy is enforced from file://.
    let head = format!(
        r#"<meta http-equiv="Content-Security-Policy" content="{CSP}"><script>document.documentElement.setAttribute("data-inline-ran", "")</script>"#
    );
    let copy = instrumented_copy(&page, "csp-test", TICKET_RUNNER, &head);
    let url = format!("{}#yes=token_revoked&no=role_disabled", file_url(&copy));
    let (dom, log) = browser.run(&["--dump-dom"], &url);
    assert!(
        !dom.contains(r#"data-inline-ran="""#) && log.contains("Executing inline script violates"),
        "the policy refuses the inline script: {log}"
    );
    // Nothing else is refused or logged: the panel's script and style are 'self'.
    let others: String = log
        .lines()
        .filter(|l| !l.contains("Executing inline script violates"))
        .collect::<Vec<_>>()
        .join("\n");
    assert_no_console_messages(&others, &url);
    let panel = panel_in(&dom);
    assert!(panel.contains(r#"data-cause="token_revoked_or_expired" data-status="confirmed""#));
    assert_eq!(
        attr_values(panel, "data-fix"),
        ["new_access_token", "retry_sync"]
    );
    let out = runner_output(&dom, "ticket-test-out");
    assert!(
        out["draft"]
            .as_str()
            .unwrap()
            .contains("Report ID: R-20261128-7")
    );
}

/// A static file server on loopback for `root`, as a help site would serve
/// its pages; its port. It serves until the test process ends.
fn serve_static(root: PathBuf) -> u16 {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let path = request.split(' ').nth(1).unwrap_or("/");
            let path = path.split(['?', '#']).next().unwrap_or("");
            let file = (!path.contains(".."))
                .then(|| root.join(path.trim_start_matches('/')))
                .and_then(|f| std::fs::read(f).ok());
            let kind = match path.rsplit('.').next() {
                Some("html") => "text/html; charset=utf-8",
                Some("js") => "text/javascript",
                Some("json") => "application/json",
                Some("css") => "text/css",
                _ => "application/octet-stream",
            };
            let head = match &file {
                Some(body) => format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                ),
                None => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .to_string(),
            };
            let _ = stream.write_all(head.as_bytes());
            if let Some(body) = file {
                let _ = stream.write_all(&body);
            }
        }
    });
    port
}

#[test]
fn the_drop_in_works_under_a_strict_csp_over_http() {
    let Some(browser) = browser_or_skip("the_drop_in_works_under_a_strict_csp") else {
        return;
    };
    let dir = build_shipped();
    let site = dir.path().join("site");
    // A help site's page: its own layout, the article's HTML, the snippet.
    let preview =
        std::fs::read_to_string(site.join("html").join(format!("{ARTICLE}.html"))).unwrap();
    let article = preview
        .split_once("<article>")
        .and_then(|(_, rest)| rest.split_once("</article>"))
        .map(|(a, _)| a)
        .unwrap();
    // The help site's own heading ids, as its Markdown renderer makes them.
    let article = article.replace(
        r#"<h3 id="fix-new_access_token">"#,
        r#"<h3 id="generate-a-new-token">"#,
    );
    let snippet =
        std::fs::read_to_string(site.join("troubleshoot/netsuite/NS0109.snippet.html")).unwrap();
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\"><title>NS0109</title></head>\
         <body>{snippet}<main>{article}</main></body></html>\n"
    );
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("help")).unwrap();
    std::fs::write(root.path().join("help/NS0109.html"), page).unwrap();
    let copy = |from: &Path, to: &Path| {
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(from, to).unwrap();
    };
    copy(
        &site.join("troubleshoot/troubleshoot.js"),
        &root.path().join("troubleshoot/troubleshoot.js"),
    );
    copy(
        &site.join("troubleshoot/netsuite/NS0109.json"),
        &root.path().join("troubleshoot/netsuite/NS0109.json"),
    );
    let port = serve_static(root.path().to_path_buf());
    let url =
        format!("http://127.0.0.1:{port}/help/NS0109.html#yes=token_revoked&no=role_disabled");
    let (dom, log) = browser.run(&["--dump-dom", "--virtual-time-budget=5000"], &url);
    assert_no_console_messages(&log, &url);
    let start = dom
        .find("data-triage-troubleshoot=")
        .expect("the snippet's element");
    let panel = &dom[start..];
    let panel = &panel[..panel.find("</div><script").unwrap_or(panel.len())];
    assert!(
        panel.contains(r#"data-cause="token_revoked_or_expired" data-status="confirmed""#),
        "the panel filled from the fetched data: {panel:.2000}"
    );
    assert!(panel.contains(r#"data-escalate="false""#));
    assert_eq!(
        attr_values(panel, "data-fix"),
        ["new_access_token", "retry_sync"]
    );
    // The plan links to the site's own heading id, or gives the heading one.
    assert!(
        panel.contains(r##"href="#generate-a-new-token""##),
        "{panel:.3000}"
    );
    assert!(panel.contains(r##"href="#fix-retry_sync""##));
    assert!(dom.contains(r#"id="fix-retry_sync""#));
}

/// SplitMix64: the answer sets are the same on every run.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const SETS_PER_CODE: usize = 300;

/// Answer sets over the signals a code's causes read (probe-only ones too):
/// none, each signal alone with each answer, then random ones of varying density.
fn answer_sets(signals: &[String], random: &mut Random) -> Vec<Vec<(String, &'static str)>> {
    const VALUES: [&str; 3] = ["yes", "no", "unknown"];
    let mut sets = vec![Vec::new()];
    for s in signals {
        for v in VALUES {
            sets.push(vec![(s.clone(), v)]);
        }
    }
    while sets.len() < SETS_PER_CODE {
        let density = 1 + random.below(10);
        let mut set = Vec::new();
        for s in signals {
            if random.below(10) < density {
                // "yes" less often than the others, or most sets stop at a confirmed cause.
                let v = match random.below(7) {
                    0 | 1 => "yes",
                    2..=4 => "no",
                    _ => "unknown",
                };
                set.push((s.clone(), v));
            }
        }
        // Any order: the panel reads the answers as given.
        for i in (1..set.len()).rev() {
            set.swap(i, random.below(i as u64 + 1) as usize);
        }
        sets.push(set);
    }
    sets
}

/// What the panel shows, as the Rust engine decides it, in the script's shape.
fn expected(
    integration: &triage::rules::Integration,
    code: &triage::rules::Code,
    set: &[(String, &str)],
) -> serde_json::Value {
    use triage::engine::{Observations, Value};
    let mut obs = Observations::default();
    let mut skipped = std::collections::BTreeSet::new();
    for (signal, value) in set {
        match *value {
            "yes" => obs.set(signal.clone(), Value::Yes),
            "no" => obs.set(signal.clone(), Value::No),
            _ => {
                skipped.insert(signal.clone());
            }
        }
    }
    let d = triage::engine::diagnose(integration, code, &obs);
    let next = triage::engine::next_question(integration, code, &obs, &skipped);
    let status = |c: &triage::engine::CauseVerdict| serde_json::to_value(c.status).unwrap();
    serde_json::json!({
        "causes": d.causes.iter().map(|c| serde_json::json!([
            c.id,
            status(c),
            c.because.iter().map(|r| [r.signal.as_str(), r.value.as_str()]).collect::<Vec<_>>(),
        ])).collect::<Vec<_>>(),
        "fixes": d.fixes.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(),
        "questions": d.questions.iter().map(|q| q.signal.as_str()).collect::<Vec<_>>(),
        "next": next.map(|q| q.signal),
        "escalate": d.escalate,
    })
}

/// The runner of the differential page: every answer set of every code through
/// the shipped script, the results as JSON in `<pre id="out">`.
const RUNNER: &str = r#"
var out = CASES.map(function (c) {
  return c.sets.map(function (answers) {
    var r = TriageTroubleshoot.run(c.data, answers);
    return {
      causes: r.causes.map(function (v) { return [v.id, v.status, v.because]; }),
      fixes: r.fixes.map(function (f) { return f.id; }),
      questions: r.questions,
      next: r.next,
      escalate: r.escalate
    };
  });
});
document.getElementById("out").textContent = JSON.stringify(out);
"#;

#[test]
fn the_troubleshooter_agrees_with_the_engine_on_every_code_and_many_answers() {
    use triage::rules::{RuleBase, RuleSource, Selection};
    let Some(browser) = browser_or_skip("the_troubleshooter_agrees_with_the_engine") else {
        return;
    };
    let (base, _) = RuleBase::load(&RuleSource::Embedded, &Selection::All).unwrap();
    let dir = build_shipped();
    let html = dir.path().join("site/html");
    let mut random = Random(0x0072_6961_6765_3137);
    let mut cases = Vec::new();
    let mut expectations = Vec::new();
    for (integration, code) in base.codes() {
        // The data exactly as the built article carries it.
        let md_rel = triage::site::article_path(integration, code);
        let site = dir.path().join("site");
        let page =
            std::fs::read_to_string(site.join(triage::site::html::html_path(&md_rel))).unwrap();
        let start = r#"<script type="application/json" id="troubleshoot-data">"#;
        let data = page
            .split_once(start)
            .and_then(|(_, rest)| rest.split_once("</script>"))
            .map(|(d, _)| d)
            .unwrap_or_else(|| panic!("{} carries its troubleshooter data", code.code));
        let mut signals: Vec<String> = Vec::new();
        for cause in &code.causes {
            for s in triage::engine::read_signals(cause) {
                if !signals.iter().any(|x| x == s) {
                    signals.push(s.to_string());
                }
            }
        }
        let sets = answer_sets(&signals, &mut random);
        expectations.push(
            sets.iter()
                .map(|set| expected(integration, code, set))
                .collect::<Vec<_>>(),
        );
        let sets_json = serde_json::to_string(&sets).unwrap();
        cases.push(format!("{{\"data\":{data},\"sets\":{sets_json}}}"));
    }
    let total: usize = expectations.iter().map(Vec::len).sum();
    assert!(total >= 1000, "{total} answer sets");
    std::fs::write(
        html.join("differential.js"),
        format!("var CASES = [{}];\n{RUNNER}", cases.join(",\n")),
    )
    .unwrap();
    std::fs::write(
        html.join("differential.html"),
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>differential</title></head>\
         <body><pre id=\"out\"></pre><script src=\"troubleshoot.js\"></script>\
         <script src=\"differential.js\"></script></body></html>\n",
    )
    .unwrap();
    let dom = browser.dom(&file_url(&html.join("differential.html")));
    let out = dom
        .split_once(r#"<pre id="out">"#)
        .and_then(|(_, rest)| rest.split_once("</pre>"))
        .map(|(o, _)| {
            o.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
        })
        .expect("the runner wrote its results");
    let actual: Vec<Vec<serde_json::Value>> =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out:.500}"));
    let codes: Vec<&str> = base.codes().map(|(_, c)| c.code.as_str()).collect();
    assert_eq!(actual.len(), expectations.len());
    let mut compared = 0;
    for ((code, want), got) in codes.iter().zip(&expectations).zip(&actual) {
        assert_eq!(want.len(), got.len(), "{code}");
        for (i, (w, g)) in want.iter().zip(got).enumerate() {
            assert_eq!(
                w, g,
                "{code}, answer set {i}: the script disagrees with the engine"
            );
            compared += 1;
        }
    }
    // The sets reach every kind of ending, not only "confirmed".
    let all: Vec<&serde_json::Value> = expectations.iter().flatten().collect();
    let asking = all.iter().filter(|e| !e["next"].is_null()).count();
    let escalating = all.iter().filter(|e| e["escalate"] == true).count();
    assert!(
        asking > total / 10 && escalating > total / 20,
        "{asking} ask, {escalating} escalate"
    );
    eprintln!(
        "{compared} answer sets over {} codes agree ({asking} ask a question, {escalating} escalate)",
        codes.len()
    );
}
