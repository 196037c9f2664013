//! [`Test`]: one run of `triage` in a temporary folder of its own, with its
//! rule files written inline or copied from the shipped rules or the check
//! fixtures' base.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{copy_dir, manifest_dir, triage, with_stdin};

/// A temporary folder as the current directory, the files in it, and the
/// command line to run there (with `NO_COLOR=1`, as [`triage`] sets).
///
/// ```ignore
/// let out = Test::new()
///     .file("rules/netsuite/integration.yaml", "id: netsuite\n…")
///     .args(["--rules", "rules", "check"])
///     .run()
///     .status(1);
/// assert!(out.stdout.contains("R008"), "{}", out.stdout);
/// ```
///
/// Start from [`Test::with_shipped_rules`] (the repository's `rules/`) or
/// [`Test::with_check_base`] (`tests/fixtures/check/_base`) and change a
/// file with [`Test::edit`]; snapshot a run with
/// `insta_cmd::assert_cmd_snapshot!(test.command())` (the macro names the
/// snapshot after the calling test), or take its output with [`Test::run`].
/// [`Output::then`] gives the folder back for the next command.
pub struct Test {
    dir: tempfile::TempDir,
    /// The current directory, relative to `dir`.
    cwd: PathBuf,
    args: Vec<OsString>,
    stdin: Option<Vec<u8>>,
}

impl Test {
    /// An empty folder: outside any checkout, so the embedded rules apply
    /// unless the test writes `rules/`.
    pub fn new() -> Self {
        Test {
            dir: tempfile::tempdir().expect("temp dir"),
            cwd: PathBuf::new(),
            args: Vec::new(),
            stdin: None,
        }
    }

    /// A copy of the shipped rules as `rules/`, for tests that break them.
    pub fn with_shipped_rules() -> Self {
        Test::new().copy("rules", "rules")
    }

    /// A copy of `tests/fixtures/check/_base` (its small `rules/`), which
    /// does not follow edits to the shipped rules.
    pub fn with_check_base() -> Self {
        Test::new().copy("tests/fixtures/check/_base", "")
    }

    /// A check case's folder: [`Test::with_check_base`] with the case's
    /// files laid over it; `NAME.absent` in the case removes the base's
    /// `NAME`. A case holds only what differs from the base.
    pub fn check_case(case: &Path) -> Self {
        let test = Test::with_check_base();
        overlay(case, case, test.dir.path());
        test
    }

    /// Copies `from` (relative to the repository) to `to` (relative to the folder).
    pub fn copy(self, from: &str, to: &str) -> Self {
        copy_dir(&manifest_dir().join(from), &self.dir.path().join(to));
        self
    }

    /// Writes a file, with the folders it needs.
    pub fn file(self, path: &str, contents: impl AsRef<[u8]>) -> Self {
        let path = self.dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create dir");
        std::fs::write(path, contents).expect("write file");
        self
    }

    /// Replaces `from` with `to` in a file; fails the test when `from` is not there.
    pub fn edit(self, path: &str, from: &str, to: &str) -> Self {
        let text = self.read(path);
        assert!(text.contains(from), "{path} does not hold {from:?}");
        self.file(path, text.replace(from, to))
    }

    /// Runs in this folder below the temporary one (created).
    pub fn current_dir(mut self, path: &str) -> Self {
        std::fs::create_dir_all(self.dir.path().join(path)).expect("create dir");
        self.cwd = PathBuf::from(path);
        self
    }

    pub fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.args.push(arg.into());
        self
    }

    pub fn args<I: IntoIterator<Item = S>, S: Into<OsString>>(mut self, args: I) -> Self {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// What the command reads on stdin (written from a thread: the command
    /// may stop reading before the end).
    pub fn stdin(mut self, input: impl AsRef<[u8]>) -> Self {
        self.stdin = Some(input.as_ref().to_vec());
        self
    }

    /// The temporary folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A file's text, relative to the folder.
    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(path)).expect("read file")
    }

    /// The command, for `assert_cmd_snapshot!` (stdin is [`Test::run`]'s).
    pub fn command(&self) -> Command {
        let mut cmd = triage();
        cmd.current_dir(self.dir.path().join(&self.cwd))
            .args(&self.args);
        cmd
    }

    /// Runs the command to its end.
    pub fn run(self) -> Output {
        let out = match &self.stdin {
            Some(input) => with_stdin(self.command(), input),
            None => self.command().output().expect("run triage"),
        };
        Output {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            test: self,
        }
    }

    /// The same folder, for another command: no arguments, no stdin.
    pub fn then(mut self) -> Self {
        self.args.clear();
        self.stdin = None;
        self
    }
}

/// What a [`Test`] run printed, and its folder.
pub struct Output {
    /// The exit code; `None` when a signal ended the command.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    test: Test,
}

impl Output {
    /// Fails the test unless the command exited with `code`.
    pub fn status(self, code: i32) -> Self {
        assert_eq!(
            self.code,
            Some(code),
            "stdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// The stdout as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).expect("stdout is JSON")
    }

    /// The temporary folder the command ran in.
    pub fn path(&self) -> &Path {
        self.test.path()
    }

    /// The folder, for another command ([`Test::then`]).
    pub fn then(self) -> Test {
        self.test.then()
    }
}

fn overlay(root: &Path, from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.strip_prefix(root).unwrap());
        if path.is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            overlay(root, &path, to);
        } else if let Some(name) = target.to_str().and_then(|t| t.strip_suffix(".absent")) {
            std::fs::remove_file(name).unwrap();
        } else if path.file_name().is_some_and(|n| n != ".keep") {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}
