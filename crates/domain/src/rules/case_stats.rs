//! What a case adds to the figures. Every counted figure is a sum over cases of a value that
//! depends on the case's stored state alone, so the store keeps the sums current by adding
//! `contribution(new) - contribution(old)` in the transaction that writes the case, and a
//! recount from raw records (`fengqiao stats verify`) must arrive at the same sums.
//!
//! Sums are kept per ancestor area (by code: the case's own area and every area above it),
//! per intake day, month and year (Asia/Shanghai), per kind and category. A period's figures
//! are whole years from the year rows, whole months of the ragged years from the month rows,
//! and the ragged ends from the day rows.
//!
//! Each month and year row is also summed over kinds and categories into an area total
//! (`area_totals`, kept by the store beside the detailed rows): what a child area's row, a trend
//! step or the map shows needs no breakdown, and a community's month has some thirty kind and
//! category rows against one total.
//!
//! Definitions (as in the README): intake = cases taken in during the period; resolved = of
//! those, the ones whose conclusion now stands as resolved by agreement or otherwise;
//! resolution rate = resolved ÷ intake. A case closed as a duplicate of another (重复件) is in
//! none of these: it adds only to `out_duplicate`, since its matter is counted with the
//! original.
//!
//! Overdue depends on the clock, not only on the case. It is split at a stored instant, the
//! overdue mark: `overdue_settled` sums the open cases whose deadline passed before the mark
//! (a fact about the case and the mark, kept like any other counter), and the few whose
//! deadline falls between the mark and now are counted live. The deadline monitor moves the
//! mark forward (`settle`), adding the cases it passes, so the live part stays a few hours of
//! deadlines however many cases have been open for years.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};

use crate::model::case::{Case, CaseStatus, HandlingLevel, Outcome, PartnerRoom, Satisfaction};
use crate::rules::calendar::local_date;

/// The summed counters, in column order. The names are the store's column names.
pub const COUNTERS: [&str; 36] = [
    "intake",
    "resolved",
    "st_reported",
    "st_accepted",
    "st_declined",
    "st_assigned",
    "st_in_progress",
    "st_referred",
    "st_backlog",
    "st_concluded",
    "st_verified",
    "st_followed_up",
    "st_closed",
    "res_community",
    "res_street",
    "res_district",
    "out_resolved_by_agreement",
    "out_resolved_otherwise",
    "out_referred_to_litigation",
    "out_withdrawn",
    "out_unresolved",
    "on_time",
    "late",
    "sat_satisfied",
    "sat_basically_satisfied",
    "sat_dissatisfied",
    "reopened",
    "room_court_and_union",
    "room_court_and_chamber",
    "room_procuratorate_and_union",
    "room_police",
    // Room cases whose conclusion stands as resolved: a mediation room's success (成功率).
    "room_ok_court_and_union",
    "room_ok_court_and_chamber",
    "room_ok_procuratorate_and_union",
    // Cases closed as duplicates of another (重复件): counted here and nowhere else.
    "out_duplicate",
    // Open cases whose deadline passed before the overdue mark.
    "overdue_settled",
];

pub const N: usize = COUNTERS.len();

/// What a child area's row of the figures shows (read without the kind and category breakdown).
pub const CHILD_COUNTERS: [&str; 3] = ["intake", "resolved", "overdue_settled"];

/// The kind and category of an area total's key: every kind, every category.
pub const ALL: &str = "*";

/// The month and year rows of `rows` summed over kinds and categories, keyed by area, grain
/// and period with `ALL` for kind and category. Day rows have no totals: a ragged end is a few
/// days, and a day's rows are few. Rows that sum to nothing are left out.
pub fn area_totals(rows: &std::collections::BTreeMap<StatsKey, Counters>) -> std::collections::BTreeMap<StatsKey, Counters> {
    let mut totals = std::collections::BTreeMap::new();
    for (k, v) in rows.iter().filter(|(k, _)| k.grain != Grain::Day) {
        let key = StatsKey { area_code: k.area_code.clone(), grain: k.grain, period: k.period, kind: ALL.into(), category: ALL.into() };
        let row: &mut Counters = totals.entry(key).or_insert([0; N]);
        for (r, x) in row.iter_mut().zip(v) {
            *r += x;
        }
    }
    totals.retain(|_, v| v.iter().any(|x| *x != 0));
    totals
}

