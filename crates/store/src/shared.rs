//! The body of the `Store` implementation, written once and expanded for each backend.
//! The SQL here is the dialect SQLite and PostgreSQL share (`$1` placeholders, `ON CONFLICT`,
//! `||`, `substr`); anything that differs is a parameter of the macro or a method of the
//! backend struct (`reader`, `begin_write`, `migrate_impl`, `backup_impl`).

use fengqiao_domain::DomainError;

/// Errors inside a write transaction: either the driver's or a rule the transaction checked.
pub(crate) enum TxError {
    Sql(sqlx::Error),
    Domain(DomainError),
}

impl From<sqlx::Error> for TxError {
    fn from(e: sqlx::Error) -> Self {
        TxError::Sql(e)
    }
}
impl From<DomainError> for TxError {
    fn from(e: DomainError) -> Self {
        TxError::Domain(e)
    }
}

/// Upper bound of a path-prefix range: every path starting with `prefix` sorts in
/// `[prefix, prefix_upper(prefix))` bytewise. Paths end in '/', and '/' + 1 is '0'.
/// Columns holding an area path by which a record is scoped, rewritten when an area moves.
/// The audit log keeps the paths it was written with: it is history, and append-only.
pub(crate) const SCOPED_PATH_COLUMNS: &[(&str, &str)] = &[
    ("organisations", "area_path"),
    ("estates", "area_path"),
    ("people", "area_path"),
    ("assignments", "area_path"),
    ("buildings", "area_path"),
    ("households", "area_path"),
    ("residents", "area_path"),
    ("resident_tags", "area_path"),
    ("import_jobs", "area_path"),
    ("cases", "area_path"),
    ("cases", "handling_path"),
    ("case_parties", "area_path"),
    ("case_attachments", "area_path"),
    ("mediation_sessions", "area_path"),
    ("mediation_mediators", "area_path"),
    ("mediation_agreements", "area_path"),
    ("judicial_confirmations", "area_path"),
    ("api_keys", "area_path"),
];

pub(crate) fn prefix_upper(prefix: &str) -> String {
    let mut s = prefix.to_string();
    match s.pop() {
        Some(c) => s.push(char::from_u32(c as u32 + 1).unwrap_or(char::MAX)),
        None => s.push(char::MAX),
    }
    s
}

/// Runs `$body` in a write transaction, committing on success and retrying the whole
/// transaction on serialization failures.
macro_rules! write_tx {
    ($self:ident, |$tx:ident| $body:block) => {{
        let mut attempt = 0u32;
        loop {
            let result: Result<_, $crate::shared::TxError> = async {
                let mut $tx = $self.begin_write().await?;
                let out = $body;
                $tx.commit().await?;
                Ok(out)
            }
            .await;
            match result {
                Err($crate::shared::TxError::Sql(e)) if $crate::error::is_retryable(&e) && attempt < 6 => {
                    attempt += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(5u64 << attempt)).await;
                }
                Err($crate::shared::TxError::Sql(e)) => break Err($crate::error::map(e)),
                Err($crate::shared::TxError::Domain(e)) => break Err(e),
                Ok(v) => break Ok(v),
            }
        }
    }};
}
pub(crate) use write_tx;

