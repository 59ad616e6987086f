//! The audit log: one row per change, with the state before and after, chained by hash so
//! that altering or deleting a row is detectable (`rules::audit_chain`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// What a service asks the store to append, in the same transaction as the change itself.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAudit {
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_name: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    /// Path of the area the entity belongs to; lets a district read only its own subtree's log.
    pub area_path: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub client_addr: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuditEntry {
    /// Position in the chain, 1-based and gap-free.
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_name: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub area_path: String,
    /// The state before the change (any JSON value).
    #[schema(value_type = Option<Value>)]
    pub before: Option<serde_json::Value>,
    /// The state after the change (any JSON value).
    #[schema(value_type = Option<Value>)]
    pub after: Option<serde_json::Value>,
    pub client_addr: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// Filters for browsing; always combined with the caller's scope by the service.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditFilter {
    pub scope_path: String,
    pub actor_name: Option<String>,
    pub action_prefix: Option<String>,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Keyset pagination: rows with seq below this, newest first.
    pub before_seq: Option<i64>,
    pub limit: i64,
}
