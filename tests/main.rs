//! The one integration-test binary: a module per topic.

mod article;
mod articles;
mod browser;
mod check;
mod cli;
mod completion;
mod content;
mod diagnosis;
mod hostile;
mod import;
mod interactive;
mod layers;
mod probe;
mod registry;
mod scaffold;
mod schema;
mod secrets;
mod serve;
mod site;
mod support;
mod templates;
