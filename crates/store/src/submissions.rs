//! The submissions half of the store (`SubmissionStore`): API keys, the submission kept beside
//! a case brought in from outside, and the area lookups Open311 and the portal place matters
//! with. Written once for both backends and expanded in the same module as `cases.rs`, so it
//! shares `case_rows` and `append_audit_in`. Submissions themselves are written with their
//! case, in `cases_write.rs`.

/// Case statuses Open311 calls closed, as an SQL list of literals (fixed names from the domain).
pub(crate) fn closed_statuses_sql() -> String {
    use fengqiao_domain::model::case::CaseStatus;
    CaseStatus::ALL
        .iter()
        .filter(|s| fengqiao_domain::model::submission::open311_status(**s) == "closed")
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(",")
}

/// Submission columns under an `s_` prefix, so they sit beside `cases.*` in one row.
pub(crate) const SUBMISSION_COLUMNS: &str = "s.token AS s_token, s.source AS s_source, s.api_key_id AS s_api_key_id, \
     s.name_cipher AS s_name_cipher, s.name_hash AS s_name_hash, s.name_masked AS s_name_masked, \
     s.phone_cipher AS s_phone_cipher, s.phone_hash AS s_phone_hash, s.phone_masked AS s_phone_masked, \
     s.consent_at AS s_consent_at, s.media_url AS s_media_url, s.rating AS s_rating, s.rated_at AS s_rated_at, s.created_at AS s_created_at";

