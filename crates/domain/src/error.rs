//! One error type for the whole domain. The web layer renders it twice: as RFC 9457
//! problem+json for the API and as an error page for the UI. Messages are message keys,
//! translated at the edge, so the domain stays language-neutral.

use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum DomainError {
    /// Also used for things outside the caller's scope, so that existence is not revealed.
    #[error("not found: {0}")]
    NotFound(&'static str),
    #[error("invalid {field}: {key}")]
    Invalid { field: &'static str, key: &'static str },
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    #[error("unauthenticated: {0}")]
    Unauthenticated(&'static str),
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("too many attempts, retry after {retry_after_secs}s")]
    RateLimited { retry_after_secs: u64 },
    /// Storage or other infrastructure failures; the detail is logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
}

impl DomainError {
    pub fn invalid(field: &'static str, key: &'static str) -> Self {
        DomainError::Invalid { field, key }
    }
    /// A stable machine-readable code, also the i18n key of the message shown to people.
    pub fn code(&self) -> &'static str {
        match self {
            DomainError::NotFound(k)
            | DomainError::Forbidden(k)
            | DomainError::Unauthenticated(k)
            | DomainError::Conflict(k) => k,
            DomainError::Invalid { key, .. } => key,
            DomainError::RateLimited { .. } => "error-rate-limited",
            DomainError::Internal(_) => "error-internal",
        }
    }
}

pub type Result<T, E = DomainError> = std::result::Result<T, E>;
