//! The command line: clap definitions only. [`super::commands`] carries them out.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::engine::ArgValueCompleter;

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
    /// Build the help center: Markdown in the help site's layout and an HTML preview
    #[command(
        after_help = "Examples:\n  triage build --out site\n  triage build --out site --format md"
    )]
    Build(BuildArgs),
    /// Serve the HTML preview on 127.0.0.1, rebuilding when rules or templates change
    #[command(after_help = "Examples:\n  triage serve\n  triage serve --port 8080 --rules rules")]
    Serve(ServeArgs),
    /// Log in to a live account the way the integration does and print the signals observed
    #[command(after_help = PROBE_HELP)]
    Probe(ProbeCommandArgs),
    /// Check the rules and templates: every problem at once, with its file:line:col
    #[command(
        after_help = "Exit status: 0 clean (warnings allowed), 1 any error, 2 could not run.\n\nExamples:\n  triage check\n  triage check --rules rules --format json\n  triage check --explain R004"
    )]
    Check(CheckArgs),
    /// Import a help center's Markdown articles into rules, and prove they render back
    #[command(
        after_help = "Exit status: 0 every article imported and rendering back exactly, 1 some could not be mapped or differ, 2 could not run.\n\nExamples:\n  triage import --out rules help-center/netsuite\n  triage import --check --out rules help-center\n  triage import --integration ledgerly --name Ledgerly --prefix LG --out rules articles/"
    )]
    Import(ImportArgs),
    /// Print the JSON Schema of rule files (for editors; committed as schema/rules.schema.json)
    #[command(after_help = "Example:\n  triage schema > schema/rules.schema.json")]
    Schema,
    /// Start a new error code from a scaffold that already passes `triage check`
    #[command(
        after_help = "Writes rules/<integration>/<CODE>.yaml (under --rules DIR, default ./rules); never overwrites.\n\nExample:\n  triage new NS0200 --integration netsuite --kind sync --message \"NS0200 Sync Error: The subsidiary is inactive.\""
    )]
    New(NewArgs),
    /// Print shell completions (bash, zsh, fish, elvish, powershell)
    #[command(
        after_help = "Example:\n  triage completions bash > ~/.local/share/bash-completion/completions/triage"
    )]
    Completions(CompletionsArgs),
    /// Print the man page (roff) of triage, or of one subcommand
    #[command(
        after_help = "Examples:\n  triage man > triage.1 && man ./triage.1\n  triage man diagnose > triage-diagnose.1"
    )]
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The subcommand whose page to print, e.g. diagnose (default: the page of triage)
    #[arg(value_name = "SUBCOMMAND")]
    pub subcommand: Option<String>,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The new code, e.g. NS0200
    pub code: String,
    /// The integration folder it belongs to, e.g. netsuite
    #[arg(long)]
    pub integration: String,
    /// What failed: sync, export or connection
    #[arg(long, default_value = "sync")]
    pub kind: String,
    /// The exact message as the product shows it
    #[arg(long)]
    pub message: String,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Help articles (`.md`) or folders holding them, searched recursively
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The rule base to write into: one folder per integration
    #[arg(long, value_name = "RULES_DIR")]
    pub out: PathBuf,
    /// The integration id for every article (default: from the folder holding `Troubleshooting/`)
    #[arg(long, value_name = "ID")]
    pub integration: Option<String>,
    /// The product name articles print (default: from the articles' titles)
    #[arg(long)]
    pub name: Option<String>,
    /// The code prefix (default: the letters every code starts with)
    #[arg(long)]
    pub prefix: Option<String>,
    /// Compare only: map and render every article, write nothing
    #[arg(long)]
    pub check: bool,
    /// Replace an integration folder that already holds an imported code
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// `text`: diagnostics with the source line; `json`: one object per line
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// Explain a finding code (e.g. R004) instead of checking: what it means and how to fix it
    #[arg(long, value_name = "CODE")]
    pub explain: Option<String>,
    /// Make lints errors, for CI: `warnings` (all of them) or a lint's code (repeatable);
    /// over the levels in rules/triage.yaml
    #[arg(long, value_name = "warnings|CODE")]
    pub deny: Vec<String>,
}

