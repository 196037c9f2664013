//! `triage build`: the Markdown tree, the index pages, the HTML preview, and
//! the safety of the output folder (foreign folders, killed builds).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use insta_cmd::assert_cmd_snapshot;
use triage::rules::{RuleBase, RuleSource, Selection, load, pipeline};

use crate::support::{manifest_dir, triage};

/// Every file under `dir` by its `/`-separated relative path. The build
/// cache is there, empty, and the manifest without the line naming the
/// cache's checksum: the cache records when each rule file was read (whether
/// its stamp had settled), which two builds of the same rules may see
/// differently; what it holds shows in the pages incremental builds make.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(dir: &Path, prefix: &str, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let rel = format!("{prefix}{}", entry.file_name().to_string_lossy());
            if entry.file_type().unwrap().is_dir() {
                walk(&entry.path(), &format!("{rel}/"), out);
            } else if rel == triage::site::cache::FILE {
                out.insert(rel, Vec::new());
            } else if rel == ".triage-manifest" {
                // Without the cache's line (its checksum, so its stamps) and
                // so without the checksum of the whole.
                let text = std::fs::read_to_string(entry.path()).unwrap();
                let kept: String = text
                    .lines()
                    .filter(|l| !l.ends_with(triage::site::cache::FILE) && !l.starts_with("end "))
                    .map(|l| format!("{l}\n"))
                    .collect();
                out.insert(rel, kept.into_bytes());
            } else {
                out.insert(rel, std::fs::read(entry.path()).unwrap());
            }
        }
    }
    let mut files = BTreeMap::new();
    walk(dir, "", &mut files);
    files
}

