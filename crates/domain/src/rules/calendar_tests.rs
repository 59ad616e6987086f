use super::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn cal() -> &'static Calendar {
    Calendar::china()
}

fn working(s: &str) -> bool {
    cal().is_working_day(d(s)).unwrap()
}

/// Noon in Shanghai on a date.
fn noon(s: &str) -> DateTime<Utc> {
    Shanghai.from_local_datetime(&d(s).and_hms_opt(12, 0, 0).unwrap()).unwrap().with_timezone(&Utc)
}

fn due(from: &str, n: u32) -> String {
    local_date(cal().add_working_days(noon(from), n).unwrap()).to_string()
}

#[test]
fn the_shipped_calendar_covers_2024_to_2026() {
    assert_eq!(cal().years().collect::<Vec<_>>(), [2024, 2025, 2026]);
    assert_eq!(cal().rows().count(), 108);
    assert_eq!(cal().day(d("2024-10-01")).unwrap().name_zh, "国庆节");
}

#[test]
fn spring_festival_2024_with_make_up_sundays() {
    assert!(working("2024-02-04"), "Sunday 4 February was worked");
    assert!(working("2024-02-09"), "New Year's Eve was officially a working day in 2024");
    for day in 10..=17 {
        assert!(!working(&format!("2024-02-{day:02}")), "2024-02-{day}");
    }
    assert!(working("2024-02-18"), "Sunday 18 February was worked");
    assert!(working("2024-02-19"));
    assert!(!working("2024-02-03"), "an ordinary Saturday");
    // Thursday 8 February + 2: Friday the 9th, then the holiday, then Sunday the 18th.
    assert_eq!(due("2024-02-08", 2), "2024-02-18");
    assert_eq!(due("2024-02-09", 1), "2024-02-18");
}

#[test]
fn national_day_2024() {
    assert!(working("2024-09-29"), "make-up Sunday");
    for day in 1..=7 {
        assert!(!working(&format!("2024-10-{day:02}")));
    }
    assert!(working("2024-10-08"));
    assert!(working("2024-10-12"), "make-up Saturday");
    assert!(!working("2024-10-13"));
    assert_eq!(due("2024-09-27", 1), "2024-09-29");
    assert_eq!(due("2024-09-30", 1), "2024-10-08");
    // Tuesday 8 October + 5: 9, 10, 11, Saturday 12, 14.
    assert_eq!(due("2024-10-08", 5), "2024-10-14");
}

#[test]
fn holidays_of_2025_and_2026() {
    assert!(working("2025-01-26") && working("2025-02-08"), "2025 Spring Festival make-up days");
    assert!(!working("2025-01-28") && !working("2025-02-04"));
    assert!(!working("2025-06-02"), "Dragon Boat Monday");
    assert!(!working("2025-10-08"), "2025 National Day and Mid-Autumn ran eight days");
    assert!(working("2025-09-28") && working("2025-10-11"));
    assert!(!working("2026-01-02") && working("2026-01-04"), "2026 New Year: Friday off, Sunday worked");
    assert!(!working("2026-02-23") && working("2026-02-14") && working("2026-02-28"));
    assert!(!working("2026-09-25"), "Mid-Autumn 2026 is a Friday");
    assert!(working("2026-09-20") && working("2026-10-10"));
    assert_eq!(due("2025-09-30", 1), "2025-10-09");
    assert_eq!(due("2026-02-13", 2), "2026-02-24");
}

#[test]
fn deadlines_never_fall_on_a_day_off() {
    let mut day = d("2024-01-01");
    while day < d("2026-12-01") {
        for n in [0, 1, 3, 15] {
            let end = cal().add_working_days(noon(&day.to_string()), n).unwrap();
            assert!(cal().is_working_day(local_date(end)).unwrap(), "{day} + {n}");
            if n > 0 {
                assert_eq!(cal().working_days_between(day, local_date(end)).unwrap(), n as i64, "{day} + {n}");
            }
        }
        day = day.succ_opt().unwrap();
    }
}

#[test]
fn deadlines_are_end_of_day_in_shanghai() {
    let end = cal().add_working_days(noon("2024-02-08"), 2).unwrap();
    assert_eq!(end, Utc.with_ymd_and_hms(2024, 2, 18, 15, 59, 59).unwrap());
    // 00:30 on 8 October in Shanghai is still 7 October in UTC: the office's date counts.
    let late = Utc.with_ymd_and_hms(2024, 10, 7, 16, 30, 0).unwrap();
    assert_eq!(local_date(late), d("2024-10-08"));
    assert_eq!(local_date(cal().add_working_days(late, 1).unwrap()), d("2024-10-09"));
    // Zero days: the end of the same working day, or of the next one after a day off.
    assert_eq!(due("2024-10-08", 0), "2024-10-08");
    assert_eq!(due("2024-10-03", 0), "2024-10-08");
}

