//! Case settings as administrators keep them: the category tree, the deadline limits and the
//! calendar's years, stored in the database and shared by every app node.
//!
//! Each node keeps the settings it loaded behind an `Arc` and, at most every
//! `check_interval`, reads the settings version (one row) to see whether another node changed
//! them; if so it loads them again. Nodes behind a load balancer therefore agree within that
//! interval. A change made on this node is loaded at once.
//!
//! Changed deadline limits and calendar years apply to deadlines set afterwards (acceptance,
//! escalation and the other steps that restart a tier's clock); deadlines already on cases
//! stay as they were set.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::json;

use super::CaseSettings;
use crate::error::{DomainError, Result};
use crate::model::case::{CaseKind, Category, CategoryCode, CategoryTree};
use crate::ports::StoredCaseSettings;
use crate::rules::access::{Actor, Permission};
use crate::rules::calendar::{self, Calendar, CalendarDay};
use crate::rules::deadline::{DeadlineLimit, DeadlineLimits, Deadlines};
use crate::services::{Services, operator, to_json};

/// How often a node asks the database whether the settings changed, by default.
pub const DEFAULT_CHECK_INTERVAL: Duration = Duration::from_secs(2);

/// The settings a node holds and when it last compared their version with the database's.
pub(crate) struct SettingsCell {
    interval: Duration,
    current: RwLock<Option<(CaseSettings, Instant)>>,
}

impl SettingsCell {
    pub(crate) fn new(interval: Duration) -> Self {
        SettingsCell { interval, current: RwLock::new(None) }
    }

    fn get(&self) -> Option<(CaseSettings, Instant)> {
        self.current.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn put(&self, s: CaseSettings) {
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Some((s, Instant::now()));
    }
}

impl std::fmt::Debug for SettingsCell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SettingsCell").field("interval", &self.interval).finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct NewCategory {
    pub kind: CaseKind,
    /// The full dotted code; its parent is the code without the last segment.
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CategoryChange {
    pub name_zh: Option<String>,
    pub name_en: Option<String>,
    pub retired: Option<bool>,
}

/// A calendar year the admin page lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarYear {
    pub year: i32,
    pub holidays: usize,
    pub workdays: usize,
}

/// The shipped defaults, as they are written to an empty database.
fn defaults() -> StoredCaseSettings {
    let cal = Calendar::china();
    let years = cal.years().map(|y| (y, cal.rows().filter(|r| chrono::Datelike::year(&r.date) == y).cloned().collect())).collect();
    StoredCaseSettings {
        version: 0,
        categories: CategoryTree::defaults().all().cloned().collect(),
        limits: DeadlineLimits::defaults().list(),
        years,
    }
}

fn build(s: StoredCaseSettings) -> Result<CaseSettings> {
    let categories = CategoryTree::from_categories(s.categories)?;
    let limits = DeadlineLimits::from_table(&s.limits, &categories)?;
    let mut calendar = Calendar::default();
    for (year, rows) in s.years {
        calendar.add_year(year, rows)?;
    }
    Ok(CaseSettings { categories: Arc::new(categories), deadlines: Arc::new(Deadlines { calendar, limits }), version: s.version })
}

// Settings belong to the whole deployment; their audit rows carry the home area of whoever
// changed them, so that person's own office (and those above it) find them in the log.
impl Services {
    /// How often this node checks for settings changed elsewhere (default 2 s; 0 checks on
    /// every use).
    pub fn with_settings_check_interval(mut self, interval: Duration) -> Self {
        self.settings = Arc::new(SettingsCell::new(interval));
        self
    }

    /// The current case settings: what this node holds, checked against the database's
    /// version at most once per interval.
    pub async fn case_settings(&self) -> Result<CaseSettings> {
        let held = self.settings.get();
        if let Some((s, at)) = &held
            && at.elapsed() < self.settings.interval
        {
            return Ok(s.clone());
        }
        let version = self.store.case_settings_version().await?;
        match held {
            Some((s, _)) if version > 0 && s.version == version => {
                self.settings.put(s.clone());
                Ok(s)
            }
            _ => self.reload_case_settings().await,
        }
    }

    /// Loads the settings from the database now, writing the shipped defaults first if the
    /// database has none.
    pub async fn reload_case_settings(&self) -> Result<CaseSettings> {
        let mut stored = self.store.load_case_settings().await?;
        if stored.version == 0 {
            let seed = defaults();
            let after = json!({ "categories": seed.categories.len(), "limits": seed.limits.len(), "years": seed.years.iter().map(|y| y.0).collect::<Vec<_>>() });
            let audit = self.audit(&operator("system"), "case_settings.seed", "case_settings", "defaults", "/", None, Some(after));
            self.store.seed_case_settings(&seed, &audit).await?;
            stored = self.store.load_case_settings().await?;
        }
        let s = build(stored)?;
        self.settings.put(s.clone());
        Ok(s)
    }

