//! Loading a rule base: the files listed and read, each integration file
//! parsed, then every code file parsed, linted (for `check`) and validated on
//! all cores, its parsed YAML dropped as soon as its model is built — the
//! parsed form of 10,000 codes is larger than their models and their text
//! together. Findings come out in the order a load of one file after another
//! gives them, whatever the threads did.

use super::load::{self, RuleSource, Selection};
use super::pattern::Checker;
use super::raw::{FaqCase, RawCode, RawIntegration};
use super::validate::{CodesSeen, Shared, Validator};
use super::{Code, RuleBase};
use crate::diag::Finding;
use crate::diag::{FileId, Sources, Span};

/// Lints that run beside validation, while each code's parsed YAML is at
/// hand. The model does not know them: `check` brings its own
/// ([`crate::check::lint::Lints`]); every other command loads with [`NoLints`].
pub trait Lints: Sync {
    /// What the lints across codes need from one code file.
    type Facts: Send;
    /// The lints of one code file on its own, and its facts.
    fn code(
        &self,
        sources: &Sources,
        file: FileId,
        raw: &RawCode,
        faq_case: FaqCase,
    ) -> (Vec<Finding>, Self::Facts);
    /// The lints of an integration file over its codes' facts (`all_parsed`:
    /// whether every file of the rule base parsed).
    fn integration(
        &self,
        sources: &Sources,
        file: FileId,
        raw: &RawIntegration,
        codes: &[&Self::Facts],
        all_parsed: bool,
    ) -> Vec<Finding>;
    /// The lints across the whole rule base.
    fn rule_base(&self, codes: &[&Self::Facts]) -> Vec<Finding>;
    /// Whether to run at all (false skips the work of gathering facts).
    fn enabled(&self) -> bool {
        true
    }
}

/// No lints: loading for a command other than `check`.
pub struct NoLints;

impl Lints for NoLints {
    type Facts = ();
    fn code(&self, _: &Sources, _: FileId, _: &RawCode, _: FaqCase) -> (Vec<Finding>, ()) {
        (Vec::new(), ())
    }
    fn integration(
        &self,
        _: &Sources,
        _: FileId,
        _: &RawIntegration,
        _: &[&()],
        _: bool,
    ) -> Vec<Finding> {
        Vec::new()
    }
    fn rule_base(&self, _: &[&()]) -> Vec<Finding> {
        Vec::new()
    }
    fn enabled(&self) -> bool {
        false
    }
}

/// A loaded rule base and what loading it found.
#[derive(Debug)]
pub struct Loaded {
    pub base: RuleBase,
    /// YAML problems in file order, then validation findings.
    pub findings: Vec<Finding>,
    /// The lints, when asked for.
    pub lints: Vec<Finding>,
}

/// Integrations are validated and handed on in batches of at least this
/// many codes (consecutive integrations together, or one larger): enough to
/// keep the cores busy, few enough that one batch's models are small.
const BATCH_CODES: usize = 1024;

/// Where the batch of groups from `first` ends: the next group once there
/// are `codes` codes, and never before `first + 1`.
fn batch_end(groups: &[Group], first: usize, codes: usize) -> usize {
    let mut end = first;
    let mut seen = 0;
    while end < groups.len() && (end == first || seen < codes) {
        seen += groups[end].codes.len();
        end += 1;
    }
    end
}

/// Integrations just validated ([`load_each`]), with the files read.
pub struct Batch<'a> {
    pub sources: &'a Sources,
    /// In the rule base's order.
    pub integrations: Vec<super::Integration>,
    /// Whether no file read so far has an error: when one has, the load
    /// fails, and a command that makes something of each batch can stop.
    pub clean: bool,
}

/// An integration folder and its integration file.
struct Group {
    dir: String,
    /// The integration file, if one parsed (the last, if there are several).
    file: Option<(FileId, RawIntegration)>,
    /// Whether there was an integration file at all.
    has_file: bool,
    /// Whether the integration file parsed only past YAML problems: its
    /// model then serves to find more, and joins no rule base.
    recovered: bool,
    /// Its code files, in order.
    codes: Vec<FileId>,
}

/// An integration file parsed past YAML problems. Its codes are validated
/// against it, so until the end of the load `sources` holds the repaired
/// copy when its lines differ in length from the file's (the model's spans
/// are the copy's); then findings move back to the file.
struct RepairedIntegration {
    file: FileId,
    /// The file as it is, while `sources` holds the copy.
    original: Option<String>,
    /// 0-based lines rewritten to step over a problem: findings on them are echoes.
    rewritten: Vec<usize>,
}

