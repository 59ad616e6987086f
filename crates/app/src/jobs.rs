//! Work the server does on a timer, beside serving requests.

use std::time::Duration;

use fengqiao_domain::services::Services;

const SESSION_PURGE_EVERY: Duration = Duration::from_secs(10 * 60);

/// Removes expired sessions and tokens so the table does not grow without end; the first
/// run is at start-up. Failures are logged and retried on the next tick.
pub async fn purge_expired_sessions(services: Services) {
    let mut tick = tokio::time::interval(SESSION_PURGE_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match services.purge_expired_sessions().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(removed = n, "purged expired sessions"),
            Err(e) => tracing::warn!(error = %e, "purging expired sessions failed"),
        }
    }
}
