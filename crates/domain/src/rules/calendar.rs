//! The working-day calendar: which days an office works, in Asia/Shanghai.
//!
//! Monday to Friday are working days and weekends are not, except where the State Council's
//! yearly notice says otherwise: public holidays (which may fall on weekdays) and make-up
//! working days (调休上班, always a Saturday or Sunday). The notice for a year appears around
//! November of the year before, so the calendar knows which years it covers and refuses to
//! guess about the others: a deadline computed on a guess would be silently wrong, while a
//! refusal tells an administrator to add the year (`Calendar::add_year`).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Asia::Shanghai;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::error::DomainError;

/// The shipped years, from `data/cn-holidays-2024-2026.csv` (columns `date,kind,name_zh,name_en`;
/// sources: General Office of the State Council notices of 2023-10-25, 2024-11-12, 2025-11-04).
const SHIPPED: &str = include_str!("../../../../data/cn-holidays-2024-2026.csv");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// A day off (放假), whatever day of the week it is.
    Holiday,
    /// A weekend day that is worked (调休上班).
    Workday,
}

impl DayKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::Workday => "workday",
        }
    }
}

/// One row of the calendar, as the CSV and the admin page hold it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDay {
    pub date: NaiveDate,
    pub kind: DayKind,
    pub name_zh: String,
    pub name_en: String,
}

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum CalendarError {
    #[error("the working-day calendar has no data for {year}; an administrator must add that year's holidays")]
    YearNotCovered { year: i32 },
    /// From `Calendar::from_csv`, the file's 1-based line (the header is line 1); otherwise
    /// the row's 1-based position among the rows given.
    #[error("calendar row {line}: {key}")]
    BadRow { line: usize, key: &'static str },
}

impl From<CalendarError> for DomainError {
    fn from(e: CalendarError) -> Self {
        match e {
            // The request is fine; the platform's data is short of a year.
            CalendarError::YearNotCovered { .. } => DomainError::Conflict("error-calendar-year-missing"),
            CalendarError::BadRow { key, .. } => DomainError::invalid("calendar", key),
        }
    }
}

type CalResult<T> = std::result::Result<T, CalendarError>;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Calendar {
    years: BTreeSet<i32>,
    days: BTreeMap<NaiveDate, CalendarDay>,
}

impl Calendar {
    /// The calendar shipped with the platform (2024–2026).
    pub fn china() -> &'static Calendar {
        static CAL: OnceLock<Calendar> = OnceLock::new();
        CAL.get_or_init(|| Calendar::from_csv(SHIPPED).expect("the shipped calendar is valid"))
    }

    /// Reads the CSV format of `data/cn-holidays-*.csv`; errors name the file's line.
    pub fn from_csv(text: &str) -> CalResult<Calendar> {
        Calendar::from_rows(parse_csv(text)?).map_err(|e| match e {
            CalendarError::BadRow { line, key } => CalendarError::BadRow { line: line + 1, key },
            other => other,
        })
    }

    /// A calendar covering exactly the years the rows fall in. Every year has at least its New
    /// Year's Day in the notice, so a year without rows is a year nobody has entered.
    pub fn from_rows(rows: impl IntoIterator<Item = CalendarDay>) -> CalResult<Calendar> {
        let rows: Vec<CalendarDay> = rows.into_iter().collect();
        check_rows(&rows, None)?;
        let mut cal = Calendar::default();
        for r in rows {
            cal.years.insert(r.date.year());
            cal.days.insert(r.date, r);
        }
        Ok(cal)
    }

    /// Adds a year, or replaces it when it is already there (a corrected notice). All rows
    /// must fall in `year`; nothing changes if any row is refused.
    pub fn add_year(&mut self, year: i32, rows: Vec<CalendarDay>) -> CalResult<()> {
        check_rows(&rows, Some(year))?;
        self.remove_year(year);
        self.years.insert(year);
        self.days.extend(rows.into_iter().map(|r| (r.date, r)));
        Ok(())
    }

    pub fn remove_year(&mut self, year: i32) {
        self.years.remove(&year);
        self.days.retain(|d, _| d.year() != year);
    }

    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.iter().copied()
    }

    pub fn covers(&self, date: NaiveDate) -> bool {
        self.years.contains(&date.year())
    }

    /// The holiday or make-up day on this date, if any; for showing why a day is (not) worked.
    pub fn day(&self, date: NaiveDate) -> Option<&CalendarDay> {
        self.days.get(&date)
    }

    /// All rows, in date order: what the admin page lists and exports.
    pub fn rows(&self) -> impl Iterator<Item = &CalendarDay> {
        self.days.values()
    }

    pub fn is_working_day(&self, date: NaiveDate) -> CalResult<bool> {
        if !self.covers(date) {
            return Err(CalendarError::YearNotCovered { year: date.year() });
        }
        Ok(match self.days.get(&date).map(|d| d.kind) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !is_weekend(date),
        })
    }

    /// The deadline `n` working days after `from`: the end (23:59:59, Asia/Shanghai) of the
    /// n-th working day after the day of `from`. The starting day itself is not counted, as
    /// the Civil Code (art. 201) counts periods in days, so a case accepted at 17:55 does not
    /// lose a day. With `n = 0`, the end of the first working day on or after `from`.
    pub fn add_working_days(&self, from: DateTime<Utc>, n: u32) -> CalResult<DateTime<Utc>> {
        let mut day = local_date(from);
        let mut left = n;
        if n == 0 {
            while !self.is_working_day(day)? {
                day = next(day)?;
            }
        }
        while left > 0 {
            day = next(day)?;
            if self.is_working_day(day)? {
                left -= 1;
            }
        }
        Ok(end_of_day(day))
    }

    /// Working days in (from, to]: how many working days after `from` the day `to` is, so that
    /// `working_days_between(d, add_working_days(d, n).date) == n` for n ≥ 1. Negative when
    /// `to` is before `from` (how many working days a deadline has been missed by).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> CalResult<i64> {
        let (lo, hi, sign) = if from <= to { (from, to, 1) } else { (to, from, -1) };
        let mut count = 0i64;
        let mut day = lo;
        while day < hi {
            day = next(day)?;
            if self.is_working_day(day)? {
                count += 1;
            }
        }
        Ok(sign * count)
    }
}

