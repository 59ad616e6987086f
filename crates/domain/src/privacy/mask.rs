//! Masked forms of personal data, for screens, lists and exports.
//!
//! What is kept is what staff need to tell people apart and confirm identity over the phone
//! (region and last digits of an ID number, network prefix and last digits of a mobile), and
//! no more. The masks work on strings so that a stored masked column can be computed once at
//! write time; they never fail, because a display must not break on a malformed legacy value.

/// `150102199001011234` → `150102********1234`: first 6 and last 4 kept. Anything too short
/// to keep 10 characters and still hide some is masked whole.
pub fn mask_id(id: &str) -> String {
    keep_ends(id, 6, 4)
}

/// Mobile `13812345678` → `138****5678`; landline `0471-1234567` → `0471-*****67`, with any
/// extension masked too (`0471-*****67-**`).
pub fn mask_phone(phone: &str) -> String {
    let parts: Vec<&str> = phone.split('-').collect();
    match parts.as_slice() {
        [mobile] if mobile.chars().count() == 11 => keep_ends(mobile, 3, 4),
        [area, number, ext @ ..] if area.starts_with('0') && ext.len() <= 1 => {
            let mut out = format!("{area}-{}", keep_ends(number, 0, 2));
            for e in ext {
                out.push('-');
                out.push_str(&stars(e.chars().count()));
            }
            out
        }
        _ => keep_ends(phone, 0, 2),
    }
}

/// `张三丰` → `张**`: for exports to parties outside the data's scope. The surname (first
/// character) stays; the dot and spaces in compound names stay so the shape reads as a name.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    let rest: String = chars
        .map(|c| if c == '·' || c == ' ' { c } else { '*' })
        .collect();
    if rest.is_empty() {
        // A one-character name kept whole would not be masked at all.
        return "*".to_string();
    }
    format!("{first}{rest}")
}

fn stars(n: usize) -> String {
    "*".repeat(n)
}

fn keep_ends(s: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    if n <= head + tail {
        return stars(n);
    }
    let mut out: String = chars[..head].iter().collect();
    out.push_str(&stars(n - head - tail));
    out.extend(&chars[n - tail..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert_eq!(mask_id("150102199001011234"), "150102********1234");
        assert_eq!(mask_id("11010519491231002X"), "110105********002X");
        assert_eq!(mask_id("110105491231002"), "110105*****1002");
        assert_eq!(mask_id("1234567890"), "**********");
        assert_eq!(mask_id(""), "");
    }

    #[test]
    fn phones() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("0471-1234567"), "0471-*****67");
        assert_eq!(mask_phone("010-12345678"), "010-******78");
        assert_eq!(mask_phone("0471-1234567-89"), "0471-*****67-**");
        // Not a normalised number: still nothing but the last two digits shows.
        assert_eq!(mask_phone("12345"), "***45");
        assert_eq!(mask_phone("1-2-3-4"), "*****-4");
        assert_eq!(mask_phone(""), "");
    }

    #[test]
    fn names() {
        assert_eq!(mask_name("张三丰"), "张**");
        assert_eq!(mask_name("王芳"), "王*");
        assert_eq!(mask_name("王"), "*");
        assert_eq!(mask_name("阿卜杜拉·买买提"), "阿***·***");
        assert_eq!(mask_name("John Smith"), "J*** *****");
        assert_eq!(mask_name(""), "");
    }
}
