//! Articles, FAQs and tickets from the rule base through minijinja templates.
//! Templates are embedded; `--templates DIR` overlays a folder's files on them.
//! Undefined variables are errors, never empty strings.

pub mod index;
pub mod report;

use std::path::Path;

use minijinja::value::Value;
use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;

use crate::Error;
use crate::engine::{Diagnosis, Observations, Status, Value as Tri};
use crate::rules::block::markdown;
use crate::rules::{Block, Code, Escalation, Faq, FrontMatter, Integration, Layout};

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

/// What a template sees for one code. Block lists come both as data
/// (`body`) and as the Markdown the layout prints for them (`markdown`).
#[derive(Debug, Serialize)]
pub struct ArticleContext<'a> {
    pub code: &'a str,
    pub kind: &'static str,
    pub kind_title: &'static str,
    pub product: &'a str,
    pub integration: &'a str,
    pub message: &'a str,
    pub front_matter: &'a FrontMatter,
    pub layout: &'a Layout,
    pub meaning: Blocks<'a>,
    pub why: Option<SectionView<'a>>,
    /// The causes' sentences, in order.
    pub causes: Vec<&'a str>,
    pub fix_heading: &'a str,
    pub fix_lead: Blocks<'a>,
    pub procedures: Vec<ProcedureView<'a>>,
    pub escalation: Option<&'a Escalation>,
    pub faq: &'a [Faq],
}

/// Blocks and their Markdown.
#[derive(Debug, Serialize)]
pub struct Blocks<'a> {
    pub body: &'a [Block],
    pub markdown: String,
}

impl<'a> Blocks<'a> {
    fn new(body: &'a [Block], level: u8, layout: &Layout) -> Self {
        Blocks {
            body,
            markdown: markdown(body, level, layout),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct SectionView<'a> {
    pub heading: &'a str,
    #[serde(flatten)]
    pub blocks: Blocks<'a>,
}

#[derive(Debug, Serialize)]
pub struct ProcedureView<'a> {
    pub id: &'a str,
    pub title: Option<&'a str>,
    #[serde(flatten)]
    pub blocks: Blocks<'a>,
}

impl<'a> ArticleContext<'a> {
    pub fn new(integration: &'a Integration, code: &'a Code) -> Self {
        let layout = &code.layout;
        let fix_level = layout
            .fix_level
            .unwrap_or(layout.procedure_level.saturating_sub(1).max(1));
        ArticleContext {
            code: &code.code,
            kind: code.kind.id(),
            kind_title: code.kind.title(),
            product: &integration.name,
            integration: &integration.id,
            message: &code.message,
            front_matter: &code.front_matter,
            layout,
            meaning: Blocks::new(&code.meaning, 1, layout),
            why: code.why.as_ref().map(|w| SectionView {
                heading: &w.heading,
                blocks: Blocks::new(&w.body, layout.why_level, layout),
            }),
            causes: code.causes.iter().map(|c| c.text.as_str()).collect(),
            fix_heading: &code.fix_heading,
            fix_lead: Blocks::new(&code.fix_lead, fix_level, layout),
            procedures: code
                .procedures
                .iter()
                .map(|p| ProcedureView {
                    id: &p.id,
                    title: p.title.as_deref(),
                    blocks: Blocks::new(&p.body, layout.body_level(p.title.is_some()), layout),
                })
                .collect(),
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
    /// Values captured from the pasted message (record type, email …).
    pub captures: std::collections::BTreeMap<String, String>,
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
    /// `{name, value}` pairs captured from the message, names as words.
    captures: Vec<Capture>,
}

#[derive(Debug, Serialize)]
struct Capture {
    name: String,
    value: String,
}

#[derive(Debug, Serialize)]
struct Observed {
    signal: String,
    question: String,
    value: &'static str,
    /// What the probe saw, when the value is the probe's.
    evidence: Option<String>,
}

/// One template's text, its name and where it was read from.
#[derive(Debug, Clone)]
pub struct TemplateFile {
    /// The name templates use for it, e.g. `help.md.j2`.
    pub name: String,
    /// The path shown in findings, e.g. `templates/help.md.j2`.
    pub path: String,
    pub text: String,
}

/// The embedded templates, with a `--templates` folder's files replacing
/// (or adding to) them by name.
pub fn template_files(source: &TemplateSource) -> Result<Vec<TemplateFile>, Error> {
    let mut files: Vec<TemplateFile> = crate::util::embedded::TEMPLATES
        .iter()
        .map(|(name, text)| TemplateFile {
            name: name.to_string(),
            path: format!("templates/{name}"),
            text: text.to_string(),
        })
        .collect();
    if let TemplateSource::Dir(dir) = source {
        for (name, text) in read_template_dir(dir)? {
            let file = TemplateFile {
                path: dir.join(&name).display().to_string(),
                name,
                text,
            };
            match files.iter_mut().find(|f| f.name == file.name) {
                Some(existing) => *existing = file,
                None => files.push(file),
            }
        }
    }
    Ok(files)
}

/// A template that does not compile.
pub type TemplateSyntaxError = (String, minijinja::Error);

/// What the ticket template sees: the article plus the case.
#[derive(Serialize)]
pub struct TicketPage<'a> {
    #[serde(flatten)]
    article: ArticleContext<'a>,
    ticket: TicketContext,
}

/// What the integration FAQ template sees: each code as its article does
/// (`C` is a list of [`ArticleContext`]s, or [`Articles`] made as read).
#[derive(Serialize)]
pub struct IntegrationPage<'a, C = Vec<ArticleContext<'a>>> {
    product: &'a str,
    integration: &'a str,
    codes: C,
}

impl<'a> IntegrationPage<'a> {
    pub fn new(integration: &'a Integration) -> Self {
        let codes = integration
            .codes
            .iter()
            .map(|c| ArticleContext::new(integration, c))
            .collect();
        IntegrationPage::with_codes(integration, codes)
    }
}

impl<'a, C: Serialize> IntegrationPage<'a, C> {
    /// The page with its codes' contexts given, in the integration's order.
    pub fn with_codes(integration: &'a Integration, codes: C) -> Self {
        IntegrationPage {
            product: &integration.name,
            integration: &integration.id,
            codes,
        }
    }
}

/// An integration's codes as a template list of their article contexts,
/// each made when the template reads it and dropped after: `check` held
/// every context of an integration for its FAQ page before (a third of its
/// peak memory at 10,000 codes). It behaves as minijinja's own list does
/// but for `sameas`: each read is a new value, so `codes[0] is sameas
/// codes[0]` is false here and true in `triage render` (minijinja has no
/// weak handle on the map it makes of a struct, to hand one out again).
#[derive(Debug)]
pub struct Articles(pub std::sync::Arc<Integration>);

impl Articles {
    pub fn value(integration: std::sync::Arc<Integration>) -> Value {
        Value::from_object(Articles(integration))
    }
}

impl minijinja::value::Object for Articles {
    fn repr(self: &std::sync::Arc<Self>) -> minijinja::value::ObjectRepr {
        minijinja::value::ObjectRepr::Seq
    }

