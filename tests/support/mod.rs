//! Shared test helpers: the binary under test and rule folders on disk;
//! [`Test`], a run of the binary in a folder of its own; [`fake`], a fake
//! NetSuite server for the probe.

pub mod fake;
pub mod test;

pub use test::Test;

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn triage() -> Command {
    let mut cmd = Command::new(insta_cmd::get_cargo_bin("triage"));
    cmd.env("NO_COLOR", "1");
    cmd
}

pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A temporary folder holding a copy of the shipped rules as `rules/`, for
/// tests that break them; run the binary with it as the current directory.
pub fn rules_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&manifest_dir().join("rules"), &dir.path().join("rules"));
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// Runs the command with `input` on stdin, written from a thread since the
/// child may stop reading before the end.
pub fn with_stdin(mut cmd: Command, input: &[u8]) -> std::process::Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input).ok());
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}
