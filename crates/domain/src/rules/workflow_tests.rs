use chrono::TimeZone;

use super::fixtures::*;
use super::*;
use crate::model::AreaLevel;
use crate::model::case::{Outcome, PartnerRoom};

#[test]
fn intake_starts_with_the_tier_of_the_area() {
    let c = cast();
    let grid = area(GRID, AreaLevel::Grid);
    let case = reported(CaseKind::Dispute, &grid, &c.grid_worker);
    assert_eq!((case.status, case.handling_level, case.version), (CaseStatus::Reported, HandlingLevel::Community, 1));
    assert_eq!(case.handling_area_path(), COMMUNITY);
    assert_eq!(case.reporter_name, "网格员王");
    assert_eq!(case.deadline, None, "the clock starts on acceptance");
    let street = area(STREET, AreaLevel::Street);
    assert_eq!(reported(CaseKind::Hazard, &street, &c.street).handling_level, HandlingLevel::Street);
    let district = area(DISTRICT, AreaLevel::District);
    assert_eq!(reported(CaseKind::Demand, &district, &c.district).handling_level, HandlingLevel::District);
    // Building heads pass on what they see.
    assert_eq!(reported(CaseKind::Hazard, &grid, &c.building_head).status, CaseStatus::Reported);
}

#[test]
fn intake_refusals() {
    let c = cast();
    let d = deadlines();
    let tree = CategoryTree::defaults();
    let number = CaseNumber::compose("150103", 2024, 2).unwrap();
    let grid = area(GRID, AreaLevel::Grid);
    let try_report = |draft: &CaseDraft, area: &Area, by: &Actor| {
        let ctx = Context { actor: by, now: t0(), deadlines: &d };
        report(draft, area, &tree, number.clone(), &ctx).map(|(case, _)| case)
    };
    let ok = draft(CaseKind::Dispute, &grid);
    assert_eq!(try_report(&ok, &grid, &c.neighbour_community), Err(DomainError::NotFound("error-area-not-found")));
    assert_eq!(try_report(&ok, &grid, &person(Role::Partner, DISTRICT, "p")), Err(DomainError::Forbidden("error-forbidden")));
    let city = area("/1501/", AreaLevel::City);
    let on_city = draft(CaseKind::Dispute, &city);
    assert_eq!(
        try_report(&on_city, &city, &person(Role::SystemAdmin, "/", "admin")),
        Err(DomainError::invalid("area_id", "error-case-area-too-broad"))
    );
    let wrong_kind = CaseDraft { category: "heating".into(), ..ok.clone() };
    assert_eq!(try_report(&wrong_kind, &grid, &c.grid_worker), Err(DomainError::invalid("category", "error-case-category")));
    let mut retired = grid.clone();
    retired.retired = true;
    assert_eq!(try_report(&ok, &retired, &c.grid_worker), Err(DomainError::invalid("area_id", "error-case-area-retired")));
    let elsewhere = area(OTHER_GRID, AreaLevel::Grid);
    assert_eq!(try_report(&ok, &elsewhere, &c.grid_worker), Err(DomainError::invalid("area_id", "error-case-area")));
}

#[test]
fn the_main_line_from_report_to_close() {
    let c = cast();
    let closed = dispute_at(CaseStatus::Closed, &c);
    assert_eq!(closed.version, 8, "one version per action");
    assert_eq!(closed.outcome, Some(Outcome::ResolvedByAgreement));
    assert_eq!(closed.resolved_level, Some(HandlingLevel::Community));
    assert_eq!(closed.handler_id, Some(c.mediator.user_id));
    assert_eq!(closed.concluded_by, Some(c.mediator.user_id));
    assert_eq!(closed.verified_by, Some(c.community.user_id));
    assert_eq!(closed.satisfaction, Some(Satisfaction::Satisfied));
    assert!(closed.accepted_at.is_some() && closed.concluded_at.is_some() && closed.closed_at.is_some());
    // Accepted Monday 2024-03-04 at the community: 15 working days → Monday 2024-03-25.
    let accepted = dispute_at(CaseStatus::Accepted, &c);
    let due = accepted.deadline.unwrap();
    assert_eq!(super::super::calendar::local_date(due).to_string(), "2024-03-25");
    assert!(!accepted.is_overdue(due) && accepted.is_overdue(due + chrono::Duration::seconds(1)));
    assert!(!closed.is_overdue(due + chrono::Duration::days(30)), "a concluded case is never overdue");
}

