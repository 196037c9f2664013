//! One integration's imported articles → its rule files. What several
//! articles share moves into `integration.yaml` and is used by id: the house
//! layout and heading patterns, procedures (with `before`/`after` where an
//! article adds a line), the Concierge block, signals and variant labels.
//! Text that differs between articles only by the code or the product is
//! written once with `${code}` / `${product}`.

use std::collections::{BTreeMap, HashMap};

use super::article::{Article, Block, Escalation, ListItem, Procedure};
use super::emit::{Y, document};
use super::index_page::IndexPage;
use crate::rules::Kind;
use crate::rules::layout::{FIX_TITLE, Layout as Defaults, TITLE, WHY_TITLE};
use crate::rules::raw::{FaqCase, RulePlace, VariantLabel};

/// An integration to write: its articles and index page.
pub struct Group {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub articles: Vec<Article>,
    pub index: Option<IndexPage>,
}

pub const HEADER: &str = "yaml-language-server: $schema=../../schema/rules.schema.json";

/// The rule files of one integration: (file name, text), integration.yaml
/// first; and how many procedures were lifted into it.
pub fn files(group: &Group) -> (Vec<(String, String)>, usize) {
    let house = House::of(group);
    let mut out = vec![(
        "integration.yaml".to_string(),
        house.integration_file(group),
    )];
    let indexed: Vec<(usize, &Article)> = group.articles.iter().enumerate().collect();
    // Each code file is written on its own: on all cores, in code order.
    let codes = crate::util::parallel::map(
        &indexed,
        || (),
        |_, (i, a)| (format!("{}.yaml", a.code), house.code_file(group, *i, a)),
    );
    out.extend(codes);
    (out, house.shared.len())
}

/// Replaces the code, then the product, by their placeholders.
fn template(text: &str, code: &str, kind: Kind, product: &str) -> String {
    let kinded = format!("{code} {} Error", kind.title());
    let mut t = text.replace(&kinded, "${code} ${kind_title} Error");
    t = t.replace(code, "${code}");
    if !product.is_empty() {
        t = t.replace(product, "${product}");
    }
    t
}

/// The most common value (the first seen among equals), if any.
pub fn majority<T: Clone + PartialEq>(values: impl IntoIterator<Item = T>) -> Option<T> {
    let mut counts: Vec<(T, usize)> = Vec::new();
    for v in values {
        match counts.iter_mut().find(|(c, _)| *c == v) {
            Some((_, n)) => *n += 1,
            None => counts.push((v, 1)),
        }
    }
    let best = counts.iter().map(|(_, n)| *n).max()?;
    counts.into_iter().find(|(_, n)| *n == best).map(|(v, _)| v)
}

/// `The Ledgerly sign-in expired.` → `ledgerly_sign_in_expired`: an id from
/// the first significant words.
pub fn slug(text: &str) -> String {
    const SKIP: &[&str] = &[
        "the", "a", "an", "is", "was", "were", "are", "to", "of", "in", "on", "for", "and", "or",
        "your", "its", "has", "have", "been", "by", "with", "that", "this",
    ];
    let clean: String = text
        .chars()
        .filter(|c| !matches!(c, '\'' | '\u{2019}'))
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                ' '
            }
        })
        .collect();
    let words: Vec<&str> = clean
        .split_whitespace()
        .filter(|w| !SKIP.contains(w))
        .take(5)
        .collect();
    let id = words.join("_");
    if id.is_empty() || id.starts_with(|c: char| c.is_ascii_digit()) {
        format!("item_{id}")
    } else {
        id
    }
}

fn unique(base: String, taken: &mut Vec<String>) -> String {
    let mut id = base.clone();
    let mut n = 2;
    while taken.contains(&id) {
        id = format!("{base}_{n}");
        n += 1;
    }
    taken.push(id.clone());
    id
}

/// A yes/no question from a cause's sentence, drafted for a writer to edit:
/// "The token was revoked." → "Was the token revoked?".
pub fn question(cause: &str) -> String {
    const AUX: [&str; 9] = [
        "was", "were", "is", "are", "has", "have", "can", "does", "did",
    ];
    let s = cause.trim().trim_end_matches('.');
    let words: Vec<&str> = s.split(' ').collect();
    // The first auxiliary, close to the start: the subject comes before it.
    let aux = words.iter().take(7).position(|w| AUX.contains(w));
    // "The token" → "the token"; a name ("Tallybook", "NetSuite") keeps its capital.
    const ARTICLES: [&str; 12] = [
        "The", "A", "An", "This", "That", "These", "Those", "Your", "Its", "Their", "One", "Some",
    ];
    let lower_start = |text: &str| -> String {
        match text.chars().next() {
            Some(first) if ARTICLES.contains(&words[0]) => {
                format!("{}{}", first.to_lowercase(), &text[first.len_utf8()..])
            }
            _ => text.to_string(),
        }
    };
    let Some(i) = aux.filter(|&i| i > 0 && i + 1 < words.len()) else {
        return format!("Is this the case: {}?", lower_start(s));
    };
    let subject = lower_start(&words[..i].join(" "));
    let mut aux = words[i].to_string();
    aux[..1].make_ascii_uppercase();
    format!("{aux} {subject} {}?", words[i + 1..].join(" "))
}

