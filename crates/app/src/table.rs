//! Plain-text tables for the terminal. Chinese characters take two columns in a terminal, so
//! padding counts display width, not characters.

/// Columns a character occupies in a terminal: two for the wide East Asian ranges.
fn char_width(c: char) -> usize {
    let wide = matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD);
    if wide { 2 } else { 1 }
}

pub fn display_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// Renders rows under a header, columns separated by two spaces, without trailing blanks.
pub fn render(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| display_width(h)).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(display_width(cell));
        }
    }
    let mut out = String::new();
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    for row in std::iter::once(&header).chain(rows) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < row.len() {
                line.push_str(&" ".repeat(widths[i] - display_width(cell) + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_cells_align() {
        let t = render(&["CODE", "NAME", "X"], &[vec!["150103".into(), "回民区".into(), "a".into()], vec!["1501".into(), "x".into(), "b".into()]]);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(display_width("回民区"), 6);
        // The third column starts at the same terminal column on every line.
        let col = |l: &str| display_width(&l[..l.rfind(' ').unwrap() + 1]);
        assert_eq!(col(lines[1]), col(lines[2]));
        assert_eq!(col(lines[0]), col(lines[1]));
    }
}