macro_rules! impl_store {
    ($store:ty, $db:ty, $row:ty, $conn:ty, lock = $lock:literal) => {
        $crate::rows::foundation_rows!($row);

        /// Appends audit rows inside the caller's transaction, extending the hash chain.
        async fn append_audit_in(conn: &mut $conn, entries: &[fengqiao_domain::model::NewAudit]) -> Result<(), sqlx::Error> {
            use sqlx::Row;
            if entries.is_empty() {
                return Ok(());
            }
            let head = sqlx::query(concat!("SELECT seq, hash FROM audit_head WHERE id = 1", $lock))
                .fetch_one(&mut *conn)
                .await?;
            let mut seq: i64 = head.try_get("seq")?;
            let mut hash: String = head.try_get("hash")?;
            let mut rows = Vec::with_capacity(entries.len());
            for e in entries {
                seq += 1;
                let row = fengqiao_domain::rules::audit_chain::seal(&hash, seq, e);
                hash = row.hash.clone();
                rows.push(row);
            }
            // Many rows per statement: a batch of intakes appends one row per case.
            for chunk in rows.chunks(500) {
                let mut q = sqlx::QueryBuilder::<$db>::new(
                    "INSERT INTO audit_log (seq, at, actor_id, actor_name, action, entity_type, entity_id, area_path, \
                     before_json, after_json, client_addr, prev_hash, hash) ",
                );
                q.push_values(chunk, |mut b, row| {
                    b.push_bind(row.seq).push_bind(row.at).push_bind(row.actor_id).push_bind(&row.actor_name).push_bind(&row.action)
                        .push_bind(&row.entity_type).push_bind(&row.entity_id).push_bind(&row.area_path)
                        .push_bind(row.before.as_ref().map(|v| v.to_string())).push_bind(row.after.as_ref().map(|v| v.to_string()))
                        .push_bind(&row.client_addr).push_bind(&row.prev_hash).push_bind(&row.hash);
                });
                q.build().execute(&mut *conn).await?;
            }
            sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
                .bind(seq)
                .bind(&hash)
                .execute(&mut *conn)
                .await?;
            Ok(())
        }

        #[async_trait::async_trait]
        impl fengqiao_domain::ports::Store for $store {
            fn backend(&self) -> fengqiao_domain::ports::Backend {
                Self::BACKEND
            }

            async fn migrate(&self) -> fengqiao_domain::Result<()> {
                self.migrate_impl().await
            }

            async fn ping(&self) -> fengqiao_domain::Result<()> {
                sqlx::query("SELECT 1").execute(self.reader()).await.map(|_| ()).map_err($crate::error::map)
            }

            async fn get_meta(&self, key: &str) -> fengqiao_domain::Result<Option<String>> {
                sqlx::query_scalar("SELECT value FROM meta WHERE key = $1")
                    .bind(key)
                    .fetch_optional(self.reader())
                    .await
                    .map_err($crate::error::map)
            }

            async fn set_meta(&self, key: &str, value: &str) -> fengqiao_domain::Result<()> {
                $crate::shared::write_tx!(self, |tx| {
                    sqlx::query("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                        .bind(key)
                        .bind(value)
                        .execute(&mut *tx)
                        .await?;
                })
            }

            async fn holds_data(&self) -> fengqiao_domain::Result<bool> {
                let n: i64 = sqlx::query_scalar(
                    "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM areas LIMIT 1) a) + (SELECT COUNT(*) FROM (SELECT 1 FROM users LIMIT 1) u)",
                )
                .fetch_one(self.reader())
                .await
                .map_err($crate::error::map)?;
                Ok(n > 0)
            }

            async fn area_by_code(&self, code: &str) -> fengqiao_domain::Result<Option<fengqiao_domain::model::Area>> {
                let row = sqlx::query("SELECT * FROM areas WHERE code = $1")
                    .bind(code)
                    .fetch_optional(self.reader())
                    .await
                    .map_err($crate::error::map)?;
                row.as_ref().map(rows::area).transpose().map_err($crate::error::map)
            }

            async fn area_by_id(&self, id: uuid::Uuid) -> fengqiao_domain::Result<Option<fengqiao_domain::model::Area>> {
                let row = sqlx::query("SELECT * FROM areas WHERE id = $1")
                    .bind(id)
                    .fetch_optional(self.reader())
                    .await
                    .map_err($crate::error::map)?;
                row.as_ref().map(rows::area).transpose().map_err($crate::error::map)
            }

            async fn areas_by_codes(&self, codes: &[String]) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::Area>> {
                if codes.is_empty() {
                    return Ok(Vec::new());
                }
                let placeholders: Vec<String> = (1..=codes.len()).map(|i| format!("${i}")).collect();
                let sql = format!("SELECT * FROM areas WHERE code IN ({}) ORDER BY path", placeholders.join(", "));
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for c in codes {
                    q = q.bind(c);
                }
                let rows = q.fetch_all(self.reader()).await.map_err($crate::error::map)?;
                rows.iter().map(rows::area).collect::<Result<_, _>>().map_err($crate::error::map)
            }

            async fn area_children(&self, parent_id: uuid::Uuid, include_retired: bool) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::Area>> {
                let rows = sqlx::query("SELECT * FROM areas WHERE parent_id = $1 AND ($2 OR retired = FALSE) ORDER BY code")
                    .bind(parent_id)
                    .bind(include_retired)
                    .fetch_all(self.reader())
                    .await
                    .map_err($crate::error::map)?;
                rows.iter().map(rows::area).collect::<Result<_, _>>().map_err($crate::error::map)
            }

            async fn count_active_descendants(&self, path: &str) -> fengqiao_domain::Result<i64> {
                sqlx::query_scalar("SELECT COUNT(*) FROM areas WHERE path > $1 AND path < $2 AND retired = FALSE")
                    .bind(path)
                    .bind($crate::shared::prefix_upper(path))
                    .fetch_one(self.reader())
                    .await
                    .map_err($crate::error::map)
            }

            async fn insert_areas(&self, areas: &[fengqiao_domain::model::Area], audit: &[fengqiao_domain::model::NewAudit]) -> fengqiao_domain::Result<()> {
                $crate::shared::write_tx!(self, |tx| {
                    for a in areas {
                        sqlx::query(
                            "INSERT INTO areas (id, code, name, level, parent_id, path, boundary, retired, version, created_at, updated_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                        )
                        .bind(a.id)
                        .bind(a.code.as_str())
                        .bind(&a.name)
                        .bind(a.level.as_str())
                        .bind(a.parent_id)
                        .bind(&a.path)
                        .bind(a.boundary.as_ref().map(|b| b.to_string()))
                        .bind(a.retired)
                        .bind(a.version)
                        .bind(a.created_at)
                        .bind(a.updated_at)
                        .execute(&mut *tx)
                        .await?;
                    }
                    append_audit_in(&mut *tx, audit).await?;
                })
            }

            async fn update_area(&self, a: &fengqiao_domain::model::Area, expected_version: i64, audit: &fengqiao_domain::model::NewAudit) -> fengqiao_domain::Result<()> {
                $crate::shared::write_tx!(self, |tx| {
                    let done = sqlx::query(
                        "UPDATE areas SET name = $1, boundary = $2, retired = $3, version = $4, updated_at = $5 WHERE id = $6 AND version = $7",
                    )
                    .bind(&a.name)
                    .bind(a.boundary.as_ref().map(|b| b.to_string()))
                    .bind(a.retired)
                    .bind(a.version)
                    .bind(a.updated_at)
                    .bind(a.id)
                    .bind(expected_version)
                    .execute(&mut *tx)
                    .await?;
                    $crate::error::conflict_if_none(done.rows_affected())?;
                    append_audit_in(&mut *tx, std::slice::from_ref(audit)).await?;
                })
            }

            async fn move_area(&self, a: &fengqiao_domain::model::Area, expected_version: i64, old_path: &str, audit: &fengqiao_domain::model::NewAudit) -> fengqiao_domain::Result<()> {
                let upper = $crate::shared::prefix_upper(old_path);
                let keep_from = (old_path.len() + 1) as i32;
                $crate::shared::write_tx!(self, |tx| {
                    let done = sqlx::query(
                        "UPDATE areas SET name = $1, boundary = $2, retired = $3, version = $4, updated_at = $5, parent_id = $6 \
                         WHERE id = $7 AND version = $8",
                    )
                    .bind(&a.name)
                    .bind(a.boundary.as_ref().map(|b| b.to_string()))
                    .bind(a.retired)
                    .bind(a.version)
                    .bind(a.updated_at)
                    .bind(a.parent_id)
                    .bind(a.id)
                    .bind(expected_version)
                    .execute(&mut *tx)
                    .await?;
                    $crate::error::conflict_if_none(done.rows_affected())?;
                    sqlx::query("UPDATE areas SET path = $1 || substr(path, CAST($2 AS INTEGER)) WHERE path >= $3 AND path < $4")
                        .bind(&a.path)
                        .bind(keep_from)
                        .bind(old_path)
                        .bind(&upper)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query(
                        "UPDATE users SET home_area_path = $1 || substr(home_area_path, CAST($2 AS INTEGER)) \
                         WHERE home_area_path >= $3 AND home_area_path < $4",
                    )
                    .bind(&a.path)
                    .bind(keep_from)
                    .bind(old_path)
                    .bind(&upper)
                    .execute(&mut *tx)
                    .await?;
                    // Everything scoped by path moves with the subtree, or the moved area's own
                    // people would lose sight of its records while the old parent kept it.
                    for (table, column) in $crate::shared::SCOPED_PATH_COLUMNS {
                        let sql = format!("UPDATE {table} SET {column} = $1 || substr({column}, CAST($2 AS INTEGER)) WHERE {column} >= $3 AND {column} < $4");
                        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(&a.path).bind(keep_from).bind(old_path).bind(&upper).execute(&mut *tx).await?;
                    }
                    move_stats_in(&mut *tx, a.code.as_str(), old_path, &a.path).await?;
                    append_audit_in(&mut *tx, std::slice::from_ref(audit)).await?;
                })
            }

            async fn set_boundaries(&self, changes: &[fengqiao_domain::ports::BoundaryChange], audit: &[fengqiao_domain::model::NewAudit]) -> fengqiao_domain::Result<()> {
                $crate::shared::write_tx!(self, |tx| {
                    for c in changes {
                        let done = sqlx::query("UPDATE areas SET boundary = $1, version = $2, updated_at = $3 WHERE id = $4 AND version = $5")
                            .bind(c.boundary.as_ref().map(|b| b.to_string()))
                            .bind(c.version)
                            .bind(c.updated_at)
                            .bind(c.area_id)
                            .bind(c.version - 1)
                            .execute(&mut *tx)
                            .await?;
                        $crate::error::conflict_if_none(done.rows_affected())?;
                    }
                    append_audit_in(&mut *tx, audit).await?;
                })
            }

            async fn user_by_username(&self, username: &str) -> fengqiao_domain::Result<Option<fengqiao_domain::model::User>> {
                let row = sqlx::query("SELECT * FROM users WHERE username = $1")
                    .bind(username)
                    .fetch_optional(self.reader())
                    .await
                    .map_err($crate::error::map)?;
                row.as_ref().map(rows::user).transpose().map_err($crate::error::map)
            }

            async fn user_by_id(&self, id: uuid::Uuid) -> fengqiao_domain::Result<Option<fengqiao_domain::model::User>> {
                let row = sqlx::query("SELECT * FROM users WHERE id = $1")
                    .bind(id)
                    .fetch_optional(self.reader())
                    .await
                    .map_err($crate::error::map)?;
                row.as_ref().map(rows::user).transpose().map_err($crate::error::map)
            }

            async fn users_in_scope(&self, q: &fengqiao_domain::ports::UserQuery) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::User>> {
                let pattern = q.text.as_ref().map(|t| format!("%{}%", t.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")));
                let rows = sqlx::query(
                    "SELECT * FROM users WHERE home_area_path >= $1 AND home_area_path < $2 \
                     AND ($3 IS NULL OR username > $3) \
                     AND ($4 IS NULL OR username LIKE $4 ESCAPE '\\' OR display_name LIKE $4 ESCAPE '\\') \
                     ORDER BY username LIMIT $5",
                )
                .bind(&q.scope_path)
                .bind($crate::shared::prefix_upper(&q.scope_path))
                .bind(&q.after_username)
                .bind(&pattern)
                .bind(q.limit)
                .fetch_all(self.reader())
                .await
                .map_err($crate::error::map)?;
                rows.iter().map(rows::user).collect::<Result<_, _>>().map_err($crate::error::map)
            }

            async fn count_active_users_in(&self, path: &str) -> fengqiao_domain::Result<i64> {
                sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE home_area_path >= $1 AND home_area_path < $2 AND disabled = FALSE")
                    .bind(path)
                    .bind($crate::shared::prefix_upper(path))
                    .fetch_one(self.reader())
                    .await
                    .map_err($crate::error::map)
            }

            async fn insert_user(&self, u: &fengqiao_domain::model::User, audit: &fengqiao_domain::model::NewAudit) -> fengqiao_domain::Result<()> {
                $crate::shared::write_tx!(self, |tx| {
                    sqlx::query(
                        "INSERT INTO users (id, username, display_name, role, home_area_id, home_area_path, password_hash, disabled, version, created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                    )
                    .bind(u.id)
                    .bind(u.username.as_str())
                    .bind(&u.display_name)
                    .bind(u.role.as_str())
                    .bind(u.home_area_id)
                    .bind(&u.home_area_path)
                    .bind(&u.password_hash)
                    .bind(u.disabled)
                    .bind(u.version)
                    .bind(u.created_at)
                    .bind(u.updated_at)
                    .execute(&mut *tx)
                    .await?;
                    append_audit_in(&mut *tx, std::slice::from_ref(audit)).await?;
                })
            }

            async fn update_user(&self, u: &fengqiao_domain::model::User, expected_version: i64, audit: &fengqiao_domain::model::NewAudit) -> fengqiao_domain::Result<()> {
                $crate::shared::write_tx!(self, |tx| {
                    let done = sqlx::query(
                        "UPDATE users SET display_name = $1, role = $2, home_area_id = $3, home_area_path = $4, password_hash = $5, \
                         disabled = $6, version = $7, updated_at = $8 WHERE id = $9 AND version = $10",
                    )
                    .bind(&u.display_name)
                    .bind(u.role.as_str())
                    .bind(u.home_area_id)
                    .bind(&u.home_area_path)
                    .bind(&u.password_hash)
                    .bind(u.disabled)
                    .bind(u.version)
                    .bind(u.updated_at)
                    .bind(u.id)
                    .bind(expected_version)
                    .execute(&mut *tx)
                    .await?;
                    $crate::error::conflict_if_none(done.rows_affected())?;
                    append_audit_in(&mut *tx, std::slice::from_ref(audit)).await?;
                })
            }

            async fn insert_session(&self, s: &fengqiao_domain::model::Session) -> fengqiao_domain::Result<()> {
                $crate::shared::write_tx!(self, |tx| {
                    sqlx::query(
                        "INSERT INTO sessions (token_hash, user_id, kind, csrf_token, created_at, expires_at, client_addr) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(&s.token_hash)
                    .bind(s.user_id)
                    .bind(s.kind.as_str())
                    .bind(&s.csrf_token)
                    .bind(s.created_at)
                    .bind(s.expires_at)
                    .bind(&s.client_addr)
                    .execute(&mut *tx)
                    .await?;
                })
            }

            async fn session_by_hash(&self, token_hash: &str) -> fengqiao_domain::Result<Option<fengqiao_domain::model::Session>> {
                let row = sqlx::query("SELECT * FROM sessions WHERE token_hash = $1")
                    .bind(token_hash)
                    .fetch_optional(self.reader())
                    .await
                    .map_err($crate::error::map)?;
                row.as_ref().map(rows::session).transpose().map_err($crate::error::map)
            }

            async fn extend_session(&self, token_hash: &str, expires_at: chrono::DateTime<chrono::Utc>) -> fengqiao_domain::Result<()> {
                $crate::shared::write_tx!(self, |tx| {
                    sqlx::query("UPDATE sessions SET expires_at = $1 WHERE token_hash = $2")
                        .bind(expires_at)
                        .bind(token_hash)
                        .execute(&mut *tx)
                        .await?;
                })
            }

            async fn delete_session(&self, token_hash: &str) -> fengqiao_domain::Result<()> {
                $crate::shared::write_tx!(self, |tx| {
                    sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&mut *tx).await?;
                })
            }

            async fn delete_user_sessions(&self, user_id: uuid::Uuid) -> fengqiao_domain::Result<()> {
                $crate::shared::write_tx!(self, |tx| {
                    sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
                })
            }

            async fn purge_expired_sessions(&self, now: chrono::DateTime<chrono::Utc>) -> fengqiao_domain::Result<u64> {
                $crate::shared::write_tx!(self, |tx| {
                    let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now).execute(&mut *tx).await?;
                    sqlx::query("DELETE FROM login_failures WHERE at <= $1")
                        .bind(now - chrono::Duration::days(1))
                        .execute(&mut *tx)
                        .await?;
                    done.rows_affected()
                })
            }

            async fn record_login_failure(&self, key: &str, at: chrono::DateTime<chrono::Utc>) -> fengqiao_domain::Result<()> {
                $crate::shared::write_tx!(self, |tx| {
                    sqlx::query("INSERT INTO login_failures (id, key, at) VALUES ($1, $2, $3)")
                        .bind(uuid::Uuid::now_v7())
                        .bind(key)
                        .bind(at)
                        .execute(&mut *tx)
                        .await?;
                })
            }

            async fn login_failures_since(&self, key: &str, since: chrono::DateTime<chrono::Utc>) -> fengqiao_domain::Result<i64> {
                sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at > $2")
                    .bind(key)
                    .bind(since)
                    .fetch_one(self.reader())
                    .await
                    .map_err($crate::error::map)
            }

            async fn clear_login_failures(&self, key: &str) -> fengqiao_domain::Result<()> {
                $crate::shared::write_tx!(self, |tx| {
                    sqlx::query("DELETE FROM login_failures WHERE key = $1").bind(key).execute(&mut *tx).await?;
                })
            }

            async fn append_audit(&self, entries: &[fengqiao_domain::model::NewAudit]) -> fengqiao_domain::Result<()> {
                $crate::shared::write_tx!(self, |tx| {
                    append_audit_in(&mut *tx, entries).await?;
                })
            }

            async fn audit_page(&self, f: &fengqiao_domain::model::AuditFilter) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::AuditEntry>> {
                let like = |s: &Option<String>| {
                    s.as_ref().map(|t| format!("{}%", t.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")))
                };
                let rows = sqlx::query(
                    "SELECT * FROM audit_log WHERE area_path >= $1 AND area_path < $2 \
                     AND ($3 IS NULL OR actor_name = $3) \
                     AND ($4 IS NULL OR action LIKE $4 ESCAPE '\\') \
                     AND ($5 IS NULL OR entity_type = $5) \
                     AND ($6 IS NULL OR entity_id = $6) \
                     AND ($7 IS NULL OR at >= $7) \
                     AND ($8 IS NULL OR at < $8) \
                     AND ($9 IS NULL OR seq < $9) \
                     ORDER BY seq DESC LIMIT $10",
                )
                .bind(&f.scope_path)
                .bind($crate::shared::prefix_upper(&f.scope_path))
                .bind(&f.actor_name)
                .bind(like(&f.action_prefix))
                .bind(&f.entity_type)
                .bind(&f.entity_id)
                .bind(f.from)
                .bind(f.to)
                .bind(f.before_seq)
                .bind(f.limit)
                .fetch_all(self.reader())
                .await
                .map_err($crate::error::map)?;
                rows.iter().map(rows::audit).collect::<Result<_, _>>().map_err($crate::error::map)
            }

            async fn audit_chain(&self, after_seq: i64, limit: i64) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::AuditEntry>> {
                let rows = sqlx::query("SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2")
                    .bind(after_seq)
                    .bind(limit)
                    .fetch_all(self.reader())
                    .await
                    .map_err($crate::error::map)?;
                rows.iter().map(rows::audit).collect::<Result<_, _>>().map_err($crate::error::map)
            }

            async fn audit_head(&self) -> fengqiao_domain::Result<(i64, String)> {
                use sqlx::Row;
                let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
                    .fetch_one(self.reader())
                    .await
                    .map_err($crate::error::map)?;
                Ok((row.try_get("seq").map_err($crate::error::map)?, row.try_get("hash").map_err($crate::error::map)?))
            }

            async fn backup_to(&self, dest: &std::path::Path) -> fengqiao_domain::Result<()> {
                self.backup_impl(dest).await
            }
        }
    };
}
pub(crate) use impl_store;

#[cfg(test)]
mod tests {
    use super::prefix_upper;

    #[test]
    fn prefix_ranges_cover_exactly_the_subtree() {
        let p = "/1501/150103/";
        let u = prefix_upper(p);
        assert_eq!(u, "/1501/1501030");
        for inside in ["/1501/150103/", "/1501/150103/150103003/", "/1501/150103/zzz/"] {
            assert!(inside >= p && inside < u.as_str(), "{inside}");
        }
        for outside in ["/1501/1501031/", "/1501/150102/", "/1501/", "/1501/1501030/"] {
            assert!(!(outside >= p && outside < u.as_str()), "{outside}");
        }
    }
}
