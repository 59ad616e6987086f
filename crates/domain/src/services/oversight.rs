//! The background side of oversight and the inbox: the deadline monitor, a person's
//! notices, and the outbound webhook (its endpoints and the delivery of its outbox).
//!
//! The monitor and the sender are run by every app node; the store's claims make that safe.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;
use uuid::Uuid;

use crate::error::{DomainError, Result};
use crate::model::Role;
use crate::model::case::Case;
use crate::model::notice::{
    Delivery, DeliveryResult, DeliveryStatus, NoticeKind, Notification, WebhookEndpoint, check_webhook_secret, check_webhook_url,
};
use crate::rules::access::Actor;
use crate::rules::calendar::local_date;
use crate::services::cases::notices::{event, tier_audience};
use crate::services::{Services, operator};

/// Warn when this many working days or fewer remain: the end of the next working day.
pub const DEFAULT_WARN_WORKING_DAYS: u32 = 1;
/// Cases claimed per transaction: small enough to keep a transaction short on SQLite.
const BATCH: i64 = 200;
/// Attempts before a delivery is given up: with the backoff below, about a day.
pub const MAX_ATTEMPTS: i32 = 8;
/// How long a node holds a delivery it is posting before another may take it over.
const LEASE: Duration = Duration::seconds(60);
pub const SIGNATURE_HEADER: &str = "X-Fengqiao-Signature";
const SECRET_FIELD: &str = "webhook.secret";

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MonitorReport {
    pub warnings: usize,
    pub overdue: usize,
}

/// Posts a signed body to another system. The web crate implements it with an HTTP client;
/// the domain only decides what to send and what the answer means.
#[async_trait]
pub trait WebhookSender: Send + Sync {
    /// The HTTP status, or why no answer came.
    async fn post(&self, url: &str, body: &str, signature: &str, event_id: Uuid) -> std::result::Result<u16, String>;
}

