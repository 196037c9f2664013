//! `cargo bench`: load+validate, diagnose one code, render one article,
//! check and build, and the YAML parse under them, on synthetic rule bases
//! of 10, 1,000 and 10,000 codes (generated into a temporary folder by
//! `triage::corpus`). Whole-process figures come from `benches/run.sh`;
//! results are in BENCHMARKS.md.

use std::path::Path;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use triage::cli::Context;
use triage::engine::{self, Observations};
use triage::render::{Renderer, TemplateSource};
use triage::rules::{RuleBase, RuleSource, Selection};
use triage::site::Options;

const SIZES: [usize; 3] = [10, 1_000, 10_000];

struct Corpus {
    codes: usize,
    dir: tempfile::TempDir,
}

fn corpora() -> Vec<Corpus> {
    SIZES
        .iter()
        .map(|&codes| {
            let dir = tempfile::tempdir().expect("temporary folder");
            triage::corpus::write(dir.path(), codes).expect("write corpus");
            Corpus { codes, dir }
        })
        .collect()
}

/// The text of every code file (not `integration.yaml`) under `dir`.
fn code_texts(dir: &Path) -> Vec<String> {
    let mut texts = Vec::new();
    for integration in std::fs::read_dir(dir).expect("corpus").flatten() {
        let Ok(files) = std::fs::read_dir(integration.path()) else {
            continue;
        };
        for file in files.flatten() {
            let path = file.path();
            if path.extension().is_some_and(|e| e == "yaml")
                && path.file_name().is_some_and(|n| n != "integration.yaml")
            {
                texts.push(std::fs::read_to_string(&path).expect("code file"));
            }
        }
    }
    texts
}

fn rules(dir: &Path) -> RuleSource {
    RuleSource::Dir(dir.to_path_buf())
}

/// Few samples for the large sizes, so that `cargo bench` ends in minutes.
fn configure(
    group: &mut criterion::BenchmarkGroup<criterion::measurement::WallTime>,
    codes: usize,
) {
    if codes >= 10_000 {
        group
            .sample_size(10)
            .measurement_time(Duration::from_secs(20));
    } else {
        group
            .sample_size(20)
            .measurement_time(Duration::from_secs(5));
    }
}

fn benches(c: &mut Criterion) {
    let corpora = corpora();
    let renderer = Renderer::new(&TemplateSource::Embedded).expect("templates");

    c.bench_function("diagnose/embedded NS0109", |b| {
        let mut obs = Observations::default();
        obs.set("token_revoked", engine::Value::Yes);
        b.iter(|| {
            let (base, _) =
                RuleBase::load(&RuleSource::Embedded, &Selection::Code("NS0109".into()))
                    .expect("load");
            let (integration, code) = base.code("NS0109").expect("NS0109");
            engine::diagnose(integration, code, &obs)
        })
    });

    let mut group = c.benchmark_group("load+validate");
    for corpus in &corpora {
        configure(&mut group, corpus.codes);
        group.bench_with_input(BenchmarkId::from_parameter(corpus.codes), corpus, |b, c| {
            b.iter(|| RuleBase::load(&rules(c.dir.path()), &Selection::All).expect("load"))
        });
    }
    group.finish();

    // The floor under load+validate: every code file's YAML parsed on one
    // core by serde-saphyr (with the options triage parses with) into
    // nothing, then into the raw rule types; the files read beforehand.
    let mut group = c.benchmark_group("yaml floor, one core");
    for corpus in &corpora {
        configure(&mut group, corpus.codes);
        let texts = code_texts(corpus.dir.path());
        group.bench_with_input(BenchmarkId::new("parse", corpus.codes), &texts, |b, t| {
            b.iter(|| {
                for text in t {
                    let options = triage::rules::load::yaml_options();
                    serde_saphyr::from_str_with_options::<serde::de::IgnoredAny>(text, options)
                        .expect("YAML");
                }
            })
        });
        group.bench_with_input(
            BenchmarkId::new("into RawCode", corpus.codes),
            &texts,
            |b, t| {
                b.iter(|| {
                    for text in t {
                        let options = triage::rules::load::yaml_options();
                        serde_saphyr::from_str_with_options::<triage::rules::raw::RawCode>(
                            text, options,
                        )
                        .expect("a code file");
                    }
                })
            },
        );
    }
    group.finish();

    // One code of N: the folder is listed, only that code's file is read.
    let mut group = c.benchmark_group("diagnose one code");
    for corpus in &corpora {
        group.bench_with_input(BenchmarkId::from_parameter(corpus.codes), corpus, |b, c| {
            b.iter(|| {
                let selection = Selection::Code("NS00001".into());
                let (base, _) = RuleBase::load(&rules(c.dir.path()), &selection).expect("load");
                let (integration, code) = base.code("NS00001").expect("NS00001");
                engine::diagnose(integration, code, &Observations::default())
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("render one article");
    for corpus in &corpora {
        let (base, _) = RuleBase::load(&rules(corpus.dir.path()), &Selection::All).expect("load");
        let (integration, code) = base.codes().next().expect("a code");
        group.bench_with_input(BenchmarkId::from_parameter(corpus.codes), &(), |b, ()| {
            b.iter(|| renderer.help(integration, code).expect("render"))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("check");
    for corpus in &corpora {
        configure(&mut group, corpus.codes);
        group.bench_with_input(BenchmarkId::from_parameter(corpus.codes), corpus, |b, c| {
            b.iter(|| {
                triage::check::check(&rules(c.dir.path()), &TemplateSource::Embedded)
                    .expect("check")
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("build md+html");
    for corpus in &corpora {
        configure(&mut group, corpus.codes);
        let out = tempfile::tempdir().expect("temporary folder");
        let ctx = Context::of(rules(corpus.dir.path()), TemplateSource::Embedded);
        let options = Options {
            markdown: true,
            html: true,
            progress: false,
        };
        group.bench_with_input(BenchmarkId::from_parameter(corpus.codes), corpus, |b, _| {
            b.iter(|| {
                triage::cli::commands::build::build_from(&ctx, &out.path().join("site"), options)
                    .expect("build")
            })
        });
    }
    group.finish();
}

criterion_group!(all, benches);
criterion_main!(all);
