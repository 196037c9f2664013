//! Hostile input: rule folders and pasted messages that must get a clear error
//! (exit 1 or 2) quickly, without a panic, and within a memory cap.
//!
//! Each case builds its input in a temporary folder, so the corpus costs no
//! repository space (a 60 MB file is written, not committed).

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{Test, copy_dir, manifest_dir};

/// Generous: a hang, not a slow run, is what this catches.
const DEADLINE: Duration = Duration::from_secs(20);
/// Address-space cap for the child, in KiB: bounded memory even on a bomb.
const MEMORY_KIB: u64 = 1_000_000;

struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs triage with a memory cap and a deadline; fails the test on a hang.
fn run_capped(dir: &Path, args: &[&str]) -> Outcome {
    let bin = insta_cmd::get_cargo_bin("triage");
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {MEMORY_KIB}; exec \"$0\" \"$@\""))
        .arg(bin)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn triage");
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stdout.read_to_end(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stderr.read_to_end(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            panic!("triage {args:?} did not finish within {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Outcome {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out_reader.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&err_reader.join().unwrap()).into_owned(),
    }
}

fn shipped_rules(dir: &Path) {
    copy_dir(&manifest_dir().join("rules"), &dir.join("rules"));
}

fn write(dir: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn ns0109() -> String {
    std::fs::read_to_string(manifest_dir().join("rules/netsuite/NS0109.yaml")).unwrap()
}

/// A rule-folder case: builds `rules/` in the folder, then runs a command on it.
type Setup = fn(&Path);

fn rule_cases() -> Vec<(&'static str, Setup)> {
    vec![
        ("invalid_utf8", |d| {
            write(
                d,
                "rules/netsuite/NS0110.yaml",
                b"code: NS0110\nkind: \xff\xfe sync\n",
            )
        }),
        ("binary_file", |d| {
            write(
                d,
                "rules/netsuite/NS0110.yaml",
                (0u8..=255).cycle().take(4096).collect::<Vec<_>>(),
            )
        }),
        ("empty_file", |d| write(d, "rules/netsuite/NS0110.yaml", "")),
        ("only_comment", |d| {
            write(d, "rules/netsuite/NS0110.yaml", "# nothing here\n")
        }),
        ("tabs", |d| {
            write(
                d,
                "rules/netsuite/NS0110.yaml",
                "code: NS0110\n\tkind: sync\n",
            )
        }),
        ("duplicate_keys", |d| {
            write(
                d,
                "rules/netsuite/NS0110.yaml",
                ns0109()
                    .replacen("kind: sync", "kind: sync\nkind: export", 1)
                    .replace("NS0109", "NS0110"),
            )
        }),
        ("huge_number", |d| {
            write(
                d,
                "rules/netsuite/NS0110.yaml",
                ns0109()
                    .replace("priority: 2", "priority: 99999999999999999999999999999999")
                    .replace("NS0109", "NS0110"),
            )
        }),
        ("negative_priority", |d| {
            write(
                d,
                "rules/netsuite/NS0110.yaml",
                ns0109()
                    .replace("priority: 2", "priority: -1")
                    .replace("NS0109", "NS0110"),
            )
        }),
        ("sixty_megabytes", |d| {
            let mut text = ns0109().replace("NS0109", "NS0110");
            text.push_str("\n# ");
            text.push_str(&"x".repeat(60 * 1024 * 1024));
            write(d, "rules/netsuite/NS0110.yaml", text);
        }),
        ("billion_laughs", |d| {
            let mut bomb = String::from(
                "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
            );
            for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"]
                .iter()
                .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
            {
                let refs = vec![format!("*{prev}"); 9].join(",");
                bomb.push_str(&format!("{name}: &{name} [{refs}]\n"));
            }
            write(d, "rules/netsuite/NS0110.yaml", bomb);
        }),
        ("deep_nesting_block", |d| {
            let mut text = String::new();
            for i in 0..20_000 {
                text.push_str(&" ".repeat(i.min(200)));
                text.push_str("- \n");
            }
            write(d, "rules/netsuite/NS0110.yaml", text);
        }),
        ("deep_nesting_flow", |d| {
            write(
                d,
                "rules/netsuite/NS0110.yaml",
                format!("code: {}{}", "[".repeat(20_000), "]".repeat(20_000)),
            )
        }),
        ("deep_condition", |d| {
            write(
                d,
                "rules/netsuite/NS0110.yaml",
                ns0109()
                    .replace(
                        "when: role_disabled",
                        &format!(
                            "when: {}role_disabled{}",
                            "(".repeat(5000),
                            ")".repeat(5000)
                        ),
                    )
                    .replace("NS0109", "NS0110"),
            )
        }),
        ("long_condition", |d| {
            write(
                d,
                "rules/netsuite/NS0110.yaml",
                ns0109()
                    .replace(
                        "when: role_disabled",
                        &format!("when: {}role_disabled", "token_revoked or ".repeat(20_000)),
                    )
                    .replace("NS0109", "NS0110"),
            )
        }),
        ("catastrophic_regex", |d| {
            write(
                d,
                "rules/netsuite/NS0110.yaml",
                ns0109()
                    .replace(
                        "'failed to log ?in to netsuite\\W+please verify your admin credentials'",
                        "'(a+)+$(x+x+)+y'",
                    )
                    .replace("NS0109", "NS0110"),
            )
        }),
        ("huge_regex", |d| {
            write(
                d,
                "rules/netsuite/NS0110.yaml",
                ns0109()
                    .replace(
                        "'failed to log ?in to netsuite\\W+please verify your admin credentials'",
                        "'(\\w{1000}){1000}'",
                    )
                    .replace("NS0109", "NS0110"),
            )
        }),
        ("bad_regex", |d| {
            write(
                d,
                "rules/netsuite/NS0110.yaml",
                ns0109()
                    .replace("'failed to log ?in", "'(failed to log ?in")
                    .replace("NS0109", "NS0110"),
            )
        }),
        ("file_named_like_another_code", |d| {
            write(d, "rules/netsuite/NS0110.yaml", ns0109())
        }),
        ("two_files_one_code", |d| {
            write(
                d,
                "rules/netsuite/NS0110.yaml",
                ns0109()
                    .replace("code: NS0109", "code: NS0110")
                    .replace("code: NS0110", "code: NS0109"),
            )
        }),
        ("no_integration_file", |d| {
            write(
                d,
                "rules/other/XY0001.yaml",
                ns0109().replace("NS0109", "XY0001"),
            )
        }),
        ("integration_unparseable", |d| {
            write(
                d,
                "rules/netsuite/integration.yaml",
                "id: netsuite\nname: [\n",
            )
        }),
        ("unknown_field", |d| {
            write(
                d,
                "rules/netsuite/NS0110.yaml",
                ns0109()
                    .replace("kind: sync", "kind: sync\nknd: sync")
                    .replace("NS0109", "NS0110"),
            )
        }),
        ("missing_field", |d| {
            write(
                d,
                "rules/netsuite/NS0110.yaml",
                ns0109()
                    .replace("kind: sync\n", "")
                    .replace("NS0109", "NS0110"),
            )
        }),
        ("wrong_type", |d| {
            write(
                d,
                "rules/netsuite/NS0110.yaml",
                ns0109()
                    .replace("priority: 3", "priority: high")
                    .replace("NS0109", "NS0110"),
            )
        }),
        ("unknown_placeholder", |d| {
            write(
                d,
                "rules/netsuite/NS0110.yaml",
                ns0109()
                    .replace("Generate a new access token.", "Generate ${token}.")
                    .replace("NS0109", "NS0110"),
            )
        }),
        ("unclosed_placeholder", |d| {
            write(
                d,
                "rules/netsuite/NS0110.yaml",
                ns0109()
                    .replace("Generate a new access token.", "Generate ${code a token.")
                    .replace("NS0109", "NS0110"),
            )
        }),
        ("control_characters", |d| {
            write(
                d,
                "rules/netsuite/NS0110.yaml",
                ns0109()
                    .replace("kind: sync", "kind: \"\u{1b}[31msync\u{7}\"")
                    .replace("NS0109", "NS0110"),
            )
        }),
        ("many_documents", |d| {
            write(d, "rules/netsuite/NS0110.yaml", "---\na: 1\n".repeat(5000))
        }),
        ("many_aliases", |d| {
            let mut text = String::from("x: &x 1\nlist:\n");
            text.push_str(&"  - *x\n".repeat(50_000));
            write(d, "rules/netsuite/NS0110.yaml", text);
        }),
        ("rules_is_a_file", |d| write(d, "rules", "not a folder")),
        ("symlink_loop", |d| {
            std::fs::create_dir_all(d.join("rules/netsuite")).unwrap();
            std::os::unix::fs::symlink("NS0111.yaml", d.join("rules/netsuite/NS0110.yaml"))
                .unwrap();
            std::os::unix::fs::symlink("NS0110.yaml", d.join("rules/netsuite/NS0111.yaml"))
                .unwrap();
        }),
        ("symlink_outside", |d| {
            write(d, "secret.yaml", "code: NS0110\n");
            std::fs::create_dir_all(d.join("rules/netsuite")).unwrap();
            std::os::unix::fs::symlink(d.join("secret.yaml"), d.join("rules/netsuite/NS0110.yaml"))
                .unwrap();
        }),
        ("symlinked_integration_dir_outside", |d| {
            copy_dir(&manifest_dir().join("rules/netsuite"), &d.join("elsewhere"));
            std::fs::remove_dir_all(d.join("rules/netsuite")).unwrap();
            std::os::unix::fs::symlink(d.join("elsewhere"), d.join("rules/netsuite")).unwrap();
        }),
        ("unreadable_file", |d| {
            use std::os::unix::fs::PermissionsExt;
            write(
                d,
                "rules/netsuite/NS0110.yaml",
                ns0109().replace("NS0109", "NS0110"),
            );
            let path = d.join("rules/netsuite/NS0110.yaml");
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
        }),
    ]
}

#[test]
fn hostile_rule_folders_get_a_clear_error() {
    let running_as_root = std::fs::read_to_string("/proc/self/status").is_ok_and(|s| {
        s.lines()
            .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
    });
    let mut failures = Vec::new();
    for (name, setup) in rule_cases() {
        let dir = tempfile::tempdir().unwrap();
        if name != "rules_is_a_file" {
            shipped_rules(dir.path());
        }
        setup(dir.path());
        let out = run_capped(dir.path(), &["--rules", "rules", "codes"]);
        // Root reads a mode-000 file anyway; then the file is simply valid.
        if name == "unreadable_file" && running_as_root {
            continue;
        }
        let clean = !out.stderr.contains("panicked") && !out.stderr.contains("internal error");
        let raw_escape = out.stderr.contains('\u{1b}') || out.stdout.contains('\u{1b}');
        if !(out.code == 1 || out.code == 2) || !clean || out.stderr.trim().is_empty() || raw_escape
        {
            failures.push(format!(
                "{name}: exit {} stderr: {}",
                out.code,
                out.stderr.chars().take(400).collect::<String>()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "cases without a clear error:\n{}",
        failures.join("\n")
    );
}

#[test]
fn crlf_and_byte_order_mark_are_accepted() {
    for (name, transform) in [
        (
            "crlf",
            (|t: String| t.replace('\n', "\r\n")) as fn(String) -> String,
        ),
        ("bom", |t: String| format!("\u{feff}{t}")),
    ] {
        let dir = tempfile::tempdir().unwrap();
        shipped_rules(dir.path());
        let file = dir.path().join("rules/netsuite/NS0109.yaml");
        std::fs::write(&file, transform(std::fs::read_to_string(&file).unwrap())).unwrap();
        let out = run_capped(
            dir.path(),
            &["--rules", "rules", "render", "help", "NS0109"],
        );
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
        assert!(
            out.stdout
                .contains("# NS0109 Sync Error in NetSuite Integration"),
            "{name}"
        );
    }
}

#[test]
fn hostile_pasted_messages_get_a_clear_answer() {
    let dir = tempfile::tempdir().unwrap();
    // One argument is capped at 128 KiB by the OS; larger pastes come on stdin.
    let huge = format!(
        "{} NS0109 Sync Error: Failed to login to NetSuite. Please verify your admin credentials.",
        "chatter ".repeat(12 * 1024)
    );
    let cases: Vec<(&str, String)> = vec![
        ("large_unrelated", "z".repeat(120 * 1024)),
        ("large_with_message", huge),
        (
            "escape_sequences",
            "\u{1b}[2J\u{1b}]0;pwned\u{7}not an error we know".into(),
        ),
        ("control_characters", "\u{1}\u{8}\u{7f}\r".into()),
        ("only_spaces", "     ".into()),
        ("regex_metacharacters", "(.*)+$ [a-z]{1000} \\".into()),
        ("unicode_confusables", "Ｆａｉｌｅｄ ｔｏ ｌｏｇｉｎ".into()),
    ];
    let mut failures = Vec::new();
    for (name, message) in cases {
        let out = run_capped(dir.path(), &["diagnose", &message]);
        let clean = !out.stderr.contains("panicked") && !out.stderr.contains("internal error");
        let raw_escape = out.stderr.contains('\u{1b}') || out.stdout.contains('\u{1b}');
        let expected = if name == "large_with_message" {
            out.code == 0
        } else {
            out.code == 2
        };
        if !expected || !clean || raw_escape || out.stderr.len() > 4096 {
            failures.push(format!(
                "{name}: exit {} stderr: {}",
                out.code,
                out.stderr.chars().take(300).collect::<String>()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "messages without a clear answer:\n{}",
        failures.join("\n")
    );
}

#[test]
fn special_files_and_huge_inputs_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "big-facts.yaml",
        format!("token_revoked: yes\n# {}\n", "x".repeat(2 * 1024 * 1024)),
    );
    let cases: Vec<(&str, Vec<&str>)> = vec![
        (
            "facts from /dev/zero",
            vec!["diagnose", "NS0109", "--facts", "/dev/zero"],
        ),
        (
            "two megabyte facts",
            vec!["diagnose", "NS0109", "--facts", "big-facts.yaml"],
        ),
        (
            "credentials from /dev/zero",
            vec!["probe", "netsuite", "--credentials", "/dev/zero"],
        ),
        (
            "templates from /dev/zero",
            vec!["--templates", "/dev/zero", "render", "help", "NS0109"],
        ),
        (
            "rules from /dev/null",
            vec!["--rules", "/dev/null", "codes"],
        ),
        (
            "missing rules folder",
            vec!["--rules", "no-such-folder", "check"],
        ),
    ];
    let mut failures = Vec::new();
    for (name, args) in cases {
        let out = run_capped(dir.path(), &args);
        if out.code != 2 || out.stderr.contains("panicked") || out.stderr.trim().is_empty() {
            failures.push(format!("{name}: exit {} stderr: {}", out.code, out.stderr));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_megabyte_pasted_on_stdin_is_answered() {
    let chatter = "the sync failed again today, ".repeat(36 * 1024);
    for (name, text, expect) in [
        ("unrelated", chatter.clone(), 2),
        (
            "with the message",
            format!(
                "NS0109 Sync Error: Failed to login to NetSuite. Please verify your admin credentials. {chatter}"
            ),
            0,
        ),
    ] {
        assert!(text.len() > 1024 * 1024, "{name} is over a megabyte");
        let out = Test::new()
            .args(["diagnose", "-", "--format", "json"])
            .stdin(&text)
            .run();
        let stderr = &out.stderr;
        assert_eq!(out.code, Some(expect), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert!(
            stderr.len() < 4096,
            "{name}: the answer does not echo the paste"
        );
    }
}

/// A FIFO with no writer, a socket and a device as a rule file, a template,
/// `--facts` and `--credentials`: each is refused at once, naming what it is.
#[cfg(unix)]
#[test]
fn fifos_sockets_and_devices_are_refused_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken");
    copy_dir(&manifest_dir().join("rules"), &broken.join("rules"));
    let fifo = |path: &Path| {
        let _ = std::fs::remove_file(path);
        let status = Command::new("mkfifo").arg(path).status().unwrap();
        assert!(status.success(), "mkfifo {}", path.display());
    };
    fifo(&broken.join("rules/netsuite/NS0109.yaml"));
    std::fs::create_dir(dir.path().join("templates")).unwrap();
    fifo(&dir.path().join("templates/help.md.j2"));
    fifo(&dir.path().join("facts.yaml"));
    fifo(&dir.path().join("credentials"));
    let _socket = std::os::unix::net::UnixListener::bind(dir.path().join("facts.sock")).unwrap();
    let rules = manifest_dir().join("rules").display().to_string();
    let cases: Vec<(&str, &Path, Vec<&str>, &str)> = vec![
        (
            "rule file",
            &broken,
            vec!["--rules", "rules", "check"],
            "FIFO",
        ),
        (
            "template",
            dir.path(),
            vec![
                "--rules",
                &rules,
                "--templates",
                "templates",
                "render",
                "help",
                "NS0144",
            ],
            "FIFO",
        ),
        (
            "facts",
            dir.path(),
            vec![
                "--rules",
                &rules,
                "diagnose",
                "NS0144",
                "--facts",
                "facts.yaml",
            ],
            "FIFO",
        ),
        (
            "facts socket",
            dir.path(),
            vec![
                "--rules",
                &rules,
                "diagnose",
                "NS0144",
                "--facts",
                "facts.sock",
            ],
            "socket",
        ),
        (
            "facts device",
            dir.path(),
            vec![
                "--rules",
                &rules,
                "diagnose",
                "NS0144",
                "--facts",
                "/dev/null",
            ],
            "character device",
        ),
        (
            "credentials",
            dir.path(),
            vec![
                "--rules",
                &rules,
                "probe",
                "netsuite",
                "--credentials",
                "credentials",
            ],
            "FIFO",
        ),
    ];
    let mut failures = Vec::new();
    for (name, cwd, args, what) in cases {
        let out = run_capped(cwd, &args);
        if out.code != 2 || !out.stderr.contains(what) || out.stderr.contains("panicked") {
            failures.push(format!("{name}: exit {} stderr: {}", out.code, out.stderr));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
