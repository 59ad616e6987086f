//! Work the server does on a timer, beside serving requests.

use std::time::Duration;

use fengqiao_domain::services::Services;

/// The deadline monitor, the overdue mark and the webhook sender, every `check_every_secs`;
/// the first pass at start-up. Every node runs this; the store's claims keep each warning and each post single.
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
        match services.settle_overdue().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(cases = n, "overdue mark moved"),
            Err(e) => tracing::warn!(error = %e, "moving the overdue mark failed"),
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

/// How often a node looks for new case changes: the delay between an intake on any node and
/// its being found by search on this one.
const SEARCH_FOLLOW_EVERY: Duration = Duration::from_secs(1);
/// Feed rows older than this are pruned; a node that was down longer rebuilds its index.
const CASE_CHANGES_KEPT_SECS: i64 = 7 * 24 * 3600;
const CASE_CHANGES_PRUNE_EVERY: u32 = 3600;

/// Keeps this node's search index current: builds it if it has never been built (the
/// server answers meanwhile; search finds what is indexed so far), then applies the change
/// feed every second. Once an hour, prunes old feed rows (any node may; it is idempotent).
pub async fn follow_case_changes(follower: fengqiao_search::Follower) {
    let mut tick = tokio::time::interval(SEARCH_FOLLOW_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut ticks = 0u32;
    let mut last_told = std::time::Instant::now();
    loop {
        tick.tick().await;
        let mut progress = |done: u64, total: u64| {
            if done == total || last_told.elapsed() >= Duration::from_secs(5) {
                tracing::info!(done, total, "building the case search index");
                last_told = std::time::Instant::now();
            }
        };
        match follower.catch_up(&mut progress).await {
            Ok(0) => {}
            Ok(n) => tracing::debug!(cases = n, "case search index brought up to date"),
            Err(e) => tracing::warn!(error = %e, "case search index could not be brought up to date; retrying"),
        }
        ticks = ticks.wrapping_add(1);
        if ticks % CASE_CHANGES_PRUNE_EVERY == 1 {
            let before = follower.services.clock.now().timestamp() - CASE_CHANGES_KEPT_SECS;
            match follower.services.store.prune_case_changes(before).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(removed = n, "pruned the case change feed"),
                Err(e) => tracing::warn!(error = %e, "pruning the case change feed failed"),
            }
        }
    }
}
