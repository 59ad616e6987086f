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

            async fn searchable_after(&self, after: Option<uuid::Uuid>, limit: i64) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::case::SearchableCase>> {
                // Two statements, not `($1 IS NULL OR id > $1)`: with the OR SQLite cannot seek,
                // and walks the id index from the start for every page (quadratic: at ten
                // million cases the rebuild spent most of its time there).
                let query = match after {
                    Some(id) => sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe($crate::case_changes::searchable_sql("id > $1 ORDER BY id LIMIT $2", <$store>::BACKEND))).bind(id),
                    None => sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe($crate::case_changes::searchable_sql("1 = 1 ORDER BY id LIMIT $1", <$store>::BACKEND))),
                };
                let page = query.bind(limit).fetch_one(self.scanner()).await.map_err($crate::error::map)?;
                $crate::case_ledger::json_page(&page, "search page", |c: &fengqiao_domain::model::case::SearchableCase| c.id)
            }

            async fn searchable_by_ids(&self, ids: &[uuid::Uuid]) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::case::SearchableCase>> {
                let mut out = Vec::with_capacity(ids.len());
                // Bounded IN lists: SQLite allows 32766 parameters, PostgreSQL 65535.
                for chunk in ids.chunks(1000) {
                    let filter = format!("id IN ({})", $crate::registry::marks(chunk.len(), <$store>::BACKEND));
                    let sql = $crate::case_changes::searchable_sql(&filter, <$store>::BACKEND);
                    let mut query = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql));
                    for id in chunk {
                        query = query.bind(*id);
                    }
                    let page = query.fetch_one(self.reader()).await.map_err($crate::error::map)?;
                    out.extend($crate::case_ledger::json_page(&page, "search page", |c: &fengqiao_domain::model::case::SearchableCase| c.id)?);
                }
                Ok(out)
            }
        }
    };
}
pub(crate) use impl_case_change_store;

/// The cases `filter` picks (a WHERE clause, with its ORDER BY and LIMIT) as one JSON array of
/// `SearchableCase`s, parties' names included. One row per page: handing ten million rows
/// over one by one, value by value, was a quarter of a rebuild's time.
pub(crate) fn searchable_sql(filter: &str, backend: fengqiao_domain::ports::Backend) -> String {
    const COLUMNS: &str = "number, kind, category, title, description, address, area_path, area_level, status, handling_level";
    const TIMES: &str = "created_at, deadline, point_lon, point_lat";
    let page = format!(
        "SELECT id, {COLUMNS}, handler_id, supervision IS NOT NULL AS supervised, pending_extension IS NOT NULL AS extension, {TIMES} \
         FROM cases WHERE {filter}"
    );
    match backend {
        fengqiao_domain::ports::Backend::Sqlite => format!(
            "SELECT json_group_array(json_array(lower(hex(id)), {COLUMNS}, iif(handler_id IS NULL, NULL, lower(hex(handler_id))), \
             json(iif(supervised, 'true', 'false')), json(iif(extension, 'true', 'false')), {TIMES}, \
             json((SELECT json_group_array(name) FROM (SELECT name FROM case_parties WHERE case_id = c.id ORDER BY position))))) \
             FROM ({page}) AS c"
        ),
        fengqiao_domain::ports::Backend::Postgres => format!(
            "SELECT coalesce(json_agg(json_build_array(id, {COLUMNS}, handler_id, supervised, extension, {TIMES}, \
             (SELECT coalesce(json_agg(name ORDER BY position), '[]'::json) FROM case_parties WHERE case_id = c.id))), '[]'::json)::text \
             FROM ({page}) AS c"
        ),
    }
}