#[test]
fn every_action_is_refused_outside_its_statuses() {
    let c = cast();
    let statuses = [
        CaseStatus::Reported,
        CaseStatus::Accepted,
        CaseStatus::Declined,
        CaseStatus::Assigned,
        CaseStatus::InProgress,
        CaseStatus::Referred,
        CaseStatus::Backlog,
        CaseStatus::Concluded,
        CaseStatus::Verified,
        CaseStatus::FollowedUp,
        CaseStatus::Closed,
    ];
    assert_eq!(statuses.len(), CaseStatus::ALL.len());
    for status in statuses {
        let case = dispute_at(status, &c);
        for kind in ActionKind::ALL.iter().copied().filter(|k| *k != ActionKind::Report) {
            // The district may do nearly anything; only the state machine stops it here.
            let got = try_step(&case, sample(kind, &c), &c.district);
            if legal_actions(status).contains(&kind) {
                assert_ne!(got.as_ref().err(), Some(&ILLEGAL), "{kind:?} in {status:?}");
            } else {
                assert_eq!(got, Err(ILLEGAL), "{kind:?} in {status:?}");
            }
        }
    }
}

#[test]
fn every_legal_action_has_someone_who_may_take_it() {
    let c = cast();
    let people = [&c.grid_worker, &c.mediator, &c.community, &c.community_2, &c.street, &c.district];
    for status in CaseStatus::ALL.iter().copied() {
        let case = dispute_at(status, &c);
        for kind in legal_actions(status) {
            let action = sample(*kind, &c);
            let done = people.iter().filter_map(|p| try_step(&case, action.clone(), p).ok()).next();
            // Two exceptions by design: nothing to return to at the community's own
            // acceptance, and no tier below the community to dispatch to.
            // Answers and decisions need an open order or a pending request first
            // (`workflow_oversight_tests.rs`).
            let expected_none = matches!(
                (status, kind),
                (CaseStatus::Accepted, ActionKind::Return)
                    | (_, ActionKind::DispatchDown | ActionKind::AnswerSupervision | ActionKind::DecideExtension)
            );
            assert_eq!(done.is_none(), expected_none, "{kind:?} in {status:?}");
            if let Some(next) = done {
                assert_eq!(next.version, case.version + 1);
            }
        }
    }
}

#[test]
fn decline_needs_a_reason_and_ends_the_case() {
    let c = cast();
    let case = dispute_at(CaseStatus::Reported, &c);
    assert_eq!(
        try_step(&case, CaseAction::Decline { reason: "  ".into() }, &c.community),
        Err(DomainError::invalid("reason", "error-case-reason-required"))
    );
    let declined = step(&case, CaseAction::Decline { reason: reason("属于诉讼程序") }, &c.community);
    assert_eq!(declined.status, CaseStatus::Declined);
    assert!(allowed_actions(&declined, &c.district).is_empty());
}

