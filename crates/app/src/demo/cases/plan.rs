//! The figures the seed article reports for 2024, and the groups of cases that produce them.
//!
//! Each group says how many cases of which kind and categories lie where, how many of them
//! end resolved, and how the rest end; `story` walks every case through the workflow, so the
//! figures come out of the histories rather than being written down.
//!
//! - 新城区: 3,413 disputes taken in during 2024 and 3,232 resolved (94.69%). Among them, the
//!   labour disputes its "法院+工会" room mediated: 300 concluded, 174 by agreement (58%).
//!   The other districts mediated 450 labour disputes, so the room holds 40% of the city's.
//! - 回民区: 153 property disputes resolved, 406 resident demands resolved, and the
//!   tenant–landlord water-fee dispute in 什拉门更社区 (`seed_story`).

use fengqiao_domain::model::case::{CaseKind, Channel, Outcome};

pub const YEAR: i32 = 2024;
pub const XINCHENG_DISPUTES: usize = 3413;
pub const XINCHENG_RESOLVED: usize = 3232;
pub const LABOUR_ROOM_CASES: usize = 300;
pub const LABOUR_ROOM_RESOLVED: usize = 174;
pub const OTHER_LABOUR_MEDIATIONS: usize = 450;
pub const HUIMIN_PROPERTY_RESOLVED: usize = 153;
pub const HUIMIN_DEMANDS_RESOLVED: usize = 406;

/// Where a group's cases lie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// In the grids of one district's communities.
    Grids(&'static str),
    /// At district level, for districts the demo does not divide further.
    OtherDistricts,
}

/// How the cases of a group that do not end resolved end instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Concluded(Outcome),
    /// Still being worked on (the last weeks of the year).
    Open,
    /// Accepted but not solvable now (挂账).
    Backlog,
}

#[derive(Debug, Clone)]
pub struct Group {
    pub name: &'static str,
    pub place: Place,
    pub kind: CaseKind,
    /// Category codes with weights.
    pub categories: &'static [(&'static str, u32)],
    pub count: usize,
    pub resolved: usize,
    /// How the others end, in this order, the last taking what remains.
    pub others: &'static [(Ending, usize)],
    /// Referred to the 新城区 "法院+工会" room, whose outcome concludes them.
    pub labour_room: bool,
    pub channels: &'static [(Channel, u32)],
}

pub(super) const DISPUTE_MIX: &[(&str, u32)] = &[
    ("neighbour.noise", 9),
    ("neighbour.water_leak", 10),
    ("neighbour.shared_space", 8),
    ("property_management.fees", 7),
    ("property_management.service", 6),
    ("property_management.parking", 5),
    ("family.marriage", 6),
    ("family.support", 5),
    ("family.inheritance", 2),
    ("private_lending", 7),
    ("tenancy.rent", 5),
    ("tenancy.utilities", 3),
    ("consumer", 5),
    ("traffic", 3),
    ("damage", 4),
    ("contract", 3),
    ("land.homestead", 1),
    ("other", 2),
];
/// The same without property disputes, for 回民区, whose property disputes are a group of their own.
const DISPUTE_MIX_NO_PROPERTY: &[(&str, u32)] = &[
    ("neighbour.noise", 9),
    ("neighbour.water_leak", 10),
    ("neighbour.shared_space", 8),
    ("family.marriage", 6),
    ("family.support", 5),
    ("private_lending", 7),
    ("tenancy.rent", 5),
    ("tenancy.utilities", 3),
    ("consumer", 5),
    ("damage", 4),
    ("other", 2),
];
pub(super) const LABOUR_MIX: &[(&str, u32)] = &[("labour.wage_arrears", 6), ("labour.contract", 3), ("labour.work_injury", 1)];
const PROPERTY_MIX: &[(&str, u32)] = &[("property_management.fees", 5), ("property_management.service", 4), ("property_management.parking", 3)];
pub(super) const DEMAND_MIX: &[(&str, u32)] = &[
    ("public_facilities", 8),
    ("environment", 6),
    ("heating", 7),
    ("utilities", 5),
    ("property_services", 6),
    ("roads_parking", 5),
    ("elderly_care", 3),
    ("social_assistance", 2),
    ("policy_inquiry", 3),
];
pub(super) const HAZARD_MIX: &[(&str, u32)] = &[
    ("fire.corridor_clutter", 6),
    ("fire.ebike_charging", 5),
    ("fire.blocked_exit", 3),
    ("gas", 3),
    ("electrical", 2),
    ("building", 2),
    ("special_equipment", 2),
];
pub(super) const FIELD: &[(Channel, u32)] =
    &[(Channel::GridPatrol, 45), (Channel::WalkIn, 25), (Channel::Hotline, 15), (Channel::JointPoliceVisit, 10), (Channel::Online, 5)];