/// A procedure title and the (article, procedure) pairs printing it.
type TitleGroup<'p> = (Option<String>, Vec<(usize, &'p Procedure)>);

/// What the articles of one integration share.
struct House {
    layout: Vec<(&'static str, Y)>,
    resolved: Resolved,
    titles: [String; 3],
    faq_case: FaqCase,
    /// (signal id, question) in first-seen order; cause text → signal id.
    signals: Vec<(String, String)>,
    signal_of: HashMap<String, String>,
    /// Shared procedures: id, the templated procedure.
    shared: Vec<(String, Procedure)>,
    /// Per article, per procedure: how it is written.
    uses: Vec<Vec<Use>>,
    escalation: Option<SharedEscalation>,
    /// Variant id → label (majority).
    variants: Vec<(String, String)>,
}

/// A procedure of an article: a shared one (maybe with blocks around it), or its own.
#[derive(Clone)]
enum Use {
    Shared {
        id: String,
        title: Option<Option<String>>,
        before: Vec<Block>,
        after: Vec<Block>,
    },
    Local(String),
}

struct SharedEscalation {
    title: String,
    lead: String,
    closing: Option<String>,
    include: BTreeMap<&'static str, Vec<String>>,
}

/// The layout every article gets from the integration, key by key.
#[derive(Clone)]
struct Resolved {
    why_level: u8,
    fix_level: Option<u8>,
    procedure_level: u8,
    escalation_level: u8,
    faq_level: u8,
    variant_label: VariantLabel,
    rules: Vec<RulePlace>,
}

const PLACES: [RulePlace; 6] = [
    RulePlace::BeforeWhy,
    RulePlace::BeforeFix,
    RulePlace::BeforeFirstProcedure,
    RulePlace::BetweenProcedures,
    RulePlace::BeforeEscalation,
    RulePlace::BeforeFaq,
];

fn place_name(p: RulePlace) -> &'static str {
    match p {
        RulePlace::BeforeWhy => "before_why",
        RulePlace::BeforeFix => "before_fix",
        RulePlace::BeforeFirstProcedure => "before_first_procedure",
        RulePlace::BetweenProcedures => "between_procedures",
        RulePlace::BeforeEscalation => "before_escalation",
        RulePlace::BeforeFaq => "before_faq",
    }
}

/// Whether an article can show a rule at `place` (the parts around it exist).
fn observable(a: &Article, place: RulePlace) -> bool {
    let fix_part = !a.procedures.is_empty() || !a.fix_lead.is_empty();
    match place {
        RulePlace::BeforeWhy => a.why.is_some(),
        RulePlace::BeforeFix => fix_part,
        RulePlace::BeforeFirstProcedure => {
            matches!(a.layout.fix_level, Some(Some(_))) && !a.procedures.is_empty()
        }
        RulePlace::BetweenProcedures => a.procedures.len() > 1,
        RulePlace::BeforeEscalation => a.escalation.is_some(),
        RulePlace::BeforeFaq => !a.faq.is_empty(),
    }
}

fn is_title_case(q: &str) -> bool {
    crate::check::lint::is_title_case(q)
}

fn article_faq_case(a: &Article) -> Option<FaqCase> {
    if a.faq.is_empty() {
        return None;
    }
    Some(if a.faq.iter().all(|(q, _)| is_title_case(q)) {
        FaqCase::Title
    } else {
        FaqCase::Sentence
    })
}

