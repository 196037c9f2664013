use clap::{CommandFactory, Parser};

fn main() {
    // `COMPLETE=bash triage` prints the shell's completion script; the shell
    // then calls back with the words typed, and this answers and exits.
    clap_complete::CompleteEnv::with_factory(triage::cli::Cli::command).complete();
    let cli = triage::cli::Cli::parse();
    std::process::exit(triage::cli::main(&cli));
}

// Loading a rule base allocates and frees millions of small strings; glibc's
// allocator spent about a fifth of `check`'s time there (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