    /// Adds a category under an existing one (or at the top of its kind).
    pub async fn add_category(&self, actor: &Actor, new: NewCategory) -> Result<Category> {
        actor.require(Permission::ManageCaseSettings)?;
        let code = CategoryCode::parse(&new.code).map_err(|_| DomainError::invalid("code", "error-case-category"))?;
        let c = Category { kind: new.kind, code, name_zh: new.name_zh.trim().to_string(), name_en: new.name_en.trim().to_string(), retired: false };
        let current = self.reload_case_settings().await?;
        current.categories.check_new(&c)?;
        let audit = self.audit(actor, "case_settings.category_add", "case_category", &entity(&c), &actor.home_area_path, None, to_json(&c));
        self.store.insert_category(&c, &audit).await?;
        self.reload_case_settings().await?;
        Ok(c)
    }

    /// Renames, retires or brings back a category. Retired ones stay on the cases that have
    /// them and are no longer offered on intake, nor is anything below them.
    pub async fn change_category(&self, actor: &Actor, kind: CaseKind, code: &str, change: CategoryChange) -> Result<Category> {
        actor.require(Permission::ManageCaseSettings)?;
        let current = self.reload_case_settings().await?;
        let before = CategoryCode::parse(code)
            .ok()
            .and_then(|c| current.categories.get(kind, c.as_str()).cloned())
            .ok_or(DomainError::NotFound("error-case-category-not-found"))?;
        let mut c = before.clone();
        if let Some(n) = change.name_zh {
            c.name_zh = n.trim().to_string();
        }
        if let Some(n) = change.name_en {
            c.name_en = n.trim().to_string();
        }
        if let Some(r) = change.retired {
            c.retired = r;
        }
        let name_ok = |s: &str| crate::model::case::one_line(s, 1, 64).is_some();
        if !name_ok(&c.name_zh) || !name_ok(&c.name_en) {
            return Err(DomainError::invalid("name", "error-case-category-name"));
        }
        let action = match (before.retired, c.retired) {
            (false, true) => "case_settings.category_retire",
            (true, false) => "case_settings.category_restore",
            _ => "case_settings.category_rename",
        };
        let audit = self.audit(actor, action, "case_category", &entity(&c), &actor.home_area_path, to_json(&before), to_json(&c));
        self.store.update_category(&c, &audit).await?;
        self.reload_case_settings().await?;
        Ok(c)
    }

    /// Replaces the deadline table. `expected_version` guards against overwriting a change
    /// made since the caller loaded the table.
    pub async fn set_deadline_limits(&self, actor: &Actor, limits: Vec<DeadlineLimit>, expected_version: Option<i64>) -> Result<CaseSettings> {
        actor.require(Permission::ManageCaseSettings)?;
        let current = self.reload_case_settings().await?;
        if expected_version.is_some_and(|v| v != current.version) {
            return Err(DomainError::Conflict("error-settings-version-stale"));
        }
        DeadlineLimits::from_table(&limits, &current.categories)?;
        let audit = self.audit(actor, "case_settings.limits", "deadline_limits", "table", &actor.home_area_path, to_json(&current.deadlines.limits.list()), to_json(&limits));
        self.store.replace_deadline_limits(&limits, expected_version, &audit).await?;
        self.reload_case_settings().await
    }

    /// Adds a calendar year from the State Council's notice, or corrects one (`replace`).
    pub async fn add_calendar_year(&self, actor: &Actor, year: i32, rows: Vec<CalendarDay>, replace: bool) -> Result<CalendarYear> {
        actor.require(Permission::ManageCaseSettings)?;
        calendar::check_year(year, &rows)?;
        let current = self.reload_case_settings().await?;
        if !replace && current.deadlines.calendar.years().any(|y| y == year) {
            return Err(DomainError::Conflict("error-calendar-year-exists"));
        }
        let after = json!({ "year": year, "days": rows });
        let audit = self.audit(actor, "case_settings.calendar_year", "calendar_year", &year.to_string(), &actor.home_area_path, None, Some(after));
        self.store.put_calendar_year(year, &rows, replace, &audit).await?;
        self.reload_case_settings().await?;
        Ok(year_summary(year, &rows))
    }

    /// The years the calendar holds, oldest first. Anyone who sees cases may read them: the
    /// deadlines on their cases come from it.
    pub async fn calendar_years(&self, actor: &Actor) -> Result<Vec<CalendarYear>> {
        actor.require(Permission::ViewCases)?;
        let s = self.case_settings().await?;
        let cal = &s.deadlines.calendar;
        Ok(cal
            .years()
            .map(|y| year_summary(y, &cal.rows().filter(|r| chrono::Datelike::year(&r.date) == y).cloned().collect::<Vec<_>>()))
            .collect())
    }

    /// One year's holidays and make-up working days, in date order.
    pub async fn calendar_year(&self, actor: &Actor, year: i32) -> Result<Vec<CalendarDay>> {
        actor.require(Permission::ViewCases)?;
        let s = self.case_settings().await?;
        let cal = &s.deadlines.calendar;
        if !cal.years().any(|y| y == year) {
            return Err(DomainError::NotFound("error-calendar-year-not-found"));
        }
        Ok(cal.rows().filter(|r| chrono::Datelike::year(&r.date) == year).cloned().collect())
    }
}

fn entity(c: &Category) -> String {
    format!("{}:{}", c.kind.as_str(), c.code)
}

fn year_summary(year: i32, rows: &[CalendarDay]) -> CalendarYear {
    let holidays = rows.iter().filter(|r| r.kind == calendar::DayKind::Holiday).count();
    CalendarYear { year, holidays, workdays: rows.len() - holidays }
}
