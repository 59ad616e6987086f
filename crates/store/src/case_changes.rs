//! The case change feed (`CaseChangeStore`) for both backends. The rows are written by the
//! triggers of migration 0014, so this side only reads and prunes.

/// Expanded next to `impl_case_store!`, whose row decoders it uses.
macro_rules! impl_case_change_store {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl fengqiao_domain::ports::CaseChangeStore for $store {
            async fn case_changes_after(&self, after: i64, also: &[i64], limit: i64) -> fengqiao_domain::Result<Vec<fengqiao_domain::ports::CaseChange>> {
                use sqlx::Row;
                let extra = if also.is_empty() {
                    String::new()
                } else {
                    let marks: Vec<String> = (0..also.len()).map(|i| format!("${}", i + 3)).collect();
                    format!(" OR seq IN ({})", marks.join(","))
                };
                let sql = format!("SELECT seq, case_id FROM case_changes WHERE seq > $1{extra} ORDER BY seq LIMIT $2");
                let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(after).bind(limit);
                for seq in also {
                    query = query.bind(*seq);
                }
                let rows = query.fetch_all(self.reader()).await.map_err($crate::error::map)?;
                rows.iter()
                    .map(|r| Ok(fengqiao_domain::ports::CaseChange { seq: r.try_get("seq")?, case_id: r.try_get("case_id")? }))
                    .collect::<Result<_, sqlx::Error>>()
                    .map_err($crate::error::map)
            }

            async fn case_change_bounds(&self) -> fengqiao_domain::Result<(i64, i64)> {
                // Two subqueries, not `SELECT MIN(seq), MAX(seq)`: with both in one SELECT SQLite
                // scans the whole feed (24 million rows at ten million cases, every second, on
                // every node) instead of reading each end of the key.
                let (low, high): (Option<i64>, Option<i64>) = sqlx::query_as("SELECT (SELECT MIN(seq) FROM case_changes), (SELECT MAX(seq) FROM case_changes)")
                    .fetch_one(self.reader())
                    .await
                    .map_err($crate::error::map)?;
                Ok((low.unwrap_or(0), high.unwrap_or(0)))
            }

            async fn prune_case_changes(&self, before_unix: i64) -> fengqiao_domain::Result<u64> {
                $crate::shared::write_tx!(self, |tx| {
                    sqlx::query("DELETE FROM case_changes WHERE changed_at < $1 AND seq < (SELECT MAX(seq) FROM case_changes)").bind(before_unix).execute(&mut *tx).await?.rows_affected()
                })
            }

            async fn cases_after(&self, after: Option<uuid::Uuid>, limit: i64) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::case::Case>> {
                let rows = sqlx::query("SELECT * FROM cases WHERE ($1 IS NULL OR id > $1) ORDER BY id LIMIT $2")
                    .bind(after)
                    .bind(limit)
                    .fetch_all(self.scanner())
                    .await
                    .map_err($crate::error::map)?;
                rows.iter().map(case_rows::case).collect::<Result<_, _>>().map_err($crate::error::map)
            }

            async fn cases_by_ids(&self, ids: &[uuid::Uuid]) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::case::Case>> {
                let mut out = Vec::with_capacity(ids.len());
                // Bounded IN lists: SQLite allows 32766 parameters, PostgreSQL 65535.
                for chunk in ids.chunks(1000) {
                    let sql = format!("SELECT * FROM cases WHERE id IN ({})", $crate::registry::marks(chunk.len(), <$store>::BACKEND));
                    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
                    for id in chunk {
                        query = query.bind(*id);
                    }
                    let rows = query.fetch_all(self.reader()).await.map_err($crate::error::map)?;
                    for r in &rows {
                        out.push(case_rows::case(r).map_err($crate::error::map)?);
                    }
                }
                Ok(out)
            }
        }
    };
}
pub(crate) use impl_case_change_store;