const COURT: &[(Channel, u32)] = &[(Channel::Referral, 1)];
pub(super) const PATROL: &[(Channel, u32)] = &[(Channel::GridPatrol, 80), (Channel::Hotline, 20)];

use Ending::{Backlog, Concluded, Open};
use Outcome::{ReferredToLitigation, Unresolved, Withdrawn};

pub fn groups() -> Vec<Group> {
    let xincheng_other = XINCHENG_DISPUTES - LABOUR_ROOM_CASES;
    let xincheng_other_resolved = XINCHENG_RESOLVED - LABOUR_ROOM_RESOLVED;
    vec![
        Group {
            name: "新城区 disputes",
            place: Place::Grids("150102"),
            kind: CaseKind::Dispute,
            categories: DISPUTE_MIX,
            count: xincheng_other,
            resolved: xincheng_other_resolved,
            others: &[(Concluded(Unresolved), 18), (Concluded(ReferredToLitigation), 12), (Concluded(Withdrawn), 10), (Backlog, 4), (Open, 0)],
            labour_room: false,
            channels: FIELD,
        },
        Group {
            name: "新城区 labour room",
            place: Place::Grids("150102"),
            kind: CaseKind::Dispute,
            categories: LABOUR_MIX,
            count: LABOUR_ROOM_CASES,
            resolved: LABOUR_ROOM_RESOLVED,
            others: &[(Concluded(ReferredToLitigation), 80), (Concluded(Unresolved), 0)],
            labour_room: true,
            channels: COURT,
        },
        Group {
            name: "新城区 demands",
            place: Place::Grids("150102"),
            kind: CaseKind::Demand,
            categories: DEMAND_MIX,
            count: 640,
            resolved: 598,
            others: &[(Concluded(Unresolved), 20), (Backlog, 8), (Open, 0)],
            labour_room: false,
            channels: FIELD,
        },
        Group {
            name: "新城区 hazards",
            place: Place::Grids("150102"),
            kind: CaseKind::Hazard,
            categories: HAZARD_MIX,
            count: 180,
            resolved: 171,
            others: &[(Open, 0)],
            labour_room: false,
            channels: PATROL,
        },
        Group {
            name: "回民区 property disputes",
            place: Place::Grids("150103"),
            kind: CaseKind::Dispute,
            categories: PROPERTY_MIX,
            count: 161,
            resolved: HUIMIN_PROPERTY_RESOLVED,
            others: &[(Concluded(Unresolved), 3), (Concluded(Withdrawn), 2), (Open, 0)],
            labour_room: false,
            channels: FIELD,
        },
        Group {
            name: "回民区 other disputes",
            place: Place::Grids("150103"),
            kind: CaseKind::Dispute,
            categories: DISPUTE_MIX_NO_PROPERTY,
            count: 620,
            resolved: 581,
            others: &[(Concluded(Unresolved), 15), (Concluded(ReferredToLitigation), 10), (Concluded(Withdrawn), 8), (Open, 0)],
            labour_room: false,
            channels: FIELD,
        },
        Group {
            name: "回民区 labour disputes",
            place: Place::Grids("150103"),
            kind: CaseKind::Dispute,
            categories: LABOUR_MIX,
            count: 60,
            resolved: 31,
            others: &[(Concluded(ReferredToLitigation), 20), (Concluded(Unresolved), 0)],
            labour_room: false,
            channels: FIELD,
        },
        Group {
            name: "回民区 demands",
            place: Place::Grids("150103"),
            kind: CaseKind::Demand,
            categories: DEMAND_MIX,
            count: 431,
            resolved: HUIMIN_DEMANDS_RESOLVED,
            others: &[(Concluded(Unresolved), 12), (Backlog, 5), (Open, 0)],
            labour_room: false,
            channels: FIELD,
        },
        Group {
            name: "回民区 hazards",
            place: Place::Grids("150103"),
            kind: CaseKind::Hazard,
            categories: HAZARD_MIX,
            count: 140,
            resolved: 134,
            others: &[(Open, 0)],
            labour_room: false,
            channels: PATROL,
        },
        Group {
            name: "labour disputes of the other districts",
            place: Place::OtherDistricts,
            kind: CaseKind::Dispute,
            categories: LABOUR_MIX,
            count: OTHER_LABOUR_MEDIATIONS - 60,
            resolved: 214,
            others: &[(Concluded(ReferredToLitigation), 120), (Concluded(Unresolved), 0)],
            labour_room: false,
            channels: FIELD,
        },
    ]
}
