use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn key_of(r: Result<IdNumber>) -> &'static str {
    match r {
        Err(DomainError::Invalid {
            field: "id_number",
            key,
        }) => key,
        other => panic!("expected an id_number error, got {other:?}"),
    }
}

const TODAY: NaiveDate = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();

/// Written out by hand from DOMAIN-FACTS so that a bug shared by `check_char` and the
/// validator cannot hide: weights, sum mod 11, map "10X98765432".
fn reference_check(first17: &str) -> char {
    let w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let mut sum = 0;
    for (i, c) in first17.chars().enumerate() {
        sum += c.to_digit(10).unwrap() * w[i];
    }
    ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize]
}

#[test]
fn the_standard_example_is_valid() {
    // The worked example printed in GB 11643-1999; sum 167, 167 mod 11 = 2, so 'X'.
    assert_eq!(check_char("11010519491231002"), 'X');
    let id = IdNumber::parse_as_of("11010519491231002X", TODAY).unwrap();
    assert_eq!(id.birth_date(), day(1949, 12, 31));
    assert_eq!(id.gender(), Gender::Female);
    assert_eq!(id.region_code(), "110105");
}

#[test]
fn constructed_numbers_validate_across_many_dates_and_sequences() {
    let regions = ["150101", "150102", "110105", "650102", "540102", "820000"];
    let mut checked = 0;
    let mut birth = day(1900, 1, 1);
    while birth <= TODAY {
        for (i, region) in regions.iter().enumerate() {
            let seq = (birth.ordinal() * 7 + i as u32 * 131) % 1000;
            let first17 = format!("{region}{}{seq:03}", birth.format("%Y%m%d"));
            let check = reference_check(&first17);
            assert_eq!(check_char(&first17), check, "{first17}");
            let s = format!("{first17}{check}");
            let id = IdNumber::parse_as_of(&s, TODAY).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(id.as_str(), s);
            assert_eq!(id.birth_date(), birth);
            let male = seq % 2 == 1;
            assert_eq!(
                id.gender(),
                if male { Gender::Male } else { Gender::Female }
            );
            // Every other check character is a wrong one.
            for wrong in "0123456789X".chars().filter(|c| *c != check) {
                let bad = format!("{first17}{wrong}");
                assert_eq!(
                    key_of(IdNumber::parse_as_of(&bad, TODAY)),
                    "error-id-check-digit"
                );
            }
            checked += 1;
        }
        birth = birth + chrono::Days::new(37);
    }
    assert!(checked > 5000);
}

#[test]
fn single_digit_typos_are_caught() {
    let good = synthetic_id("150101", day(1985, 7, 14), 123).into_string();
    for pos in 0..17 {
        for d in '0'..='9' {
            let mut s: Vec<char> = good.chars().collect();
            if s[pos] == d {
                continue;
            }
            s[pos] = d;
            let s: String = s.into_iter().collect();
            assert!(IdNumber::parse_as_of(&s, TODAY).is_err(), "{s} should fail");
        }
    }
}

#[test]
fn wrong_check_digit() {
    let good = synthetic_id("150102", day(1990, 1, 1), 123);
    assert_eq!(good.as_str(), "150102199001011230");
    assert_eq!(
        key_of(IdNumber::parse_as_of("150102199001011234", TODAY)),
        "error-id-check-digit"
    );
}

#[test]
fn impossible_and_out_of_range_birth_dates() {
    for date in [
        "19900230", "19901301", "19900000", "18991231", "20260602", "20990101",
    ] {
        let first17 = format!("150102{date}123");
        let s = format!("{first17}{}", check_char(&first17));
        assert_eq!(
            key_of(IdNumber::parse_as_of(&s, TODAY)),
            "error-id-birth-date",
            "{s}"
        );
    }
    // Today itself and leap days are fine.
    for date in ["20260601", "20000229", "19000101"] {
        let first17 = format!("150102{date}124");
        let s = format!("{first17}{}", check_char(&first17));
        IdNumber::parse_as_of(&s, TODAY).unwrap();
    }
}

#[test]
fn future_date_against_the_real_clock() {
    let tomorrow = today_in_china() + chrono::Days::new(1);
    let first17 = format!("150102{}001", tomorrow.format("%Y%m%d"));
    let s = format!("{first17}{}", check_char(&first17));
    assert_eq!(key_of(IdNumber::parse(&s)), "error-id-birth-date");
}

#[test]
fn unknown_regions() {
    for region in ["990101", "100101", "150000", "000000", "720101", "830101"] {
        let first17 = format!("{region}19900101123");
        let s = format!("{first17}{}", check_char(&first17));
        assert_eq!(
            key_of(IdNumber::parse_as_of(&s, TODAY)),
            "error-id-region",
            "{s}"
        );
    }
    // Demo region and the residence-permit prefixes pass.
    for region in ["150101", "810000", "820000", "830000", "710101", "460201"] {
        let first17 = format!("{region}19900101123");
        let s = format!("{first17}{}", check_char(&first17));
        IdNumber::parse_as_of(&s, TODAY).unwrap_or_else(|e| panic!("{s}: {e}"));
    }
}

