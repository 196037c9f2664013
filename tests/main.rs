//! The one integration-test binary: a module per topic.

mod article;
mod cli;
mod diagnosis;
mod interactive;
mod support;
mod templates;
