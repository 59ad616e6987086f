//! Spreadsheet imports: the job table (`ImportJobStore`), the bulk lookups an import resolves
//! a whole file with, and the one transaction that writes it. Written once for both
//! backends, like `shared.rs`.

/// Keys per `IN (…)` list: far below SQLite's and PostgreSQL's bind limits, large enough
/// that a 100,000-row file needs a few hundred queries.
pub(crate) const CHUNK: usize = 500;

/// Runs `$sql` (with `{}` where the `IN` list goes) once per chunk of `$keys`, after the
/// `$fixed` binds, and decodes every row with `$decode`.
macro_rules! in_chunks {
    ($self:ident, $sql:literal, [$($fixed:expr),*], $keys:expr, $decode:path) => {{
        let fixed: usize = 0 $(+ { let _ = &$fixed; 1 })*;
        let mut out = Vec::new();
        for chunk in $keys.chunks($crate::imports::CHUNK) {
            let list: Vec<String> = (1..=chunk.len()).map(|i| format!("${}", i + fixed)).collect();
            let sql = format!($sql, list.join(","));
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            $(q = q.bind($fixed);)*
            for k in chunk {
                q = q.bind(k);
            }
            let rows = q.fetch_all($self.reader()).await.map_err($crate::error::map)?;
            for r in &rows {
                out.push($decode(r).map_err($crate::error::map)?);
            }
        }
        Ok(out)
    }};
}
pub(crate) use in_chunks;