impl House {
    fn of(group: &Group) -> House {
        let arts = &group.articles;
        let d = Defaults::default();
        let level = |f: &dyn Fn(&Article) -> Option<u8>, default: u8| {
            majority(arts.iter().filter_map(f)).unwrap_or(default)
        };
        let resolved = Resolved {
            why_level: level(&|a| a.layout.why_level, d.why_level),
            fix_level: majority(arts.iter().filter_map(|a| a.layout.fix_level))
                .unwrap_or(d.fix_level),
            procedure_level: level(&|a| a.layout.procedure_level, d.procedure_level),
            escalation_level: level(&|a| a.layout.escalation_level, d.escalation_level),
            faq_level: level(&|a| a.layout.faq_level, d.faq_level),
            variant_label: majority(arts.iter().filter_map(|a| a.layout.variant_label))
                .unwrap_or(d.variant_label),
            rules: PLACES
                .into_iter()
                .filter(|p| {
                    let seen = arts
                        .iter()
                        .filter(|a| observable(a, *p))
                        .map(|a| a.layout.rules.contains(p));
                    majority(seen).unwrap_or(d.rules.contains(p))
                })
                .collect(),
        };
        let faq_case = majority(arts.iter().filter_map(article_faq_case)).unwrap_or(FaqCase::Title);
        let templated = |f: &dyn Fn(&Article) -> Option<&str>, default: &str| -> String {
            majority(
                arts.iter()
                    .filter_map(|a| f(a).map(|t| template(t, &a.code, a.kind, &group.name))),
            )
            .unwrap_or_else(|| default.to_string())
        };
        let titles = [
            templated(&|a| Some(a.front.title.as_str()), TITLE),
            templated(&|a| a.why.as_ref().map(|(h, _)| h.as_str()), WHY_TITLE),
            templated(&|a| a.fix_heading.as_deref(), FIX_TITLE),
        ];
        let mut house = House {
            layout: layout_entries(&resolved, &d, faq_case, &titles),
            resolved,
            titles,
            faq_case,
            signals: Vec::new(),
            signal_of: HashMap::new(),
            shared: Vec::new(),
            uses: Vec::new(),
            escalation: None,
            variants: Vec::new(),
        };
        house.signals(group);
        house.procedures(group);
        house.escalation = shared_escalation(group);
        house.variants = variant_labels(arts);
        house
    }

    fn signals(&mut self, group: &Group) {
        let mut taken = Vec::new();
        for a in &group.articles {
            for cause in &a.causes {
                if self.signal_of.contains_key(cause) {
                    continue;
                }
                let id = unique(slug(cause), &mut taken);
                self.signals.push((id.clone(), question(cause)));
                self.signal_of.insert(cause.clone(), id);
            }
        }
    }

    /// Lifts a procedure that two or more articles print the same (up to the
    /// code and product) into a shared one; an article whose procedure adds
    /// blocks around a shared one uses it with `before`/`after`.
    fn procedures(&mut self, group: &Group) {
        let arts = &group.articles;
        let templated: Vec<Vec<Procedure>> = arts
            .iter()
            .map(|a| {
                a.procedures
                    .iter()
                    .map(|p| templated_procedure(p, a, &group.name))
                    .collect()
            })
            .collect();
        // Procedures by title, each with the articles that print one.
        let mut by_title: Vec<TitleGroup> = Vec::new();
        for (i, procs) in templated.iter().enumerate() {
            for p in procs {
                match by_title.iter_mut().find(|(t, _)| *t == p.title) {
                    Some((_, members)) => members.push((i, p)),
                    None => by_title.push((p.title.clone(), vec![(i, p)])),
                }
            }
        }
        let mut taken: Vec<String> = Vec::new();
        for (title, members) in by_title {
            let mut articles: Vec<usize> = members.iter().map(|(i, _)| *i).collect();
            articles.dedup();
            if articles.len() < 2 {
                continue;
            }
            let bodies: Vec<&[Block]> = members.iter().map(|(_, p)| p.body.as_slice()).collect();
            if let Some(core) = common_core(&bodies) {
                let p = Procedure { title, body: core };
                let id = unique(procedure_slug(&p), &mut taken);
                self.shared.push((id, p));
            }
        }
        self.uses = templated
            .iter()
            .map(|procs| {
                let mut local_taken = taken.clone();
                procs
                    .iter()
                    .map(|p| {
                        self.use_of(p).unwrap_or_else(|| {
                            Use::Local(unique(procedure_slug(p), &mut local_taken))
                        })
                    })
                    .collect()
            })
            .collect();
    }

    /// How a (templated) procedure uses a shared one, if it does.
    fn use_of(&self, p: &Procedure) -> Option<Use> {
        if let Some((id, _)) = self.shared.iter().find(|(_, s)| s == p) {
            return Some(Use::Shared {
                id: id.clone(),
                title: None,
                before: Vec::new(),
                after: Vec::new(),
            });
        }
        // The same title, the shared body inside this one's: blocks before and after.
        self.shared.iter().find_map(|(id, s)| {
            if s.title != p.title || s.body.is_empty() || s.body.len() > p.body.len() {
                return None;
            }
            let n = s.body.len();
            let at = (0..=p.body.len() - n).find(|&i| p.body[i..i + n] == s.body[..])?;
            Some(Use::Shared {
                id: id.clone(),
                title: None,
                before: p.body[..at].to_vec(),
                after: p.body[at + n..].to_vec(),
            })
        })
    }

