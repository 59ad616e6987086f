//! Residents' names (姓名).
//!
//! Names are searched and compared for duplicates, so spellings that mean the same name must
//! normalise alike: spreadsheets pad two-character names to three ("张　三"), and the
//! separator in transliterated minority and foreign names (阿卜杜拉·买买提) is typed with half a
//! dozen look-alike dots.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::{DomainError, Result};

const MAX_CHARS: usize = 32;
const DOT: char = '·';

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(s: &str) -> Result<Self> {
        normalise(s)
            .map(PersonName)
            .ok_or(DomainError::invalid("name", "error-person-name"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for PersonName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl FromStr for PersonName {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

impl TryFrom<String> for PersonName {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self> {
        Self::parse(&s)
    }
}

impl From<PersonName> for String {
    fn from(n: PersonName) -> String {
        n.0
    }
}

/// Han ideographs: the unified block, extension A, compatibility ideographs, and the
/// supplementary-plane extensions where rare surname and given-name characters live.
fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2EBEF}'
        | '\u{30000}'..='\u{3134F}')
}

fn is_dot_variant(c: char) -> bool {
    matches!(c, '·' | '•' | '・' | '‧' | '･' | '∙' | '⋅' | '．')
}

/// '〇' is a Han numeral that also appears in given names, so it is a letter here.
fn is_name_letter(c: char) -> bool {
    c == '〇' || (c.is_alphabetic() && !c.is_numeric())
}

fn normalise(raw: &str) -> Option<String> {
    let trimmed = raw.trim_matches(|c: char| c.is_whitespace());
    if trimmed.chars().any(|c| c.is_control()) {
        return None;
    }
    // Collapse whitespace to single spaces and unify the dots.
    let mut chars: Vec<char> = Vec::with_capacity(trimmed.len());
    for c in trimmed.chars() {
        let c = if c.is_whitespace() {
            ' '
        } else if is_dot_variant(c) {
            DOT
        } else {
            c
        };
        if c == ' ' && chars.last() == Some(&' ') {
            continue;
        }
        chars.push(c);
    }
    // A space is only part of a name between two Latin-script (or similar) words; next to a
    // Han character or a dot it is padding.
    let mut out: Vec<char> = Vec::with_capacity(chars.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let prev = out.last().copied();
            let next = chars.get(i + 1).copied();
            let padding = [prev, next]
                .iter()
                .flatten()
                .any(|&n| is_han(n) || n == DOT);
            if padding {
                continue;
            }
        }
        out.push(c);
    }

    let n = out.len();
    if n == 0 || n > MAX_CHARS {
        return None;
    }
    for (i, &c) in out.iter().enumerate() {
        if is_name_letter(c) {
            continue;
        }
        // Separators must sit between two letters: no leading, trailing or doubled ones.
        let separator = matches!(c, DOT | ' ' | '-' | '\'');
        let between_letters =
            i > 0 && i + 1 < n && is_name_letter(out[i - 1]) && is_name_letter(out[i + 1]);
        if !(separator && between_letters) {
            return None;
        }
    }
    Some(out.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> String {
        PersonName::parse(s)
            .unwrap_or_else(|e| panic!("{s:?}: {e}"))
            .into_string()
    }

    fn refused(s: &str) {
        assert_eq!(
            PersonName::parse(s).unwrap_err(),
            DomainError::Invalid {
                field: "name",
                key: "error-person-name"
            },
            "{s:?} should be refused"
        );
    }

    #[test]
    fn ordinary_and_minority_names() {
        assert_eq!(ok("张三丰"), "张三丰");
        assert_eq!(ok("  王芳 "), "王芳");
        assert_eq!(ok("阿卜杜拉·买买提"), "阿卜杜拉·买买提");
        assert_eq!(ok("乌云其木格"), "乌云其木格");
        assert_eq!(ok("李〇"), "李〇");
        assert_eq!(ok("𠀾明"), "𠀾明");
        assert_eq!(ok("John Smith"), "John Smith");
        assert_eq!(ok("Jean-Pierre O'Brien"), "Jean-Pierre O'Brien");
        assert_eq!(ok("Zoë"), "Zoë");
        assert_eq!(ok("王"), "王");
    }

    #[test]
    fn spellings_of_one_name_normalise_alike() {
        assert_eq!(ok("张　三"), "张三");
        assert_eq!(ok("张  三"), "张三");
        for dot in ["·", "•", "・", "‧", "．", " · "] {
            assert_eq!(
                ok(&format!("阿卜杜拉{dot}买买提")),
                "阿卜杜拉·买买提",
                "{dot:?}"
            );
        }
        assert_eq!(ok("John   Smith"), "John Smith");
        assert_eq!(ok("John\u{3000}Smith"), "John Smith");
    }

    #[test]
    fn refusals() {
        refused("");
        refused("   ");
        refused("张三1");
        refused("张三１");
        refused("Ⅱ世");
        refused("张\u{0}三");
        refused("张\n三");
        refused("张三!");
        refused("张三😀");
        refused("·买买提");
        refused("阿卜杜拉·");
        refused("阿卜杜拉··买买提");
        refused("-John");
        refused("John--Smith");
        refused(&"张".repeat(33));
        assert_eq!(ok(&"张".repeat(32)).chars().count(), 32);
    }

    #[test]
    fn serde_validates() {
        let n: PersonName = serde_json::from_str("\"张　三\"").unwrap();
        assert_eq!(n.as_str(), "张三");
        assert_eq!(serde_json::to_string(&n).unwrap(), "\"张三\"");
        assert!(serde_json::from_str::<PersonName>("\"123\"").is_err());
        assert_eq!(n.to_string(), "张三");
    }
}
