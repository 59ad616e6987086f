//! The case ledger's reads (`CaseLedgerStore`) and the case list's filter, which the list and
//! the ledger's count share so that an export's announced total is the list's own.

use fengqiao_domain::ports::{Backend, CaseScope};

/// The WHERE clause of a case list, `$1` to `$14` as `bind_case_filter!` binds them. One text
/// per scope, so each uses its own index; every value is bound.
pub(crate) fn case_filter_sql(scope: &CaseScope) -> String {
    filter_sql(match scope {
        CaseScope::Area(_) => "area_path >= $1 AND area_path < $2",
        CaseScope::Handling(_) => "handling_path = $1 AND $2 IS NOT NULL",
    })
}

/// A page of an area's ledger: the list's filter (`$1` to `$14`), the limit (`$15`), the
/// period's bounds again, always bound (`$16`, `$17`), so that a walk in intake order has an
/// end to its index range, and after a page the last key (`$18`, `$19`). SQLite is told
/// which index to walk: its planner has no statistics to choose between the two.
///
/// The page comes back as one row holding a JSON array of `LedgerCase`s (their fields in
/// order, parties' names included): row by row, a driver's hand-over of each row and each
/// value cost more than reading the cases themselves.
pub(crate) fn ledger_sql(scope: &CaseScope, walk: fengqiao_domain::ports::LedgerWalk, after: bool, backend: Backend) -> String {
    use fengqiao_domain::ports::LedgerWalk;
    let index = match (backend, walk) {
        (Backend::Postgres, _) => "",
        (Backend::Sqlite, LedgerWalk::InArea) => " INDEXED BY cases_figures",
        (Backend::Sqlite, LedgerWalk::InTime) => " INDEXED BY cases_taken_in",
    };
    // After a page the key replaces the period's start (it lies inside the period): given
    // both, SQLite seeks to the start and steps over every case handed out so far, each page.
    let start = if after { "$16 IS NOT NULL AND (created_at, id) > ($18, $19)" } else { "created_at >= $16" };
    const COLUMNS: &str = "number, kind, category, title, area_path, address, channel, risk, created_at, status, \
                           handling_level, handler_name, deadline, concluded_at, outcome, resolved_level, satisfaction";
    let page = format!(
        "SELECT id, {COLUMNS}, supervision IS NOT NULL AS supervised FROM cases{index} \
         WHERE {} AND {start} AND created_at < $17 ORDER BY created_at, id LIMIT $15",
        case_filter_sql(scope)
    );
    match backend {
        Backend::Sqlite => format!(
            "SELECT json_group_array(json_array(lower(hex(id)), {COLUMNS}, json(iif(supervised, 'true', 'false')), \
             json((SELECT json_group_array(name) FROM (SELECT name FROM case_parties WHERE case_id = c.id ORDER BY position))))) \
             FROM ({page}) AS c"
        ),
        Backend::Postgres => format!(
            "SELECT coalesce(json_agg(json_build_array(id, {COLUMNS}, supervised, \
             (SELECT coalesce(json_agg(name ORDER BY position), '[]'::json) FROM case_parties WHERE case_id = c.id))), '[]'::json)::text \
             FROM ({page}) AS c"
        ),
    }
}

/// The count of an area's cases in a period (`$1`, `$2` the scope, `$3`, `$4` the period's
/// bounds) when no other filter is set, as a ledger of a whole area or its period asks: read
/// from the index alone. The list's filter names columns outside every index, so SQLite would
/// fetch each case's row to test filters that are not even set (ten million rows for the city).
pub(crate) fn plain_count_sql(q: &fengqiao_domain::ports::CaseQuery, backend: Backend) -> Option<String> {
    let index = if backend == Backend::Sqlite { " INDEXED BY cases_figures" } else { "" };
    (matches!(q.scope, CaseScope::Area(_)) && q.only_scope_and_period())
        .then(|| format!("SELECT COUNT(*) FROM cases{index} WHERE area_path >= $1 AND area_path < $2 AND created_at >= $3 AND created_at < $4"))
}

