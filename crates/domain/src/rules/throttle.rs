//! Login throttling. Failures are counted per account and per client address in the
//! database (so every app node sees them); past a limit within a window, logins are refused
//! until the window has passed, even with the right password.

use chrono::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    pub window: Duration,
    pub max_per_account: i64,
    pub max_per_address: i64,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy { window: Duration::minutes(15), max_per_account: 5, max_per_address: 30 }
    }
}

pub fn account_key(username: &str) -> String {
    format!("user:{}", username.trim().to_ascii_lowercase())
}

pub fn address_key(addr: &str) -> String {
    format!("addr:{addr}")
}

impl ThrottlePolicy {
    pub fn blocked(&self, account_failures: i64, address_failures: i64) -> bool {
        account_failures >= self.max_per_account || address_failures >= self.max_per_address
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_at_the_limits() {
        let p = ThrottlePolicy::default();
        assert!(!p.blocked(4, 29));
        assert!(p.blocked(5, 0));
        assert!(p.blocked(0, 30));
        assert_eq!(account_key(" Admin"), "user:admin");
    }
}