/// Builds the shipped rules into `<tempdir>/site`; returns the temp dir.
pub fn build_shipped() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = triage()
        .args(["build", "--out", "site"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

fn shipped() -> RuleBase {
    let (base, findings) = RuleBase::load(&RuleSource::Embedded, &Selection::All).unwrap();
    assert!(findings.iter().all(|f| !f.is_error()), "{findings:?}");
    base
}

#[test]
fn build_writes_the_markdown_tree_the_index_pages_and_the_preview() {
    let dir = build_shipped();
    let site = dir.path().join("site");
    let files = tree(&site);
    let base = shipped();
    assert!(files.contains_key("html/index.html"));
    assert!(files.contains_key("html/search-index.js"));
    assert!(files.contains_key(".triage-build"));
    assert!(files.contains_key("netsuite/Troubleshooting/Sync-Errors/NS0109-Sync-Error.md"));
    for integration in &base.integrations {
        let index = triage::site::index_path(integration);
        assert!(files.contains_key(&index), "{index}");
        assert!(files.contains_key(&format!("html/{}", index.replace(".md", ".html"))));
        insta::assert_snapshot!(
            format!("index_{}", integration.id),
            String::from_utf8_lossy(&files[&index])
        );
    }
    for (integration, code) in base.codes() {
        let path = triage::site::article_path(integration, code);
        let rendered = triage()
            .args(["render", "help", &code.code])
            .output()
            .unwrap();
        assert!(rendered.status.success());
        assert_eq!(
            files.get(&path).map(Vec::as_slice),
            Some(rendered.stdout.as_slice()),
            "{path} differs from `triage render help {}`",
            code.code
        );
        let html = format!("html/{}", path.replace(".md", ".html"));
        assert!(files.contains_key(&html), "{html}");
    }
}

/// The summary line, counts and time masked (the rule base grows).
#[test]
fn the_summary_line_counts_codes_and_files() {
    let dir = tempfile::tempdir().unwrap();
    insta::with_settings!({filters => vec![
        (r"\b\d+ (code|file|page)s?\b", "[N] ${1}s"),
        (r"\b\d+ ms\b", "[N] ms"),
    ]}, {
        assert_cmd_snapshot!(
            triage()
                .args(["build", "--out", "site", "--format", "md"])
                .current_dir(dir.path())
        );
    });
}

#[test]
fn formats_md_and_html_write_only_their_part() {
    let dir = tempfile::tempdir().unwrap();
    for (format, out) in [("md", "md"), ("html", "html")] {
        let status = triage()
            .args(["build", "--out", out, "--format", format])
            .current_dir(dir.path())
            .status()
            .unwrap();
        assert!(status.success());
    }
    let md = tree(&dir.path().join("md"));
    assert!(md.keys().all(|k| !k.starts_with("html/")));
    assert!(md.keys().any(|k| k.ends_with(".md")));
    let html = tree(&dir.path().join("html"));
    assert!(
        html.keys()
            .all(|k| k.starts_with(".triage-") || k.starts_with("html/"))
    );
}

#[test]
fn a_second_build_is_byte_identical() {
    let dir = build_shipped();
    let site = dir.path().join("site");
    let first = tree(&site);
    let status = triage()
        .args(["build", "--out", "site"])
        .current_dir(dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    let second = tree(&site);
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &first {
        assert!(second[path] == *bytes, "{path} changed between builds");
    }
    let siblings: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(siblings, ["site"], "no temporary folder is left behind");
}

#[test]
fn a_foreign_folder_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir_all(site.join("docs")).unwrap();
    std::fs::write(site.join("docs/notes.md"), "mine").unwrap();
    let before = tree(&site);
    assert_cmd_snapshot!(
        triage()
            .args(["build", "--out", "site"])
            .current_dir(dir.path())
    );
    assert_eq!(tree(&site), before);
    let siblings = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(siblings, 1, "nothing written next to it either");
}

#[test]
fn a_file_added_to_a_built_folder_is_never_deleted() {
    let dir = build_shipped();
    let site = dir.path().join("site");
    std::fs::write(site.join("html/extra.css"), "mine").unwrap();
    let before = tree(&site);
    assert_cmd_snapshot!(
        triage()
            .args(["build", "--out", "site"])
            .current_dir(dir.path())
    );
    assert_eq!(tree(&site), before);
}

#[test]
fn a_backup_copy_of_a_built_folder_is_never_removed() {
    let dir = build_shipped();
    let backup = dir.path().join("site.old-20240501");
    crate::support::copy_dir(&dir.path().join("site"), &backup);
    std::fs::write(backup.join("NOTES.txt"), "mine").unwrap();
    let before = tree(&backup);
    let status = triage()
        .args(["build", "--out", "site"])
        .current_dir(dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(tree(&backup), before, "the backup is untouched");
}

#[test]
fn every_link_in_the_preview_is_relative_and_resolves() {
    let dir = build_shipped();
    let html = dir.path().join("site/html");
    let link = regex::Regex::new(r#"(?:href|src)="([^"]*)""#).unwrap();
    for (rel, bytes) in tree(&html) {
        if !rel.ends_with(".html") {
            continue;
        }
        let page = String::from_utf8(bytes).unwrap();
        let page_dir = html.join(&rel).parent().unwrap().to_path_buf();
        for cap in link.captures_iter(&page) {
            let target = cap[1].replace("&#x2f;", "/");
            assert!(
                !target.contains("://") && !target.starts_with('/'),
                "{rel}: {target} is not relative"
            );
            let file = target.split('#').next().unwrap();
            assert!(page_dir.join(file).is_file(), "{rel}: {target} is missing");
        }
    }
}

/// A rule base of `count` codes made from NS0109, some of them export errors.
fn generated_rules(root: &Path, count: usize) {
    let shipped = manifest_dir().join("rules/netsuite");
    let dir = root.join("rules/netsuite");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        shipped.join("integration.yaml"),
        dir.join("integration.yaml"),
    )
    .unwrap();
    let seed = std::fs::read_to_string(shipped.join("NS0109.yaml")).unwrap();
    for n in 5000..5000 + count {
        let code = format!("NS{n}");
        let mut text = seed
            .replace("NS0109", &code)
            .replace(
                "Failed to login to NetSuite. Please",
                &format!("Failed to login to NetSuite (case {n}). Please"),
            )
            .replace(
                r"failed to log ?in to netsuite\W+please",
                &format!(r"failed to log ?in to netsuite \(case {n}\)\W+please"),
            );
        if n % 3 == 1 {
            text = text
                .replace("kind: sync", "kind: export")
                .replace(" Sync Error", " Export Error");
        }
        std::fs::write(dir.join(format!("{code}.yaml")), text).unwrap();
    }
}

/// Changes every generated article, so a new build's output differs from the old.
fn revise_rules(root: &Path) {
    for entry in std::fs::read_dir(root.join("rules/netsuite")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replace("is being used.", "is the one in use.")).unwrap();
    }
}

fn spawn_build(root: &Path, out: &str) -> Child {
    triage()
        .args(["--rules", "rules", "build", "--out", out])
        .current_dir(root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn build_into(root: &Path, out: &str) -> BTreeMap<String, Vec<u8>> {
    let status = spawn_build(root, out).wait().unwrap();
    assert!(status.success());
    tree(&root.join(out))
}

/// When to kill a build.
#[derive(Debug, Clone, Copy)]
enum Moment {
    /// This long after it started (it is most likely still reading the rules).
    AfterStart(Duration),
    /// This long after its temporary folder appeared (it is writing).
    AfterWritingBegan(Duration),
}

/// Kills a build at `moment`; returns whether it was still running then.
fn kill_build(root: &Path, moment: Moment) -> bool {
    // A pause per file written makes the writing phase last about a second
    // whatever the machine's speed, so the kills land while it writes.
    let mut child = triage()
        .args(["--rules", "rules", "build", "--out", "site"])
        .env(triage::site::output::WRITE_DELAY_ENV, "5")
        .current_dir(root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let tmp = root.join(format!(".site.triage-tmp-{}", child.id()));
    let deadline = Instant::now() + Duration::from_secs(120);
    let wait = match moment {
        Moment::AfterStart(wait) => wait,
        Moment::AfterWritingBegan(wait) => {
            while !tmp.exists() && child.try_wait().unwrap().is_none() {
                assert!(Instant::now() < deadline, "the build never began writing");
                std::thread::sleep(Duration::from_millis(1));
            }
            wait
        }
    };
    std::thread::sleep(wait);
    let running = child.try_wait().unwrap().is_none();
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();
    running
}

fn same_tree(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> bool {
    a.len() == b.len() && a.iter().all(|(k, v)| b.get(k) == Some(v))
}

#[test]
fn a_killed_build_leaves_the_previous_output_whole() {
    // Rule files parse slowly in a debug build (about 5 ms each), so 200 codes
    // rather than thousands: their writing phase (~200 ms) is what the kills aim at.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    generated_rules(root, 200);
    let old = build_into(root, "site");
    revise_rules(root);
    let new = build_into(root, "expected");
    assert!(!same_tree(&old, &new), "the revision changes the output");

    let moments = [
        Moment::AfterStart(Duration::from_millis(20)),
        Moment::AfterWritingBegan(Duration::ZERO),
        Moment::AfterWritingBegan(Duration::from_millis(50)),
        Moment::AfterWritingBegan(Duration::from_millis(150)),
    ];
    let mut killed_while_writing = false;
    for moment in moments {
        let was_running = kill_build(root, moment);
        let now = tree(&root.join("site"));
        assert!(
            same_tree(&now, &old) || same_tree(&now, &new),
            "after a kill {moment:?} the output is neither the previous build nor the new one"
        );
        let leftovers = std::fs::read_dir(root)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with(".site.triage-")
            })
            .count();
        if was_running && matches!(moment, Moment::AfterWritingBegan(_)) && leftovers > 0 {
            killed_while_writing = true;
        }
    }
    assert!(
        killed_while_writing,
        "no kill landed while the build was writing"
    );

    // The next build finishes, and removes what the killed ones left.
    assert!(same_tree(&build_into(root, "site"), &new));
    let mut names: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["expected", "rules", "site"]);
}

/// Where the browser test saves its screenshots: `target/browser/`.
pub fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .map_or_else(|| manifest_dir().join("target"), Path::to_path_buf)
        .join("browser");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn command_output_with_timeout(mut cmd: Command, timeout: Duration) -> std::process::Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + timeout;
    // Drain the pipes on threads so a chatty child never blocks on a full pipe.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut buf).ok();
        buf
    });
    let err = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut stderr, &mut buf).ok();
        buf
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().ok();
            panic!("{cmd:?} did not finish within {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    std::process::Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

/// An integration folder and `id:` of `java<TAB>script:alert(1)`: browsers drop
/// the tab in a URL, so the preview's links would run it. `check` reports the
/// id (R019) and `build` writes nothing.
#[test]
fn an_id_shaped_like_a_script_link_is_refused() {
    let dir = crate::support::rules_copy();
    let evil = "java\tscript:alert(1)";
    let rules = dir.path().join("rules");
    std::fs::rename(rules.join("netsuite"), rules.join(evil)).unwrap();
    let integration = rules.join(evil).join("integration.yaml");
    let text = std::fs::read_to_string(&integration).unwrap();
    std::fs::write(
        &integration,
        text.replacen("\nid: netsuite\n", "\nid: \"java\\tscript:alert(1)\"\n", 1),
    )
    .unwrap();
    let check = triage()
        .current_dir(dir.path())
        .args(["--rules", "rules", "check"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&check.stdout);
    assert_eq!(check.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("R019"), "{stdout}");
    let build = triage()
        .current_dir(dir.path())
        .args(["--rules", "rules", "build", "--out", "site"])
        .output()
        .unwrap();
    assert_ne!(build.status.code(), Some(0));
    assert!(!dir.path().join("site").exists());
}

/// A file written into `--out` while a build runs is not lost: the folder
/// is left as it is, the new build is kept beside it, and the exit code is 2.
#[test]
fn a_file_written_during_a_build_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    generated_rules(root, 60);
    let old = build_into(root, "site");
    // Every file changed: a full build, into a new folder swapped in at the end.
    revise_rules(root);
    let mut child = triage()
        .args(["--rules", "rules", "build", "--out", "site"])
        .env(triage::site::output::WRITE_DELAY_ENV, "20")
        .current_dir(root)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let tmp = root.join(format!(".site.triage-tmp-{}", child.id()));
    let deadline = Instant::now() + Duration::from_secs(120);
    while !tmp.exists() {
        assert!(Instant::now() < deadline, "the build never began writing");
        assert!(child.try_wait().unwrap().is_none(), "the build ended early");
        std::thread::sleep(Duration::from_millis(1));
    }
    std::fs::write(root.join("site/notes.txt"), "mine").unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(root.join("site/notes.txt")).unwrap(),
        "mine"
    );
    let mut now = tree(&root.join("site"));
    now.remove("notes.txt");
    assert!(same_tree(&now, &old), "the output folder is left as it was");
    assert!(
        stderr.contains("site.triage-new-"),
        "says where the new build is: {stderr}"
    );
    assert!(
        std::fs::read_dir(root).unwrap().flatten().any(|e| e
            .file_name()
            .to_string_lossy()
            .starts_with("site.triage-new-")
            && e.path().join(triage::site::output::MARKER).is_file()),
        "the new build is kept: {stderr}"
    );
    // The next build still refuses the folder (it holds a file of the user's), touching nothing.
    let again = triage()
        .args(["--rules", "rules", "build", "--out", "site"])
        .current_dir(root)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(root.join("site/notes.txt").exists());
}

