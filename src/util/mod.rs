//! The bottom layer: text, URLs, redaction, the thread pool and the embedded
//! files. Nothing here knows about rules.

pub mod embedded;
pub mod parallel;
pub mod redact;
pub mod text;
pub mod url;