#[test]
fn roles_and_scopes_are_enforced() {
    let c = cast();
    let reported = dispute_at(CaseStatus::Reported, &c);
    let forbidden = Err(DomainError::Forbidden("error-forbidden"));
    assert_eq!(try_step(&reported, CaseAction::Accept { note: None }, &c.grid_worker), forbidden);
    assert_eq!(try_step(&reported, CaseAction::Accept { note: None }, &c.mediator), forbidden);
    assert_eq!(try_step(&reported, CaseAction::Note { text: reason("x") }, &c.leader), forbidden);
    assert_eq!(try_step(&reported, CaseAction::Note { text: reason("x") }, &c.building_head), forbidden);
    // Outside one's subtree the case does not exist.
    let not_found = Err(DomainError::NotFound("error-case-not-found"));
    assert_eq!(try_step(&reported, CaseAction::Accept { note: None }, &c.neighbour_community), not_found);
    assert_eq!(try_step(&reported, CaseAction::Note { text: reason("x") }, &c.other_grid_worker), not_found);
    // The grid worker sees the case (it is in their grid) and may note on it.
    assert!(try_step(&reported, CaseAction::Note { text: reason("再次走访") }, &c.grid_worker).is_ok());

    let assigned = dispute_at(CaseStatus::Assigned, &c);
    assert_eq!(
        try_step(&assigned, CaseAction::Start { note: None }, &c.community),
        Err(DomainError::Forbidden("error-case-not-handler")),
        "only the handler starts"
    );
    let in_progress = dispute_at(CaseStatus::InProgress, &c);
    let conclude = CaseAction::Conclude { outcome: Outcome::Withdrawn, summary: reason("申请人撤回") };
    assert_eq!(try_step(&in_progress, conclude.clone(), &c.grid_worker), Err(DomainError::Forbidden("error-case-not-handler")));
    // A supervisor of the tier may stand in for an absent handler.
    assert_eq!(step(&in_progress, conclude, &c.community).concluded_by, Some(c.community.user_id));
}

#[test]
fn a_lower_tier_sees_but_does_not_act_for_the_upper_one() {
    let c = cast();
    let accepted = dispute_at(CaseStatus::Accepted, &c);
    let at_street = step(&accepted, CaseAction::Escalate { reason: reason("涉及两个社区") }, &c.community);
    assert_eq!((at_street.status, at_street.handling_level), (CaseStatus::Accepted, HandlingLevel::Street));
    assert_eq!(at_street.received_from_level, Some(HandlingLevel::Community));
    assert_eq!(try_step(&at_street, assign(&c.mediator), &c.community), Err(DomainError::Forbidden("error-other-tier")));
    assert!(try_step(&at_street, CaseAction::Note { text: reason("补充情况") }, &c.community).is_ok());
    assert!(try_step(&at_street, assign(&c.mediator), &c.street).is_ok());
    // The district steps in for the street.
    assert!(try_step(&at_street, assign(&c.mediator), &c.district).is_ok());
}

#[test]
fn verification_is_by_someone_other_than_the_handler() {
    let c = cast();
    let concluded = dispute_at(CaseStatus::Concluded, &c);
    let verify = CaseAction::Verify { confirmed: true, note: None };
    assert_eq!(try_step(&concluded, verify.clone(), &c.mediator), Err(DomainError::Forbidden("error-forbidden")));
    // A handler who may verify still may not verify their own case.
    let own = step(&dispute_at(CaseStatus::Assigned, &c), assign(&c.community_2), &c.community);
    let own = step(&own, CaseAction::Start { note: None }, &c.community_2);
    let own = step(&own, CaseAction::Conclude { outcome: Outcome::ResolvedOtherwise, summary: reason("已维修") }, &c.community_2);
    assert_eq!(try_step(&own, verify.clone(), &c.community_2), Err(DomainError::Forbidden("error-case-verifier-is-handler")));
    // Nor may a supervisor who concluded it standing in for the handler.
    let in_progress = dispute_at(CaseStatus::InProgress, &c);
    let by_supervisor =
        step(&in_progress, CaseAction::Conclude { outcome: Outcome::ResolvedOtherwise, summary: reason("x") }, &c.community);
    assert_eq!(
        try_step(&by_supervisor, verify.clone(), &c.community),
        Err(DomainError::Forbidden("error-case-verifier-is-handler"))
    );
    assert_eq!(step(&by_supervisor, verify.clone(), &c.community_2).verified_by, Some(c.community_2.user_id));
    assert_eq!(step(&concluded, verify, &c.street).status, CaseStatus::Verified);
}

#[test]
fn a_failed_check_sends_the_case_back() {
    let c = cast();
    let concluded = dispute_at(CaseStatus::Concluded, &c);
    assert_eq!(
        try_step(&concluded, CaseAction::Verify { confirmed: false, note: None }, &c.community),
        Err(DomainError::invalid("note", "error-case-reason-required"))
    );
    let back = step(&concluded, CaseAction::Verify { confirmed: false, note: Some(reason("协议未履行")) }, &c.community);
    assert_eq!((back.status, back.outcome, back.resolved_level, back.reopened), (CaseStatus::InProgress, None, None, 1));
    assert_eq!(back.handler_id, Some(c.mediator.user_id));
}

