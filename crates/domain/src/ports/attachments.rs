//! What attachments need from outside: somewhere to keep the bytes (`BlobStore`: a directory
//! by default, the database when several app nodes share PostgreSQL), and the metadata rows
//! in the database (`AttachmentStore`, part of `Store`).

use std::sync::Arc;

use async_trait::async_trait;
use uuid::Uuid;

use crate::error::Result;
use crate::model::NewAudit;
use crate::model::case::Attachment;

/// Bytes kept under their SHA-256 (lower-case hex). Writing the same bytes twice keeps one
/// copy; a write either lands whole or not at all, so a reader never sees half a file.
#[async_trait]
pub trait BlobStore: Send + Sync + 'static {
    /// `filesystem` or `database`, for messages.
    fn kind(&self) -> &'static str;
    async fn put_blob(&self, sha256: &str, bytes: &[u8]) -> Result<()>;
    async fn get_blob(&self, sha256: &str) -> Result<Option<Vec<u8>>>;
}

#[async_trait]
pub trait AttachmentStore: Send + Sync {
    /// Writes the rows of one upload and their audit rows in one transaction, unless the case
    /// would then have more than `max_per_case` attachments: then nothing is written and the
    /// answer is an invalid-input error on `files`.
    async fn insert_attachments(&self, rows: &[Attachment], max_per_case: i64, audit: &[NewAudit]) -> Result<()>;
    /// Oldest first.
    async fn case_attachments(&self, case_id: Uuid) -> Result<Vec<Attachment>>;
    async fn attachment_by_id(&self, id: Uuid) -> Result<Option<Attachment>>;
    /// The blob table, for `DatabaseBlobs`.
    async fn put_db_blob(&self, sha256: &str, bytes: &[u8]) -> Result<()>;
    async fn get_db_blob(&self, sha256: &str) -> Result<Option<Vec<u8>>>;
}

/// Blobs in the database's own table: every app node sees every file, and the database's
/// backup carries them.
pub struct DatabaseBlobs(pub Arc<dyn super::Store>);

#[async_trait]
impl BlobStore for DatabaseBlobs {
    fn kind(&self) -> &'static str {
        "database"
    }

    async fn put_blob(&self, sha256: &str, bytes: &[u8]) -> Result<()> {
        self.0.put_db_blob(sha256, bytes).await
    }

    async fn get_blob(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        self.0.get_db_blob(sha256).await
    }
}