    fn get_value(self: &std::sync::Arc<Self>, key: &Value) -> Option<Value> {
        let code = self.0.codes.get(key.as_usize()?)?;
        let ctx = ArticleContext::new(&self.0, code);
        Some(Value::from(minijinja::value::Serde(&ctx)))
    }

    fn enumerate(self: &std::sync::Arc<Self>) -> minijinja::value::Enumerator {
        minijinja::value::Enumerator::Seq(self.0.codes.len())
    }
}

impl Renderer {
    pub fn new(source: &TemplateSource) -> Result<Renderer, Error> {
        let (renderer, broken) = Renderer::from_files(template_files(source)?)?;
        match broken.into_iter().next() {
            Some((name, e)) => Err(template_error(&name, &e)),
            None => Ok(renderer),
        }
    }

    /// A renderer with every template that compiles, and the ones that do not.
    pub fn from_files(
        files: Vec<TemplateFile>,
    ) -> Result<(Renderer, Vec<TemplateSyntaxError>), Error> {
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
        env.add_filter("yaml_list", yaml_list);
        env.add_filter("md_escape", md_escape);
        let mut broken = Vec::new();
        for file in files {
            if let Err(e) = env.add_template_owned(file.name.clone(), file.text) {
                broken.push((file.name, e));
            }
        }
        Ok((Renderer { env }, broken))
    }

    /// Renders a template by name with any serialisable context.
    pub fn render<T: Serialize>(&self, name: &str, ctx: &T) -> Result<String, Error> {
        self.render_raw(name, ctx)
            .map_err(|e| template_error(name, &e))
    }