    fn integration_file(&self, group: &Group) -> String {
        let signals = self
            .signals
            .iter()
            .map(|(id, q)| {
                Y::map(vec![
                    ("id", Y::str(id)),
                    ("question", Y::str(q)),
                    ("draft", Y::Raw("true".into())),
                ])
            })
            .collect();
        let variants = self
            .variants
            .iter()
            .map(|(id, label)| Y::map(vec![("id", Y::str(id)), ("label", Y::str(label))]))
            .collect();
        let procedures = self
            .shared
            .iter()
            .map(|(id, p)| self.procedure_y(id, p.title.as_deref(), &p.body))
            .collect();
        let escalation = self.escalation.as_ref().map_or(Y::Seq(Vec::new()), |e| {
            Y::map(vec![
                ("title", Y::str(&e.title)),
                ("lead", Y::str(&e.lead)),
                (
                    "include",
                    Y::Map(
                        e.include
                            .iter()
                            .map(|(k, v)| (k.to_string(), Y::Seq(v.iter().map(Y::str).collect())))
                            .collect(),
                    ),
                ),
                ("closing", Y::opt(e.closing.clone())),
            ])
        });
        let index = group.index.as_ref().map_or(Y::Seq(Vec::new()), |i| {
            let default_title = format!("How to troubleshoot common {} errors", group.name);
            Y::map(vec![
                (
                    "title",
                    Y::opt((i.title != default_title).then(|| i.title.clone())),
                ),
                ("description", Y::str(&i.description)),
                ("keywords", Y::Flow(i.keywords.clone())),
                ("internal_scope", Y::str(&i.internal_scope)),
                ("intro", Y::Seq(i.intro.iter().map(Y::str).collect())),
                ("faq", faq_y(&i.faq)),
            ])
        });
        let root = Y::map(vec![
            ("id", Y::str(&group.id)),
            ("name", Y::str(&group.name)),
            ("prefix", Y::str(&group.prefix)),
            ("layout", Y::map(self.layout.clone())),
            ("signals", Y::Seq(signals)),
            ("variants", Y::Seq(variants)),
            ("procedures", Y::Seq(procedures)),
            ("escalation", escalation),
            ("index", index),
        ]);
        let header = format!(
            "{HEADER}\n{} ({}), imported by `triage import` from {} articles.\nSignals marked `draft: true` have questions drafted from their cause: edit each, then remove `draft`.",
            group.name,
            group.id,
            group.articles.len()
        );
        let mut text = document(
            &header,
            &root,
            &[
                "layout",
                "signals",
                "variants",
                "procedures",
                "escalation",
                "index",
            ],
        );
        if matches!(&root, Y::Map(e) if e.iter().all(|(k, _)| k != "layout")) {
            text = text.replace("\n\n\n", "\n\n");
        }
        text
    }

    fn code_file(&self, group: &Group, i: usize, a: &Article) -> String {
        let product = &group.name;
        let own = |t: &str| template(t, &a.code, a.kind, product);
        let fm = &a.front;
        let front = Y::map(vec![
            (
                "title",
                Y::opt((own(&fm.title) != self.titles[0]).then(|| fm.title.clone())),
            ),
            ("description", Y::str(&fm.description)),
            ("keywords", Y::str(&fm.keywords)),
            ("internal_scope", Y::str(&fm.internal_scope)),
            ("display_title", Y::opt(fm.display_title.clone())),
            ("order", fm.order.clone().map_or(Y::Seq(Vec::new()), Y::Raw)),
        ]);
        let summary = group
            .index
            .as_ref()
            .and_then(|ix| ix.summaries.iter().find(|(c, _)| *c == a.code))
            .map(|(_, s)| s.clone());
        let why = a
            .why
            .as_ref()
            .map_or(Y::Seq(Vec::new()), |(heading, body)| {
                Y::map(vec![
                    (
                        "heading",
                        Y::opt((own(heading) != self.titles[1]).then(|| heading.clone())),
                    ),
                    ("body", self.blocks_y(body)),
                ])
            });
        let ids: Vec<String> = self.uses[i]
            .iter()
            .map(|u| match u {
                Use::Shared { id, .. } | Use::Local(id) => id.clone(),
            })
            .collect();
        let causes = a
            .causes
            .iter()
            .map(|c| {
                let id = self.signal_of.get(c).cloned().unwrap_or_else(|| slug(c));
                Y::map(vec![
                    ("id", Y::str(&id)),
                    ("text", Y::str(c)),
                    ("when", Y::str(&id)),
                    ("fixes", Y::Flow(ids.clone())),
                ])
            })
            .collect();
        let procedures_listed = self.uses[i]
            .iter()
            .map(|u| match u {
                Use::Shared {
                    id,
                    title,
                    before,
                    after,
                } if title.is_none() && before.is_empty() && after.is_empty() => Y::str(id),
                Use::Shared {
                    id, before, after, ..
                } => Y::map(vec![
                    ("use", Y::str(id)),
                    ("before", self.blocks_or_empty(before)),
                    ("after", self.blocks_or_empty(after)),
                ]),
                Use::Local(id) => Y::str(id),
            })
            .collect();
        let fix_heading = a
            .fix_heading
            .as_ref()
            .filter(|h| own(h) != self.titles[2])
            .cloned();
        let fix = if a.procedures.is_empty() && a.fix_lead.is_empty() && fix_heading.is_none() {
            Y::Seq(Vec::new())
        } else {
            Y::map(vec![
                ("heading", Y::opt(fix_heading)),
                ("lead", self.blocks_or_empty(&a.fix_lead)),
                ("procedures", Y::Seq(procedures_listed)),
            ])
        };
        let local = a
            .procedures
            .iter()
            .zip(&self.uses[i])
            .filter_map(|(p, u)| match u {
                Use::Local(id) => Some(self.procedure_y(id, p.title.as_deref(), &p.body)),
                Use::Shared { .. } => None,
            })
            .collect();
        let root = Y::map(vec![
            ("code", Y::str(&a.code)),
            ("kind", Y::str(a.kind.id())),
            ("message", Y::str(&a.message)),
            ("placeholders", placeholders_y(&a.message)),
            ("summary", Y::opt(summary)),
            ("front_matter", front),
            ("layout", Y::map(self.code_layout(a))),
            ("meaning", self.blocks_or_empty(&a.meaning)),
            ("why", why),
            ("causes", Y::Seq(causes)),
            ("fix", fix),
            ("escalation", self.escalation_use(a)),
            ("faq", faq_y(&a.faq)),
            ("procedures", Y::Seq(local)),
        ]);
        document(
            &format!("{HEADER}\nImported from {}.", a.path),
            &root,
            &[
                "placeholders",
                "summary",
                "front_matter",
                "layout",
                "meaning",
                "why",
                "causes",
                "fix",
                "escalation",
                "faq",
                "procedures",
            ],
        )
    }

