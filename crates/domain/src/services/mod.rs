//! Use cases. Handlers (web, CLI) call these and only these; each method checks permission
//! through `rules::access`, validates, and makes one atomic store call that includes its audit.

mod accounts;
mod areas;
mod audit;
mod auth;
mod boundaries;
pub mod cases;
pub mod mediation;
pub mod oversight;
pub mod registry;
pub mod reports;
pub mod stats;
pub mod submissions;

use std::sync::Arc;

use chrono::Duration;
use serde::Serialize;
use uuid::Uuid;

pub use accounts::{AccountChange, NewAccount};
pub use areas::{AreaChange, DivisionRow, NewArea};
pub use audit::VerifyReport;
pub use auth::LoginOutcome;
pub use boundaries::{AreaMap, BoundaryArea, BoundaryOutcome, BoundaryProblem, BoundaryReport, CODE_PROPERTIES, MAX_FEATURES};

use crate::model::{NewAudit, Role};
use crate::ports::{BlobStore, Clock, DatabaseBlobs, Store};
use crate::rules::access::Actor;
use crate::rules::throttle::ThrottlePolicy;

#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// Browser sessions end after this long without use.
    pub session_idle: Duration,
    /// API bearer tokens live this long from issue.
    pub token_lifetime: Duration,
    pub throttle: ThrottlePolicy,
}

impl Default for AuthSettings {
    fn default() -> Self {
        AuthSettings {
            session_idle: Duration::hours(12),
            token_lifetime: Duration::hours(24),
            throttle: ThrottlePolicy::default(),
        }
    }
}

#[derive(Clone)]
pub struct Services {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub auth: AuthSettings,
    /// Keys for personal data at rest. Absent for console work that never touches personal
    /// data (accounts, audit) on a server whose keys are kept elsewhere.
    vault: Option<Arc<crate::privacy::Vault>>,
    /// Categories, calendar and deadline limits for cases, loaded from the database and
    /// checked for changes by other nodes (`case_settings`).
    settings: Arc<cases::settings::SettingsCell>,
    /// Limits on case attachments.
    pub attachments: cases::AttachmentSettings,
    /// Where attachment bytes are kept: the database unless the app chooses otherwise.
    blobs: Arc<dyn BlobStore>,
}

impl Services {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, auth: AuthSettings, vault: Arc<crate::privacy::Vault>) -> Self {
        let blobs = Arc::new(DatabaseBlobs(store.clone()));
        let settings = Arc::new(cases::settings::SettingsCell::new(cases::settings::DEFAULT_CHECK_INTERVAL));
        Services { store, clock, auth, vault: Some(vault), settings, attachments: Default::default(), blobs }
    }

    pub fn without_personal_data(store: Arc<dyn Store>, clock: Arc<dyn Clock>, auth: AuthSettings) -> Self {
        let blobs = Arc::new(DatabaseBlobs(store.clone()));
        let settings = Arc::new(cases::settings::SettingsCell::new(cases::settings::DEFAULT_CHECK_INTERVAL));
        Services { store, clock, auth, vault: None, settings, attachments: Default::default(), blobs }
    }

    /// Keeps attachment bytes in `blobs` instead of the database.
    pub fn with_blobs(mut self, blobs: Arc<dyn BlobStore>) -> Self {
        self.blobs = blobs;
        self
    }

    pub(crate) fn vault(&self) -> Result<&crate::privacy::Vault, crate::DomainError> {
        self.vault.as_deref().ok_or_else(|| crate::DomainError::Internal("personal data keys are not configured on this node".into()))
    }

    fn audit(
        &self,
        actor: &Actor,
        action: &str,
        entity_type: &str,
        entity_id: &str,
        area_path: &str,
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
    ) -> NewAudit {
        NewAudit {
            at: self.clock.now(),
            actor_id: (actor.user_id != Uuid::nil()).then_some(actor.user_id),
            actor_name: actor.username.clone(),
            action: action.to_string(),
            entity_type: entity_type.to_string(),
            entity_id: entity_id.to_string(),
            area_path: area_path.to_string(),
            before,
            after,
            client_addr: actor.client_addr.clone(),
        }
    }
}

/// The operator at the command line (or the demo loader): unrestricted, audited under its name.
pub fn operator(name: &str) -> Actor {
    Actor {
        user_id: Uuid::nil(),
        username: name.to_string(),
        display_name: name.to_string(),
        role: Role::SystemAdmin,
        home_area_id: Uuid::nil(),
        home_area_path: "/".to_string(),
        client_addr: None,
    }
}

pub(crate) fn to_json<T: Serialize>(v: &T) -> Option<serde_json::Value> {
    serde_json::to_value(v).ok()
}
