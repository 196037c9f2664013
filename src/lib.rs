//! `triage`: support knowledge as data. Rules in YAML describe an error's
//! signals, causes and fixes; from them triage diagnoses a case and renders
//! the help article, its FAQ and a ticket draft.
//!
//! Data flows one way: [`rules::load`] → [`rules::validate`] → ([`engine`] |
//! [`render`]). [`run`] ties them to the command line defined in [`cli`].

pub mod check;
pub mod cli;
pub mod diagnose;
mod embedded;
pub mod engine;
pub mod error;
pub mod facts;
pub mod finding;
pub mod interactive;
pub mod recognize;
pub mod redact;
pub mod render;
pub mod report;
pub mod rules;
pub mod run;
pub mod source;
pub mod text;

pub use error::Error;
