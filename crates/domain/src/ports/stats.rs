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
/// Asia/Shanghai days), under one area path.
#[derive(Debug, Clone)]
pub struct OverdueQuery {
    pub area_path: String,
    pub taken_in_from: DateTime<Utc>,
    pub taken_in_before: DateTime<Utc>,
    pub now: DateTime<Utc>,
    pub kind: Option<String>,
    pub category: Option<String>,
}

/// A stored sum that differs from the recount (either may be missing: zero).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsDifference {
    pub key: StatsKey,
    pub stored: Counters,
    pub recounted: Counters,
}

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
    /// Overdue cases under `q.area_path`, counted in one pass per group of paths sharing their
    /// first `prefix_len` characters: with a child's path length, one row per child (and one
    /// for cases placed on the area itself), where a query per child would read it all twice.
    async fn count_overdue_by_prefix(&self, q: &OverdueQuery, prefix_len: usize) -> Result<Vec<(String, i64)>>;
    /// Intake and resolved counted straight from the cases (a GROUP BY over the raw rows),
    /// not from the sums: what the benchmark sets beside the sums, and a second opinion.
    async fn recount_intake_resolved(&self, area_path: &str, from: DateTime<Utc>, before: DateTime<Utc>) -> Result<(i64, i64)>;
    /// Recounts the sums of every area in the subtree at `area_path` from its cases in one
    /// snapshot and compares them with the stored ones.
    async fn verify_case_stats(&self, area_path: &str) -> Result<StatsCheck>;
    /// Replaces the stored sums of the subtree at `area_path` with a recount, in one write
    /// transaction that holds case writes off meanwhile. Areas above the subtree are not
    /// touched (their sums cover other subtrees too): repair from a root to mend everything.
    /// Returns what the check before the rebuild found.
    async fn rebuild_case_stats(&self, area_path: &str) -> Result<StatsCheck>;
}
