//! The period a report covers, as people name it: `2024`, `2024-Q1`, `2024-03`. A period
//! not yet over is reported to date (截至目前); one not yet begun is refused.

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{DomainError, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Year,
    Quarter,
    Month,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ReportPeriod {
    /// As asked for: `2024`, `2024-Q1`, `2024-03`.
    #[schema(example = "2024")]
    pub code: String,
    pub kind: PeriodKind,
    pub year: i32,
    /// The quarter (1–4) or month (1–12); 0 for a year.
    pub part: u32,
    /// First day (Asia/Shanghai), inclusive.
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    /// Last day covered, inclusive: today when the period is not over.
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    /// The period is not over: its figures run to `to` (截至目前).
    pub to_date: bool,
}

const BAD: DomainError = DomainError::Invalid { field: "period", key: "error-report-period" };

impl ReportPeriod {
    /// Parses a period against today's date; absent means this year to date.
    pub fn parse(s: Option<&str>, today: NaiveDate) -> Result<ReportPeriod> {
        let s = s.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).unwrap_or_else(|| today.year().to_string());
        let (year, rest) = s.split_once('-').map_or((s.as_str(), None), |(y, r)| (y, Some(r)));
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(BAD);
        }
        let year: i32 = year.parse().map_err(|_| BAD)?;
        if !(2000..=2099).contains(&year) {
            return Err(BAD);
        }
        let number = |r: &str, max: u32| -> Result<u32> {
            let n: u32 = r.parse().map_err(|_| BAD)?;
            if r.len() == 2 && (1..=max).contains(&n) { Ok(n) } else { Err(BAD) }
        };
        let (kind, part, months) = match rest {
            None => (PeriodKind::Year, 0, 12),
            Some(r) if r.starts_with(['Q', 'q']) && r.len() == 2 => {
                let q: u32 = r[1..].parse().map_err(|_| BAD)?;
                if !(1..=4).contains(&q) {
                    return Err(BAD);
                }
                (PeriodKind::Quarter, q, 3)
            }
            Some(r) => (PeriodKind::Month, number(r, 12)?, 1),
        };
        let first_month = match kind {
            PeriodKind::Year => 1,
            PeriodKind::Quarter => (part - 1) * 3 + 1,
            PeriodKind::Month => part,
        };
        let from = NaiveDate::from_ymd_opt(year, first_month, 1).ok_or(BAD)?;
        if from > today {
            return Err(DomainError::invalid("period", "error-report-period-future"));
        }
        let last = from.checked_add_months(Months::new(months)).and_then(|d| d.pred_opt()).ok_or(BAD)?;
        let code = match kind {
            PeriodKind::Year => format!("{year}"),
            PeriodKind::Quarter => format!("{year}-Q{part}"),
            PeriodKind::Month => format!("{year}-{part:02}"),
        };
        Ok(ReportPeriod { code, kind, year, part, from, to: last.min(today), to_date: last > today })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn years_quarters_and_months() {
        let today = d(2025, 5, 20);
        let y = ReportPeriod::parse(Some("2024"), today).unwrap();
        assert_eq!((y.kind, y.from, y.to, y.to_date), (PeriodKind::Year, d(2024, 1, 1), d(2024, 12, 31), false));
        let q = ReportPeriod::parse(Some("2024-q4"), today).unwrap();
        assert_eq!((q.code.as_str(), q.from, q.to), ("2024-Q4", d(2024, 10, 1), d(2024, 12, 31)));
        let m = ReportPeriod::parse(Some("2024-02"), today).unwrap();
        assert_eq!((m.part, m.from, m.to), (2, d(2024, 2, 1), d(2024, 2, 29)));
    }

    #[test]
    fn a_running_period_is_reported_to_date() {
        let today = d(2025, 5, 20);
        let y = ReportPeriod::parse(None, today).unwrap();
        assert_eq!((y.code.as_str(), y.from, y.to, y.to_date), ("2025", d(2025, 1, 1), today, true));
        let q = ReportPeriod::parse(Some("2025-Q2"), today).unwrap();
        assert_eq!((q.to, q.to_date), (today, true));
    }

    #[test]
    fn bad_and_future_periods_are_refused() {
        let today = d(2025, 5, 20);
        for s in ["24", "2024-13", "2024-Q5", "2024-Q0", "2024-3", "2024/03", "1999", "abcd", "2024-03-01", "2024-"] {
            assert_eq!(ReportPeriod::parse(Some(s), today), Err(BAD), "{s}");
        }
        for s in ["2025-06", "2025-Q3", "2026"] {
            assert_eq!(ReportPeriod::parse(Some(s), today).unwrap_err().code(), "error-report-period-future", "{s}");
        }
    }
}
