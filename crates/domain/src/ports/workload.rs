//! What the workload view needs from storage: per-handler counts for one tier's office.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::error::Result;

/// One handler's load in a tier's office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkloadRow {
    pub handler_id: Uuid,
    pub handler_name: String,
    pub open: i64,
    pub overdue: i64,
    pub concluded_since: i64,
}

#[async_trait]
pub trait WorkloadStore: Send + Sync {
    /// Handlers of cases that the office at `handling_path` handles: their open cases, those
    /// past their deadline at `now`, and those concluded since `since`; by name.
    async fn case_workload(&self, handling_path: &str, now: DateTime<Utc>, since: DateTime<Utc>) -> Result<Vec<WorkloadRow>>;
}