/// The overdue mark of a store that never moved it: no deadline is that old, so nothing is settled.
pub fn nothing_settled() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(1900, 1, 1, 0, 0, 0).single().expect("a valid instant")
}

/// Index of a counter by name (panics on a typo: names are compile-time constants).
pub fn idx(name: &str) -> usize {
    COUNTERS.iter().position(|c| *c == name).unwrap_or_else(|| panic!("no counter {name}"))
}

pub type Counters = [i64; N];

fn status_counter(s: CaseStatus) -> &'static str {
    match s {
        CaseStatus::Reported => "st_reported",
        CaseStatus::Accepted => "st_accepted",
        CaseStatus::Declined => "st_declined",
        CaseStatus::Assigned => "st_assigned",
        CaseStatus::InProgress => "st_in_progress",
        CaseStatus::Referred => "st_referred",
        CaseStatus::Backlog => "st_backlog",
        CaseStatus::Concluded => "st_concluded",
        CaseStatus::Verified => "st_verified",
        CaseStatus::FollowedUp => "st_followed_up",
        CaseStatus::Closed => "st_closed",
    }
}

fn room_counter(r: PartnerRoom, ok: bool) -> Option<&'static str> {
    Some(match (r, ok) {
        (PartnerRoom::CourtAndUnion, false) => "room_court_and_union",
        (PartnerRoom::CourtAndChamber, false) => "room_court_and_chamber",
        (PartnerRoom::ProcuratorateAndUnion, false) => "room_procuratorate_and_union",
        (PartnerRoom::Police, false) => "room_police",
        (PartnerRoom::CourtAndUnion, true) => "room_ok_court_and_union",
        (PartnerRoom::CourtAndChamber, true) => "room_ok_court_and_chamber",
        (PartnerRoom::ProcuratorateAndUnion, true) => "room_ok_procuratorate_and_union",
        // The police room's results are the police's figure, not a mediation room's.
        (PartnerRoom::Police, true) => return None,
    })
}

/// What one case, as it stands, adds to every figure of its area, day, month and year, with
/// the overdue mark at `settled_before`.
pub fn contribution(c: &Case, settled_before: DateTime<Utc>) -> Counters {
    let mut v = [0; N];
    let mut add = |name: &str| v[idx(name)] += 1;
    if c.is_overdue(settled_before) {
        add("overdue_settled");
    }
    // A duplicate is the same matter as a case counted already: counting it again would add
    // to intake a matter taken in once, and lower the resolution rate for a matter resolved once.
    if c.outcome == Some(Outcome::Duplicate) {
        add("out_duplicate");
        return v;
    }
    add("intake");
    add(status_counter(c.status));
    let resolved = c.outcome.is_some_and(Outcome::is_resolved);
    if resolved {
        add("resolved");
        match c.resolved_level {
            Some(HandlingLevel::Community) => add("res_community"),
            Some(HandlingLevel::Street) => add("res_street"),
            Some(HandlingLevel::District) => add("res_district"),
            None => {}
        }
    }
    if let Some(o) = c.outcome {
        add(match o {
            Outcome::ResolvedByAgreement => "out_resolved_by_agreement",
            Outcome::ResolvedOtherwise => "out_resolved_otherwise",
            Outcome::ReferredToLitigation => "out_referred_to_litigation",
            Outcome::Withdrawn => "out_withdrawn",
            Outcome::Unresolved => "out_unresolved",
            Outcome::Duplicate => "out_duplicate",
        });
    }
    if let Some(at) = c.concluded_at.filter(|_| c.status.is_after_conclusion()) {
        add(if c.deadline.is_none_or(|d| at <= d) { "on_time" } else { "late" });
    }
    if let Some(s) = c.satisfaction {
        add(match s {
            Satisfaction::Satisfied => "sat_satisfied",
            Satisfaction::BasicallySatisfied => "sat_basically_satisfied",
            Satisfaction::Dissatisfied => "sat_dissatisfied",
        });
    }
    if c.reopened > 0 {
        add("reopened");
    }
    if let Some(r) = c.partner_room {
        if let Some(name) = room_counter(r, false) {
            add(name);
        }
        if resolved
            && let Some(name) = room_counter(r, true)
        {
            add(name);
        }
    }
    // Every visit is an answer, not only the one that stands: a case reopened after a
    // dissatisfied visit and then visited satisfied counts one of each.
    v[idx("sat_dissatisfied")] += i64::from(c.dissatisfied_follow_ups);
    v
}

