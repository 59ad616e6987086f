//! When cases come in over a year in 呼和浩特: fewer on weekends, in the National Day week and
//! around the Spring Festival, when people are home with family and offices close; more in
//! the heating season (Hohhot heats from mid-October to mid-April) and in summer, when
//! windows stand open and pipes leak; wage claims pile up before the festival, when workers
//! want to go home paid. And a calendar for the years the shipped one does not cover, so ten
//! years of deadlines can be reckoned.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use fengqiao_domain::rules::calendar::{Calendar, CalendarDay, DayKind};

/// New Year's Day of the lunar calendar (春节), 2015–2030.
const SPRING_FESTIVAL: [(i32, u32, u32); 16] = [
    (2015, 2, 19),
    (2016, 2, 8),
    (2017, 1, 28),
    (2018, 2, 16),
    (2019, 2, 5),
    (2020, 1, 25),
    (2021, 2, 12),
    (2022, 2, 1),
    (2023, 1, 22),
    (2024, 2, 10),
    (2025, 1, 29),
    (2026, 2, 17),
    (2027, 2, 6),
    (2028, 1, 26),
    (2029, 2, 13),
    (2030, 2, 3),
];

pub fn spring_festival(year: i32) -> Option<NaiveDate> {
    SPRING_FESTIVAL.iter().find(|(y, _, _)| *y == year).and_then(|(y, m, d)| NaiveDate::from_ymd_opt(*y, *m, *d))
}

/// Days from the nearest Spring Festival (negative before it).
fn from_festival(date: NaiveDate) -> Option<i64> {
    [date.year() - 1, date.year(), date.year() + 1]
        .into_iter()
        .filter_map(spring_festival)
        .map(|f| (date - f).num_days())
        .min_by_key(|d| d.abs())
}

/// How many cases a day takes in, relative to an ordinary working day of the last year.
/// `years_back` is how long before the generation date the day lies: the grid system took in
/// less in its first years, before every community had its workers and the app.
pub fn day_weight(date: NaiveDate, years_back: f64) -> f64 {
    let growth = 1.0 - 0.045 * years_back.clamp(0.0, 10.0);
    let weekday = match date.weekday() {
        Weekday::Sat | Weekday::Sun => 0.45,
        _ => 1.0,
    };
    let festival = match from_festival(date) {
        Some(-2..=7) => 0.25,
        Some(-10..=-3) | Some(8..=15) => 0.7,
        _ => 1.0,
    };
    let national_day = if date.month() == 10 && date.day() <= 7 { 0.5 } else { 1.0 };
    growth * weekday * festival * national_day
}

/// How much more (or less) often a category comes up in `date`'s season than on average.
pub fn category_factor(category: &str, date: NaiveDate) -> f64 {
    let m = date.month();
    let heating = matches!(m, 11 | 12 | 1 | 2 | 3) || (m == 10 && date.day() >= 15) || (m == 4 && date.day() <= 15);
    let summer = matches!(m, 6..=8);
    let before_festival = from_festival(date).is_some_and(|d| (-45..=0).contains(&d));
    match category {
        "heating" => {
            if heating {
                3.0
            } else {
                0.15
            }
        }
        "tenancy.utilities" if heating => 1.6,
        "neighbour.water_leak" if summer => 1.8,
        "neighbour.water_leak" if heating => 1.2,
        "neighbour.noise" if matches!(m, 5..=9) => 1.6,
        "neighbour.shared_space" if matches!(m, 4..=9) => 1.3,
        "labour.wage_arrears" if before_festival => 3.0,
        "family.marriage" | "family.support" if from_festival(date).is_some_and(|d| (8..=40).contains(&d)) => 1.6,
        "fire.ebike_charging" if summer => 1.6,
        "gas" if heating => 1.7,
        "natural_disaster" if matches!(m, 7 | 8) => 4.0,
        "natural_disaster" => 0.4,
        "environment" if matches!(m, 5..=9) => 1.3,
        "roads_parking" if matches!(m, 3 | 4) => 1.4,
        "land.contract" | "land.homestead" if matches!(m, 3..=5) => 1.5,
        _ => 1.0,
    }
}

/// `base` with every year in `years` it lacks filled in from the fixed-date holidays and the
/// Spring Festival week, without make-up working days: close enough to reckon historical
/// deadlines for generated cases, and never written to the database.
pub fn calendar_for(base: &Calendar, years: std::ops::RangeInclusive<i32>) -> anyhow::Result<Calendar> {
    let mut cal = base.clone();
    for year in years {
        if cal.years().any(|y| y == year) {
            continue;
        }
        let mut rows = Vec::new();
        let mut days = |from: NaiveDate, n: i64, zh: &str, en: &str| {
            for i in 0..n {
                let date = from + Duration::days(i);
                if date.year() == year && !rows.iter().any(|r: &CalendarDay| r.date == date) {
                    rows.push(CalendarDay { date, kind: DayKind::Holiday, name_zh: zh.into(), name_en: en.into() });
                }
            }
        };
        let ymd = |m, d| NaiveDate::from_ymd_opt(year, m, d).expect("a valid date");
        days(ymd(1, 1), 1, "元旦", "New Year's Day");
        if let Some(f) = spring_festival(year) {
            days(f - Duration::days(1), 7, "春节", "Spring Festival");
        }
        days(ymd(4, 4), 1, "清明节", "Qingming Festival");
        days(ymd(5, 1), 3, "劳动节", "Labour Day");
        days(ymd(10, 1), 7, "国庆节", "National Day");
        cal.add_year(year, rows)?;
    }
    Ok(cal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_festival_and_weekends_are_quiet_and_heating_is_a_winter_matter() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        // 2024-02-12 is a Monday in the festival week; 2024-03-12 an ordinary Tuesday.
        assert!(day_weight(d(2024, 2, 12), 0.0) < 0.3 * day_weight(d(2024, 3, 12), 0.0));
        assert!(day_weight(d(2024, 3, 16), 0.0) < day_weight(d(2024, 3, 15), 0.0), "Saturday is quieter");
        assert!(day_weight(d(2017, 3, 14), 9.0) < day_weight(d(2025, 3, 11), 1.0), "fewer cases in the early years");
        assert!(category_factor("heating", d(2024, 1, 10)) > 10.0 * category_factor("heating", d(2024, 7, 10)));
        assert!(category_factor("labour.wage_arrears", d(2025, 1, 10)) > 1.0);
    }

    #[test]
    fn past_years_get_a_calendar_with_their_holidays() {
        let cal = calendar_for(Calendar::china(), 2016..=2027).unwrap();
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert!(!cal.is_working_day(d(2018, 2, 16)).unwrap(), "Spring Festival 2018");
        assert!(!cal.is_working_day(d(2019, 10, 3)).unwrap());
        assert!(cal.is_working_day(d(2019, 10, 8)).unwrap());
        // The shipped years stay as the State Council set them: 2024-02-04 was a make-up Sunday.
        assert!(cal.is_working_day(d(2024, 2, 4)).unwrap());
    }
}
