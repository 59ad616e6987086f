//! Random walks through the workflow (no proptest in the workspace, so a seeded `rand` walk):
//! whoever acts and whatever they try, the case never reaches a state the rules forbid, every
//! refusal leaves it as it was, and the timeline replays to it.

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

use super::fixtures::{GRID, STREET, area, cast, deadlines, reported};
use super::*;
use crate::model::AreaLevel;
use crate::model::case::{Outcome, PartnerRoom};

const WALKS: u64 = 300;
const STEPS: usize = 80;

fn random_action(rng: &mut StdRng, kind: ActionKind, handlers: &[&Actor]) -> CaseAction {
    // Now and then a blank text, which must be refused where a reason is required.
    let text = |rng: &mut StdRng| if rng.random_bool(0.1) { " ".to_string() } else { "说明".to_string() };
    let opt = |rng: &mut StdRng| rng.random_bool(0.5).then(|| "备注".to_string());
    let concluded: Vec<Outcome> = Outcome::ALL.iter().copied().filter(|o| o.is_concluded_by_handler()).collect();
    let outcome = |rng: &mut StdRng| *concluded.choose(rng).unwrap();
    match kind {
        ActionKind::Report | ActionKind::Accept => CaseAction::Accept { note: opt(rng) },
        ActionKind::Decline => CaseAction::Decline { reason: text(rng) },
        ActionKind::Assign => {
            let h = handlers.choose(rng).unwrap();
            CaseAction::Assign { handler_id: h.user_id, handler_name: h.display_name.clone(), note: None }
        }
        ActionKind::Start => CaseAction::Start { note: opt(rng) },
        ActionKind::Note => CaseAction::Note { text: text(rng) },
        ActionKind::Conclude => CaseAction::Conclude { outcome: outcome(rng), summary: text(rng) },
        ActionKind::Verify => CaseAction::Verify { confirmed: rng.random_bool(0.7), note: opt(rng) },
        ActionKind::FollowUp => CaseAction::FollowUp { satisfaction: *Satisfaction::ALL.choose(rng).unwrap(), note: opt(rng) },
        ActionKind::Close => CaseAction::Close { note: opt(rng) },
        ActionKind::Escalate => CaseAction::Escalate { reason: text(rng) },
        ActionKind::DispatchDown => CaseAction::DispatchDown { to: *HandlingLevel::ALL.choose(rng).unwrap(), note: opt(rng) },
        ActionKind::Return => CaseAction::Return { reason: text(rng) },
        ActionKind::Refer => CaseAction::Refer { room: *PartnerRoom::ALL.choose(rng).unwrap(), note: opt(rng) },
        ActionKind::RecordReferralOutcome => {
            CaseAction::RecordReferralOutcome { outcome: rng.random_bool(0.7).then(|| outcome(rng)), note: opt(rng) }
        }
        ActionKind::PutInBacklog => CaseAction::PutInBacklog { reason: text(rng) },
        ActionKind::TakeOutOfBacklog => CaseAction::TakeOutOfBacklog { note: opt(rng) },
        ActionKind::Supervise => {
            // Now and then a reply-by day already past, which must be refused.
            let reply_by = rng.random_bool(0.5).then(|| {
                chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(rng.random_range(0..300))
            });
            CaseAction::Supervise { instructions: text(rng), reply_by }
        }
        ActionKind::AnswerSupervision => CaseAction::AnswerSupervision { answer: text(rng) },
        ActionKind::RequestExtension => CaseAction::RequestExtension { days: rng.random_range(0..=32), reason: text(rng) },
        ActionKind::DecideExtension => CaseAction::DecideExtension { approve: rng.random_bool(0.6), reason: opt(rng) },
        ActionKind::MarkDuplicate => CaseAction::MarkDuplicate { original: CaseNumber::parse("150103-2024-000001").unwrap(), note: opt(rng) },
    }
}

