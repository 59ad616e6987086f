//! Mediator and room figures for an area in the caller's scope: counted live over the
//! subtree's cases (`MediatorStatsStore`). Only handlers of cases inside the area are
//! listed; the city appears only as a total, never as people.

use chrono::Days;

use crate::error::{DomainError, Result};
use crate::model::case::{CaseKind, PartnerRoom};
use crate::model::mediator_figures::{MediatorFigures, MediatorReport, RoomShare, room_category};
use crate::model::stats::{AreaRef, share};
use crate::model::Area;
use crate::ports::CaseSlice;
use crate::rules::access::{Actor, Permission};
use crate::rules::calendar::start_of_day;
use crate::services::Services;
use crate::services::stats::FigureQuery;

fn area_ref(a: &Area) -> AreaRef {
    AreaRef { code: a.code.to_string(), name: a.name.clone(), level: a.level }
}

impl Services {
    /// `q.kind` and `q.category` are not used: a mediator's figures cover all their cases.
    pub async fn mediator_figures(&self, actor: &Actor, q: &FigureQuery) -> Result<MediatorReport> {
        actor.require(Permission::ViewCases)?;
        let area = match &q.area_code {
            Some(code) => self.area(actor, code).await?,
            None => self.home_area(actor).await?,
        };
        let (from, to) = self.check_period(q.from, q.to)?;
        let slice = |path: &str| CaseSlice {
            area_path: path.to_string(),
            taken_in_from: start_of_day(from),
            taken_in_before: start_of_day(to + Days::new(1)),
        };
        let here = slice(&area.path);
        let handlers = self.store.handler_counts(&here).await?;
        let handled: i64 = handlers.iter().map(|h| h.counts.cases).sum();
        let mediators = handlers
            .into_iter()
            .map(|h| MediatorFigures {
                user_id: h.handler_id,
                name: h.handler_name,
                cases: h.counts.cases,
                concluded: h.counts.concluded,
                resolved: h.counts.resolved,
                by_agreement: h.counts.by_agreement,
                success_rate: share(h.counts.resolved, h.counts.concluded),
                share: share(h.counts.cases, handled),
            })
            .collect();

        let city = self.city_of(&area).await?;
        let whole_city = slice(&city.path);
        let settings = self.case_settings().await?;
        let mut rooms = Vec::new();
        for r in self.store.room_counts(&here).await? {
            let category = PartnerRoom::parse(&r.room).ok().and_then(room_category);
            let names = category.and_then(|c| settings.categories.get(CaseKind::Dispute, c));
            let city_mediations = self.store.dispute_counts(&whole_city, category).await?.concluded;
            rooms.push(RoomShare {
                room: r.room,
                cases: r.counts.cases,
                concluded: r.counts.concluded,
                by_agreement: r.counts.by_agreement,
                success_rate: share(r.counts.by_agreement, r.counts.cases),
                category: category.map(str::to_string),
                category_name_zh: names.map(|c| c.name_zh.clone()),
                category_name_en: names.map(|c| c.name_en.clone()),
                city_mediations,
                city_share: share(r.counts.cases, city_mediations),
            });
        }
        Ok(MediatorReport { area: area_ref(&area), from, to, city: area_ref(&city), handled, mediators, rooms })
    }

    /// The top of the area's path: the city (or whatever root the tree has).
    pub(crate) async fn city_of(&self, area: &Area) -> Result<Area> {
        let code = area.path.split('/').find(|s| !s.is_empty()).unwrap_or(area.code.as_str());
        self.store.area_by_code(code).await?.ok_or(DomainError::NotFound("error-area-not-found"))
    }
}
