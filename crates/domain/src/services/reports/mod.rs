//! Reports in words: for an area in the caller's scope and a period, each module contributes
//! a section of figures and sentences in the seed's style ("截至目前，全区共排查矛盾纠纷案件
//! 3413件，已化解3232件，化解率达到94.69%。"). The domain stays language-neutral: a sentence
//! is a message key with typed values, worded and formatted at the edge (reports.ftl).
//!
//! A module joins the report by implementing `ReportSection` and adding itself to
//! `SECTIONS`; meetings, votes, volunteers and assessment will each bring their own.

mod cases;
mod period;

use async_trait::async_trait;
use serde::Serialize;

pub use cases::CasesSection;
pub use period::{PeriodKind, ReportPeriod};

use crate::error::{DomainError, Result};
use crate::model::stats::AreaRef;
use crate::model::{Area, AreaLevel};
use crate::rules::access::{Actor, Permission};
use crate::rules::calendar::local_date;
use crate::services::Services;

/// A value a sentence names; how it reads is the edge's business (3413 in Chinese, 3,413 in
/// English; a rate as 94.69%).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Value {
    Count(i64),
    /// A share in [0, 1], four decimals cut off.
    Rate(f64),
    /// A name kept in both languages (a category).
    Name { zh: String, en: String },
    /// A message key worded in the reader's language (a room's name).
    Message(String),
    /// A fixed word a message selects on (`district`, `yes`).
    Word(&'static str),
    /// The report's period, named in the reader's language.
    Period,
    /// Clauses, each a message, joined by the language's list separator.
    List(Vec<Sentence>),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sentence {
    pub key: &'static str,
    pub args: Vec<(&'static str, Value)>,
}

impl Sentence {
    pub fn new(key: &'static str) -> Self {
        Sentence { key, args: Vec::new() }
    }

    pub fn arg(mut self, name: &'static str, v: Value) -> Self {
        self.args.push((name, v));
        self
    }

    pub fn count(self, name: &'static str, n: i64) -> Self {
        self.arg(name, Value::Count(n))
    }

    /// A rate, when there is one (nothing to divide by leaves it out; the message then
    /// shows its fallback).
    pub fn rate(self, name: &'static str, r: Option<f64>) -> Self {
        match r {
            Some(r) => self.arg(name, Value::Rate(r)),
            None => self,
        }
    }
}

/// One module's part of a report.
#[derive(Debug, Clone, Serialize)]
pub struct SectionReport {
    pub id: &'static str,
    /// Message key of the section's heading.
    pub heading: &'static str,
    pub sentences: Vec<Sentence>,
    /// The figures the sentences were written from, for the JSON API.
    pub figures: serde_json::Value,
}

/// What the report is about, handed to every section.
#[derive(Debug, Clone)]
pub struct ReportScope {
    pub area: Area,
    pub period: ReportPeriod,
}

/// A module's contribution to reports.
#[async_trait]
pub trait ReportSection: Send + Sync {
    /// The section's name in URLs (`/api/v1/reports/cases`).
    fn id(&self) -> &'static str;
    /// A caller without it gets the report without this section.
    fn permission(&self) -> Permission;
    async fn write(&self, services: &Services, actor: &Actor, scope: &ReportScope) -> Result<SectionReport>;
}

/// Every section, in the order a report reads. A new module adds one line here.
pub static SECTIONS: &[&dyn ReportSection] = &[&CasesSection];

pub fn section(id: &str) -> Option<&'static dyn ReportSection> {
    SECTIONS.iter().copied().find(|s| s.id() == id)
}

#[derive(Debug, Clone)]
pub struct Report {
    pub area: AreaRef,
    pub level: AreaLevel,
    pub period: ReportPeriod,
    /// Today (Asia/Shanghai): the figures say where the period's cases stand now.
    pub generated_on: chrono::NaiveDate,
    pub sections: Vec<SectionReport>,
}

impl Services {
    /// The report for an area (the caller's home area when absent) and period (this year to
    /// date when absent): every section the caller may read, or only `only`.
    pub async fn report(&self, actor: &Actor, area_code: Option<&str>, period: Option<&str>, only: Option<&str>) -> Result<Report> {
        let chosen: Vec<&dyn ReportSection> = match only {
            Some(id) => vec![section(id).ok_or(DomainError::NotFound("error-report-section-not-found"))?],
            None => SECTIONS.to_vec(),
        };
        if let Some(s) = chosen.first().filter(|_| only.is_some()) {
            actor.require(s.permission())?;
        }
        let area = match area_code.map(str::trim).filter(|c| !c.is_empty()) {
            Some(code) => self.area(actor, code).await?,
            None => self.home_area(actor).await?,
        };
        let today = local_date(self.clock.now());
        let period = ReportPeriod::parse(period, today)?;
        let scope = ReportScope { area, period };
        let mut sections = Vec::new();
        for s in chosen.into_iter().filter(|s| actor.role.has(s.permission())) {
            sections.push(s.write(self, actor, &scope).await?);
        }
        let a = &scope.area;
        Ok(Report {
            area: AreaRef { code: a.code.to_string(), name: a.name.clone(), level: a.level },
            level: a.level,
            period: scope.period,
            generated_on: today,
            sections,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_are_listed_once_and_found_by_id() {
        let ids: Vec<&str> = SECTIONS.iter().map(|s| s.id()).collect();
        let unique: std::collections::BTreeSet<&str> = ids.iter().copied().collect();
        assert_eq!(unique.len(), ids.len(), "a section is listed twice");
        assert!(ids.contains(&"cases"));
        assert_eq!(section("cases").map(|s| s.id()), Some("cases"));
        assert!(section("nothing").is_none());
        assert_eq!(section("cases").unwrap().permission(), Permission::ViewCases);
    }
}
