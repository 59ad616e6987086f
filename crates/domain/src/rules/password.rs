//! Password policy and hashing (argon2id with the crate's current recommended parameters).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use argon2::Argon2;

use crate::error::{DomainError, Result};

pub const MIN_LEN: usize = 8;
pub const MAX_LEN: usize = 256;

pub fn check_policy(password: &str) -> Result<()> {
    let n = password.chars().count();
    if n < MIN_LEN {
        return Err(DomainError::invalid("password", "error-password-short"));
    }
    if n > MAX_LEN {
        return Err(DomainError::invalid("password", "error-password-long"));
    }
    Ok(())
}

pub fn hash(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| DomainError::Internal(format!("argon2: {e}")))
}

pub fn verify(password: &str, stored: &str) -> bool {
    // Overlong input is rejected before hashing so it cannot be used to burn CPU.
    if password.len() > MAX_LEN * 4 {
        return false;
    }
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// A hash of a random password, verified against on unknown usernames so that a missing
/// account takes as long to reject as a wrong password.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash("not-a-real-password-ever").expect("argon2 works"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_and_verify() {
        let h = hash("fengqiao-demo").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("fengqiao-demo", &h));
        assert!(!verify("fengqiao-dem0", &h));
        assert!(!verify("x", "not a hash"));
    }

    #[test]
    fn policy() {
        assert!(check_policy("short").is_err());
        assert!(check_policy("long-enough").is_ok());
        assert!(check_policy(&"x".repeat(257)).is_err());
    }
}