/// What became of one code file.
enum Outcome<F> {
    /// The YAML problems of a file that could not be parsed even stepping over them.
    Unparsed(Vec<Finding>),
    /// Parsed, and the YAML problems stepped over to parse it (the model is then dropped).
    Parsed(Box<Parsed<F>>, Vec<Finding>),
}

struct Parsed<F> {
    code: String,
    span: Span,
    lints: Vec<Finding>,
    facts: Option<F>,
    /// The model (`None` with errors) and validation findings, when the
    /// integration file parsed.
    validated: Option<(Option<Code>, Vec<Finding>)>,
}

pub fn load<L: Lints>(
    source: &RuleSource,
    selection: &Selection,
    lints: &L,
) -> Result<Loaded, load::LoadError> {
    Ok(load_listed(load::list(source, selection)?, lints))
}

/// Parses, validates and lints files already read (see [`load`]).
pub fn load_listed<L: Lints>(listing: load::Listing, lints: &L) -> Loaded {
    load_each(listing, lints, &mut |batch| batch.integrations)
}

/// [`load_listed`], handing the integrations to `keep` a [`Batch`] at a time
/// as soon as they are validated: the rule base holds those it gives back.
/// A command that looks at one integration at a time (`check`, `build`) so
/// holds the models of one batch.
pub fn load_each<L: Lints>(
    listing: load::Listing,
    lints: &L,
    keep: &mut dyn FnMut(Batch) -> Vec<super::Integration>,
) -> Loaded {
    let lint = lints.enabled();
    let listed = listing.listed();
    let mut sources = Sources::default();
    let mut groups: Vec<Group> = Vec::new();
    // Per file, its YAML problems.
    let mut unparsed: Vec<Vec<Finding>> = Vec::new();
    let mut repaired: Vec<RepairedIntegration> = Vec::new();
    for file in listing.files {
        let g = match groups.iter().position(|g| g.dir == file.integration) {
            Some(g) => g,
            None => {
                groups.push(Group {
                    dir: file.integration.clone(),
                    file: None,
                    has_file: false,
                    recovered: false,
                    codes: Vec::new(),
                });
                groups.len() - 1
            }
        };
        let is_integration = file.is_integration();
        let id = sources.add(file.display, file.text);
        unparsed.push(Vec::new());
        if !is_integration {
            groups[g].codes.push(id);
            continue;
        }
        groups[g].has_file = true;
        // As a code file does, an integration file goes on past the YAML
        // problems it can step over, so one run reports them all.
        let recovered = load::parse_recovering::<RawIntegration>(id, &sources.get(id).text);
        unparsed[id] = recovered.findings;
        let Some(raw) = recovered.value else {
            continue;
        };
        groups[g].file = Some((id, raw));
        groups[g].recovered = !unparsed[id].is_empty();
        if !groups[g].recovered {
            continue;
        }
        let original = recovered
            .repaired
            .filter(|copy| copy.len() != sources.get(id).text.len())
            .map(|copy| sources.replace_text(id, copy));
        repaired.push(RepairedIntegration {
            file: id,
            original,
            rewritten: recovered.rewritten,
        });
    }
    let checker = Checker::default();
    let mut preludes: Vec<Vec<Finding>> = Vec::new();
    let shared: Vec<Option<Shared>> = groups
        .iter()
        .map(|g| {
            let mut v = Validator::new(&sources, &checker);
            let shared = g.file.as_ref().map(|(id, raw)| v.prelude(&g.dir, *id, raw));
            preludes.push(v.findings);
            shared
        })
        .collect();
    let mut out = Assembly {
        sources: &sources,
        seen: CodesSeen::default(),
        checker: &checker,
    };
    // A batch of integrations at a time (one, or consecutive small ones
    // until there are enough codes to keep the cores busy), its codes on
    // all cores: only its models are held at once, unless `keep` keeps them.
    let mut integrations = Vec::new();
    let mut assembled: Vec<Assembled<L::Facts>> = Vec::new();
    let mut errors = unparsed.iter().flatten().any(Finding::is_error);
    let mut preludes = preludes.into_iter();
    let mut first = 0;
    while first < groups.len() {
        let end = batch_end(&groups, first, BATCH_CODES);
        let items: Vec<(FileId, usize)> = (first..end)
            .flat_map(|g| groups[g].codes.iter().map(move |id| (*id, g)))
            .collect();
        let mut outcomes =
            crate::util::parallel::map(&items, Checker::default, |checker, &(id, g)| {
                code(&sources, checker, id, shared[g].as_ref(), lints)
            })
            .into_iter();
        let mut batch = Vec::new();
        for (g, group) in groups.iter().enumerate().take(end).skip(first) {
            let mut parsed = Vec::new();
            for (&id, outcome) in group.codes.iter().zip(outcomes.by_ref()) {
                let yaml = match outcome {
                    Outcome::Unparsed(yaml) => yaml,
                    Outcome::Parsed(p, yaml) => {
                        parsed.push(*p);
                        yaml
                    }
                };
                errors |= yaml.iter().any(Finding::is_error);
                unparsed[id] = yaml;
            }
            let prelude = preludes.next().unwrap_or_default();
            let (part, integration) = out.group(group, shared[g].as_ref(), prelude, parsed, lints);
            errors |= part.findings.iter().any(Finding::is_error);
            assembled.push(part);
            batch.extend(integration);
        }
        if !batch.is_empty() {
            integrations.extend(keep(Batch {
                sources: &sources,
                integrations: batch,
                clean: !errors,
            }));
        }
        first = end;
    }
    // What the lints of an integration file see depends on whether every
    // file parsed: they run once all are.
    let all_parsed = unparsed.iter().all(Vec::is_empty);
    let mut findings: Vec<Finding> = unparsed.into_iter().flatten().collect();
    let yaml_problems = findings.len();
    let mut found_lints = Vec::new();
    let mut facts: Vec<L::Facts> = Vec::new();
    for (group, part) in groups.iter().zip(assembled) {
        findings.extend(part.findings);
        if lint {
            if let Some((file, raw)) = &group.file {
                let codes: Vec<&L::Facts> = part.facts.iter().collect();
                found_lints.extend(lints.integration(&sources, *file, raw, &codes, all_parsed));
            }
            found_lints.extend(part.lints);
        }
        facts.extend(part.facts);
    }
    if lint {
        let all: Vec<&L::Facts> = facts.iter().collect();
        found_lints.extend(lints.rule_base(&all));
    }
    let mut lints = found_lints;
    drop(shared);
    // The YAML problems are at their place in the file already; what was
    // found past them is moved back from repaired copies, echoes dropped.
    let mut found = if repaired.is_empty() {
        Vec::new()
    } else {
        findings.split_off(yaml_problems)
    };
    for r in repaired {
        if let Some(original) = r.original {
            let copy = sources.replace_text(r.file, original);
            for f in found.iter_mut().chain(lints.iter_mut()) {
                load::remap_finding(f, r.file, &copy, &sources.get(r.file).text);
            }
        }
        let text = &sources.get(r.file).text;
        let echo = |f: &Finding| load::on_rewritten_line(f, r.file, text, &r.rewritten);
        found.retain(|f| !echo(f));
        lints.retain(|f| !echo(f));
    }
    findings.append(&mut found);
    Loaded {
        base: RuleBase {
            integrations,
            sources,
            listed,
        },
        findings,
        lints,
    }
}

