//! Writes a synthetic rule base shaped like the real one, for benchmarks:
//! `cargo run --release --example corpus -- --codes N --out DIR`.
//! Deterministic for a given N: the same N gives the same bytes.

use std::path::PathBuf;

fn main() {
    let mut codes = 100usize;
    let mut out = PathBuf::from("corpus");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--codes" => {
                codes = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or_else(|| usage())
            }
            "--out" => out = args.next().map(PathBuf::from).unwrap_or_else(|| usage()),
            _ => usage(),
        }
    }
    if out.exists() {
        eprintln!("{} exists; give a new folder", out.display());
        std::process::exit(2);
    }
    if let Err(e) = triage::corpus::write(&out, codes) {
        eprintln!("writing {}: {e}", out.display());
        std::process::exit(2);
    }
    eprintln!("wrote {codes} codes under {}", out.display());
}

fn usage() -> ! {
    eprintln!("usage: corpus --codes N --out DIR");
    std::process::exit(2);
}
