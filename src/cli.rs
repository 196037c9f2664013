//! The command line: clap definitions only. [`crate::run`] carries them out.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "triage",
    version,
    about = "Diagnose integration errors and render their help articles from rules",
    after_help = "Examples:\n  triage diagnose NS0109 --yes token_revoked\n  triage render help NS0109\n  triage codes"
)]
pub struct Cli {
    /// Rule folder to use instead of the embedded rules (one subfolder per integration)
    #[arg(long, global = true, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Template folder whose files replace the embedded templates of the same name
    #[arg(long, global = true, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the known error codes, one line each
    #[command(after_help = "Example:\n  triage codes")]
    Codes,
    /// Diagnose an error from a code or a pasted message and what was observed
    #[command(
        after_help = "Examples:\n  triage diagnose NS0109 --yes token_revoked\n  triage diagnose \"Failed to login to NetSuite. Please verify your admin credentials.\" --no role_disabled --format json"
    )]
    Diagnose(DiagnoseArgs),
    /// Render the help article, FAQ or a Concierge ticket draft
    #[command(
        after_help = "Examples:\n  triage render help NS0109\n  triage render faq netsuite\n  triage render ticket NS0109 --yes token_revoked --attempted-at 2026-11-28T09:30:00Z"
    )]
    Render(RenderArgs),
    /// Build the help center: Markdown in the help site's layout and an HTML preview
    #[command(
        after_help = "Examples:\n  triage build --out site\n  triage build --out site --format md"
    )]
    Build(BuildArgs),
    /// Serve the HTML preview on 127.0.0.1, rebuilding when rules or templates change
    #[command(after_help = "Examples:\n  triage serve\n  triage serve --port 8080 --rules rules")]
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
pub struct Observed {
    /// A signal that was observed (repeatable), e.g. token_revoked
    #[arg(long = "yes", value_name = "SIGNAL")]
    pub yes: Vec<String>,
    /// A signal known not to hold (repeatable)
    #[arg(long = "no", value_name = "SIGNAL")]
    pub no: Vec<String>,
}

#[derive(Debug, Args)]
pub struct DiagnoseArgs {
    /// An error code (NS0109) or the error message as pasted
    #[arg(value_name = "CODE|MESSAGE")]
    pub target: String,
    #[command(flatten)]
    pub observed: Observed,
    #[arg(long, value_enum, default_value_t = DiagnoseFormat::Text)]
    pub format: DiagnoseFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiagnoseFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Document {
    /// The help article with front matter
    Help,
    /// The FAQ of a code, or of every code of an integration
    Faq,
    /// A draft message to Concierge
    Ticket,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RenderFormat {
    /// Help-site Markdown
    Md,
    /// Plain text for a terminal
    Text,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    #[arg(value_enum)]
    pub document: Document,
    /// An error code, or an integration (for `faq`)
    #[arg(value_name = "CODE|INTEGRATION")]
    pub target: String,
    #[arg(long, value_enum, default_value_t = RenderFormat::Md)]
    pub format: RenderFormat,
    #[command(flatten)]
    pub ticket: TicketArgs,
}

#[derive(Debug, Args)]
pub struct TicketArgs {
    /// Ticket: the full error message as seen (default: the canonical message)
    #[arg(long)]
    pub message: Option<String>,
    /// Ticket: when the attempt was made, RFC 3339 (default: now); shown in UTC
    #[arg(long, value_name = "RFC3339")]
    pub attempted_at: Option<String>,
    /// Ticket: a fix already tried, by procedure id (repeatable)
    #[arg(long, value_name = "FIX")]
    pub tried: Vec<String>,
    /// Ticket: the report ID (export errors)
    #[arg(long)]
    pub report_id: Option<String>,
    #[command(flatten)]
    pub observed: Observed,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The output folder: new, empty, or one an earlier build wrote
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[arg(long, value_enum, default_value_t = BuildFormat::Both)]
    pub format: BuildFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BuildFormat {
    /// The Markdown tree for the help site
    Md,
    /// The HTML preview, under html/
    Html,
    /// Both
    Both,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The port on 127.0.0.1 (0 picks a free one)
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    /// Build into this folder instead of a temporary one
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}