/// Parses, lints and validates one code file.
fn code<L: Lints>(
    sources: &Sources,
    checker: &Checker,
    id: FileId,
    shared: Option<&Shared>,
    lints: &L,
) -> Outcome<L::Facts> {
    // A code file goes on past the YAML problems it can step over, so one
    // run reports them all and what validation finds besides.
    let text = &sources.get(id).text;
    let recovered = load::parse_recovering::<RawCode>(id, text);
    let (yaml, rewritten) = (recovered.findings, recovered.rewritten);
    let Some(raw) = recovered.value else {
        return Outcome::Unparsed(yaml);
    };
    // A rewritten line may have changed length: the model's spans are the
    // repaired copy's, so validation reads that copy and its findings move back.
    let repaired = recovered.repaired.as_deref().unwrap_or(text);
    let repaired_sources = (repaired.len() != text.len()).then(|| {
        let mut copy = sources.clone();
        copy.replace_text(id, repaired.to_string());
        copy
    });
    let validating = repaired_sources.as_ref().unwrap_or(sources);
    let (lints, facts) = if lints.enabled() {
        let faq_case = shared.map_or(FaqCase::Title, |s| s.layout().faq_case);
        let (mut lints, facts) = lints.code(validating, id, &raw, faq_case);
        for f in &mut lints {
            load::remap_finding(f, id, repaired, text);
        }
        (lints, Some(facts))
    } else {
        (Vec::new(), None)
    };
    let validated = shared.map(|shared| {
        let mut v = Validator::new(validating, checker);
        let code = v.code(shared, id, &raw);
        // A model read from a repaired copy is not the file: it only served to find more;
        // what it finds on a line rewritten to step over a tab is an echo of the tab.
        let mut findings = v.findings;
        for f in &mut findings {
            load::remap_finding(f, id, repaired, text);
        }
        findings.retain(|f| !load::on_rewritten_line(f, id, text, &rewritten));
        (code.filter(|_| yaml.is_empty()), findings)
    });
    Outcome::Parsed(
        Box::new(Parsed {
            code: raw.code.value.clone(),
            span: Span::of(id, &raw.code),
            lints,
            facts,
            validated,
        }),
        yaml,
    )
}