#[test]
fn length_and_character_errors() {
    assert_eq!(key_of(IdNumber::parse_as_of("", TODAY)), "error-id-length");
    assert_eq!(
        key_of(IdNumber::parse_as_of("15010219900101123", TODAY)),
        "error-id-length"
    );
    assert_eq!(
        key_of(IdNumber::parse_as_of("1501021990010112300", TODAY)),
        "error-id-length"
    );
    assert_eq!(
        key_of(IdNumber::parse_as_of("15010219900101123A", TODAY)),
        "error-id-chars"
    );
    assert_eq!(
        key_of(IdNumber::parse_as_of("1501021990010112X0", TODAY)),
        "error-id-chars"
    );
    assert_eq!(
        key_of(IdNumber::parse_as_of("15010219900101 230", TODAY)),
        "error-id-chars"
    );
    // Full-width digits are 18 characters but not ASCII digits.
    assert_eq!(
        key_of(IdNumber::parse_as_of(
            "１５０１０２１９９００１０１１２３０",
            TODAY
        )),
        "error-id-chars"
    );
    assert_eq!(
        key_of(IdNumber::parse_as_of("15010290010112A", TODAY)),
        "error-id-chars"
    );
}

#[test]
fn lowercase_x_and_whitespace_are_normalised() {
    let id = IdNumber::parse_as_of("  11010519491231002x\t", TODAY).unwrap();
    assert_eq!(id.as_str(), "11010519491231002X");
    assert_eq!(
        id,
        IdNumber::parse_as_of("11010519491231002X", TODAY).unwrap()
    );
}

#[test]
fn legacy_fifteen_digit_numbers_convert() {
    let id = IdNumber::parse_as_of("110105491231002", TODAY).unwrap();
    assert_eq!(id.as_str(), "11010519491231002X");
    let id = IdNumber::parse_as_of("150102800101123", TODAY).unwrap();
    let first17 = "15010219800101123";
    assert_eq!(
        id.as_str(),
        format!("{first17}{}", reference_check(first17))
    );
    assert_eq!(id.gender(), Gender::Male);
    assert_eq!(
        key_of(IdNumber::parse_as_of("150102800230123", TODAY)),
        "error-id-birth-date"
    );
    assert_eq!(
        key_of(IdNumber::parse_as_of("990102800101123", TODAY)),
        "error-id-region"
    );
}

#[test]
fn strict_parsing_refuses_legacy_numbers_only() {
    assert_eq!(
        key_of(IdNumber::parse_strict_as_of("110105491231002", TODAY)),
        "error-id-legacy"
    );
    assert_eq!(
        key_of(IdNumber::parse_strict("110105491231002")),
        "error-id-legacy"
    );
    IdNumber::parse_strict_as_of("11010519491231002X", TODAY).unwrap();
    assert_eq!(
        key_of(IdNumber::parse_strict_as_of("11010549123100X", TODAY)),
        "error-id-chars"
    );
}

#[test]
fn age_counts_full_years() {
    let id = synthetic_id("150101", day(1966, 6, 2), 11);
    assert_eq!(id.age_on(day(2026, 6, 1)), 59);
    assert_eq!(id.age_on(day(2026, 6, 2)), 60);
    assert_eq!(id.age_on(day(1960, 1, 1)), 0);
    let leap = synthetic_id("150101", day(2000, 2, 29), 12);
    assert_eq!(leap.age_on(day(2001, 2, 28)), 0);
    assert_eq!(leap.age_on(day(2001, 3, 1)), 1);
    assert_eq!(leap.age_on(day(2004, 2, 29)), 4);
}

#[test]
fn synthetic_ids_use_the_demo_region_and_parity() {
    let m = synthetic_id("150101", day(1950, 3, 4), 7);
    assert_eq!(m.region_code(), "150101");
    assert_eq!(m.gender(), Gender::Male);
    assert_eq!(
        synthetic_id("150101", day(1950, 3, 4), 0).gender(),
        Gender::Female
    );
    assert_eq!(
        synthetic_id("150101", day(1950, 3, 4), 999).as_str()[14..17],
        *"999"
    );
    IdNumber::parse(m.as_str()).unwrap();
}

#[test]
#[should_panic(expected = "seq")]
fn synthetic_id_refuses_large_sequences() {
    synthetic_id("150101", day(1950, 3, 4), 1000);
}

#[test]
fn debug_masks_and_gender_round_trips() {
    let id = IdNumber::parse_as_of("11010519491231002X", TODAY).unwrap();
    assert_eq!(format!("{id:?}"), "IdNumber(\"110105********002X\")");
    assert_eq!(
        serde_json::to_string(&Gender::Female).unwrap(),
        "\"female\""
    );
    assert_eq!(
        serde_json::from_str::<Gender>("\"male\"").unwrap(),
        Gender::Male
    );
    assert_eq!("女".parse::<Gender>().unwrap(), Gender::Female);
    assert_eq!(Gender::Male.as_str(), "male");
}
