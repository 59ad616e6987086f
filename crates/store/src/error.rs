//! Turning driver errors into the domain's error.

use fengqiao_domain::DomainError;

pub(crate) fn map(e: sqlx::Error) -> DomainError {
    if let sqlx::Error::Database(db) = &e {
        if db.is_unique_violation() {
            return DomainError::Conflict("error-duplicate");
        }
        if db.is_foreign_key_violation() {
            return DomainError::Conflict("error-still-referenced");
        }
    }
    if let sqlx::Error::PoolTimedOut = e {
        return DomainError::Internal("database busy: no connection available in time".into());
    }
    DomainError::Internal(format!("database: {e}"))
}

/// Serialization failures and deadlocks (SQLSTATE 40001 / 40P01) are retried: distributed
/// Postgres-compatible engines raise them routinely under contention.
pub(crate) fn is_retryable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => matches!(db.code().as_deref(), Some("40001") | Some("40P01")),
        _ => false,
    }
}

pub(crate) fn conflict_if_none(rows: u64) -> Result<(), DomainError> {
    if rows == 0 { Err(DomainError::Conflict("error-stale-version")) } else { Ok(()) }
}

pub(crate) fn corrupt(what: &str, value: &str) -> DomainError {
    DomainError::Internal(format!("stored {what} is not valid: {value:?}"))
}
