//! Figures: the case figures for any area in the caller's scope and any period, read from the
//! sums the write path keeps, and the check that those sums equal a recount.

pub mod trend;

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate};

use crate::error::{DomainError, Result};
use crate::model::case::{CaseKind, CaseStatus, CategoryCode};
use crate::model::stats::{AreaRef, CaseFigures, CategoryFigures, ChildFigures, IntakeResolved, LevelFigures, RoomFigures, SatisfactionFigures, share};
use crate::model::{Area, NewAudit};
use crate::ports::{FigureSums, MarkStep, OverdueQuery, PeriodRange, StatsCheck, StatsFilter, StatsProgressFn};
use crate::rules::access::{Actor, Permission};
use crate::rules::calendar::{local_date, start_of_day};
use crate::rules::case_stats::{COUNTERS, Counters, Grain, N, idx, month_of, year_of};
use crate::services::Services;

mod mediators;

/// A period longer than this is refused: the data a city keeps online is about a decade, and
/// a fifty-year query is a typo, not a question.
pub const MAX_PERIOD_DAYS: u64 = 3_700;
/// Dates outside these years are typos too.
const FIRST_YEAR: i32 = 2000;
const LAST_YEAR: i32 = 2099;

/// What a caller asks for: an area (their home area when absent) and a period (this year to
/// date when absent), optionally one kind and one category with its sub-categories.
#[derive(Debug, Clone, Default)]
pub struct FigureQuery {
    pub area_code: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub kind: Option<CaseKind>,
    pub category: Option<String>,
}

/// The periods `[from, to]` cover, as the fewest rows: whole years from the year sums, whole
/// months of the ragged years from the month sums, and the ragged ends from the day sums.
pub fn ranges(from: NaiveDate, to: NaiveDate) -> Vec<PeriodRange> {
    let until = to + Days::new(1);
    let first_whole = if from.ordinal() == 1 { from } else { next_year(year_of(from)) };
    let end_whole = year_of(until);
    if first_whole >= end_whole {
        return month_ranges(from, until);
    }
    let mut v = month_ranges(from, first_whole);
    v.push(PeriodRange { grain: Grain::Year, from: first_whole, until: end_whole });
    v.extend(month_ranges(end_whole, until));
    v
}

/// `[from, until)` as whole months and the days at either end (nothing if it is empty).
fn month_ranges(from: NaiveDate, until: NaiveDate) -> Vec<PeriodRange> {
    if from >= until {
        return Vec::new();
    }
    let first_whole = if from.day() == 1 { from } else { next_month(month_of(from)) };
    let end_whole = month_of(until);
    if first_whole >= end_whole {
        return vec![PeriodRange { grain: Grain::Day, from, until }];
    }
    let mut v = Vec::with_capacity(3);
    if from < first_whole {
        v.push(PeriodRange { grain: Grain::Day, from, until: first_whole });
    }
    v.push(PeriodRange { grain: Grain::Month, from: first_whole, until: end_whole });
    if end_whole < until {
        v.push(PeriodRange { grain: Grain::Day, from: end_whole, until });
    }
    v
}

fn next_year(first: NaiveDate) -> NaiveDate {
    first.with_year(first.year() + 1).expect("dates stay within 2000–2100")
}

fn next_month(first: NaiveDate) -> NaiveDate {
    first.checked_add_months(chrono::Months::new(1)).expect("dates stay within 2000–2100")
}

fn add(into: &mut Counters, v: &Counters) {
    for (a, b) in into.iter_mut().zip(v) {
        *a += b;
    }
}

fn area_ref(a: &Area) -> AreaRef {
    AreaRef { code: a.code.to_string(), name: a.name.clone(), level: a.level }
}