#[test]
fn counting_working_days_between_dates() {
    assert_eq!(cal().working_days_between(d("2024-02-08"), d("2024-02-19")).unwrap(), 3);
    assert_eq!(cal().working_days_between(d("2024-02-19"), d("2024-02-08")).unwrap(), -3);
    assert_eq!(cal().working_days_between(d("2024-10-01"), d("2024-10-07")).unwrap(), 0);
    assert_eq!(cal().working_days_between(d("2024-05-06"), d("2024-05-06")).unwrap(), 0);
}

#[test]
fn years_outside_the_calendar_are_refused_clearly() {
    assert_eq!(cal().is_working_day(d("2027-01-04")), Err(CalendarError::YearNotCovered { year: 2027 }));
    assert_eq!(cal().is_working_day(d("2023-12-29")), Err(CalendarError::YearNotCovered { year: 2023 }));
    assert_eq!(cal().add_working_days(noon("2026-12-29"), 5), Err(CalendarError::YearNotCovered { year: 2027 }));
    assert_eq!(cal().working_days_between(d("2026-12-30"), d("2027-01-05")), Err(CalendarError::YearNotCovered { year: 2027 }));
    let err: DomainError = CalendarError::YearNotCovered { year: 2027 }.into();
    assert_eq!(err, DomainError::Conflict("error-calendar-year-missing"));
    assert!(CalendarError::YearNotCovered { year: 2027 }.to_string().contains("2027"));
}

fn row(date: &str, kind: DayKind) -> CalendarDay {
    CalendarDay { date: d(date), kind, name_zh: "元旦".into(), name_en: "New Year's Day".into() }
}

#[test]
fn an_administrator_adds_a_year_at_runtime() {
    let mut c = cal().clone();
    c.add_year(2027, vec![row("2027-01-01", DayKind::Holiday)]).unwrap();
    assert!(c.covers(d("2027-06-01")));
    assert!(!c.is_working_day(d("2027-01-01")).unwrap());
    // Wednesday 30 December 2026 + 2: Thursday the 31st, then (1 January off) Monday 4 January.
    assert_eq!(local_date(c.add_working_days(noon("2026-12-30"), 2).unwrap()), d("2027-01-04"));

    // A corrected notice replaces the year.
    c.add_year(2027, vec![row("2027-01-01", DayKind::Holiday), row("2027-01-02", DayKind::Holiday)]).unwrap();
    assert_eq!(c.rows().filter(|r| r.date.year() == 2027).count(), 2);

    // Refused rows leave the calendar as it was.
    let before = c.clone();
    let refused = |rows: Vec<CalendarDay>| c.clone().add_year(2028, rows).unwrap_err();
    assert_eq!(
        refused(vec![row("2029-01-01", DayKind::Holiday)]),
        CalendarError::BadRow { line: 1, key: "error-calendar-other-year" }
    );
    assert_eq!(
        refused(vec![row("2028-01-03", DayKind::Holiday), row("2028-01-03", DayKind::Holiday)]),
        CalendarError::BadRow { line: 2, key: "error-calendar-duplicate-date" }
    );
    // 2028-01-04 is a Tuesday: a make-up day there is a typo.
    assert_eq!(
        refused(vec![row("2028-01-04", DayKind::Workday)]),
        CalendarError::BadRow { line: 1, key: "error-calendar-workday-on-weekday" }
    );
    assert_eq!(
        refused(vec![CalendarDay { name_zh: " ".into(), ..row("2028-01-01", DayKind::Holiday) }]),
        CalendarError::BadRow { line: 1, key: "error-calendar-name" }
    );
    assert!(c.add_year(2028, vec![row("2028-01-04", DayKind::Workday)]).is_err());
    assert_eq!(c, before);
    c.remove_year(2027);
    assert!(!c.covers(d("2027-06-01")));
}

#[test]
fn csv_problems_name_the_line() {
    let head = "date,kind,name_zh,name_en\n";
    assert_eq!(Calendar::from_csv("day,kind\n"), Err(CalendarError::BadRow { line: 1, key: "error-calendar-header" }));
    let bad_date = format!("{head}2025-01-01,holiday,元旦,New Year\n2025-02-30,holiday,春节,Spring Festival\n");
    assert_eq!(Calendar::from_csv(&bad_date), Err(CalendarError::BadRow { line: 3, key: "error-calendar-date" }));
    let bad_kind = format!("{head}2025-01-01,off,元旦,New Year\n");
    assert_eq!(Calendar::from_csv(&bad_kind), Err(CalendarError::BadRow { line: 2, key: "error-calendar-kind" }));
    let dup = format!("{head}2025-01-01,holiday,元旦,New Year\n2025-01-01,holiday,元旦,New Year\n");
    assert_eq!(Calendar::from_csv(&dup), Err(CalendarError::BadRow { line: 3, key: "error-calendar-duplicate-date" }));
    let ok = Calendar::from_csv(&format!("{head}2025-01-01,holiday,元旦,New Year\n")).unwrap();
    assert_eq!(ok.years().collect::<Vec<_>>(), [2025]);
}
