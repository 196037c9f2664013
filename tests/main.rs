//! The one integration-test binary: a module per topic.

mod article;
mod browser;
mod cli;
mod serve;
mod site;
mod support;
mod templates;
