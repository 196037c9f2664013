//! `diagnose --interactive`: yes / no / don't-know questions one at a time,
//! chosen by [`engine::next_question`], until a cause is confirmed or nothing
//! more can be learned; then the diagnosis with its fix plan, and an offer to
//! write the Concierge ticket draft to a file or the screen.
//!
//! The loop is generic over its input and output so tests drive it with
//! scripted answers; the command checks that stdin is a terminal first.

use std::collections::BTreeSet;
use std::io::{BufRead, Write};
use std::path::Path;

use crate::cli::RunError;
use crate::engine::{self, Diagnosis, Observations, Status, Value};
use crate::rules::{Code, Integration};

/// The ticket draft for some observations and, if asked, the attempt's time.
pub type TicketDraft<'a> =
    dyn Fn(&Observations, Option<jiff::Timestamp>) -> Result<String, crate::Error> + 'a;

/// What a session needs besides its input and output.
pub struct Session<'a> {
    pub integration: &'a Integration,
    pub code: &'a Code,
    /// What was known before the first question (flags, facts file).
    pub known: Observations,
    /// The full diagnosis for some observations (with leads and captures).
    pub diagnose: &'a dyn Fn(&Observations) -> Diagnosis,
    /// The diagnosis as a person reads it.
    pub report: &'a dyn Fn(&Diagnosis) -> String,
    /// The ticket draft for some observations and the time of the attempt
    /// (`None`: the one the flags or the facts file gave, or none).
    pub ticket: &'a TicketDraft<'a>,
    /// Whether to ask when the attempt was made (no flag or facts file said).
    pub ask_time: bool,
    /// Where "file" writes the ticket unless the person names another file.
    pub ticket_file: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    Yes,
    No,
    DontKnow,
    Back,
    Quit,
    Help,
}

fn parse_answer(line: &str) -> Option<Answer> {
    let a = line.trim().to_lowercase().replace('’', "'");
    Some(match a.as_str() {
        "y" | "yes" => Answer::Yes,
        "n" | "no" => Answer::No,
        "u" | "d" | "dk" | "unknown" | "skip" | "don't know" | "dont know" | "idk" => {
            Answer::DontKnow
        }
        "?" | "h" | "help" => Answer::Help,
        "b" | "back" | "undo" => Answer::Back,
        "q" | "quit" | "exit" | "stop" => Answer::Quit,
        _ => return None,
    })
}

const HELP: &str = "Answer y (yes), n (no), u (don't know), b (back to the previous question) or q (stop asking); ? shows this again.";

/// How the questions ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Confirmed,
    NothingToAsk,
    Quit,
    /// The input ended (Ctrl-D): no ticket offer, nobody to answer it.
    Eof,
}

/// Runs the questions, prints the diagnosis and offers the ticket; returns
/// the final observations.
pub fn run<R: BufRead, W: Write + ?Sized>(
    session: &Session,
    input: &mut R,
    out: &mut W,
) -> Result<Observations, RunError> {
    let mut obs = session.known.clone();
    let end = ask(session, &mut obs, input, out)?;
    let diagnosis = (session.diagnose)(&obs);
    writeln!(out, "\n{}", ending(end, &diagnosis))?;
    writeln!(out, "\n{}", (session.report)(&diagnosis).trim_end())?;
    if end != End::Eof {
        offer_ticket(session, &obs, input, out)?;
    }
    Ok(obs)
}

