//! Mainland China phone numbers: mobiles and fixed lines.
//!
//! People type numbers every way ("+86 138-1234-5678", "(0471)1234567转89", full-width digits
//! from a Chinese IME); all of them must normalise to one string, because that string is what
//! the keyed hash for duplicate detection and lookup is computed over.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::mask::mask_phone;
use crate::{DomainError, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PhoneKind {
    Mobile,
    Landline,
}

/// A validated phone number in canonical form: `13812345678`, `0471-1234567` or
/// `0471-1234567-89`. Like `IdNumber`, it has no `Display` or `Serialize`, and `Debug` masks.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Phone(String);

/// Longer input is not a phone number; refusing it early bounds the work done on it.
const MAX_INPUT: usize = 64;

/// Ways an extension is written; the earliest match wins, so "ext" is found before its "x".
const EXT_MARKERS: [&str; 5] = ["分机", "转", "ext", "x", "#"];

impl Phone {
    pub fn parse(s: &str) -> Result<Self> {
        parse_inner(s)
            .map(Phone)
            .ok_or(DomainError::invalid("phone", "error-phone"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    pub fn kind(&self) -> PhoneKind {
        if self.0.starts_with('1') {
            PhoneKind::Mobile
        } else {
            PhoneKind::Landline
        }
    }

    /// What screens show: `138****5678`, `0471-*****67`.
    pub fn masked(&self) -> String {
        mask_phone(&self.0)
    }
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Phone").field(&self.masked()).finish()
    }
}

impl FromStr for Phone {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

fn parse_inner(raw: &str) -> Option<String> {
    if raw.len() > MAX_INPUT {
        return None;
    }
    let s = to_ascii_forms(raw.trim());
    let (main, marked_ext) = split_extension(&s)?;
    let (international, rest) = strip_country_code(main.trim());
    let mut groups: Vec<String> = rest
        .split([' ', '-', '(', ')', '\t'])
        .filter(|g| !g.is_empty())
        .map(str::to_string)
        .collect();
    if groups.is_empty() || !groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let digits: String = groups.concat();

    // "86" without a plus is only unambiguous in front of a mobile number.
    if !international && digits.len() == 13 && digits.starts_with("861") {
        return mobile(&digits[2..], marked_ext.is_some());
    }
    // From abroad Beijing is "+86 10 …", which would otherwise look like a mobile number.
    let beijing_from_abroad = international && digits.starts_with("10");
    if digits.starts_with('1') && !beijing_from_abroad {
        return mobile(&digits, marked_ext.is_some());
    }
    // Dialled from abroad, the trunk prefix 0 is dropped: +86 471 1234567.
    if international && !digits.starts_with('0') {
        groups[0].insert(0, '0');
    }
    landline(&groups, marked_ext)
}

fn mobile(digits: &str, has_ext: bool) -> Option<String> {
    let b = digits.as_bytes();
    let ok = !has_ext && b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]);
    ok.then(|| digits.to_string())
}

/// Full-width forms come from Chinese input methods and Excel; they mean the ASCII ones.
fn to_ascii_forms(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '＋' => '+',
            '－' | '—' | '–' => '-',
            '（' => '(',
            '）' => ')',
            '＃' => '#',
            '\u{3000}' | '\u{a0}' => ' ',
            c => c,
        })
        .collect()
}

fn split_extension(s: &str) -> Option<(&str, Option<String>)> {
    // ASCII lower-casing keeps byte offsets, so positions found here index `s` too.
    let lower = s.to_ascii_lowercase();
    let found = EXT_MARKERS
        .iter()
        .filter_map(|m| lower.find(m).map(|i| (i, m.len())))
        .min();
    let Some((at, len)) = found else {
        return Some((s, None));
    };
    let ext = s[at + len..]
        .trim()
        .trim_start_matches([':', '.', '-'])
        .trim();
    let valid = (1..=6).contains(&ext.len()) && ext.bytes().all(|b| b.is_ascii_digit());
    valid.then(|| (&s[..at], Some(ext.to_string())))
}

fn strip_country_code(s: &str) -> (bool, &str) {
    let s = s.trim_start_matches('(');
    for prefix in ["+86", "0086"] {
        if let Some(rest) = s.strip_prefix(prefix) {
            return (true, rest.trim_start_matches(')'));
        }
    }
    (false, s)
}

/// Area codes are 010 and 020–029 (three digits) or 03xx–09xx (four digits), so the length
/// follows from the second and third digits and a number typed without a separator can still
/// be split.
fn area_code_len(digits: &str) -> Option<usize> {
    let b = digits.as_bytes();
    if b.len() < 3 || b[0] != b'0' {
        return None;
    }
    match b[1] {
        b'1' if b[2] == b'0' => Some(3),
        b'2' => Some(3),
        b'3'..=b'9' if b.len() >= 4 => Some(4),
        _ => None,
    }
}

/// Local numbers are 7 or 8 digits. A leading 0 would be a second trunk prefix, which is a
/// typing mistake, and would make "0471-0471…" look valid.
fn is_local_number(g: &str) -> bool {
    (7..=8).contains(&g.len()) && !g.starts_with('0')
}

