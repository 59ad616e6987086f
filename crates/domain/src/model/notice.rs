//! Notices: what the inbox (站内信) shows a person and what the outbound webhook sends to
//! other channels. One event (an action on a case, a deadline warning) fans out to each
//! person in its audience once, and to each active webhook endpoint once.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::{DomainError, Result};
use crate::model::partner::string_enum;

string_enum!(
    /// What happened.
    NoticeKind, "kind", "error-notice-kind" {
        /// You were named handler of a case.
        Assigned => "assigned",
        /// An upper tier issued a supervision order (督办) on a case your tier handles.
        Supervised => "supervised",
        /// Your supervision order was answered.
        SupervisionAnswered => "supervision_answered",
        /// A lower tier asks your tier for more time.
        ExtensionRequested => "extension_requested",
        ExtensionApproved => "extension_approved",
        ExtensionRefused => "extension_refused",
        /// The deadline is near (one working day or less by default).
        DeadlineWarning => "deadline_warning",
        /// The deadline passed with the case still open.
        Overdue => "overdue",
    }
);

/// Who an event reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    User(Uuid),
    /// Active accounts that supervise cases whose home area is exactly this path: the office
    /// of a tier.
    Supervisors(String),
}

/// An event as a use case produces it; the store fans it out in the same transaction as the
/// change it reports.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub id: Uuid,
    pub kind: NoticeKind,
    pub case_id: Uuid,
    pub case_number: String,
    pub case_title: String,
    /// Who acted; none for the deadline monitor.
    pub actor_id: Option<Uuid>,
    pub actor_name: Option<String>,
    /// The instructions, answer, reason or deadline the notice is about.
    pub body: Option<String>,
    pub at: DateTime<Utc>,
    pub audience: Vec<Audience>,
}

impl NewEvent {
    /// What the webhook posts: the event without its audience (other channels route it
    /// themselves) and without personal data beyond what the case title carries.
    pub fn payload(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id, "kind": self.kind, "at": self.at, "case_id": self.case_id, "case_number": self.case_number,
            "case_title": self.case_title, "actor_name": self.actor_name, "body": self.body,
        })
    }
}

/// One line of a person's inbox. `id` is the event's: an event reaches a person once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Notification {
    pub id: Uuid,
    pub kind: NoticeKind,
    pub case_id: Option<Uuid>,
    pub case_number: Option<String>,
    pub case_title: Option<String>,
    pub actor_name: Option<String>,
    pub body: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// An endpoint of another system that receives every event, signed with its secret.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookEndpoint {
    pub id: Uuid,
    pub url: String,
    /// The secret, encrypted with the vault: it must be read back to sign, so it cannot be hashed.
    pub secret_cipher: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

string_enum!(
    /// Where a delivery stands.
    DeliveryStatus, "status", "error-delivery-status" {
        Pending => "pending",
        Delivered => "delivered",
        /// Gave up after the last retry.
        Failed => "failed",
    }
);

/// One event on its way to one endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Delivery {
    pub endpoint_id: Uuid,
    pub event_id: Uuid,
    pub kind: NoticeKind,
    #[serde(skip)]
    pub payload: String,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryResult {
    pub status: DeliveryStatus,
    pub http_status: Option<i32>,
    pub error: Option<String>,
    pub next_attempt_at: DateTime<Utc>,
    pub at: DateTime<Utc>,
}

/// A webhook URL: absolute http(s), no credentials in it (the secret is for that), bounded.
pub fn check_webhook_url(raw: &str) -> Result<String> {
    let url = raw.trim();
    let bad = || DomainError::invalid("url", "error-webhook-url");
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")).ok_or_else(bad)?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if url.len() > 500 || host.is_empty() || host.contains('@') || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    Ok(url.to_string())
}

/// A signing secret: long enough not to be guessed, short enough to paste.
pub fn check_webhook_secret(raw: &str) -> Result<String> {
    let s = raw.trim();
    if (16..=200).contains(&s.chars().count()) && !s.chars().any(char::is_control) {
        Ok(s.to_string())
    } else {
        Err(DomainError::invalid("secret", "error-webhook-secret"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_urls_and_secrets_are_checked() {
        assert_eq!(check_webhook_url(" https://hooks.example.cn/fq ").unwrap(), "https://hooks.example.cn/fq");
        assert!(check_webhook_url("http://127.0.0.1:8080/x").is_ok());
        for bad in ["ftp://x", "https://", "https://u:p@host/x", "https://a b", "javascript:alert(1)"] {
            assert_eq!(check_webhook_url(bad), Err(DomainError::invalid("url", "error-webhook-url")), "{bad}");
        }
        assert!(check_webhook_secret("0123456789abcdef").is_ok());
        assert!(check_webhook_secret("short").is_err());
    }
}