macro_rules! impl_submission_store {
    ($store:ty, $row:ty, $conn:ty) => {
        mod submission_rows {
            use fengqiao_domain::model::Protected;
            use fengqiao_domain::model::submission::{ApiKey, Source, Submission, TrackingNumber};
            use sqlx::Row;
            use $crate::registry::from_word;

            pub(crate) fn api_key(r: &$row) -> Result<ApiKey, sqlx::Error> {
                Ok(ApiKey {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    prefix: r.try_get("prefix")?,
                    area_id: r.try_get("area_id")?,
                    area_path: r.try_get("area_path")?,
                    per_minute: r.try_get("per_minute")?,
                    created_by: r.try_get("created_by")?,
                    created_at: r.try_get("created_at")?,
                    revoked_at: r.try_get("revoked_at")?,
                })
            }

            fn protected(r: &$row, field: &str) -> Result<Option<Protected>, sqlx::Error> {
                let cipher: Option<String> = r.try_get(format!("s_{field}_cipher").as_str())?;
                let Some(cipher) = cipher else { return Ok(None) };
                Ok(Some(Protected {
                    cipher,
                    hash: r.try_get::<Option<String>, _>(format!("s_{field}_hash").as_str())?.unwrap_or_default(),
                    masked: r.try_get::<Option<String>, _>(format!("s_{field}_masked").as_str())?.unwrap_or_default(),
                }))
            }

            /// A submission from a row that also holds its case (`cases.*` beside `s_` columns).
            pub(crate) fn submission(r: &$row) -> Result<Submission, sqlx::Error> {
                let token: String = r.try_get("s_token")?;
                let source: String = r.try_get("s_source")?;
                let rating: Option<String> = r.try_get("s_rating")?;
                Ok(Submission {
                    case_id: r.try_get("id")?,
                    token: TrackingNumber::parse(&token).map_err(|_| sqlx::Error::Decode($crate::error::corrupt("tracking number", &token).into()))?,
                    source: Source::parse(&source).map_err(|_| sqlx::Error::Decode($crate::error::corrupt("source", &source).into()))?,
                    api_key_id: r.try_get("s_api_key_id")?,
                    contact_name: protected(r, "name")?,
                    contact_phone: protected(r, "phone")?,
                    consent_at: r.try_get("s_consent_at")?,
                    media_url: r.try_get("s_media_url")?,
                    rating: rating.map(|x| from_word("rating", &x)).transpose()?,
                    rated_at: r.try_get("s_rated_at")?,
                    created_at: r.try_get("s_created_at")?,
                })
            }
        }

        type SubmissionDb = <$conn as sqlx::Connection>::Database;

        #[async_trait::async_trait]
        impl fengqiao_domain::ports::SubmissionStore for $store {
            async fn insert_api_key(&self, key: &fengqiao_domain::model::submission::ApiKey, secret_hash: &str, audit: &fengqiao_domain::model::NewAudit) -> fengqiao_domain::Result<()> {
                $crate::shared::write_tx!(self, |tx| {
                    sqlx::query(
                        "INSERT INTO api_keys (id, name, secret_hash, prefix, area_id, area_path, per_minute, created_by, created_at, revoked_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                    )
                    .bind(key.id).bind(&key.name).bind(secret_hash).bind(&key.prefix).bind(key.area_id).bind(&key.area_path)
                    .bind(key.per_minute).bind(key.created_by).bind(key.created_at).bind(key.revoked_at)
                    .execute(&mut *tx)
                    .await?;
                    append_audit_in(&mut *tx, std::slice::from_ref(audit)).await?;
                })
            }

            async fn api_key_by_hash(&self, secret_hash: &str) -> fengqiao_domain::Result<Option<fengqiao_domain::model::submission::ApiKey>> {
                let row = sqlx::query("SELECT * FROM api_keys WHERE secret_hash = $1").bind(secret_hash).fetch_optional(self.reader()).await.map_err($crate::error::map)?;
                row.as_ref().map(submission_rows::api_key).transpose().map_err($crate::error::map)
            }

            async fn api_key_by_id(&self, id: uuid::Uuid) -> fengqiao_domain::Result<Option<fengqiao_domain::model::submission::ApiKey>> {
                let row = sqlx::query("SELECT * FROM api_keys WHERE id = $1").bind(id).fetch_optional(self.reader()).await.map_err($crate::error::map)?;
                row.as_ref().map(submission_rows::api_key).transpose().map_err($crate::error::map)
            }

            async fn api_keys_under(&self, path: &str) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::submission::ApiKey>> {
                let rows = sqlx::query("SELECT * FROM api_keys WHERE area_path >= $1 AND area_path < $2 ORDER BY id DESC")
                    .bind(path).bind($crate::shared::prefix_upper(path))
                    .fetch_all(self.reader()).await.map_err($crate::error::map)?;
                rows.iter().map(submission_rows::api_key).collect::<Result<_, _>>().map_err($crate::error::map)
            }

            async fn revoke_api_key(&self, id: uuid::Uuid, at: chrono::DateTime<chrono::Utc>, audit: &fengqiao_domain::model::NewAudit) -> fengqiao_domain::Result<bool> {
                $crate::shared::write_tx!(self, |tx| {
                    let done = sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL").bind(at).bind(id).execute(&mut *tx).await?;
                    if done.rows_affected() == 1 {
                        append_audit_in(&mut *tx, std::slice::from_ref(audit)).await?;
                    }
                    done.rows_affected() == 1
                })
            }

            async fn submission_by_token(&self, token: &fengqiao_domain::model::submission::TrackingNumber) -> fengqiao_domain::Result<Option<(fengqiao_domain::model::case::Case, fengqiao_domain::model::submission::Submission)>> {
                let sql = format!("SELECT c.*, {} FROM case_submissions s JOIN cases c ON c.id = s.case_id WHERE s.token = $1", $crate::submissions::SUBMISSION_COLUMNS);
                let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(token.as_str()).fetch_optional(self.reader()).await.map_err($crate::error::map)?;
                row.as_ref().map(|r| Ok::<_, sqlx::Error>((case_rows::case(r)?, submission_rows::submission(r)?))).transpose().map_err($crate::error::map)
            }

            async fn submission_of_case(&self, case_id: uuid::Uuid) -> fengqiao_domain::Result<Option<fengqiao_domain::model::submission::Submission>> {
                let sql = format!("SELECT c.*, {} FROM case_submissions s JOIN cases c ON c.id = s.case_id WHERE s.case_id = $1", $crate::submissions::SUBMISSION_COLUMNS);
                let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(case_id).fetch_optional(self.reader()).await.map_err($crate::error::map)?;
                row.as_ref().map(submission_rows::submission).transpose().map_err($crate::error::map)
            }

            async fn submitted_cases(&self, q: &fengqiao_domain::ports::SubmissionQuery) -> fengqiao_domain::Result<Vec<(fengqiao_domain::model::case::Case, fengqiao_domain::model::submission::Submission)>> {
                let mut b = sqlx::QueryBuilder::<SubmissionDb>::new(format!("SELECT c.*, {} FROM case_submissions s JOIN cases c ON c.id = s.case_id WHERE c.area_path >= ", $crate::submissions::SUBMISSION_COLUMNS));
                b.push_bind(q.scope_path.clone()).push(" AND c.area_path < ").push_bind($crate::shared::prefix_upper(&q.scope_path));
                if !q.numbers.is_empty() {
                    b.push(" AND c.number IN (");
                    let mut list = b.separated(", ");
                    for n in &q.numbers {
                        list.push_bind(n.clone());
                    }
                    b.push(")");
                } else {
                    if let Some(from) = q.from {
                        b.push(" AND s.created_at >= ").push_bind(from);
                    }
                    if let Some(to) = q.to {
                        b.push(" AND s.created_at <= ").push_bind(to);
                    }
                    if !q.services.is_empty() {
                        b.push(" AND (");
                        for (i, (kind, category)) in q.services.iter().enumerate() {
                            if i > 0 {
                                b.push(" OR ");
                            }
                            b.push("(c.kind = ").push_bind(kind.as_str()).push(" AND c.category = ").push_bind(category.clone()).push(")");
                        }
                        b.push(")");
                    }
                    match q.closed {
                        Some(true) => { b.push(format!(" AND c.status IN ({})", $crate::submissions::closed_statuses_sql())); }
                        Some(false) => { b.push(format!(" AND c.status NOT IN ({})", $crate::submissions::closed_statuses_sql())); }
                        None => {}
                    }
                }
                b.push(" ORDER BY s.created_at DESC, s.case_id DESC LIMIT ").push_bind(q.limit);
                let rows = b.build().fetch_all(self.reader()).await.map_err($crate::error::map)?;
                rows.iter().map(|r| Ok((case_rows::case(r)?, submission_rows::submission(r)?))).collect::<Result<_, sqlx::Error>>().map_err($crate::error::map)
            }

            async fn submission_updates(&self, scope_path: &str, since: chrono::DateTime<chrono::Utc>, until: chrono::DateTime<chrono::Utc>, limit: i64) -> fengqiao_domain::Result<Vec<(fengqiao_domain::model::case::Case, fengqiao_domain::model::case::TimelineEntry)>> {
                let rows = sqlx::query(
                    "SELECT t.* FROM case_timeline t JOIN case_submissions s ON s.case_id = t.case_id JOIN cases c ON c.id = t.case_id \
                     WHERE c.area_path >= $1 AND c.area_path < $2 AND t.at >= $3 AND t.at <= $4 ORDER BY t.at, t.case_id, t.version LIMIT $5",
                )
                .bind(scope_path).bind($crate::shared::prefix_upper(scope_path)).bind(since).bind(until).bind(limit)
                .fetch_all(self.reader()).await.map_err($crate::error::map)?;
                let entries: Vec<fengqiao_domain::model::case::TimelineEntry> = rows.iter().map(case_rows::entry).collect::<Result<_, _>>().map_err($crate::error::map)?;
                let mut cases: std::collections::HashMap<uuid::Uuid, fengqiao_domain::model::case::Case> = std::collections::HashMap::new();
                let mut out = Vec::with_capacity(entries.len());
                for e in entries {
                    if !cases.contains_key(&e.case_id) {
                        let c = fengqiao_domain::ports::CaseStore::case_by_id(self, e.case_id).await?
                            .ok_or_else(|| fengqiao_domain::DomainError::Internal("timeline entry without its case".into()))?;
                        cases.insert(e.case_id, c);
                    }
                    out.push((cases[&e.case_id].clone(), e));
                }
                Ok(out)
            }

            async fn rate_submission(&self, case_id: uuid::Uuid, rating: fengqiao_domain::model::case::Satisfaction, at: chrono::DateTime<chrono::Utc>, audit: &fengqiao_domain::model::NewAudit) -> fengqiao_domain::Result<bool> {
                $crate::shared::write_tx!(self, |tx| {
                    let done = sqlx::query("UPDATE case_submissions SET rating = $1, rated_at = $2 WHERE case_id = $3 AND rating IS NULL")
                        .bind(rating.as_str()).bind(at).bind(case_id).execute(&mut *tx).await?;
                    if done.rows_affected() == 1 {
                        append_audit_in(&mut *tx, std::slice::from_ref(audit)).await?;
                    }
                    done.rows_affected() == 1
                })
            }

            async fn active_areas_at_level(&self, level: fengqiao_domain::model::AreaLevel) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::Area>> {
                let rows = sqlx::query("SELECT * FROM areas WHERE level = $1 AND retired = FALSE ORDER BY path")
                    .bind(level.as_str())
                    .fetch_all(self.reader()).await.map_err($crate::error::map)?;
                rows.iter().map(rows::area).collect::<Result<_, _>>().map_err($crate::error::map)
            }

            async fn mapped_areas_under(&self, path: &str) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::Area>> {
                let rows = sqlx::query("SELECT * FROM areas WHERE path >= $1 AND path < $2 AND boundary IS NOT NULL AND retired = FALSE")
                    .bind(path).bind($crate::shared::prefix_upper(path))
                    .fetch_all(self.reader()).await.map_err($crate::error::map)?;
                rows.iter().map(rows::area).collect::<Result<_, _>>().map_err($crate::error::map)
            }
        }
    };
}
pub(crate) use impl_submission_store;