#[test]
fn a_dissatisfied_follow_up_reopens() {
    let c = cast();
    let mut verified = dispute_at(CaseStatus::Verified, &c);
    verified.updated_at += chrono::Duration::days(10);
    let unhappy = |note: Option<String>| CaseAction::FollowUp { satisfaction: Satisfaction::Dissatisfied, note };
    assert_eq!(
        try_step(&verified, unhappy(None), &c.community_2),
        Err(DomainError::invalid("note", "error-case-reason-required"))
    );
    let reopened = step(&verified, unhappy(Some(reason("房东仍未退还押金"))), &c.community_2);
    assert_eq!(reopened.status, CaseStatus::InProgress);
    assert_eq!(
        (reopened.outcome, reopened.resolved_level, reopened.verified_by, reopened.satisfaction),
        (None, None, None, None)
    );
    assert_eq!((reopened.reopened, reopened.dissatisfied_follow_ups), (1, 1), "the answer is kept as a count");
    assert_eq!(reopened.handler_id, Some(c.mediator.user_id));
    assert!(reopened.deadline.unwrap() > verified.deadline.unwrap(), "the clock restarts");
    let again =
        step(&reopened, CaseAction::Conclude { outcome: Outcome::ResolvedByAgreement, summary: reason("押金已退") }, &c.mediator);
    assert_eq!(again.resolved_level, Some(HandlingLevel::Community));
}

#[test]
fn escalation_stops_at_the_district() {
    let c = cast();
    let in_progress = dispute_at(CaseStatus::InProgress, &c);
    let up = |r: &str| CaseAction::Escalate { reason: reason(r) };
    assert_eq!(try_step(&in_progress, up(" "), &c.community), Err(DomainError::invalid("reason", "error-case-reason-required")));
    let street = step(&in_progress, up("涉及两个社区"), &c.community);
    assert_eq!((street.handling_level, street.handler_id, street.status), (HandlingLevel::Street, None, CaseStatus::Accepted));
    // The street's own limit, counted afresh: 20 working days after Monday 2024-03-04.
    assert_eq!(super::super::calendar::local_date(street.deadline.unwrap()).to_string(), "2024-04-01");
    assert_eq!(try_step(&street, up("x"), &c.community), Err(DomainError::Forbidden("error-other-tier")));
    let district = step(&street, up("需区级协调"), &c.street);
    assert_eq!(district.handling_level, HandlingLevel::District);
    assert_eq!(district.handling_area_path(), DISTRICT);
    assert_eq!(try_step(&district, up("再上报"), &c.district), Err(DomainError::Conflict("error-case-escalate-beyond-district")));
    assert!(!allowed_actions(&district, &c.district).contains(&ActionKind::Escalate));
    // Resolved at the district, and the record says so.
    let d = step(&district, assign(&c.district), &c.district);
    let d = step(&d, CaseAction::Start { note: None }, &c.district);
    let d = step(&d, CaseAction::Conclude { outcome: Outcome::ResolvedByAgreement, summary: reason("x") }, &c.district);
    assert_eq!(d.resolved_level, Some(HandlingLevel::District));
}

