//! The cases half of the store (`CaseStore`), written once for both backends like
//! `shared.rs`.

macro_rules! impl_case_store {
    ($store:ty, $row:ty, $conn:ty) => {
        $crate::cases_rows::case_rows!($row);

        $crate::cases_write::case_writes!($conn);

        /// Writes a case's workflow state if it is still at `expected_version`; false if it moved.
        /// The figures move in the same transaction: the case as it stood is read first (at
        /// the expected version, or the step loses as it would to the version check).
        async fn update_case_in(conn: &mut $conn, c: &fengqiao_domain::model::case::Case, expected_version: i64) -> Result<bool, sqlx::Error> {
            let old = sqlx::query("SELECT * FROM cases WHERE id = $1").bind(c.id).fetch_optional(&mut *conn).await?;
            let Some(old) = old.as_ref().map(case_rows::case).transpose()? else { return Ok(false) };
            if old.version != expected_version {
                return Ok(false);
            }
            let done = sqlx::query(
                "UPDATE cases SET handling_path = $1, status = $2, outcome = $3, handling_level = $4, received_from_level = $5, resolved_level = $6, \
                 handler_id = $7, handler_name = $8, concluded_by = $9, verified_by = $10, satisfaction = $11, partner_room = $12, reopened = $13, \
                 version = $14, accepted_at = $15, concluded_at = $16, closed_at = $17, updated_at = $18, deadline = $19, \
                 supervision = $22, pending_extension = $23, dissatisfied_follow_ups = $24 \
                 WHERE id = $20 AND version = $21",
            )
            .bind(c.handling_area_path()).bind(c.status.as_str()).bind(c.outcome.map(|o| o.as_str())).bind(c.handling_level.as_str())
            .bind(c.received_from_level.map(|l| l.as_str())).bind(c.resolved_level.map(|l| l.as_str())).bind(c.handler_id).bind(&c.handler_name)
            .bind(c.concluded_by).bind(c.verified_by).bind(c.satisfaction.map(|s| s.as_str())).bind(c.partner_room.map(|r| r.as_str()))
            .bind(c.reopened).bind(c.version).bind(c.accepted_at).bind(c.concluded_at).bind(c.closed_at).bind(c.updated_at).bind(c.deadline)
            .bind(c.id).bind(expected_version)
            .bind(case_rows::json_of(&c.supervision)).bind(case_rows::json_of(&c.pending_extension)).bind(c.dissatisfied_follow_ups)
            .execute(&mut *conn)
            .await?;
            if done.rows_affected() == 0 {
                return Ok(false);
            }
            let mark = overdue_mark_in(&mut *conn).await?;
            apply_stats_in(&mut *conn, &fengqiao_domain::rules::case_stats::StatsDelta::transition(&old, c, mark)).await?;
            Ok(true)
        }

        #[async_trait::async_trait]
        impl fengqiao_domain::ports::CaseStore for $store {
            async fn insert_case(&self, intake: &fengqiao_domain::ports::CaseIntake, audit: &fengqiao_domain::model::NewAudit) -> fengqiao_domain::Result<fengqiao_domain::model::case::Case> {
                self.intakes.submit(self, intake.clone(), audit.clone()).await
            }

            async fn import_case_histories(&self, batch: &fengqiao_domain::ports::CaseHistories, audit: &fengqiao_domain::model::NewAudit) -> fengqiao_domain::Result<()> {
                $crate::shared::write_tx!(self, |tx| {
                    insert_case_rows(&mut *tx, &batch.cases.iter().map(|h| &h.case).collect::<Vec<_>>()).await?;
                    let parties: Vec<_> = batch.cases.iter().map(|h| (&h.case, h.parties.as_slice())).collect();
                    insert_party_rows(&mut *tx, &parties).await?;
                    insert_entries(&mut *tx, &batch.cases.iter().flat_map(|h| &h.timeline).collect::<Vec<_>>()).await?;
                    let mark = overdue_mark_in(&mut *tx).await?;
                    let mut stats = fengqiao_domain::rules::case_stats::StatsDelta::default();
                    for h in &batch.cases {
                        stats.add_case(&h.case, 1, mark);
                    }
                    apply_stats_in(&mut *tx, &stats).await?;
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
                let sql = format!("SELECT * FROM cases WHERE {} ORDER BY id DESC LIMIT $15", $crate::case_ledger::case_filter_sql(&q.scope));
                let query = sqlx::query(sqlx::AssertSqlSafe(sql));
                let rows = $crate::case_ledger::bind_case_filter!(query, q).bind(q.limit).fetch_all(self.reader()).await.map_err($crate::error::map)?;
                rows.iter().map(case_rows::case).collect::<Result<_, _>>().map_err($crate::error::map)
            }

            async fn case_parties(&self, case_id: uuid::Uuid) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::case::Party>> {
                let rows = sqlx::query("SELECT * FROM case_parties WHERE case_id = $1 ORDER BY position").bind(case_id)
                    .fetch_all(self.reader()).await.map_err($crate::error::map)?;
                rows.iter().map(case_rows::party).collect::<Result<_, _>>().map_err($crate::error::map)
            }

            async fn parties_after(&self, after: Option<uuid::Uuid>, limit: i64) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::case::Party>> {
                // Not `($1 IS NULL OR id > $1)`: with the OR SQLite walks the index from the start
                // for every page.
                let query = match after {
                    Some(id) => sqlx::query("SELECT * FROM case_parties WHERE id > $1 ORDER BY id LIMIT $2").bind(id),
                    None => sqlx::query("SELECT * FROM case_parties ORDER BY id LIMIT $1"),
                };
                let rows = query.bind(limit).fetch_all(self.reader()).await.map_err($crate::error::map)?;
                rows.iter().map(case_rows::party).collect::<Result<_, _>>().map_err($crate::error::map)
            }

            async fn case_timeline(&self, case_id: uuid::Uuid) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::case::TimelineEntry>> {
                let rows = sqlx::query("SELECT * FROM case_timeline WHERE case_id = $1 ORDER BY version").bind(case_id)
                    .fetch_all(self.reader()).await.map_err($crate::error::map)?;
                rows.iter().map(case_rows::entry).collect::<Result<_, _>>().map_err($crate::error::map)
            }
        }

        impl $crate::intake_queue::IntakeWriter for $store {
            /// One transaction for the batch; if it fails, each intake alone, so that one
            /// bad intake (or a constraint it alone breaks) fails only its own caller.
            async fn write_intakes(&self, jobs: Vec<$crate::intake_queue::Job>) {
                let batch = $crate::shared::write_tx!(self, |tx| { write_intake_batch(&mut *tx, &jobs).await? });
                match batch {
                    Ok(cases) => {
                        for (job, case) in jobs.into_iter().zip(cases) {
                            let _ = job.reply.send(Ok(case));
                        }
                    }
                    Err(e) if jobs.len() == 1 => {
                        let job = jobs.into_iter().next().expect("one job");
                        let _ = job.reply.send(Err(e));
                    }
                    Err(_) => {
                        for job in jobs {
                            let one = std::slice::from_ref(&job);
                            let result = $crate::shared::write_tx!(self, |tx| { write_intake_batch(&mut *tx, one).await? });
                            let _ = job.reply.send(result.map(|mut cases| cases.remove(0)));
                        }
                    }
                }
            }
        }
    };
}
pub(crate) use impl_case_store;
