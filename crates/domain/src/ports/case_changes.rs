//! The change feed search indexes follow. The database is the truth; every app node keeps its
//! own index and brings it up to date by reading the changes after the last one it applied.

use async_trait::async_trait;
use uuid::Uuid;

use crate::error::Result;
use crate::model::case::SearchableCase;

/// One row of the feed: this case (or one of its parties) changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseChange {
    pub seq: i64,
    pub case_id: Uuid,
}

#[async_trait]
pub trait CaseChangeStore: Send + Sync {
    /// Changes with `seq` above `after`, or equal to one of `also` (sequence numbers seen
    /// missing before, which a slower transaction may since have committed), lowest first.
    async fn case_changes_after(&self, after: i64, also: &[i64], limit: i64) -> Result<Vec<CaseChange>>;
    /// The lowest and highest sequence numbers held, `(0, 0)` when the feed is empty.
    async fn case_change_bounds(&self) -> Result<(i64, i64)>;
    /// Deletes changes written before this Unix time, always keeping the newest, so the bounds
    /// show how far the feed ever went; nodes further behind rebuild from the cases.
    async fn prune_case_changes(&self, before_unix: i64) -> Result<u64>;
    /// These cases as the index holds them, in no particular order; ids that do not exist
    /// are left out.
    async fn searchable_by_ids(&self, ids: &[Uuid]) -> Result<Vec<SearchableCase>>;
    /// Every case as the index holds it, by id, a page at a time, for a rebuild of the search
    /// index. Ids grow with time as rows are appended, so this reads the table front to back
    /// where any other order jumps about a database far larger than memory.
    async fn searchable_after(&self, after: Option<Uuid>, limit: i64) -> Result<Vec<SearchableCase>>;
}
