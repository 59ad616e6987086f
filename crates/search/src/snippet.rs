//! Marking matches in stored text. Every piece of case text is HTML-escaped here, and the only
//! markup added is `<mark>`, so pages and API clients can insert the result as it is.

use crate::tokens::fold;

/// Characters of context shown before the first match in a description.
const BEFORE: usize = 24;
/// Characters a description snippet holds in all.
const SNIPPET: usize = 96;

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Character ranges of `text` where any needle occurs (folded as terms are), merged.
fn ranges(text: &[char], needles: &[Vec<char>]) -> Vec<(usize, usize)> {
    let folded: Vec<char> = text.iter().map(|c| fold(*c)).collect();
    let mut found = Vec::new();
    // A run of digits or Latin letters is one unit, as the index has it: 3 is not found in 13.
    let latin = |c: &char| c.is_ascii_alphanumeric();
    let whole = |i: usize, n: &[char]| {
        let before = i.checked_sub(1).map(|b| folded[b]);
        let after = folded.get(i + n.len()).copied();
        !(n.first().is_some_and(latin) && before.is_some_and(|c| latin(&c)) || n.last().is_some_and(latin) && after.is_some_and(|c| latin(&c)))
    };
    for n in needles.iter().filter(|n| !n.is_empty()) {
        let mut i = 0;
        while i + n.len() <= folded.len() {
            if folded[i..i + n.len()] == n[..] && whole(i, n) {
                found.push((i, i + n.len()));
                i += n.len();
            } else {
                i += 1;
            }
        }
    }
    found.sort();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in found {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

/// The needles a query's terms are highlighted by: each term, its words and its grams, longest
/// first. Single characters are only needles when a term is a single character; a term found
/// only as written (3号楼) is marked only where it stands whole, not its 3 elsewhere.
pub fn needles(terms: &[String]) -> Vec<Vec<char>> {
    let mut out: Vec<Vec<char>> = Vec::new();
    for t in terms {
        let t: String = t.chars().map(fold).collect();
        let single = t.chars().count() == 1;
        out.push(t.chars().collect());
        if crate::tokens::is_exact(&t) {
            continue;
        }
        for (_, _, w) in crate::tokens::words(&t).into_iter().chain(crate::tokens::grams(&t)) {
            if single || w.chars().count() > 1 || w.chars().all(|c| c.is_ascii_alphanumeric()) {
                out.push(w.chars().collect());
            }
        }
    }
    out.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    out.dedup();
    out
}

fn render(text: &[char], marks: &[(usize, usize)], from: usize, to: usize) -> String {
    let mut out = String::new();
    let mut at = from;
    for &(s, e) in marks {
        let (s, e) = (s.max(from), e.min(to));
        if s >= e {
            continue;
        }
        out.push_str(&escape(&text[at..s].iter().collect::<String>()));
        out.push_str("<mark>");
        out.push_str(&escape(&text[s..e].iter().collect::<String>()));
        out.push_str("</mark>");
        at = e;
    }
    if at < to {
        out.push_str(&escape(&text[at..to].iter().collect::<String>()));
    }
    out
}

/// The whole text, escaped, with matches marked.
pub fn highlight(text: &str, needles: &[Vec<char>]) -> String {
    let chars: Vec<char> = text.chars().collect();
    render(&chars, &ranges(&chars, needles), 0, chars.len())
}

/// A window of the text around its first match (its start when nothing matches), with "…"
/// where it was cut.
pub fn snippet(text: &str, needles: &[Vec<char>]) -> String {
    let chars: Vec<char> = text.chars().collect();
    let marks = ranges(&chars, needles);
    let from = marks.first().map_or(0, |m| m.0.saturating_sub(BEFORE));
    let to = (from + SNIPPET).min(chars.len());
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    out.push_str(&render(&chars, &marks, from, to));
    if to < chars.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_are_marked_and_everything_else_escaped() {
        let n = needles(&["漏水".to_string()]);
        assert_eq!(highlight("<b>楼上漏水</b>", &n), "&lt;b&gt;楼上<mark>漏水</mark>&lt;/b&gt;");
        let n = needles(&["<script>".to_string()]);
        assert!(!highlight("x<script>alert(1)</script>", &n).contains("<script>"));
    }

    #[test]
    fn a_term_with_digits_is_marked_only_where_it_stands_whole() {
        let n = needles(&["3号楼".to_string()]);
        assert_eq!(highlight("3号楼3单元，13号楼，Ｂ3号楼", &n), "<mark>3号楼</mark>3单元，13号楼，Ｂ3号楼");
        let n = needles(&["12".to_string()]);
        assert_eq!(highlight("12层，120室", &n), "<mark>12</mark>层，120室");
    }

    #[test]
    fn a_long_description_is_cut_around_the_first_match() {
        let text = format!("{}噪音扰民{}", "很".repeat(200), "夜".repeat(200));
        let s = snippet(&text, &needles(&["噪音".to_string()]));
        assert!(s.starts_with('…') && s.ends_with('…') && s.contains("<mark>噪音</mark>"), "{s}");
    }
}