    /// The layout keys where this article differs from the integration's.
    fn code_layout(&self, a: &Article) -> Vec<(&'static str, Y)> {
        let r = &self.resolved;
        let l = &a.layout;
        let mut out = Vec::new();
        let mut level = |key: &'static str, mine: Option<u8>, house: u8| {
            if let Some(m) = mine.filter(|m| *m != house) {
                out.push((key, Y::Raw(m.to_string())));
            }
        };
        level("why_level", l.why_level, r.why_level);
        level("procedure_level", l.procedure_level, r.procedure_level);
        level("escalation_level", l.escalation_level, r.escalation_level);
        level("faq_level", l.faq_level, r.faq_level);
        if let Some(f) = l.fix_level.filter(|f| *f != r.fix_level) {
            out.push((
                "fix_level",
                Y::Raw(f.map_or("none".into(), |n| n.to_string())),
            ));
        }
        if let Some(v) = l.variant_label.filter(|v| *v != r.variant_label) {
            out.push(("variant_label", Y::Raw(variant_label_name(v).into())));
        }
        let differs = PLACES
            .iter()
            .any(|p| observable(a, *p) && l.rules.contains(p) != r.rules.contains(p));
        if differs {
            let rules: Vec<String> = PLACES
                .iter()
                .filter(|p| {
                    if observable(a, **p) {
                        l.rules.contains(p)
                    } else {
                        r.rules.contains(p)
                    }
                })
                .map(|p| place_name(*p).to_string())
                .collect();
            out.push(("rules", Y::Flow(rules)));
        }
        if let Some(case) = article_faq_case(a).filter(|c| *c != self.faq_case) {
            out.push(("faq_case", Y::Raw(faq_case_name(case).into())));
        }
        out
    }

    fn escalation_use(&self, a: &Article) -> Y {
        let (Some(e), Some(house)) = (&a.escalation, &self.escalation) else {
            return Y::Seq(Vec::new());
        };
        let t = |s: &str| template(s, &a.code, a.kind, "");
        let include: Vec<String> = e.include.iter().map(|s| t(s)).collect();
        let differ = |mine: String, theirs: &str| (mine != theirs).then_some(mine);
        let overrides = Y::map(vec![
            ("title", Y::opt(differ(t(&e.title), &house.title))),
            ("lead", Y::opt(differ(t(&e.lead), &house.lead))),
            (
                "include",
                if house.include.get(a.kind.id()) == Some(&include) {
                    Y::Seq(Vec::new())
                } else {
                    Y::Seq(include.iter().map(Y::str).collect())
                },
            ),
            (
                "closing",
                match (&e.closing, &house.closing) {
                    (Some(c), h) if h.as_deref() != Some(t(c).as_str()) => Y::str(t(c)),
                    _ => Y::Seq(Vec::new()),
                },
            ),
        ]);
        match overrides {
            Y::Map(m) if m.is_empty() => Y::Raw("{}".into()),
            o => o,
        }
    }

    fn procedure_y(&self, id: &str, title: Option<&str>, body: &[Block]) -> Y {
        Y::map(vec![
            ("id", Y::str(id)),
            ("title", Y::opt(title)),
            ("body", self.blocks_y(body)),
        ])
    }

    fn blocks_or_empty(&self, blocks: &[Block]) -> Y {
        if blocks.is_empty() {
            Y::Seq(Vec::new())
        } else {
            self.blocks_y(blocks)
        }
    }

    fn blocks_y(&self, blocks: &[Block]) -> Y {
        Y::Seq(blocks.iter().map(|b| self.block_y(b)).collect())
    }

    fn block_y(&self, b: &Block) -> Y {
        let items = |items: &[ListItem]| Y::Seq(items.iter().map(|i| self.item_y(i)).collect());
        match b {
            Block::Paragraph(t) => Y::str(t),
            Block::Steps(i) => Y::map(vec![("steps", items(i))]),
            Block::Bullets(i) => Y::map(vec![("bullets", items(i))]),
            Block::Table { header, rows } => Y::map(vec![(
                "table",
                Y::map(vec![
                    ("header", Y::Flow(header.clone())),
                    (
                        "rows",
                        Y::Seq(rows.iter().map(|r| Y::Flow(r.clone())).collect()),
                    ),
                ]),
            )]),
            Block::Note(t) => Y::map(vec![("note", Y::str(t))]),
            Block::Tip(t) => Y::map(vec![("tip", Y::str(t))]),
            Block::Variants(vs) => Y::map(vec![(
                "variants",
                Y::Seq(
                    vs.iter()
                        .map(|(label, body)| {
                            let id = variant_id(label);
                            let house = self
                                .variants
                                .iter()
                                .find(|(v, _)| *v == id)
                                .map(|(_, l)| l.as_str());
                            Y::map(vec![
                                ("id", Y::str(&id)),
                                (
                                    "label",
                                    Y::opt((house != Some(label.as_str())).then(|| label.clone())),
                                ),
                                ("body", self.blocks_y(body)),
                            ])
                        })
                        .collect(),
                ),
            )]),
            Block::Section(title, body) => Y::map(vec![(
                "section",
                Y::map(vec![
                    ("title", Y::str(title)),
                    ("body", self.blocks_y(body)),
                ]),
            )]),
            Block::Causes => Y::map(vec![("causes", Y::Raw("all".into()))]),
            Block::Use(id) => Y::map(vec![("use", Y::str(id))]),
        }
    }

    fn item_y(&self, i: &ListItem) -> Y {
        if i.body.is_empty() {
            return Y::str(&i.text);
        }
        // Bullets alone under an item are written as the item's `bullets`.
        if let [Block::Bullets(b)] = i.body.as_slice()
            && b.iter().all(|x| x.body.is_empty())
        {
            return Y::map(vec![
                ("text", Y::str(&i.text)),
                (
                    "bullets",
                    Y::Seq(b.iter().map(|x| Y::str(&x.text)).collect()),
                ),
            ]);
        }
        Y::map(vec![
            ("text", Y::str(&i.text)),
            ("body", self.blocks_y(&i.body)),
        ])
    }
}