impl Services {
    /// Checks a period: both ends real dates in range, in order, not absurdly long.
    pub fn check_period(&self, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<(NaiveDate, NaiveDate)> {
        let today = local_date(self.clock.now());
        let to = to.unwrap_or(today);
        let from = from.unwrap_or_else(|| NaiveDate::from_ymd_opt(to.year(), 1, 1).expect("1 January exists"));
        for (field, d) in [("from", from), ("to", to)] {
            if !(FIRST_YEAR..=LAST_YEAR).contains(&d.year()) {
                return Err(DomainError::invalid(field, "error-period-out-of-range"));
            }
        }
        if from > to {
            return Err(DomainError::invalid("from", "error-period-inverted"));
        }
        if (to - from).num_days() as u64 >= MAX_PERIOD_DAYS {
            return Err(DomainError::invalid("to", "error-period-too-long"));
        }
        Ok((from, to))
    }

    pub async fn case_figures(&self, actor: &Actor, q: &FigureQuery) -> Result<CaseFigures> {
        actor.require(Permission::ViewCases)?;
        let area = match &q.area_code {
            Some(code) => self.area(actor, code).await?,
            None => self.home_area(actor).await?,
        };
        let (from, to) = self.check_period(q.from, q.to)?;
        let settings = self.case_settings().await?;
        let category = match q.category.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            None => None,
            Some(c) => {
                let code = CategoryCode::parse(c)?;
                let known = match q.kind {
                    Some(k) => settings.categories.get(k, code.as_str()).is_some(),
                    None => CaseKind::ALL.iter().any(|k| settings.categories.get(*k, code.as_str()).is_some()),
                };
                if !known {
                    return Err(DomainError::invalid("category", "error-case-category"));
                }
                Some(code.as_str().to_string())
            }
        };
        let children = self.store.area_children(area.id, false).await?;
        let child_codes: Vec<String> = children.iter().map(|c| c.code.to_string()).collect();
        let filter = StatsFilter { area_codes: vec![area.code.to_string()], ranges: ranges(from, to), kind: q.kind.map(|k| k.as_str().to_string()), category: category.clone() };
        let overdue = OverdueQuery {
            area_path: area.path.clone(),
            taken_in_from: start_of_day(from),
            taken_in_before: start_of_day(to + Days::new(1)),
            now: self.clock.now(),
            kind: filter.kind.clone(),
            category: category.clone(),
        };
        // One pass over the unsettled open cases for the area and all its children: grouped
        // by the longest child path, each group belongs to the child whose path begins it
        // (paths end in '/', so no child's path begins another's), or to the area itself.
        let prefix_len = children.iter().map(|c| c.path.len()).max().unwrap_or(area.path.len());
        let FigureSums { sums, children: child_sums, overdue_unsettled } = self.store.figure_sums(&filter, &child_codes, &overdue, prefix_len).await?;

        let mut total = [0i64; N];
        let mut by_kind: BTreeMap<String, Counters> = BTreeMap::new();
        let mut by_category: BTreeMap<(String, String), Counters> = BTreeMap::new();
        for s in &sums {
            add(&mut total, &s.counters);
            add(by_kind.entry(s.kind.clone()).or_insert([0; N]), &s.counters);
            add(by_category.entry((s.kind.clone(), s.category.clone())).or_insert([0; N]), &s.counters);
        }
        let unsettled_in = |path: &str| overdue_unsettled.iter().filter(|(p, _)| p.starts_with(path)).map(|(_, n)| n).sum::<i64>();
        let mut child_figures = Vec::with_capacity(children.len());
        for c in &children {
            // In CHILD_COUNTERS' order: intake, resolved, overdue_settled.
            let v = child_sums.iter().find(|t| t.area_code == c.code.as_str()).map_or(&[0, 0, 0][..], |t| &t.values[..]);
            child_figures.push(ChildFigures {
                area: area_ref(c),
                figures: IntakeResolved::new(v[0], v[1]),
                overdue: v[2] + unsettled_in(&c.path),
            });
        }
        let g = |name: &str| total[idx(name)];
        let prefixed = |prefix: &str| -> BTreeMap<String, i64> {
            COUNTERS.iter().enumerate().filter_map(|(i, c)| c.strip_prefix(prefix).map(|k| (k.to_string(), total[i]))).collect()
        };
        let names = |kind: &str, code: &str| -> (String, String) {
            CaseKind::ALL
                .iter()
                .find(|k| k.as_str() == kind)
                .and_then(|k| settings.categories.get(*k, code))
                .map(|c| (c.name_zh.clone(), c.name_en.clone()))
                .unwrap_or_else(|| (code.to_string(), code.to_string()))
        };
        let satisfied = g("sat_satisfied") + g("sat_basically_satisfied");
        let answers = satisfied + g("sat_dissatisfied");
        let room = |key: &str, has_ok: bool| {
            let cases = g(&format!("room_{key}"));
            let ok = has_ok.then(|| g(&format!("room_ok_{key}")));
            RoomFigures { room: key.to_string(), cases, resolved: ok, success_rate: ok.and_then(|ok| share(ok, cases)) }
        };
        Ok(CaseFigures {
            area: area_ref(&area),
            from,
            to,
            kind: filter.kind.clone(),
            category: category.clone(),
            intake: g("intake"),
            resolved: g("resolved"),
            resolution_rate: share(g("resolved"), g("intake")),
            by_status: CaseStatus::ALL.iter().map(|s| (s.as_str().to_string(), g(&format!("st_{}", s.as_str())))).collect(),
            by_kind: by_kind.into_iter().map(|(k, v)| (k, IntakeResolved::new(v[idx("intake")], v[idx("resolved")]))).collect(),
            by_category: by_category
                .into_iter()
                .map(|((kind, code), v)| {
                    let (name_zh, name_en) = names(&kind, &code);
                    CategoryFigures { name_zh, name_en, kind, category: code, figures: IntakeResolved::new(v[idx("intake")], v[idx("resolved")]) }
                })
                .collect(),
            by_outcome: prefixed("out_"),
            by_level: LevelFigures { community: g("res_community"), street: g("res_street"), district: g("res_district") },
            overdue: g("overdue_settled") + overdue_unsettled.iter().map(|(_, n)| n).sum::<i64>(),
            overdue_at: overdue.now,
            concluded_on_time: g("on_time"),
            concluded_late: g("late"),
            on_time_rate: share(g("on_time"), g("on_time") + g("late")),
            satisfaction: SatisfactionFigures {
                satisfied: g("sat_satisfied"),
                basically_satisfied: g("sat_basically_satisfied"),
                dissatisfied: g("sat_dissatisfied"),
                satisfaction_rate: share(satisfied, answers),
            },
            reopened: g("reopened"),
            rooms: vec![
                room("court_and_union", true),
                room("court_and_chamber", true),
                room("procuratorate_and_union", true),
                room("police", false),
            ],
            children: child_figures,
        })
    }

