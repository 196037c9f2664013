//! Phase 3 of `triage check`: every template compiled, then rendered for
//! every valid code in strict mode; a problem is a finding at `template:line`.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::Arc;

use serde::Serialize;

use super::undefined::Undefined;
use crate::Error;
use crate::diag;
use crate::diag::Finding;
use crate::diag::{FileId, Sources, Span};
use crate::engine::{self, Observations};
use crate::render::{
    ArticleContext, Articles, CODE_TEMPLATES, FAQ_INTEGRATION, IntegrationPage, Renderer, TICKET,
    TemplateFile, TemplateSource, TemplateSyntaxError, TicketInput, TicketPage, template_files,
};
use crate::rules::{Code, Integration};
use minijinja::Value;

/// The templates compiled once, then rendered for a batch of integrations
/// at a time ([`Run::integrations`]), so that their models can go before
/// the next are loaded; [`Run::finish`] reports what failed in the rule
/// base's order: every code's failures, then the integrations' FAQ pages,
/// then their index pages.
pub struct Run {
    files: Vec<TemplateFile>,
    renderer: Renderer,
    broken: Vec<TemplateSyntaxError>,
    code_templates: Vec<&'static str>,
    page_templates: Vec<&'static str>,
    input: TicketInput,
    /// Each code's failed renders, by code.
    codes: Vec<(String, Vec<Failure<'static>>)>,
    /// Each integration page's failed render, by integration id.
    pages: Vec<(Failure<'static>, String)>,
}

impl Run {
    pub fn new(source: &TemplateSource) -> Result<Self, Error> {
        let files = template_files(source)?;
        let (renderer, broken) = Renderer::from_files(files.clone())?;
        // A broken template makes every render that includes it fail too.
        let renders = |name: &str| !broken.iter().any(|(b, _)| b == name);
        let code_templates = CODE_TEMPLATES.into_iter().filter(|n| renders(n)).collect();
        let page_templates = [FAQ_INTEGRATION, crate::render::index::INDEX]
            .into_iter()
            .filter(|n| renders(n))
            .collect();
        Ok(Run {
            files,
            renderer,
            broken,
            code_templates,
            page_templates,
            // A fixed time keeps the ticket's context the same on every run.
            input: TicketInput {
                attempted_at: Some(jiff::Timestamp::UNIX_EPOCH),
                ..TicketInput::default()
            },
            codes: Vec::new(),
            pages: Vec::new(),
        })
    }

    /// Renders every template for some integrations' codes and pages, on
    /// all cores; only the failures are kept.
    pub fn integrations(&mut self, integrations: Vec<Integration>) {
        // Shared, so that the FAQ page's list can make each code's context
        // as the template reads it (a template value owns what it reads).
        let integrations: Vec<Arc<Integration>> = integrations.into_iter().map(Arc::new).collect();
        let faq_page = self.page_templates.contains(&FAQ_INTEGRATION);
        let index_page = self.page_templates.contains(&crate::render::index::INDEX);
        // The FAQ pages first: each is long, so one core renders it while
        // the others take the codes.
        let faq = integrations.iter().filter(|_| faq_page).map(Work::Faq);
        let work: Vec<Work> = faq
            .chain(integrations.iter().flat_map(|i| {
                let codes = i.codes.iter().map(move |c| Work::Code(i, c));
                codes.chain(index_page.then_some(Work::Index(i)))
            }))
            .collect();
        let (renderer, input) = (&self.renderer, &self.input);
        let code_templates = &self.code_templates;
        let done = crate::util::parallel::map(
            &work,
            || (),
            |_, work| match work {
                Work::Code(integration, code) => {
                    render_code(renderer, code_templates, integration, code, input)
                }
                Work::Index(integration) => {
                    let ctx = value(&crate::render::index::IndexContext::new(integration));
                    render_page(renderer, crate::render::index::INDEX, &ctx)
                }
                Work::Faq(integration) => {
                    let codes = Articles::value(Arc::clone(integration));
                    let ctx = value(&IntegrationPage::with_codes(integration, codes));
                    render_page(renderer, FAQ_INTEGRATION, &ctx)
                }
            },
        );
        for (work, errors) in work.iter().zip(done) {
            match work {
                Work::Code(_, code) => {
                    if !errors.is_empty() {
                        self.codes.push((code.code.clone(), errors));
                    }
                }
                // Reported by template, then integration ([`Run::finish`]).
                Work::Index(integration) => self.page(integration, errors),
                Work::Faq(integration) => self.page(integration, errors),
            }
        }
    }

    /// An integration page's failures, kept with the integration's id.
    fn page(&mut self, integration: &Integration, errors: Vec<Failure<'static>>) {
        let id = &integration.id;
        self.pages
            .extend(errors.into_iter().map(|f| (f, id.clone())));
    }

    /// Adds the template files to `sources` and returns the findings about them.
    pub fn finish(self, sources: &mut Sources) -> Vec<Finding> {
        let ids: Vec<(String, FileId)> = self
            .files
            .into_iter()
            .map(|f| (f.name, sources.add(f.path, f.text)))
            .collect();
        let mut check = TemplateCheck {
            sources: &*sources,
            ids: &ids,
            findings: Vec::new(),
            seen: HashSet::new(),
        };
        for (name, err) in &self.broken {
            check.report(
                diag::Code::R501,
                name,
                err,
                "template does not compile",
                None,
            );
        }
        let all_compiled = self.broken.is_empty();
        for (code, failures) in &self.codes {
            for failure in failures {
                check.result(failure, code, all_compiled);
            }
        }
        // All integrations' FAQ pages, then all their index pages.
        for name in &self.page_templates {
            for (failure, id) in self.pages.iter().filter(|(f, _)| f.name == *name) {
                check.result(failure, id, all_compiled);
            }
        }
        check.findings
    }
}

enum Work<'a> {
    Code(&'a Integration, &'a Code),
    Index(&'a Integration),
    Faq(&'a Arc<Integration>),
}

/// One code rendered with every code template; the templates that failed.
fn render_code(
    renderer: &Renderer,
    templates: &[&'static str],
    integration: &Integration,
    code: &Code,
    input: &TicketInput,
) -> Vec<Failure<'static>> {
    let obs = Observations::default();
    let diagnosis = engine::diagnose(integration, code, &obs);
    let article = value(&ArticleContext::new(integration, code));
    templates
        .iter()
        .filter_map(|name| {
            let (result, ctx) = if *name == TICKET {
                let page = value(&TicketPage::new(integration, code, &diagnosis, &obs, input));
                (renderer.try_render(name, &page), page)
            } else {
                (renderer.try_render(name, &article), article.clone())
            };
            result.err().map(|e| Failure::new(renderer, name, e, &ctx))
        })
        .collect()
}

/// One page rendered; its failure, if it failed.
fn render_page(renderer: &Renderer, name: &'static str, ctx: &Value) -> Vec<Failure<'static>> {
    let result = renderer.try_render(name, ctx);
    result
        .err()
        .map(|e| Failure::new(renderer, name, e, ctx))
        .into_iter()
        .collect()
}

/// A template that failed to render, with the names it lacked when that was why.
struct Failure<'t> {
    name: &'t str,
    error: minijinja::Error,
    undefined: Vec<Undefined>,
}

impl<'t> Failure<'t> {
    fn new(renderer: &Renderer, name: &'t str, error: minijinja::Error, ctx: &Value) -> Self {
        let undefined = match (error.kind(), error.line()) {
            (minijinja::ErrorKind::UndefinedError, Some(line)) => {
                // The failing line may be in an included template.
                let failing = error.name().unwrap_or(name);
                renderer
                    .undeclared(failing)
                    .map(|(text, names, globals)| {
                        super::undefined::all(&text, line, &names, ctx, &globals)
                    })
                    .unwrap_or_default()
            }
            _ => Vec::new(),
        };
        Failure {
            name,
            error,
            undefined,
        }
    }
}

fn value<T: Serialize>(ctx: &T) -> minijinja::Value {
    minijinja::Value::from(minijinja::value::Serde(ctx))
}

struct TemplateCheck<'a> {
    sources: &'a Sources,
    ids: &'a [(String, FileId)],
    findings: Vec<Finding>,
    /// (template, line, message) already reported: one error fails every code.
    seen: HashSet<(String, Option<usize>, String)>,
}

impl TemplateCheck<'_> {
    fn result(&mut self, failure: &Failure, subject: &str, all_compiled: bool) {
        let err = &failure.error;
        // An import of a template that did not compile is reported as R501.
        if !all_compiled && err.kind() == minijinja::ErrorKind::TemplateNotFound {
            return;
        }
        let label = format!("while rendering {subject}");
        if !failure.undefined.is_empty() {
            return self.undefined(failure, label);
        }
        self.report(
            diag::Code::R502,
            failure.name,
            err,
            "template fails to render",
            Some(label),
        );
    }

    /// An undefined value, named, at its place, with the nearest name the
    /// context has: one finding per name.
    fn undefined(&mut self, failure: &Failure, label: String) {
        let name = failure.error.name().unwrap_or(failure.name);
        for u in &failure.undefined {
            if !self
                .seen
                .insert((name.to_string(), failure.error.line(), u.path.clone()))
            {
                continue;
            }
            let help = match &u.suggestion {
                Some(near) => format!(
                    "did you mean `{near}`? templates see only the fields listed in docs/authoring.md"
                ),
                None => help(&failure.error),
            };
            let mut finding = Finding::new(
                diag::Code::R502,
                format!("template fails to render: `{}` is undefined", u.path),
            )
            .help(help);
            if let Some(file) = self.file(name) {
                finding = finding.at(Span::new(file, u.range.clone()), label.clone());
            }
            self.findings.push(finding);
        }
    }

    fn report(
        &mut self,
        code: diag::Code,
        name: &str,
        err: &minijinja::Error,
        what: &str,
        label: Option<String>,
    ) {
        let name = err.name().unwrap_or(name);
        let detail = match err.detail() {
            Some(d) => format!("{}: {d}", err.kind()),
            None => err.kind().to_string(),
        };
        if !self
            .seen
            .insert((name.to_string(), err.line(), detail.clone()))
        {
            return;
        }
        let mut finding = Finding::new(code, format!("{what}: {detail}")).help(help(err));
        if let Some(file) = self.file(name) {
            // A range over several lines (an unclosed block) says less than its first line.
            let text = &self.sources.get(file).text;
            let range = err
                .range()
                .filter(|r| text.get(r.clone()).is_some_and(|t| !t.contains('\n')))
                .or_else(|| err.line().map(|l| self.line_range(file, l)))
                .unwrap_or(0..0);
            finding = finding.at(
                Span::new(file, range),
                label.unwrap_or_else(|| "here".into()),
            );
        }
        self.findings.push(finding);
    }

    fn file(&self, name: &str) -> Option<FileId> {
        self.ids.iter().find(|(n, _)| n == name).map(|(_, id)| *id)
    }

    /// The byte range of a 1-based line, without its newline.
    fn line_range(&self, file: FileId, line: usize) -> Range<usize> {
        crate::util::text::line_range(&self.sources.get(file).text, line)
    }
}

fn help(err: &minijinja::Error) -> String {
    use minijinja::ErrorKind as K;
    match err.kind() {
        K::UndefinedError => "templates see only the fields listed in docs/authoring.md; check the spelling, or guard it with `{% if x is defined %}`".into(),
        K::SyntaxError => "check that every `{%`, `{{` and `{#` is closed and every block has its `{% end… %}`".into(),
        K::UnknownFilter => "known filters: yaml, yaml_quoted, md_escape and minijinja's built-ins".into(),
        K::TemplateNotFound => "the template names in `include`/`import` must match files in templates/".into(),
        _ => "see minijinja's documentation for this error".into(),
    }
}