fn layout_entries(
    r: &Resolved,
    d: &Defaults,
    faq_case: FaqCase,
    titles: &[String; 3],
) -> Vec<(&'static str, Y)> {
    let mut out = Vec::new();
    for (key, value, default) in [
        ("title", &titles[0], TITLE),
        ("why_title", &titles[1], WHY_TITLE),
        ("fix_title", &titles[2], FIX_TITLE),
    ] {
        if value != default {
            out.push((key, Y::str(value)));
        }
    }
    let mut level = |key: &'static str, v: u8, dv: u8| {
        if v != dv {
            out.push((key, Y::Raw(v.to_string())));
        }
    };
    level("why_level", r.why_level, d.why_level);
    level("procedure_level", r.procedure_level, d.procedure_level);
    level("escalation_level", r.escalation_level, d.escalation_level);
    level("faq_level", r.faq_level, d.faq_level);
    if r.fix_level != d.fix_level {
        out.push((
            "fix_level",
            Y::Raw(r.fix_level.map_or("none".into(), |n| n.to_string())),
        ));
    }
    if r.variant_label != d.variant_label {
        out.push((
            "variant_label",
            Y::Raw(variant_label_name(r.variant_label).into()),
        ));
    }
    if r.rules != d.rules {
        out.push((
            "rules",
            Y::Flow(r.rules.iter().map(|p| place_name(*p).to_string()).collect()),
        ));
    }
    if faq_case != FaqCase::Title {
        out.push(("faq_case", Y::Raw(faq_case_name(faq_case).into())));
    }
    out
}

