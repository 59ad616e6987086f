//! Writing case rows, for both backends (expanded inside `impl_case_store!`). Rows go in
//! as multi-row INSERTs: a batch of intakes or a district's imported history costs a few
//! statements, not a few per case.

macro_rules! case_writes {
    ($conn:ty) => {
        type Db = <$conn as sqlx::Connection>::Database;

        /// Rows per statement, under SQLite's 32,766 and PostgreSQL's 65,535 bind parameters
        /// (a case row has 38 columns).
        const ROWS_PER_INSERT: usize = 200;

        /// Takes `n` numbers of a district and year and returns the last. The upsert takes
        /// the counter row's lock (PostgreSQL) or runs under the single writer (SQLite), so
        /// two intakes never get the same number, and a rolled-back batch leaves no gap.
        async fn take_case_seqs(conn: &mut $conn, district_code: &str, year: i32, n: i64) -> Result<i64, sqlx::Error> {
            sqlx::query_scalar(
                "INSERT INTO case_counters (district_code, year, last_seq) VALUES ($1, $2, $3) \
                 ON CONFLICT (district_code, year) DO UPDATE SET last_seq = case_counters.last_seq + excluded.last_seq RETURNING last_seq",
            )
            .bind(district_code)
            .bind(year)
            .bind(n)
            .fetch_one(&mut *conn)
            .await
        }

        async fn insert_case_rows(conn: &mut $conn, cases: &[&fengqiao_domain::model::case::Case]) -> Result<(), sqlx::Error> {
            for chunk in cases.chunks(ROWS_PER_INSERT) {
                let mut q = sqlx::QueryBuilder::<Db>::new(
                    "INSERT INTO cases (id, number, kind, category, title, description, area_id, area_path, area_level, handling_path, \
                     address, point_lon, point_lat, channel, risk, reporter_id, reporter_name, status, outcome, handling_level, \
                     received_from_level, resolved_level, handler_id, handler_name, concluded_by, verified_by, satisfaction, partner_room, \
                     reopened, version, created_at, accepted_at, concluded_at, closed_at, updated_at, deadline, supervision, pending_extension, dissatisfied_follow_ups) ",
                );
                q.push_values(chunk, |mut b, c| {
                    b.push_bind(c.id).push_bind(c.number.as_str()).push_bind(c.kind.as_str()).push_bind(c.category.as_str())
                        .push_bind(&c.title).push_bind(&c.description)
                        .push_bind(c.area_id).push_bind(&c.area_path).push_bind(c.area_level.as_str()).push_bind(c.handling_area_path())
                        .push_bind(&c.address).push_bind(c.point.map(|p| p.lon)).push_bind(c.point.map(|p| p.lat))
                        .push_bind(c.channel.as_str()).push_bind(c.risk.as_str())
                        .push_bind(c.reporter_id).push_bind(&c.reporter_name).push_bind(c.status.as_str()).push_bind(c.outcome.map(|o| o.as_str()))
                        .push_bind(c.handling_level.as_str())
                        .push_bind(c.received_from_level.map(|l| l.as_str())).push_bind(c.resolved_level.map(|l| l.as_str()))
                        .push_bind(c.handler_id).push_bind(&c.handler_name)
                        .push_bind(c.concluded_by).push_bind(c.verified_by).push_bind(c.satisfaction.map(|s| s.as_str())).push_bind(c.partner_room.map(|r| r.as_str()))
                        .push_bind(c.reopened).push_bind(c.version).push_bind(c.created_at).push_bind(c.accepted_at).push_bind(c.concluded_at)
                        .push_bind(c.closed_at).push_bind(c.updated_at).push_bind(c.deadline)
                        .push_bind(case_rows::json_of(&c.supervision)).push_bind(case_rows::json_of(&c.pending_extension))
                        .push_bind(c.dissatisfied_follow_ups);
                });
                q.build().execute(&mut *conn).await?;
            }
            Ok(())
        }

        /// A case's parties, each with its 1-based position in the case.
        async fn insert_party_rows(
            conn: &mut $conn,
            parties: &[(&fengqiao_domain::model::case::Case, &[fengqiao_domain::model::case::Party])],
        ) -> Result<(), sqlx::Error> {
            let rows: Vec<_> = parties
                .iter()
                .flat_map(|(case, ps)| ps.iter().enumerate().map(move |(i, p)| (*case, p, i as i32 + 1)))
                .collect();
            for chunk in rows.chunks(ROWS_PER_INSERT) {
                let mut q = sqlx::QueryBuilder::<Db>::new(
                    "INSERT INTO case_parties (id, case_id, position, role, kind, resident_id, name, id_cipher, id_hash, id_masked, \
                     phone_cipher, phone_hash, phone_masked, area_path, created_at) ",
                );
                q.push_values(chunk, |mut b, (case, p, position)| {
                    let id = p.id_number.as_ref();
                    let phone = p.phone.as_ref();
                    b.push_bind(p.id).push_bind(case.id).push_bind(*position).push_bind(p.role.as_str()).push_bind(p.kind.as_str())
                        .push_bind(p.resident_id).push_bind(&p.name)
                        .push_bind(id.map(|x| x.cipher.clone())).push_bind(id.map(|x| x.hash.clone())).push_bind(id.map(|x| x.masked.clone()))
                        .push_bind(phone.map(|x| x.cipher.clone())).push_bind(phone.map(|x| x.hash.clone())).push_bind(phone.map(|x| x.masked.clone()))
                        .push_bind(case.area_path.clone()).push_bind(p.created_at);
                });
                q.build().execute(&mut *conn).await?;
            }
            Ok(())
        }

        async fn insert_entries(conn: &mut $conn, entries: &[&fengqiao_domain::model::case::TimelineEntry]) -> Result<(), sqlx::Error> {
            for chunk in entries.chunks(ROWS_PER_INSERT) {
                let mut q = sqlx::QueryBuilder::<Db>::new(
                    "INSERT INTO case_timeline (case_id, version, at, actor_id, actor_name, kind, from_status, to_status, from_level, to_level, note, action, deadline) ",
                );
                q.push_values(chunk, |mut b, e| {
                    b.push_bind(e.case_id).push_bind(e.version).push_bind(e.at).push_bind(e.actor_id).push_bind(&e.actor_name)
                        .push_bind(e.kind.as_str()).push_bind(e.from_status.map(|s| s.as_str())).push_bind(e.to_status.as_str())
                        .push_bind(e.from_level.map(|l| l.as_str())).push_bind(e.to_level.as_str()).push_bind(&e.note)
                        .push_bind(e.action.as_ref().and_then(|a| serde_json::to_string(a).ok())).push_bind(e.deadline);
                });
                q.build().execute(&mut *conn).await?;
            }
            Ok(())
        }

        /// The submissions of cases brought in from outside, beside their cases.
        async fn insert_submission_rows(conn: &mut $conn, subs: &[&fengqiao_domain::model::submission::Submission]) -> Result<(), sqlx::Error> {
            for chunk in subs.chunks(ROWS_PER_INSERT) {
                let mut q = sqlx::QueryBuilder::<Db>::new(
                    "INSERT INTO case_submissions (case_id, token, source, api_key_id, name_cipher, name_hash, name_masked, \
                     phone_cipher, phone_hash, phone_masked, consent_at, media_url, rating, rated_at, created_at) ",
                );
                q.push_values(chunk, |mut b, s| {
                    let name = s.contact_name.as_ref();
                    let phone = s.contact_phone.as_ref();
                    b.push_bind(s.case_id).push_bind(s.token.as_str()).push_bind(s.source.as_str()).push_bind(s.api_key_id)
                        .push_bind(name.map(|x| x.cipher.clone())).push_bind(name.map(|x| x.hash.clone())).push_bind(name.map(|x| x.masked.clone()))
                        .push_bind(phone.map(|x| x.cipher.clone())).push_bind(phone.map(|x| x.hash.clone())).push_bind(phone.map(|x| x.masked.clone()))
                        .push_bind(s.consent_at).push_bind(&s.media_url).push_bind(s.rating.map(|r| r.as_str())).push_bind(s.rated_at).push_bind(s.created_at);
                });
                q.build().execute(&mut *conn).await?;
            }
            Ok(())
        }

        async fn insert_entry(conn: &mut $conn, e: &fengqiao_domain::model::case::TimelineEntry) -> Result<(), sqlx::Error> {
            insert_entries(conn, &[e]).await
        }

        /// One transaction's worth of intakes: numbers per district and year in one upsert
        /// each, then every row of every case. Returns the cases as stored, in job order.
        async fn write_intake_batch(conn: &mut $conn, jobs: &[$crate::intake_queue::Job]) -> Result<Vec<fengqiao_domain::model::case::Case>, $crate::shared::TxError> {
            let mut counters: Vec<((&str, i32), i64)> = Vec::new();
            for j in jobs {
                let key = (j.intake.district_code.as_str(), j.intake.year);
                match counters.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, n)) => *n += 1,
                    None => counters.push((key, 1)),
                }
            }
            // Next number to hand out per district and year, in the order jobs arrived.
            let mut next = Vec::with_capacity(counters.len());
            for ((district, year), n) in &counters {
                let last = take_case_seqs(&mut *conn, district, *year, *n).await?;
                next.push(((*district, *year), last - n + 1));
            }
            let mut cases = Vec::with_capacity(jobs.len());
            let mut audits = Vec::with_capacity(jobs.len());
            for j in jobs {
                let key = (j.intake.district_code.as_str(), j.intake.year);
                let seq = next.iter_mut().find(|(k, _)| *k == key).map(|(_, s)| s).expect("every key was counted");
                let mut case = j.intake.case.clone();
                case.number = fengqiao_domain::model::case::CaseNumber::compose(key.0, key.1, *seq as u64)?;
                *seq += 1;
                let mut audit = j.audit.clone();
                if let Some(serde_json::Value::Object(after)) = audit.after.as_mut() {
                    after.insert("number".into(), serde_json::Value::String(case.number.to_string()));
                }
                cases.push(case);
                audits.push(audit);
            }
            insert_case_rows(&mut *conn, &cases.iter().collect::<Vec<_>>()).await?;
            let parties: Vec<_> = cases.iter().zip(jobs).map(|(c, j)| (c, j.intake.parties.as_slice())).collect();
            insert_party_rows(&mut *conn, &parties).await?;
            insert_entries(&mut *conn, &jobs.iter().map(|j| &j.intake.entry).collect::<Vec<_>>()).await?;
            insert_submission_rows(&mut *conn, &jobs.iter().filter_map(|j| j.intake.submission.as_ref()).collect::<Vec<_>>()).await?;
            let mark = overdue_mark_in(&mut *conn).await?;
            let mut stats = fengqiao_domain::rules::case_stats::StatsDelta::default();
            for c in &cases {
                stats.add_case(c, 1, mark);
            }
            // Sums before the audit head, as every case write does: one lock order for all
            // writers, so two transactions never wait on each other's locks (PostgreSQL).
            apply_stats_in(&mut *conn, &stats).await?;
            append_audit_in(&mut *conn, &audits).await?;
            Ok(cases)
        }
    };
}
pub(crate) use case_writes;