/// Asks until a cause is confirmed, nothing is left to ask, or the person stops.
fn ask<R: BufRead, W: Write + ?Sized>(
    session: &Session,
    obs: &mut Observations,
    input: &mut R,
    out: &mut W,
) -> Result<End, RunError> {
    let (integration, code) = (session.integration, session.code);
    writeln!(
        out,
        "{}: {}",
        code.code,
        crate::recognize::strip_code_prefix(&code.message)
    )?;
    writeln!(out, "{HELP}")?;
    // Signals answered in this session, latest last, for going back.
    let mut answered: Vec<String> = Vec::new();
    let mut skipped: BTreeSet<String> = BTreeSet::new();
    // Whether the person asked to look for a second cause after one was confirmed.
    let mut beyond = false;
    loop {
        let verdicts = engine::verdicts(code, obs);
        let confirmed = verdicts.iter().any(|v| v.status == Status::Confirmed);
        let next = engine::next_question_among_possible(integration, code, obs, &skipped);
        if confirmed && !beyond {
            if next.is_none() || !keep_checking(input, out)? {
                return Ok(End::Confirmed);
            }
            beyond = true;
        }
        let Some(question) = next else {
            return Ok(if confirmed {
                End::Confirmed
            } else {
                End::NothingToAsk
            });
        };
        let possible = verdicts
            .iter()
            .filter(|v| v.status == Status::Possible)
            .count();
        write!(
            out,
            "\n[{possible} of {} causes still possible] {} [y/n/u/b/q/?] ",
            verdicts.len(),
            question.question
        )?;
        out.flush()?;
        let Some(line) = read_line(input)? else {
            writeln!(out)?;
            return Ok(End::Eof);
        };
        match parse_answer(&line) {
            Some(a @ (Answer::Yes | Answer::No)) => {
                let value = if a == Answer::Yes {
                    Value::Yes
                } else {
                    Value::No
                };
                obs.set(question.signal.clone(), value);
                answered.push(question.signal);
            }
            Some(Answer::DontKnow) => {
                skipped.insert(question.signal.clone());
                answered.push(question.signal);
            }
            Some(Answer::Back) => match answered.pop() {
                Some(signal) => {
                    obs.0.remove(&signal);
                    skipped.remove(&signal);
                    writeln!(out, "Back: the previous answer is withdrawn.")?;
                }
                None => writeln!(out, "Nothing to go back to: this is the first question.")?,
            },
            Some(Answer::Quit) => return Ok(End::Quit),
            Some(Answer::Help) | None => writeln!(out, "{HELP}")?,
        }
    }
}

/// A cause is confirmed and others are still possible: ask whether to go on.
fn keep_checking<R: BufRead, W: Write + ?Sized>(
    input: &mut R,
    out: &mut W,
) -> Result<bool, RunError> {
    loop {
        write!(
            out,
            "\nA cause is confirmed. Keep checking for a second cause? [y/n] "
        )?;
        out.flush()?;
        let Some(line) = read_line(input)? else {
            return Ok(false);
        };
        match line.trim().to_lowercase().as_str() {
            "y" | "yes" => return Ok(true),
            "n" | "no" | "q" | "" => return Ok(false),
            _ => writeln!(out, "Answer y or n.")?,
        }
    }
}

fn ending(end: End, d: &Diagnosis) -> String {
    let possible = d.with_status(Status::Possible).count();
    match end {
        End::Confirmed => match d.with_status(Status::Confirmed).count() {
            1 => "A cause is confirmed.".to_string(),
            n => format!("{n} causes are confirmed."),
        },
        End::NothingToAsk if possible == 0 => {
            "Every cause is ruled out: this needs Concierge.".to_string()
        }
        End::NothingToAsk if !d.probe_signals.is_empty() => format!(
            "No other question can decide it: what is left only the probe observes ({}). Run `triage diagnose {} --probe {}` to observe it.",
            d.probe_signals.join(", "),
            d.code,
            d.integration
        ),
        End::NothingToAsk => format!(
            "No other question can decide it: {possible} cause{} still possible.",
            if possible == 1 { " is" } else { "s are" }
        ),
        End::Quit | End::Eof => format!("Stopped asking; {possible} causes still possible."),
    }
}

/// One line of input without its line break; `None` at end of input.
fn read_line<R: BufRead>(input: &mut R) -> Result<Option<String>, RunError> {
    let mut line = String::new();
    // A line is a word or a file name: a cap keeps a stuck key from filling memory.
    let n = std::io::Read::take(&mut *input, 4096).read_line(&mut line)?;
    Ok((n > 0).then(|| line.trim_end_matches(['\n', '\r']).to_string()))
}

