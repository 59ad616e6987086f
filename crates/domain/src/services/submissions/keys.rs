//! API keys for Open311 clients: issued, scoped to an area and revoked by administrators;
//! checked, rate-limited and audited on every request.

use chrono::Duration;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use crate::error::{DomainError, Result};
use crate::model::case::one_line;
use crate::model::submission::{API_KEY_NAME_MAX, ApiKey, PER_MINUTE_MAX};
use crate::rules::access::{Actor, Permission};
use crate::services::Services;
use crate::services::auth::token_hash;

/// Requests per minute a key gets when the administrator names no limit.
pub const DEFAULT_PER_MINUTE: i32 = 120;
const NOT_FOUND: &str = "error-api-key-not-found";

#[derive(Debug, Clone, Deserialize)]
pub struct NewApiKey {
    pub name: String,
    /// The key works within this area's subtree.
    pub area_code: String,
    pub per_minute: Option<i32>,
}

/// A key as issued: the secret is shown this once and never stored.
#[derive(Debug, Clone)]
pub struct IssuedKey {
    pub key: ApiKey,
    pub secret: String,
}

fn new_secret() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    format!("fq_{}", hex::encode(bytes))
}

/// The throttle counter of a key; the login-failure log doubles as a sliding window of events
/// keyed by name, so every node sees the same count.
fn rate_key(id: Uuid) -> String {
    format!("open311-key:{id}")
}

impl Services {
    /// Keys are issued by those who manage accounts: a key is an account for a machine.
    pub async fn issue_api_key(&self, actor: &Actor, new: NewApiKey) -> Result<IssuedKey> {
        self.issue_api_key_with_secret(actor, new, new_secret()).await
    }

    /// Like `issue_api_key` with a chosen secret: the demo's published key.
    pub async fn issue_api_key_with_secret(&self, actor: &Actor, new: NewApiKey, secret: String) -> Result<IssuedKey> {
        actor.require(Permission::ManageAccounts)?;
        let name = one_line(&new.name, 1, API_KEY_NAME_MAX).ok_or(DomainError::invalid("name", "error-api-key-name"))?;
        let per_minute = new.per_minute.unwrap_or(DEFAULT_PER_MINUTE);
        if !(1..=PER_MINUTE_MAX).contains(&per_minute) {
            return Err(DomainError::invalid("per_minute", "error-api-key-rate"));
        }
        if secret.len() < 16 {
            return Err(DomainError::invalid("secret", "error-api-key-secret"));
        }
        let area = self.store.area_by_code(new.area_code.trim()).await?.ok_or(DomainError::NotFound("error-area-not-found"))?;
        actor.may_see_area(&area)?;
        let now = self.clock.now();
        let key = ApiKey {
            id: Uuid::now_v7(),
            name,
            prefix: secret.chars().take(7).collect(),
            area_id: area.id,
            area_path: area.path.clone(),
            per_minute,
            created_by: (!actor.user_id.is_nil()).then_some(actor.user_id),
            created_at: now,
            revoked_at: None,
        };
        let after = json!({"name": key.name, "prefix": key.prefix, "area": area.code, "per_minute": per_minute});
        let audit = self.audit(actor, "api_key.issue", "api_key", &key.id.to_string(), &key.area_path, None, Some(after));
        self.store.insert_api_key(&key, &token_hash(&secret), &audit).await?;
        Ok(IssuedKey { key, secret })
    }

    pub async fn api_keys(&self, actor: &Actor) -> Result<Vec<ApiKey>> {
        actor.require(Permission::ManageAccounts)?;
        self.store.api_keys_under(&actor.home_area_path).await
    }

    pub async fn revoke_api_key(&self, actor: &Actor, id: Uuid) -> Result<ApiKey> {
        actor.require(Permission::ManageAccounts)?;
        let key = self.store.api_key_by_id(id).await?.ok_or(DomainError::NotFound(NOT_FOUND))?;
        actor.may_in(Permission::ManageAccounts, &key.area_path, NOT_FOUND)?;
        let now = self.clock.now();
        let audit = self.audit(actor, "api_key.revoke", "api_key", &id.to_string(), &key.area_path, None, Some(json!({"name": key.name})));
        if !self.store.revoke_api_key(id, now, &audit).await? {
            return Err(DomainError::Conflict("error-api-key-revoked"));
        }
        Ok(ApiKey { revoked_at: Some(now), ..key })
    }

    /// Whether a key with this secret exists and is not revoked (the demo's, on a rerun).
    pub async fn api_key_is_live(&self, secret: &str) -> Result<bool> {
        Ok(self.store.api_key_by_hash(&token_hash(secret)).await?.is_some_and(|k| k.revoked_at.is_none()))
    }

    /// The key a client presents, if it is valid and within its rate. Unknown and revoked
    /// keys are refused alike.
    pub async fn api_key_for(&self, secret: &str) -> Result<ApiKey> {
        let key = self.store.api_key_by_hash(&token_hash(secret.trim())).await?;
        let key = key.filter(|k| k.revoked_at.is_none()).ok_or(DomainError::Unauthenticated("error-api-key-invalid"))?;
        let now = self.clock.now();
        let counter = rate_key(key.id);
        let used = self.store.login_failures_since(&counter, now - Duration::minutes(1)).await?;
        if used >= i64::from(key.per_minute) {
            return Err(DomainError::RateLimited { retry_after_secs: 60 });
        }
        self.store.record_login_failure(&counter, now).await?;
        Ok(key)
    }

    /// Every request made with a key leaves an audit row, reads included.
    pub async fn audit_key_use(&self, key: &ApiKey, action: &str, entity_id: &str, client_addr: Option<String>, detail: serde_json::Value) -> Result<()> {
        let actor = Actor::outside_channel(&key_actor_name(key), &key.area_path, client_addr);
        let mut row = self.audit(&actor, action, "api_key", entity_id, &key.area_path, None, Some(detail));
        if let Some(o) = row.after.as_mut().and_then(|v| v.as_object_mut()) {
            o.insert("api_key".into(), json!(key.id));
        }
        self.store.append_audit(&[row]).await
    }
}

/// How a key appears as an actor in the audit log and on the timeline.
pub(crate) fn key_actor_name(key: &ApiKey) -> String {
    format!("open311:{}", key.name)
}