    /// Like [`Renderer::render`], keeping minijinja's error (with its line
    /// and range) for `check`.
    pub fn render_raw<T: Serialize>(
        &self,
        name: &str,
        ctx: &T,
    ) -> Result<String, minijinja::Error> {
        let out = self
            .env
            .get_template(name)?
            .render(Value::from(minijinja::value::Serde(ctx)))?;
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

    /// Every template's name and text, sorted by name: what a build's pages
    /// may have been made from (`site`'s manifest hashes them).
    pub fn sources(&self) -> Vec<(String, String)> {
        let mut all: Vec<(String, String)> = self
            .env
            .templates()
            .map(|(name, template)| (name.to_string(), template.source().to_string()))
            .collect();
        all.sort_unstable();
        all
    }

    /// Renders only to learn whether it fails (for `check`): the text is
    /// dropped untidied, and the context is a ready value, so that one
    /// serialisation serves several templates.
    pub fn try_render(&self, name: &str, ctx: &Value) -> Result<(), minijinja::Error> {
        self.env.get_template(name)?.render(ctx.clone()).map(drop)
    }

    /// What `check` needs to name an undefined value: the template's text, the
    /// dotted names it reads without setting them, and the environment's
    /// globals (which a context never holds).
    pub fn undeclared(&self, name: &str) -> Option<(String, Vec<String>, Vec<String>)> {
        let template = self.env.get_template(name).ok()?;
        let mut names: Vec<String> = template.undeclared_variables(true).into_iter().collect();
        names.sort();
        let globals = self.env.globals().map(|(n, _)| n.to_string()).collect();
        Some((template.source().to_string(), names, globals))
    }

    pub fn help(&self, integration: &Integration, code: &Code) -> Result<String, Error> {
        self.render(HELP, &ArticleContext::new(integration, code))
    }

    pub fn faq(&self, integration: &Integration, code: &Code) -> Result<String, Error> {
        self.render(FAQ, &ArticleContext::new(integration, code))
    }

    pub fn faq_integration(&self, integration: &Integration) -> Result<String, Error> {
        self.render(FAQ_INTEGRATION, &IntegrationPage::new(integration))
    }

    pub fn ticket(
        &self,
        integration: &Integration,
        code: &Code,
        diagnosis: &Diagnosis,
        obs: &Observations,
        input: &TicketInput,
    ) -> Result<String, Error> {
        self.render(
            TICKET,
            &TicketPage::new(integration, code, diagnosis, obs, input),
        )
    }
}

impl<'a> TicketPage<'a> {
    pub fn new(
        integration: &'a Integration,
        code: &'a Code,
        diagnosis: &Diagnosis,
        obs: &Observations,
        input: &TicketInput,
    ) -> Self {
        let texts = |s: Status| diagnosis.with_status(s).map(|c| c.text.clone()).collect();
        let mut observed: Vec<Observed> = obs
            .0
            .iter()
            .filter(|(_, v)| **v != Tri::Unknown)
            .map(|(id, v)| Observed {
                signal: id.clone(),
                question: integration
                    .signal(id)
                    .map_or_else(|| id.clone(), |s| s.question.clone()),
                value: v.as_str(),
                evidence: diagnosis
                    .observations
                    .iter()
                    .find(|o| &o.signal == id)
                    .and_then(|o| o.evidence.clone()),
            })
            .collect();
        // The person's answers first, then the probe's, as the vocabulary lists them.
        observed.sort_by_key(|o| integration.signals.iter().position(|s| s.id == o.signal));
        let tried = input
            .tried
            .iter()
            .map(|id| code.procedure(id).map_or_else(|| id.clone(), |p| p.name()))
            .collect();
        // Pasted text: credentials out, and nothing that could drive a terminal.
        // Line breaks of a multi-line paste fold into spaces first.
        let clean = crate::recognize::clean_pasted;
        let message = clean(input.message.as_deref().unwrap_or(&code.message));
        // A time nobody gave is said to be the draft's, never passed off as the attempt's.
        let attempted_at = match input.attempted_at {
            Some(t) => t.strftime("%Y-%m-%d %H:%M UTC").to_string(),
            None => format!(
                "{} (not given; time of this draft)",
                jiff::Timestamp::now().strftime("%Y-%m-%d %H:%M UTC")
            ),
        };
        let ticket = TicketContext {
            message,
            attempted_at,
            observed,
            confirmed: texts(Status::Confirmed),
            possible: texts(Status::Possible),
            ruled_out: texts(Status::RuledOut),
            tried,
            report_id: input.report_id.as_deref().map(clean),
            needs_report_id: code.kind == crate::rules::Kind::Export,
            captures: input
                .captures
                .iter()
                .filter(|(name, _)| name.as_str() != "report_id")
                .map(|(name, value)| Capture {
                    name: name.replace('_', " "),
                    value: clean(value),
                })
                .collect(),
        };
        TicketPage {
            article: ArticleContext::new(integration, code),
            ticket,
        }
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
        // Anything but a folder is read, so a FIFO or a socket is refused, not skipped.
        if !path.is_dir() {
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
    let mut last = "";
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            continue;
        }
        // Two layout places next to each other (before the fix part, before
        // its first procedure) print one rule.
        if line == "---" && last == "---" && blank > 0 {
            continue;
        }
        last = line;
        if blank > 0 && !out.is_empty() {
            out.push('\n');
        }
        blank = 0;
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// A YAML scalar for front matter: plain only when every YAML parser reads
/// it back as this one string (see [`plain_safe`]), else double-quoted.
pub(crate) fn yaml_scalar(value: String) -> String {
    if plain_safe(&value) {
        value
    } else {
        yaml_quoted(value)
    }
}

/// A YAML flow list, `[a, b]`, each item quoted when a flow context needs it.
fn yaml_list(items: Vec<String>) -> String {
    let item = |s: String| {
        if s.contains([',', '[', ']', '{', '}']) {
            yaml_quoted(s)
        } else {
            yaml_scalar(s)
        }
    };
    let items: Vec<String> = items.into_iter().map(item).collect();
    format!("[{}]", items.join(", "))
}

/// A YAML double-quoted scalar. `"` and `\` are escaped, and so is every
/// character that is not printable or that some parser reads as a line break
/// (`\r`, NEL, U+2028, U+2029): nothing in the value can end the line.
pub(crate) fn yaml_quoted(value: String) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if yaml_printable(c) => out.push(c),
            c if (c as u32) <= 0xFF => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) <= 0xFFFF => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// YAML's printable set minus what YAML 1.1 parsers (Ruby's Psych, which
/// Jekyll uses) read as a line break, and minus the byte order mark.
fn yaml_printable(c: char) -> bool {
    matches!(c, ' '..='~' | '\u{a0}'..='\u{2027}' | '\u{202a}'..='\u{d7ff}' | '\u{e000}'..='\u{fefe}' | '\u{ff00}'..='\u{fffd}' | '\u{10000}'..)
}

/// Whether `value` written plain after `key: ` is read back by YAML 1.1 and
/// 1.2 parsers as exactly this string: only printable characters without
/// tabs or line breaks, no indicator where one would count, no edge spaces,
/// and nothing that resolves to another type (bools, nulls, numbers, dates).
fn plain_safe(value: &str) -> bool {
    let Some(first) = value.chars().next() else {
        return false;
    };
    // YAML's indicators, and what starts a number, a date or `~`.
    let indicator_start = " -?:,[]{}#&*!|>'\"%@`=<.+~".contains(first) || first.is_ascii_digit();
    let printable = value.chars().all(|c| c != '\t' && yaml_printable(c));
    printable
        && !indicator_start
        && !value.contains(": ")
        && !value.contains(" #")
        && !value.ends_with([':', ' '])
        && !is_yaml_11_keyword(value)
}

/// Words YAML 1.1 resolves to a bool or a null.
fn is_yaml_11_keyword(value: &str) -> bool {
    matches!(
        value.to_ascii_lowercase().as_str(),
        "y" | "n" | "yes" | "no" | "true" | "false" | "on" | "off" | "null"
    )
}

/// Escapes characters that Markdown would read as markup in literal text.
/// `>` and `#` are markup only where a line starts, so a message such as
/// "Setup > Integrations" stays as written everywhere else.
fn md_escape(value: String) -> String {
    let mut out = String::with_capacity(value.len());
    let mut line_start = true;
    for c in value.chars() {
        let markup = match c {
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '|' => true,
            '>' | '#' => line_start,
            _ => false,
        };
        if markup {
            out.push('\\');
        }
        out.push(c);
        line_start = c == '\n' || (line_start && c.is_whitespace());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The FAQ page's list made as read gives what the list made at once
    /// gives, however a template reads it.
    #[test]
    fn articles_made_as_read_read_as_a_list_does() {
        use crate::rules::{RuleBase, RuleSource, Selection};
        let (base, _) = RuleBase::load(&RuleSource::Embedded, &Selection::All).unwrap();
        let integration = base
            .integrations
            .into_iter()
            .find(|i| i.codes.len() > 1)
            .unwrap();
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        let template = "{{ codes|length }} {{ codes[0].code }} {{ codes[1].message }} {{ codes[1].meaning.markdown }} \
            {{ (codes|last).code }} {{ codes|reverse|map(attribute='code')|join(',') }} \
            {{ codes|selectattr('faq')|list|length }} {{ codes is sequence }} {{ codes[99] is defined }} \
            {% for c in codes %}{{ loop.index }}/{{ loop.length }} {{ c.code }} {{ c.faq|length }};{% endfor %} \
            {{ codes|tojson }}";
        env.add_template("t", template).unwrap();
        let t = env.get_template("t").unwrap();
        let shared = std::sync::Arc::new(integration);
        let made = t.render(Value::from(minijinja::value::Serde(&IntegrationPage::new(
            &shared,
        ))));
        let page = IntegrationPage::with_codes(&shared, Articles::value(shared.clone()));
        let as_read = t.render(Value::from(minijinja::value::Serde(&page)));
        assert_eq!(as_read.unwrap(), made.unwrap());
        // A name the contexts lack fails both ways.
        env.add_template("u", "{{ codes[0].titel }}").unwrap();
        let u = env.get_template("u").unwrap();
        let err = u
            .render(Value::from(minijinja::value::Serde(&page)))
            .unwrap_err();
        assert_eq!(err.kind(), minijinja::ErrorKind::UndefinedError);
    }

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

    proptest::proptest! {
        /// Whatever the value, `key: <scalar>` reads back as one key holding exactly it.
        #[test]
        fn front_matter_values_read_back_as_written(value in "\\PC*|[\\x00-\\x7f\u{85}\u{a0}\u{2028}\u{2029}\u{feff}]{0,20}") {
            let yaml = format!("key: {}\nlayout: post\n", yaml_scalar(value.clone()));
            let read: std::collections::BTreeMap<String, String> =
                serde_saphyr::from_str(&yaml).unwrap_or_else(|e| panic!("{yaml:?}: {e}"));
            proptest::prop_assert_eq!(read.len(), 2, "{:?}", yaml);
            proptest::prop_assert_eq!(&read["key"], &value);
        }
    }

    #[test]
    fn no_value_adds_a_front_matter_key() {
        for (value, quoted) in [
            ("a\rlayout: evil", "\"a\\rlayout: evil\""),
            ("a\nlayout: evil", "\"a\\nlayout: evil\""),
            ("a\u{85}layout: evil", "\"a\\x85layout: evil\""),
            ("a\u{2028}layout: evil", "\"a\\u2028layout: evil\""),
            ("a\u{2029}layout: evil", "\"a\\u2029layout: evil\""),
            ("a\u{1b}[2Jb", "\"a\\x1b[2Jb\""),
            ("tab\there", "\"tab\\there\""),
            ("back\\slash\u{feff}", "\"back\\\\slash\\ufeff\""),
            ("2026-12-01", "\"2026-12-01\""),
            ("0x1F", "\"0x1F\""),
            ("on", "\"on\""),
            ("~", "\"~\""),
            (".inf", "\".inf\""),
            ("", "\"\""),
        ] {
            assert_eq!(yaml_scalar(value.into()), quoted, "{value:?}");
        }
        // Ordinary values stay plain: the help site's front matter is plain scalars.
        for plain in [
            "Learn what the NS0109 sync error means and how to fix it.",
            "NS0109, NetSuite sync error, Workspace Admin",
            "Audience is Workspace Admins. Covers X. Does not cover Y.",
            "Café – “quoted” words",
        ] {
            assert_eq!(yaml_scalar(plain.into()), plain);
        }
    }

    #[test]
    fn md_escape_leaves_mid_line_arrows_alone() {
        assert_eq!(
            md_escape("Setup > Integrations, *x* #1".into()),
            "Setup > Integrations, \\*x\\* #1"
        );
        assert_eq!(md_escape("> quote\n # h".into()), "\\> quote\n \\# h");
    }

    #[test]
    fn tidy_collapses_blank_lines() {
        assert_eq!(tidy("a\n\n\n\nb  \n\n"), "a\n\nb\n");
    }
}