fn landline(groups: &[String], marked_ext: Option<String>) -> Option<String> {
    let first = &groups[0];
    let area_len = area_code_len(first)?;
    let area = &first[..area_len];
    let mut rest: Vec<&str> = Vec::with_capacity(groups.len());
    if first.len() > area_len {
        rest.push(&first[area_len..]);
    }
    rest.extend(groups[1..].iter().map(String::as_str));
    if rest.is_empty() {
        return None;
    }

    // Prefer reading the written grouping ("0471-1234567-8": the 8 is an extension), then the
    // number split into chunks ("010 1234 5678"), then chunks with a trailing extension.
    let (number, tail): (String, &[&str]) = if is_local_number(rest[0]) {
        (rest[0].to_string(), &rest[1..])
    } else if is_local_number(&rest.concat()) {
        (rest.concat(), &[])
    } else if rest.len() >= 2 && is_local_number(&rest[..rest.len() - 1].concat()) {
        (rest[..rest.len() - 1].concat(), &rest[rest.len() - 1..])
    } else {
        return None;
    };
    let ext = match (tail, marked_ext) {
        ([], ext) => ext,
        ([e], None) if e.len() <= 6 => Some(e.to_string()),
        _ => return None,
    };
    Some(match ext {
        Some(e) => format!("{area}-{number}-{e}"),
        None => format!("{area}-{number}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        Phone::parse(s)
            .unwrap_or_else(|e| panic!("{s:?}: {e}"))
            .into_string()
    }

    fn refused(s: &str) {
        assert_eq!(
            Phone::parse(s).unwrap_err(),
            DomainError::Invalid {
                field: "phone",
                key: "error-phone"
            },
            "{s:?} should be refused"
        );
    }

    #[test]
    fn mobiles_in_every_common_spelling() {
        for s in [
            "13812345678",
            " 138 1234 5678 ",
            "138-1234-5678",
            "+86 138 1234 5678",
            "+8613812345678",
            "+86-138-1234-5678",
            "(+86) 13812345678",
            "8613812345678",
            "86 138 1234 5678",
            "0086 13812345678",
            "１３８１２３４５６７８",
            "＋８６ １３８１２３４５６７８",
        ] {
            assert_eq!(norm(s), "13812345678", "{s:?}");
        }
        for prefix in 3..=9 {
            let p = Phone::parse(&format!("1{prefix}012345678")).unwrap();
            assert_eq!(p.kind(), PhoneKind::Mobile);
        }
    }

    #[test]
    fn bad_mobiles() {
        refused("138123456789"); // 12 digits
        refused("1381234567"); // 10 digits
        refused("12812345678"); // no 12x mobile range
        refused("11812345678");
        refused("+1 415 555 0100");
        refused("+44 20 7946 0958");
        refused("13812345678转12"); // mobiles have no extensions
        refused("138l2345678");
        refused("");
        refused("   ");
        refused(&"1".repeat(100));
    }

    #[test]
    fn landlines_with_and_without_extensions() {
        let cases = [
            ("0471-1234567", "0471-1234567"),
            ("04711234567", "0471-1234567"),
            ("(0471) 1234567", "0471-1234567"),
            ("0471 123 4567", "0471-1234567"),
            ("010-12345678", "010-12345678"),
            ("01012345678", "010-12345678"),
            ("010 1234 5678", "010-12345678"),
            ("021-62345678", "021-62345678"),
            ("0755-86123456", "0755-86123456"),
            ("+86 471 1234567", "0471-1234567"),
            ("+86 10 12345678", "010-12345678"),
            ("0471-1234567-89", "0471-1234567-89"),
            ("0471-1234567-8", "0471-1234567-8"),
            ("0471 1234567 89", "0471-1234567-89"),
            ("0471-1234567转89", "0471-1234567-89"),
            ("0471-1234567 分机 8901", "0471-1234567-8901"),
            ("0471-1234567 ext. 89", "0471-1234567-89"),
            ("0471-1234567 EXT 89", "0471-1234567-89"),
            ("0471-1234567x89", "0471-1234567-89"),
            ("0471-1234567#89", "0471-1234567-89"),
            ("０４７１－１２３４５６７", "0471-1234567"),
            ("（0471）1234567", "0471-1234567"),
        ];
        for (input, want) in cases {
            assert_eq!(norm(input), want, "{input:?}");
            assert_eq!(Phone::parse(input).unwrap().kind(), PhoneKind::Landline);
        }
    }

    #[test]
    fn bad_landlines() {
        refused("0471-123456"); // 6-digit local number
        refused("0471-123456789"); // 9 digits
        refused("0471-0234567"); // local numbers do not start with 0
        refused("0471-1234567-1234567"); // extension too long
        refused("0471-1234567转"); // marker with nothing after it
        refused("0471-1234567转abc");
        refused("0011-1234567"); // no area code starts 00 or 01x other than 010
        refused("0111-1234567");
        refused("0471");
        refused("0471-1234567-89-1");
        refused("0471-1234567-89转1");
    }

    #[test]
    fn debug_masks() {
        let p = Phone::parse("13812345678").unwrap();
        assert_eq!(format!("{p:?}"), "Phone(\"138****5678\")");
        assert_eq!(
            Phone::parse("0471-1234567").unwrap().masked(),
            "0471-*****67"
        );
    }
}