fn check_invariants(c: &Case) {
    if c.outcome == Some(Outcome::Duplicate) {
        // Closed at once by whoever marked it: never verified, followed up or resolved.
        assert!(c.status == CaseStatus::Closed && c.concluded_by.is_some() && c.resolved_level.is_none(), "{c:?}");
        assert!(c.deadline.is_none() && c.closed_at.is_some(), "{c:?}");
        return;
    }
    let after = c.status.is_after_conclusion();
    assert_eq!(c.outcome.is_some(), after, "outcome iff concluded: {c:?}");
    assert_eq!(
        c.resolved_level.is_some(),
        after && c.outcome.is_some_and(Outcome::is_resolved),
        "resolved level iff concluded as resolved: {c:?}"
    );
    if c.resolved_level.is_some() {
        assert_eq!(c.resolved_level, Some(c.handling_level), "no tier change after a conclusion");
    }
    assert_eq!(c.concluded_by.is_some(), after);
    assert_eq!(c.verified_by.is_some(), matches!(c.status, CaseStatus::Verified | CaseStatus::FollowedUp | CaseStatus::Closed));
    assert_eq!(c.satisfaction.is_some(), matches!(c.status, CaseStatus::FollowedUp | CaseStatus::Closed));
    if matches!(c.status, CaseStatus::Assigned | CaseStatus::InProgress | CaseStatus::Referred) || after {
        assert!(c.handler_id.is_some() && c.handler_name.is_some(), "a case being worked has a handler: {c:?}");
    }
    if c.status == CaseStatus::Accepted && c.handler_id.is_some() {
        panic!("an accepted case waits for a handler: {c:?}");
    }
    assert!(c.handling_level >= HandlingLevel::of_area(c.area_level).unwrap(), "never below the case's own tier");
    assert_ne!(c.received_from_level, Some(c.handling_level));
    if matches!(c.status, CaseStatus::Reported | CaseStatus::Referred | CaseStatus::Backlog) {
        assert_eq!(c.deadline, None, "the clock is stopped in {:?}", c.status);
    }
    if c.status == CaseStatus::Referred {
        assert!(c.partner_room.is_some() && c.kind == CaseKind::Dispute);
    }
    assert!(c.verified_by.is_none() || c.verified_by != c.handler_id, "verified by the handler: {c:?}");
    if c.pending_extension.is_some() {
        assert!(oversight::clock_runs(c.status) && c.deadline.is_some(), "a request without a running clock: {c:?}");
    }
    if c.status.is_terminal() {
        assert!(c.supervision.is_none() && c.pending_extension.is_none(), "oversight left on a finished case: {c:?}");
    }
}

