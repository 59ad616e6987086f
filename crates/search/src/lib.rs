//! Chinese full-text search over cases. Each app node keeps its own tantivy index under its
//! data dir and keeps it current from the database's change feed (`follow`); the database
//! stays the truth, so an index can always be thrown away and rebuilt (`fengqiao reindex`).

mod follow;
mod index;
mod query;
mod schema;
pub mod snippet;
pub mod tokens;

pub use follow::{Follower, RebuildProgress};
pub use index::{CaseDoc, CaseIndex, FeedPosition, ancestors, dir_under, remove_older_versions};

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("the search index is being written by another process (a running server or reindex on this data dir)")]
    Locked,
    #[error("search index: {0}")]
    Io(String),
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error(transparent)]
    Domain(#[from] fengqiao_domain::DomainError),
}
