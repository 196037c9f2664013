//! The one integration-test binary: a module per topic.

mod article;
mod cli;
mod probe;
mod support;
mod templates;
