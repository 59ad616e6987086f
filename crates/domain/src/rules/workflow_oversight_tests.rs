//! Supervision orders and extension requests: who may issue, answer, ask and decide, and
//! what each does to the case.

use super::fixtures::*;
use super::*;
use crate::rules::calendar::local_date;

fn supervise() -> CaseAction {
    CaseAction::Supervise { instructions: "请尽快化解并反馈".into(), reply_by: None }
}

fn answer() -> CaseAction {
    CaseAction::AnswerSupervision { answer: "已组织双方调解".into() }
}

fn request(days: u32) -> CaseAction {
    CaseAction::RequestExtension { days, reason: "等待房屋鉴定".into() }
}

fn decide(approve: bool, reason: Option<&str>) -> CaseAction {
    CaseAction::DecideExtension { approve, reason: reason.map(str::to_string) }
}

#[test]
fn an_upper_tier_supervises_and_the_handling_tier_answers() {
    let c = cast();
    let case = dispute_at(CaseStatus::InProgress, &c);
    // The handling tier cannot supervise itself, and a grid worker supervises nothing.
    assert_eq!(try_step(&case, supervise(), &c.community), Err(DomainError::Forbidden("error-case-not-upper-tier")));
    assert_eq!(try_step(&case, supervise(), &c.grid_worker), Err(DomainError::Forbidden("error-forbidden")));
    assert_eq!(try_step(&case, supervise(), &c.neighbour_community), Err(DomainError::NotFound("error-case-not-found")));
    assert_eq!(try_step(&case, answer(), &c.mediator), Err(DomainError::Conflict("error-case-no-open-supervision")));
    let supervised = step(&case, supervise(), &c.street);
    let order = supervised.supervision.clone().unwrap();
    assert_eq!((order.issued_by, order.issued_by_name.as_str()), (c.street.user_id, "街道刘"));
    assert_eq!((supervised.status, supervised.deadline), (case.status, case.deadline), "an order moves nothing else");
    assert_eq!(try_step(&supervised, supervise(), &c.district), Err(DomainError::Conflict("error-case-supervision-open")));
    // The issuer's side does not answer its own order.
    assert_eq!(
        try_step(&supervised, answer(), &c.street),
        Err(DomainError::Forbidden("error-case-answer-from-handling-tier"))
    );
    assert_eq!(try_step(&supervised, answer(), &c.grid_worker), Err(DomainError::Forbidden("error-case-not-handler")));
    assert_eq!(
        try_step(&supervised, CaseAction::AnswerSupervision { answer: " ".into() }, &c.mediator),
        Err(DomainError::invalid("answer", "error-case-reason-required"))
    );
    assert!(allowed_actions(&supervised, &c.mediator).contains(&ActionKind::AnswerSupervision));
    assert!(!allowed_actions(&supervised, &c.street).contains(&ActionKind::AnswerSupervision));
    let answered = step(&supervised, answer(), &c.community);
    assert_eq!(answered.supervision, None);
    // Answered, the upper tier may supervise again.
    assert!(allowed_actions(&answered, &c.district).contains(&ActionKind::Supervise));
}

#[test]
fn a_reply_by_day_cannot_be_past() {
    let c = cast();
    let case = dispute_at(CaseStatus::Accepted, &c);
    let today = local_date(case.updated_at + chrono::Duration::hours(1));
    let late = CaseAction::Supervise { instructions: "限期反馈".into(), reply_by: today.pred_opt() };
    assert_eq!(try_step(&case, late, &c.street), Err(DomainError::invalid("reply_by", "error-case-reply-by")));
    let due = CaseAction::Supervise { instructions: "限期反馈".into(), reply_by: Some(today) };
    assert_eq!(step(&case, due, &c.street).supervision.unwrap().reply_by, Some(today));
}

#[test]
fn an_order_outlives_a_conclusion_but_not_the_case() {
    let c = cast();
    let supervised = step(&dispute_at(CaseStatus::InProgress, &c), supervise(), &c.street);
    let conclude = CaseAction::Conclude { outcome: crate::model::case::Outcome::ResolvedOtherwise, summary: "已解决".into() };
    let concluded = step(&supervised, conclude, &c.mediator);
    assert!(concluded.supervision.is_some(), "still to be answered");
    assert_eq!(try_step(&concluded, supervise(), &c.district), Err(ILLEGAL), "no new orders on a concluded case");
    let answered = step(&concluded, answer(), &c.mediator);
    assert_eq!(answered.supervision, None);
    let reported = step(&dispute_at(CaseStatus::Reported, &c), supervise(), &c.street);
    let declined = step(&reported, CaseAction::Decline { reason: "不属于受理范围".into() }, &c.community);
    assert_eq!(declined.supervision, None, "a finished case keeps no open order");
}

