//! The figures' half of the store (`StatsStore`), for both backends: sums kept current inside
//! the write transactions of cases (`apply_stats_in`; day and month rows in `case_stats`, year
//! rows in `case_stats_years`), read back for any area × period, and
//! recounted from raw records to prove them (`verify_case_stats`, `rebuild_case_stats`).

macro_rules! impl_stats_store {
    ($store:ty, $row:ty, $conn:ty, lock_cases = $lock_cases:literal) => {
        mod stats_sql {
            use fengqiao_domain::rules::case_stats::COUNTERS;
            use std::sync::LazyLock;

            pub(super) static COLUMNS: LazyLock<String> = LazyLock::new(|| COUNTERS.join(", "));
            fn add_on_conflict(table: &str) -> String {
                let sets: Vec<String> = COUNTERS.iter().map(|c| format!("{c} = {table}.{c} + excluded.{c}")).collect();
                format!(" ON CONFLICT (area_code, grain, period, kind, category) DO UPDATE SET {}", sets.join(", "))
            }
            pub(super) static ADD_ON_CONFLICT: LazyLock<[String; 2]> = LazyLock::new(|| TABLES.map(add_on_conflict));
            /// Day and month sums live in `case_stats`, year sums in `case_stats_years` (same
            /// columns; see migration 0018).
            pub(super) const TABLES: [&str; 2] = ["case_stats", "case_stats_years"];

            pub(super) fn table_of(grain: fengqiao_domain::rules::case_stats::Grain) -> usize {
                usize::from(grain == fengqiao_domain::rules::case_stats::Grain::Year)
            }
            pub(super) static SUMS: LazyLock<String> =
                LazyLock::new(|| COUNTERS.iter().map(|c| format!("CAST(SUM({c}) AS BIGINT) AS {c}")).collect::<Vec<_>>().join(", "));
        }

        /// Rows per upsert: 39 binds a row, under both backends' limits.
        const STATS_ROWS_PER_UPSERT: usize = 500;

        /// Adds a delta to the stored sums, in the caller's transaction.
        async fn apply_stats_in(conn: &mut $conn, delta: &fengqiao_domain::rules::case_stats::StatsDelta) -> Result<(), sqlx::Error> {
            for (t, table) in stats_sql::TABLES.iter().enumerate() {
                let rows: Vec<_> = delta.rows.iter().filter(|(k, _)| stats_sql::table_of(k.grain) == t).collect();
                upsert_stats_in(&mut *conn, table, &stats_sql::ADD_ON_CONFLICT[t], &rows).await?;
            }
            Ok(())
        }

        async fn upsert_stats_in(
            conn: &mut $conn,
            table: &str,
            on_conflict: &str,
            rows: &[(&fengqiao_domain::rules::case_stats::StatsKey, &fengqiao_domain::rules::case_stats::Counters)],
        ) -> Result<(), sqlx::Error> {
            for chunk in rows.chunks(STATS_ROWS_PER_UPSERT) {
                let mut q = sqlx::QueryBuilder::<<$conn as sqlx::Connection>::Database>::new(format!(
                    "INSERT INTO {table} (area_code, grain, period, kind, category, {}) ",
                    *stats_sql::COLUMNS
                ));
                q.push_values(chunk, |mut b, (k, v)| {
                    b.push_bind(&k.area_code).push_bind(k.grain.as_str()).push_bind(k.period.to_string()).push_bind(&k.kind).push_bind(&k.category);
                    for x in v.iter() {
                        b.push_bind(*x);
                    }
                });
                q.push(on_conflict);
                q.build().execute(&mut *conn).await?;
            }
            Ok(())
        }

        /// An area moved from `old_path` to its new path: its sums (which cover its whole
        /// subtree) leave the ancestors it left and join the ones it joined.
        async fn move_stats_in(conn: &mut $conn, code: &str, old_path: &str, new_path: &str) -> Result<(), sqlx::Error> {
            use fengqiao_domain::rules::case_stats::ancestor_codes;
            let old: Vec<&str> = ancestor_codes(old_path).filter(|c| *c != code).collect();
            let new: Vec<&str> = ancestor_codes(new_path).filter(|c| *c != code).collect();
            let moves = old.iter().filter(|c| !new.contains(c)).map(|c| (*c, -1)).chain(new.iter().filter(|c| !old.contains(c)).map(|c| (*c, 1)));
            for (ancestor, sign) in moves {
                let signed: Vec<String> = fengqiao_domain::rules::case_stats::COUNTERS.iter().map(|c| format!("{sign} * {c}")).collect();
                for (table, conflict) in stats_sql::TABLES.iter().zip(stats_sql::ADD_ON_CONFLICT.iter()) {
                    // `WHERE true` tells SQLite's parser the ON CONFLICT belongs to the INSERT.
                    let sql = format!(
                        "INSERT INTO {table} (area_code, grain, period, kind, category, {cols}) \
                         SELECT $1, grain, period, kind, category, {signed} FROM {table} WHERE area_code = $2 AND true{conflict}",
                        cols = *stats_sql::COLUMNS,
                        signed = signed.join(", "),
                    );
                    sqlx::query(sqlx::AssertSqlSafe(sql)).bind(ancestor).bind(code).execute(&mut *conn).await?;
                }
            }
            Ok(())
        }

        fn stats_key_of(r: &$row) -> Result<(fengqiao_domain::rules::case_stats::StatsKey, fengqiao_domain::rules::case_stats::Counters), sqlx::Error> {
            use fengqiao_domain::rules::case_stats::{COUNTERS, Grain, N, StatsKey};
            use sqlx::Row;
            let grain = match r.try_get::<String, _>("grain")?.as_str() {
                "day" => Grain::Day,
                "month" => Grain::Month,
                "year" => Grain::Year,
                other => return Err(sqlx::Error::Decode($crate::error::corrupt("stats grain", other).into())),
            };
            let period: String = r.try_get("period")?;
            let key = StatsKey {
                area_code: r.try_get("area_code")?,
                grain,
                period: period.parse().map_err(|_| sqlx::Error::Decode($crate::error::corrupt("stats period", &period).into()))?,
                kind: r.try_get("kind")?,
                category: r.try_get("category")?,
            };
            let mut v = [0i64; N];
            for (i, c) in COUNTERS.iter().enumerate() {
                v[i] = r.try_get(*c)?;
            }
            Ok((key, v))
        }

        /// Walks the subtree at `root_path` depth-first, recounting each area's sums from its
        /// own cases plus its children's recounts (so only one branch's sums are in memory),
        /// and compares each with the stored rows; with `rebuild`, replaces them.
        async fn recount_stats_in(conn: &mut $conn, root_path: &str, rebuild: bool) -> Result<fengqiao_domain::ports::StatsCheck, sqlx::Error> {
            use fengqiao_domain::rules::case_stats::{Counters, StatsDelta, StatsKey};
            use sqlx::Row;
            use std::collections::BTreeMap;
            type Sums = BTreeMap<StatsKey, Counters>;

            let areas = sqlx::query("SELECT code, path FROM areas WHERE path >= $1 AND path < $2 ORDER BY path")
                .bind(root_path)
                .bind($crate::shared::prefix_upper(root_path))
                .fetch_all(&mut *conn)
                .await?;
            let mut check = fengqiao_domain::ports::StatsCheck::default();
            // (code, path, sums so far with keys under this area's code)
            let mut stack: Vec<(String, String, Sums)> = Vec::new();
            
            async fn own_sums(conn: &mut $conn, code: &str, path: &str, check: &mut fengqiao_domain::ports::StatsCheck) -> Result<Sums, sqlx::Error> {
                let mut delta = StatsDelta::default();
                let mut after: Option<uuid::Uuid> = None;
                loop {
                    let rows = sqlx::query("SELECT * FROM cases WHERE area_path = $1 AND ($2 IS NULL OR id > $2) ORDER BY id LIMIT 2000")
                        .bind(path)
                        .bind(after)
                        .fetch_all(&mut *conn)
                        .await?;
                    for r in &rows {
                        let c = case_rows::case(r)?;
                        delta.add_case_at(&c, code, 1);
                        check.cases += 1;
                    }
                    match rows.last() {
                        Some(r) if rows.len() == 2000 => after = Some(r.try_get("id")?),
                        _ => break,
                    }
                }
                Ok(delta.rows)
            }

            async fn finish(conn: &mut $conn, code: &str, sums: &Sums, rebuild: bool, check: &mut fengqiao_domain::ports::StatsCheck) -> Result<(), sqlx::Error> {
                let stored = sqlx::query("SELECT * FROM case_stats WHERE area_code = $1 UNION ALL SELECT * FROM case_stats_years WHERE area_code = $1")
                    .bind(code)
                    .fetch_all(&mut *conn)
                    .await?;
                let mut stored_map: Sums = BTreeMap::new();
                for r in &stored {
                    let (k, v) = stats_key_of(r)?;
                    stored_map.insert(k, v);
                }
                check.rows += stored_map.len() as u64;
                let zero = [0i64; fengqiao_domain::rules::case_stats::N];
                for (k, v) in sums {
                    let s = stored_map.get(k).unwrap_or(&zero);
                    if s != v {
                        check.differences.push(fengqiao_domain::ports::StatsDifference { key: k.clone(), stored: *s, recounted: *v });
                    }
                }
                for (k, s) in &stored_map {
                    if !sums.contains_key(k) && s.iter().any(|x| *x != 0) {
                        check.differences.push(fengqiao_domain::ports::StatsDifference { key: k.clone(), stored: *s, recounted: zero });
                    }
                }
                if rebuild {
                    for table in stats_sql::TABLES {
                        sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table} WHERE area_code = $1"))).bind(code).execute(&mut *conn).await?;
                    }
                    apply_stats_in(&mut *conn, &StatsDelta { rows: sums.clone() }).await?;
                }
                Ok(())
            }

            fn merge_into(parent_code: &str, parent: &mut Sums, child: Sums) {
                for (mut k, v) in child {
                    k.area_code = parent_code.to_string();
                    let row = parent.entry(k).or_insert([0; fengqiao_domain::rules::case_stats::N]);
                    for (r, x) in row.iter_mut().zip(v) {
                        *r += x;
                    }
                }
            }

            for a in &areas {
                let code: String = a.try_get("code")?;
                let path: String = a.try_get("path")?;
                while let Some((_, top_path, _)) = stack.last() {
                    if path.starts_with(top_path.as_str()) {
                        break;
                    }
                    let (c, _, sums) = stack.pop().expect("just looked");
                    finish(&mut *conn, &c, &sums, rebuild, &mut check).await?;
                    if let Some((pc, _, parent)) = stack.last_mut() {
                        merge_into(&pc.clone(), parent, sums);
                    }
                }
                let own = own_sums(&mut *conn, &code, &path, &mut check).await?;
                stack.push((code, path, own));
            }
            while let Some((c, _, sums)) = stack.pop() {
                finish(&mut *conn, &c, &sums, rebuild, &mut check).await?;
                if let Some((pc, _, parent)) = stack.last_mut() {
                    merge_into(&pc.clone(), parent, sums);
                }
            }
            Ok(check)
        }

        #[async_trait::async_trait]
        impl fengqiao_domain::ports::StatsStore for $store {
            async fn root_area_paths(&self) -> fengqiao_domain::Result<Vec<String>> {
                sqlx::query_scalar("SELECT path FROM areas WHERE parent_id IS NULL ORDER BY path")
                    .fetch_all(self.reader())
                    .await
                    .map_err($crate::error::map)
            }

            async fn sum_case_stats(&self, f: &fengqiao_domain::ports::StatsFilter) -> fengqiao_domain::Result<Vec<fengqiao_domain::ports::StatsSum>> {
                use fengqiao_domain::rules::case_stats::{COUNTERS, N};
                use sqlx::Row;
                if f.area_codes.is_empty() || f.ranges.is_empty() {
                    return Ok(Vec::new());
                }
                // One SELECT per period range, so each reads its own stretch of the primary key
                // (area, grain, period); with the ranges ORed in one WHERE, SQLite used only the
                // area and read every day row the area ever had.
                let mut q = sqlx::QueryBuilder::<<$conn as sqlx::Connection>::Database>::new(format!("SELECT area_code, kind, category, {} FROM (", *stats_sql::SUMS));
                for (i, r) in f.ranges.iter().enumerate() {
                    if i > 0 {
                        q.push(" UNION ALL ");
                    }
                    let table = stats_sql::TABLES[stats_sql::table_of(r.grain)];
                    q.push(format!("SELECT area_code, kind, category, {} FROM {table} WHERE area_code IN (", *stats_sql::COLUMNS));
                    let mut codes = q.separated(", ");
                    for c in &f.area_codes {
                        codes.push_bind(c);
                    }
                    q.push(") AND grain = ").push_bind(r.grain.as_str());
                    q.push(" AND period >= ").push_bind(r.from.to_string());
                    q.push(" AND period < ").push_bind(r.until.to_string());
                    if let Some(k) = &f.kind {
                        q.push(" AND kind = ").push_bind(k);
                    }
                    if let Some(c) = &f.category {
                        q.push(" AND (category = ").push_bind(c).push(" OR category LIKE ").push_bind(format!("{c}.%")).push(")");
                    }
                }
                q.push(") AS ranged");
                q.push(" GROUP BY area_code, kind, category");
                let rows = q.build().fetch_all(self.reader()).await.map_err($crate::error::map)?;
                rows.iter()
                    .map(|r| {
                        let mut v = [0i64; N];
                        for (i, c) in COUNTERS.iter().enumerate() {
                            v[i] = r.try_get::<Option<i64>, _>(*c)?.unwrap_or(0);
                        }
                        Ok(fengqiao_domain::ports::StatsSum { area_code: r.try_get("area_code")?, kind: r.try_get("kind")?, category: r.try_get("category")?, counters: v })
                    })
                    .collect::<Result<_, sqlx::Error>>()
                    .map_err($crate::error::map)
            }

            async fn count_overdue_by_prefix(&self, q: &fengqiao_domain::ports::OverdueQuery, prefix_len: usize) -> fengqiao_domain::Result<Vec<(String, i64)>> {
                use sqlx::Row;
                // The status list is the partial index's, word for word, so the planner uses it.
                let rows = sqlx::query(
                    "SELECT substr(area_path, 1, $9) AS prefix, COUNT(*) AS n FROM cases WHERE area_path >= $1 AND area_path < $2 \
                     AND status NOT IN ('concluded', 'verified', 'followed_up', 'closed', 'declined') \
                     AND created_at >= $3 AND created_at < $4 AND deadline < $5 \
                     AND ($6 IS NULL OR kind = $6) AND ($7 IS NULL OR category = $7 OR category LIKE $8) \
                     GROUP BY 1",
                )
                .bind(&q.area_path)
                .bind($crate::shared::prefix_upper(&q.area_path))
                .bind(q.taken_in_from)
                .bind(q.taken_in_before)
                .bind(q.now)
                .bind(&q.kind)
                .bind(&q.category)
                .bind(q.category.as_ref().map(|c| format!("{c}.%")))
                .bind(i32::try_from(prefix_len).unwrap_or(i32::MAX))
                .fetch_all(self.reader())
                .await
                .map_err($crate::error::map)?;
                rows.iter().map(|r| Ok((r.try_get("prefix")?, r.try_get("n")?))).collect::<Result<_, sqlx::Error>>().map_err($crate::error::map)
            }

            async fn recount_intake_resolved(&self, area_path: &str, from: chrono::DateTime<chrono::Utc>, before: chrono::DateTime<chrono::Utc>) -> fengqiao_domain::Result<(i64, i64)> {
                use sqlx::Row;
                let r = sqlx::query(
                    "SELECT COUNT(*) AS intake, \
                     CAST(COALESCE(SUM(CASE WHEN outcome IN ('resolved_by_agreement', 'resolved_otherwise') THEN 1 ELSE 0 END), 0) AS BIGINT) AS resolved \
                     FROM cases WHERE area_path >= $1 AND area_path < $2 AND created_at >= $3 AND created_at < $4 \
                     AND (outcome IS NULL OR outcome <> 'duplicate')",
                )
                .bind(area_path)
                .bind($crate::shared::prefix_upper(area_path))
                .bind(from)
                .bind(before)
                .fetch_one(self.reader())
                .await
                .map_err($crate::error::map)?;
                Ok((r.try_get("intake").map_err($crate::error::map)?, r.try_get("resolved").map_err($crate::error::map)?))
            }

            async fn verify_case_stats(&self, area_path: &str) -> fengqiao_domain::Result<fengqiao_domain::ports::StatsCheck> {
                let mut tx = self.begin_snapshot().await.map_err($crate::error::map)?;
                let check = recount_stats_in(&mut *tx, area_path, false).await.map_err($crate::error::map)?;
                tx.rollback().await.map_err($crate::error::map)?;
                Ok(check)
            }

            async fn rebuild_case_stats(&self, area_path: &str) -> fengqiao_domain::Result<fengqiao_domain::ports::StatsCheck> {
                $crate::shared::write_tx!(self, |tx| {
                    if !$lock_cases.is_empty() {
                        sqlx::query($lock_cases).execute(&mut *tx).await?;
                    }
                    recount_stats_in(&mut *tx, area_path, true).await?
                })
            }
        }
    };
}
pub(crate) use impl_stats_store;
