//! How long a tier has to conclude a case (时限), in working days, per kind × category × tier.
//!
//! The clock restarts whenever a tier receives the case (acceptance, escalation, dispatch,
//! return, reopening, leaving the backlog) because each tier answers for its own time; the
//! first tier's lateness stays visible in the timeline.
//!
//! No national rule fixes these numbers for all three kinds; the defaults are assumptions an
//! office overrides, each with the source it leans on:
//! - disputes: the Ministry of Justice's rules on people's mediation work say mediation is
//!   normally finished within one month. Community 15 working days (three weeks) leaves the
//!   rest of that month for the street; street 20 (about one calendar month); district 30.
//!   Labour disputes: the Labour Dispute Mediation and Arbitration Law (art. 14) lets a party
//!   go to arbitration when mediation has not ended within 15 days of the application, so
//!   10 working days (about 15 calendar days) at the community.
//! - demands: common practice of the 12345 hotlines under the State Council General Office's
//!   2020 guidance on hotlines: ordinary matters within 5 working days, complex ones 10–15.
//!   Community 5, street 10, district 15.
//! - hazards: the Work Safety Law asks for hazards to be removed at once and major ones to be
//!   controlled and reported; no number of days. Community 1 working day, street 2, district 3,
//!   meaning the hazard is controlled (not necessarily repaired) by then.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::calendar::{Calendar, CalendarError};
use crate::error::{DomainError, Result};
use crate::model::case::{CaseKind, CategoryCode, CategoryTree, HandlingLevel};

/// Longest limit an office may set: a year of working days.
pub const MAX_LIMIT_DAYS: u32 = 250;

