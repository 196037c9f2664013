//! `triage build`.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::Error;
use crate::cli::{BuildArgs, BuildFormat, Context, RunError};
use crate::render::Renderer;
use crate::rules::{RuleSource, Selection};
use crate::site::cache::Stamps;
use crate::site::{Builder, Options, Summary, show_progress, update};

/// What `--format` asks to write.
pub fn options(format: BuildFormat) -> Options {
    Options {
        markdown: format != BuildFormat::Html,
        html: format != BuildFormat::Md,
        progress: true,
    }
}

/// `triage build`: loads the rules, builds, prints the summary on stderr.
pub fn run(ctx: &Context, args: &BuildArgs) -> Result<i32, RunError> {
    let summary = build_from(ctx, &args.out, options(args.format))?;
    eprintln!(
        "built {} from {}: {summary}",
        args.out.display(),
        crate::check::sources_named(&ctx.rules, &ctx.templates)
    );
    Ok(0)
}

/// Loads rules and templates as `ctx` says and builds into `out`.
pub fn build_from(ctx: &Context, out: &Path, options: Options) -> Result<Summary, Error> {
    let start = Instant::now();
    // A folder of rules built into this folder before: a few files changed
    // are rendered in place (site::update), without loading the rest.
    // Broken templates are reported after broken rules, as ever.
    let renderer = Renderer::new(&ctx.templates);
    let mut stamps = Stamps::default();
    if let RuleSource::Dir(dir) = &ctx.rules {
        if let Ok(renderer) = &renderer
            && let Some(mut summary) = update(dir, renderer, out, options)?
        {
            summary.elapsed = start.elapsed();
            return Ok(summary);
        }
        // Before reading: a file changed while it is read is read again next time.
        stamps = Stamps::take(dir);
    }
    // Reading a large rule base takes a while too: say so on a terminal.
    let reading = if options.progress {
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr())
            .with_style(indicatif::ProgressStyle::default_spinner())
    } else {
        indicatif::ProgressBar::hidden()
    };
    reading.set_message("reading the rules");
    reading.enable_steady_tick(Duration::from_millis(120));
    // Broken rules are reported before broken templates (then the rules are
    // loaded for that alone) or an output folder that cannot be written
    // (the builder keeps that until the end).
    let rules_first = |error: Error| {
        let loaded = ctx.load(&Selection::All);
        reading.finish_and_clear();
        loaded.err().unwrap_or(error)
    };
    let renderer = renderer.map_err(rules_first)?;
    // Each batch of integrations built as soon as it is loaded, its models
    // then dropped: the rule base is never held whole.
    let progress = indicatif::ProgressBar::hidden();
    let mut builder =
        Builder::new(&renderer, out, options, &stamps).with_progress(progress.clone());
    let loaded = ctx.load_each(
        &Selection::All,
        &mut |codes| {
            reading.finish_and_clear();
            show_progress(&progress, codes, options.progress);
        },
        &mut |batch| {
            builder.integrations(batch.sources, &batch.integrations, batch.clean);
            Vec::new()
        },
    );
    reading.finish_and_clear();
    progress.finish_and_clear();
    loaded?;
    let mut summary = builder.finish()?;
    summary.elapsed = start.elapsed();
    Ok(summary)
}
