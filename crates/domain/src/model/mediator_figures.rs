//! Who mediated how much: per handler of the cases of an area and period, and per partner
//! mediation room with its share of the city's cases of the kind it takes (the seed's labour
//! room: about 300 cases, 58% by agreement, 40% of the city's labour mediations).

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::model::case::PartnerRoom;
use crate::model::stats::AreaRef;

/// One mediator: the staff member the cases were assigned to (the handler who concludes them).
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct MediatorFigures {
    pub user_id: Uuid,
    pub name: String,
    /// Cases taken in during the period that they handle or handled.
    pub cases: i64,
    /// Of those, concluded with an outcome.
    pub concluded: i64,
    /// Of those, concluded resolved (by agreement or otherwise).
    pub resolved: i64,
    pub by_agreement: i64,
    /// resolved ÷ concluded, four decimals cut off; null before any conclusion.
    pub success_rate: Option<f64>,
    /// cases ÷ all the area's handled cases of the period.
    pub share: Option<f64>,
}

/// One partner room (法院+工会 …).
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct RoomShare {
    pub room: String,
    /// Cases of the area referred to the room.
    pub cases: i64,
    pub concluded: i64,
    pub by_agreement: i64,
    /// by_agreement ÷ cases: the room's 调解成功率.
    pub success_rate: Option<f64>,
    /// The category the room takes (`labour` for the union rooms); null: all disputes.
    pub category: Option<String>,
    pub category_name_zh: Option<String>,
    pub category_name_en: Option<String>,
    /// The city's disputes of that category concluded in the period (mediated).
    pub city_mediations: i64,
    /// cases ÷ city_mediations.
    pub city_share: Option<f64>,
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct MediatorReport {
    pub area: AreaRef,
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    /// The city the area lies in: the room shares' denominator.
    pub city: AreaRef,
    /// The area's cases of the period with a handler.
    pub handled: i64,
    pub mediators: Vec<MediatorFigures>,
    pub rooms: Vec<RoomShare>,
}

/// The category whose city-wide mediations a room's cases are measured against.
pub fn room_category(room: PartnerRoom) -> Option<&'static str> {
    match room {
        PartnerRoom::CourtAndUnion | PartnerRoom::ProcuratorateAndUnion => Some("labour"),
        PartnerRoom::CourtAndChamber => Some("contract"),
        PartnerRoom::Police => None,
    }
}
