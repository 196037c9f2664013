//! A code's causes: their text or items, `when`/`unless` conditions over
//! the integration's signals, and the procedures that fix them.

use serde_saphyr::Spanned;

use super::{InCode, Validator, Vars, blocks};
use crate::diag::Code;
use crate::diag::{FileId, Span};
use crate::diag::{Finding, did_you_mean};
use crate::rules::raw::RawCause;
use crate::rules::{Cause, Condition};

impl<'a> Validator<'a> {
    /// The code's causes without errors, in order; duplicate ids are R102.
    pub(super) fn causes(&mut self, at: InCode, listed: &[&str]) -> Vec<Cause> {
        let InCode {
            shared,
            file,
            raw,
            vars,
            ..
        } = at;
        let signal_ids: Vec<&str> = shared.signals.keys().copied().collect();
        let mut causes = Vec::new();
        // Only the duplicate findings matter here; causes are matched by position.
        self.unique(file, raw.causes.iter().map(|c| &c.id), Code::R102, "cause");
        for cause in &raw.causes {
            if let Some(c) = self.cause(file, cause, &signal_ids, listed, vars) {
                causes.push(c);
            }
        }
        causes
    }

    /// One cause: its text or items (R012), conditions and fixes.
    fn cause(
        &mut self,
        file: FileId,
        raw: &RawCause,
        signals: &[&str],
        procedures: &[&str],
        vars: &Vars,
    ) -> Option<Cause> {
        let span = Span::of(file, &raw.id);
        let items = match (&raw.text, &raw.items) {
            (Some(t), None) => vec![self.text(t, vars, &span)?],
            (None, Some(items)) if !items.is_empty() => items
                .iter()
                .map(|i| self.text(i, vars, &span))
                .collect::<Option<Vec<_>>>()?,
            (None, Some(_)) => {
                self.push(blocks::empty_list(span, "`items`"));
                return None;
            }
            _ => {
                self.push(
                    Finding::new(
                        Code::R012,
                        format!("cause `{}` needs exactly one of `text` or `items`", raw.id.value),
                    )
                    .at(span, "this cause")
                    .help("`text` is the sentence the cause list prints; `items`, several that only together are this cause"),
                );
                return None;
            }
        };
        let text = items.join(" ");
        let when = self.condition(file, &raw.when, signals);
        let unless = match &raw.unless {
            Some(u) => Some(self.condition(file, u, signals)?),
            None => None,
        };
        let mut fixes = Vec::new();
        for fix in &raw.fixes {
            if procedures.contains(&fix.value.as_str()) {
                fixes.push(fix.value.clone());
            } else {
                let help = did_you_mean(&fix.value, procedures.iter().copied())
                    .unwrap_or_else(|| "a cause's fixes must be listed in `fix.procedures`".into());
                self.push(
                    Finding::new(
                        Code::R202,
                        format!("cause `{}` names procedure `{}`, which is not in this article's `fix.procedures`", raw.id.value, fix.value),
                    )
                    .at(self.value_span(file, fix), "unknown here")
                    .help(help),
                );
            }
        }
        Some(Cause {
            id: raw.id.value.clone(),
            text,
            items,
            when: when?,
            unless,
            fixes,
            priority: raw.priority,
        })
    }

    /// Parses a condition; unknown signals are reported at their exact column.
    fn condition(
        &mut self,
        file: FileId,
        text: &Spanned<String>,
        signals: &[&str],
    ) -> Option<Condition> {
        let base = self.value_span(file, text);
        let at = |r: std::ops::Range<usize>| {
            Span::new(file, base.range.start + r.start..base.range.start + r.end)
        };
        match crate::rules::condition::parse(&text.value) {
            Err(e) => {
                self.push(
                    Finding::new(
                        Code::R204,
                        format!("condition does not parse: {}", e.message),
                    )
                    .at(at(e.range), "here")
                    .help("write signal ids joined by `and`, `or`, `not` and parentheses"),
                );
                None
            }
            Ok(cond) => {
                let mut ok = true;
                for (name, range) in cond.signals() {
                    if !signals.contains(&name) {
                        ok = false;
                        let help =
                            did_you_mean(name, signals.iter().copied()).unwrap_or_else(|| {
                                "declare the signal under `signals:` in integration.yaml".into()
                            });
                        self.push(
                            Finding::new(Code::R201, format!("unknown signal `{name}`"))
                                .at(at(range), "not in the integration's signals")
                                .help(help),
                        );
                    }
                }
                ok.then_some(cond)
            }
        }
    }
}
