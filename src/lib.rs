//! `triage`: support knowledge as data. Rules in YAML describe an error's
//! signals, causes and fixes; from them triage diagnoses a case and renders
//! the help article, its FAQ and a ticket draft.
//!
//! The modules are layers, and each uses only the ones below it
//! (`tests/layers.rs` holds the code to that; docs/architecture.md draws it):
//!
//! | layer | modules | holds |
//! |---|---|---|
//! | 6 | [`cli`] | the only code that sees clap: commands, loading, exit codes |
//! | 5 | [`site`], [`probe`], [`import`], [`scaffold`], [`schema`], `corpus` | whole jobs over a rule base |
//! | 4 | [`check`], [`render`] | the lints and the template check; articles, FAQ, tickets, reports |
//! | 3 | [`engine`], [`recognize`], [`facts`] | diagnosis, recognising a message, what is known about a case |
//! | 2 | [`rules`] | the model: load, validate |
//! | 1 | [`diag`], [`error`] | findings, sources and spans; the error type |
//! | 0 | [`util`] | text, URLs, redaction, threads, embedded files |

// Input-derived data must never panic the library: handle it, report it.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod check;
pub mod cli;
#[doc(hidden)]
pub mod corpus;
pub mod diag;
pub mod engine;
pub mod error;
pub mod facts;
pub mod import;
pub mod probe;
pub mod recognize;
pub mod render;
pub mod rules;
pub mod scaffold;
pub mod schema;
pub mod site;
pub mod util;

pub use error::Error;
