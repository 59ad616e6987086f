//! What the figures need from storage: sums the write path keeps current, live counts of
//! what depends on the clock, and a recount from raw records to prove the sums right.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use crate::error::Result;
use crate::rules::case_stats::{Counters, Grain, StatsKey};

/// A stretch of periods of one grain, `from` inclusive, `until` exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodRange {
    pub grain: Grain,
    pub from: NaiveDate,
    pub until: NaiveDate,
}

/// Which sums to add up: the areas (by code), the stretches of periods, and optionally one
/// kind and one category (with its sub-categories).
#[derive(Debug, Clone, Default)]
pub struct StatsFilter {
    pub area_codes: Vec<String>,
    pub ranges: Vec<PeriodRange>,
    pub kind: Option<String>,
    pub category: Option<String>,
}

/// Sums for one area, kind and category over the filter's periods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsSum {
    pub area_code: String,
    pub kind: String,
    pub category: String,
    pub counters: Counters,
}

/// Open cases past their deadline at `now`, taken in during `[from, until)` (UTC bounds of
/// Asia/Shanghai days), under one area path: the part the sums do not hold, counted live.
#[derive(Debug, Clone)]
pub struct OverdueQuery {
    pub area_path: String,
    pub taken_in_from: DateTime<Utc>,
    pub taken_in_before: DateTime<Utc>,
    pub now: DateTime<Utc>,
    pub kind: Option<String>,
    pub category: Option<String>,
}

/// Sums of a few named counters for one area over a filter's periods, all kinds and
/// categories together; `values` are in the order the counters were named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaTotals {
    pub area_code: String,
    pub values: Vec<i64>,
}

/// The sums for a figure and the live part of overdue, read in one snapshot so that a move of
/// the overdue mark between the two reads can neither count a case twice nor miss it.
#[derive(Debug, Clone, Default)]
pub struct FigureSums {
    pub sums: Vec<StatsSum>,
    /// The child areas' `CHILD_COUNTERS`.
    pub children: Vec<AreaTotals>,
    /// Per group of paths (see `figure_sums`), the open cases whose deadline lies between the
    /// overdue mark and `now`: added to `overdue_settled` it gives overdue at `now`. Negative
    /// when the mark stands after `now` (a clock set back): those settled cases are not due yet.
    pub overdue_unsettled: Vec<(String, i64)>,
}

/// Figures counted from the raw cases (`recount_figures`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawFigures {
    pub intake: i64,
    pub resolved: i64,
    pub overdue: i64,
}

/// What one move of the overdue mark did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MarkStep {
    /// Cases whose deadline the mark passed (each moved into `overdue_settled`).
    pub cases: u64,
    /// The mark has reached `now`: nothing is left to settle.
    pub caught_up: bool,
}

/// A stored sum that differs from the recount (either may be missing: zero).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsDifference {
    pub key: StatsKey,
    pub stored: Counters,
    pub recounted: Counters,
}

/// How far a recount has got: areas finished of those in the subtree, cases read so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatsProgress {
    pub areas_done: u64,
    pub areas: u64,
    pub cases: u64,
}

/// Told of each area a recount finishes; a city's recount at ten million cases takes half an
/// hour, which an operator should see moving.
pub type StatsProgressFn<'a> = &'a mut (dyn FnMut(StatsProgress) + Send);

/// What a check of one subtree found.
#[derive(Debug, Clone, Default)]
pub struct StatsCheck {
    pub cases: u64,
    pub rows: u64,
    pub differences: Vec<StatsDifference>,
}

#[async_trait]
pub trait StatsStore: Send + Sync {
    /// Paths of the areas with no parent (the city, usually one).
    async fn root_area_paths(&self) -> Result<Vec<String>>;
    async fn sum_case_stats(&self, f: &StatsFilter) -> Result<Vec<StatsSum>>;
    /// Sums of `counters` per area of `f`, without the kind and category breakdown: a trend
    /// step or a map's shading reads only the columns it shows. An unknown counter name is
    /// an internal error.
    async fn sum_case_totals(&self, f: &StatsFilter, counters: &[&str]) -> Result<Vec<AreaTotals>>;
    /// `sum_case_stats(f)`, the `CHILD_COUNTERS` of `children` over the same periods, kind and
    /// category, and, in the same snapshot, the live part of overdue under
    /// `q.area_path`, counted in one pass per group of paths sharing their first `prefix_len`
    /// characters: with a child's path length, one row per child (and one for cases placed on
    /// the area itself), where a query per child would read it all twice.
    async fn figure_sums(&self, f: &StatsFilter, children: &[String], q: &OverdueQuery, prefix_len: usize) -> Result<FigureSums>;
    /// Moves the overdue mark towards `now` over at most about `limit` deadlines, adding each
    /// open case it passes to `overdue_settled`, in one write transaction that holds case
    /// writes off (a write in flight computes its sums with the mark it finds after its own
    /// write). Never moves the mark back.
    async fn settle_overdue(&self, now: DateTime<Utc>, limit: i64) -> Result<MarkStep>;
    /// Intake, resolved and overdue at `now` counted straight from the cases (each from an
    /// index over the raw rows), not from the sums: what the benchmark sets beside the figures, and a
    /// second opinion.
    async fn recount_figures(&self, area_path: &str, from: DateTime<Utc>, before: DateTime<Utc>, now: DateTime<Utc>) -> Result<RawFigures>;
    /// Recounts the sums of every area in the subtree at `area_path` from its cases in one
    /// snapshot and compares them with the stored ones.
    async fn verify_case_stats(&self, area_path: &str, progress: StatsProgressFn<'_>) -> Result<StatsCheck>;
    /// Replaces the stored sums of the subtree at `area_path` with a recount, in one write
    /// transaction that holds case writes off meanwhile. Areas above the subtree are not
    /// touched (their sums cover other subtrees too): repair from a root to mend everything.
    /// Returns what the check before the rebuild found.
    async fn rebuild_case_stats(&self, area_path: &str, progress: StatsProgressFn<'_>) -> Result<StatsCheck>;
}
