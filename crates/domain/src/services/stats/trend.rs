//! What the dashboard draws beyond the figures themselves: intake and resolved month by
//! month, and the cases still open in each child area (for shading the map). Both start from
//! figures `case_figures` has already checked (scope, period, category), so a page asks its
//! questions once and these only add the series.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::Serialize;

use super::ranges;
use crate::error::Result;
use crate::model::case::CaseStatus;
use crate::model::stats::{CaseFigures, IntakeResolved};
use crate::ports::StatsFilter;
use crate::rules::access::{Actor, Permission};
use crate::rules::case_stats::{COUNTERS, idx, month_of};
use crate::services::Services;

/// Beyond this many months a series is drawn by year: 120 bars do not fit a phone, and each
/// step costs one read of the sums.
const MONTHS_IN_A_SERIES: usize = 36;

/// One step of a series: the cases taken in during `[from, to]` and those of them resolved.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TrendStep {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Months (`2024-03`) or years (`2024`), as the step is long.
    pub label: String,
    #[serde(flatten)]
    pub figures: IntakeResolved,
}

/// The steps `[from, to]` splits into: calendar months, or calendar years for long periods,
/// the first and last cut to the period.
pub fn steps(from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, NaiveDate, String)> {
    let months = ((to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32 + 1) as usize;
    let by_year = months > MONTHS_IN_A_SERIES;
    let mut v = Vec::new();
    let mut start = from;
    while start <= to {
        let next = if by_year {
            NaiveDate::from_ymd_opt(start.year() + 1, 1, 1).expect("years stay within 2000–2100")
        } else {
            month_of(start).checked_add_months(Months::new(1)).expect("dates stay within 2000–2100")
        };
        let end = (next - Days::new(1)).min(to);
        let label = if by_year { start.format("%Y").to_string() } else { start.format("%Y-%m").to_string() };
        v.push((start, end, label));
        start = next;
    }
    v
}

fn open_statuses() -> impl Iterator<Item = &'static str> {
    CaseStatus::ALL.iter().copied().filter(|s| !s.is_terminal() && !s.is_after_conclusion()).map(|s| COUNTERS[idx(&format!("st_{}", s.as_str()))])
}

impl Services {
    /// Intake and resolved of `f`'s area for each month (or year) of its period.
    pub async fn case_trend(&self, actor: &Actor, f: &CaseFigures) -> Result<Vec<TrendStep>> {
        actor.require(Permission::ViewCases)?;
        // The figures name an area; it must still be one this caller may see.
        self.area(actor, &f.area.code).await?;
        let mut out = Vec::new();
        for (from, to, label) in steps(f.from, f.to) {
            let filter = StatsFilter { area_codes: vec![f.area.code.clone()], ranges: ranges(from, to), kind: f.kind.clone(), category: f.category.clone() };
            let (mut intake, mut resolved) = (0, 0);
            for t in self.store.sum_case_totals(&filter, &["intake", "resolved"]).await? {
                intake += t.values[0];
                resolved += t.values[1];
            }
            out.push(TrendStep { from, to, label, figures: IntakeResolved::new(intake, resolved) });
        }
        Ok(out)
    }

    /// Of the cases each child area of `f` took in during the period, those still being
    /// handled (在办: neither concluded nor declined), by child code: the map's "open" shading.
    pub async fn case_open_by_child(&self, actor: &Actor, f: &CaseFigures) -> Result<BTreeMap<String, i64>> {
        actor.require(Permission::ViewCases)?;
        self.area(actor, &f.area.code).await?;
        let mut out: BTreeMap<String, i64> = f.children.iter().map(|c| (c.area.code.clone(), 0)).collect();
        if out.is_empty() {
            return Ok(out);
        }
        let filter = StatsFilter { area_codes: out.keys().cloned().collect(), ranges: ranges(f.from, f.to), kind: f.kind.clone(), category: f.category.clone() };
        let open: Vec<&str> = open_statuses().collect();
        for t in self.store.sum_case_totals(&filter, &open).await? {
            *out.entry(t.area_code).or_default() += t.values.iter().sum::<i64>();
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_period_splits_into_calendar_months_cut_to_its_ends() {
        let s = steps(d(2024, 1, 15), d(2024, 3, 10));
        assert_eq!(s, vec![
            (d(2024, 1, 15), d(2024, 1, 31), "2024-01".to_string()),
            (d(2024, 2, 1), d(2024, 2, 29), "2024-02".to_string()),
            (d(2024, 3, 1), d(2024, 3, 10), "2024-03".to_string()),
        ]);
        assert_eq!(steps(d(2024, 1, 1), d(2024, 12, 31)).len(), 12);
        assert_eq!(steps(d(2024, 5, 5), d(2024, 5, 5)), vec![(d(2024, 5, 5), d(2024, 5, 5), "2024-05".to_string())]);
    }

    #[test]
    fn long_periods_go_by_year() {
        let s = steps(d(2020, 6, 1), d(2024, 2, 10));
        assert_eq!(s.first().unwrap(), &(d(2020, 6, 1), d(2020, 12, 31), "2020".to_string()));
        assert_eq!(s.last().unwrap(), &(d(2024, 1, 1), d(2024, 2, 10), "2024".to_string()));
        assert_eq!(s.len(), 5);
        assert_eq!(steps(d(2022, 1, 1), d(2024, 12, 31)).len(), 36, "three whole years still go by month");
    }

    #[test]
    fn open_means_still_being_handled() {
        let open: Vec<&str> = open_statuses().collect();
        assert!(open.contains(&"st_reported") && open.contains(&"st_in_progress") && open.contains(&"st_backlog"));
        for done in ["st_concluded", "st_verified", "st_closed", "st_declined"] {
            assert!(!open.contains(&done), "{done}");
        }
    }
}
