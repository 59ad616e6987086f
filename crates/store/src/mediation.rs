//! The mediation half of the store (`MediationStore`), written once for both backends like
//! `cases.rs`. Lists inside a row (a session's parties, an agreement's signatures) are JSON
//! text: they are read and written whole with their row and never queried on their own.

macro_rules! impl_mediation_store {
    ($store:ty, $row:ty, $conn:ty) => {
        mod mediation_rows {
            use fengqiao_domain::model::mediation::{Agreement, JudicialConfirmation, MediationSession, Mediator};
            use sqlx::Row;
            use $crate::registry::from_word;

            pub(crate) fn json<T: serde::de::DeserializeOwned>(r: &$row, col: &str) -> Result<T, sqlx::Error> {
                let text: String = r.try_get(col)?;
                serde_json::from_str(&text).map_err(|_| sqlx::Error::Decode($crate::error::corrupt(col, &text).into()))
            }

            pub(crate) fn mediator(r: &$row) -> Result<(uuid::Uuid, Mediator), sqlx::Error> {
                Ok((
                    r.try_get("session_id")?,
                    Mediator {
                        kind: from_word("kind", &r.try_get::<String, _>("kind")?)?,
                        user_id: r.try_get("user_id")?,
                        person_id: r.try_get("person_id")?,
                        name: r.try_get("name")?,
                    },
                ))
            }

            pub(crate) fn session(r: &$row) -> Result<MediationSession, sqlx::Error> {
                Ok(MediationSession {
                    id: r.try_get("id")?,
                    case_id: r.try_get("case_id")?,
                    held_at: r.try_get("held_at")?,
                    place: r.try_get("place")?,
                    mediators: Vec::new(),
                    party_ids: json(r, "party_ids")?,
                    others: json(r, "others")?,
                    record: r.try_get("record")?,
                    recorded_by: r.try_get("recorded_by")?,
                    recorded_by_name: r.try_get("recorded_by_name")?,
                    created_at: r.try_get("created_at")?,
                })
            }

            pub(crate) fn agreement(r: &$row) -> Result<Agreement, sqlx::Error> {
                Ok(Agreement {
                    case_id: r.try_get("case_id")?,
                    number: r.try_get("number")?,
                    committee: r.try_get("committee")?,
                    facts: r.try_get("facts")?,
                    terms: r.try_get("terms")?,
                    performance: r.try_get("performance")?,
                    performance_due: r.try_get("performance_due")?,
                    parties: json(r, "parties")?,
                    mediators: json(r, "mediators")?,
                    mediator_signed_at: r.try_get("mediator_signed_at")?,
                    effective_on: r.try_get("effective_on")?,
                    version: r.try_get("version")?,
                    created_at: r.try_get("created_at")?,
                    updated_at: r.try_get("updated_at")?,
                })
            }

            pub(crate) fn confirmation(r: &$row) -> Result<JudicialConfirmation, sqlx::Error> {
                let result: Option<String> = r.try_get("result")?;
                Ok(JudicialConfirmation {
                    case_id: r.try_get("case_id")?,
                    applied_on: r.try_get("applied_on")?,
                    court: r.try_get("court")?,
                    result: result.map(|s| from_word("result", &s)).transpose()?,
                    decided_on: r.try_get("decided_on")?,
                    note: r.try_get("note")?,
                    created_at: r.try_get("created_at")?,
                    updated_at: r.try_get("updated_at")?,
                })
            }
        }

        /// `$first, $first+1, …` for a list of `n` values bound in order.
        fn placeholders(first: usize, n: usize) -> String {
            (first..first + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
        }

        fn to_json<T: serde::Serialize>(v: &T) -> String {
            serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
        }

        #[async_trait::async_trait]
        impl fengqiao_domain::ports::MediationStore for $store {
            async fn insert_mediation_session(&self, s: &fengqiao_domain::model::mediation::MediationSession, area_path: &str, audit: &fengqiao_domain::model::NewAudit) -> fengqiao_domain::Result<()> {
                $crate::shared::write_tx!(self, |tx| {
                    sqlx::query(
                        "INSERT INTO mediation_sessions (id, case_id, area_path, held_at, place, party_ids, others, record, recorded_by, recorded_by_name, created_at) \
                         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
                    )
                    .bind(s.id).bind(s.case_id).bind(area_path).bind(s.held_at).bind(&s.place).bind(to_json(&s.party_ids)).bind(to_json(&s.others))
                    .bind(&s.record).bind(s.recorded_by).bind(&s.recorded_by_name).bind(s.created_at)
                    .execute(&mut *tx)
                    .await?;
                    for (i, m) in s.mediators.iter().enumerate() {
                        sqlx::query(
                            "INSERT INTO mediation_mediators (session_id, position, kind, user_id, person_id, name, area_path) VALUES ($1,$2,$3,$4,$5,$6,$7)",
                        )
                        .bind(s.id).bind(i as i32 + 1).bind(m.kind.as_str()).bind(m.user_id).bind(m.person_id).bind(&m.name).bind(area_path)
                        .execute(&mut *tx)
                        .await?;
                    }
                    append_audit_in(&mut *tx, std::slice::from_ref(audit)).await?;
                })
            }

            async fn case_sessions(&self, case_id: uuid::Uuid) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::mediation::MediationSession>> {
                let rows = sqlx::query("SELECT * FROM mediation_sessions WHERE case_id = $1 ORDER BY held_at, id").bind(case_id)
                    .fetch_all(self.reader()).await.map_err($crate::error::map)?;
                let mut sessions = rows.iter().map(mediation_rows::session).collect::<Result<Vec<_>, _>>().map_err($crate::error::map)?;
                let rows = sqlx::query(
                    "SELECT m.* FROM mediation_mediators m JOIN mediation_sessions s ON s.id = m.session_id WHERE s.case_id = $1 ORDER BY m.session_id, m.position",
                )
                .bind(case_id)
                .fetch_all(self.reader()).await.map_err($crate::error::map)?;
                for r in &rows {
                    let (sid, m) = mediation_rows::mediator(r).map_err($crate::error::map)?;
                    if let Some(s) = sessions.iter_mut().find(|s| s.id == sid) {
                        s.mediators.push(m);
                    }
                }
                Ok(sessions)
            }

            async fn agreement(&self, case_id: uuid::Uuid) -> fengqiao_domain::Result<Option<fengqiao_domain::model::mediation::Agreement>> {
                let row = sqlx::query("SELECT * FROM mediation_agreements WHERE case_id = $1").bind(case_id)
                    .fetch_optional(self.reader()).await.map_err($crate::error::map)?;
                row.as_ref().map(mediation_rows::agreement).transpose().map_err($crate::error::map)
            }

            async fn save_agreement(&self, a: &fengqiao_domain::model::mediation::Agreement, area_path: &str, expected_version: i64, audit: &fengqiao_domain::model::NewAudit) -> fengqiao_domain::Result<()> {
                $crate::shared::write_tx!(self, |tx| {
                    let done = if expected_version == 0 {
                        sqlx::query(
                            "INSERT INTO mediation_agreements (case_id, area_path, number, committee, facts, terms, performance, performance_due, parties, mediators, \
                             mediator_signed_at, effective_on, version, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15) \
                             ON CONFLICT (case_id) DO NOTHING",
                        )
                        .bind(a.case_id).bind(area_path).bind(&a.number).bind(&a.committee).bind(&a.facts).bind(&a.terms).bind(&a.performance)
                        .bind(a.performance_due).bind(to_json(&a.parties)).bind(to_json(&a.mediators)).bind(a.mediator_signed_at).bind(a.effective_on)
                        .bind(a.version).bind(a.created_at).bind(a.updated_at)
                        .execute(&mut *tx)
                        .await?
                    } else {
                        sqlx::query(
                            "UPDATE mediation_agreements SET number = $1, committee = $2, facts = $3, terms = $4, performance = $5, performance_due = $6, \
                             parties = $7, mediators = $8, mediator_signed_at = $9, effective_on = $10, version = $11, updated_at = $12 \
                             WHERE case_id = $13 AND version = $14",
                        )
                        .bind(&a.number).bind(&a.committee).bind(&a.facts).bind(&a.terms).bind(&a.performance).bind(a.performance_due)
                        .bind(to_json(&a.parties)).bind(to_json(&a.mediators)).bind(a.mediator_signed_at).bind(a.effective_on).bind(a.version)
                        .bind(a.updated_at).bind(a.case_id).bind(expected_version)
                        .execute(&mut *tx)
                        .await?
                    };
                    if done.rows_affected() == 0 {
                        return Err(fengqiao_domain::DomainError::Conflict("error-agreement-version-stale").into());
                    }
                    append_audit_in(&mut *tx, std::slice::from_ref(audit)).await?;
                })
            }

            async fn judicial_confirmation(&self, case_id: uuid::Uuid) -> fengqiao_domain::Result<Option<fengqiao_domain::model::mediation::JudicialConfirmation>> {
                let row = sqlx::query("SELECT * FROM judicial_confirmations WHERE case_id = $1").bind(case_id)
                    .fetch_optional(self.reader()).await.map_err($crate::error::map)?;
                row.as_ref().map(mediation_rows::confirmation).transpose().map_err($crate::error::map)
            }

            async fn insert_confirmation(&self, c: &fengqiao_domain::model::mediation::JudicialConfirmation, area_path: &str, audit: &fengqiao_domain::model::NewAudit) -> fengqiao_domain::Result<()> {
                $crate::shared::write_tx!(self, |tx| {
                    let done = sqlx::query(
                        "INSERT INTO judicial_confirmations (case_id, area_path, applied_on, court, result, decided_on, note, created_at, updated_at) \
                         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT (case_id) DO NOTHING",
                    )
                    .bind(c.case_id).bind(area_path).bind(c.applied_on).bind(&c.court).bind(c.result.map(|r| r.as_str())).bind(c.decided_on)
                    .bind(&c.note).bind(c.created_at).bind(c.updated_at)
                    .execute(&mut *tx)
                    .await?;
                    if done.rows_affected() == 0 {
                        return Err(fengqiao_domain::DomainError::Conflict("error-judicial-already-applied").into());
                    }
                    append_audit_in(&mut *tx, std::slice::from_ref(audit)).await?;
                })
            }

            async fn decide_confirmation(&self, c: &fengqiao_domain::model::mediation::JudicialConfirmation, audit: &fengqiao_domain::model::NewAudit) -> fengqiao_domain::Result<()> {
                $crate::shared::write_tx!(self, |tx| {
                    let done = sqlx::query(
                        "UPDATE judicial_confirmations SET result = $1, decided_on = $2, note = $3, updated_at = $4 WHERE case_id = $5 AND result IS NULL",
                    )
                    .bind(c.result.map(|r| r.as_str())).bind(c.decided_on).bind(&c.note).bind(c.updated_at).bind(c.case_id)
                    .execute(&mut *tx)
                    .await?;
                    if done.rows_affected() == 0 {
                        return Err(fengqiao_domain::DomainError::Conflict("error-judicial-already-decided").into());
                    }
                    append_audit_in(&mut *tx, std::slice::from_ref(audit)).await?;
                })
            }

            async fn mediator_accounts(&self, ancestors: &[String], below: &str) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::User>> {
                let sql = format!(
                    "SELECT * FROM users WHERE role = 'mediator' AND disabled = FALSE \
                     AND (home_area_path IN ({}) OR (home_area_path >= $1 AND home_area_path < $2)) ORDER BY display_name, id LIMIT 200",
                    if ancestors.is_empty() { "NULL".to_string() } else { placeholders(3, ancestors.len()) }
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(below).bind($crate::shared::prefix_upper(below));
                for a in ancestors {
                    q = q.bind(a);
                }
                let rows = q.fetch_all(self.reader()).await.map_err($crate::error::map)?;
                rows.iter().map(rows::user).collect::<Result<_, _>>().map_err($crate::error::map)
            }

            async fn mediator_people(&self, ancestors: &[String], below: &str) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::Person>> {
                let list = if ancestors.is_empty() { "NULL".to_string() } else { placeholders(3, ancestors.len()) };
                let sql = format!(
                    "SELECT * FROM people WHERE kind IN ('invited_mediator', 'volunteer_mediator') \
                     AND (area_path IN ({list}) OR (area_path >= $1 AND area_path < $2) \
                          OR id IN (SELECT person_id FROM assignments WHERE area_path IN ({list}))) ORDER BY kind, name, id LIMIT 200"
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(below).bind($crate::shared::prefix_upper(below));
                for a in ancestors {
                    q = q.bind(a);
                }
                let rows = q.fetch_all(self.reader()).await.map_err($crate::error::map)?;
                rows.iter().map(registry_rows::person).collect::<Result<_, _>>().map_err($crate::error::map)
            }
        }
    };
}
pub(crate) use impl_mediation_store;
