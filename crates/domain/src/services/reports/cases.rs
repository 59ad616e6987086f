//! The cases' section of a report: disputes taken in and resolved with the rate, where they
//! were resolved (小事不出社区、大事不出街道), the leading kinds of dispute, residents'
//! demands, hazards, the partner rooms and their share of the city, timeliness and
//! satisfaction. Written from `case_figures`, so the words and the dashboard agree.

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::Days;

use super::{ReportScope, ReportSection, SectionReport, Sentence, Value};
use crate::error::Result;
use crate::model::case::{CaseKind, PartnerRoom};
use crate::model::mediator_figures::room_category;
use crate::model::stats::{CaseFigures, share};
use crate::ports::CaseSlice;
use crate::rules::access::{Actor, Permission};
use crate::rules::calendar::start_of_day;
use crate::services::Services;
use crate::services::cases::CaseSettings;
use crate::services::stats::FigureQuery;

/// How many kinds of dispute the report names.
const TOP_CATEGORIES: usize = 3;

pub struct CasesSection;

/// A room's cases against the city's mediations of the category it takes.
#[derive(Debug, Clone, serde::Serialize)]
struct RoomCityShare {
    room: String,
    category: Option<&'static str>,
    city_mediations: i64,
    city_share: Option<f64>,
}

#[async_trait]
impl ReportSection for CasesSection {
    fn id(&self) -> &'static str {
        "cases"
    }

    fn permission(&self) -> Permission {
        Permission::ViewCases
    }

    async fn write(&self, services: &Services, actor: &Actor, scope: &ReportScope) -> Result<SectionReport> {
        let p = &scope.period;
        let q = FigureQuery { area_code: Some(scope.area.code.to_string()), from: Some(p.from), to: Some(p.to), kind: None, category: None };
        let f = services.case_figures(actor, &q).await?;
        let settings = services.case_settings().await?;
        let kind = |k: CaseKind| f.by_kind.get(k.as_str()).cloned().unwrap_or_default();
        let mut out = Vec::new();

        let disputes = kind(CaseKind::Dispute);
        let opening = |key| {
            Sentence::new(key).arg("ytd", Value::Word(if p.to_date { "yes" } else { "no" })).arg("period", Value::Period).arg("scope", Value::Word(scope.area.level.as_str()))
        };
        if disputes.intake > 0 {
            out.push(opening("report-cases-disputes").count("intake", disputes.intake).count("resolved", disputes.resolved).rate("rate", disputes.resolution_rate));
        } else {
            out.push(opening("report-cases-disputes-none"));
        }

        let l = &f.by_level;
        let resolved_levels = l.community + l.street + l.district;
        if resolved_levels > 0 {
            out.push(
                Sentence::new("report-cases-levels")
                    .count("community", l.community)
                    .rate("community_share", share(l.community, resolved_levels))
                    .count("street", l.street)
                    .count("district", l.district),
            );
        }

        let mut by_parent: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
        for c in f.by_category.iter().filter(|c| c.kind == CaseKind::Dispute.as_str()) {
            let parent = c.category.split('.').next().unwrap_or(&c.category);
            let e = by_parent.entry(parent).or_default();
            e.0 += c.figures.intake;
            e.1 += c.figures.resolved;
        }
        let mut top: Vec<_> = by_parent.into_iter().filter(|(_, (n, _))| *n > 0).collect();
        top.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
        let items: Vec<Sentence> = top
            .iter()
            .take(TOP_CATEGORIES)
            .map(|(code, (intake, resolved))| {
                Sentence::new("report-cases-category").arg("name", category_name(&settings, code)).count("intake", *intake).count("resolved", *resolved)
            })
            .collect();
        if !items.is_empty() {
            out.push(Sentence::new("report-cases-categories").arg("items", Value::List(items)));
        }

        let demands = kind(CaseKind::Demand);
        if demands.intake > 0 {
            out.push(Sentence::new("report-cases-demands").count("intake", demands.intake).count("resolved", demands.resolved).rate("rate", demands.resolution_rate));
        }
        let hazards = kind(CaseKind::Hazard);
        if hazards.intake > 0 {
            out.push(Sentence::new("report-cases-hazards").count("intake", hazards.intake).count("resolved", hazards.resolved));
        }

        let shares = room_shares(services, scope, &f).await?;
        for (room, city) in f.rooms.iter().filter(|r| r.cases > 0).zip(shares.iter()) {
            let name = Value::Message(format!("case-room-{}", room.room.replace('_', "-")));
            let s = match room.resolved {
                Some(ok) => Sentence::new("report-cases-room").arg("room", name).count("cases", room.cases).count("ok", ok).rate("rate", room.success_rate),
                None => Sentence::new("report-cases-room-referred").arg("room", name).count("cases", room.cases),
            };
            out.push(s);
            if let (Some(code), Some(r)) = (city.category, city.city_share) {
                out.push(Sentence::new("report-cases-room-city").arg("category", category_name(&settings, code)).count("city", city.city_mediations).rate("share", Some(r)));
            }
        }

        let concluded = f.concluded_on_time + f.concluded_late;
        if concluded > 0 {
            out.push(Sentence::new("report-cases-on-time").count("concluded", concluded).rate("rate", f.on_time_rate).count("overdue", f.overdue));
        }
        let s = &f.satisfaction;
        let answers = s.satisfied + s.basically_satisfied + s.dissatisfied;
        if answers > 0 {
            out.push(Sentence::new("report-cases-satisfaction").count("answers", answers).rate("rate", s.satisfaction_rate));
        }

        let mut figures = serde_json::to_value(&f).map_err(|e| crate::DomainError::Internal(e.to_string()))?;
        if let Some(o) = figures.as_object_mut() {
            o.insert("room_city_shares".into(), serde_json::to_value(&shares).unwrap_or_default());
        }
        Ok(SectionReport { id: self.id(), heading: "report-cases-heading", sentences: out, figures })
    }
}

/// For each room with cases, in `f.rooms` order: its share of the city's mediations of its
/// category. The city total is a count, never a list of people, so a district office may see it.
async fn room_shares(services: &Services, scope: &ReportScope, f: &CaseFigures) -> Result<Vec<RoomCityShare>> {
    let city = services.city_of(&scope.area).await?;
    let slice = CaseSlice {
        area_path: city.path.clone(),
        taken_in_from: start_of_day(scope.period.from),
        taken_in_before: start_of_day(scope.period.to + Days::new(1)),
    };
    let mut out = Vec::new();
    for r in f.rooms.iter().filter(|r| r.cases > 0) {
        let category = PartnerRoom::parse(&r.room).ok().and_then(room_category);
        let city_mediations = services.store.dispute_counts(&slice, category).await?.concluded;
        out.push(RoomCityShare { room: r.room.clone(), category, city_mediations, city_share: share(r.cases, city_mediations) });
    }
    Ok(out)
}

fn category_name(settings: &CaseSettings, code: &str) -> Value {
    settings.categories.get(CaseKind::Dispute, code).map_or_else(
        || Value::Name { zh: code.to_string(), en: code.to_string() },
        |c| Value::Name { zh: c.name_zh.clone(), en: c.name_en.clone() },
    )
}
