//! What oversight needs from storage: transitions that carry their notices, the deadline
//! monitor's atomic claims, the inbox, and the webhook outbox. Every claim is a single
//! conditional UPDATE, so several app nodes can run the background job at once and each
//! warning or delivery attempt happens exactly once.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::error::Result;
use crate::model::NewAudit;
use crate::model::case::{Case, TimelineEntry};
use crate::model::notice::{Delivery, DeliveryResult, NewEvent, NoticeKind, Notification, WebhookEndpoint};

/// Builds the notice and audit row for a case the monitor claimed.
pub type AlertMaker<'a> = dyn Fn(&Case, NoticeKind) -> (NewEvent, NewAudit) + Send + Sync + 'a;

#[async_trait]
pub trait OversightStore: Send + Sync {
    /// `save_transition`, plus the events it causes, fanned out to the inbox and the webhook
    /// outbox in the same transaction.
    async fn save_transition_with_events(
        &self,
        case: &Case,
        expected_version: i64,
        entry: &TimelineEntry,
        audit: &NewAudit,
        events: &[NewEvent],
    ) -> Result<()>;

    /// Claims up to `limit` open cases whose deadline passed before `now` and that were not
    /// yet marked overdue for that deadline, then up to `limit` whose deadline falls in
    /// [`now`, `warn_until`] and were not yet warned for it; marks them and writes their
    /// events and audit rows, all in one transaction. Answers the events written.
    async fn claim_deadline_alerts(
        &self,
        now: DateTime<Utc>,
        warn_until: DateTime<Utc>,
        limit: i64,
        make: &AlertMaker<'_>,
    ) -> Result<Vec<NewEvent>>;

    /// A person's inbox, newest first, keyset-paged by id.
    async fn notifications(&self, user_id: Uuid, unread_only: bool, before: Option<Uuid>, limit: i64) -> Result<Vec<Notification>>;
    async fn unread_notifications(&self, user_id: Uuid) -> Result<i64>;
    /// False when the person has no such notice.
    async fn mark_notification_read(&self, user_id: Uuid, id: Uuid, at: DateTime<Utc>) -> Result<bool>;
    async fn mark_all_notifications_read(&self, user_id: Uuid, at: DateTime<Utc>) -> Result<u64>;

    async fn insert_webhook(&self, endpoint: &WebhookEndpoint, audit: &NewAudit) -> Result<()>;
    async fn webhooks(&self) -> Result<Vec<WebhookEndpoint>>;
    async fn set_webhook_active(&self, id: Uuid, active: bool, at: DateTime<Utc>, audit: &NewAudit) -> Result<bool>;
    /// Leases up to `limit` pending deliveries that are due and not leased by another node,
    /// until `lease_until`, counting the attempt. Answers them with their endpoints.
    async fn lease_deliveries(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<(Delivery, WebhookEndpoint)>>;
    async fn finish_delivery(&self, endpoint_id: Uuid, event_id: Uuid, result: &DeliveryResult) -> Result<()>;
    /// Newest first.
    async fn deliveries(&self, endpoint_id: Uuid, limit: i64) -> Result<Vec<Delivery>>;
}
