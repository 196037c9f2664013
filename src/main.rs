use clap::Parser;

fn main() {
    let cli = triage::cli::Cli::parse();
    std::process::exit(triage::cli::main(&cli));
}
