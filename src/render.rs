//! Articles, FAQs and tickets from the rule base through minijinja templates.
//! Templates are embedded; `--templates DIR` overlays a folder's files on them.
//! Undefined variables are errors, never empty strings.

use std::path::Path;

use minijinja::value::Value;
use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;

use crate::Error;
use crate::engine::{Diagnosis, Observations, Status, Value as Tri};
use crate::rules::{Code, Escalation, Faq, FrontMatter, Integration, Procedure, Why};

pub const HELP: &str = "help.md.j2";
pub const FAQ: &str = "faq.md.j2";
pub const FAQ_INTEGRATION: &str = "faq-integration.md.j2";
pub const TICKET: &str = "ticket.md.j2";

/// The templates every code is rendered with.
pub const CODE_TEMPLATES: [&str; 3] = [HELP, FAQ, TICKET];

/// Where templates come from.
#[derive(Debug, Clone)]
pub enum TemplateSource {
    Embedded,
    /// A folder whose files replace the embedded ones of the same name.
    Dir(std::path::PathBuf),
}

pub struct Renderer {
    env: Environment<'static>,
}

/// What a template sees for one code.
#[derive(Debug, Serialize)]
pub struct ArticleContext<'a> {
    pub code: &'a str,
    pub kind: &'static str,
    pub kind_title: &'static str,
    pub product: &'a str,
    pub integration: &'a str,
    pub message: &'a str,
    pub front_matter: &'a FrontMatter,
    pub meaning: &'a [String],
    pub why: &'a Why,
    pub causes: Vec<&'a str>,
    pub fix_heading: String,
    pub fix_lead: &'a str,
    pub procedures: &'a [Procedure],
    pub escalation: Option<&'a Escalation>,
    pub faq: &'a [Faq],
}

impl<'a> ArticleContext<'a> {
    pub fn new(integration: &'a Integration, code: &'a Code) -> Self {
        ArticleContext {
            code: &code.code,
            kind: code.kind.id(),
            kind_title: code.kind.title(),
            product: &integration.name,
            integration: &integration.id,
            message: &code.message,
            front_matter: &code.front_matter,
            meaning: &code.meaning,
            why: &code.why,
            causes: code.causes.iter().map(|c| c.text.as_str()).collect(),
            fix_heading: code.fix_heading.clone(),
            fix_lead: &code.fix_lead,
            procedures: &code.procedures,
            escalation: code.escalation.as_ref(),
            faq: &code.faq,
        }
    }
}

/// What the person filing a ticket adds to the diagnosis.
#[derive(Debug, Clone, Default)]
pub struct TicketInput {
    /// The pasted message; redacted before rendering.
    pub message: Option<String>,
    /// RFC 3339; shown in UTC.
    pub attempted_at: Option<jiff::Timestamp>,
    /// Procedure ids already tried.
    pub tried: Vec<String>,
    pub report_id: Option<String>,
}

#[derive(Debug, Serialize)]
struct TicketContext {
    message: String,
    attempted_at: String,
    observed: Vec<Observed>,
    confirmed: Vec<String>,
    possible: Vec<String>,
    ruled_out: Vec<String>,
    tried: Vec<String>,
    report_id: Option<String>,
    needs_report_id: bool,
}

#[derive(Debug, Serialize)]
struct Observed {
    signal: String,
    question: String,
    value: &'static str,
}

