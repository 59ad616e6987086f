//! People, places and cases the workflow tests share.

use chrono::TimeZone;

use super::*;
use crate::model::case::{Channel, Outcome, PartnerRoom, RiskLevel};
use crate::model::{AreaCode, AreaLevel};

pub(crate) const DISTRICT: &str = "/1501/150103/";
pub(super) const STREET: &str = "/1501/150103/150103003/";
pub(super) const COMMUNITY: &str = "/1501/150103/150103003/150103003030/";
pub(super) const GRID: &str = "/1501/150103/150103003/150103003030/150103003030-01/";
pub(super) const OTHER_GRID: &str = "/1501/150103/150103003/150103003030/150103003030-02/";
pub(super) const OTHER_COMMUNITY: &str = "/1501/150103/150103003/150103003031/";

pub(crate) fn area(path: &str, level: AreaLevel) -> Area {
    let code = Area::path_codes(path).last().unwrap().to_string();
    Area {
        id: Uuid::now_v7(),
        code: AreaCode::parse(&code).unwrap(),
        name: code,
        level,
        parent_id: None,
        path: path.into(),
        boundary: None,
        retired: false,
        version: 1,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

pub(crate) fn person(role: Role, home: &str, name: &str) -> Actor {
    Actor {
        user_id: Uuid::now_v7(),
        username: name.into(),
        display_name: name.into(),
        role,
        home_area_id: Uuid::now_v7(),
        home_area_path: home.into(),
        client_addr: None,
    }
}

/// The people of one street, from the grid up.
pub(super) struct Cast {
    pub grid_worker: Actor,
    pub mediator: Actor,
    pub community: Actor,
    pub community_2: Actor,
    pub street: Actor,
    pub district: Actor,
    pub neighbour_community: Actor,
    pub other_grid_worker: Actor,
    pub leader: Actor,
    pub building_head: Actor,
}

pub(super) fn cast() -> Cast {
    Cast {
        grid_worker: person(Role::GridWorker, GRID, "网格员王"),
        mediator: person(Role::Mediator, COMMUNITY, "调解员李"),
        community: person(Role::CommunityStaff, COMMUNITY, "社区张"),
        community_2: person(Role::CommunityStaff, COMMUNITY, "社区赵"),
        street: person(Role::StreetStaff, STREET, "街道刘"),
        district: person(Role::DistrictStaff, DISTRICT, "区级陈"),
        neighbour_community: person(Role::CommunityStaff, OTHER_COMMUNITY, "邻社区孙"),
        other_grid_worker: person(Role::GridWorker, OTHER_GRID, "网格员周"),
        leader: person(Role::Leader, DISTRICT, "领导吴"),
        building_head: person(Role::BuildingHead, GRID, "楼栋长郑"),
    }
}

pub(super) fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 3, 4, 2, 0, 0).unwrap()
}

pub(super) fn deadlines() -> Deadlines {
    Deadlines::default()
}

pub(super) fn draft(kind: CaseKind, area: &Area) -> CaseDraft {
    let category = match kind {
        CaseKind::Dispute => "tenancy.utilities",
        CaseKind::Demand => "heating",
        CaseKind::Hazard => "fire.corridor_clutter",
    };
    CaseDraft {
        kind,
        category: category.into(),
        title: "租户与房东因水费产生纠纷".into(),
        description: String::new(),
        area_id: area.id,
        address: None,
        point: None,
        channel: Channel::GridPatrol,
        risk: RiskLevel::Ordinary,
        reporter_name: None,
    }
}

pub(crate) fn reported(kind: CaseKind, area: &Area, by: &Actor) -> Case {
    let d = deadlines();
    let ctx = Context { actor: by, now: t0(), deadlines: &d };
    let number = CaseNumber::compose("150103", 2024, 1).unwrap();
    report(&draft(kind, area), area, &CategoryTree::defaults(), number, &ctx).unwrap().0
}

pub(super) fn try_step(case: &Case, action: CaseAction, by: &Actor) -> Result<Case> {
    let d = deadlines();
    let ctx = Context { actor: by, now: case.updated_at + chrono::Duration::hours(1), deadlines: &d };
    apply(case, &action, &ctx).map(|t| t.case)
}

pub(super) fn step(case: &Case, action: CaseAction, by: &Actor) -> Case {
    try_step(case, action, by).unwrap_or_else(|e| panic!("{:?} by {}: {e}", case.status, by.username))
}

pub(super) fn reason(s: &str) -> String {
    s.to_string()
}