// Every command names its formats alike: `text`, `md`, `json` (with `human`
// and `markdown` accepted as aliases).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    #[value(alias = "human")]
    Text,
    Json,
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
    #[arg(long = "yes", value_name = "SIGNAL", add = ArgValueCompleter::new(super::complete::signals))]
    pub yes: Vec<String>,
    /// A signal known not to hold (repeatable)
    #[arg(long = "no", value_name = "SIGNAL", add = ArgValueCompleter::new(super::complete::signals))]
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
    #[arg(value_name = "CODE|MESSAGE", add = ArgValueCompleter::new(super::complete::codes))]
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
    // Last: its "Probe" help heading would otherwise carry over to later options.
    #[command(flatten)]
    pub probe: ProbeRequest,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiagnoseFormat {
    #[value(alias = "human")]
    Text,
    Json,
    #[value(alias = "markdown")]
    Md,
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
    #[value(alias = "markdown")]
    Md,
    /// Plain text for a terminal
    #[value(alias = "human")]
    Text,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    #[arg(value_enum)]
    pub document: Document,
    /// An error code, or an integration (for `faq`)
    #[arg(value_name = "CODE|INTEGRATION", add = ArgValueCompleter::new(super::complete::codes))]
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
    /// Ticket: quote the pasted text itself as the full error message
    /// (redacted, then cut at 1,000 characters) instead of the recognised
    /// message with the values it carries
    #[arg(long)]
    pub include_raw_message: bool,
    /// Ticket: keep a --message that is recognised as another code's message
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub observed: Observed,
    #[command(flatten)]
    pub probe: ProbeRequest,
}

const PROBE_HELP: &str =
    "Credentials come from the environment (NETSUITE_ACCOUNT_ID, NETSUITE_CONSUMER_KEY,
NETSUITE_CONSUMER_SECRET, NETSUITE_TOKEN_ID, NETSUITE_TOKEN_SECRET) or from --credentials FILE
with KEY=value lines; never from arguments. Exits 0 whenever the probe ran, whatever it found.

Examples:
  triage probe netsuite
  triage probe netsuite --credentials netsuite.env --format json
  triage diagnose NS0109 --probe netsuite";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProbeTarget {
    Netsuite,
}

impl ProbeTarget {
    /// The integration id in the rules.
    pub fn id(self) -> &'static str {
        match self {
            ProbeTarget::Netsuite => "netsuite",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProbeFormat {
    #[value(alias = "human")]
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct ProbeCommandArgs {
    /// The integration whose account to probe
    #[arg(value_enum, value_name = "INTEGRATION")]
    pub integration: ProbeTarget,
    #[arg(long, value_enum, default_value_t = ProbeFormat::Text)]
    pub format: ProbeFormat,
    #[command(flatten)]
    pub options: ProbeArgs,
}

/// `--probe` and how to reach the account, for commands that diagnose.
#[derive(Debug, Args)]
#[command(next_help_heading = "Probe")]
pub struct ProbeRequest {
    /// Probe the live account first and add what it observes (--yes/--no flags win)
    #[arg(long, value_enum, value_name = "INTEGRATION")]
    pub probe: Option<ProbeTarget>,
    #[command(flatten)]
    pub options: ProbeArgs,
}

/// How to reach the account. Secrets are never arguments: they would show in the process list.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Probe")]
pub struct ProbeArgs {
    /// File of KEY=value lines with the NETSUITE_* credentials, instead of the environment
    #[arg(long, value_name = "FILE")]
    pub credentials: Option<PathBuf>,
    /// Account ID to use instead of NETSUITE_ACCOUNT_ID, e.g. 1234567_SB1
    #[arg(long, value_name = "ID")]
    pub account: Option<String>,
    /// A local test server to send the request to instead (http://127.0.0.1:PORT only)
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Seconds to wait for a connection [default: 5]
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=600))]
    pub connect_timeout: Option<u64>,
    /// Seconds to wait for the whole answer [default: 15]
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: Option<u64>,
}

impl ProbeArgs {
    pub fn settings(&self) -> crate::probe::run::Settings {
        crate::probe::run::Settings {
            credentials: self.credentials.clone(),
            account: self.account.clone(),
            base_url: self.base_url.clone(),
            connect_timeout: self.connect_timeout,
            timeout: self.timeout,
        }
    }
}

impl ProbeRequest {
    pub fn request(&self) -> crate::probe::run::Request {
        crate::probe::run::Request {
            probe: self.probe.map(|t| t.id().to_string()),
            settings: self.options.settings(),
        }
    }
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
    #[value(alias = "markdown")]
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
