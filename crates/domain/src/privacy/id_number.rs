//! Citizen identity numbers (公民身份号码) as GB 11643-1999 defines them.
//!
//! Validation is strict on form because the number feeds a keyed hash used for duplicate
//! detection: two spellings of one number must normalise to the same string, and a typo must
//! be caught at entry rather than create a second "person". The check digit catches every
//! single-digit error and most transpositions, which is why it is checked and not just
//! recomputed.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::mask::mask_id;
use crate::{DomainError, Result};

const FIELD: &str = "id_number";
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: &[u8; 11] = b"10X98765432";

/// Province-level codes of GB/T 2260, including Taiwan (71), Hong Kong (81) and Macao (82).
/// A first-registration code can only begin with one of these.
const PROVINCES: [&str; 34] = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
    "81", "82",
];

/// Residence permits for Hong Kong, Macao and Taiwan residents (2018) carry numbers in this
/// same format with a whole-province prefix. Such residents live in communities and are
/// registered like anyone else, so these three prefixes are the only "xx0000" codes accepted.
const PERMIT_REGIONS: [&str; 3] = ["810000", "820000", "830000"];

/// Numbers record births only from 1900 on: the 15-digit form assumed the 19xx century.
const EARLIEST_BIRTH: NaiveDate = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();

/// Legal sex as the identity number records it (17th digit: odd male, even female).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
        }
    }
}

impl FromStr for Gender {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim() {
            "male" | "男" => Ok(Gender::Male),
            "female" | "女" => Ok(Gender::Female),
            _ => Err(DomainError::invalid("gender", "error-gender")),
        }
    }
}

/// A validated 18-character identity number, always in canonical form (upper-case `X`).
///
/// Deliberately has no `Display` and no `Serialize`: the full value should reach a page or a
/// log only through an explicit `as_str()` in code that audits the reveal. `Debug` masks.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdNumber(String);

impl IdNumber {
    /// Accepts 18-character numbers and converts 15-digit legacy ones.
    pub fn parse(s: &str) -> Result<Self> {
        Self::parse_as_of(s, today_in_china())
    }

    /// Refuses 15-digit legacy numbers with `error-id-legacy`, for forms that must hold the
    /// number as printed on a current card.
    pub fn parse_strict(s: &str) -> Result<Self> {
        Self::parse_strict_as_of(s, today_in_china())
    }

    /// Like [`IdNumber::parse`], with "today" given, so that tests and imports are reproducible.
    pub fn parse_as_of(s: &str, today: NaiveDate) -> Result<Self> {
        parse_inner(s, today, true)
    }

    pub fn parse_strict_as_of(s: &str, today: NaiveDate) -> Result<Self> {
        parse_inner(s, today, false)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// Place of first registration; not where the person lives now.
    pub fn region_code(&self) -> &str {
        &self.0[..6]
    }

    pub fn birth_date(&self) -> NaiveDate {
        birth_date_of(&self.0[6..14]).expect("validated when parsed")
    }

    pub fn gender(&self) -> Gender {
        if (self.0.as_bytes()[16] - b'0') % 2 == 1 {
            Gender::Male
        } else {
            Gender::Female
        }
    }

    /// Age in full years (周岁) on `date`; 0 before birth. Someone born on 29 February turns a
    /// year older on 1 March in common years.
    pub fn age_on(&self, date: NaiveDate) -> u32 {
        let birth = self.birth_date();
        let mut age = date.year() - birth.year();
        if (date.month(), date.day()) < (birth.month(), birth.day()) {
            age -= 1;
        }
        age.max(0) as u32
    }

    /// What screens show: `150102********1234`.
    pub fn masked(&self) -> String {
        mask_id(&self.0)
    }
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("IdNumber").field(&self.masked()).finish()
    }
}

