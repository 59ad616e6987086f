//! How case text becomes terms. Three analyses, each a tantivy tokenizer:
//!
//! - `zh`: jieba words in search mode, so a long word also yields the shorter words inside it
//!   (卫生间漏水 → 卫生间, 漏水) and a two-character query finds it. This ranks results.
//! - `grams`: overlapping pairs and threes of units (a Han character, or a whole Latin/digit
//!   run). jieba cuts a sentence by context, so the same two characters can land in different
//!   words in a query and in a case; the grams catch every contiguous occurrence, so recall
//!   does not depend on the cut.
//! - `names`: a party's whole name, its one- and two-character surnames and its given name, so
//!   a surname alone finds the case, and a name never matches the middle of another one.

use std::sync::LazyLock;

use jieba_rs::Jieba;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

pub const ZH: &str = "zh";
pub const GRAMS: &str = "grams";
pub const NAMES: &str = "names";

/// Loads the dictionary now rather than on the first search.
pub fn warm_up() {
    LazyLock::force(&JIEBA);
}

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

fn is_wordy(c: char) -> bool {
    c.is_alphanumeric()
}

/// Full-width Latin letters and digits (Ａ, ３) as people type them on Chinese keyboards,
/// folded to ASCII, then lower case.
pub fn fold(c: char) -> char {
    let c = match c as u32 {
        0xFF10..=0xFF19 | 0xFF21..=0xFF3A | 0xFF41..=0xFF5A => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    c.to_ascii_lowercase()
}

/// A term with digits or Latin letters (3号楼, B座) means exactly that sequence: it is found
/// only as written, not by words that may stand apart.
pub fn is_exact(text: &str) -> bool {
    text.chars().any(|c| fold(c).is_ascii_alphanumeric())
}

fn folded(text: &str) -> String {
    text.chars().map(fold).collect()
}

/// jieba's words of `text`, folded, without punctuation and spaces. Offsets refer to the
/// folded copy; highlighting matches the words as strings, not by offset.
pub fn words(text: &str) -> Vec<(usize, usize, String)> {
    let f = folded(text);
    JIEBA
        .cut_for_search(&f, true)
        .into_iter()
        .filter(|t| t.word.chars().any(is_wordy))
        .map(|t| (t.byte_start, t.byte_end, t.word.trim().to_string()))
        .collect()
}

/// The words a query asks for: jieba's plain cut, without the shorter words inside longer
/// ones. A case's text is indexed in search mode, so its 新城区 also yields 新城 and 城区; the
/// query asks for 新城区 alone, which every such case has, instead of all three (three times
/// the postings to walk, for the same cases).
pub fn query_words(text: &str) -> Vec<String> {
    let f = folded(text);
    JIEBA.cut(&f, true).into_iter().filter(|t| t.word.chars().any(is_wordy)).map(|t| t.word.trim().to_string()).collect()
}

/// A unit of text: one Han character, or a whole run of other letters and digits (3, 12, b).
/// Anything else (spaces, punctuation) separates stretches of units.
struct Unit {
    start: usize,
    end: usize,
    text: String,
    han: bool,
}

/// The text's stretches of adjacent units, offsets into the original text.
fn stretches(text: &str) -> Vec<Vec<Unit>> {
    let chars: Vec<(usize, char)> = text.char_indices().map(|(i, c)| (i, fold(c))).collect();
    let end_of = |k: usize| chars.get(k + 1).map_or(text.len(), |(i, _)| *i);
    let mut out: Vec<Vec<Unit>> = vec![Vec::new()];
    let mut k = 0;
    while k < chars.len() {
        let c = chars[k].1;
        if is_han(c) {
            out.last_mut().expect("one stretch").push(Unit { start: chars[k].0, end: end_of(k), text: c.to_string(), han: true });
            k += 1;
        } else if is_wordy(c) {
            let start = k;
            while k < chars.len() && is_wordy(chars[k].1) && !is_han(chars[k].1) {
                k += 1;
            }
            let text = chars[start..k].iter().map(|(_, c)| *c).collect();
            out.last_mut().expect("one stretch").push(Unit { start: chars[start].0, end: end_of(k - 1), text, han: false });
        } else {
            if !out.last().expect("one stretch").is_empty() {
                out.push(Vec::new());
            }
            k += 1;
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

fn joined(units: &[Unit]) -> (usize, usize, String) {
    (units[0].start, units[units.len() - 1].end, units.iter().map(|u| u.text.as_str()).collect())
}

/// The text's runs of units as terms: every pair and every three of adjacent units, each run
/// of letters or digits alone, and a Han character alone where no other Han character stands
/// beside it (张, but not the 号 of 号楼). jieba cuts a sentence by context, so the same two
/// characters can land in different words in a query and in a case; these catch every
/// contiguous occurrence, so recall does not depend on the cut. Threes make a longer term one
/// lookup without positions: 3号楼 is its own term, which 13号楼 and 3单元…号楼 do not hold.
pub fn grams(text: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    for units in stretches(text) {
        for (i, u) in units.iter().enumerate() {
            let han_beside = |j: Option<usize>| j.and_then(|j| units.get(j)).is_some_and(|v| v.han);
            if !u.han || (!han_beside(i.checked_sub(1)) && !han_beside(Some(i + 1))) {
                out.push((u.start, u.end, u.text.clone()));
            }
        }
        for n in [2, 3] {
            out.extend(units.windows(n).map(joined));
        }
    }
    out
}

/// The grams a query term must find, all of them, so that the term stands in the text as
/// written: a single unit or pair as it is, a longer stretch by each of its threes.
pub fn required_grams(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for units in stretches(text) {
        match units.len() {
            1 | 2 => out.push(joined(&units).2),
            _ => out.extend(units.windows(3).map(|w| joined(w).2)),
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The terms a person's or organisation's name is found by.
pub fn name_terms(name: &str) -> Vec<String> {
    let name: String = name.chars().filter(|c| !c.is_whitespace()).map(fold).collect();
    let chars: Vec<char> = name.chars().collect();
    let mut out = vec![name.clone()];
    if chars.len() >= 2 && chars.iter().all(|c| is_han(*c)) {
        out.push(chars[..1].iter().collect());
        out.push(chars[1..].iter().collect());
        if chars.len() >= 3 {
            out.push(chars[..2].iter().collect());
        }
    }
    out.sort();
    out.dedup();
    out
}

fn stream(tokens: Vec<(usize, usize, String)>) -> VecStream {
    let tokens = tokens
        .into_iter()
        .enumerate()
        .map(|(position, (offset_from, offset_to, text))| Token { offset_from, offset_to, position, text, position_length: 1 })
        .collect();
    VecStream { tokens, next: 0 }
}

pub struct VecStream {
    tokens: Vec<Token>,
    next: usize,
}

impl TokenStream for VecStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }
    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

/// A tantivy tokenizer made of one of the analyses above.
#[derive(Clone, Copy)]
pub struct Analysis(pub fn(&str) -> Vec<(usize, usize, String)>);

impl Tokenizer for Analysis {
    type TokenStream<'a> = VecStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecStream {
        stream((self.0)(text))
    }
}

/// Names are indexed one value per party; each value yields its terms.
pub fn name_tokens(text: &str) -> Vec<(usize, usize, String)> {
    name_terms(text).into_iter().map(|t| (0, text.len(), t)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(v: Vec<(usize, usize, String)>) -> Vec<String> {
        v.into_iter().map(|t| t.2).collect()
    }

    #[test]
    fn two_character_words_come_out_of_longer_ones() {
        let w = texts(words("楼上卫生间漏水，噪音扰民"));
        assert!(w.contains(&"漏水".to_string()), "{w:?}");
        assert!(w.contains(&"噪音".to_string()), "{w:?}");
        assert!(!w.iter().any(|t| t == "，"), "punctuation is no word: {w:?}");
    }

    #[test]
    fn a_query_asks_for_whole_words_which_the_text_holds_too() {
        let q = query_words("卫生间漏水");
        assert_eq!(q, ["卫生间", "漏水"]);
        let indexed = texts(words("楼上卫生间漏水"));
        assert!(q.iter().all(|w| indexed.contains(w)), "{q:?} in {indexed:?}");
    }

    #[test]
    fn grams_are_pairs_and_threes_of_units_with_digit_runs_whole() {
        assert_eq!(texts(grams("3号楼漏水")), ["3", "3号", "号楼", "楼漏", "漏水", "3号楼", "号楼漏", "楼漏水"]);
        assert_eq!(texts(grams("张")), ["张"]);
        assert_eq!(texts(grams("Ｂ座12层")), ["b", "座", "12", "层", "b座", "座12", "12层", "b座12", "座12层"]);
        // Offsets point into the original text, so highlights land on the right characters.
        let g = grams("一、漏水");
        let leak = g.iter().find(|t| t.2 == "漏水").unwrap();
        assert_eq!(&"一、漏水"[leak.0..leak.1], "漏水");
        assert!(!texts(g).contains(&"一漏".to_string()), "punctuation separates");
    }

    #[test]
    fn a_term_requires_its_threes_so_it_stands_as_written() {
        assert_eq!(required_grams("3号楼"), ["3号楼"]);
        assert_eq!(required_grams("拖欠工资"), ["拖欠工", "欠工资"]);
        assert_eq!(required_grams("漏水"), ["漏水"]);
        assert_eq!(required_grams("王"), ["王"]);
        assert!(required_grams("，！").is_empty());
        let in_13 = texts(grams("13号楼漏水"));
        assert!(!in_13.contains(&"3号楼".to_string()), "13号楼 is not 3号楼: {in_13:?}");
        let apart = texts(grams("3单元2号楼"));
        assert!(!apart.contains(&"3号楼".to_string()), "{apart:?}");
    }

    #[test]
    fn names_are_found_by_surname_and_whole_name_only() {
        assert_eq!(name_terms("王建国"), ["建国", "王", "王建", "王建国"]);
        let compound = name_terms("欧阳娜娜");
        assert!(["欧阳娜娜", "欧阳", "欧"].iter().all(|t| compound.contains(&t.to_string())), "{compound:?}");
    }
}
