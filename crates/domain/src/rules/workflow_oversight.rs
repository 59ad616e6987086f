//! The oversight half of the workflow: supervision orders (督办) and extension requests
//! (延期申请). An order comes from above the handling tier and is answered by it; a request
//! comes from the handling tier and is decided above it, never by whoever made it.

use super::*;
use crate::model::case::{ExtensionRequest, MAX_EXTENSION_DAYS, SupervisionOrder};
use crate::rules::calendar::local_date;

/// Statuses in which the clock can run, so an extension means something.
pub(super) fn clock_runs(status: CaseStatus) -> bool {
    matches!(status, CaseStatus::Accepted | CaseStatus::Assigned | CaseStatus::InProgress)
}

/// An upper tier: the permission in an area strictly above the handling office that covers it.
pub(super) fn upper_tier(case: &Case, actor: &Actor) -> Result<()> {
    actor.require(Permission::SuperviseCases)?;
    if actor.covers_below(&case.handling_area_path()) { Ok(()) } else { Err(DomainError::Forbidden("error-case-not-upper-tier")) }
}

pub(super) fn feasible(case: &Case, kind: ActionKind) -> Result<()> {
    match kind {
        ActionKind::Supervise if case.supervision.is_some() => Err(DomainError::Conflict("error-case-supervision-open")),
        ActionKind::AnswerSupervision if case.supervision.is_none() => {
            Err(DomainError::Conflict("error-case-no-open-supervision"))
        }
        ActionKind::RequestExtension if case.pending_extension.is_some() => {
            Err(DomainError::Conflict("error-case-extension-pending"))
        }
        ActionKind::RequestExtension if case.deadline.is_none() => Err(DomainError::Conflict("error-case-no-deadline")),
        ActionKind::DecideExtension if case.pending_extension.is_none() => {
            Err(DomainError::Conflict("error-case-no-pending-extension"))
        }
        _ => Ok(()),
    }
}

/// The decider of a request: the tier above, and not the person who asked.
pub(super) fn may_decide(case: &Case, actor: &Actor) -> Result<()> {
    upper_tier(case, actor)?;
    if case.pending_extension.as_ref().is_some_and(|r| r.requested_by == actor.user_id) {
        Err(DomainError::Forbidden("error-case-decide-own-request"))
    } else {
        Ok(())
    }
}

/// Checks that need the time: an answer cannot be due before today.
pub(super) fn check_dates(action: &CaseAction, now: DateTime<Utc>) -> Result<()> {
    match action {
        CaseAction::Supervise { reply_by: Some(d), .. } if *d < local_date(now) => {
            Err(DomainError::invalid("reply_by", "error-case-reply-by"))
        }
        _ => Ok(()),
    }
}

pub(super) fn clean(action: &CaseAction) -> Result<Option<CaseAction>> {
    use CaseAction as A;
    Ok(Some(match action {
        A::Supervise { instructions, reply_by } => {
            A::Supervise { instructions: required_note(instructions, "instructions")?, reply_by: *reply_by }
        }
        A::AnswerSupervision { answer } => A::AnswerSupervision { answer: required_note(answer, "answer")? },
        A::RequestExtension { days, reason } => {
            if !(1..=MAX_EXTENSION_DAYS).contains(days) {
                return Err(DomainError::invalid("days", "error-case-extension-days"));
            }
            A::RequestExtension { days: *days, reason: required_note(reason, "reason")? }
        }
        A::DecideExtension { approve, reason } => {
            let reason = optional_note(reason.as_deref(), "reason")?;
            if !approve && reason.is_none() {
                return Err(DomainError::invalid("reason", "error-case-reason-required"));
            }
            A::DecideExtension { approve: *approve, reason }
        }
        _ => return Ok(None),
    }))
}

/// The state change of an oversight action on `c` (already a copy with its version bumped);
/// false when the action is not one of these. `extend` moves the deadline by working days.
pub(super) fn effect(
    c: &mut Case,
    action: &CaseAction,
    by: (Uuid, &str),
    now: DateTime<Utc>,
    extend: &mut dyn FnMut(&Case, u32) -> Option<DateTime<Utc>>,
) -> bool {
    use CaseAction as A;
    match action {
        A::Supervise { instructions, reply_by } => {
            c.supervision = Some(SupervisionOrder {
                issued_by: by.0,
                issued_by_name: by.1.to_string(),
                issued_at: now,
                instructions: instructions.clone(),
                reply_by: *reply_by,
            });
        }
        A::AnswerSupervision { .. } => c.supervision = None,
        A::RequestExtension { days, reason } => {
            c.pending_extension = Some(ExtensionRequest {
                requested_by: by.0,
                requested_by_name: by.1.to_string(),
                requested_at: now,
                days: *days,
                reason: reason.clone(),
            });
        }
        A::DecideExtension { approve, .. } => {
            let request = c.pending_extension.take();
            if let (true, Some(r)) = (approve, request) {
                c.deadline = extend(c, r.days);
            }
        }
        _ => return false,
    }
    true
}

/// What a step that is not about oversight does to it: a request lapses when the clock
/// restarts or stops (the new tier or status has its own time), and a finished case keeps no
/// open order.
pub(super) fn after_step(c: &mut Case, restarted: bool) {
    if restarted || !clock_runs(c.status) {
        c.pending_extension = None;
    }
    if c.status.is_terminal() {
        c.supervision = None;
    }
}
