//! Phase 3 of `triage check`: every template compiled, then rendered for
//! every valid code in strict mode; a problem is a finding at `template:line`.

use std::collections::HashSet;
use std::ops::Range;

use serde::Serialize;

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
                    let result = match *name {
                        FAQ_INTEGRATION => {
                            render(&renderer, name, &IntegrationPage::new(integration))
                        }
                        _ => render(
                            &renderer,
                            name,
                            &crate::render::index::IndexContext::new(integration),
                        ),
                    };
                    result.err().map(|e| (*name, e))
                })
                .collect(),
        },
    );
    let all_compiled = broken.is_empty();
    let mut pages = Vec::new();
    for (work, errors) in work.iter().zip(failures) {
        match work {
            Work::Code(_, code) => {
                for (name, err) in errors {
                    check.result(name, &err, &code.code, all_compiled);
                }
            }
            Work::Integration(integration) => {
                pages.extend(
                    errors
                        .into_iter()
                        .map(|(name, e)| (name, e, &integration.id)),
                );
            }
        }
    }
    // All integrations' FAQ pages, then all their index pages.
    for name in page_templates {
        for (_, err, id) in pages.iter().filter(|(n, _, _)| *n == name) {
            check.result(name, err, id, all_compiled);
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
) -> Vec<(&'t str, minijinja::Error)> {
    let obs = Observations::default();
    let diagnosis = engine::diagnose(integration, code, &obs);
    let article = value(&ArticleContext::new(integration, code));
    templates
        .iter()
        .filter_map(|name| {
            let result = if *name == TICKET {
                let page = TicketPage::new(integration, code, &diagnosis, &obs, input);
                renderer.try_render(name, &value(&page))
            } else {
                renderer.try_render(name, &article)
            };
            result.err().map(|e| (*name, e))
        })
        .collect()
}

fn value<T: Serialize>(ctx: &T) -> minijinja::Value {
    minijinja::Value::from(minijinja::value::Serde(ctx))
}

fn render<T: Serialize>(r: &Renderer, name: &str, ctx: &T) -> Result<(), minijinja::Error> {
    r.try_render(name, &value(ctx))
}

struct TemplateCheck<'a> {
    sources: &'a Sources,
    ids: &'a [(String, FileId)],
    findings: Vec<Finding>,
    /// (template, line, message) already reported: one error fails every code.
    seen: HashSet<(String, Option<usize>, String)>,
}

impl TemplateCheck<'_> {
    fn result(&mut self, name: &str, err: &minijinja::Error, subject: &str, all_compiled: bool) {
        // An import of a template that did not compile is reported as R501.
        if !all_compiled && err.kind() == minijinja::ErrorKind::TemplateNotFound {
            return;
        }
        let label = format!("while rendering {subject}");
        self.report(
            diag::Code::R502,
            name,
            err,
            "template fails to render",
            Some(label),
        );
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
        let text = &self.sources.get(file).text;
        let start: usize = text
            .split_inclusive('\n')
            .take(line.saturating_sub(1))
            .map(str::len)
            .sum();
        let start = start.min(text.len());
        let end = text[start..].find('\n').map_or(text.len(), |e| start + e);
        start..end
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
