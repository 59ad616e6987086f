//! Who may write a case's mediation file, and when. The file belongs to disputes only;
//! sessions and the agreement are written while the case is being worked on (in progress,
//! or with a partner room); the judicial-confirmation record follows the signed agreement
//! whatever the case has become since, because the court answers weeks later.

use crate::error::{DomainError, Result};
use crate::model::Role;
use crate::model::case::{Case, CaseKind, CaseStatus};
use crate::rules::access::{Actor, Permission};

/// Demands and hazards are not mediated: they have no file at all.
pub fn check_dispute(case: &Case) -> Result<()> {
    if case.kind == CaseKind::Dispute { Ok(()) } else { Err(DomainError::Conflict("error-mediation-not-dispute")) }
}

/// The handler, a supervisor of the tier that handles the case, or a mediator whose scope
/// covers it. The caller is assumed to see the case already (outsiders get 404 before this).
pub fn may_record(actor: &Actor, case: &Case) -> Result<()> {
    let handler = case.handler_id == Some(actor.user_id) && actor.role.has(Permission::HandleCases);
    let supervisor = actor.may_act_for(Permission::SuperviseCases, &case.handling_area_path()).is_ok();
    let mediator = actor.role == Role::Mediator && actor.covers(&case.area_path);
    if handler || supervisor || mediator { Ok(()) } else { Err(DomainError::Forbidden("error-mediation-not-yours")) }
}

/// Sessions and the agreement: only while the case is being handled.
pub fn check_being_handled(case: &Case) -> Result<()> {
    if matches!(case.status, CaseStatus::InProgress | CaseStatus::Referred) {
        Ok(())
    } else {
        Err(DomainError::Conflict("error-mediation-not-in-progress"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AreaLevel;
    use crate::model::case::{CaseNumber, Channel, HandlingLevel, RiskLevel};
    use chrono::Utc;
    use uuid::Uuid;

    fn actor_at(role: Role, home: &str) -> Actor {
        Actor {
            user_id: Uuid::now_v7(),
            username: "u".into(),
            display_name: "u".into(),
            role,
            home_area_id: Uuid::now_v7(),
            home_area_path: home.into(),
            client_addr: None,
        }
    }

    fn case_at(path: &str, level: HandlingLevel) -> Case {
        let area_level = if path.matches('/').count() == 6 { AreaLevel::Grid } else { AreaLevel::Community };
        Case {
            id: Uuid::now_v7(),
            number: CaseNumber::parse("150103-2024-000001").unwrap(),
            kind: CaseKind::Dispute,
            category: crate::model::case::CategoryCode::parse("neighbour").unwrap(),
            title: "t".into(),
            description: String::new(),
            area_id: Uuid::now_v7(),
            area_path: path.into(),
            area_level,
            address: None,
            point: None,
            channel: Channel::WalkIn,
            risk: RiskLevel::Ordinary,
            reporter_id: None,
            reporter_name: "r".into(),
            status: CaseStatus::InProgress,
            outcome: None,
            handling_level: level,
            received_from_level: None,
            resolved_level: None,
            handler_id: None,
            handler_name: None,
            concluded_by: None,
            verified_by: None,
            satisfaction: None,
            partner_room: None,
            reopened: 0,
            dissatisfied_follow_ups: 0,
            version: 1,
            created_at: Utc::now(),
            accepted_at: None,
            concluded_at: None,
            closed_at: None,
            updated_at: Utc::now(),
            deadline: None,
            supervision: None,
            pending_extension: None,
        }
    }

    #[test]
    fn the_handler_a_tier_supervisor_or_a_mediator_in_scope_may_record() {
        let mut case = case_at("/1501/150103/150103003/150103003030/G01/", HandlingLevel::Community);
        let grid = actor_at(Role::GridWorker, "/1501/150103/150103003/150103003030/G01/");
        assert_eq!(may_record(&grid, &case), Err(DomainError::Forbidden("error-mediation-not-yours")));
        case.handler_id = Some(grid.user_id);
        assert!(may_record(&grid, &case).is_ok());
        let community = actor_at(Role::CommunityStaff, "/1501/150103/150103003/150103003030/");
        assert!(may_record(&community, &case).is_ok());
        let mediator = actor_at(Role::Mediator, "/1501/150103/150103003/");
        assert!(may_record(&mediator, &case).is_ok());
        let leader = actor_at(Role::Leader, "/1501/150103/");
        assert!(may_record(&leader, &case).is_err());
        case.handling_level = HandlingLevel::Street;
        assert!(may_record(&community, &case).is_err(), "the street handles it now");
    }

    #[test]
    fn only_disputes_being_handled_take_sessions() {
        let mut case = case_at("/1501/150103/150103003/150103003030/", HandlingLevel::Community);
        case.status = CaseStatus::Assigned;
        assert_eq!(check_being_handled(&case), Err(DomainError::Conflict("error-mediation-not-in-progress")));
        case.status = CaseStatus::Referred;
        assert!(check_being_handled(&case).is_ok());
        case.kind = CaseKind::Hazard;
        assert_eq!(check_dispute(&case), Err(DomainError::Conflict("error-mediation-not-dispute")));
    }
}
