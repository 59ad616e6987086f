//! Case settings (`CaseSettingsStore`) and the workload counts (`WorkloadStore`), written once
//! for both backends like `shared.rs`. Every settings write raises the one-row version in its
//! own transaction, which also serialises concurrent settings writes.

macro_rules! impl_case_settings_store {
    ($store:ty, $row:ty, $conn:ty) => {
        mod case_settings_rows {
            use fengqiao_domain::model::case::{CaseKind, Category, CategoryCode, HandlingLevel};
            use fengqiao_domain::rules::calendar::{CalendarDay, DayKind};
            use fengqiao_domain::rules::deadline::DeadlineLimit;
            use sqlx::Row;

            fn bad(what: &str, v: &str) -> sqlx::Error {
                sqlx::Error::Decode($crate::error::corrupt(what, v).into())
            }

            pub(crate) fn category(r: &$row) -> Result<Category, sqlx::Error> {
                let kind: String = r.try_get("kind")?;
                let code: String = r.try_get("code")?;
                Ok(Category {
                    kind: CaseKind::parse(&kind).map_err(|_| bad("case kind", &kind))?,
                    code: CategoryCode::parse(&code).map_err(|_| bad("category code", &code))?,
                    name_zh: r.try_get("name_zh")?,
                    name_en: r.try_get("name_en")?,
                    retired: r.try_get("retired")?,
                })
            }

            pub(crate) fn limit(r: &$row) -> Result<DeadlineLimit, sqlx::Error> {
                let kind: String = r.try_get("kind")?;
                let category: String = r.try_get("category")?;
                let level: String = r.try_get("level")?;
                let days: i64 = r.try_get::<i32, _>("working_days")?.into();
                Ok(DeadlineLimit {
                    kind: CaseKind::parse(&kind).map_err(|_| bad("case kind", &kind))?,
                    category: if category.is_empty() {
                        None
                    } else {
                        Some(CategoryCode::parse(&category).map_err(|_| bad("category code", &category))?)
                    },
                    level: HandlingLevel::parse(&level).map_err(|_| bad("level", &level))?,
                    working_days: u32::try_from(days).map_err(|_| bad("working days", &days.to_string()))?,
                })
            }

            pub(crate) fn day(r: &$row) -> Result<(i32, CalendarDay), sqlx::Error> {
                let kind: String = r.try_get("kind")?;
                let kind = match kind.as_str() {
                    "holiday" => DayKind::Holiday,
                    "workday" => DayKind::Workday,
                    other => return Err(bad("calendar day kind", other)),
                };
                Ok((r.try_get("year")?, CalendarDay { date: r.try_get("date")?, kind, name_zh: r.try_get("name_zh")?, name_en: r.try_get("name_en")? }))
            }
        }

        async fn bump_settings_version(conn: &mut $conn, expected: Option<i64>) -> Result<i64, $crate::shared::TxError> {
            let v: Option<i64> = sqlx::query_scalar(
                "UPDATE case_settings_version SET version = version + 1 WHERE id = 1 AND ($1 IS NULL OR version = $1) RETURNING version",
            )
            .bind(expected)
            .fetch_optional(&mut *conn)
            .await?;
            v.ok_or($crate::shared::TxError::Domain(fengqiao_domain::DomainError::Conflict("error-settings-version-stale")))
        }

        async fn insert_limits(conn: &mut $conn, limits: &[fengqiao_domain::rules::deadline::DeadlineLimit]) -> Result<(), sqlx::Error> {
            for l in limits {
                sqlx::query("INSERT INTO deadline_limits (kind, category, level, working_days) VALUES ($1, $2, $3, $4)")
                    .bind(l.kind.as_str())
                    .bind(l.category.as_ref().map(|c| c.as_str()).unwrap_or(""))
                    .bind(l.level.as_str())
                    .bind(l.working_days as i32)
                    .execute(&mut *conn)
                    .await?;
            }
            Ok(())
        }

        async fn insert_year(conn: &mut $conn, year: i32, rows: &[fengqiao_domain::rules::calendar::CalendarDay]) -> Result<(), sqlx::Error> {
            sqlx::query("INSERT INTO calendar_years (year) VALUES ($1)").bind(year).execute(&mut *conn).await?;
            for d in rows {
                sqlx::query("INSERT INTO calendar_days (date, year, kind, name_zh, name_en) VALUES ($1, $2, $3, $4, $5)")
                    .bind(d.date)
                    .bind(year)
                    .bind(d.kind.as_str())
                    .bind(&d.name_zh)
                    .bind(&d.name_en)
                    .execute(&mut *conn)
                    .await?;
            }
            Ok(())
        }

        async fn insert_category_row(conn: &mut $conn, c: &fengqiao_domain::model::case::Category) -> Result<(), sqlx::Error> {
            sqlx::query("INSERT INTO case_categories (kind, code, name_zh, name_en, retired) VALUES ($1, $2, $3, $4, $5)")
                .bind(c.kind.as_str())
                .bind(c.code.as_str())
                .bind(&c.name_zh)
                .bind(&c.name_en)
                .bind(c.retired)
                .execute(&mut *conn)
                .await?;
            Ok(())
        }

        #[async_trait::async_trait]
        impl fengqiao_domain::ports::CaseSettingsStore for $store {
            async fn case_settings_version(&self) -> fengqiao_domain::Result<i64> {
                sqlx::query_scalar("SELECT version FROM case_settings_version WHERE id = 1")
                    .fetch_one(self.reader())
                    .await
                    .map_err($crate::error::map)
            }

            async fn load_case_settings(&self) -> fengqiao_domain::Result<fengqiao_domain::ports::StoredCaseSettings> {
                // The version is read first, so the rows are at least as new as it: a change
                // committed in between only makes the node load once more at its next check.
                let mut tx = self.reader().begin().await.map_err($crate::error::map)?;
                let version: i64 = sqlx::query_scalar("SELECT version FROM case_settings_version WHERE id = 1")
                    .fetch_one(&mut *tx)
                    .await
                    .map_err($crate::error::map)?;
                let rows = sqlx::query("SELECT * FROM case_categories ORDER BY kind, code").fetch_all(&mut *tx).await.map_err($crate::error::map)?;
                let categories = rows.iter().map(case_settings_rows::category).collect::<Result<Vec<_>, _>>().map_err($crate::error::map)?;
                let rows = sqlx::query("SELECT * FROM deadline_limits ORDER BY kind, category, level").fetch_all(&mut *tx).await.map_err($crate::error::map)?;
                let limits = rows.iter().map(case_settings_rows::limit).collect::<Result<Vec<_>, _>>().map_err($crate::error::map)?;
                let year_list: Vec<i32> =
                    sqlx::query_scalar("SELECT year FROM calendar_years ORDER BY year").fetch_all(&mut *tx).await.map_err($crate::error::map)?;
                let rows = sqlx::query("SELECT * FROM calendar_days ORDER BY date").fetch_all(&mut *tx).await.map_err($crate::error::map)?;
                let days = rows.iter().map(case_settings_rows::day).collect::<Result<Vec<_>, _>>().map_err($crate::error::map)?;
                tx.rollback().await.map_err($crate::error::map)?;
                let years = year_list
                    .into_iter()
                    .map(|y| (y, days.iter().filter(|(dy, _)| *dy == y).map(|(_, d)| d.clone()).collect()))
                    .collect();
                Ok(fengqiao_domain::ports::StoredCaseSettings { version, categories, limits, years })
            }

            async fn seed_case_settings(&self, s: &fengqiao_domain::ports::StoredCaseSettings, audit: &fengqiao_domain::model::NewAudit) -> fengqiao_domain::Result<bool> {
                $crate::shared::write_tx!(self, |tx| {
                    let claimed = sqlx::query("UPDATE case_settings_version SET version = 1 WHERE id = 1 AND version = 0").execute(&mut *tx).await?;
                    if claimed.rows_affected() == 1 {
                        for c in &s.categories {
                            insert_category_row(&mut *tx, c).await?;
                        }
                        insert_limits(&mut *tx, &s.limits).await?;
                        for (year, rows) in &s.years {
                            insert_year(&mut *tx, *year, rows).await?;
                        }
                        append_audit_in(&mut *tx, std::slice::from_ref(audit)).await?;
                    }
                    claimed.rows_affected() == 1
                })
            }

            async fn insert_category(&self, c: &fengqiao_domain::model::case::Category, audit: &fengqiao_domain::model::NewAudit) -> fengqiao_domain::Result<i64> {
                let r = $crate::shared::write_tx!(self, |tx| {
                    let v = bump_settings_version(&mut *tx, None).await?;
                    insert_category_row(&mut *tx, c).await?;
                    append_audit_in(&mut *tx, std::slice::from_ref(audit)).await?;
                    v
                });
                r.map_err(|e| match e {
                    fengqiao_domain::DomainError::Conflict("error-duplicate") => fengqiao_domain::DomainError::Conflict("error-case-category-duplicate"),
                    other => other,
                })
            }

            async fn update_category(&self, c: &fengqiao_domain::model::case::Category, audit: &fengqiao_domain::model::NewAudit) -> fengqiao_domain::Result<i64> {
                $crate::shared::write_tx!(self, |tx| {
                    let v = bump_settings_version(&mut *tx, None).await?;
                    let done = sqlx::query("UPDATE case_categories SET name_zh = $1, name_en = $2, retired = $3 WHERE kind = $4 AND code = $5")
                        .bind(&c.name_zh)
                        .bind(&c.name_en)
                        .bind(c.retired)
                        .bind(c.kind.as_str())
                        .bind(c.code.as_str())
                        .execute(&mut *tx)
                        .await?;
                    if done.rows_affected() == 0 {
                        return Err(fengqiao_domain::DomainError::NotFound("error-case-category-not-found").into());
                    }
                    append_audit_in(&mut *tx, std::slice::from_ref(audit)).await?;
                    v
                })
            }

            async fn replace_deadline_limits(
                &self,
                limits: &[fengqiao_domain::rules::deadline::DeadlineLimit],
                expected_version: Option<i64>,
                audit: &fengqiao_domain::model::NewAudit,
            ) -> fengqiao_domain::Result<i64> {
                $crate::shared::write_tx!(self, |tx| {
                    let v = bump_settings_version(&mut *tx, expected_version).await?;
                    sqlx::query("DELETE FROM deadline_limits").execute(&mut *tx).await?;
                    insert_limits(&mut *tx, limits).await?;
                    append_audit_in(&mut *tx, std::slice::from_ref(audit)).await?;
                    v
                })
            }

            async fn put_calendar_year(
                &self,
                year: i32,
                rows: &[fengqiao_domain::rules::calendar::CalendarDay],
                replace: bool,
                audit: &fengqiao_domain::model::NewAudit,
            ) -> fengqiao_domain::Result<i64> {
                $crate::shared::write_tx!(self, |tx| {
                    let v = bump_settings_version(&mut *tx, None).await?;
                    let exists: Option<i32> =
                        sqlx::query_scalar("SELECT year FROM calendar_years WHERE year = $1").bind(year).fetch_optional(&mut *tx).await?;
                    if exists.is_some() {
                        if !replace {
                            return Err(fengqiao_domain::DomainError::Conflict("error-calendar-year-exists").into());
                        }
                        sqlx::query("DELETE FROM calendar_days WHERE year = $1").bind(year).execute(&mut *tx).await?;
                        sqlx::query("DELETE FROM calendar_years WHERE year = $1").bind(year).execute(&mut *tx).await?;
                    }
                    insert_year(&mut *tx, year, rows).await?;
                    append_audit_in(&mut *tx, std::slice::from_ref(audit)).await?;
                    v
                })
            }
        }

        #[async_trait::async_trait]
        impl fengqiao_domain::ports::WorkloadStore for $store {
            async fn case_workload(
                &self,
                handling_path: &str,
                now: chrono::DateTime<chrono::Utc>,
                since: chrono::DateTime<chrono::Utc>,
            ) -> fengqiao_domain::Result<Vec<fengqiao_domain::ports::WorkloadRow>> {
                use sqlx::Row;
                // The statuses after conclusion are those the queue's overdue filter leaves out.
                let rows = sqlx::query(
                    "SELECT handler_id, MAX(handler_name) AS handler_name, \
                     CAST(SUM(CASE WHEN status NOT IN ('concluded','verified','followed_up','closed','declined') THEN 1 ELSE 0 END) AS BIGINT) AS open, \
                     CAST(SUM(CASE WHEN status NOT IN ('concluded','verified','followed_up','closed','declined') AND deadline < $2 THEN 1 ELSE 0 END) AS BIGINT) AS overdue, \
                     CAST(SUM(CASE WHEN concluded_at >= $3 THEN 1 ELSE 0 END) AS BIGINT) AS concluded \
                     FROM cases WHERE handling_path = $1 AND handler_id IS NOT NULL GROUP BY handler_id ORDER BY MAX(handler_name), handler_id",
                )
                .bind(handling_path)
                .bind(now)
                .bind(since)
                .fetch_all(self.reader())
                .await
                .map_err($crate::error::map)?;
                rows.iter()
                    .map(|r| {
                        Ok(fengqiao_domain::ports::WorkloadRow {
                            handler_id: r.try_get("handler_id")?,
                            handler_name: r.try_get::<Option<String>, _>("handler_name")?.unwrap_or_default(),
                            open: r.try_get("open")?,
                            overdue: r.try_get("overdue")?,
                            concluded_since: r.try_get("concluded")?,
                        })
                    })
                    .collect::<Result<Vec<_>, sqlx::Error>>()
                    .map_err($crate::error::map)
            }
        }
    };
}
pub(crate) use impl_case_settings_store;
