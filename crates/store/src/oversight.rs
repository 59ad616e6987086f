//! The oversight half of the store (`OversightStore`): notices fanned out with the change
//! that causes them, the deadline monitor's claims, the inbox and the webhook outbox. Written
//! once for both backends like `cases.rs`; expanded in the same module, so it shares
//! `update_case_in`, `insert_entry` and `append_audit_in`.
//!
//! Every claim is one UPDATE whose WHERE names the condition being claimed, repeated outside
//! the sub-select: under PostgreSQL's READ COMMITTED a second node blocked on the same row
//! re-checks that condition on the committed row and skips it; SQLite has one writer.

/// Roles whose office receives a tier's notices, as an SQL list of literals (fixed names from
/// the domain, never input).
pub(crate) fn supervisor_roles_sql() -> String {
    use fengqiao_domain::rules::access::Permission;
    fengqiao_domain::model::Role::ALL
        .iter()
        .filter(|r| r.has(Permission::SuperviseCases))
        .map(|r| format!("'{}'", r.as_str()))
        .collect::<Vec<_>>()
        .join(",")
}

macro_rules! impl_oversight_store {
    ($store:ty, $row:ty, $conn:ty) => {
        mod oversight_rows {
            use fengqiao_domain::model::notice::{Delivery, Notification, WebhookEndpoint};
            use sqlx::Row;
            use $crate::registry::from_word;

            pub(crate) fn notification(r: &$row) -> Result<Notification, sqlx::Error> {
                Ok(Notification {
                    id: r.try_get("event_id")?,
                    kind: from_word("kind", &r.try_get::<String, _>("kind")?)?,
                    case_id: r.try_get("case_id")?,
                    case_number: r.try_get("case_number")?,
                    case_title: r.try_get("case_title")?,
                    actor_name: r.try_get("actor_name")?,
                    body: r.try_get("body")?,
                    created_at: r.try_get("created_at")?,
                    read_at: r.try_get("read_at")?,
                })
            }

            pub(crate) fn endpoint(r: &$row, prefix: &str) -> Result<WebhookEndpoint, sqlx::Error> {
                let col = |c: &str| format!("{prefix}{c}");
                Ok(WebhookEndpoint {
                    id: r.try_get(col("id").as_str())?,
                    url: r.try_get(col("url").as_str())?,
                    secret_cipher: r.try_get(col("secret_cipher").as_str())?,
                    active: r.try_get(col("active").as_str())?,
                    created_at: r.try_get(col("created_at").as_str())?,
                    updated_at: r.try_get(col("updated_at").as_str())?,
                })
            }

            pub(crate) fn delivery(r: &$row) -> Result<Delivery, sqlx::Error> {
                Ok(Delivery {
                    endpoint_id: r.try_get("endpoint_id")?,
                    event_id: r.try_get("event_id")?,
                    kind: from_word("kind", &r.try_get::<String, _>("kind")?)?,
                    payload: r.try_get("payload")?,
                    status: from_word("status", &r.try_get::<String, _>("status")?)?,
                    attempts: r.try_get("attempts")?,
                    next_attempt_at: r.try_get("next_attempt_at")?,
                    last_status: r.try_get("last_status")?,
                    last_error: r.try_get("last_error")?,
                    delivered_at: r.try_get("delivered_at")?,
                    created_at: r.try_get("created_at")?,
                })
            }
        }

        /// Fans events out: one inbox row per person in the audience (the actor excluded, a
        /// person reached twice once) and one pending delivery per active endpoint.
        async fn insert_events_in(conn: &mut $conn, events: &[fengqiao_domain::model::notice::NewEvent]) -> Result<(), sqlx::Error> {
            use fengqiao_domain::model::notice::Audience;
            let roles = $crate::oversight::supervisor_roles_sql();
            for e in events {
                for a in &e.audience {
                    let filter = match a {
                        Audience::User(_) => "id = $9".to_string(),
                        Audience::Supervisors(_) => format!("home_area_path = $9 AND role IN ({roles})"),
                    };
                    let sql = format!(
                        "INSERT INTO notifications (event_id, user_id, kind, case_id, case_number, case_title, actor_name, body, created_at) \
                         SELECT $1, id, $2, $3, $4, $5, $6, $7, $8 FROM users WHERE NOT disabled AND {filter} AND ($10 IS NULL OR id <> $10) \
                         ON CONFLICT (user_id, event_id) DO NOTHING"
                    );
                    let q = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(e.id).bind(e.kind.as_str()).bind(e.case_id).bind(&e.case_number).bind(&e.case_title)
                        .bind(&e.actor_name).bind(&e.body).bind(e.at);
                    let q = match a {
                        Audience::User(id) => q.bind(*id),
                        Audience::Supervisors(path) => q.bind(path.clone()),
                    };
                    q.bind(e.actor_id).execute(&mut *conn).await?;
                }
                sqlx::query(
                    "INSERT INTO webhook_deliveries (endpoint_id, event_id, kind, payload, status, attempts, next_attempt_at, created_at) \
                     SELECT id, $1, $2, $3, 'pending', 0, $4, $4 FROM webhook_endpoints WHERE active \
                     ON CONFLICT (endpoint_id, event_id) DO NOTHING",
                )
                .bind(e.id).bind(e.kind.as_str()).bind(e.payload().to_string()).bind(e.at)
                .execute(&mut *conn)
                .await?;
            }
            Ok(())
        }

        #[async_trait::async_trait]
        impl fengqiao_domain::ports::OversightStore for $store {
            async fn save_transition_with_events(
                &self,
                c: &fengqiao_domain::model::case::Case,
                expected_version: i64,
                entry: &fengqiao_domain::model::case::TimelineEntry,
                audit: &fengqiao_domain::model::NewAudit,
                events: &[fengqiao_domain::model::notice::NewEvent],
            ) -> fengqiao_domain::Result<()> {
                $crate::shared::write_tx!(self, |tx| {
                    if !update_case_in(&mut *tx, c, expected_version).await? {
                        return Err(fengqiao_domain::DomainError::Conflict("error-case-version-stale").into());
                    }
                    insert_entry(&mut *tx, entry).await?;
                    append_audit_in(&mut *tx, std::slice::from_ref(audit)).await?;
                    insert_events_in(&mut *tx, events).await?;
                })
            }

            async fn claim_deadline_alerts(
                &self,
                now: chrono::DateTime<chrono::Utc>,
                warn_until: chrono::DateTime<chrono::Utc>,
                limit: i64,
                make: &fengqiao_domain::ports::AlertMaker<'_>,
            ) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::notice::NewEvent>> {
                use fengqiao_domain::model::notice::NoticeKind;
                const RUNNING: &str = "status IN ('accepted', 'assigned', 'in_progress') AND deadline IS NOT NULL";
                // Overdue first; marking it also counts as its warning, so a case the monitor
                // first sees late is not warned after the fact.
                let overdue = format!(
                    "UPDATE cases SET overdue_for = deadline, overdue_since = $1, warned_for = deadline \
                     WHERE {RUNNING} AND deadline < $1 AND (overdue_for IS NULL OR overdue_for <> deadline) \
                     AND id IN (SELECT id FROM cases WHERE {RUNNING} AND deadline < $1 \
                                AND (overdue_for IS NULL OR overdue_for <> deadline) ORDER BY deadline LIMIT $2) RETURNING *"
                );
                let warn = format!(
                    "UPDATE cases SET warned_for = deadline \
                     WHERE {RUNNING} AND deadline >= $1 AND deadline <= $3 AND (warned_for IS NULL OR warned_for <> deadline) \
                     AND id IN (SELECT id FROM cases WHERE {RUNNING} AND deadline >= $1 AND deadline <= $3 \
                                AND (warned_for IS NULL OR warned_for <> deadline) ORDER BY deadline LIMIT $2) RETURNING *"
                );
                $crate::shared::write_tx!(self, |tx| {
                    let mut events = Vec::new();
                    let mut audits = Vec::new();
                    for (sql, kind) in [(&overdue, NoticeKind::Overdue), (&warn, NoticeKind::DeadlineWarning)] {
                        let q = sqlx::query(sqlx::AssertSqlSafe(sql.clone())).bind(now).bind(limit);
                        // Each text binds only the parameters it names: PostgreSQL cannot type an unused one.
                        let q = if kind == NoticeKind::DeadlineWarning { q.bind(warn_until) } else { q };
                        let rows = q.fetch_all(&mut *tx).await?;
                        for r in &rows {
                            let case = case_rows::case(r)?;
                            let (event, audit) = make(&case, kind);
                            events.push(event);
                            audits.push(audit);
                        }
                    }
                    insert_events_in(&mut *tx, &events).await?;
                    append_audit_in(&mut *tx, &audits).await?;
                    events
                })
            }

            async fn notifications(&self, user_id: uuid::Uuid, unread_only: bool, before: Option<uuid::Uuid>, limit: i64) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::notice::Notification>> {
                let rows = sqlx::query(
                    "SELECT * FROM notifications WHERE user_id = $1 AND ($2 = 0 OR read_at IS NULL) AND ($3 IS NULL OR event_id < $3) \
                     ORDER BY event_id DESC LIMIT $4",
                )
                .bind(user_id).bind(i32::from(unread_only)).bind(before).bind(limit)
                .fetch_all(self.reader()).await.map_err($crate::error::map)?;
                rows.iter().map(oversight_rows::notification).collect::<Result<_, _>>().map_err($crate::error::map)
            }

            async fn unread_notifications(&self, user_id: uuid::Uuid) -> fengqiao_domain::Result<i64> {
                sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL")
                    .bind(user_id).fetch_one(self.reader()).await.map_err($crate::error::map)
            }

            async fn mark_notification_read(&self, user_id: uuid::Uuid, id: uuid::Uuid, at: chrono::DateTime<chrono::Utc>) -> fengqiao_domain::Result<bool> {
                $crate::shared::write_tx!(self, |tx| {
                    // Reading twice keeps the first time.
                    let n = sqlx::query("UPDATE notifications SET read_at = COALESCE(read_at, $3) WHERE user_id = $1 AND event_id = $2")
                        .bind(user_id).bind(id).bind(at).execute(&mut *tx).await?;
                    n.rows_affected() > 0
                })
            }

            async fn mark_all_notifications_read(&self, user_id: uuid::Uuid, at: chrono::DateTime<chrono::Utc>) -> fengqiao_domain::Result<u64> {
                $crate::shared::write_tx!(self, |tx| {
                    let n = sqlx::query("UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL")
                        .bind(user_id).bind(at).execute(&mut *tx).await?;
                    n.rows_affected()
                })
            }

            async fn insert_webhook(&self, w: &fengqiao_domain::model::notice::WebhookEndpoint, audit: &fengqiao_domain::model::NewAudit) -> fengqiao_domain::Result<()> {
                $crate::shared::write_tx!(self, |tx| {
                    sqlx::query("INSERT INTO webhook_endpoints (id, url, secret_cipher, active, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)")
                        .bind(w.id).bind(&w.url).bind(&w.secret_cipher).bind(w.active).bind(w.created_at).bind(w.updated_at)
                        .execute(&mut *tx).await?;
                    append_audit_in(&mut *tx, std::slice::from_ref(audit)).await?;
                })
            }

            async fn webhooks(&self) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::notice::WebhookEndpoint>> {
                let rows = sqlx::query("SELECT * FROM webhook_endpoints ORDER BY created_at, id").fetch_all(self.reader()).await.map_err($crate::error::map)?;
                rows.iter().map(|r| oversight_rows::endpoint(r, "")).collect::<Result<_, _>>().map_err($crate::error::map)
            }

            async fn set_webhook_active(&self, id: uuid::Uuid, active: bool, at: chrono::DateTime<chrono::Utc>, audit: &fengqiao_domain::model::NewAudit) -> fengqiao_domain::Result<bool> {
                $crate::shared::write_tx!(self, |tx| {
                    let n = sqlx::query("UPDATE webhook_endpoints SET active = $2, updated_at = $3 WHERE id = $1")
                        .bind(id).bind(active).bind(at).execute(&mut *tx).await?;
                    if n.rows_affected() > 0 {
                        append_audit_in(&mut *tx, std::slice::from_ref(audit)).await?;
                    }
                    n.rows_affected() > 0
                })
            }

            async fn lease_deliveries(
                &self,
                now: chrono::DateTime<chrono::Utc>,
                lease_until: chrono::DateTime<chrono::Utc>,
                limit: i64,
            ) -> fengqiao_domain::Result<Vec<(fengqiao_domain::model::notice::Delivery, fengqiao_domain::model::notice::WebhookEndpoint)>> {
                const DUE: &str = "status = 'pending' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until < $1)";
                let sql = format!(
                    "UPDATE webhook_deliveries SET lease_until = $2, attempts = attempts + 1 WHERE {DUE} \
                     AND (endpoint_id, event_id) IN (SELECT endpoint_id, event_id FROM webhook_deliveries WHERE {DUE} ORDER BY next_attempt_at LIMIT $3) \
                     RETURNING *"
                );
                let leased = $crate::shared::write_tx!(self, |tx| {
                    let rows = sqlx::query(sqlx::AssertSqlSafe(sql.clone())).bind(now).bind(lease_until).bind(limit).fetch_all(&mut *tx).await?;
                    rows.iter().map(oversight_rows::delivery).collect::<Result<Vec<_>, _>>()?
                })?;
                let endpoints = self.webhooks().await?;
                Ok(leased
                    .into_iter()
                    .filter_map(|d| endpoints.iter().find(|e| e.id == d.endpoint_id).cloned().map(|e| (d, e)))
                    .collect())
            }

            async fn finish_delivery(&self, endpoint_id: uuid::Uuid, event_id: uuid::Uuid, r: &fengqiao_domain::model::notice::DeliveryResult) -> fengqiao_domain::Result<()> {
                use fengqiao_domain::model::notice::DeliveryStatus;
                $crate::shared::write_tx!(self, |tx| {
                    sqlx::query(
                        "UPDATE webhook_deliveries SET status = $3, last_status = $4, last_error = $5, next_attempt_at = $6, lease_until = NULL, \
                         delivered_at = $7 WHERE endpoint_id = $1 AND event_id = $2",
                    )
                    .bind(endpoint_id).bind(event_id).bind(r.status.as_str()).bind(r.http_status).bind(&r.error).bind(r.next_attempt_at)
                    .bind((r.status == DeliveryStatus::Delivered).then_some(r.at))
                    .execute(&mut *tx).await?;
                })
            }

            async fn deliveries(&self, endpoint_id: uuid::Uuid, limit: i64) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::notice::Delivery>> {
                let rows = sqlx::query("SELECT * FROM webhook_deliveries WHERE endpoint_id = $1 ORDER BY event_id DESC LIMIT $2")
                    .bind(endpoint_id).bind(limit).fetch_all(self.reader()).await.map_err($crate::error::map)?;
                rows.iter().map(oversight_rows::delivery).collect::<Result<_, _>>().map_err($crate::error::map)
            }
        }
    };
}
pub(crate) use impl_oversight_store;
