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
    #[command(after_help = "Examples:\n  triage codes\n  triage codes --search login netsuite")]
    Codes(CodesArgs),
    /// Diagnose an error from a code or a pasted message and what was observed
    #[command(
        after_help = "Examples:\n  triage diagnose NS0109 --yes token_revoked\n  triage diagnose \"Failed to login to NetSuite. Please verify your admin credentials.\" --no role_disabled --format json\n  triage diagnose NS0109 --interactive\n  triage diagnose --facts case.yaml --explain\n  pbpaste | triage diagnose -"
    )]
    Diagnose(DiagnoseArgs),
    /// Render the help article, FAQ or a Concierge ticket draft
    #[command(
        after_help = "Examples:\n  triage render help NS0109\n  triage render faq netsuite\n  triage render ticket NS0109 --yes token_revoked --attempted-at 2026-11-28T09:30:00Z"
    )]
    Render(RenderArgs),
}

#[derive(Debug, Args)]
pub struct CodesArgs {
    /// Only codes whose message or title contain all these words (e.g. login netsuite)
    #[arg(long, value_name = "WORDS", num_args = 1..)]
    pub search: Vec<String>,
}

#[derive(Debug, Args)]
pub struct Observed {
    /// A signal that was observed (repeatable), e.g. token_revoked
    #[arg(long = "yes", value_name = "SIGNAL")]
    pub yes: Vec<String>,
    /// A signal known not to hold (repeatable)
    #[arg(long = "no", value_name = "SIGNAL")]
    pub no: Vec<String>,
    /// What is known, from a YAML or JSON file: signal: yes/no/unknown, and
    /// message, attempted_at, tried, report_id; flags win over it
    #[arg(long, value_name = "FILE")]
    pub facts: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DiagnoseArgs {
    /// An error code (NS0109), the error message as pasted, or - to read it
    /// from stdin (default: the facts file's `message`)
    #[arg(value_name = "CODE|MESSAGE")]
    pub target: Option<String>,
    #[command(flatten)]
    pub observed: Observed,
    #[arg(long, value_enum, default_value_t = DiagnoseFormat::Text)]
    pub format: DiagnoseFormat,
    /// Ask yes / no / don't-know questions in the terminal until a cause is confirmed
    #[arg(long, short = 'i', conflicts_with = "format")]
    pub interactive: bool,
    /// Show, for every cause, its condition and the value of each signal in it
    #[arg(long)]
    pub explain: bool,
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