/// `--out` holding only empty folders is refused before anything moves.
#[test]
fn an_out_folder_of_empty_folders_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("site/drafts/2026")).unwrap();
    std::fs::create_dir_all(root.join("site/images")).unwrap();
    let out = triage()
        .args(["build", "--out", "site"])
        .current_dir(root)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no files"), "{stderr}");
    assert!(root.join("site/drafts/2026").is_dir());
    assert!(root.join("site/images").is_dir());
    let entries: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(entries, ["site"], "nothing made beside it");
}

#[test]
fn the_markdown_site_gets_the_drop_in_troubleshooter() {
    let dir = build_shipped();
    let site = dir.path().join("site");
    let base = shipped();
    let script = std::fs::read_to_string(site.join("troubleshoot/troubleshoot.js")).unwrap();
    assert_eq!(
        script,
        std::fs::read_to_string(site.join("html/troubleshoot.js")).unwrap(),
        "one script for both"
    );
    for (integration, code) in base.codes() {
        let key = format!("troubleshoot/{}/{}", integration.id, code.code);
        let data: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(site.join(format!("{key}.json"))).unwrap(),
        )
        .unwrap();
        let md_rel = triage::site::article_path(integration, code);
        let page =
            std::fs::read_to_string(site.join(triage::site::html::html_path(&md_rel))).unwrap();
        let embedded = page
            .split_once(r#"<script type="application/json" id="troubleshoot-data">"#)
            .and_then(|(_, rest)| rest.split_once("</script>"))
            .map(|(d, _)| serde_json::from_str::<serde_json::Value>(d).unwrap())
            .unwrap();
        assert_eq!(
            data, embedded,
            "{}: the data file is the page's data",
            code.code
        );
        let snippet = std::fs::read_to_string(site.join(format!("{key}.snippet.html"))).unwrap();
        assert_eq!(
            snippet,
            format!(
                "<div data-triage-troubleshoot=\"{}/{}\"></div><script src=\"/troubleshoot/troubleshoot.js\" defer></script>\n",
                integration.id, code.code
            )
        );
    }
}
/// A copy of the shipped rules and templates in a temporary folder, built
/// into `site` with `--rules rules --templates templates`.
struct Workspace {
    dir: tempfile::TempDir,
}

