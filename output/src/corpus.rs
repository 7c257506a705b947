//! The rendered corpus as the generators hand it over (**API boundary**: `orgforge_generators`).

pub use orgforge_generators::{Corpus, ProseStats, RenderedFile};
