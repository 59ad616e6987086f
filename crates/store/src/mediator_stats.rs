//! The mediator and room figures' half of the store (`MediatorStatsStore`), for both
//! backends: one grouped scan of a subtree's cases over a period, on `cases_figures`.

/// The counts every group reports, as SQL (fixed outcome names from the domain).
pub(crate) const OUTCOME_COUNTS: &str = "COUNT(*) AS cases, \
    CAST(SUM(CASE WHEN outcome IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS concluded, \
    CAST(SUM(CASE WHEN outcome IN ('resolved_by_agreement', 'resolved_otherwise') THEN 1 ELSE 0 END) AS BIGINT) AS resolved, \
    CAST(SUM(CASE WHEN outcome = 'resolved_by_agreement' THEN 1 ELSE 0 END) AS BIGINT) AS by_agreement";

/// The slice's bounds: `$1`–`$4`.
/// Duplicates (重复件) are left out: their matter is counted with the case they duplicate.
pub(crate) const SLICE: &str = "area_path >= $1 AND area_path < $2 AND created_at >= $3 AND created_at < $4 \
    AND (outcome IS NULL OR outcome <> 'duplicate')";

macro_rules! impl_mediator_stats_store {
    ($store:ty, $row:ty, $conn:ty) => {
        mod mediator_stats_rows {
            use fengqiao_domain::ports::OutcomeCounts;
            use sqlx::Row;

            pub(crate) fn counts(r: &$row) -> Result<OutcomeCounts, sqlx::Error> {
                // SUM over no rows is NULL.
                let n = |c: &str| r.try_get::<Option<i64>, _>(c).map(Option::unwrap_or_default);
                Ok(OutcomeCounts { cases: n("cases")?, concluded: n("concluded")?, resolved: n("resolved")?, by_agreement: n("by_agreement")? })
            }
        }

        impl $store {
            /// `SELECT {head} <counts> FROM cases WHERE <slice> AND <category> {tail}`: the one
            /// scan every mediator and room figure is grouped from.
            async fn slice_rows(&self, head: &str, tail: &str, q: &fengqiao_domain::ports::CaseSlice, category: Option<&str>) -> fengqiao_domain::Result<Vec<$row>> {
                let sql = format!(
                    "SELECT {head} {counts} FROM cases WHERE {slice} AND ($5 IS NULL OR category = $5 OR category LIKE $6) {tail}",
                    counts = $crate::mediator_stats::OUTCOME_COUNTS,
                    slice = $crate::mediator_stats::SLICE,
                );
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(&q.area_path)
                    .bind($crate::shared::prefix_upper(&q.area_path))
                    .bind(q.taken_in_from)
                    .bind(q.taken_in_before)
                    .bind(category)
                    .bind(category.map(|c| format!("{c}.%")))
                    .fetch_all(self.reader())
                    .await
                    .map_err($crate::error::map)
            }
        }

        #[async_trait::async_trait]
        impl fengqiao_domain::ports::MediatorStatsStore for $store {
            async fn handler_counts(&self, q: &fengqiao_domain::ports::CaseSlice) -> fengqiao_domain::Result<Vec<fengqiao_domain::ports::HandlerCounts>> {
                use sqlx::Row;
                let rows = self
                    .slice_rows("handler_id, MAX(handler_name) AS handler_name,", "AND handler_id IS NOT NULL GROUP BY handler_id ORDER BY cases DESC, handler_id", q, None)
                    .await?;
                rows.iter()
                    .map(|r| {
                        Ok(fengqiao_domain::ports::HandlerCounts {
                            handler_id: r.try_get("handler_id")?,
                            handler_name: r.try_get::<Option<String>, _>("handler_name")?.unwrap_or_default(),
                            counts: mediator_stats_rows::counts(r)?,
                        })
                    })
                    .collect::<Result<_, sqlx::Error>>()
                    .map_err($crate::error::map)
            }

            async fn room_counts(&self, q: &fengqiao_domain::ports::CaseSlice) -> fengqiao_domain::Result<Vec<fengqiao_domain::ports::RoomCounts>> {
                use sqlx::Row;
                let rows = self.slice_rows("partner_room,", "AND partner_room IS NOT NULL GROUP BY partner_room ORDER BY partner_room", q, None).await?;
                rows.iter()
                    .map(|r| Ok(fengqiao_domain::ports::RoomCounts { room: r.try_get("partner_room")?, counts: mediator_stats_rows::counts(r)? }))
                    .collect::<Result<_, sqlx::Error>>()
                    .map_err($crate::error::map)
            }

            async fn dispute_counts(&self, q: &fengqiao_domain::ports::CaseSlice, category: Option<&str>) -> fengqiao_domain::Result<fengqiao_domain::ports::OutcomeCounts> {
                let rows = self.slice_rows("", "AND kind = 'dispute'", q, category).await?;
                rows.first().map(mediator_stats_rows::counts).transpose().map_err($crate::error::map).map(Option::unwrap_or_default)
            }
        }
    };
}
pub(crate) use impl_mediator_stats_store;
