//! Use cases of staff accounts. An administrator manages only accounts inside their subtree
//! and grants only roles whose powers they hold themselves (`rules::access`).

use serde::Deserialize;
use uuid::Uuid;

use super::Services;
use crate::error::{DomainError, Result};
use crate::model::user::validate_display_name;
use crate::model::{Role, User, Username};
use crate::ports::UserQuery;
use crate::rules::access::{Actor, Permission};
use crate::rules::password;

#[derive(Debug, Clone, Deserialize)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub home_area_code: String,
    pub password: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct AccountChange {
    pub version: i64,
    pub display_name: Option<String>,
    pub role: Option<String>,
    pub home_area_code: Option<String>,
    pub disabled: Option<bool>,
}

/// What the audit log keeps of an account: never the password hash.
fn summary(u: &User) -> serde_json::Value {
    serde_json::json!({
        "username": u.username, "display_name": u.display_name, "role": u.role,
        "home_area_path": u.home_area_path, "disabled": u.disabled, "version": u.version,
    })
}

impl Services {
    pub async fn create_account(&self, actor: &Actor, new: NewAccount) -> Result<User> {
        actor.require(Permission::ManageAccounts)?;
        let username = Username::parse(&new.username)?;
        let display_name = validate_display_name(&new.display_name)?;
        let role = Role::parse(&new.role)?;
        password::check_policy(&new.password)?;
        let home = self.area(actor, &new.home_area_code).await?;
        actor.may_manage_account(role, &home)?;
        if home.retired {
            return Err(DomainError::Conflict("error-area-parent-retired"));
        }
        if self.store.user_by_username(username.as_str()).await?.is_some() {
            return Err(DomainError::Conflict("error-username-taken"));
        }
        let now = self.clock.now();
        let user = User {
            id: Uuid::now_v7(),
            username,
            display_name,
            role,
            home_area_id: home.id,
            home_area_path: home.path.clone(),
            password_hash: password::hash(&new.password)?,
            disabled: false,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let audit = self.audit(actor, "account.create", "account", user.username.as_str(), &home.path, None, Some(summary(&user)));
        self.store.insert_user(&user, &audit).await?;
        Ok(user)
    }

    pub async fn account(&self, actor: &Actor, username: &str) -> Result<User> {
        let u = self
            .store
            .user_by_username(&username.trim().to_ascii_lowercase())
            .await?
            .ok_or(DomainError::NotFound("error-user-not-found"))?;
        actor.may_see_user(&u)?;
        Ok(u)
    }

    pub async fn accounts(&self, actor: &Actor, after: Option<String>, text: Option<String>, limit: i64) -> Result<Vec<User>> {
        actor.require(Permission::ManageAccounts)?;
        let q = UserQuery {
            scope_path: actor.home_area_path.clone(),
            after_username: after,
            text: text.map(|t| t.trim().to_string()).filter(|t| !t.is_empty()),
            limit: limit.clamp(1, 200),
        };
        self.store.users_in_scope(&q).await
    }

    pub async fn change_account(&self, actor: &Actor, username: &str, change: AccountChange) -> Result<User> {
        let current = self.account(actor, username).await?;
        if current.id == actor.user_id && (change.role.is_some() || change.home_area_code.is_some() || change.disabled == Some(true)) {
            return Err(DomainError::Forbidden("error-account-self"));
        }
        if change.version != current.version {
            return Err(DomainError::Conflict("error-stale-version"));
        }
        // The caller must be allowed to manage the account both as it is and as it will be.
        let current_home = self.store.area_by_id(current.home_area_id).await?.ok_or(DomainError::NotFound("error-area-not-found"))?;
        actor.may_manage_account(current.role, &current_home)?;
        let mut updated = current.clone();
        if let Some(name) = &change.display_name {
            updated.display_name = validate_display_name(name)?;
        }
        if let Some(role) = &change.role {
            updated.role = Role::parse(role)?;
        }
        let home = match &change.home_area_code {
            Some(code) => self.area(actor, code).await?,
            None => current_home,
        };
        actor.may_manage_account(updated.role, &home)?;
        updated.home_area_id = home.id;
        updated.home_area_path = home.path.clone();
        if let Some(disabled) = change.disabled {
            updated.disabled = disabled;
        }
        if updated == current {
            return Ok(current);
        }
        updated.version += 1;
        updated.updated_at = self.clock.now();
        let action = match change.disabled {
            Some(true) if !current.disabled => "account.disable",
            Some(false) if current.disabled => "account.enable",
            _ => "account.update",
        };
        let audit = self.audit(actor, action, "account", current.username.as_str(), &home.path, Some(summary(&current)), Some(summary(&updated)));
        self.store.update_user(&updated, current.version, &audit).await?;
        if updated.disabled || updated.role != current.role || updated.home_area_id != current.home_area_id {
            // Powers changed: existing sessions must not keep the old ones.
            self.store.delete_user_sessions(updated.id).await?;
        }
        Ok(updated)
    }

    /// Sets a password. Callers changing their own must give the current one; administrators
    /// resetting someone else's need the right to manage that account.
    pub async fn set_password(&self, actor: &Actor, username: &str, current_password: Option<&str>, new_password: &str) -> Result<()> {
        let target = self
            .store
            .user_by_username(&username.trim().to_ascii_lowercase())
            .await?
            .ok_or(DomainError::NotFound("error-user-not-found"))?;
        if target.id == actor.user_id {
            let ok = current_password.is_some_and(|p| password::verify(p, &target.password_hash));
            if !ok {
                return Err(DomainError::invalid("current_password", "error-password-wrong"));
            }
        } else {
            actor.may_see_user(&target)?;
            let home = self.store.area_by_id(target.home_area_id).await?.ok_or(DomainError::NotFound("error-area-not-found"))?;
            actor.may_manage_account(target.role, &home)?;
        }
        password::check_policy(new_password)?;
        let mut updated = target.clone();
        updated.password_hash = password::hash(new_password)?;
        updated.version += 1;
        updated.updated_at = self.clock.now();
        let audit = self.audit(actor, "account.password", "account", target.username.as_str(), &target.home_area_path, None, None);
        self.store.update_user(&updated, target.version, &audit).await?;
        self.store.delete_user_sessions(updated.id).await?;
        Ok(())
    }
}