/// A page answered as one JSON array (`ledger_sql`, `searchable_sql`), sorted by `key`: an
/// aggregate's input order is the page's in practice but not by any promise (a thousand keys).
pub(crate) fn json_page<T: serde::de::DeserializeOwned, K: Ord>(json: &str, what: &str, key: impl FnMut(&T) -> K) -> fengqiao_domain::Result<Vec<T>> {
    let mut page: Vec<T> =
        serde_json::from_str(json).map_err(|e| crate::error::corrupt(what, &format!("{e} in {}", json.chars().take(200).collect::<String>())))?;
    page.sort_by_key(key);
    Ok(page)
}

/// The period bounds `ledger_sql` binds when the list has none: earlier and later than any
/// case (as instants, so both backends compare them as they compare `created_at`).
pub(crate) fn ledger_bounds(
    from: Option<chrono::DateTime<chrono::Utc>>,
    before: Option<chrono::DateTime<chrono::Utc>>,
) -> (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>) {
    use chrono::TimeZone;
    let first = chrono::Utc.with_ymd_and_hms(1970, 1, 1, 0, 0, 0).single().expect("a valid instant");
    let last = chrono::Utc.with_ymd_and_hms(9999, 1, 1, 0, 0, 0).single().expect("a valid instant");
    (from.unwrap_or(first), before.unwrap_or(last))
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
                if let Some(sql) = $crate::case_ledger::plain_count_sql(&all, <$store>::BACKEND) {
                    let (path, upper) = $crate::case_ledger::scope_binds(&all.scope);
                    let (from, until) = $crate::case_ledger::ledger_bounds(all.taken_in_from, all.taken_in_before);
                    return sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql))
                        .bind(path.to_string())
                        .bind(upper)
                        .bind(from)
                        .bind(until)
                        .fetch_one(self.scanner())
                        .await
                        .map_err($crate::error::map);
                }
                let sql = format!("SELECT COUNT(*) FROM cases WHERE {}", $crate::case_ledger::case_filter_sql(&all.scope));
                let query = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql));
                $crate::case_ledger::bind_case_filter!(query, &all).fetch_one(self.scanner()).await.map_err($crate::error::map)
            }

            async fn count_taken_in(&self, from: Option<chrono::DateTime<chrono::Utc>>, before: Option<chrono::DateTime<chrono::Utc>>) -> fengqiao_domain::Result<i64> {
                let (from, until) = $crate::case_ledger::ledger_bounds(from, before);
                sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM cases WHERE created_at >= $1 AND created_at < $2")
                    .bind(from)
                    .bind(until)
                    .fetch_one(self.scanner())
                    .await
                    .map_err($crate::error::map)
            }

            async fn parties_of_cases(&self, case_ids: &[uuid::Uuid]) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::case::Party>> {
                if case_ids.is_empty() {
                    return Ok(Vec::new());
                }
                let sql = format!(
                    "SELECT * FROM case_parties WHERE case_id IN ({}) ORDER BY case_id, position",
                    $crate::registry::marks(case_ids.len(), <$store>::BACKEND)
                );
                let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
                for id in case_ids {
                    query = query.bind(*id);
                }
                let rows = query.fetch_all(self.scanner()).await.map_err($crate::error::map)?;
                rows.iter().map(case_rows::party).collect::<Result<_, _>>().map_err($crate::error::map)
            }

            async fn ledger_cases(
                &self,
                q: &fengqiao_domain::ports::CaseQuery,
                walk: fengqiao_domain::ports::LedgerWalk,
                after: Option<&fengqiao_domain::ports::LedgerKey>,
            ) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::case::LedgerCase>> {
                let q = fengqiao_domain::ports::CaseQuery { before: None, ..q.clone() };
                let sql = $crate::case_ledger::ledger_sql(&q.scope, walk, after.is_some(), <$store>::BACKEND);
                let (from, until) = $crate::case_ledger::ledger_bounds(q.taken_in_from, q.taken_in_before);
                let query = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql));
                let query = $crate::case_ledger::bind_case_filter!(query, &q).bind(q.limit).bind(from).bind(until);
                let query = match after {
                    Some(k) => query.bind(k.created_at).bind(k.id),
                    None => query,
                };
                let page = query.fetch_one(self.scanner()).await.map_err($crate::error::map)?;
                $crate::case_ledger::json_page(&page, "ledger page", |c: &fengqiao_domain::model::case::LedgerCase| (c.created_at, c.id))
            }
        }
    };
}
pub(crate) use impl_case_ledger_store;