/// What a build's summary line counts: (pages rendered, pages kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Counts {
    rendered: usize,
    kept: usize,
    /// Updated in place (`site::update`) rather than built into a new folder.
    in_place: bool,
}

impl Workspace {
    fn new() -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        for folder in ["rules", "templates"] {
            copy_dir(&manifest_dir().join(folder), &dir.path().join(folder));
        }
        let ws = Workspace { dir };
        let first = ws.build("site");
        assert_eq!(first.kept, 0, "{first:?}");
        ws
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn build(&self, out: &str) -> Counts {
        let output = triage()
            .args(["--rules", "rules", "--templates", "templates", "build"])
            .args(["--out", out])
            .current_dir(self.dir.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{stderr}");
        let counts = regex::Regex::new(r"(\d+) pages? rendered, (\d+) kept(, in place)?\)")
            .unwrap()
            .captures(&stderr)
            .unwrap_or_else(|| panic!("no counts in {stderr}"));
        Counts {
            rendered: counts[1].parse().unwrap(),
            kept: counts[2].parse().unwrap(),
            in_place: counts.get(3).is_some(),
        }
    }

    fn edit(&self, rel: &str, from: &str, to: &str) {
        let path = self.path(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{rel} has no {from:?}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }

    /// Rebuilds `site` incrementally; checks that it now equals, byte for
    /// byte, a clean build of the same inputs into a new folder, and that
    /// the change showed (unless `visible` is false). Returns the counts.
    fn rebuild_matches_clean(&self, what: &str, visible: bool) -> Counts {
        let before = tree(&self.path("site"));
        let counts = self.build("site");
        let incremental = self.matches_clean(what);
        let shown = |t: &BTreeMap<String, Vec<u8>>| {
            let mut t = t.clone();
            t.remove(".triage-manifest");
            t
        };
        assert_eq!(
            visible,
            shown(&before) != shown(&incremental),
            "{what}: changed a page?"
        );
        assert_eq!(counts.rendered + counts.kept, pages(&incremental), "{what}");
        counts
    }

    /// Checks that `site` equals, byte for byte, a clean build of the same
    /// inputs into a new folder; returns its files.
    fn matches_clean(&self, what: &str) -> BTreeMap<String, Vec<u8>> {
        let built = tree(&self.path("site"));
        let clean_out = format!("clean-{}", what.replace(' ', "-"));
        let clean_counts = self.build(&clean_out);
        assert_eq!(clean_counts.kept, 0, "{what}: a new folder is a full build");
        let clean = tree(&self.path(&clean_out));
        let differing: Vec<&String> = built
            .keys()
            .chain(clean.keys())
            .filter(|k| built.get(*k) != clean.get(*k))
            .collect();
        assert!(
            differing.is_empty(),
            "{what}: the incremental build differs from a clean one in {differing:?}"
        );
        std::fs::remove_dir_all(self.path(&clean_out)).unwrap();
        built
    }
}

/// The files of a build but its marker, manifest and cache, and the drop-in
/// troubleshooter's (`troubleshoot/`: written on every build, outside the manifest).
fn pages(tree: &BTreeMap<String, Vec<u8>>) -> usize {
    tree.keys()
        .filter(|k| !k.starts_with(".triage-"))
        .filter(|k| !k.starts_with("troubleshoot/"))
        .count()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn an_unchanged_rebuild_renders_nothing() {
    let ws = Workspace::new();
    let before = tree(&ws.path("site"));
    let counts = ws.build("site");
    assert_eq!(
        counts,
        Counts {
            rendered: 0,
            kept: pages(&before),
            in_place: true,
        }
    );
    assert!(same_tree(&before, &tree(&ws.path("site"))));
    let siblings: Vec<_> = std::fs::read_dir(ws.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with('.'))
        .collect();
    assert!(siblings.is_empty(), "left behind: {siblings:?}");
}

#[test]
fn an_incremental_build_equals_a_clean_one_after_each_kind_of_change() {
    let ws = Workspace::new();
    let all = pages(&tree(&ws.path("site")));
    let codes = std::fs::read_dir(ws.path("rules/netsuite"))
        .unwrap()
        .count()
        - 1;
    // Assets: the style sheet and two scripts, made from templates only.
    let assets = 3;

    // One code file: its article and preview, the index page and its
    // preview, the home page and the search index, updated in place.
    ws.edit(
        "rules/netsuite/NS0109.yaml",
        "unable to authenticate with NetSuite.",
        "unable to sign in to NetSuite.",
    );
    let counts = ws.rebuild_matches_clean("code file", true);
    assert_eq!(counts.rendered, 6, "{counts:?}");
    assert!(counts.in_place, "{counts:?}");

    // A change that shows nowhere still re-renders what the file feeds.
    ws.edit("rules/netsuite/NS0123.yaml", "code:", "# a comment\ncode:");
    let counts = ws.rebuild_matches_clean("comment", false);
    assert_eq!(counts.rendered, 6, "{counts:?}");
    assert!(counts.in_place, "{counts:?}");

    // The same size, at once: the file's time may not have moved, its text did.
    ws.edit("rules/netsuite/NS0123.yaml", "# a comment", "# a remark!");
    let counts = ws.rebuild_matches_clean("same-size edit", false);
    assert_eq!((counts.rendered, counts.in_place), (6, true), "{counts:?}");

    // Two code files at once, one of them changing what the index lists.
    ws.edit(
        "rules/netsuite/NS0029.yaml",
        "code:",
        "# two at once\ncode:",
    );
    ws.edit(
        "rules/netsuite/NS0109.yaml",
        "unable to sign in to NetSuite.",
        "unable to authenticate with NetSuite.",
    );
    let counts = ws.rebuild_matches_clean("two code files", true);
    assert_eq!((counts.rendered, counts.in_place), (8, true), "{counts:?}");

    // A code's kind moves its pages: a full build, which removes the old ones.
    ws.edit("rules/netsuite/NS0123.yaml", "kind: sync", "kind: export");
    let counts = ws.rebuild_matches_clean("kind", true);
    assert!(!counts.in_place, "{counts:?}");
    ws.edit("rules/netsuite/NS0123.yaml", "kind: export", "kind: sync");
    ws.rebuild_matches_clean("kind back", true);

    // integration.yaml: every page of the integration, not the assets.
    ws.edit(
        "rules/netsuite/integration.yaml",
        "Was the NetSuite admin password changed recently?",
        "Did someone change the NetSuite admin password lately?",
    );
    let counts = ws.rebuild_matches_clean("integration file", true);
    assert_eq!(counts.rendered, all - assets, "{counts:?}");
    assert!(!counts.in_place, "{counts:?}");

    // A template given with --templates: every page made with it.
    ws.edit(
        "templates/help.md.j2",
        "{{ item.answer }}",
        "{{ item.answer }}\n\nThat is all.",
    );
    let counts = ws.rebuild_matches_clean("article template", true);
    assert_eq!(counts.rendered, all, "{counts:?}");
    ws.edit("templates/site.css", "{", "{ ");
    let counts = ws.rebuild_matches_clean("style sheet", true);
    assert_eq!(counts.rendered, all, "{counts:?}");

    // A deleted code: its pages go; the index, home and search index change.
    std::fs::remove_file(ws.path("rules/netsuite/NS0739.yaml")).unwrap();
    let counts = ws.rebuild_matches_clean("deleted code", true);
    assert_eq!(counts.rendered, 4, "{counts:?}");
    assert_eq!(counts.kept, all - 2 - 4);
    assert!(!counts.in_place, "{counts:?}");
    let left = tree(&ws.path("site"));
    assert!(!left.keys().any(|k| k.contains("NS0739")), "{left:?}");
    assert_eq!(codes - 1, 4, "the shipped rules have five codes");

    // A corrupt manifest (one digit of one hash): a full build.
    let manifest = ws.path("site/.triage-manifest");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let flipped = if lines[2].starts_with('0') { "1" } else { "0" };
    lines[2].replace_range(0..1, flipped);
    std::fs::write(&manifest, lines.join("\n") + "\n").unwrap();
    ws.edit(
        "rules/netsuite/NS0029.yaml",
        "code:",
        "# corrupt manifest\ncode:",
    );
    let counts = ws.rebuild_matches_clean("corrupt manifest", false);
    assert_eq!(counts.kept, 0, "{counts:?}");

    // No manifest at all (a build by an older triage): a full build too.
    std::fs::write(&manifest, "").unwrap();
    let counts = ws.rebuild_matches_clean("empty manifest", false);
    assert_eq!(counts.kept, 0, "{counts:?}");

    // A corrupt cache (one character of a code's title): a full build, which
    // renders only the changed code's pages, since the manifest is whole.
    let cache = ws.path("site/.triage-cache");
    let text = std::fs::read_to_string(&cache).unwrap();
    assert!(text.contains("NS0029 Export Error"), "{text}");
    std::fs::write(
        &cache,
        text.replacen("NS0029 Export Error", "NS0029 Export Errol", 1),
    )
    .unwrap();
    ws.edit(
        "rules/netsuite/NS0029.yaml",
        "code:",
        "# corrupt cache\ncode:",
    );
    let counts = ws.rebuild_matches_clean("corrupt cache", false);
    assert_eq!((counts.rendered, counts.in_place), (6, false), "{counts:?}");
    let counts = ws.build("site");
    assert_eq!((counts.rendered, counts.in_place), (0, true), "{counts:?}");

    // An older cache put back by hand, whole: not the one the manifest was
    // written with, so not trusted, even where its stamps and hashes match.
    let older = std::fs::read(&cache).unwrap();
    ws.edit("rules/netsuite/NS0029.yaml", "# corrupt cache\n", "");
    let counts = ws.rebuild_matches_clean("newer", false);
    assert!(counts.in_place, "{counts:?}");
    std::fs::write(&cache, older).unwrap();
    ws.edit(
        "rules/netsuite/NS0029.yaml",
        "code:",
        "# corrupt cache\ncode:",
    );
    let counts = ws.rebuild_matches_clean("older cache", false);
    assert!(!counts.in_place, "{counts:?}");
}

/// A changed code file with an error fails the build as a full one would,
/// naming the file and line, and leaves the previous output as it was.
#[test]
fn an_error_in_a_changed_file_fails_the_build_and_keeps_the_output() {
    let ws = Workspace::new();
    let before = tree(&ws.path("site"));
    ws.edit("rules/netsuite/NS0029.yaml", "kind: export", "kind: exprot");
    let output = triage()
        .args(["--rules", "rules", "--templates", "templates", "build"])
        .args(["--out", "site"])
        .current_dir(ws.dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("NS0029.yaml:"), "{stderr}");
    assert!(same_tree(&before, &tree(&ws.path("site"))));
}

/// Who `keep` was handed, batch by batch: integrations and `clean`.
fn batches(listing: load::Listing) -> (Vec<(Vec<String>, bool)>, pipeline::Loaded) {
    let mut batches = Vec::new();
    let loaded = pipeline::load_each(listing, &pipeline::NoLints, &mut |batch| {
        let ids = batch.integrations.iter().map(|i| i.id.clone()).collect();
        batches.push((ids, batch.clean));
        Vec::new()
    });
    (batches, loaded)
}

#[test]
fn small_integrations_are_handed_on_together_and_a_batch_says_whether_the_load_is_clean() {
    let dir = tempfile::tempdir().unwrap();
    triage::corpus::write(dir.path(), 10).unwrap();
    let source = RuleSource::Dir(dir.path().to_path_buf());
    let listing = || load::list(&source, &Selection::All).unwrap();
    let ids: Vec<String> = listing()
        .files
        .iter()
        .filter(|f| f.is_integration())
        .map(|f| f.integration.clone())
        .collect();
    assert_eq!(ids.len(), 5);
    // Fewer codes than a batch: every integration at once, in order,
    // and none kept.
    let (handed, loaded) = batches(listing());
    assert_eq!(handed, [(ids.clone(), true)]);
    assert!(loaded.base.integrations.is_empty());
    assert!(!loaded.findings.iter().any(triage::diag::Finding::is_error));

    // A code file with an error: the batch says so.
    let mut broken = listing();
    let file = broken
        .files
        .iter_mut()
        .rfind(|f| !f.is_integration())
        .unwrap();
    file.text = file.text.replacen("\nsummary:", "\nsummery:", 1);
    let (handed, loaded) = batches(broken);
    assert!(loaded.findings.iter().any(triage::diag::Finding::is_error));
    assert_eq!(handed, [(ids, false)]);
}

/// A build whose rules fail before any integration is rendered touches
/// nothing: no folder made for `--out`, no staging folder beside it. (The
/// integrations are built as they load, so rules that fail only in a later
/// integration leave the parent folders made for the staging folder.)
#[test]
fn a_build_of_broken_rules_leaves_no_trace() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&manifest_dir().join("rules"), &dir.path().join("rules"));
    let code = dir.path().join("rules/netsuite/NS0029.yaml");
    let text = std::fs::read_to_string(&code).unwrap();
    std::fs::write(&code, text.replacen("kind: export", "kind: exprot", 1)).unwrap();
    let output = triage()
        .args(["--rules", "rules", "build", "--out", "new/deeper/site"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("NS0029.yaml:"), "{stderr}");
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["rules"]);
}

/// An update in place killed at any moment leaves every page whole (the
/// previous build's or the new one's) and no manifest, or is done: the next
/// build equals a clean one either way.
#[test]
fn a_killed_update_in_place_is_never_left_stale() {
    let ws = Workspace::new();
    let mut killed_while_moving = false;
    let messages = [
        "unable to sign in to NetSuite.",
        "unable to authenticate with NetSuite.",
    ];
    for (n, wait) in [0u64, 30, 120, 400].into_iter().enumerate() {
        ws.edit(
            "rules/netsuite/NS0109.yaml",
            messages[(n + 1) % 2],
            messages[n % 2],
        );
        let before = tree(&ws.path("site"));
        let mut child = triage()
            .args(["--rules", "rules", "--templates", "templates", "build"])
            .args(["--out", "site"])
            // Each changed file moved into place waits this long after.
            .env(triage::site::output::WRITE_DELAY_ENV, "100")
            .current_dir(ws.dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let manifest = ws.path("site/.triage-manifest");
        let deadline = Instant::now() + Duration::from_secs(120);
        while manifest.exists() && child.try_wait().unwrap().is_none() {
            assert!(Instant::now() < deadline, "the update never began moving");
            std::thread::sleep(Duration::from_millis(1));
        }
        std::thread::sleep(Duration::from_millis(wait));
        let running = child.try_wait().unwrap().is_none();
        child.kill().unwrap();
        child.wait().unwrap();
        let now = tree(&ws.path("site"));
        killed_while_moving |= running && !manifest.exists();
        let counts = ws.build("site");
        assert_eq!(counts.in_place, manifest_was(&now), "{n}: {counts:?}");
        let expected = ws.matches_clean(&format!("killed {n}"));
        for (rel, bytes) in &now {
            if rel.starts_with(".triage-") {
                continue;
            }
            assert!(
                before.get(rel) == Some(bytes) || expected.get(rel) == Some(bytes),
                "{n}: {rel} is neither the previous build's nor the new one's"
            );
        }
    }
    assert!(
        killed_while_moving,
        "no kill landed while the update moved files"
    );
    let left: Vec<_> = std::fs::read_dir(ws.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

/// Whether a build's files hold a manifest.
fn manifest_was(tree: &BTreeMap<String, Vec<u8>>) -> bool {
    tree.get(".triage-manifest").is_some_and(|m| !m.is_empty())
}

#[test]
fn a_built_page_changed_by_hand_is_rendered_again() {
    let ws = Workspace::new();
    let clean = tree(&ws.path("site"));
    let article = "site/netsuite/Troubleshooting/Sync-Errors/NS0109-Sync-Error.md";
    let text = std::fs::read_to_string(ws.path(article)).unwrap();
    // Same size, so only its modification time tells.
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(ws.path(article), text.replacen("NetSuite", "NetSuitE", 1)).unwrap();
    let preview = "site/html/search-index.js";
    let text = std::fs::read_to_string(ws.path(preview)).unwrap();
    std::fs::write(ws.path(preview), format!("{text}// mine\n")).unwrap();
    // The drop-in's data, outside the manifest, is written again too.
    let data = "site/troubleshoot/netsuite/NS0123.json";
    let text = std::fs::read_to_string(ws.path(data)).unwrap();
    std::fs::write(ws.path(data), text.replacen('{', "{ ", 1)).unwrap();
    let counts = ws.build("site");
    assert_eq!((counts.rendered, counts.in_place), (2, false), "{counts:?}");
    assert!(same_tree(&clean, &tree(&ws.path("site"))));
    // Only the drop-in's data, with a code file changed: not updated in place.
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(ws.path(data), text.replacen('{', "{ ", 1)).unwrap();
    ws.edit("rules/netsuite/NS0109.yaml", "code:", "# by hand\ncode:");
    let counts = ws.rebuild_matches_clean("drop-in by hand", true);
    assert!(!counts.in_place, "{counts:?}");
}
