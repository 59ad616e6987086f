//! The case ledger's reads (`CaseLedgerStore`) and the case list's filter, which the list and
//! the ledger's count share so that an export's announced total is the list's own.

use fengqiao_domain::ports::CaseScope;

/// The WHERE clause of a case list, `$1` to `$14` as `bind_case_filter!` binds them. One text
/// per scope, so each uses its own index; every value is bound.
pub(crate) fn case_filter_sql(scope: &CaseScope) -> String {
    filter_sql(match scope {
        CaseScope::Area(_) => "area_path >= $1 AND area_path < $2",
        CaseScope::Handling(_) => "handling_path = $1 AND $2 IS NOT NULL",
    })
}

/// An area's ledger after its last key (`$16` to `$18`). The key replaces the scope's lower
/// bound (it lies inside the scope already): given both, SQLite seeks by the lower bound and
/// steps over every row before the key, page after page.
pub(crate) fn ledger_after_sql(scope: &CaseScope) -> String {
    let key = "(area_path, created_at, id) > ($16, $17, $18)";
    match scope {
        CaseScope::Area(_) => filter_sql(&format!("$1 IS NOT NULL AND area_path < $2 AND {key}")),
        CaseScope::Handling(_) => format!("{} AND {key}", case_filter_sql(scope)),
    }
}

fn filter_sql(scope: &str) -> String {
    format!(
        "{scope} AND ($3 IS NULL OR status = $3) AND ($4 IS NULL OR kind = $4) \
         AND ($5 IS NULL OR category = $5 OR substr(category, 1, length($5) + 1) = $5 || '.') \
         AND ($6 IS NULL OR handler_id = $6) \
         AND ($7 IS NULL OR (deadline < $7 AND status NOT IN ('concluded','verified','followed_up','closed','declined'))) \
         AND ($8 IS NULL OR id < $8) AND ($9 IS NULL OR handling_level = $9) \
         AND ($10 IS NULL OR created_at >= $10) AND ($11 IS NULL OR created_at < $11) \
         AND ($12 = 0 OR supervision IS NOT NULL) AND ($13 = 0 OR pending_extension IS NOT NULL) \
         AND ($14 = 0 OR status NOT IN ('closed','declined'))"
    )
}

/// The scope's two bound values: the path and the upper end of its prefix range.
pub(crate) fn scope_binds(scope: &CaseScope) -> (&str, String) {
    match scope {
        CaseScope::Area(p) => (p.as_str(), crate::shared::prefix_upper(p)),
        CaseScope::Handling(p) => (p.as_str(), String::new()),
    }
}

/// Binds a `CaseQuery` to the placeholders of `case_filter_sql`.
macro_rules! bind_case_filter {
    ($query:expr, $q:expr) => {{
        let q: &fengqiao_domain::ports::CaseQuery = $q;
        let (path, upper) = $crate::case_ledger::scope_binds(&q.scope);
        $query
            .bind(path.to_string()).bind(upper).bind(q.status.map(|s| s.as_str())).bind(q.kind.map(|k| k.as_str())).bind(q.category.clone())
            .bind(q.handler_id).bind(q.overdue_at).bind(q.before)
            .bind(q.level.map(|l| l.as_str())).bind(q.taken_in_from).bind(q.taken_in_before)
            .bind(i32::from(q.supervised)).bind(i32::from(q.extension_pending)).bind(i32::from(q.open_only))
    }};
}
pub(crate) use bind_case_filter;

/// Expanded next to `impl_case_store!`, whose row decoders it uses.
macro_rules! impl_case_ledger_store {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl fengqiao_domain::ports::CaseLedgerStore for $store {
            async fn count_cases(&self, q: &fengqiao_domain::ports::CaseQuery) -> fengqiao_domain::Result<i64> {
                let all = fengqiao_domain::ports::CaseQuery { before: None, ..q.clone() };
                let sql = format!("SELECT COUNT(*) FROM cases WHERE {}", $crate::case_ledger::case_filter_sql(&all.scope));
                let query = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql));
                $crate::case_ledger::bind_case_filter!(query, &all).fetch_one(self.reader()).await.map_err($crate::error::map)
            }

            async fn parties_of_cases(&self, case_ids: &[uuid::Uuid]) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::case::Party>> {
                if case_ids.is_empty() {
                    return Ok(Vec::new());
                }
                let marks: Vec<String> = (1..=case_ids.len()).map(|i| format!("${i}")).collect();
                let sql = format!("SELECT * FROM case_parties WHERE case_id IN ({}) ORDER BY case_id, position", marks.join(","));
                let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
                for id in case_ids {
                    query = query.bind(*id);
                }
                let rows = query.fetch_all(self.reader()).await.map_err($crate::error::map)?;
                rows.iter().map(case_rows::party).collect::<Result<_, _>>().map_err($crate::error::map)
            }

            async fn ledger_cases(
                &self,
                q: &fengqiao_domain::ports::CaseQuery,
                after: Option<&fengqiao_domain::ports::LedgerKey>,
            ) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::case::Case>> {
                let q = fengqiao_domain::ports::CaseQuery { before: None, ..q.clone() };
                // The key as a row value, so both databases read one range of `cases_figures`.
                let filter = match after {
                    Some(_) => $crate::case_ledger::ledger_after_sql(&q.scope),
                    None => $crate::case_ledger::case_filter_sql(&q.scope),
                };
                let sql = format!("SELECT * FROM cases WHERE {filter} ORDER BY area_path, created_at, id LIMIT $15");
                let query = sqlx::query(sqlx::AssertSqlSafe(sql));
                let query = $crate::case_ledger::bind_case_filter!(query, &q).bind(q.limit);
                let query = match after {
                    Some(k) => query.bind(k.area_path.clone()).bind(k.created_at).bind(k.id),
                    None => query,
                };
                let rows = query.fetch_all(self.reader()).await.map_err($crate::error::map)?;
                rows.iter().map(case_rows::case).collect::<Result<_, _>>().map_err($crate::error::map)
            }
        }
    };
}
pub(crate) use impl_case_ledger_store;
