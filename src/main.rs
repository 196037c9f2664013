use clap::{CommandFactory, Parser};

fn main() {
    // `COMPLETE=bash triage` prints the shell's completion script; the shell
    // then calls back with the words typed, and this answers and exits.
    clap_complete::CompleteEnv::with_factory(triage::cli::Cli::command).complete();
    let cli = triage::cli::Cli::parse();
    if matches!(cli.command, triage::cli::Command::Serve(_)) {
        keep_freed_memory();
    }
    std::process::exit(triage::cli::main(&cli));
}

/// `serve` builds again on every edit. By default mimalloc gives memory
/// back to the system a second after it is freed, and each rebuild then
/// faults it in again: 40 ms of a 200 ms rebuild at 10,000 codes
/// (BENCHMARKS.md). Kept for a minute instead, while a writer is at work.
fn keep_freed_memory() {
    // SAFETY: mimalloc's options may be read and set at any time; neither
    // call touches memory of ours.
    unsafe {
        if libmimalloc_sys::mi_option_get(PURGE_DELAY) == DEFAULT_MS {
            libmimalloc_sys::mi_option_set(PURGE_DELAY, KEEP_MS);
        }
    }
}

// `mi_option_purge_delay` in mimalloc.h (v3); libmimalloc-sys names no
// constant for it. Set only while it has mimalloc's default, which also
// says the number is that option, and leaves a MIMALLOC_PURGE_DELAY given
// in the environment alone.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
const DEFAULT_MS: std::ffi::c_long = 1000;
const KEEP_MS: std::ffi::c_long = 60_000;

#[cfg(test)]
mod tests {
    use super::*;

    /// The option's number is mimalloc's purge delay: its default, then ours.
    #[test]
    fn the_purge_delay_is_the_option_set() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        // SAFETY: as in keep_freed_memory.
        assert_eq!(
            unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) },
            DEFAULT_MS
        );
        keep_freed_memory();
        assert_eq!(
            unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) },
            KEEP_MS
        );
    }
}

// Loading a rule base allocates and frees millions of small strings; glibc's
// allocator spent about a fifth of `check`'s time there (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