/// The codes of the case's area and every area above it, read off its path (`/150100/150103/…/`).
pub fn ancestor_codes(area_path: &str) -> impl Iterator<Item = &str> {
    area_path.split('/').filter(|s| !s.is_empty())
}

/// The three period rows a case counts in: its intake day, the first day of that month, and
/// the first day of that year (so that ten years are ten rows, not 120).
pub fn periods(c: &Case) -> [(Grain, NaiveDate); 3] {
    let day = local_date(c.created_at);
    [(Grain::Day, day), (Grain::Month, month_of(day)), (Grain::Year, year_of(day))]
}

pub fn month_of(d: NaiveDate) -> NaiveDate {
    d.with_day(1).expect("every month has a first day")
}

pub fn year_of(d: NaiveDate) -> NaiveDate {
    d.with_ordinal(1).expect("every year has a first day")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Grain {
    Day,
    Month,
    Year,
}

impl Grain {
    pub fn as_str(self) -> &'static str {
        match self {
            Grain::Day => "day",
            Grain::Month => "month",
            Grain::Year => "year",
        }
    }
}

/// One row of sums: an area (by code), a grain and period, a kind and a category.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatsKey {
    pub area_code: String,
    pub grain: Grain,
    pub period: NaiveDate,
    pub kind: String,
    pub category: String,
}

/// Sums of changes, merged by key, ready to be added to the stored rows. Zero rows are
/// dropped: a transition that changes nothing counted writes nothing.
#[derive(Debug, Default, Clone)]
pub struct StatsDelta {
    pub rows: std::collections::BTreeMap<StatsKey, Counters>,
}

impl StatsDelta {
    /// Adds `sign × contribution(c)` to every row the case counts in.
    pub fn add_case(&mut self, c: &Case, sign: i64, settled_before: DateTime<Utc>) {
        for code in ancestor_codes(&c.area_path) {
            self.add_case_at(c, code, sign, settled_before);
        }
    }

    /// The same, for the rows of one of its areas only.
    pub fn add_case_at(&mut self, c: &Case, area_code: &str, sign: i64, settled_before: DateTime<Utc>) {
        self.add_at(c, area_code, sign, &contribution(c, settled_before));
    }

    fn add_at(&mut self, c: &Case, area_code: &str, sign: i64, v: &Counters) {
        for (grain, period) in periods(c) {
            let key = StatsKey { area_code: area_code.to_string(), grain, period, kind: c.kind.as_str().to_string(), category: c.category.as_str().to_string() };
            let row = self.rows.entry(key).or_insert([0; N]);
            for (r, x) in row.iter_mut().zip(v) {
                *r += sign * x;
            }
        }
    }

    /// The change from `old` to `new` (the same case before and after a step).
    pub fn transition(old: &Case, new: &Case, settled_before: DateTime<Utc>) -> StatsDelta {
        let mut d = StatsDelta::default();
        d.add_case(old, -1, settled_before);
        d.add_case(new, 1, settled_before);
        d.rows.retain(|_, v| v.iter().any(|x| *x != 0));
        d
    }