#[test]
fn random_walks_keep_the_case_valid() {
    let c = cast();
    let people =
        [&c.grid_worker, &c.mediator, &c.community, &c.community_2, &c.street, &c.district, &c.leader, &c.neighbour_community];
    let handlers = [&c.grid_worker, &c.mediator, &c.community_2, &c.street, &c.district];
    let d = deadlines();
    let grid = area(GRID, AreaLevel::Grid);
    let street = area(STREET, AreaLevel::Street);
    let (mut closed, mut resolved_by_level, mut refused) = (0, [0; 3], 0);
    let mut oversight_done = std::collections::HashMap::<&str, u32>::new();
    for seed in 0..WALKS {
        let mut rng = StdRng::seed_from_u64(seed);
        let kind = *CaseKind::ALL.choose(&mut rng).unwrap();
        let home = if rng.random_bool(0.8) { &grid } else { &street };
        let intake = reported(kind, home, &c.street);
        let mut case = intake.clone();
        let mut entries = Vec::new();
        let mut now = case.created_at;
        for _ in 0..STEPS {
            now += chrono::Duration::minutes(rng.random_range(1..3000));
            let actor = *people.choose(&mut rng).unwrap();
            // Mostly something this person can do now, so walks get somewhere; sometimes anything.
            let allowed = allowed_actions(&case, actor);
            // Notes, declines and duplicates would stall or end most walks early; offer them less often.
            let onward: Vec<ActionKind> = allowed
                .iter()
                .copied()
                .filter(|k| !matches!(k, ActionKind::Note | ActionKind::Decline | ActionKind::MarkDuplicate))
                .collect();
            let rare_duplicate = rng.random_bool(0.02);
            let pickable: Vec<ActionKind> = allowed.iter().copied().filter(|k| rare_duplicate || *k != ActionKind::MarkDuplicate).collect();
            let kind = if !onward.is_empty() && rng.random_bool(0.8) {
                *onward.choose(&mut rng).unwrap()
            } else if !pickable.is_empty() && rng.random_bool(0.5) {
                *pickable.choose(&mut rng).unwrap()
            } else {
                *ActionKind::ALL[1..].choose(&mut rng).unwrap()
            };
            let eligible: Vec<&Actor> =
                handlers.iter().copied().filter(|h| check_assignee(&case, h.role, &h.home_area_path, false).is_ok()).collect();
            let action = random_action(&mut rng, kind, if eligible.is_empty() { &handlers } else { &eligible });
            let ctx = Context { actor, now, deadlines: &d };
            match apply(&case, &action, &ctx) {
                Ok(t) => {
                    assert!(allowed.contains(&kind), "{kind:?} succeeded but was not offered to {}", actor.username);
                    assert_eq!(t.case.version, case.version + 1);
                    assert_eq!(
                        (t.entry.version, t.entry.to_status, t.entry.to_level),
                        (t.case.version, t.case.status, t.case.handling_level)
                    );
                    assert_eq!(t.entry.from_status, Some(case.status));
                    assert!(!case.status.is_terminal(), "acted on a terminal case");
                    assert_eq!(t.calendar_gap, None);
                    if let CaseAction::DecideExtension { approve: true, .. } = &action {
                        let days = case.pending_extension.as_ref().unwrap().days;
                        assert!(t.case.deadline > case.deadline, "an approved extension of {days} days moves the deadline");
                    }
                    *oversight_done.entry(kind.as_str()).or_default() += 1;
                    case = t.case;
                    entries.push(t.entry);
                    check_invariants(&case);
                }
                Err(e) => {
                    refused += 1;
                    // Refused for being outside the rules, never for an unexpected reason.
                    assert!(
                        matches!(
                            e,
                            DomainError::Conflict(_)
                                | DomainError::Forbidden(_)
                                | DomainError::NotFound(_)
                                | DomainError::Invalid { .. }
                        ),
                        "{e:?}"
                    );
                    if allowed.contains(&kind) {
                        assert!(
                            matches!(e, DomainError::Invalid { .. }),
                            "{kind:?} was offered to {} but refused: {e:?}",
                            actor.username
                        );
                    }
                }
            }
            if case.status.is_terminal() {
                assert!(legal_actions(case.status).is_empty());
                break;
            }
        }
        assert_eq!(replay(&intake, &entries).unwrap(), case, "seed {seed}");
        if case.status == CaseStatus::Closed {
            closed += 1;
        }
        if let Some(level) = case.resolved_level {
            resolved_by_level[level as usize] += 1;
        }
    }
    // The walks must reach the far states, or they prove little.
    println!("closed {closed}, resolved by tier {resolved_by_level:?}, refused {refused}");
    assert!(closed > 30, "only {closed} walks closed");
    assert!(resolved_by_level.iter().all(|n| *n > 0), "{resolved_by_level:?}");
    assert!(refused > 0);
    for kind in [ActionKind::Supervise, ActionKind::AnswerSupervision, ActionKind::RequestExtension, ActionKind::DecideExtension] {
        assert!(oversight_done.get(kind.as_str()).is_some_and(|n| *n > 5), "{kind:?} rarely done: {oversight_done:?}");
    }
}