impl Renderer {
    pub fn new(source: &TemplateSource) -> Result<Renderer, Error> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        let syntax = minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .map_err(|e| template_error("(syntax)", &e))?;
        env.set_syntax(syntax);
        env.add_filter("yaml", yaml_scalar);
        env.add_filter("yaml_quoted", yaml_quoted);
        env.add_filter("md_escape", md_escape);
        for (name, text) in crate::embedded::TEMPLATES {
            env.add_template(name, text)
                .map_err(|e| template_error(name, &e))?;
        }
        if let TemplateSource::Dir(dir) = source {
            for (name, text) in read_template_dir(dir)? {
                env.add_template_owned(name.clone(), text)
                    .map_err(|e| template_error(&name, &e))?;
            }
        }
        Ok(Renderer { env })
    }

    /// Renders a template by name with any serialisable context.
    pub fn render<T: Serialize>(&self, name: &str, ctx: &T) -> Result<String, Error> {
        let template = self
            .env
            .get_template(name)
            .map_err(|e| template_error(name, &e))?;
        let out = template
            .render(Value::from(minijinja::value::Serde(ctx)))
            .map_err(|e| template_error(name, &e))?;
        Ok(tidy(&out))
    }

    /// Renders a template exactly as written, for HTML where blank lines may matter.
    pub fn render_verbatim<T: Serialize>(&self, name: &str, ctx: &T) -> Result<String, Error> {
        let template = self
            .env
            .get_template(name)
            .map_err(|e| template_error(name, &e))?;
        template
            .render(Value::from(minijinja::value::Serde(ctx)))
            .map_err(|e| template_error(name, &e))
    }

    /// A template file's text as is, for files copied rather than rendered (CSS, script).
    pub fn source(&self, name: &str) -> Result<String, Error> {
        let template = self
            .env
            .get_template(name)
            .map_err(|e| template_error(name, &e))?;
        Ok(template.source().to_string())
    }

    pub fn help(&self, integration: &Integration, code: &Code) -> Result<String, Error> {
        self.render(HELP, &ArticleContext::new(integration, code))
    }

    pub fn faq(&self, integration: &Integration, code: &Code) -> Result<String, Error> {
        self.render(FAQ, &ArticleContext::new(integration, code))
    }

    pub fn faq_integration(&self, integration: &Integration) -> Result<String, Error> {
        #[derive(Serialize)]
        struct Ctx<'a> {
            product: &'a str,
            integration: &'a str,
            codes: Vec<ArticleContext<'a>>,
        }
        self.render(
            FAQ_INTEGRATION,
            &Ctx {
                product: &integration.name,
                integration: &integration.id,
                codes: integration
                    .codes
                    .iter()
                    .map(|c| ArticleContext::new(integration, c))
                    .collect(),
            },
        )
    }

    pub fn ticket(
        &self,
        integration: &Integration,
        code: &Code,
        diagnosis: &Diagnosis,
        obs: &Observations,
        input: &TicketInput,
    ) -> Result<String, Error> {
        #[derive(Serialize)]
        struct Ctx<'a> {
            #[serde(flatten)]
            article: ArticleContext<'a>,
            ticket: TicketContext,
        }
        let texts = |s: Status| diagnosis.with_status(s).map(|c| c.text.clone()).collect();
        let observed = obs
            .0
            .iter()
            .filter(|(_, v)| **v != Tri::Unknown)
            .map(|(id, v)| Observed {
                signal: id.clone(),
                question: integration
                    .signal(id)
                    .map_or_else(|| id.clone(), |s| s.question.clone()),
                value: v.as_str(),
            })
            .collect();
        let tried = input
            .tried
            .iter()
            .map(|id| {
                code.procedure(id)
                    .map_or_else(|| id.clone(), |p| p.title.clone())
            })
            .collect();
        let message = crate::redact::redact(input.message.as_deref().unwrap_or(&code.message));
        let attempted_at = input.attempted_at.unwrap_or_else(jiff::Timestamp::now);
        let ticket = TicketContext {
            message,
            attempted_at: attempted_at.strftime("%Y-%m-%d %H:%M UTC").to_string(),
            observed,
            confirmed: texts(Status::Confirmed),
            possible: texts(Status::Possible),
            ruled_out: texts(Status::RuledOut),
            tried,
            report_id: input.report_id.as_deref().map(crate::redact::redact),
            needs_report_id: code.kind == crate::rules::Kind::Export,
        };
        self.render(
            TICKET,
            &Ctx {
                article: ArticleContext::new(integration, code),
                ticket,
            },
        )
    }
}

fn read_template_dir(dir: &Path) -> Result<Vec<(String, String)>, Error> {
    let io = |source| Error::Io {
        path: dir.display().to_string(),
        source,
    };
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(io)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(io)?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        if path.is_file() {
            let name = entry.file_name().to_string_lossy().into_owned();
            out.push((name, crate::rules::load::read_text(&path)?));
        }
    }
    Ok(out)
}

fn template_error(name: &str, err: &minijinja::Error) -> Error {
    let name = err.name().unwrap_or(name);
    let location = err
        .line()
        .map(|l| format!("{name}:{l}"))
        .unwrap_or_else(|| name.to_string());
    let mut message = err.kind().to_string();
    if let Some(detail) = err.detail() {
        message = format!("{message}: {detail}");
    }
    Error::Template {
        name: location,
        message,
    }
}

/// Collapses runs of blank lines and ends the text with one newline, so
/// templates need not count newlines around blocks.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if blank > 0 && !out.is_empty() {
            out.push('\n');
        }
        blank = 0;
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// A YAML scalar for front matter: plain when that is unambiguous, else quoted.
fn yaml_scalar(value: String) -> String {
    let risky_start = value.starts_with([
        '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@',
        '`', ' ',
    ]);
    let risky = risky_start
        || value.is_empty()
        || value.contains(": ")
        || value.contains(" #")
        || value.ends_with([':', ' '])
        || value.contains('\n')
        || matches!(
            value.to_ascii_lowercase().as_str(),
            "yes" | "no" | "true" | "false" | "null" | "~"
        )
        || value.parse::<f64>().is_ok();
    if risky { yaml_quoted(value) } else { value }
}

fn yaml_quoted(value: String) -> String {
    serde_json::to_string(&value).unwrap_or_default()
}

/// Escapes characters that Markdown would read as markup in literal text.
fn md_escape(value: String) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_scalars_quote_only_when_needed() {
        assert_eq!(
            yaml_scalar("NS0109 Sync Error in NetSuite Integration".into()),
            "NS0109 Sync Error in NetSuite Integration"
        );
        assert_eq!(yaml_scalar("A: b".into()), "\"A: b\"");
        assert_eq!(yaml_scalar("yes".into()), "\"yes\"");
        assert_eq!(yaml_scalar("\"quoted\"".into()), "\"\\\"quoted\\\"\"");
    }

    #[test]
    fn tidy_collapses_blank_lines() {
        assert_eq!(tidy("a\n\n\n\nb  \n\n"), "a\n\nb\n");
    }
}