/// `sha256=` and the hex HMAC-SHA256 of the body under the endpoint's secret, as GitHub and
/// most receivers expect it.
pub fn sign(secret: &str, body: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(body.as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Exponential backoff: 1, 2, 4 … minutes after each failed attempt, at most 6 hours.
pub fn backoff(attempts: i32) -> Duration {
    Duration::minutes(1i64 << attempts.clamp(1, 10).saturating_sub(1)).min(Duration::hours(6))
}

/// An endpoint as an administrator sees it: never the secret.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct WebhookView {
    pub id: Uuid,
    pub url: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

impl From<WebhookEndpoint> for WebhookView {
    fn from(w: WebhookEndpoint) -> Self {
        WebhookView { id: w.id, url: w.url, active: w.active, created_at: w.created_at }
    }
}

fn require_admin(actor: &Actor) -> Result<()> {
    if actor.role == Role::SystemAdmin { Ok(()) } else { Err(DomainError::Forbidden("error-forbidden")) }
}

impl Services {
    /// One pass of the deadline monitor: every open case whose deadline passed is marked
    /// overdue, and every one due within `warn_working_days` is warned, each once per deadline.
    pub async fn check_deadlines(&self, warn_working_days: u32) -> Result<MonitorReport> {
        let now = self.clock.now();
        // Without the calendar year, fall back to calendar days: a warning a little early beats none.
        let warn_until = self.case_settings().await?.deadlines.calendar.add_working_days(now, warn_working_days).unwrap_or_else(|_| {
            now + Duration::days(i64::from(warn_working_days) + 1)
        });
        let system = operator("deadline-monitor");
        let make = |c: &Case, kind: NoticeKind| {
            let body = c.deadline.map(|d| local_date(d).to_string());
            let e = event(c, kind, None, body, now, tier_audience(c));
            let action = if kind == NoticeKind::Overdue { "case.overdue" } else { "case.deadline_warning" };
            let after = json!({ "deadline": c.deadline, "event_id": e.id });
            let audit = self.audit(&system, action, "case", &c.id.to_string(), &c.area_path, None, Some(after));
            (e, audit)
        };
        let mut report = MonitorReport::default();
        loop {
            let events = self.store.claim_deadline_alerts(now, warn_until, BATCH, &make).await?;
            if events.is_empty() {
                break;
            }
            for e in &events {
                if e.kind == NoticeKind::Overdue { report.overdue += 1 } else { report.warnings += 1 }
            }
        }
        Ok(report)
    }

    pub async fn inbox(&self, actor: &Actor, unread_only: bool, before: Option<Uuid>, limit: i64) -> Result<Vec<Notification>> {
        self.store.notifications(actor.user_id, unread_only, before, limit.clamp(1, super::registry::MAX_PAGE)).await
    }

    pub async fn unread_count(&self, actor: &Actor) -> Result<i64> {
        self.store.unread_notifications(actor.user_id).await
    }

    /// Someone else's notice, or none, is not found: ids do not probe other inboxes.
    pub async fn mark_read(&self, actor: &Actor, id: Uuid) -> Result<()> {
        if self.store.mark_notification_read(actor.user_id, id, self.clock.now()).await? {
            Ok(())
        } else {
            Err(DomainError::NotFound("error-notification-not-found"))
        }
    }

    pub async fn mark_all_read(&self, actor: &Actor) -> Result<u64> {
        self.store.mark_all_notifications_read(actor.user_id, self.clock.now()).await
    }

    pub async fn add_webhook(&self, actor: &Actor, url: &str, secret: &str) -> Result<WebhookView> {
        require_admin(actor)?;
        let url = check_webhook_url(url)?;
        let secret = check_webhook_secret(secret)?;
        let now = self.clock.now();
        let w = WebhookEndpoint {
            id: Uuid::now_v7(),
            url,
            secret_cipher: self.vault()?.encrypt(SECRET_FIELD, &secret)?,
            active: true,
            created_at: now,
            updated_at: now,
        };
        let after = json!({ "url": w.url, "active": true });
        let audit = self.audit(actor, "webhook.create", "webhook", &w.id.to_string(), "/", None, Some(after));
        self.store.insert_webhook(&w, &audit).await?;
        Ok(w.into())
    }

    pub async fn webhooks(&self, actor: &Actor) -> Result<Vec<WebhookView>> {
        require_admin(actor)?;
        Ok(self.store.webhooks().await?.into_iter().map(WebhookView::from).collect())
    }

    pub async fn set_webhook_active(&self, actor: &Actor, id: Uuid, active: bool) -> Result<()> {
        require_admin(actor)?;
        let audit = self.audit(actor, "webhook.update", "webhook", &id.to_string(), "/", None, Some(json!({ "active": active })));
        if self.store.set_webhook_active(id, active, self.clock.now(), &audit).await? {
            Ok(())
        } else {
            Err(DomainError::NotFound("error-webhook-not-found"))
        }
    }

    pub async fn webhook_deliveries(&self, actor: &Actor, id: Uuid, limit: i64) -> Result<Vec<Delivery>> {
        require_admin(actor)?;
        if !self.store.webhooks().await?.iter().any(|w| w.id == id) {
            return Err(DomainError::NotFound("error-webhook-not-found"));
        }
        self.store.deliveries(id, limit.clamp(1, super::registry::MAX_PAGE)).await
    }

    /// One pass of the sender: leases what is due, posts each, records the answer. Answers how
    /// many were attempted.
    pub async fn deliver_webhooks(&self, sender: &dyn WebhookSender) -> Result<usize> {
        let mut attempted = 0;
        loop {
            let now = self.clock.now();
            let leased = self.store.lease_deliveries(now, now + LEASE, 50).await?;
            if leased.is_empty() {
                return Ok(attempted);
            }
            for (d, endpoint) in leased {
                attempted += 1;
                let answer = match self.vault().and_then(|v| v.decrypt(SECRET_FIELD, &endpoint.secret_cipher)) {
                    Ok(secret) => sender.post(&endpoint.url, &d.payload, &sign(&secret, &d.payload), d.event_id).await,
                    Err(e) => Err(format!("secret unreadable: {e}")),
                };
                let at = self.clock.now();
                let (http_status, error) = match answer {
                    Ok(code) if (200..300).contains(&code) => (Some(i32::from(code)), None),
                    Ok(code) => (Some(i32::from(code)), Some(format!("HTTP {code}"))),
                    Err(e) => (None, Some(e.chars().take(500).collect())),
                };
                // `attempts` already counts this one: the lease counted it.
                let status = match (&error, d.attempts >= MAX_ATTEMPTS) {
                    (None, _) => DeliveryStatus::Delivered,
                    (Some(_), true) => DeliveryStatus::Failed,
                    (Some(_), false) => DeliveryStatus::Pending,
                };
                let result = DeliveryResult { status, http_status, error, next_attempt_at: at + backoff(d.attempts), at };
                self.store.finish_delivery(d.endpoint_id, d.event_id, &result).await?;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_and_backoff() {
        // RFC 4231-style check against a value computed independently (openssl dgst -sha256 -hmac key).
        assert_eq!(
            sign("key", "The quick brown fox jumps over the lazy dog"),
            "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        );
        assert_eq!(backoff(1), Duration::minutes(1));
        assert_eq!(backoff(3), Duration::minutes(4));
        assert_eq!(backoff(20), Duration::hours(6));
    }
}
