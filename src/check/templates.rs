//! Phase 3 of `triage check`: every template compiled, then rendered for
//! every valid code in strict mode; a problem is a finding at `template:line`.

use std::collections::HashSet;
use std::ops::Range;

use serde::Serialize;

use super::undefined::Undefined;
use crate::Error;
use crate::diag;
use crate::diag::Finding;
use crate::diag::{FileId, Sources, Span};
use crate::engine::{self, Observations};
use crate::render::{
    ArticleContext, CODE_TEMPLATES, FAQ_INTEGRATION, IntegrationPage, Renderer, TICKET,
    TemplateSource, TicketInput, TicketPage, template_files,
};
use crate::rules::{Code, Integration, RuleBase};
use minijinja::Value;

/// Adds the template files to `sources` and returns the findings about them.
pub fn check(
    base: &RuleBase,
    source: &TemplateSource,
    sources: &mut Sources,
) -> Result<Vec<Finding>, Error> {
    let files = template_files(source)?;
    let ids: Vec<(String, FileId)> = files
        .iter()
        .map(|f| (f.name.clone(), sources.add(f.path.clone(), f.text.clone())))
        .collect();
    let (renderer, broken) = Renderer::from_files(files)?;
    let mut check = TemplateCheck {
        sources: &*sources,
        ids: &ids,
        findings: Vec::new(),
        seen: HashSet::new(),
    };
    for (name, err) in &broken {
        check.report(
            diag::Code::R501,
            name,
            err,
            "template does not compile",
            None,
        );
    }
    // A broken template makes every render that includes it fail too.
    let renders = |name: &str| !broken.iter().any(|(b, _)| b == name);
    // A fixed time keeps the ticket's context the same on every run.
    let input = TicketInput {
        attempted_at: Some(jiff::Timestamp::UNIX_EPOCH),
        ..TicketInput::default()
    };
    let code_templates: Vec<&str> = CODE_TEMPLATES.into_iter().filter(|n| renders(n)).collect();
    let page_templates: Vec<&str> = [FAQ_INTEGRATION, crate::render::index::INDEX]
        .into_iter()
        .filter(|n| renders(n))
        .collect();
    // Codes first, then integrations (whose pages are the largest); on all
    // cores, only the errors kept, reported in this order.
    let work: Vec<Work> = base
        .codes()
        .map(|(i, c)| Work::Code(i, c))
        .chain(base.integrations.iter().map(Work::Integration))
        .collect();
    let failures = crate::util::parallel::map(
        &work,
        || (),
        |_, work| match work {
            Work::Code(integration, code) => {
                render_code(&renderer, &code_templates, integration, code, &input)
            }
            Work::Integration(integration) => page_templates
                .iter()
                .filter_map(|name| {
                    let ctx = match *name {
                        FAQ_INTEGRATION => value(&IntegrationPage::new(integration)),
                        _ => value(&crate::render::index::IndexContext::new(integration)),
                    };
                    let result = renderer.try_render(name, &ctx);
                    result.err().map(|e| Failure::new(&renderer, name, e, &ctx))
                })
                .collect(),
        },
    );
    let all_compiled = broken.is_empty();
    let mut pages = Vec::new();
    for (work, errors) in work.iter().zip(failures) {
        match work {
            Work::Code(_, code) => {
                for failure in errors {
                    check.result(&failure, &code.code, all_compiled);
                }
            }
            Work::Integration(integration) => {
                pages.extend(errors.into_iter().map(|f| (f, &integration.id)));
            }
        }
    }
    // All integrations' FAQ pages, then all their index pages.
    for name in page_templates {
        for (failure, id) in pages.iter().filter(|(f, _)| f.name == name) {
            check.result(failure, id, all_compiled);
        }
    }
    Ok(check.findings)
}

enum Work<'a> {
    Code(&'a Integration, &'a Code),
    Integration(&'a Integration),
}

/// One code rendered with every code template; the templates that failed.
fn render_code<'t>(
    renderer: &Renderer,
    templates: &[&'t str],
    integration: &Integration,
    code: &Code,
    input: &TicketInput,
) -> Vec<Failure<'t>> {
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
