//! What the mediator and room figures need from storage: live counts over the cases of one
//! subtree taken in during one period, grouped by handler or by partner room. Counted live
//! rather than summed on write: a handler changes hands on reassignment, and the sums are
//! kept per area, not per person (migration 0012 indexes the scan).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::error::Result;

/// Cases under one area path taken in during `[taken_in_from, taken_in_before)` (UTC bounds
/// of Asia/Shanghai days).
#[derive(Debug, Clone)]
pub struct CaseSlice {
    pub area_path: String,
    pub taken_in_from: DateTime<Utc>,
    pub taken_in_before: DateTime<Utc>,
}

/// Counts over a group of cases: all of them, those concluded (with an outcome), those
/// concluded resolved (by agreement or otherwise) and those by agreement.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutcomeCounts {
    pub cases: i64,
    pub concluded: i64,
    pub resolved: i64,
    pub by_agreement: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandlerCounts {
    pub handler_id: Uuid,
    /// The name the latest of their cases carries.
    pub handler_name: String,
    pub counts: OutcomeCounts,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomCounts {
    pub room: String,
    pub counts: OutcomeCounts,
}

#[async_trait]
pub trait MediatorStatsStore: Send + Sync {
    /// Per handler of the slice's cases, most cases first.
    async fn handler_counts(&self, q: &CaseSlice) -> Result<Vec<HandlerCounts>>;
    /// Per partner room the slice's cases were referred to.
    async fn room_counts(&self, q: &CaseSlice) -> Result<Vec<RoomCounts>>;
    /// The slice's disputes, optionally of one category with its sub-categories.
    async fn dispute_counts(&self, q: &CaseSlice, category: Option<&str>) -> Result<OutcomeCounts>;
}
