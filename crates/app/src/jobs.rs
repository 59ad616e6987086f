//! Work the server does on a timer, beside serving requests.

use std::time::Duration;

use fengqiao_domain::services::Services;

/// The deadline monitor and the webhook sender, every `check_every_secs`; the first pass
/// at start-up. Every node runs this; the store's claims keep each warning and each post single.
pub async fn oversight(services: Services, config: crate::config::OversightConfig) {
    let sender = fengqiao_web::webhook::HttpSender::new();
    let mut tick = tokio::time::interval(Duration::from_secs(config.check_every_secs.max(1)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match services.check_deadlines(config.warn_working_days).await {
            Ok(r) if r.warnings + r.overdue > 0 => tracing::info!(warnings = r.warnings, overdue = r.overdue, "deadline monitor"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "deadline monitor failed"),
        }
        match services.deliver_webhooks(&sender).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(attempted = n, "webhook deliveries"),
            Err(e) => tracing::warn!(error = %e, "webhook delivery failed"),
        }
    }
}

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