    /// Recounts every stored sum under each top-level area from the raw cases and reports
    /// the differences (`fengqiao stats verify`); with `repair`, replaces wrong sums.
    pub async fn check_case_stats(&self, repair: bool, actor_name: &str) -> Result<StatsCheck> {
        self.check_case_stats_reporting(repair, actor_name, &mut |_| {}).await
    }

    /// `check_case_stats`, telling `progress` of each area finished (counted per top-level area).
    pub async fn check_case_stats_reporting(&self, repair: bool, actor_name: &str, progress: StatsProgressFn<'_>) -> Result<StatsCheck> {
        let mut all = StatsCheck::default();
        for root in self.store.root_area_paths().await? {
            let check = if repair {
                self.store.rebuild_case_stats(&root, &mut *progress).await?
            } else {
                self.store.verify_case_stats(&root, &mut *progress).await?
            };
            all.cases += check.cases;
            all.rows += check.rows;
            all.differences.extend(check.differences);
        }
        if repair {
            let audit = NewAudit {
                at: self.clock.now(),
                actor_id: None,
                actor_name: actor_name.to_string(),
                action: "stats.rebuild".into(),
                entity_type: "case_stats".into(),
                entity_id: "all".into(),
                area_path: "/".into(),
                before: None,
                after: Some(serde_json::json!({"cases": all.cases, "rows": all.rows, "differences": all.differences.len()})),
                client_addr: None,
            };
            self.store.append_audit(&[audit]).await?;
            self.store.set_meta(STALE_META, "").await?;
        }
        Ok(all)
    }

    /// Moves the overdue mark up to now (the deadline monitor does, every pass), so that the
    /// figures count live only the deadlines that passed since. Returns the cases settled.
    pub async fn settle_overdue(&self) -> Result<u64> {
        let now = self.clock.now();
        let mut settled = 0;
        loop {
            let MarkStep { cases, caught_up } = self.store.settle_overdue(now, MARK_STEP).await?;
            settled += cases;
            if caught_up {
                return Ok(settled);
            }
        }
    }

