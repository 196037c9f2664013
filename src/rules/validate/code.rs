//! One code file → its [`Code`]: names, kind, message and patterns, the
//! article's texts and blocks, escalation. Causes are in `cause.rs`,
//! procedures in `procedure.rs`.

use std::collections::{BTreeMap, HashMap};

use super::blocks::BlockScope;
use super::{InCode, Shared, Validator, Vars};
use crate::diag;
use crate::diag::{FileId, Span};
use crate::diag::{Finding, did_you_mean};
use crate::rules::ids;
use crate::rules::pattern::{Checked, Pattern};
use crate::rules::raw::{RawCode, RawWhy};
use crate::rules::{
    Block, Cause, Code, Escalation, Faq, FrontMatter, Kind, Placeholder, Procedure, Why,
};

/// Code id → where it was first defined, across integrations.
#[derive(Default)]
pub struct CodesSeen(HashMap<String, Span>);

impl CodesSeen {
    /// R101 when the code was already defined; otherwise remembers it.
    pub fn check(&mut self, code: &str, span: Span) -> Option<Finding> {
        let key = code.to_ascii_uppercase();
        match self.0.get(&key) {
            Some(first) => Some(
                Finding::new(
                    diag::Code::R101,
                    format!("code `{code}` is defined in two files"),
                )
                .at(span, "defined again here")
                .also(first.clone(), "first defined here")
                .help("keep one file per code"),
            ),
            None => {
                self.0.insert(key, span);
                None
            }
        }
    }
}

impl<'a> Validator<'a> {
    /// One code's model, or `None` when its rules have errors (reported).
    /// Duplicate codes across files are the caller's to find ([`CodesSeen`]).
    pub fn code(&mut self, shared: &Shared, file: FileId, raw: &RawCode) -> Option<Code> {
        let findings_before = self.errors();
        let code_span = Span::of(file, &raw.code);
        let code_id = raw.code.value.clone();
        self.names(shared, file, raw, &code_span);
        let kind = self.kind(file, raw);
        let vars = Vars {
            code: &code_id,
            kind,
            product: shared.name,
        };
        let at = InCode {
            shared,
            file,
            raw,
            vars: &vars,
            span: &code_span,
        };
        let layout = match &raw.layout {
            Some(l) => self.layout(file, &shared.layout, l),
            None => shared.layout.clone(),
        };
        let placeholders = self.placeholders(file, raw);
        let patterns = self.patterns(file, raw, &placeholders);
        let (procedures, listed) = self.fix_procedures(at);
        let causes = self.causes(at, &listed);
        let escalation = self.escalation(at);
        let sections = self.sections(at, &causes);
        let front_matter = self.front_matter(at);
        let faq = self.faq(at);
        let summary = raw
            .summary
            .as_deref()
            .map(|s| self.text_or_written(at, s, &code_span));

        self.heading_depth(&layout, &procedures, &code_span);
        if self.errors() > findings_before {
            return None;
        }
        Some(Code {
            code: code_id,
            kind,
            message: raw.message.value.clone(),
            placeholders,
            patterns,
            summary: summary.unwrap_or_else(|| {
                procedures
                    .first()
                    .map_or_else(String::new, |p: &Procedure| format!("{}.", p.name()))
            }),
            front_matter,
            layout,
            meaning: sections.meaning?,
            why: sections.why,
            causes,
            fix_heading: sections.fix_heading?,
            fix_lead: sections.fix_lead?,
            procedures,
            escalation,
            faq,
            span: code_span,
        })
    }

    /// How many errors are found so far.
    fn errors(&self) -> usize {
        self.findings.iter().filter(|f| f.is_error()).count()
    }

