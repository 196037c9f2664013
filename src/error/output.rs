//! Why `--out` cannot be built into, or what changed in it while the build
//! ran: `site::OutputError`. `out` is the folder as given.

use std::path::PathBuf;

use thiserror::Error;

use crate::util::text::excerpt;

#[derive(Debug, Error)]
pub enum OutputError {
    #[error("--out {} names no folder; give a folder name, e.g. --out site", .out.display())]
    NoFolderName { out: PathBuf },
    #[error("--out {} is a symbolic link; give the folder it points to", .out.display())]
    Symlink { out: PathBuf },
    #[error("--out {} is a file, not a folder; give a new or empty folder", .out.display())]
    NotAFolder { out: PathBuf },
    /// `folder`: the first entry found.
    #[error(
        "--out {} holds folders ({}/ …) but no files; give a new or empty folder, or remove the folders",
        .out.display(),
        excerpt(.folder, 60)
    )]
    OnlyFolders { out: PathBuf, folder: String },
    /// No `marker` file: not a previous build.
    #[error(
        "--out {} is not empty and was not made by `triage build` (no {marker} file); \
         give a new or empty folder, so no file of yours is overwritten",
        .out.display()
    )]
    NotABuild { out: PathBuf, marker: &'static str },
    /// A previous build holding files it did not write: `first` and `more`
    /// others.
    #[error(
        "--out {} holds {first}{}, which `triage build` did not write; \
         move it out of the folder, then build again",
        .out.display(),
        if *.more == 0 { String::new() } else { format!(" and {more} more") }
    )]
    ForeignFiles {
        out: PathBuf,
        first: String,
        more: usize,
    },
    /// A file appeared between the last look and the swap: the previous
    /// output, with it, is kept in `kept`.
    #[error(
        "the new build is in {}, but the previous output held {first}, which `triage build` did not write; it is kept, with that output, in {}",
        .out.display(),
        .kept.display()
    )]
    PreviousKept {
        out: PathBuf,
        first: String,
        kept: PathBuf,
    },
    /// `--out` changed while the build ran (`appeared`: a file that was not
    /// there); it is left as it is, and the new build is in `kept`.
    #[error(
        "while the build ran, {}; {} was left as it is and the new build is in {}: move your files out of {}, then build again",
        match .appeared {
            Some(file) => format!(
                "{} appeared in --out {} (`triage build` did not write it)",
                excerpt(file, 120),
                .out.display()
            ),
            None => format!("--out {} changed", .out.display()),
        },
        .out.display(),
        .kept.display(),
        .out.display()
    )]
    ChangedDuringBuild {
        out: PathBuf,
        appeared: Option<String>,
        kept: PathBuf,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn foreign_files_counts_the_others() {
        let one = OutputError::ForeignFiles {
            out: PathBuf::from("site"),
            first: "a.txt".into(),
            more: 0,
        };
        assert!(one.to_string().starts_with("--out site holds a.txt, which"));
        let three = OutputError::ForeignFiles {
            out: PathBuf::from("site"),
            first: "a.txt".into(),
            more: 2,
        };
        assert!(
            three
                .to_string()
                .starts_with("--out site holds a.txt and 2 more, which")
        );
    }

    #[test]
    fn changed_during_build_names_the_file_that_appeared() {
        let e = OutputError::ChangedDuringBuild {
            out: PathBuf::from("site"),
            appeared: Some("notes.txt".into()),
            kept: PathBuf::from("site.triage-new-1"),
        };
        assert_eq!(
            e.to_string(),
            "while the build ran, notes.txt appeared in --out site (`triage build` did not write it); \
             site was left as it is and the new build is in site.triage-new-1: move your files out of site, then build again"
        );
    }
}
