//! The one integration-test binary: a module per topic.

mod article;
mod check;
mod cli;
mod support;
mod templates;