    /// The code's id (R019), its file's name (R010) and its prefix (R011).
    fn names(&mut self, shared: &Shared, file: FileId, raw: &RawCode, code_span: &Span) {
        let code_id = &raw.code.value;
        self.id_shape(file, &raw.code, ids::Shape::Code, "code");

        let file_name = &self.sources.get(file).name;
        let stem = std::path::Path::new(file_name)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !stem.eq_ignore_ascii_case(code_id) {
            self.push(
                Finding::new(
                    diag::Code::R010,
                    format!(
                        "file `{stem}` holds code `{code_id}`: a code file is named after its code"
                    ),
                )
                .at(code_span.clone(), "this code")
                .help(format!(
                    "rename the file to {code_id}.yaml, or fix the code"
                )),
            );
        }
        let prefix = &shared.raw.prefix.value;
        if !code_id.starts_with(prefix.as_str()) {
            self.push(
                Finding::new(
                    diag::Code::R011,
                    format!(
                        "code `{code_id}` does not start with the integration prefix `{prefix}`"
                    ),
                )
                .at(code_span.clone(), "this code"),
            );
        }
    }

    /// The code's kind; an unknown one is R007 (and `sync` stands in).
    fn kind(&mut self, file: FileId, raw: &RawCode) -> Kind {
        match Kind::parse(&raw.kind.value) {
            Some(k) => k,
            None => {
                let help = did_you_mean(&raw.kind.value, Kind::ALL.iter().map(|k| k.id()))
                    .unwrap_or_else(|| "use one of: sync, export, connection".into());
                self.push(
                    Finding::new(
                        diag::Code::R007,
                        format!("unknown kind `{}`", raw.kind.value),
                    )
                    .at(
                        self.value_span(file, &raw.kind),
                        "expected sync, export or connection",
                    )
                    .help(help),
                );
                Kind::Sync
            }
        }
    }

    /// The article's sections of blocks: meaning, why, the fix's lead and heading.
    fn sections(&mut self, at: InCode, causes: &[Cause]) -> Sections {
        let InCode {
            shared,
            file,
            raw,
            vars,
            span: code_span,
        } = at;
        let no_words = BTreeMap::new();
        let cause_items: Vec<(String, Vec<String>)> = causes
            .iter()
            .map(|c: &Cause| (c.id.clone(), c.items.clone()))
            .collect();
        let scope = BlockScope {
            file,
            shared_file: shared.file,
            vars,
            snippets: &shared.snippets,
            variants: &shared.variants,
            causes: None,
            words: &no_words,
        };
        let meaning = self.optional_blocks(raw.meaning.as_ref(), &scope, code_span);
        let in_why = BlockScope {
            causes: Some(&cause_items),
            ..scope
        };
        let why = raw.why.as_ref().and_then(|w| self.why(at, w, &in_why));
        let fix_lead = self.optional_blocks(
            raw.fix.as_ref().and_then(|f| f.lead.as_ref()),
            &scope,
            code_span,
        );
        let fix_heading = self.section_heading(
            &at,
            raw.fix.as_ref().and_then(|f| f.heading.as_ref()),
            |l| &l.fix_title,
            crate::rules::layout::FIX_TITLE,
        );
        Sections {
            meaning,
            why,
            fix_heading,
            fix_lead,
        }
    }

    /// A section's heading: as written, else the title template of the code's
    /// layout, of the integration's, or the default.
    fn section_heading(
        &mut self,
        at: &InCode,
        written: Option<&String>,
        key: fn(&crate::rules::raw::RawLayout) -> &Option<String>,
        default: &str,
    ) -> Option<String> {
        let text = written.map_or_else(
            || layout_title(&at.raw.layout, &at.shared.raw.layout, key, default),
            String::as_str,
        );
        self.text(text, at.vars, at.span)
    }

