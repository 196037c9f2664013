//! The command line: the only code that sees clap. [`args`] defines it,
//! [`commands`] carries out each subcommand, [`context`] loads what they need
//! and [`exit`] turns the outcome into output and an exit code.

mod args;
pub mod commands;
pub mod complete;
pub mod context;
pub mod exit;
pub mod interactive;
pub mod ticket;

pub use args::*;
pub use context::{Context, find_rules};
pub use exit::{RunError, main};
