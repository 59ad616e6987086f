//! Logging in and out, browser sessions and API tokens, with throttling.

use base64::Engine;
use chrono::{DateTime, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::Services;
use crate::error::{DomainError, Result};
use crate::model::{NewAudit, Session, SessionKind, User};
use crate::rules::access::Actor;
use crate::rules::{password, throttle};

pub struct LoginOutcome {
    /// The secret handed to the client once; only its hash is stored.
    pub token: String,
    pub session: Session,
    pub user: User,
}

fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl Services {
    pub async fn login(&self, username: &str, pw: &str, client_addr: Option<String>, kind: SessionKind) -> Result<LoginOutcome> {
        let now = self.clock.now();
        let policy = self.auth.throttle;
        let since = now - policy.window;
        let account_key = throttle::account_key(username);
        let address_key = client_addr.as_deref().map(throttle::address_key);
        let account_failures = self.store.login_failures_since(&account_key, since).await?;
        let address_failures = match &address_key {
            Some(k) => self.store.login_failures_since(k, since).await?,
            None => 0,
        };
        if policy.blocked(account_failures, address_failures) {
            return Err(DomainError::RateLimited { retry_after_secs: policy.window.num_seconds() as u64 });
        }
        let user = self.store.user_by_username(&username.trim().to_ascii_lowercase()).await?;
        let hash = user.as_ref().map(|u| u.password_hash.as_str()).unwrap_or(password::dummy_hash());
        let valid = password::verify(pw, hash);
        let user = match user {
            Some(u) if valid && !u.disabled => u,
            other => {
                self.store.record_login_failure(&account_key, now).await?;
                if let Some(k) = &address_key {
                    self.store.record_login_failure(k, now).await?;
                }
                let (id, path) = other.as_ref().map(|u| (Some(u.id), u.home_area_path.clone())).unwrap_or((None, "/".into()));
                self.store
                    .append_audit(&[NewAudit {
                        at: now,
                        actor_id: id,
                        actor_name: username.trim().chars().take(64).collect(),
                        action: "auth.login_failed".into(),
                        entity_type: "account".into(),
                        entity_id: username.trim().chars().take(64).collect(),
                        area_path: path,
                        before: None,
                        after: None,
                        client_addr: client_addr.clone(),
                    }])
                    .await?;
                return Err(DomainError::Unauthenticated("error-login-failed"));
            }
        };
        self.store.clear_login_failures(&account_key).await?;
        let token = random_secret();
        let lifetime = match kind {
            SessionKind::Browser => self.auth.session_idle,
            SessionKind::Api => self.auth.token_lifetime,
        };
        let session = Session {
            token_hash: token_hash(&token),
            user_id: user.id,
            kind,
            csrf_token: random_secret(),
            created_at: now,
            expires_at: now + lifetime,
            client_addr: client_addr.clone(),
        };
        self.store.insert_session(&session).await?;
        let actor = Actor::from_user(&user, client_addr);
        let action = match kind {
            SessionKind::Browser => "auth.login",
            SessionKind::Api => "auth.token_issue",
        };
        self.store
            .append_audit(&[self.audit(&actor, action, "account", user.username.as_str(), &user.home_area_path, None, None)])
            .await?;
        Ok(LoginOutcome { token, session, user })
    }

    /// Resolves a presented secret to its caller. Browser sessions slide: each use within the
    /// idle window extends it (written at most every few minutes to spare the database).
    pub async fn authenticate(&self, token: &str, kind: SessionKind, client_addr: Option<String>) -> Result<(Actor, Session)> {
        let unauth = DomainError::Unauthenticated("error-session-invalid");
        if token.is_empty() || token.len() > 128 {
            return Err(unauth);
        }
        let hash = token_hash(token);
        let session = self.store.session_by_hash(&hash).await?.ok_or(unauth.clone())?;
        let now = self.clock.now();
        if session.kind != kind {
            return Err(unauth);
        }
        if session.expires_at <= now {
            self.store.delete_session(&hash).await?;
            return Err(DomainError::Unauthenticated("error-session-expired"));
        }
        let user = self.store.user_by_id(session.user_id).await?.ok_or(unauth.clone())?;
        if user.disabled {
            return Err(unauth);
        }
        let mut session = session;
        if kind == SessionKind::Browser {
            let renewed: DateTime<Utc> = now + self.auth.session_idle;
            if renewed - session.expires_at > chrono::Duration::minutes(5) {
                self.store.extend_session(&hash, renewed).await?;
                session.expires_at = renewed;
            }
        }
        Ok((Actor::from_user(&user, client_addr), session))
    }

    pub async fn logout(&self, actor: &Actor, token: &str) -> Result<()> {
        self.store.delete_session(&token_hash(token)).await?;
        let audit = self.audit(actor, "auth.logout", "account", &actor.username, &actor.home_area_path, None, None);
        self.store.append_audit(&[audit]).await
    }

    pub async fn purge_expired_sessions(&self) -> Result<u64> {
        self.store.purge_expired_sessions(self.clock.now()).await
    }
}
