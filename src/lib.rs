//! `triage`: support knowledge as data. Rules in YAML describe an error's
//! signals, causes and fixes; from them triage diagnoses a case and renders
//! the help article, its FAQ and a ticket draft.
//!
//! Data flows one way: [`rules::load`] → [`rules::validate`] → ([`engine`] |
//! [`render`]). [`run`] ties them to the command line defined in [`cli`].

// Input-derived data must never panic the library: handle it, report it.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod check;
pub mod cli;
#[doc(hidden)]
pub mod corpus;
pub mod diagnose;
mod embedded;
pub mod engine;
pub mod error;
pub mod facts;
pub mod finding;
pub mod import;
pub mod interactive;
pub mod parallel;
pub mod probe;
pub mod recognize;
pub mod redact;
pub mod render;
pub mod report;
pub mod rules;
pub mod run;
pub mod scaffold;
pub mod schema;
pub mod serve;
pub mod site;
pub mod source;
pub mod template_check;
pub mod text;

pub use error::Error;
