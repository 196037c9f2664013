//! The one integration-test binary: a module per topic.

mod article;
mod cli;
mod content;
mod hostile;
mod probe;
mod support;
mod templates;
