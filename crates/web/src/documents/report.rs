//! A report in words as a document: the domain's sentences worded in one language, with
//! numbers as the seed prints them (3413件 in Chinese, 3,413 in English; 94.69% in both).
//! The page, the PDF and the JSON API all come from one `ReportDocument`.

use chrono::Datelike;
use fengqiao_domain::DomainError;
use fengqiao_domain::rules::access::Actor;
use fengqiao_domain::rules::calendar::local_date;
use fengqiao_domain::services::reports::{PeriodKind, Report, ReportPeriod, Sentence, Value};

use crate::AppState;
use crate::i18n::Lang;

#[derive(Debug, Clone)]
pub struct ReportDocSection {
    pub id: &'static str,
    pub heading: String,
    pub sentences: Vec<String>,
    pub figures: serde_json::Value,
}

#[derive(Debug, Clone)]
pub struct ReportDocument {
    pub lang: Lang,
    pub title: String,
    pub area_code: String,
    pub area_name: String,
    pub period: ReportPeriod,
    pub period_label: String,
    /// The days the intake ran over and the day the report was made: where cases stand (resolved
    /// or not) is as of that day, not of the period's end.
    pub dateline: String,
    pub sections: Vec<ReportDocSection>,
}

impl ReportDocument {
    /// The sections' sentences run together as one paragraph each, as a bulletin prints them.
    pub fn paragraphs(&self) -> Vec<(String, String)> {
        let joiner = if self.lang == Lang::En { " " } else { "" };
        self.sections.iter().map(|s| (s.heading.clone(), s.sentences.join(joiner))).collect()
    }

    /// A file name without spaces or Chinese: `report-150102-2024.pdf`.
    pub fn file_name(&self) -> String {
        let safe = |s: &str| s.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect::<String>();
        format!("report-{}-{}.pdf", safe(&self.area_code), safe(&self.period.code))
    }
}

/// 3413 in Chinese (plain digits, as the seed prints), 3,413 in English.
pub fn count(l: Lang, n: i64) -> String {
    if l == Lang::ZhCn {
        return n.to_string();
    }
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// 0.9469 → 94.69%: the share is already cut to four decimals, so two decimals of a percent
/// print it whole; rounding here only mends the float.
pub fn rate(r: f64) -> String {
    format!("{:.2}%", (r * 10_000.0).round() / 100.0)
}

pub fn period_label(l: Lang, p: &ReportPeriod) -> String {
    match p.kind {
        PeriodKind::Year => l.t_args("report-period-year", &[("year", p.year.to_string())]),
        PeriodKind::Quarter => l.t_args("report-period-quarter", &[("year", p.year.to_string()), ("quarter", p.part.to_string())]),
        PeriodKind::Month => {
            let month_name = chrono::NaiveDate::from_ymd_opt(p.year, p.part, 1).map(|d| d.format("%B").to_string()).unwrap_or_default();
            l.t_args("report-period-month", &[("year", p.year.to_string()), ("month", p.part.to_string()), ("month_name", month_name)])
        }
    }
}

fn day(l: Lang, d: chrono::NaiveDate) -> String {
    match l {
        Lang::ZhCn => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
        Lang::En => d.to_string(),
    }
}

/// One sentence in the reader's language.
pub fn word(l: Lang, s: &Sentence, period: &str) -> String {
    let args: Vec<(&'static str, String)> = s.args.iter().map(|(k, v)| (*k, value(l, v, period))).collect();
    l.t_args(s.key, &args)
}

fn value(l: Lang, v: &Value, period: &str) -> String {
    match v {
        Value::Count(n) => count(l, *n),
        Value::Rate(r) => rate(*r),
        Value::Name { zh, en } => if l == Lang::ZhCn { zh.clone() } else { en.clone() },
        Value::Message(key) => l.t(key),
        Value::Word(w) => w.to_string(),
        Value::Period => period.to_string(),
        Value::List(items) => {
            let words: Vec<String> = items.iter().map(|s| word(l, s, period)).collect();
            match words.as_slice() {
                [] => String::new(),
                [one] => one.clone(),
                [a, b] => format!("{a}{}{b}", l.t("report-list-pair")),
                [init @ .., last] => format!("{}{}{last}", init.join(&l.t("report-list-sep")), l.t("report-list-last")),
            }
        }
    }
}

pub fn document(l: Lang, r: &Report) -> ReportDocument {
    let period_label = period_label(l, &r.period);
    let title = l.t_args("report-title", &[("area", r.area.name.clone()), ("period", period_label.clone())]);
    let sections = r
        .sections
        .iter()
        .map(|s| ReportDocSection {
            id: s.id,
            heading: l.t(s.heading),
            sentences: s.sentences.iter().map(|x| word(l, x, &period_label)).collect(),
            figures: s.figures.clone(),
        })
        .collect();
    ReportDocument {
        lang: l,
        title,
        area_code: r.area.code.clone(),
        area_name: r.area.name.clone(),
        dateline: l.t_args("report-generated", &[("from", day(l, r.period.from)), ("to", day(l, r.period.to)), ("today", day(l, r.generated_on))]),
        period: r.period.clone(),
        period_label,
        sections,
    }
}

/// The report a caller may read, worded in `l`.
pub async fn report_document(
    state: &AppState,
    actor: &Actor,
    l: Lang,
    area: Option<&str>,
    period: Option<&str>,
    only: Option<&str>,
) -> Result<ReportDocument, DomainError> {
    let r = state.services.report(actor, area, period, only).await?;
    Ok(document(l, &r))
}

/// Today in Asia/Shanghai, for forms that default to this year.
pub fn today(state: &AppState) -> chrono::NaiveDate {
    local_date(state.services.clock.now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_the_seed_prints_them() {
        assert_eq!(count(Lang::ZhCn, 3413), "3413");
        assert_eq!(count(Lang::En, 3413), "3,413");
        assert_eq!(count(Lang::En, 1_234_567), "1,234,567");
        assert_eq!(count(Lang::En, 999), "999");
        assert_eq!(rate(0.9469), "94.69%");
        assert_eq!(rate(0.58), "58.00%");
        assert_eq!(rate(1.0), "100.00%");
    }

    #[test]
    fn a_sentence_reads_in_both_languages() {
        let s = Sentence::new("report-cases-disputes")
            .arg("ytd", Value::Word("yes"))
            .arg("period", Value::Period)
            .arg("scope", Value::Word("district"))
            .count("intake", 3413)
            .count("resolved", 3232)
            .rate("rate", Some(0.9469));
        assert_eq!(word(Lang::ZhCn, &s, "2024年"), "截至目前，全区共排查矛盾纠纷案件3413件，已化解3232件，化解率达到94.69%。");
        assert_eq!(
            word(Lang::En, &s, "2024"),
            "So far this year, the district has taken in 3,413 disputes and resolved 3,232, a resolution rate of 94.69%."
        );
        let item = |n: &str, i| Sentence::new("report-cases-category").arg("name", Value::Name { zh: n.into(), en: n.into() }).count("intake", i).count("resolved", i);
        let list = Sentence::new("report-cases-categories").arg("items", Value::List(vec![item("A", 1), item("B", 2), item("C", 3)]));
        assert_eq!(word(Lang::En, &list, ""), "By kind: A (1 taken in, 1 resolved), B (2 taken in, 2 resolved), and C (3 taken in, 3 resolved).");
        assert_eq!(word(Lang::ZhCn, &list, ""), "从类别看，A1件、化解1件；B2件、化解2件；C3件、化解3件。");
    }
}