#[test]
fn dispatching_down_stays_within_the_case_area() {
    let c = cast();
    let grid = area(GRID, AreaLevel::Grid);
    let mut case = reported(CaseKind::Demand, &grid, &c.grid_worker);
    case = step(&case, CaseAction::Accept { note: None }, &c.community);
    assert_eq!(
        try_step(&case, sample(ActionKind::DispatchDown, &c), &c.community),
        Err(DomainError::Conflict("error-case-no-lower-tier"))
    );
    case = step(&case, CaseAction::Escalate { reason: reason("x") }, &c.community);
    case = step(&case, CaseAction::Escalate { reason: reason("y") }, &c.street);
    let to = |level| CaseAction::DispatchDown { to: level, note: Some(reason("由社区办理")) };
    assert_eq!(
        try_step(&case, to(HandlingLevel::District), &c.district),
        Err(DomainError::invalid("to", "error-case-dispatch-level"))
    );
    assert_eq!(try_step(&case, to(HandlingLevel::Community), &c.street), Err(DomainError::Forbidden("error-other-tier")));
    let down = step(&case, to(HandlingLevel::Community), &c.district);
    assert_eq!(
        (down.handling_level, down.received_from_level, down.status),
        (HandlingLevel::Community, Some(HandlingLevel::District), CaseStatus::Accepted)
    );
    // A case lying in a street has no community to go down to.
    let street_area = area(STREET, AreaLevel::Street);
    let mut s = reported(CaseKind::Hazard, &street_area, &c.street);
    s = step(&s, CaseAction::Accept { note: None }, &c.street);
    s = step(&s, CaseAction::Escalate { reason: reason("x") }, &c.street);
    assert_eq!(
        try_step(&s, to(HandlingLevel::Community), &c.district),
        Err(DomainError::invalid("to", "error-case-dispatch-level"))
    );
    assert_eq!(step(&s, to(HandlingLevel::Street), &c.district).handling_level, HandlingLevel::Street);
}

#[test]
fn returns_go_back_where_the_case_came_from() {
    let c = cast();
    let back = |r: &str| CaseAction::Return { reason: reason(r) };
    // A handler gives the assignment back to the tier.
    let assigned = dispute_at(CaseStatus::Assigned, &c);
    assert_eq!(try_step(&assigned, back(""), &c.mediator), Err(DomainError::invalid("reason", "error-case-reason-required")));
    let given_back = step(&assigned, back("回避：与当事人有亲属关系"), &c.mediator);
    assert_eq!(
        (given_back.status, given_back.handler_id, given_back.handling_level),
        (CaseStatus::Accepted, None, HandlingLevel::Community)
    );
    assert_eq!(given_back.deadline, assigned.deadline, "the tier's clock keeps running");
    // Nothing to send back at the tier that first accepted it.
    assert_eq!(try_step(&given_back, back("x"), &c.community), Err(DomainError::Conflict("error-case-nothing-to-return-to")));
    // A tier sends an escalated case back down.
    let at_street = step(&given_back, CaseAction::Escalate { reason: reason("x") }, &c.community);
    assert_eq!(try_step(&at_street, back("x"), &c.community), Err(DomainError::Forbidden("error-other-tier")));
    let returned = step(&at_street, back("属社区职责，请社区继续调解"), &c.street);
    assert_eq!(
        (returned.handling_level, returned.received_from_level, returned.status),
        (HandlingLevel::Community, None, CaseStatus::Accepted)
    );
}

#[test]
fn referral_to_a_partner_room_and_its_outcome() {
    let c = cast();
    let in_progress = dispute_at(CaseStatus::InProgress, &c);
    let referred = step(&in_progress, CaseAction::Refer { room: PartnerRoom::CourtAndUnion, note: None }, &c.mediator);
    assert_eq!(
        (referred.status, referred.partner_room, referred.deadline),
        (CaseStatus::Referred, Some(PartnerRoom::CourtAndUnion), None)
    );
    let agreed = CaseAction::RecordReferralOutcome {
        outcome: Some(Outcome::ResolvedByAgreement),
        note: Some(reason("诉前调解成功")),
    };
    let done = step(&referred, agreed, &c.mediator);
    assert_eq!((done.status, done.resolved_level), (CaseStatus::Concluded, Some(HandlingLevel::Community)));
    assert_eq!(done.partner_room, Some(PartnerRoom::CourtAndUnion), "kept, so each room's results count");
    let handed_back =
        step(&referred, CaseAction::RecordReferralOutcome { outcome: None, note: Some(reason("调解未成")) }, &c.community);
    assert_eq!(handed_back.status, CaseStatus::InProgress);
    assert!(handed_back.deadline.is_some());
    let litigation = step(
        &referred,
        CaseAction::RecordReferralOutcome { outcome: Some(Outcome::ReferredToLitigation), note: None },
        &c.mediator,
    );
    assert_eq!((litigation.outcome, litigation.resolved_level), (Some(Outcome::ReferredToLitigation), None));
    // Only disputes go to mediation rooms.
    let grid = area(GRID, AreaLevel::Grid);
    let mut demand = reported(CaseKind::Demand, &grid, &c.grid_worker);
    for (a, by) in [
        (CaseAction::Accept { note: None }, &c.community),
        (assign(&c.grid_worker), &c.community),
        (CaseAction::Start { note: None }, &c.grid_worker),
    ] {
        demand = step(&demand, a, by);
    }
    assert_eq!(
        try_step(&demand, sample(ActionKind::Refer, &c), &c.grid_worker),
        Err(DomainError::Conflict("error-case-refer-disputes-only"))
    );
}