    /// The change when the overdue mark moves from `from` to `to` over a case whose deadline
    /// lies between them (either way): the difference of its two contributions, which only
    /// `overdue_settled` can tell apart.
    pub fn move_mark(&mut self, c: &Case, from: DateTime<Utc>, to: DateTime<Utc>) {
        let (before, after) = (contribution(c, from), contribution(c, to));
        let mut v = [0; N];
        for (d, (a, b)) in v.iter_mut().zip(after.iter().zip(before)) {
            *d = a - b;
        }
        if v.iter().any(|x| *x != 0) {
            for code in ancestor_codes(&c.area_path) {
                self.add_at(c, code, 1, &v);
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counter_names_are_unique_and_sql_safe() {
        for (i, a) in COUNTERS.iter().enumerate() {
            assert!(a.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{a}");
            assert!(!COUNTERS[i + 1..].contains(a), "{a} twice");
        }
    }

    #[test]
    fn ancestors_are_read_off_the_path() {
        assert_eq!(ancestor_codes("/150100/150103/150103003/").collect::<Vec<_>>(), ["150100", "150103", "150103003"]);
    }

    #[test]
    fn a_case_is_settled_overdue_only_while_open_and_past_its_deadline_at_the_mark() {
        use crate::model::case::{CaseKind, CaseStatus};
        use crate::model::{AreaLevel, Role};
        use crate::rules::workflow::fixtures::{DISTRICT, area, person, reported};
        let mut c = reported(CaseKind::Dispute, &area(DISTRICT, AreaLevel::District), &person(Role::SystemAdmin, "/", "admin"));
        let deadline = Utc.with_ymd_and_hms(2025, 3, 1, 4, 0, 0).unwrap();
        c.deadline = Some(deadline);
        c.status = CaseStatus::InProgress;
        let settled = |c: &Case, mark| contribution(c, mark)[idx("overdue_settled")];
        assert_eq!(settled(&c, deadline), 0, "a deadline at the mark has not passed before it");
        assert_eq!(settled(&c, deadline + chrono::Duration::seconds(1)), 1);
        assert_eq!(settled(&c, nothing_settled()), 0);
        c.status = CaseStatus::Concluded;
        assert_eq!(settled(&c, deadline + chrono::Duration::days(9)), 0, "a concluded case is not overdue");

        c.status = CaseStatus::Backlog;
        let mut d = StatsDelta::default();
        d.move_mark(&c, nothing_settled(), deadline + chrono::Duration::hours(1));
        assert_eq!(d.rows.len(), 2 * 3, "both ancestors, day, month and year");
        assert!(d.rows.values().all(|v| v[idx("overdue_settled")] == 1 && v.iter().sum::<i64>() == 1), "only overdue_settled moves");
        let mut back = StatsDelta::default();
        back.move_mark(&c, deadline + chrono::Duration::hours(1), deadline);
        assert!(back.rows.values().all(|v| v[idx("overdue_settled")] == -1), "a mark moved back takes it out again");
        let mut none = StatsDelta::default();
        none.move_mark(&c, deadline + chrono::Duration::hours(1), deadline + chrono::Duration::hours(2));
        assert!(none.is_empty(), "a case already settled is not added twice");
    }

    #[test]
    fn area_totals_sum_months_and_years_over_kinds_and_categories() {
        use crate::model::case::CaseKind;
        use crate::model::{AreaLevel, Role};
        use crate::rules::workflow::fixtures::{DISTRICT, area, person, reported};
        let district = area(DISTRICT, AreaLevel::District);
        let admin = person(Role::SystemAdmin, "/", "admin");
        let dispute = reported(CaseKind::Dispute, &district, &admin);
        let demand = reported(CaseKind::Demand, &district, &admin);
        let mut d = StatsDelta::default();
        d.add_case(&dispute, 1, nothing_settled());
        d.add_case(&demand, 1, nothing_settled());
        let totals = area_totals(&d.rows);
        // Two ancestors, month and year; no day rows.
        assert_eq!(totals.len(), 2 * 2, "{totals:?}");
        for (k, v) in &totals {
            assert!(k.grain != Grain::Day && k.kind == ALL && k.category == ALL, "{k:?}");
            assert_eq!(v[idx("intake")], 2, "both kinds in one total");
        }
        // A change of kind moves nothing in the totals.
        let mut moved = demand.clone();
        moved.kind = CaseKind::Dispute;
        assert!(area_totals(&StatsDelta::transition(&demand, &moved, nothing_settled()).rows).is_empty());
    }

    #[test]
    fn a_month_row_starts_on_the_first() {
        let d = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        assert_eq!(month_of(d), NaiveDate::from_ymd_opt(2024, 2, 1).unwrap());
    }
}