macro_rules! impl_imports {
    ($store:ty, $row:ty, $conn:ty) => {
        fn import_job_row(r: &$row) -> Result<fengqiao_domain::model::ImportJob, sqlx::Error> {
            use fengqiao_domain::model::{ImportJob, ImportKind, ImportStatus};
            use sqlx::Row;
            let kind: String = r.try_get("kind")?;
            let status: String = r.try_get("status")?;
            let report: Option<String> = r.try_get("report")?;
            Ok(ImportJob {
                id: r.try_get("id")?,
                actor_id: r.try_get("actor_id")?,
                actor_name: r.try_get("actor_name")?,
                area_path: r.try_get("area_path")?,
                kind: ImportKind::parse(&kind).map_err(|_| sqlx::Error::Decode($crate::error::corrupt("import kind", &kind).into()))?,
                file_name: r.try_get("file_name")?,
                valid_rows_only: r.try_get("valid_rows_only")?,
                status: ImportStatus::parse(&status).ok_or_else(|| sqlx::Error::Decode($crate::error::corrupt("import status", &status).into()))?,
                rows_total: r.try_get("rows_total")?,
                rows_done: r.try_get("rows_done")?,
                outcome: report.and_then(|s| serde_json::from_str(&s).ok()),
                created_at: r.try_get("created_at")?,
                updated_at: r.try_get("updated_at")?,
            })
        }

        #[async_trait::async_trait]
        impl fengqiao_domain::ports::ImportJobStore for $store {
            async fn insert_import_job(&self, j: &fengqiao_domain::model::ImportJob) -> fengqiao_domain::Result<()> {
                $crate::shared::write_tx!(self, |tx| {
                    sqlx::query("INSERT INTO import_jobs (id, actor_id, actor_name, area_path, kind, file_name, valid_rows_only, status, rows_total, rows_done, report, created_at, updated_at) \
                                 VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)")
                        .bind(j.id).bind(j.actor_id).bind(&j.actor_name).bind(&j.area_path).bind(j.kind.as_str()).bind(&j.file_name).bind(j.valid_rows_only)
                        .bind(j.status.as_str()).bind(j.rows_total).bind(j.rows_done).bind(j.outcome.as_ref().and_then(|o| serde_json::to_string(o).ok()))
                        .bind(j.created_at).bind(j.updated_at)
                        .execute(&mut *tx).await?;
                })
            }

            async fn import_job(&self, id: uuid::Uuid) -> fengqiao_domain::Result<Option<fengqiao_domain::model::ImportJob>> {
                let row = sqlx::query("SELECT * FROM import_jobs WHERE id = $1").bind(id).fetch_optional(self.reader()).await.map_err($crate::error::map)?;
                row.as_ref().map(import_job_row).transpose().map_err($crate::error::map)
            }

            async fn import_jobs_of(&self, actor_id: uuid::Uuid, limit: i64) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::ImportJob>> {
                let rows = sqlx::query("SELECT * FROM import_jobs WHERE actor_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2")
                    .bind(actor_id).bind(limit).fetch_all(self.reader()).await.map_err($crate::error::map)?;
                rows.iter().map(import_job_row).collect::<Result<_, _>>().map_err($crate::error::map)
            }

            async fn update_import_job(&self, j: &fengqiao_domain::model::ImportJob) -> fengqiao_domain::Result<()> {
                $crate::shared::write_tx!(self, |tx| {
                    sqlx::query("UPDATE import_jobs SET status = $1, rows_total = $2, rows_done = $3, report = $4, updated_at = $5 WHERE id = $6")
                        .bind(j.status.as_str()).bind(j.rows_total).bind(j.rows_done).bind(j.outcome.as_ref().and_then(|o| serde_json::to_string(o).ok()))
                        .bind(j.updated_at).bind(j.id)
                        .execute(&mut *tx).await?;
                })
            }
        }

        impl $store {
            async fn residents_by_id_hashes_in(&self, hashes: &[String]) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::Resident>> {
                $crate::imports::in_chunks!(self, "SELECT * FROM residents WHERE id_hash IN ({})", [], hashes, registry_rows::resident)
            }

            async fn residents_of_households_in(&self, ids: &[uuid::Uuid]) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::Resident>> {
                $crate::imports::in_chunks!(self, "SELECT * FROM residents WHERE household_id IN ({}) ORDER BY id", [], ids, registry_rows::resident)
            }

            async fn households_by_ids_in(&self, ids: &[uuid::Uuid]) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::Household>> {
                $crate::imports::in_chunks!(self, "SELECT * FROM households WHERE id IN ({})", [], ids, registry_rows::household)
            }

            async fn households_at_in(&self, area_id: uuid::Uuid, addresses: &[String]) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::Household>> {
                $crate::imports::in_chunks!(self, "SELECT * FROM households WHERE area_id = $1 AND address IN ({}) ORDER BY id", [area_id], addresses, registry_rows::household)
            }

            async fn estates_named_in(&self, area_id: uuid::Uuid, names: &[String]) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::Estate>> {
                $crate::imports::in_chunks!(self, "SELECT * FROM estates WHERE area_id = $1 AND name IN ({})", [area_id], names, registry_rows::estate)
            }

            async fn buildings_named_in(&self, scope: &str, names: &[String]) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::Building>> {
                let upper = $crate::shared::prefix_upper(scope);
                $crate::imports::in_chunks!(self, "SELECT * FROM buildings WHERE area_path >= $1 AND area_path < $2 AND name IN ({}) ORDER BY id", [scope, &upper], names, registry_rows::building)
            }

            async fn entrances_of_buildings_in(&self, ids: &[uuid::Uuid]) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::Entrance>> {
                $crate::imports::in_chunks!(self, "SELECT * FROM entrances WHERE building_id IN ({}) ORDER BY name", [], ids, registry_rows::entrance)
            }

            async fn people_named_in(&self, scope: &str, names: &[String]) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::Person>> {
                let upper = $crate::shared::prefix_upper(scope);
                $crate::imports::in_chunks!(self, "SELECT * FROM people WHERE area_path >= $1 AND area_path < $2 AND name IN ({}) ORDER BY id", [scope, &upper], names, registry_rows::person)
            }

            async fn apply_import_in(&self, b: &fengqiao_domain::ports::RegistryBatch, u: &fengqiao_domain::ports::RegistryUpdates, audit: &[fengqiao_domain::model::NewAudit]) -> fengqiao_domain::Result<()> {
                use $crate::error::conflict_if_none;
                $crate::shared::write_tx!(self, |tx| {
                    insert_batch(&mut *tx, b).await?;
                    for (e, v) in &u.estates {
                        let done = sqlx::query("UPDATE estates SET name = $1, address = $2, property_company_id = $3, property_station_id = $4, version = $5, updated_at = $6 WHERE id = $7 AND version = $8")
                            .bind(&e.name).bind(&e.address).bind(e.property_company_id).bind(e.property_station_id).bind(e.version).bind(e.updated_at).bind(e.id).bind(v)
                            .execute(&mut *tx).await?;
                        conflict_if_none(done.rows_affected())?;
                    }
                    for (bl, v) in &u.buildings {
                        let done = sqlx::query("UPDATE buildings SET estate_id = $1, name = $2, address = $3, floors = $4, head_person_id = $5, version = $6, updated_at = $7 WHERE id = $8 AND version = $9")
                            .bind(bl.estate_id).bind(&bl.name).bind(&bl.address).bind(bl.floors).bind(bl.head_person_id).bind(bl.version).bind(bl.updated_at).bind(bl.id).bind(v)
                            .execute(&mut *tx).await?;
                        conflict_if_none(done.rows_affected())?;
                    }
                    for (r, v) in &u.residents {
                        save_resident(&mut *tx, r, *v).await?;
                    }
                    for (p, v) in &u.people {
                        let done = sqlx::query("UPDATE people SET name = $1, profession = $2, organisation = $3, phone_cipher = $4, phone_hash = $5, phone_masked = $6, \
                                                version = $7, updated_at = $8 WHERE id = $9 AND version = $10")
                            .bind(&p.name).bind(p.profession.map(|x| x.as_str())).bind(&p.organisation)
                            .bind(p.phone.as_ref().map(|x| &x.cipher)).bind(p.phone.as_ref().map(|x| &x.hash)).bind(p.phone.as_ref().map(|x| &x.masked))
                            .bind(p.version).bind(p.updated_at).bind(p.id).bind(v)
                            .execute(&mut *tx).await?;
                        conflict_if_none(done.rows_affected())?;
                    }
                    for en in &u.entrances {
                        let done = sqlx::query("UPDATE entrances SET name = $1, head_person_id = $2 WHERE id = $3 AND building_id = $4")
                            .bind(&en.name).bind(en.head_person_id).bind(en.id).bind(en.building_id)
                            .execute(&mut *tx).await?;
                        conflict_if_none(done.rows_affected())?;
                    }
                    for (person, list) in &u.assignments {
                        sqlx::query("DELETE FROM assignments WHERE person_id = $1").bind(person).execute(&mut *tx).await?;
                        for a in list {
                            sqlx::query("INSERT INTO assignments (person_id, area_id, area_path, created_at) VALUES ($1,$2,$3,$4)")
                                .bind(a.person_id).bind(a.area_id).bind(&a.area_path).bind(a.created_at)
                                .execute(&mut *tx).await?;
                        }
                    }
                    append_audit_in(&mut *tx, audit).await?;
                })
            }
        }
    };
}
pub(crate) use impl_imports;