#[test]
fn backlog_stops_the_clock_and_resumes_where_it_was() {
    let c = cast();
    let in_progress = dispute_at(CaseStatus::InProgress, &c);
    assert_eq!(
        try_step(&in_progress, CaseAction::PutInBacklog { reason: " ".into() }, &c.community),
        Err(DomainError::invalid("reason", "error-case-reason-required"))
    );
    assert_eq!(
        try_step(&in_progress, sample(ActionKind::PutInBacklog, &c), &c.mediator),
        Err(DomainError::Forbidden("error-forbidden"))
    );
    let parked = step(&in_progress, sample(ActionKind::PutInBacklog, &c), &c.community);
    assert_eq!((parked.status, parked.deadline), (CaseStatus::Backlog, None));
    let resumed = step(&parked, CaseAction::TakeOutOfBacklog { note: None }, &c.community);
    assert_eq!(resumed.status, CaseStatus::InProgress);
    assert!(resumed.deadline.is_some());
    let accepted = dispute_at(CaseStatus::Accepted, &c);
    let parked = step(&accepted, sample(ActionKind::PutInBacklog, &c), &c.community);
    assert_eq!(step(&parked, CaseAction::TakeOutOfBacklog { note: None }, &c.community).status, CaseStatus::Accepted);
}

#[test]
fn two_people_acting_at_once() {
    let c = cast();
    let seen = dispute_at(CaseStatus::Reported, &c);
    let first = step(&seen, CaseAction::Accept { note: None }, &c.community);
    assert_eq!(check_version(&seen, seen.version), Ok(()));
    // The second acted on the version both saw; the store holds the first one's result.
    assert_eq!(check_version(&first, seen.version), Err(DomainError::Conflict("error-case-version-stale")));
}

#[test]
fn notes_change_nothing_but_the_version() {
    let c = cast();
    let case = dispute_at(CaseStatus::InProgress, &c);
    let noted = step(&case, CaseAction::Note { text: reason("第二次调解定于周五") }, &c.grid_worker);
    assert_eq!(Case { version: case.version, updated_at: case.updated_at, ..noted.clone() }, case);
    assert_eq!(
        try_step(&case, CaseAction::Note { text: "\u{0}".into() }, &c.grid_worker),
        Err(DomainError::invalid("text", "error-case-reason-required"))
    );
}

#[test]
fn allowed_actions_depend_on_who_asks() {
    let c = cast();
    let assigned = dispute_at(CaseStatus::Assigned, &c);
    use ActionKind::RequestExtension;
    let dup = ActionKind::MarkDuplicate;
    assert_eq!(allowed_actions(&assigned, &c.mediator), [ActionKind::Start, ActionKind::Return, dup, ActionKind::Note, RequestExtension]);
    assert_eq!(
        allowed_actions(&assigned, &c.community),
        [ActionKind::Assign, ActionKind::Escalate, ActionKind::Return, ActionKind::PutInBacklog, dup, ActionKind::Note, RequestExtension]
    );
    // The street above supervises, and stands in for the community as before.
    assert!(allowed_actions(&assigned, &c.street).contains(&ActionKind::Supervise));
    assert!(!allowed_actions(&assigned, &c.community).contains(&ActionKind::Supervise));
    // The grid worker took it in, so may mark it as taken in twice.
    assert_eq!(allowed_actions(&assigned, &c.grid_worker), [dup, ActionKind::Note]);
    assert!(allowed_actions(&assigned, &c.neighbour_community).is_empty());
    assert!(allowed_actions(&assigned, &c.leader).is_empty());
}