fn offer_ticket<R: BufRead, W: Write + ?Sized>(
    session: &Session,
    obs: &Observations,
    input: &mut R,
    out: &mut W,
) -> Result<(), RunError> {
    loop {
        write!(
            out,
            "\nWrite a ticket draft for Concierge? f (to a file), s (show it here) or n (no) [f/s/n] "
        )?;
        out.flush()?;
        let Some(line) = read_line(input)? else {
            writeln!(out)?;
            return Ok(());
        };
        match line.trim().to_lowercase().as_str() {
            "f" | "file" => {
                let Some(at) = attempt_time(session, input, out)? else {
                    return Ok(());
                };
                return ticket_to_file(session, obs, at, input, out);
            }
            "s" | "show" | "stdout" | "screen" => {
                let Some(at) = attempt_time(session, input, out)? else {
                    return Ok(());
                };
                writeln!(out, "\n{}", (session.ticket)(obs, at)?.trim_end())?;
                return Ok(());
            }
            "n" | "no" | "q" | "quit" => return Ok(()),
            _ => writeln!(out, "Answer f, s or n.")?,
        }
    }
}

/// When the attempt was made, asked unless already known: Enter takes the
/// time shown (now). `Some(None)` when nothing needed asking; `None` at the
/// end of input.
fn attempt_time<R: BufRead, W: Write + ?Sized>(
    session: &Session,
    input: &mut R,
    out: &mut W,
) -> Result<Option<Option<jiff::Timestamp>>, RunError> {
    if !session.ask_time {
        return Ok(Some(None));
    }
    let now = jiff::Timestamp::now();
    loop {
        write!(
            out,
            "When was the attempt made? RFC 3339, e.g. 2026-11-28T09:30:00Z (Enter: now, {}) ",
            now.strftime("%Y-%m-%d %H:%M UTC")
        )?;
        out.flush()?;
        let Some(line) = read_line(input)? else {
            writeln!(out)?;
            return Ok(None);
        };
        if line.trim().is_empty() {
            return Ok(Some(Some(now)));
        }
        match crate::cli::ticket::parse_time(&line) {
            Ok(t) => return Ok(Some(Some(t))),
            Err(e) => writeln!(out, "{}", e.to_string().replace("--attempted-at ", ""))?,
        }
    }
}

