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