    /// The `why` section: its heading, and a body that prints the cause list
    /// at most once (R016).
    fn why(&mut self, at: InCode, w: &RawWhy, in_why: &BlockScope) -> Option<Why> {
        let code_span = at.span;
        let heading = self.section_heading(
            &at,
            w.heading.as_ref(),
            |l| &l.why_title,
            crate::rules::layout::WHY_TITLE,
        )?;
        let body = self.blocks(&w.body, in_why, code_span)?;
        if body
            .iter()
            .filter(|b| matches!(b, Block::Causes(_)))
            .count()
            > 1
        {
            self.push(
                Finding::new(
                    diag::Code::R016,
                    "the cause list is printed twice in `why.body`",
                )
                .at(code_span.clone(), "in this code")
                .help("keep one `causes` block; write other lists as `bullets`"),
            );
            return None;
        }
        Some(Why { heading, body })
    }

    /// Placeholders work in every text of the article; an unknown one is
    /// a finding (and the code is dropped), never a blank.
    fn text_or_written(&mut self, at: InCode, s: &str, span: &Span) -> String {
        self.text(s, at.vars, span).unwrap_or_else(|| s.to_string())
    }

    /// The article's front matter, its title from the layout unless given.
    fn front_matter(&mut self, at: InCode) -> FrontMatter {
        let InCode {
            shared,
            file,
            raw,
            span: code_span,
            ..
        } = at;
        let fm = &raw.front_matter;
        let mut t = |s: &str, span: &Span| self.text_or_written(at, s, span);
        let title_template = fm.title.as_deref().unwrap_or_else(|| {
            layout_title(
                &raw.layout,
                &shared.raw.layout,
                |l| &l.title,
                crate::rules::layout::TITLE,
            )
        });
        FrontMatter {
            title: t(title_template, code_span),
            description: t(&fm.description.value, &Span::of(file, &fm.description)),
            keywords: t(&fm.keywords.value, &Span::of(file, &fm.keywords)),
            internal_scope: t(
                &fm.internal_scope.value,
                &Span::of(file, &fm.internal_scope),
            ),
            display_title: fm.display_title.as_deref().map(|d| t(d, code_span)),
            order: fm.order,
        }
    }

    /// The article's questions and answers.
    fn faq(&mut self, at: InCode) -> Vec<Faq> {
        at.raw
            .faq
            .iter()
            .map(|f| {
                let span = Span::of(at.file, &f.question);
                Faq {
                    question: self.text_or_written(at, &f.question.value, &span),
                    answer: self.text_or_written(at, &f.answer, &span),
                }
            })
            .collect()
    }

    /// The escalation block the code asks for, from integration.yaml's (R206).
    fn escalation(&mut self, at: InCode) -> Option<Escalation> {
        let InCode {
            shared,
            raw,
            vars,
            span: code_span,
            ..
        } = at;
        let kind = vars.kind;
        let use_ = raw.escalation.as_ref()?;
        let Some(base) = &shared.raw.escalation else {
            self.push(
                Finding::new(
                    diag::Code::R206,
                    "this code asks for an escalation block but integration.yaml defines none",
                )
                .at(code_span.clone(), "in this code")
                .help("add `escalation:` to integration.yaml, or remove it here"),
            );
            return None;
        };
        let include = use_
            .include
            .clone()
            .or_else(|| base.include.get(kind.id()).cloned());
        let Some(include) = include else {
            self.push(
                Finding::new(
                    diag::Code::R206,
                    format!(
                        "integration.yaml's escalation has no `include` list for kind `{}`",
                        kind.id()
                    ),
                )
                .at(code_span.clone(), "in this code")
                .help(format!(
                    "add `{}:` under `escalation.include`, or give this code its own `include`",
                    kind.id()
                )),
            );
            return None;
        };
        Some(Escalation {
            title: self.text(use_.title.as_ref().unwrap_or(&base.title), vars, code_span)?,
            lead: self.text(use_.lead.as_ref().unwrap_or(&base.lead), vars, code_span)?,
            include: include
                .iter()
                .map(|i| self.text(i, vars, code_span))
                .collect::<Option<_>>()?,
            closing: match use_.closing.as_ref().or(base.closing.as_ref()) {
                Some(c) => Some(self.text(c, vars, code_span)?),
                None => None,
            },
        })
    }