fn variant_label_name(v: VariantLabel) -> &'static str {
    match v {
        VariantLabel::Line => "line",
        VariantLabel::Heading => "heading",
    }
}

fn faq_case_name(c: FaqCase) -> &'static str {
    match c {
        FaqCase::Title => "title",
        FaqCase::Sentence => "sentence",
    }
}

/// `On web:` / `On Web` → `web`.
pub fn variant_id(label: &str) -> String {
    let word = label.trim_start_matches("On ").trim_end_matches(':');
    slug(word)
}

fn variant_labels(arts: &[Article]) -> Vec<(String, String)> {
    let mut seen: Vec<(String, Vec<String>)> = Vec::new();
    fn walk(blocks: &[Block], seen: &mut Vec<(String, Vec<String>)>) {
        for b in blocks {
            match b {
                Block::Variants(vs) => {
                    for (label, body) in vs {
                        let id = variant_id(label);
                        match seen.iter_mut().find(|(i, _)| *i == id) {
                            Some((_, labels)) => labels.push(label.clone()),
                            None => seen.push((id, vec![label.clone()])),
                        }
                        walk(body, seen);
                    }
                }
                Block::Section(_, body) => walk(body, seen),
                Block::Steps(items) | Block::Bullets(items) => {
                    for i in items {
                        walk(&i.body, seen);
                    }
                }
                _ => {}
            }
        }
    }
    for a in arts {
        for p in &a.procedures {
            walk(&p.body, &mut seen);
        }
        walk(&a.fix_lead, &mut seen);
    }
    seen.into_iter()
        .map(|(id, labels)| {
            let label = majority(labels).unwrap_or_default();
            (id, label)
        })
        .collect()
}

fn templated_procedure(p: &Procedure, a: &Article, product: &str) -> Procedure {
    let t = |s: &str| template(s, &a.code, a.kind, product);
    Procedure {
        title: p.title.as_deref().map(t),
        body: p.body.iter().map(|b| map_block(b, &t)).collect(),
    }
}

fn map_block(b: &Block, t: &dyn Fn(&str) -> String) -> Block {
    let items = |items: &[ListItem]| -> Vec<ListItem> {
        items
            .iter()
            .map(|i| ListItem {
                text: t(&i.text),
                body: i.body.iter().map(|b| map_block(b, t)).collect(),
            })
            .collect()
    };
    match b {
        Block::Paragraph(s) => Block::Paragraph(t(s)),
        Block::Note(s) => Block::Note(t(s)),
        Block::Tip(s) => Block::Tip(t(s)),
        Block::Steps(i) => Block::Steps(items(i)),
        Block::Bullets(i) => Block::Bullets(items(i)),
        Block::Table { header, rows } => Block::Table {
            header: header.iter().map(|c| t(c)).collect(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| t(c)).collect())
                .collect(),
        },
        // Labels are matched against the integration's variants as printed.
        Block::Variants(vs) => Block::Variants(
            vs.iter()
                .map(|(l, body)| (l.clone(), body.iter().map(|b| map_block(b, t)).collect()))
                .collect(),
        ),
        Block::Section(title, body) => {
            Block::Section(t(title), body.iter().map(|b| map_block(b, t)).collect())
        }
        Block::Causes => Block::Causes,
        Block::Use(id) => Block::Use(id.clone()),
    }
}

/// The longest run of blocks every body holds, if it carries more than
/// paragraphs (steps, a list, a table): what the procedures share.
fn common_core(bodies: &[&[Block]]) -> Option<Vec<Block>> {
    let (first, rest) = bodies.split_first()?;
    for len in (1..=first.len()).rev() {
        for start in 0..=first.len() - len {
            let run = &first[start..start + len];
            let substantial = run
                .iter()
                .any(|b| !matches!(b, Block::Paragraph(_) | Block::Note(_) | Block::Tip(_)));
            if substantial && rest.iter().all(|b| b.windows(len).any(|w| w == run)) {
                return Some(run.to_vec());
            }
        }
    }
    None
}

fn procedure_slug(p: &Procedure) -> String {
    match &p.title {
        Some(t) => slug(
            &t.replace("${code}", "")
                .replace("${product}", "")
                .replace("${kind_title}", ""),
        ),
        None => "fix_steps".to_string(),
    }
}