/// One override, as an admin page stores it. `category: None` sets the kind's own default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeadlineLimit {
    pub kind: CaseKind,
    /// A category code of the kind; absent or null for the kind's own default.
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "labour")]
    pub category: Option<CategoryCode>,
    pub level: HandlingLevel,
    /// Working days, 1 to 250.
    #[schema(minimum = 1, maximum = 250, example = 10)]
    pub working_days: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineLimits {
    // Keyed by names: kinds carry no order of their own. An empty category is the kind's default.
    days: BTreeMap<(&'static str, String, HandlingLevel), u32>,
}

impl Default for DeadlineLimits {
    fn default() -> Self {
        DeadlineLimits::defaults()
    }
}

impl DeadlineLimits {
    pub fn defaults() -> Self {
        use CaseKind::*;
        use HandlingLevel::*;
        let mut l = DeadlineLimits { days: BTreeMap::new() };
        for (kind, c, s, d) in [(Dispute, 15, 20, 30), (Demand, 5, 10, 15), (Hazard, 1, 2, 3)] {
            for (level, n) in [(Community, c), (Street, s), (District, d)] {
                l.days.insert((kind.as_str(), String::new(), level), n);
            }
        }
        l.days.insert((Dispute.as_str(), "labour".into(), Community), 10);
        l
    }

    /// Sets one limit; later overrides replace earlier ones for the same key.
    pub fn set(&mut self, limit: &DeadlineLimit) -> Result<()> {
        // Zero would make a case due the day it arrives, before anyone could act on it.
        if limit.working_days == 0 || limit.working_days > MAX_LIMIT_DAYS {
            return Err(DomainError::invalid("working_days", "error-deadline-limit"));
        }
        let category = limit.category.as_ref().map(|c| c.as_str().to_string()).unwrap_or_default();
        self.days.insert((limit.kind.as_str(), category, limit.level), limit.working_days);
        Ok(())
    }

    /// A whole table as an administrator sets it: every limit in range, no key twice, each
    /// category known to its kind (retired ones included: old cases still use them), and a
    /// default for every kind and level so that every case gets a limit.
    pub fn from_table(limits: &[DeadlineLimit], categories: &CategoryTree) -> Result<Self> {
        let mut l = DeadlineLimits { days: BTreeMap::new() };
        for limit in limits {
            if let Some(c) = &limit.category
                && categories.get(limit.kind, c.as_str()).is_none()
            {
                return Err(DomainError::invalid("category", "error-case-category"));
            }
            let key = (limit.kind.as_str(), limit.category.as_ref().map(|c| c.as_str().to_string()).unwrap_or_default(), limit.level);
            if l.days.contains_key(&key) {
                return Err(DomainError::invalid("limits", "error-deadline-limit-duplicate"));
            }
            l.set(limit)?;
        }
        for kind in CaseKind::ALL {
            for level in HandlingLevel::ALL {
                if !l.days.contains_key(&(kind.as_str(), String::new(), level)) {
                    return Err(DomainError::invalid("limits", "error-deadline-limit-default-missing"));
                }
            }
        }
        Ok(l)
    }

    pub fn with(mut self, limits: &[DeadlineLimit]) -> Result<Self> {
        for l in limits {
            self.set(l)?;
        }
        Ok(self)
    }

    /// The most specific limit: the category, then each ancestor category, then the kind.
    pub fn working_days(&self, kind: CaseKind, category: &CategoryCode, level: HandlingLevel) -> u32 {
        category
            .lineage()
            .into_iter()
            .chain(std::iter::once(""))
            .find_map(|c| self.days.get(&(kind.as_str(), c.to_string(), level)).copied())
            // Defaults cover every kind and level; a missing entry can only come from a bug.
            .unwrap_or(MAX_LIMIT_DAYS)
    }

    /// Every limit, for the admin page.
    pub fn list(&self) -> Vec<DeadlineLimit> {
        self.days
            .iter()
            .map(|((kind, category, level), days)| DeadlineLimit {
                kind: CaseKind::parse(kind).expect("keys come from kinds"),
                category: (!category.is_empty()).then(|| CategoryCode::parse(category).expect("keys come from codes")),
                level: *level,
                working_days: *days,
            })
            .collect()
    }
}

/// The calendar and the limits together: everything needed to put a date on a case.
#[derive(Debug, Clone)]
pub struct Deadlines {
    pub calendar: Calendar,
    pub limits: DeadlineLimits,
}

impl Default for Deadlines {
    fn default() -> Self {
        Deadlines { calendar: Calendar::china().clone(), limits: DeadlineLimits::defaults() }
    }
}

impl Deadlines {
    pub fn due(
        &self,
        kind: CaseKind,
        category: &CategoryCode,
        level: HandlingLevel,
        from: DateTime<Utc>,
    ) -> std::result::Result<DateTime<Utc>, CalendarError> {
        self.calendar.add_working_days(from, self.limits.working_days(kind, category, level))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn code(s: &str) -> CategoryCode {
        CategoryCode::parse(s).unwrap()
    }

    #[test]
    fn the_most_specific_limit_wins() {
        let l = DeadlineLimits::defaults();
        assert_eq!(l.working_days(CaseKind::Dispute, &code("neighbour.noise"), HandlingLevel::Community), 15);
        assert_eq!(l.working_days(CaseKind::Dispute, &code("labour.wage_arrears"), HandlingLevel::Community), 10);
        assert_eq!(l.working_days(CaseKind::Dispute, &code("labour"), HandlingLevel::Street), 20);
        assert_eq!(l.working_days(CaseKind::Demand, &code("heating"), HandlingLevel::Street), 10);
        assert_eq!(l.working_days(CaseKind::Hazard, &code("fire.ebike_charging"), HandlingLevel::Community), 1);
        let l = l
            .with(&[
                DeadlineLimit {
                    kind: CaseKind::Hazard,
                    category: Some(code("fire")),
                    level: HandlingLevel::Community,
                    working_days: 2,
                },
                DeadlineLimit { kind: CaseKind::Demand, category: None, level: HandlingLevel::Community, working_days: 3 },
            ])
            .unwrap();
        assert_eq!(l.working_days(CaseKind::Hazard, &code("fire.ebike_charging"), HandlingLevel::Community), 2);
        assert_eq!(l.working_days(CaseKind::Hazard, &code("gas"), HandlingLevel::Community), 1);
        assert_eq!(l.working_days(CaseKind::Demand, &code("heating"), HandlingLevel::Community), 3);
        assert!(l.list().iter().any(|d| d.category == Some(code("fire")) && d.working_days == 2));
    }

    #[test]
    fn limits_are_bounded() {
        let mut l = DeadlineLimits::defaults();
        let too_long =
            DeadlineLimit { kind: CaseKind::Dispute, category: None, level: HandlingLevel::District, working_days: 251 };
        assert_eq!(l.set(&too_long), Err(DomainError::invalid("working_days", "error-deadline-limit")));
        let zero = DeadlineLimit { working_days: 0, ..too_long };
        assert_eq!(l.set(&zero), Err(DomainError::invalid("working_days", "error-deadline-limit")));
    }

    #[test]
    fn a_table_must_cover_every_kind_and_level() {
        let tree = CategoryTree::defaults();
        let full = DeadlineLimits::defaults().list();
        assert_eq!(DeadlineLimits::from_table(&full, &tree).unwrap(), DeadlineLimits::defaults());
        let short: Vec<_> = full.iter().filter(|l| l.category.is_some() || l.kind != CaseKind::Hazard).cloned().collect();
        assert_eq!(DeadlineLimits::from_table(&short, &tree), Err(DomainError::invalid("limits", "error-deadline-limit-default-missing")));
        let mut twice = full.clone();
        twice.push(full[0].clone());
        assert_eq!(DeadlineLimits::from_table(&twice, &tree), Err(DomainError::invalid("limits", "error-deadline-limit-duplicate")));
        let mut unknown = full;
        unknown.push(DeadlineLimit { kind: CaseKind::Demand, category: Some(code("noise")), level: HandlingLevel::Street, working_days: 3 });
        assert_eq!(DeadlineLimits::from_table(&unknown, &tree), Err(DomainError::invalid("category", "error-case-category")));
    }

    #[test]
    fn a_dispute_accepted_before_spring_festival_is_due_after_it() {
        // Accepted Thursday 2024-02-01 at the community: 15 working days, skipping 2024-02-10..17
        // and counting the make-up Sundays 2024-02-04 and 2024-02-18.
        let d = Deadlines::default();
        let from = Utc.with_ymd_and_hms(2024, 2, 1, 2, 0, 0).unwrap();
        let due = d.due(CaseKind::Dispute, &code("neighbour"), HandlingLevel::Community, from).unwrap();
        assert_eq!(super::super::calendar::local_date(due).to_string(), "2024-02-27");
    }
}