    /// The message's placeholders: each written in the message, named as a capture.
    fn placeholders(&mut self, file: FileId, raw: &RawCode) -> Vec<Placeholder> {
        let mut out = Vec::new();
        for p in &raw.placeholders {
            if p.text.value.is_empty() || !raw.message.value.contains(&p.text.value) {
                self.push(
                    Finding::new(
                        diag::Code::R017,
                        format!("placeholder `{}` is not in the message", p.text.value),
                    )
                    .at(self.value_span(file, &p.text), "not found in `message`")
                    .help("write the placeholder exactly as the message prints it, e.g. `[X]`"),
                );
                continue;
            }
            let name = &p.name.value;
            let shaped = name.starts_with(|c: char| c.is_ascii_lowercase())
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !shaped || out.iter().any(|o: &Placeholder| &o.name == name) {
                self.push(
                    Finding::new(diag::Code::R017, format!("placeholder name `{name}` is not usable"))
                        .at(self.value_span(file, &p.name), "here")
                        .help("name each placeholder once, in lower case letters, digits and `_`, starting with a letter"),
                );
                continue;
            }
            out.push(Placeholder {
                text: p.text.value.clone(),
                name: name.clone(),
            });
        }
        out
    }

    fn patterns(
        &mut self,
        file: FileId,
        raw: &RawCode,
        placeholders: &[Placeholder],
    ) -> Vec<Pattern> {
        let normalized = crate::util::text::normalize(&raw.message.value);
        if raw.patterns.is_empty() {
            return vec![Pattern::new(message_pattern(
                &normalized,
                &raw.code.value,
                placeholders,
            ))];
        }
        let mut out = Vec::new();
        let mut matched = false;
        for pattern in &raw.patterns {
            match self.checker.check(&pattern.value, &normalized) {
                Checked::Builds { matches } => {
                    matched |= matches;
                    out.push(Pattern::new(pattern.value.clone()));
                }
                Checked::Error(detail) => {
                    let last = detail
                        .lines()
                        .last()
                        .unwrap_or("invalid pattern")
                        .trim()
                        .to_string();
                    self.push(
                        Finding::new(diag::Code::R301, format!("pattern does not compile: {last}"))
                            .at(self.value_span(file, pattern), "this pattern")
                            .help("patterns are Rust regular expressions; escape `.`, `(` and `?` with `\\`"),
                    );
                }
            }
        }
        if !out.is_empty() && !matched {
            self.push(
                Finding::new(
                    diag::Code::R302,
                    "the exact message is not matched by any of the code's patterns",
                )
                .at(self.value_span(file, &raw.message), "this message")
                .help("fix the patterns so at least one matches the message as written"),
            );
        }
        out
    }
}

/// A title text from the code's layout, else the integration's, else the default.
fn layout_title<'r>(
    code: &'r Option<crate::rules::raw::RawLayout>,
    integration: &'r Option<crate::rules::raw::RawLayout>,
    key: impl Fn(&'r crate::rules::raw::RawLayout) -> &'r Option<String>,
    default: &'r str,
) -> &'r str {
    [code, integration]
        .into_iter()
        .find_map(|l| l.as_ref().and_then(|l| key(l).as_deref()))
        .unwrap_or(default)
}