#[test]
fn the_tier_above_decides_an_extension() {
    let c = cast();
    let case = dispute_at(CaseStatus::InProgress, &c);
    assert_eq!(try_step(&case, decide(true, None), &c.street), Err(DomainError::Conflict("error-case-no-pending-extension")));
    assert_eq!(try_step(&case, request(0), &c.mediator), Err(DomainError::invalid("days", "error-case-extension-days")));
    assert_eq!(try_step(&case, request(31), &c.mediator), Err(DomainError::invalid("days", "error-case-extension-days")));
    assert_eq!(try_step(&case, request(5), &c.grid_worker), Err(DomainError::Forbidden("error-case-not-handler")));
    let asked = step(&case, request(5), &c.mediator);
    assert_eq!(asked.pending_extension.as_ref().map(|r| (r.days, r.requested_by)), Some((5, c.mediator.user_id)));
    assert_eq!(try_step(&asked, request(3), &c.community), Err(DomainError::Conflict("error-case-extension-pending")));
    // Not the tier itself, and not from below.
    assert_eq!(try_step(&asked, decide(true, None), &c.community), Err(DomainError::Forbidden("error-case-not-upper-tier")));
    assert_eq!(try_step(&asked, decide(true, None), &c.mediator), Err(DomainError::Forbidden("error-forbidden")));
    assert_eq!(
        try_step(&asked, decide(false, None), &c.street),
        Err(DomainError::invalid("reason", "error-case-reason-required"))
    );
    let refused = step(&asked, decide(false, Some("期限内可以完成")), &c.street);
    assert_eq!((refused.pending_extension.as_ref(), refused.deadline), (None, case.deadline));
    let approved = step(&step(&refused, request(5), &c.mediator), decide(true, None), &c.district);
    assert_eq!(approved.pending_extension, None);
    // Due Monday 2024-03-25; five more working days is Monday 2024-04-01.
    assert_eq!(local_date(case.deadline.unwrap()).to_string(), "2024-03-25");
    assert_eq!(local_date(approved.deadline.unwrap()).to_string(), "2024-04-01");
}

#[test]
fn an_extension_over_a_holiday_skips_it() {
    let c = cast();
    let case = dispute_at(CaseStatus::InProgress, &c);
    // Due 2024-03-25; 5 working days from there ran to 04-01. From 2024-04-01 a further 5
    // working days skip Qingming (04-04..06) and count the make-up Sunday 04-07: 04-09.
    let once = step(&step(&case, request(5), &c.mediator), decide(true, None), &c.street);
    let twice = step(&step(&once, request(5), &c.mediator), decide(true, None), &c.street);
    assert_eq!(local_date(twice.deadline.unwrap()).to_string(), "2024-04-09");
}

#[test]
fn nobody_decides_their_own_request() {
    let c = cast();
    // A street officer standing in for the community asks; the street cannot then approve it
    // through the same person.
    let case = dispute_at(CaseStatus::Accepted, &c);
    let asked = step(&case, request(3), &c.street);
    assert_eq!(try_step(&asked, decide(true, None), &c.street), Err(DomainError::Forbidden("error-case-decide-own-request")));
    assert!(!allowed_actions(&asked, &c.street).contains(&ActionKind::DecideExtension));
    assert!(allowed_actions(&asked, &c.district).contains(&ActionKind::DecideExtension));
}

#[test]
fn a_request_lapses_when_the_clock_restarts_or_stops() {
    let c = cast();
    let asked = step(&dispute_at(CaseStatus::InProgress, &c), request(5), &c.mediator);
    let escalated = step(&asked, CaseAction::Escalate { reason: "涉及多个社区".into() }, &c.community);
    assert_eq!(escalated.pending_extension, None);
    let parked = step(&asked, CaseAction::PutInBacklog { reason: "等待规划".into() }, &c.community);
    assert_eq!(parked.pending_extension, None);
    assert_eq!(try_step(&parked, request(5), &c.community), Err(ILLEGAL), "no clock in the backlog");
    // The street's own cases are decided by the district.
    assert_eq!(
        try_step(&step(&escalated, request(2), &c.street), decide(true, None), &c.street),
        Err(DomainError::Forbidden("error-case-not-upper-tier"))
    );
}

#[test]
fn the_timeline_replays_oversight() {
    let c = cast();
    let d = deadlines();
    let grid = area(GRID, crate::model::AreaLevel::Grid);
    let intake = reported(CaseKind::Dispute, &grid, &c.grid_worker);
    let mut case = intake.clone();
    let mut entries = Vec::new();
    let steps: [(CaseAction, &Actor); 7] = [
        (CaseAction::Accept { note: None }, &c.community),
        (supervise(), &c.street),
        (assign(&c.mediator), &c.community),
        (request(4), &c.mediator),
        (decide(true, Some("同意")), &c.street),
        (answer(), &c.mediator),
        (request(2), &c.community),
    ];
    for (action, by) in steps {
        let ctx = Context { actor: by, now: case.updated_at + chrono::Duration::hours(3), deadlines: &d };
        let t = apply(&case, &action, &ctx).unwrap();
        case = t.case;
        entries.push(t.entry);
    }
    assert!(case.pending_extension.is_some() && case.supervision.is_none());
    assert_eq!(replay(&intake, &entries).unwrap(), case);
}