#[test]
fn assignees_must_handle_cases_where_the_case_is() {
    let c = cast();
    let case = dispute_at(CaseStatus::Accepted, &c);
    assert!(check_assignee(&case, Role::Mediator, COMMUNITY, false).is_ok());
    assert!(check_assignee(&case, Role::GridWorker, GRID, false).is_ok());
    let out = Err(DomainError::invalid("handler_id", "error-case-assignee-out-of-scope"));
    assert_eq!(check_assignee(&case, Role::GridWorker, OTHER_GRID, false), out);
    assert_eq!(check_assignee(&case, Role::StreetStaff, STREET, false), out, "the street takes a case by escalation");
    let cannot = Err(DomainError::invalid("handler_id", "error-case-assignee-cannot-handle"));
    assert_eq!(check_assignee(&case, Role::Leader, COMMUNITY, false), cannot);
    assert_eq!(check_assignee(&case, Role::Mediator, COMMUNITY, true), cannot);
}

#[test]
fn a_missing_calendar_year_does_not_stop_the_work() {
    let c = cast();
    let mut case = dispute_at(CaseStatus::Reported, &c);
    case.updated_at = Utc.with_ymd_and_hms(2026, 12, 21, 2, 0, 0).unwrap();
    let d = deadlines();
    let ctx = Context { actor: &c.community, now: case.updated_at, deadlines: &d };
    let t = apply(&case, &CaseAction::Accept { note: None }, &ctx).unwrap();
    assert_eq!(t.case.status, CaseStatus::Accepted);
    assert_eq!(t.case.deadline, None);
    assert_eq!(t.calendar_gap, Some(CalendarError::YearNotCovered { year: 2027 }));
}

#[test]
fn the_timeline_replays_to_the_case() {
    let c = cast();
    let d = deadlines();
    let grid = area(GRID, AreaLevel::Grid);
    let intake = reported(CaseKind::Dispute, &grid, &c.grid_worker);
    let steps: Vec<(CaseAction, &Actor)> = vec![
        (CaseAction::Accept { note: Some(reason("受理")) }, &c.community),
        (assign(&c.mediator), &c.community),
        (CaseAction::Start { note: None }, &c.mediator),
        (CaseAction::Escalate { reason: reason("跨社区") }, &c.community),
        (CaseAction::Return { reason: reason("退回社区") }, &c.street),
        (assign(&c.mediator), &c.community),
        (CaseAction::Start { note: None }, &c.mediator),
        (CaseAction::Refer { room: PartnerRoom::Police, note: None }, &c.mediator),
        (CaseAction::RecordReferralOutcome { outcome: Some(Outcome::ResolvedByAgreement), note: None }, &c.mediator),
        (CaseAction::Verify { confirmed: true, note: None }, &c.community),
        (CaseAction::FollowUp { satisfaction: Satisfaction::Dissatisfied, note: Some(reason("未履行")) }, &c.community),
        (CaseAction::Conclude { outcome: Outcome::ResolvedOtherwise, summary: reason("已履行") }, &c.mediator),
    ];
    let mut case = intake.clone();
    let mut entries = Vec::new();
    for (i, (action, by)) in steps.into_iter().enumerate() {
        let ctx = Context { actor: by, now: t0() + chrono::Duration::hours(i as i64 + 1), deadlines: &d };
        let t = apply(&case, &action, &ctx).unwrap();
        assert_eq!(
            (t.entry.version, t.entry.from_status, t.entry.to_status),
            (case.version + 1, Some(case.status), t.case.status)
        );
        case = t.case;
        entries.push(t.entry);
    }
    assert_eq!(replay(&intake, &entries).unwrap(), case);
    assert_eq!(entries[3].note.as_deref(), Some("跨社区"));
    assert_eq!((entries[3].from_level, entries[3].to_level), (Some(HandlingLevel::Community), HandlingLevel::Street));
    // A tampered timeline does not replay.
    entries[4].to_status = CaseStatus::Closed;
    assert!(replay(&intake, &entries).is_err());
}