pub(super) fn assign(to: &Actor) -> CaseAction {
    CaseAction::Assign { handler_id: to.user_id, handler_name: to.display_name.clone(), note: None }
}

pub(super) const ILLEGAL: DomainError = DomainError::Conflict("error-case-action-not-allowed-now");

/// A dispute in the grid, moved along the main line to `status` by the people who would.
pub(super) fn dispute_at(status: CaseStatus, c: &Cast) -> Case {
    let grid = area(GRID, AreaLevel::Grid);
    let mut case = reported(CaseKind::Dispute, &grid, &c.grid_worker);
    let path = [
        (CaseStatus::Accepted, CaseAction::Accept { note: None }, &c.community),
        (CaseStatus::Assigned, assign(&c.mediator), &c.community),
        (CaseStatus::InProgress, CaseAction::Start { note: None }, &c.mediator),
        (
            CaseStatus::Concluded,
            CaseAction::Conclude { outcome: Outcome::ResolvedByAgreement, summary: reason("双方达成协议") },
            &c.mediator,
        ),
        (CaseStatus::Verified, CaseAction::Verify { confirmed: true, note: None }, &c.community),
        (CaseStatus::FollowedUp, CaseAction::FollowUp { satisfaction: Satisfaction::Satisfied, note: None }, &c.community_2),
        (CaseStatus::Closed, CaseAction::Close { note: None }, &c.community),
    ];
    let detours = [
        (CaseStatus::Declined, CaseStatus::Reported, CaseAction::Decline { reason: reason("不属于受理范围") }),
        (CaseStatus::Referred, CaseStatus::InProgress, CaseAction::Refer { room: PartnerRoom::CourtAndUnion, note: None }),
        (CaseStatus::Backlog, CaseStatus::InProgress, CaseAction::PutInBacklog { reason: reason("需等待产权确认") }),
    ];
    let target = detours.iter().find(|(s, _, _)| *s == status).map(|(_, from, _)| *from).unwrap_or(status);
    for (s, action, by) in path {
        if case.status == target {
            break;
        }
        case = step(&case, action, by);
        assert_eq!(case.status, s);
    }
    if let Some((_, _, action)) = detours.into_iter().find(|(s, _, _)| *s == status) {
        case = step(&case, action, &c.community);
    }
    assert_eq!(case.status, status);
    case
}

/// An action of each kind, with its fields filled in.
pub(super) fn sample(kind: ActionKind, c: &Cast) -> CaseAction {
    match kind {
        ActionKind::Report | ActionKind::Accept => CaseAction::Accept { note: None },
        ActionKind::Decline => CaseAction::Decline { reason: reason("重复登记") },
        ActionKind::Assign => assign(&c.mediator),
        ActionKind::Start => CaseAction::Start { note: None },
        ActionKind::Note => CaseAction::Note { text: reason("电话联系了房东") },
        ActionKind::Conclude => CaseAction::Conclude { outcome: Outcome::ResolvedOtherwise, summary: reason("已解决") },
        ActionKind::Verify => CaseAction::Verify { confirmed: true, note: None },
        ActionKind::FollowUp => CaseAction::FollowUp { satisfaction: Satisfaction::BasicallySatisfied, note: None },
        ActionKind::Close => CaseAction::Close { note: None },
        ActionKind::Escalate => CaseAction::Escalate { reason: reason("涉及多个社区") },
        ActionKind::DispatchDown => CaseAction::DispatchDown { to: HandlingLevel::Community, note: None },
        ActionKind::Return => CaseAction::Return { reason: reason("不属于本级") },
        ActionKind::Refer => CaseAction::Refer { room: PartnerRoom::Police, note: None },
        ActionKind::RecordReferralOutcome => CaseAction::RecordReferralOutcome { outcome: None, note: None },
        ActionKind::PutInBacklog => CaseAction::PutInBacklog { reason: reason("等待规划") },
        ActionKind::TakeOutOfBacklog => CaseAction::TakeOutOfBacklog { note: None },
        ActionKind::Supervise => CaseAction::Supervise { instructions: reason("请三日内反馈进展"), reply_by: None },
        ActionKind::AnswerSupervision => CaseAction::AnswerSupervision { answer: reason("已约双方周五调解") },
        ActionKind::RequestExtension => CaseAction::RequestExtension { days: 5, reason: reason("需等待鉴定结果") },
        ActionKind::DecideExtension => CaseAction::DecideExtension { approve: true, reason: None },
        ActionKind::MarkDuplicate => CaseAction::MarkDuplicate { original: CaseNumber::parse("150103-2024-000001").unwrap(), note: None },
    }
}