fn shared_escalation(group: &Group) -> Option<SharedEscalation> {
    let with: Vec<(&Article, &Escalation)> = group
        .articles
        .iter()
        .filter_map(|a| a.escalation.as_ref().map(|e| (a, e)))
        .collect();
    if with.is_empty() {
        return None;
    }
    let t = |a: &Article, s: &str| template(s, &a.code, a.kind, "");
    let mut include = BTreeMap::new();
    for kind in Kind::ALL {
        let lists = with
            .iter()
            .filter(|(a, _)| a.kind == kind)
            .map(|(a, e)| e.include.iter().map(|s| t(a, s)).collect::<Vec<_>>());
        if let Some(list) = majority(lists) {
            include.insert(kind.id(), list);
        }
    }
    Some(SharedEscalation {
        title: majority(with.iter().map(|(a, e)| t(a, &e.title)))?,
        lead: majority(with.iter().map(|(a, e)| t(a, &e.lead)))?,
        // A code can replace the closing line but not remove it: shared only when all have it.
        closing: {
            let closings: Vec<Option<String>> = with
                .iter()
                .map(|(a, e)| e.closing.as_ref().map(|c| t(a, c)))
                .collect();
            if closings.iter().all(Option::is_some) {
                majority(closings).flatten()
            } else {
                None
            }
        },
        include,
    })
}

fn faq_y(faq: &[(String, String)]) -> Y {
    Y::Seq(
        faq.iter()
            .map(|(q, a)| Y::map(vec![("question", Y::str(q)), ("answer", Y::str(a))]))
            .collect(),
    )
}

/// `[X]`, `[XX/XX/XXXX]` and quoted emails in a message: its placeholders,
/// each named after the word before it ("vendor [X]" → `vendor`).
pub fn placeholders(message: &str) -> Vec<(String, String)> {
    const STOP: &[&str] = &[
        "the", "a", "an", "of", "for", "to", "in", "on", "with", "and", "or", "is", "was", "at",
        "by", "from",
    ];
    let mut out: Vec<(String, String)> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let bytes = message.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let (end, email) = match bytes[i] {
            b'[' => match message[i..].find(']') {
                Some(j)
                    if message[i + 1..i + j].contains('X')
                        && message[i + 1..i + j]
                            .chars()
                            .all(|c| c == 'X' || "/-:. 0123456789".contains(c)) =>
                {
                    (i + j + 1, false)
                }
                _ => (0, false),
            },
            b'\'' => match message[i + 1..].find('\'') {
                Some(j)
                    if message[i + 1..i + 1 + j].contains('@')
                        && !message[i + 1..i + 1 + j].contains(' ') =>
                {
                    (i + j + 2, true)
                }
                _ => (0, false),
            },
            _ => (0, false),
        };
        if end == 0 {
            i += 1;
            continue;
        }
        let text = &message[i..end];
        // The word before names the value, unless it is the code's `LG101:` prefix.
        let before = message[..i]
            .split_whitespace()
            .last()
            .filter(|w| !w.ends_with(':'))
            .unwrap_or("")
            .to_lowercase();
        let word: String = before.chars().filter(char::is_ascii_alphanumeric).collect();
        let base = if email {
            "email".to_string()
        } else if !word.is_empty()
            && !STOP.contains(&word.as_str())
            && word.starts_with(|c: char| c.is_ascii_alphabetic())
        {
            word
        } else {
            "value".to_string()
        };
        if !out.iter().any(|(t, _)| t == text) {
            let name = unique(base, &mut names);
            out.push((text.to_string(), name));
        }
        i = end;
    }
    out
}

fn placeholders_y(message: &str) -> Y {
    Y::Seq(
        placeholders(message)
            .into_iter()
            .map(|(text, name)| Y::map(vec![("text", Y::str(text)), ("name", Y::str(name))]))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_are_drafted_from_the_cause() {
        assert_eq!(
            question("The access token was revoked."),
            "Was the access token revoked?"
        );
        assert_eq!(
            question("Ledgerly ended the sign-in."),
            "Is this the case: Ledgerly ended the sign-in?"
        );
        assert_eq!(
            question("The Workspace has not synced since the account was turned off."),
            "Has the Workspace not synced since the account was turned off?"
        );
    }

    #[test]
    fn placeholders_are_found_and_named() {
        assert_eq!(
            placeholders(
                "LG204: The vendor [XXX] and account [X] on [XX/XX/XXXX] for 'user@example.com'."
            ),
            vec![
                ("[XXX]".to_string(), "vendor".to_string()),
                ("[X]".to_string(), "account".to_string()),
                ("[XX/XX/XXXX]".to_string(), "value".to_string()),
                ("'user@example.com'".to_string(), "email".to_string()),
            ]
        );
    }

    #[test]
    fn slugs_are_ids() {
        assert_eq!(
            slug("The Ledgerly sign-in has passed its 90-day limit."),
            "ledgerly_sign_passed_90_day"
        );
        assert_eq!(slug("The app's access"), "apps_access");
        assert_eq!(slug("On"), "item_");
    }
}