/// The pattern a message means when its code gives none: the message after
/// its code's prefix (`NS0109 Sync Error: `, `NS0109: `), literally, each
/// placeholder a named capture.
fn message_pattern(normalized: &str, code: &str, placeholders: &[Placeholder]) -> String {
    let body = if normalized.starts_with(code) {
        crate::util::text::strip_code_prefix(normalized)
    } else {
        normalized
    };
    let texts: Vec<(String, &str)> = placeholders
        .iter()
        .map(|p| (crate::util::text::normalize(&p.text), p.name.as_str()))
        .filter(|(t, _)| !t.is_empty())
        .collect();
    let mut named: Vec<&str> = Vec::new();
    let mut out = String::new();
    let mut rest = body;
    loop {
        let next = texts
            .iter()
            .filter_map(|(t, name)| rest.find(t.as_str()).map(|at| (at, t.as_str(), *name)))
            .min_by_key(|(at, _, _)| *at);
        let Some((at, text, name)) = next else {
            out.push_str(&regex::escape(rest));
            break;
        };
        out.push_str(&regex::escape(&rest[..at]));
        rest = &rest[at + text.len()..];
        // A quoted placeholder ('user@example.com') keeps its quotes in the
        // literal text and captures what is between them.
        let quote = text
            .chars()
            .next()
            .filter(|q| matches!(q, '\'' | '"') && text.len() > 2 && text.ends_with(*q));
        let value = match quote {
            Some(q) => format!("[^{q}]+"),
            // A value that opens the message cannot reach back over a `: `.
            None if out.is_empty() => r"[^:\s][^:]*?".to_string(),
            // Followed by a space or nothing: bounded by the words after it.
            None if rest.is_empty() || rest.starts_with(' ') => ".+?".to_string(),
            // Followed by punctuation ("[X]."): one token, as long as it goes.
            None => r"\S+".to_string(),
        };
        let value = if rest.is_empty() && quote.is_none() {
            ".+".to_string()
        } else {
            value
        };
        if let Some(q) = quote {
            out.push(q);
        }
        // A value printed twice is captured once.
        if named.contains(&name) {
            out.push_str(&format!("(?:{value})"));
        } else {
            named.push(name);
            out.push_str(&format!("(?P<{name}>{value})"));
        }
        if let Some(q) = quote {
            out.push(q);
        }
    }
    out
}

/// The article's sections of blocks, each `None` when it has errors (reported).
struct Sections {
    meaning: Option<Vec<Block>>,
    why: Option<Why>,
    fix_heading: Option<String>,
    fix_lead: Option<Vec<Block>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholder(text: &str, name: &str) -> Placeholder {
        Placeholder {
            text: text.into(),
            name: name.into(),
        }
    }

    fn captured(message: &str, code: &str, ps: &[Placeholder], pasted: &str) -> Vec<String> {
        let re = crate::rules::pattern::build(&message_pattern(message, code, ps)).unwrap();
        let caps = re.captures(pasted).expect("the pasted message matches");
        ps.iter()
            .filter_map(|p| caps.name(&p.name).map(|m| m.as_str().to_string()))
            .collect()
    }

    #[test]
    fn placeholders_capture_the_whole_value() {
        let ps = [
            placeholder("[X]", "ledger"),
            placeholder("[XX/XX/XXXX]", "date"),
            placeholder("'user@example.com'", "email"),
        ];
        assert_eq!(
            captured(
                "LG101 Sync Error: Ledger [X] expired at [XX/XX/XXXX] for 'user@example.com'.",
                "LG101",
                &ps,
                "LG101 Sync Error: Ledger Main Books expired at 01/02/2026 for 'bob@acme.com'.",
            ),
            ["Main Books", "01/02/2026", "bob@acme.com"]
        );
        let ps = [placeholder("[X]", "count")];
        assert_eq!(
            captured(
                "TB1150 Export Error: [X] lines failed.",
                "TB1150",
                &ps,
                "TB1150 Export Error: 12 lines failed."
            ),
            ["12"]
        );
        let ps = [placeholder("[X]", "version")];
        assert_eq!(
            captured(
                "LG2 Sync Error: Update to [X].",
                "LG2",
                &ps,
                "LG2 Sync Error: Update to 4.2.1."
            ),
            ["4.2.1"]
        );
    }

    #[test]
    fn a_message_without_its_code_keeps_its_first_clause() {
        let p = message_pattern(
            "Sync failed: record [X] is locked.",
            "LG101",
            &[placeholder("[X]", "record")],
        );
        assert!(p.starts_with("Sync failed: record"), "{p}");
    }
}
