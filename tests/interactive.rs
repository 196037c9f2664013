//! `diagnose --interactive` end to end: the binary with a pseudo-terminal as
//! stdin (so `is_terminal` holds, as for a person), answers typed into it,
//! the conversation read from stdout.

use insta_cmd::assert_cmd_snapshot;

use crate::support::triage;

#[test]
fn without_a_terminal_it_says_so_and_exits_2() {
    assert_cmd_snapshot!(
        triage()
            .args(["diagnose", "NS0109", "--interactive"])
            .stdin(std::process::Stdio::null())
    );
}

#[cfg(unix)]
mod pty {
    use std::io::Write;
    use std::os::fd::OwnedFd;
    use std::process::{Command, Output, Stdio};
    use std::time::{Duration, Instant};

    use rustix::fs::{Mode, OFlags};
    use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
    use rustix::termios::{LocalModes, OptionalActions, tcgetattr, tcsetattr};

    use crate::support::{manifest_dir, triage};

    /// A pseudo-terminal: the master to type into, the slave for the child's stdin.
    fn open_pty() -> (std::fs::File, OwnedFd) {
        let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY | OpenptFlags::CLOEXEC)
            .expect("open a pseudo-terminal");
        grantpt(&master).expect("grantpt");
        unlockpt(&master).expect("unlockpt");
        let name = ptsname(&master, Vec::new()).expect("ptsname");
        let slave = rustix::fs::open(
            name.as_c_str(),
            OFlags::RDWR | OFlags::NOCTTY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .expect("open the pty slave");
        // No echo: the conversation is read from stdout alone.
        let mut termios = tcgetattr(&slave).expect("tcgetattr");
        termios.local_modes.remove(LocalModes::ECHO);
        tcsetattr(&slave, OptionalActions::Now, &termios).expect("tcsetattr");
        (std::fs::File::from(master), slave)
    }

    /// Runs the command with the answers typed on its terminal, then Ctrl-D.
    fn converse(mut cmd: Command, answers: &[&str]) -> Output {
        let (mut master, slave) = open_pty();
        for a in answers {
            writeln!(master, "{a}").expect("type an answer");
        }
        // Ctrl-D at the start of a line: end of input, should anything be left to ask.
        master.write_all(b"\x04").expect("type Ctrl-D");
        let mut child = cmd
            .stdin(Stdio::from(slave))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start triage");
        // A guard against hanging the suite if the loop ever waits for more.
        let deadline = Instant::now() + Duration::from_secs(120);
        while child.try_wait().expect("wait").is_none() {
            if Instant::now() > deadline {
                child.kill().ok();
                panic!("triage --interactive did not finish");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        child.wait_with_output().expect("output")
    }

    fn facts() -> String {
        manifest_dir()
            .join("tests/fixtures/facts/attempted.yaml")
            .display()
            .to_string()
    }

    fn text(out: &Output) -> String {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout.clone()).expect("UTF-8")
    }

    #[test]
    fn dont_know_back_and_a_confirmed_cause_then_the_ticket_on_screen() {
        let mut cmd = triage();
        cmd.args(["diagnose", "NS0109", "--interactive", "--facts", &facts()]);
        // Help; don't know → next question; back → the first again; no; yes → confirmed;
        // no second cause; show ticket.
        let out = converse(cmd, &["?", "u", "back", "n", "y", "n", "s"]);
        insta::assert_snapshot!(text(&out));
    }

    #[test]
    fn after_a_confirmed_cause_it_can_keep_checking_for_a_second() {
        let mut cmd = triage();
        cmd.args(["diagnose", "NS0109", "-i", "--facts", &facts()])
            .args(["--yes", "credentials_not_refreshed"]);
        // Keep checking: yes; then yes to the next question; the input ends.
        let out = converse(cmd, &["y", "y"]);
        insta::assert_snapshot!(text(&out));
    }

    #[test]
    fn the_ticket_goes_to_a_file_and_an_existing_one_is_kept() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("NS0109-ticket.md"), "keep me").expect("write");
        let mut cmd = triage();
        cmd.current_dir(dir.path())
            .args(["diagnose", "NS0109", "-i", "--facts", &facts()])
            .args(["--yes", "credentials_not_refreshed"]);
        // Confirmed by the flag: no second cause; file; default name exists; another name.
        let out = converse(cmd, &["n", "f", "", "draft.md"]);
        let stdout = text(&out);
        assert!(stdout.contains("A cause is confirmed."), "{stdout}");
        assert!(
            stdout.contains("NS0109-ticket.md already exists; it is not overwritten."),
            "{stdout}"
        );
        assert!(
            stdout.contains("Ticket draft written to draft.md."),
            "{stdout}"
        );
        let kept = std::fs::read_to_string(dir.path().join("NS0109-ticket.md")).expect("kept");
        assert_eq!(kept, "keep me");
        let draft = std::fs::read_to_string(dir.path().join("draft.md")).expect("draft");
        assert!(
            draft.starts_with("Subject: NS0109 Sync Error in NetSuite"),
            "{draft}"
        );
        assert!(draft.contains("2026-11-28 09:30 UTC"), "{draft}");
    }

    #[test]
    fn answering_no_to_everything_ends_with_nothing_left_and_escalation() {
        let mut cmd = triage();
        cmd.args(["diagnose", "NS0109", "--interactive", "--facts", &facts()]);
        let out = converse(cmd, &["n", "n", "n", "n", "n", "n", "n"]);
        let stdout = text(&out);
        assert!(
            stdout.contains("Every cause is ruled out: this needs Concierge."),
            "{stdout}"
        );
        assert!(stdout.contains("Escalate:"), "{stdout}");
        assert_eq!(
            stdout.matches("causes still possible]").count(),
            6,
            "{stdout}"
        );
    }

    #[test]
    fn a_pasted_message_is_recognised_before_the_questions() {
        let mut cmd = triage();
        cmd.current_dir(manifest_dir()).args([
            "--rules",
            "tests/fixtures/rules-multi",
            "diagnose",
            "Report R42 could not be exported because the Vendor Bill record is locked by ann@example.com",
            "--interactive",
        ]);
        let out = converse(cmd, &["y", "n"]);
        let stdout = text(&out);
        assert!(stdout.starts_with("NS0777: "), "{stdout}");
        assert!(
            stdout.contains("From the message: email = ann@example.com, record type = Vendor Bill, report id = R42."),
            "{stdout}"
        );
    }
}
