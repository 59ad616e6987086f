//! Where import jobs keep their state: in the database every node shares, so the node that
//! runs a job and the node that answers a poll need not be the same.

use async_trait::async_trait;
use uuid::Uuid;

use crate::error::Result;
use crate::model::ImportJob;

#[async_trait]
pub trait ImportJobStore: Send + Sync {
    async fn insert_import_job(&self, job: &ImportJob) -> Result<()>;
    async fn import_job(&self, id: Uuid) -> Result<Option<ImportJob>>;
    /// Newest first.
    async fn import_jobs_of(&self, actor_id: Uuid, limit: i64) -> Result<Vec<ImportJob>>;
    /// Saves status, progress, outcome and `updated_at`; identity fields never change.
    async fn update_import_job(&self, job: &ImportJob) -> Result<()>;
}
