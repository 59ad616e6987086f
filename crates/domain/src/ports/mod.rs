//! What the domain needs from the outside world. `fengqiao-store` implements `Store` for
//! SQLite and PostgreSQL; tests and the app pick one. Each write method is one transaction
//! that also appends its audit rows, so a change and its audit record land together or not at all.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

mod attachments;
mod case_changes;
mod case_settings;
mod cases;
mod imports;
mod mediation;
mod mediator_stats;
mod oversight;
mod registry;
mod search;
mod stats;
mod submissions;
mod workload;

pub use attachments::{AttachmentStore, BlobStore, DatabaseBlobs};
pub use case_changes::{CaseChange, CaseChangeStore};
pub use case_settings::{CaseSettingsStore, StoredCaseSettings};
pub use stats::{AreaTotals, FigureSums, MarkStep, OverdueQuery, PeriodRange, RawFigures, StatsCheck, StatsDifference, StatsFilter, StatsProgress, StatsProgressFn, StatsStore, StatsSum};
pub use cases::{CaseHistories, CaseHistory, CaseIntake, CaseLedgerStore, CaseQuery, CaseScope, CaseStore, LedgerKey, LedgerWalk};
pub use submissions::{SubmissionQuery, SubmissionStore};
pub use search::{CaseHit, CaseSearchIndex, CaseSearchPage, CaseSearchQuery, SimilarCasesQuery};
pub use workload::{WorkloadRow, WorkloadStore};
pub use imports::ImportJobStore;
pub use mediation::MediationStore;
pub use mediator_stats::{CaseSlice, HandlerCounts, MediatorStatsStore, OutcomeCounts, RoomCounts};
pub use oversight::{AlertMaker, OversightStore};
pub use registry::{CipherUpdate, HouseholdQuery, Page, ProtectedColumn, RegistryBatch, RegistryStore, RegistryUpdates, ResidentQuery};

use crate::error::Result;
use crate::model::{Area, AuditEntry, AuditFilter, NewAudit, Session, User};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// Keyset page request for account lists, ordered by username.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserQuery {
    pub scope_path: String,
    pub after_username: Option<String>,
    pub text: Option<String>,
    pub limit: i64,
}

/// One area's new boundary. `version` is the version after the change; the stored row must
/// still be at `version - 1`, as the import saw it when it validated.
#[derive(Debug, Clone, PartialEq)]
pub struct BoundaryChange {
    pub area_id: Uuid,
    pub boundary: Option<serde_json::Value>,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

#[async_trait]
pub trait Store:
    RegistryStore
    + ImportJobStore
    + CaseStore
    + AttachmentStore
    + CaseSettingsStore
    + WorkloadStore
    + MediationStore
    + OversightStore
    + StatsStore
    + CaseLedgerStore
    + MediatorStatsStore
    + SubmissionStore
    + CaseChangeStore
    + Send
    + Sync
    + 'static
{
    fn backend(&self) -> Backend;
    async fn migrate(&self) -> Result<()>;
    async fn ping(&self) -> Result<()>;

    async fn get_meta(&self, key: &str) -> Result<Option<String>>;
    async fn set_meta(&self, key: &str, value: &str) -> Result<()>;
    /// True when the database holds any area or account: a demo must not overwrite it.
    async fn holds_data(&self) -> Result<bool>;

    async fn area_by_code(&self, code: &str) -> Result<Option<Area>>;
    async fn area_by_id(&self, id: Uuid) -> Result<Option<Area>>;
    async fn areas_by_codes(&self, codes: &[String]) -> Result<Vec<Area>>;
    async fn area_children(&self, parent_id: Uuid, include_retired: bool) -> Result<Vec<Area>>;
    /// Active areas strictly below this path.
    async fn count_active_descendants(&self, path: &str) -> Result<i64>;
    async fn insert_areas(&self, areas: &[Area], audit: &[NewAudit]) -> Result<()>;
    /// Saves name, boundary, retired; fails with a conflict if `expected_version` is stale.
    async fn update_area(&self, area: &Area, expected_version: i64, audit: &NewAudit) -> Result<()>;
    /// Moves a subtree: the area gets a new parent and every path below `old_path` is rewritten,
    /// accounts' home paths included.
    async fn move_area(&self, area: &Area, expected_version: i64, old_path: &str, audit: &NewAudit) -> Result<()>;
    /// Sets the boundaries of many areas at once (a boundary import): all land, with their
    /// audit rows, or none do; a row whose version moved meanwhile fails the whole call.
    async fn set_boundaries(&self, changes: &[BoundaryChange], audit: &[NewAudit]) -> Result<()>;

    async fn user_by_username(&self, username: &str) -> Result<Option<User>>;
    async fn user_by_id(&self, id: Uuid) -> Result<Option<User>>;
    async fn users_in_scope(&self, q: &UserQuery) -> Result<Vec<User>>;
    async fn count_active_users_in(&self, path: &str) -> Result<i64>;
    async fn insert_user(&self, user: &User, audit: &NewAudit) -> Result<()>;
    async fn update_user(&self, user: &User, expected_version: i64, audit: &NewAudit) -> Result<()>;

    async fn insert_session(&self, s: &Session) -> Result<()>;
    async fn session_by_hash(&self, token_hash: &str) -> Result<Option<Session>>;
    async fn extend_session(&self, token_hash: &str, expires_at: DateTime<Utc>) -> Result<()>;
    async fn delete_session(&self, token_hash: &str) -> Result<()>;
    async fn delete_user_sessions(&self, user_id: Uuid) -> Result<()>;
    async fn purge_expired_sessions(&self, now: DateTime<Utc>) -> Result<u64>;

    async fn record_login_failure(&self, key: &str, at: DateTime<Utc>) -> Result<()>;
    async fn login_failures_since(&self, key: &str, since: DateTime<Utc>) -> Result<i64>;
    async fn clear_login_failures(&self, key: &str) -> Result<()>;

    /// Appends events that change no other table (logins, logouts, token issue).
    async fn append_audit(&self, entries: &[NewAudit]) -> Result<()>;
    async fn audit_page(&self, f: &AuditFilter) -> Result<Vec<AuditEntry>>;
    /// Rows in chain order starting after `after_seq`, for verification.
    async fn audit_chain(&self, after_seq: i64, limit: i64) -> Result<Vec<AuditEntry>>;
    async fn audit_head(&self) -> Result<(i64, String)>;
    /// Writes a consistent copy of the whole database to `dest` while it stays in use.
    async fn backup_to(&self, dest: &std::path::Path) -> Result<()>;
}

/// Time comes through a port so tests can move it (session expiry, throttling windows).
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        crate::rules::audit_chain::truncate_to_micros(Utc::now())
    }
}