impl FromStr for IdNumber {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

/// The check character for the first 17 digits of a number.
///
/// # Panics
/// If `first17` is not exactly 17 ASCII digits: callers are generators and this module, which
/// have already established that.
pub fn check_char(first17: &str) -> char {
    let bytes = first17.as_bytes();
    assert!(
        bytes.len() == 17 && bytes.iter().all(u8::is_ascii_digit),
        "check_char needs exactly 17 ASCII digits"
    );
    let sum: u32 = bytes
        .iter()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    CHECK_CHARS[(sum % 11) as usize] as char
}

/// A number that is valid in form but belongs to no real person, for demo data and generators.
///
/// Demo data uses region `150101`: the "市辖区" placeholder under Hohhot (1501), a statistical
/// grouping that registers nobody, so the numbers collide with no resident's. The last digit
/// of `seq` decides gender: odd male, even female.
///
/// # Panics
/// If `region6` is not a plausible region code, `seq` is over 999, or `birth` is before 1900.
pub fn synthetic_id(region6: &str, birth: NaiveDate, seq: u16) -> IdNumber {
    assert!(seq <= 999, "synthetic_id: seq must be 0..=999");
    let first17 = format!("{region6}{}{seq:03}", birth.format("%Y%m%d"));
    let s = format!("{first17}{}", check_char(&first17));
    parse_inner(&s, NaiveDate::MAX, false).expect("synthetic_id: region or birth date out of range")
}

/// Birth dates are judged against the calendar where the numbers are issued, so that a baby
/// registered just after midnight Beijing time is not "born in the future" on a UTC server.
pub(crate) fn today_in_china() -> NaiveDate {
    Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive()
}

fn invalid(key: &'static str) -> DomainError {
    DomainError::invalid(FIELD, key)
}

fn parse_inner(s: &str, today: NaiveDate, allow_legacy: bool) -> Result<IdNumber> {
    let s = s.trim().to_ascii_uppercase();
    match s.chars().count() {
        18 => {
            let b = s.as_bytes();
            let digits_ok = s.len() == 18 && b[..17].iter().all(u8::is_ascii_digit);
            if !digits_ok || !(b[17].is_ascii_digit() || b[17] == b'X') {
                return Err(invalid("error-id-chars"));
            }
            check_region(&s[..6])?;
            check_birth(&s[6..14], today)?;
            if check_char(&s[..17]) != b[17] as char {
                return Err(invalid("error-id-check-digit"));
            }
            Ok(IdNumber(s))
        }
        15 => {
            if !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid("error-id-chars"));
            }
            if !allow_legacy {
                return Err(invalid("error-id-legacy"));
            }
            let first17 = format!("{}19{}", &s[..6], &s[6..]);
            check_region(&first17[..6])?;
            check_birth(&first17[6..14], today)?;
            let check = check_char(&first17);
            Ok(IdNumber(format!("{first17}{check}")))
        }
        _ => Err(invalid("error-id-length")),
    }
}

fn check_region(region: &str) -> Result<()> {
    if PERMIT_REGIONS.contains(&region) {
        return Ok(());
    }
    if PROVINCES.contains(&&region[..2]) && &region[2..] != "0000" {
        Ok(())
    } else {
        Err(invalid("error-id-region"))
    }
}

fn check_birth(yyyymmdd: &str, today: NaiveDate) -> Result<()> {
    match birth_date_of(yyyymmdd) {
        Some(d) if d >= EARLIEST_BIRTH && d <= today => Ok(()),
        _ => Err(invalid("error-id-birth-date")),
    }
}

fn birth_date_of(yyyymmdd: &str) -> Option<NaiveDate> {
    let y = yyyymmdd[..4].parse().ok()?;
    let m = yyyymmdd[4..6].parse().ok()?;
    let d = yyyymmdd[6..8].parse().ok()?;
    NaiveDate::from_ymd_opt(y, m, d)
}

#[cfg(test)]
#[path = "id_number_tests.rs"]
mod tests;
