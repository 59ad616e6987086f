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
//! Definitions (as in the README): intake = cases taken in during the period; resolved = of
//! those, the ones whose conclusion now stands as resolved by agreement or otherwise;
//! resolution rate = resolved ÷ intake. A case closed as a duplicate of another (重复件) is in
//! none of these: it adds only to `out_duplicate`, since its matter is counted with the
//! original. Overdue depends on the clock, not only on the case, so it is counted live from
//! open cases, never summed here.

use chrono::{Datelike, NaiveDate};

use crate::model::case::{Case, CaseStatus, HandlingLevel, Outcome, PartnerRoom, Satisfaction};
use crate::rules::calendar::local_date;

/// The summed counters, in column order. The names are the store's column names.
pub const COUNTERS: [&str; 35] = [
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
];

pub const N: usize = COUNTERS.len();

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

/// What one case, as it stands, adds to every figure of its area, day, month and year.
pub fn contribution(c: &Case) -> Counters {
    let mut v = [0; N];
    let mut add = |name: &str| v[idx(name)] += 1;
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
    pub fn add_case(&mut self, c: &Case, sign: i64) {
        for code in ancestor_codes(&c.area_path) {
            self.add_case_at(c, code, sign);
        }
    }

    /// The same, for the rows of one of its areas only.
    pub fn add_case_at(&mut self, c: &Case, area_code: &str, sign: i64) {
        let v = contribution(c);
        for (grain, period) in periods(c) {
            let key = StatsKey { area_code: area_code.to_string(), grain, period, kind: c.kind.as_str().to_string(), category: c.category.as_str().to_string() };
            let row = self.rows.entry(key).or_insert([0; N]);
            for (r, x) in row.iter_mut().zip(v) {
                *r += sign * x;
            }
        }
    }

    /// The change from `old` to `new` (the same case before and after a step).
    pub fn transition(old: &Case, new: &Case) -> StatsDelta {
        let mut d = StatsDelta::default();
        d.add_case(old, -1);
        d.add_case(new, 1);
        d.rows.retain(|_, v| v.iter().any(|x| *x != 0));
        d
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
    fn a_month_row_starts_on_the_first() {
        let d = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        assert_eq!(month_of(d), NaiveDate::from_ymd_opt(2024, 2, 1).unwrap());
    }
}