/// What one integration folder gave besides its model, put together in file
/// order; the lints of its integration file run when all files have parsed.
struct Assembled<F> {
    findings: Vec<Finding>,
    /// Its code files' own lints.
    lints: Vec<Finding>,
    facts: Vec<F>,
}

/// What the integration folders share while each is put together.
struct Assembly<'a> {
    sources: &'a Sources,
    seen: CodesSeen,
    checker: &'a Checker,
}

impl Assembly<'_> {
    /// One integration folder's findings and model (`None` when it joins no
    /// rule base).
    fn group<L: Lints>(
        &mut self,
        group: &Group,
        shared: Option<&Shared>,
        prelude: Vec<Finding>,
        mut parsed: Vec<Parsed<L::Facts>>,
        lints: &L,
    ) -> (Assembled<L::Facts>, Option<super::Integration>) {
        let mut part = Assembled {
            findings: Vec::new(),
            lints: Vec::new(),
            facts: parsed.iter_mut().filter_map(|p| p.facts.take()).collect(),
        };
        if lints.enabled() {
            for p in &mut parsed {
                part.lints.append(&mut p.lints);
            }
        }
        let Some(shared) = shared else {
            if !group.has_file
                && let Some(first) = parsed.first()
            {
                part.findings
                    .push(Validator::no_integration_file(&group.dir, first.span.file));
            }
            return (part, None);
        };
        part.findings.extend(prelude);
        let mut codes = Vec::new();
        for p in parsed {
            let Some((model, findings)) = p.validated else {
                continue;
            };
            let duplicate = self.seen.check(&p.code, p.span);
            let keep = duplicate.is_none();
            part.findings.extend(duplicate);
            part.findings.extend(findings);
            codes.extend(model.filter(|_| keep));
        }
        let mut v = Validator::new(self.sources, self.checker);
        let integration = v.finish(shared, codes);
        part.findings.extend(v.findings);
        // A model read from a repaired copy is not the file: it only served to find more.
        (part, (!group.recovered).then_some(integration))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_ends_once_it_has_enough_codes_and_holds_at_least_one_integration() {
        let groups: Vec<Group> = [3, 0, 2, 9, 1, 1]
            .iter()
            .map(|&n| Group {
                dir: String::new(),
                file: None,
                has_file: true,
                recovered: false,
                codes: (0..n).collect(),
            })
            .collect();
        let ends = |codes| {
            let (mut first, mut ends) = (0, Vec::new());
            while first < groups.len() {
                first = batch_end(&groups, first, codes);
                ends.push(first);
            }
            ends
        };
        assert_eq!(ends(5), [3, 4, 6]);
        // An integration without codes goes on with the next.
        assert_eq!(ends(1), [1, 3, 4, 5, 6]);
        assert_eq!(ends(100), [6]);
    }

    #[test]
    fn an_integration_file_past_its_yaml_problems_finds_more_and_joins_no_rule_base() {
        // After the tab the copy's lines are longer: the duplicate signal is
        // found at the copy's offsets and shown at the file's.
        let integration = "id: acme\nname: Acme\nname: Acme\nprefix: AC\nsignals:\n  - id: a\n\tquestion: A?\n  - id: a\n    question: B?\n    colour: blue\n";
        let source = RuleSource::Memory(vec![("acme/integration.yaml".into(), integration.into())]);
        let loaded = load(&source, &Selection::All, &NoLints).unwrap();
        let at = |f: &Finding| {
            let p = f.primary.as_ref().unwrap();
            (
                f.code,
                loaded
                    .base
                    .sources
                    .line_col(p.span.file, p.span.range.start),
            )
        };
        use crate::diag::Code;
        let found: Vec<_> = loaded.findings.iter().map(at).collect();
        assert_eq!(
            found,
            [
                (Code::R005, (3, 1)),
                (Code::R002, (7, 1)),
                (Code::R003, (10, 5)),
                (Code::R103, (8, 9)),
            ],
            "{:?}",
            loaded.findings
        );
        assert!(loaded.base.integrations.is_empty());
        // The file as it is, not the copy validated while loading.
        assert_eq!(loaded.base.sources.get(0).text, integration);
    }
}