    /// After an upgrade that changed what the sums count, on a database holding cases:
    /// recount once. Answers what asked for it (the migration), if anything did.
    pub async fn rebuild_case_stats_if_stale(&self, progress: StatsProgressFn<'_>) -> Result<Option<String>> {
        match self.store.get_meta(STALE_META).await? {
            Some(v) if !v.is_empty() => {
                self.check_case_stats_reporting(true, "fengqiao", progress).await?;
                Ok(Some(v))
            }
            _ => Ok(None),
        }
    }
}

/// Set by a migration that changed what the sums count (0010, 0022) when a database already
/// held cases.
const STALE_META: &str = "case_stats_stale";

/// Deadlines per move of the overdue mark: each move is one short write transaction (about
/// 15 sum rows per case), so case writes wait for one step at most and memory stays small
/// when a database that never settled catches up on years of open cases.
const MARK_STEP: i64 = 1000;

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_whole_year_is_one_year_row() {
        assert_eq!(ranges(d(2024, 1, 1), d(2024, 12, 31)), vec![PeriodRange { grain: Grain::Year, from: d(2024, 1, 1), until: d(2025, 1, 1) }]);
        assert_eq!(ranges(d(2016, 1, 1), d(2025, 12, 31)), vec![PeriodRange { grain: Grain::Year, from: d(2016, 1, 1), until: d(2026, 1, 1) }]);
    }

    #[test]
    fn ragged_years_come_from_the_months_and_days() {
        assert_eq!(
            ranges(d(2016, 11, 27), d(2026, 11, 26)),
            vec![
                PeriodRange { grain: Grain::Day, from: d(2016, 11, 27), until: d(2016, 12, 1) },
                PeriodRange { grain: Grain::Month, from: d(2016, 12, 1), until: d(2017, 1, 1) },
                PeriodRange { grain: Grain::Year, from: d(2017, 1, 1), until: d(2026, 1, 1) },
                PeriodRange { grain: Grain::Month, from: d(2026, 1, 1), until: d(2026, 11, 1) },
                PeriodRange { grain: Grain::Day, from: d(2026, 11, 1), until: d(2026, 11, 27) },
            ]
        );
        // Across a new year but no whole year: months and days only.
        assert_eq!(
            ranges(d(2023, 12, 1), d(2024, 1, 31)),
            vec![PeriodRange { grain: Grain::Month, from: d(2023, 12, 1), until: d(2024, 2, 1) }]
        );
        // Every day of a period is covered exactly once, whatever its ends.
        for (from, to) in [(d(2020, 2, 29), d(2023, 3, 1)), (d(2021, 1, 1), d(2023, 6, 30)), (d(2021, 7, 1), d(2022, 12, 31)), (d(2024, 12, 31), d(2025, 1, 1))] {
            let mut days = Vec::new();
            for r in ranges(from, to) {
                days.extend(r.from.iter_days().take_while(|x| *x < r.until));
            }
            assert_eq!(days, from.iter_days().take_while(|x| *x <= to).collect::<Vec<_>>(), "{from}..{to}");
        }
    }

    #[test]
    fn ragged_ends_come_from_the_days() {
        assert_eq!(
            ranges(d(2024, 1, 15), d(2024, 3, 10)),
            vec![
                PeriodRange { grain: Grain::Day, from: d(2024, 1, 15), until: d(2024, 2, 1) },
                PeriodRange { grain: Grain::Month, from: d(2024, 2, 1), until: d(2024, 3, 1) },
                PeriodRange { grain: Grain::Day, from: d(2024, 3, 1), until: d(2024, 3, 11) },
            ]
        );
        assert_eq!(ranges(d(2024, 2, 3), d(2024, 2, 20)), vec![PeriodRange { grain: Grain::Day, from: d(2024, 2, 3), until: d(2024, 2, 21) }]);
        // A month ending on its last day is whole.
        assert_eq!(ranges(d(2024, 2, 1), d(2024, 2, 29)), vec![PeriodRange { grain: Grain::Month, from: d(2024, 2, 1), until: d(2024, 3, 1) }]);
    }
}