fn ticket_to_file<R: BufRead, W: Write + ?Sized>(
    session: &Session,
    obs: &Observations,
    at: Option<jiff::Timestamp>,
    input: &mut R,
    out: &mut W,
) -> Result<(), RunError> {
    let ticket = (session.ticket)(obs, at)?;
    loop {
        write!(
            out,
            "File name (Enter for {}, q to skip): ",
            session.ticket_file
        )?;
        out.flush()?;
        let Some(line) = read_line(input)? else {
            writeln!(out)?;
            return Ok(());
        };
        let name = match line.trim() {
            "" => session.ticket_file.as_str(),
            "q" => return Ok(()),
            name => name,
        };
        let shown = crate::util::text::printable(name, false);
        let path = Path::new(name);
        if path.exists() {
            writeln!(out, "{shown} already exists; it is not overwritten.")?;
            continue;
        }
        match std::fs::write(path, &ticket) {
            Ok(()) => {
                writeln!(out, "Ticket draft written to {shown}.")?;
                return Ok(());
            }
            Err(e) => writeln!(out, "Could not write {shown}: {e}")?,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::test_support::{code, integration};

    fn session_run(answers: &str) -> (Observations, String) {
        session_run_asking(answers, false)
    }

    fn session_run_asking(answers: &str, ask_time: bool) -> (Observations, String) {
        let code = code(&[
            ("rare", "a", 1),
            ("common", "b", 3),
            ("either", "c or d", 2),
        ]);
        let integration = integration(&code);
        let diagnose = |o: &Observations| engine::diagnose(&integration, &code, o);
        let report = |d: &Diagnosis| {
            d.with_status(Status::Confirmed)
                .map(|c| format!("confirmed {}\n", c.id))
                .collect::<String>()
        };
        let ticket =
            |o: &Observations, at: Option<jiff::Timestamp>| -> Result<String, crate::Error> {
                Ok(format!("TICKET {:?} at {at:?}\n", o.0))
            };
        let session = Session {
            integration: &integration,
            code: &code,
            known: Observations::default(),
            diagnose: &diagnose,
            report: &report,
            ticket: &ticket,
            ask_time,
            ticket_file: "unused.md".into(),
        };
        let mut out = Vec::new();
        let obs = run(&session, &mut answers.as_bytes(), &mut out).unwrap();
        (obs, String::from_utf8(out).unwrap())
    }

    #[test]
    fn the_time_of_the_attempt_is_asked_when_not_known() {
        let (_, out) = session_run_asking("y\nn\ns\nyesterday\n2026-11-28T09:30:00Z\n", true);
        assert!(out.contains("When was the attempt made?"), "{out}");
        assert!(out.contains("(Enter: now, "), "the default is shown: {out}");
        assert!(out.contains("`yesterday` is not an RFC 3339 time"), "{out}");
        assert!(out.contains("at Some(2026-11-28T09:30:00Z)"), "{out}");
        // Enter takes the time shown.
        let (_, out) = session_run_asking("y\nn\ns\n\n", true);
        assert!(out.contains("TICKET") && !out.contains("at None"), "{out}");
        // Known from a flag or the facts file: not asked.
        let (_, out) = session_run_asking("y\nn\ns\n", false);
        assert!(!out.contains("When was the attempt made?"), "{out}");
    }

    #[test]
    fn yes_confirms_and_stops() {
        let (obs, out) = session_run("y\nn\nn\n");
        assert_eq!(obs.get("b"), Value::Yes);
        assert!(
            out.contains("[3 of 3 causes still possible] Is b so?"),
            "{out}"
        );
        assert!(
            out.contains("A cause is confirmed.\n\nconfirmed common"),
            "{out}"
        );
        assert!(out.ends_with("[f/s/n] "), "{out}");
    }

    #[test]
    fn dont_know_moves_on_and_back_undoes_it() {
        // b: don't know → next question; back → b again; no → next.
        let (obs, out) = session_run("d\nb\nn\nq\n");
        assert_eq!(obs.get("b"), Value::No);
        assert_eq!(out.matches("Is b so?").count(), 2, "{out}");
        assert!(
            out.contains("Back: the previous answer is withdrawn."),
            "{out}"
        );
        assert!(out.contains("[2 of 3 causes still possible]"), "{out}");
        assert!(
            out.contains("Stopped asking; 2 causes still possible."),
            "{out}"
        );
    }

    #[test]
    fn back_at_the_first_question_and_nonsense_are_explained() {
        let (_, out) = session_run("b\nmaybe\n");
        assert!(out.contains("Nothing to go back to"), "{out}");
        assert!(out.contains(HELP), "{out}");
        assert!(
            out.ends_with("Stopped asking; 3 causes still possible.\n\n\n"),
            "{out:?}"
        );
    }

    #[test]
    fn all_no_ends_with_nothing_left_and_shows_the_ticket() {
        let (_, out) = session_run("n\nn\nn\nn\ns\n");
        assert!(out.contains("Every cause is ruled out"), "{out}");
        assert!(out.contains("TICKET"), "{out}");
    }

    #[test]
    fn answers_are_read_loosely() {
        assert_eq!(parse_answer(" YES "), Some(Answer::Yes));
        assert_eq!(parse_answer("don’t know"), Some(Answer::DontKnow));
        assert_eq!(parse_answer("Back"), Some(Answer::Back));
        assert_eq!(parse_answer("perhaps"), None);
    }
}
