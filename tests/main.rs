//! The one integration-test binary: a module per topic.

mod article;
mod check;
mod cli;
mod content;
mod diagnosis;
mod hostile;
mod interactive;
mod probe;
mod scaffold;
mod schema;
mod secrets;
mod support;
mod templates;