/// Errors name the row's 1-based position in `rows`.
fn check_rows(rows: &[CalendarDay], year: Option<i32>) -> CalResult<()> {
    let mut seen = BTreeSet::new();
    for (i, r) in rows.iter().enumerate() {
        let bad = |key| CalendarError::BadRow { line: i + 1, key };
        if year.is_some_and(|y| y != r.date.year()) {
            return Err(bad("error-calendar-other-year"));
        }
        if !seen.insert(r.date) {
            return Err(bad("error-calendar-duplicate-date"));
        }
        // A make-up day on a weekday changes nothing: it is a typo for another date.
        if r.kind == DayKind::Workday && !is_weekend(r.date) {
            return Err(bad("error-calendar-workday-on-weekday"));
        }
        let name_ok = |s: &str| crate::model::case::one_line(s, 1, 64).is_some();
        if !name_ok(&r.name_zh) || !name_ok(&r.name_en) {
            return Err(bad("error-calendar-name"));
        }
    }
    Ok(())
}

fn next(d: NaiveDate) -> CalResult<NaiveDate> {
    d.checked_add_days(Days::new(1)).ok_or(CalendarError::YearNotCovered { year: d.year() })
}

pub fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The date in Asia/Shanghai: where the offices are, whatever the server's zone.
pub fn local_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&Shanghai).date_naive()
}

/// The last second of `date` in Asia/Shanghai (which has no daylight saving since 1991, so
/// the time always exists and is unambiguous).
pub fn end_of_day(date: NaiveDate) -> DateTime<Utc> {
    let t = date.and_time(NaiveTime::from_hms_opt(23, 59, 59).expect("valid time"));
    Shanghai.from_local_datetime(&t).single().expect("Asia/Shanghai has no gaps after 1991").with_timezone(&Utc)
}

/// Midnight at the start of `date` in Asia/Shanghai: where a period of local dates begins.
pub fn start_of_day(date: NaiveDate) -> DateTime<Utc> {
    let t = date.and_time(NaiveTime::MIN);
    Shanghai.from_local_datetime(&t).single().expect("Asia/Shanghai has no gaps after 1991").with_timezone(&Utc)
}

/// Reads the CSV format of `data/cn-holidays-*.csv` (header `date,kind,name_zh,name_en`).
pub fn parse_csv(text: &str) -> CalResult<Vec<CalendarDay>> {
    let mut rdr = csv::ReaderBuilder::new().has_headers(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let mut out = Vec::new();
    let header_ok = rdr.headers().map(|h| h.iter().take(4).eq(["date", "kind", "name_zh", "name_en"])).unwrap_or(false);
    if !header_ok {
        return Err(CalendarError::BadRow { line: 1, key: "error-calendar-header" });
    }
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let bad = |key| CalendarError::BadRow { line, key };
        let rec = rec.map_err(|_| bad("error-calendar-row"))?;
        let field = |n: usize| rec.get(n).unwrap_or("");
        let date = NaiveDate::parse_from_str(field(0), "%Y-%m-%d").map_err(|_| bad("error-calendar-date"))?;
        let kind = match field(1) {
            "holiday" => DayKind::Holiday,
            "workday" => DayKind::Workday,
            _ => return Err(bad("error-calendar-kind")),
        };
        out.push(CalendarDay { date, kind, name_zh: field(2).to_string(), name_en: field(3).to_string() });
    }
    Ok(out)
}

#[cfg(test)]
#[path = "calendar_tests.rs"]
mod tests;
