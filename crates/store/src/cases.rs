//! The cases half of the store (`CaseStore`), written once for both backends like
//! `shared.rs`.

macro_rules! impl_case_store {
    ($store:ty, $row:ty, $conn:ty) => {
        $crate::cases_rows::case_rows!($row);

        /// The next number of a district and year. The upsert takes the counter row's lock
        /// (PostgreSQL) or runs under the single writer (SQLite), so two intakes never get
        /// the same number, and a rolled-back intake leaves no gap.
        async fn next_case_seq(conn: &mut $conn, district_code: &str, year: i32) -> Result<i64, sqlx::Error> {
            sqlx::query_scalar(
                "INSERT INTO case_counters (district_code, year, last_seq) VALUES ($1, $2, 1) \
                 ON CONFLICT (district_code, year) DO UPDATE SET last_seq = case_counters.last_seq + 1 RETURNING last_seq",
            )
            .bind(district_code)
            .bind(year)
            .fetch_one(&mut *conn)
            .await
        }

        async fn insert_case_row(conn: &mut $conn, c: &fengqiao_domain::model::case::Case) -> Result<(), sqlx::Error> {
            sqlx::query(
                "INSERT INTO cases (id, number, kind, category, title, description, area_id, area_path, area_level, handling_path, \
                 address, point_lon, point_lat, channel, risk, reporter_id, reporter_name, status, outcome, handling_level, \
                 received_from_level, resolved_level, handler_id, handler_name, concluded_by, verified_by, satisfaction, partner_room, \
                 reopened, version, created_at, accepted_at, concluded_at, closed_at, updated_at, deadline, supervision, pending_extension) \
                 VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,$27,$28,$29,$30,$31,$32,$33,$34,$35,$36,$37,$38)",
            )
            .bind(c.id).bind(c.number.as_str()).bind(c.kind.as_str()).bind(c.category.as_str()).bind(&c.title).bind(&c.description)
            .bind(c.area_id).bind(&c.area_path).bind(c.area_level.as_str()).bind(c.handling_area_path())
            .bind(&c.address).bind(c.point.map(|p| p.lon)).bind(c.point.map(|p| p.lat)).bind(c.channel.as_str()).bind(c.risk.as_str())
            .bind(c.reporter_id).bind(&c.reporter_name).bind(c.status.as_str()).bind(c.outcome.map(|o| o.as_str())).bind(c.handling_level.as_str())
            .bind(c.received_from_level.map(|l| l.as_str())).bind(c.resolved_level.map(|l| l.as_str())).bind(c.handler_id).bind(&c.handler_name)
            .bind(c.concluded_by).bind(c.verified_by).bind(c.satisfaction.map(|s| s.as_str())).bind(c.partner_room.map(|r| r.as_str()))
            .bind(c.reopened).bind(c.version).bind(c.created_at).bind(c.accepted_at).bind(c.concluded_at).bind(c.closed_at).bind(c.updated_at).bind(c.deadline)
            .bind(case_rows::json_of(&c.supervision)).bind(case_rows::json_of(&c.pending_extension))
            .execute(&mut *conn)
            .await?;
            Ok(())
        }

        async fn insert_party(conn: &mut $conn, case: &fengqiao_domain::model::case::Case, p: &fengqiao_domain::model::case::Party, index: usize) -> Result<(), sqlx::Error> {
            sqlx::query(
                "INSERT INTO case_parties (id, case_id, position, role, kind, resident_id, name, id_cipher, id_hash, id_masked, \
                 phone_cipher, phone_hash, phone_masked, area_path, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)",
            )
            .bind(p.id).bind(case.id).bind(index as i32 + 1).bind(p.role.as_str()).bind(p.kind.as_str()).bind(p.resident_id).bind(&p.name)
            .bind(p.id_number.as_ref().map(|x| &x.cipher)).bind(p.id_number.as_ref().map(|x| &x.hash)).bind(p.id_number.as_ref().map(|x| &x.masked))
            .bind(p.phone.as_ref().map(|x| &x.cipher)).bind(p.phone.as_ref().map(|x| &x.hash)).bind(p.phone.as_ref().map(|x| &x.masked))
            .bind(&case.area_path).bind(p.created_at)
            .execute(&mut *conn)
            .await?;
            Ok(())
        }

        async fn insert_entry(conn: &mut $conn, e: &fengqiao_domain::model::case::TimelineEntry) -> Result<(), sqlx::Error> {
            sqlx::query(
                "INSERT INTO case_timeline (case_id, version, at, actor_id, actor_name, kind, from_status, to_status, from_level, to_level, note, action, deadline) \
                 VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)",
            )
            .bind(e.case_id).bind(e.version).bind(e.at).bind(e.actor_id).bind(&e.actor_name).bind(e.kind.as_str())
            .bind(e.from_status.map(|s| s.as_str())).bind(e.to_status.as_str()).bind(e.from_level.map(|l| l.as_str())).bind(e.to_level.as_str())
            .bind(&e.note).bind(e.action.as_ref().and_then(|a| serde_json::to_string(a).ok())).bind(e.deadline)
            .execute(&mut *conn)
            .await?;
            Ok(())
        }

        /// Writes a case's workflow state if it is still at `expected_version`; false if it moved.
        async fn update_case_in(conn: &mut $conn, c: &fengqiao_domain::model::case::Case, expected_version: i64) -> Result<bool, sqlx::Error> {
            let done = sqlx::query(
                "UPDATE cases SET handling_path = $1, status = $2, outcome = $3, handling_level = $4, received_from_level = $5, resolved_level = $6, \
                 handler_id = $7, handler_name = $8, concluded_by = $9, verified_by = $10, satisfaction = $11, partner_room = $12, reopened = $13, \
                 version = $14, accepted_at = $15, concluded_at = $16, closed_at = $17, updated_at = $18, deadline = $19, \
                 supervision = $22, pending_extension = $23 \
                 WHERE id = $20 AND version = $21",
            )
            .bind(c.handling_area_path()).bind(c.status.as_str()).bind(c.outcome.map(|o| o.as_str())).bind(c.handling_level.as_str())
            .bind(c.received_from_level.map(|l| l.as_str())).bind(c.resolved_level.map(|l| l.as_str())).bind(c.handler_id).bind(&c.handler_name)
            .bind(c.concluded_by).bind(c.verified_by).bind(c.satisfaction.map(|s| s.as_str())).bind(c.partner_room.map(|r| r.as_str()))
            .bind(c.reopened).bind(c.version).bind(c.accepted_at).bind(c.concluded_at).bind(c.closed_at).bind(c.updated_at).bind(c.deadline)
            .bind(c.id).bind(expected_version)
            .bind(case_rows::json_of(&c.supervision)).bind(case_rows::json_of(&c.pending_extension))
            .execute(&mut *conn)
            .await?;
            Ok(done.rows_affected() > 0)
        }

        #[async_trait::async_trait]
        impl fengqiao_domain::ports::CaseStore for $store {
            async fn insert_case(&self, intake: &fengqiao_domain::ports::CaseIntake, audit: &fengqiao_domain::model::NewAudit) -> fengqiao_domain::Result<fengqiao_domain::model::case::Case> {
                $crate::shared::write_tx!(self, |tx| {
                    let seq = next_case_seq(&mut *tx, &intake.district_code, intake.year).await?;
                    let mut case = intake.case.clone();
                    case.number = fengqiao_domain::model::case::CaseNumber::compose(&intake.district_code, intake.year, seq as u64)?;
                    insert_case_row(&mut *tx, &case).await?;
                    for (i, p) in intake.parties.iter().enumerate() {
                        insert_party(&mut *tx, &case, p, i).await?;
                    }
                    insert_entry(&mut *tx, &intake.entry).await?;
                    let mut audit = audit.clone();
                    if let Some(serde_json::Value::Object(after)) = audit.after.as_mut() {
                        after.insert("number".into(), serde_json::Value::String(case.number.to_string()));
                    }
                    append_audit_in(&mut *tx, std::slice::from_ref(&audit)).await?;
                    case
                })
            }

            async fn import_case_histories(&self, batch: &fengqiao_domain::ports::CaseHistories, audit: &fengqiao_domain::model::NewAudit) -> fengqiao_domain::Result<()> {
                $crate::shared::write_tx!(self, |tx| {
                    for h in &batch.cases {
                        insert_case_row(&mut *tx, &h.case).await?;
                        for (i, p) in h.parties.iter().enumerate() {
                            insert_party(&mut *tx, &h.case, p, i).await?;
                        }
                        for e in &h.timeline {
                            insert_entry(&mut *tx, e).await?;
                        }
                    }
                    // Raised, never lowered: numbers taken in before the import stay taken.
                    for (district, year, seq) in &batch.counters {
                        sqlx::query(
                            "INSERT INTO case_counters (district_code, year, last_seq) VALUES ($1, $2, $3) \
                             ON CONFLICT (district_code, year) DO UPDATE SET last_seq = \
                             CASE WHEN excluded.last_seq > case_counters.last_seq THEN excluded.last_seq ELSE case_counters.last_seq END",
                        )
                        .bind(district).bind(*year).bind(*seq)
                        .execute(&mut *tx)
                        .await?;
                    }
                    append_audit_in(&mut *tx, std::slice::from_ref(audit)).await?;
                })
            }

            async fn save_transition(&self, c: &fengqiao_domain::model::case::Case, expected_version: i64, entry: &fengqiao_domain::model::case::TimelineEntry, audit: &fengqiao_domain::model::NewAudit) -> fengqiao_domain::Result<()> {
                $crate::shared::write_tx!(self, |tx| {
                    if !update_case_in(&mut *tx, c, expected_version).await? {
                        return Err(fengqiao_domain::DomainError::Conflict("error-case-version-stale").into());
                    }
                    insert_entry(&mut *tx, entry).await?;
                    append_audit_in(&mut *tx, std::slice::from_ref(audit)).await?;
                })
            }

            async fn case_by_id(&self, id: uuid::Uuid) -> fengqiao_domain::Result<Option<fengqiao_domain::model::case::Case>> {
                let row = sqlx::query("SELECT * FROM cases WHERE id = $1").bind(id).fetch_optional(self.reader()).await.map_err($crate::error::map)?;
                row.as_ref().map(case_rows::case).transpose().map_err($crate::error::map)
            }

            async fn case_by_number(&self, number: &fengqiao_domain::model::case::CaseNumber) -> fengqiao_domain::Result<Option<fengqiao_domain::model::case::Case>> {
                let row = sqlx::query("SELECT * FROM cases WHERE number = $1").bind(number.as_str()).fetch_optional(self.reader()).await.map_err($crate::error::map)?;
                row.as_ref().map(case_rows::case).transpose().map_err($crate::error::map)
            }

            async fn cases(&self, q: &fengqiao_domain::ports::CaseQuery) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::case::Case>> {
                use fengqiao_domain::ports::CaseScope;
                // One text per scope, so each uses its own index; every value is bound.
                let scope = match &q.scope {
                    CaseScope::Area(_) => "area_path >= $1 AND area_path < $2",
                    CaseScope::Handling(_) => "handling_path = $1 AND $2 IS NOT NULL",
                };
                let (path, upper) = match &q.scope {
                    CaseScope::Area(p) => (p.as_str(), $crate::shared::prefix_upper(p)),
                    CaseScope::Handling(p) => (p.as_str(), String::new()),
                };
                let sql = format!(
                    "SELECT * FROM cases WHERE {scope} AND ($3 IS NULL OR status = $3) AND ($4 IS NULL OR kind = $4) \
                     AND ($5 IS NULL OR category = $5 OR substr(category, 1, length($5) + 1) = $5 || '.') \
                     AND ($6 IS NULL OR handler_id = $6) \
                     AND ($7 IS NULL OR (deadline < $7 AND status NOT IN ('concluded','verified','followed_up','closed','declined'))) \
                     AND ($8 IS NULL OR id < $8) AND ($10 IS NULL OR handling_level = $10) \
                     AND ($11 IS NULL OR created_at >= $11) AND ($12 IS NULL OR created_at < $12) \
                     AND ($13 = 0 OR supervision IS NOT NULL) AND ($14 = 0 OR pending_extension IS NOT NULL) \
                     AND ($15 = 0 OR status NOT IN ('closed','declined')) ORDER BY id DESC LIMIT $9"
                );
                let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(path).bind(upper).bind(q.status.map(|s| s.as_str())).bind(q.kind.map(|k| k.as_str())).bind(&q.category)
                    .bind(q.handler_id).bind(q.overdue_at).bind(q.before).bind(q.limit)
                    .bind(q.level.map(|l| l.as_str())).bind(q.taken_in_from).bind(q.taken_in_before)
                    .bind(i32::from(q.supervised)).bind(i32::from(q.extension_pending)).bind(i32::from(q.open_only))
                    .fetch_all(self.reader()).await.map_err($crate::error::map)?;
                rows.iter().map(case_rows::case).collect::<Result<_, _>>().map_err($crate::error::map)
            }

            async fn case_parties(&self, case_id: uuid::Uuid) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::case::Party>> {
                let rows = sqlx::query("SELECT * FROM case_parties WHERE case_id = $1 ORDER BY position").bind(case_id)
                    .fetch_all(self.reader()).await.map_err($crate::error::map)?;
                rows.iter().map(case_rows::party).collect::<Result<_, _>>().map_err($crate::error::map)
            }

            async fn parties_after(&self, after: Option<uuid::Uuid>, limit: i64) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::case::Party>> {
                let rows = sqlx::query("SELECT * FROM case_parties WHERE ($1 IS NULL OR id > $1) ORDER BY id LIMIT $2").bind(after).bind(limit)
                    .fetch_all(self.reader()).await.map_err($crate::error::map)?;
                rows.iter().map(case_rows::party).collect::<Result<_, _>>().map_err($crate::error::map)
            }

            async fn case_timeline(&self, case_id: uuid::Uuid) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::case::TimelineEntry>> {
                let rows = sqlx::query("SELECT * FROM case_timeline WHERE case_id = $1 ORDER BY version").bind(case_id)
                    .fetch_all(self.reader()).await.map_err($crate::error::map)?;
                rows.iter().map(case_rows::entry).collect::<Result<_, _>>().map_err($crate::error::map)
            }
        }
    };
}
pub(crate) use impl_case_store;
