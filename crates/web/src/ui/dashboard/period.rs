//! The dashboard's period picker: a named period relative to today (Asia/Shanghai) or the
//! dates someone typed. Dates arrive as text so a typo comes back on the page with its
//! reason instead of as a bare 400.

use chrono::{Datelike, Days, Months, NaiveDate};
use fengqiao_domain::DomainError;

/// The named periods, in the order the picker offers them.
pub const PRESETS: [&str; 5] = ["month", "quarter", "year", "last-year", "custom"];

/// What the picker asked for, as the next link must ask for it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// One of `PRESETS`.
    pub preset: &'static str,
    /// The dates as typed (custom) or as the preset works them out; None leaves the choice to
    /// the figures service (this year to date).
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

fn date(field: &'static str, text: Option<&str>) -> Result<Option<NaiveDate>, DomainError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => NaiveDate::parse_from_str(t, "%Y-%m-%d").map(Some).map_err(|_| DomainError::invalid(field, "error-dashboard-date")),
    }
}

/// Which of `PRESETS` the picker's fields name, whether or not their dates are good: the
/// choice a refused form shows again. Dates without a name are a custom period; nothing at
/// all is this year to date; an unknown name is none of them.
pub fn preset_of(preset: Option<&str>, from: Option<&str>, to: Option<&str>) -> Option<&'static str> {
    let typed = |t: Option<&str>| t.is_some_and(|t| !t.trim().is_empty());
    match preset.map(str::trim).unwrap_or("") {
        "" if typed(from) || typed(to) => Some("custom"),
        "" => Some("year"),
        name => PRESETS.iter().copied().find(|p| *p == name),
    }
}

/// A named period ends today, so "this month" on the 5th is five days, as an office reads it.
pub fn parse(preset: Option<&str>, from: Option<&str>, to: Option<&str>, today: NaiveDate) -> Result<Period, DomainError> {
    let first = |y, m| NaiveDate::from_ymd_opt(y, m, 1).expect("the first of a month exists");
    let named = |preset, from: NaiveDate, to: NaiveDate| Ok(Period { preset, from: Some(from), to: Some(to) });
    match preset_of(preset, from, to) {
        Some("month") => named("month", first(today.year(), today.month()), today),
        Some("quarter") => named("quarter", first(today.year(), (today.month0() / 3) * 3 + 1), today),
        Some("year") => named("year", first(today.year(), 1), today),
        Some("last-year") => {
            let start = first(today.year() - 1, 1);
            named("last-year", start, start.checked_add_months(Months::new(12)).expect("in range") - Days::new(1))
        }
        // The one preset left: "custom", the typed dates.
        Some(_) => Ok(Period { preset: "custom", from: date("from", from)?, to: date("to", to)? }),
        None => Err(DomainError::invalid("period", "error-dashboard-period")),
    }
}

impl Period {
    /// The query that asks for this period again: named periods by name, so a bookmark of
    /// "this month" stays this month.
    pub fn query(&self) -> String {
        let mut q = format!("period={}", self.preset);
        if self.preset == "custom" {
            if let Some(f) = self.from {
                q.push_str(&format!("&from={f}"));
            }
            if let Some(t) = self.to {
                q.push_str(&format!("&to={t}"));
            }
        }
        q
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn named_periods_end_today() {
        let today = d(2026, 11, 26);
        let p = |s| parse(Some(s), None, None, today).unwrap();
        assert_eq!((p("month").from, p("month").to), (Some(d(2026, 11, 1)), Some(today)));
        assert_eq!(p("quarter").from, Some(d(2026, 10, 1)));
        assert_eq!(parse(Some("quarter"), None, None, d(2026, 3, 31)).unwrap().from, Some(d(2026, 1, 1)));
        assert_eq!(p("year").from, Some(d(2026, 1, 1)));
        assert_eq!((p("last-year").from, p("last-year").to), (Some(d(2025, 1, 1)), Some(d(2025, 12, 31))));
        assert_eq!(parse(None, None, None, today).unwrap().preset, "year");
    }

    #[test]
    fn typed_dates_are_custom_and_typos_are_refused_by_field() {
        let today = d(2026, 11, 26);
        let p = parse(None, Some("2024-01-01"), Some("2024-12-31"), today).unwrap();
        assert_eq!((p.preset, p.from, p.to), ("custom", Some(d(2024, 1, 1)), Some(d(2024, 12, 31))));
        assert_eq!(p.query(), "period=custom&from=2024-01-01&to=2024-12-31");
        assert_eq!(parse(Some("year"), Some("2024-01-01"), None, today).unwrap().query(), "period=year");
        let e = parse(Some("custom"), Some("2024-13-01"), None, today).unwrap_err();
        assert!(matches!(e, DomainError::Invalid { field: "from", .. }), "{e:?}");
        assert!(parse(Some("decade"), None, None, today).is_err());
    }

    #[test]
    fn a_refused_form_names_the_period_it_asked_for() {
        assert_eq!(preset_of(None, Some("2024-12-31"), Some("2024-01-01")), Some("custom"));
        assert_eq!(preset_of(Some(""), None, Some(" ")), Some("year"));
        assert_eq!(preset_of(Some("last-year"), Some("2024-13-01"), None), Some("last-year"));
        assert_eq!(preset_of(Some("decade"), None, None), None);
    }
}
