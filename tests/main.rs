//! The one integration-test binary: a module per topic.

mod article;
mod cli;
mod hostile;
mod support;
mod templates;
