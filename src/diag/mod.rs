//! Findings and where they point: the finding type, source files and spans,
//! and the renderings a writer or a pipeline reads (human, plain, JSON).

pub mod codes;
pub mod finding;
pub mod render;
pub mod source;

pub use codes::Code;
pub use finding::*;
pub use source::*;
