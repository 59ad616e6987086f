//! The domain speaks in message keys; at the command line they become English sentences.
//! (The web layer translates the same keys with its own locale files.)

use fengqiao_domain::DomainError;
use fengqiao_domain::model::Role;

fn sentence(code: &str) -> Option<&'static str> {
    Some(match code {
        "error-username-taken" => "that username is already taken",
        "error-username" => "a username must be 2–64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit",
        "error-display-name" => "a display name must be 1–64 characters without control characters",
        "error-user-not-found" => "there is no account with that username",
        "error-password-short" => "the password is too short: use at least 8 characters",
        "error-password-long" => "the password is too long: use at most 256 characters",
        "error-password-wrong" => "the current password is wrong",
        "error-area-not-found" => "there is no area with that code",
        "error-area-code" => "an area code must be 2–32 letters, digits or '-'",
        "error-area-code-taken" => "an area with that code already exists",
        "error-area-name" => "an area name must be 1–64 characters without control characters",
        "error-area-level" => "unknown area level: use city, district, street, community or grid",
        "error-area-parent-retired" => "that area is retired: nothing new can be placed in it",
        "error-area-no-children" => "grids cannot have child areas",
        "error-area-move-level" => "that parent is at the wrong level for this area",
        "error-area-move-into-self" => "an area cannot be moved into its own subtree",
        "error-area-has-children" => "the area still has active areas below it",
        "error-area-has-accounts" => "the area is still the home of active accounts",
        "error-area-above-scope" => "that area is above your own scope",
        "error-area-boundary" => "a boundary must be a GeoJSON Polygon or MultiPolygon",
        "error-role-above-own" => "you may not grant a role with powers you do not hold",
        "error-account-at-own-level" => "only a system administrator manages administrators at their own level",
        "error-account-self" => "you cannot change your own role, home area or status",
        "error-stale-version" => "the record was changed by someone else meanwhile; try again",
        "error-forbidden" => "that is not permitted",
        "error-backup-exists" => "the backup destination already exists; choose a new file name",
        "error-duplicate" => "a record with the same key already exists",
        "error-still-referenced" => "the record is still referenced by other records",
        "error-login-failed" => "wrong username or password",
        "error-session-invalid" | "error-session-expired" => "the session has ended; log in again",
        _ => return None,
    })
}

/// An English sentence for a domain error.
pub fn explain(e: &DomainError) -> String {
    match e {
        DomainError::Invalid { key: "error-role", .. } => {
            let roles: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
            format!("unknown role; roles are: {}", roles.join(", "))
        }
        DomainError::RateLimited { retry_after_secs } => {
            format!("too many failed attempts; try again in {retry_after_secs} seconds")
        }
        // The operator at the console is trusted with the detail the web layer hides.
        DomainError::Internal(detail) => format!("internal error: {detail}"),
        other => sentence(other.code()).map(str::to_string).unwrap_or_else(|| other.to_string()),
    }
}

/// Lets `?` turn a domain error into an anyhow error carrying the English sentence.
pub trait Explain<T> {
    fn explained(self) -> anyhow::Result<T>;
}

impl<T> Explain<T> for Result<T, DomainError> {
    fn explained(self) -> anyhow::Result<T> {
        self.map_err(|e| anyhow::anyhow!(explain(&e)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_become_sentences() {
        assert_eq!(explain(&DomainError::Conflict("error-username-taken")), "that username is already taken");
        assert!(explain(&DomainError::invalid("role", "error-role")).contains("grid_worker"));
        assert!(explain(&DomainError::Internal("disk full".into())).contains("disk full"));
        // An unknown key still says something rather than nothing.
        assert!(explain(&DomainError::Conflict("error-new-thing")).contains("error-new-thing"));
    }
}
