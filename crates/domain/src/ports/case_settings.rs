//! What case settings need from storage: the category tree, the deadline limits and the
//! calendar's years, with one version number that every change raises. App nodes compare
//! that number with the one they loaded, so a change on one node reaches the others.

use async_trait::async_trait;
use crate::error::Result;
use crate::model::NewAudit;
use crate::model::case::Category;
use crate::rules::calendar::CalendarDay;
use crate::rules::deadline::DeadlineLimit;

/// Everything the settings tables hold. `version` 0 means nothing was ever stored: the
/// shipped defaults are then written once (`seed_case_settings`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StoredCaseSettings {
    pub version: i64,
    pub categories: Vec<Category>,
    pub limits: Vec<DeadlineLimit>,
    /// The years the calendar holds, each with its rows.
    pub years: Vec<(i32, Vec<CalendarDay>)>,
}

#[async_trait]
pub trait CaseSettingsStore: Send + Sync {
    /// The settings version: one row, read on every check, so it must stay cheap.
    async fn case_settings_version(&self) -> Result<i64>;
    async fn load_case_settings(&self) -> Result<StoredCaseSettings>;
    /// Writes the defaults if the version is still 0 and answers whether it did; with
    /// several nodes starting at once, exactly one writes them.
    async fn seed_case_settings(&self, defaults: &StoredCaseSettings, audit: &NewAudit) -> Result<bool>;
    /// A new category; a conflict if the kind already has the code. Answers the new version.
    async fn insert_category(&self, c: &Category, audit: &NewAudit) -> Result<i64>;
    /// Saves names and the retired flag; not found if the category does not exist.
    async fn update_category(&self, c: &Category, audit: &NewAudit) -> Result<i64>;
    /// Replaces the whole table, if the version is still `expected_version` (when given).
    async fn replace_deadline_limits(&self, limits: &[DeadlineLimit], expected_version: Option<i64>, audit: &NewAudit) -> Result<i64>;
    /// Stores a year's rows; a conflict if the year is there and `replace` is false.
    async fn put_calendar_year(&self, year: i32, rows: &[CalendarDay], replace: bool, audit: &NewAudit) -> Result<i64>;
}
