//! The case workflow: one state machine for disputes, demands and hazards.
//!
//! ```text
//! main line   reported → accepted → assigned → in_progress → concluded → verified → followed_up → closed
//! refusal     reported → declined (terminal)
//! partners    in_progress → referred → concluded with the room's outcome, or back to in_progress
//! reopening   concluded → in_progress when the check fails; verified → in_progress when dissatisfied
//! backlog     accepted / assigned / in_progress → backlog → in_progress (accepted if no handler)
//! tiers       escalate one tier up, dispatch down, return: the receiving tier has it as accepted
//! ```
//! `apply` checks, in this order: the case is in the caller's scope (else not found), the
//! action is legal in the current status (else a conflict, 409), the caller may take it here
//! (else forbidden), and its fields are present and sane (else invalid). It returns the new
//! state and the timeline entry; the service writes both, with the audit row, in one
//! transaction guarded by the version.
//!
//! Who may act (permissions from `rules::access`; "the tier" is the area of the level now
//! handling the case, which must be in the caller's subtree):
//! - supervisor of the tier (`SuperviseCases`): accept, decline, assign, escalate, dispatch
//!   down, return an escalated or dispatched case, put in and take out of backlog, close;
//! - the handler (`HandleCases`, and named on the case), or a supervisor of the tier standing
//!   in: conclude, refer, record the referral outcome, give an assignment back (return);
//!   only the handler starts;
//! - a verifier of the tier (`VerifyCases`) who neither handles nor concluded the case: verify;
//! - a verifier of the tier: follow up;
//! - anyone who handles cases and sees this one: add a note;
//! - an upper tier (`SuperviseCases` strictly above the handling office): issue a supervision
//!   order, decide an extension request (not one's own); the handler or a supervisor of the
//!   tier answers the order and requests extensions (see `workflow_oversight.rs`).

use std::cell::Cell;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::access::{Actor, Permission};
use super::calendar::CalendarError;
use super::deadline::Deadlines;
use crate::error::{DomainError, Result};
use crate::model::case::{
    ActionKind, Case, CaseAction, CaseDraft, CaseKind, CaseNumber, CaseStatus, CategoryTree, HandlingLevel, Outcome, Satisfaction,
    TimelineEntry, one_line, optional_note, required_note,
};
use crate::model::{Area, Role};

const NOT_FOUND: &str = "error-case-not-found";

/// What a workflow step needs besides the case: who acts, when, and the deadline rules.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub actor: &'a Actor,
    pub now: DateTime<Utc>,
    pub deadlines: &'a Deadlines,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    pub case: Case,
    pub entry: TimelineEntry,
    /// The clock restarted but the calendar lacks the year the deadline falls in: the case has
    /// no deadline until an administrator adds the year. The action itself still happens,
    /// because a missing calendar year must not stop the work.
    pub calendar_gap: Option<CalendarError>,
}

/// Optimistic concurrency: the caller saw `expected`; if the case moved since, the second of
/// two people acting at once is told so instead of overwriting the first.
pub fn check_version(case: &Case, expected: i64) -> Result<()> {
    if case.version == expected { Ok(()) } else { Err(DomainError::Conflict("error-case-version-stale")) }
}

/// The actions the state machine allows in a status, before asking who acts.
pub fn legal_actions(status: CaseStatus) -> &'static [ActionKind] {
    use ActionKind::*;
    match status {
        CaseStatus::Reported => &[Accept, Decline, MarkDuplicate, Note, Supervise, AnswerSupervision],
        CaseStatus::Accepted => &[
            Assign,
            Escalate,
            DispatchDown,
            Return,
            PutInBacklog,
            MarkDuplicate,
            Note,
            Supervise,
            AnswerSupervision,
            RequestExtension,
            DecideExtension,
        ],
        CaseStatus::Assigned => &[
            Assign,
            Start,
            Escalate,
            DispatchDown,
            Return,
            PutInBacklog,
            MarkDuplicate,
            Note,
            Supervise,
            AnswerSupervision,
            RequestExtension,
            DecideExtension,
        ],
        CaseStatus::InProgress => &[
            Assign,
            Conclude,
            Refer,
            Escalate,
            DispatchDown,
            Return,
            PutInBacklog,
            MarkDuplicate,
            Note,
            Supervise,
            AnswerSupervision,
            RequestExtension,
            DecideExtension,
        ],
        CaseStatus::Referred => &[RecordReferralOutcome, Note, Supervise, AnswerSupervision],
        CaseStatus::Backlog => &[TakeOutOfBacklog, Note, Supervise, AnswerSupervision],
        CaseStatus::Concluded => &[Verify, Note, AnswerSupervision],
        CaseStatus::Verified => &[FollowUp, Note, AnswerSupervision],
        CaseStatus::FollowedUp => &[Close, Note, AnswerSupervision],
        CaseStatus::Declined | CaseStatus::Closed => &[],
    }
}

/// What this caller can do to this case now: the buttons a case page shows, and the list a
/// 409 names.
pub fn allowed_actions(case: &Case, actor: &Actor) -> Vec<ActionKind> {
    if actor.may_in(Permission::ViewCases, &case.area_path, NOT_FOUND).is_err() {
        return Vec::new();
    }
    legal_actions(case.status)
        .iter()
        .copied()
        .filter(|k| feasible(case, *k).is_ok() && authorize(case, *k, actor).is_ok())
        .collect()
}

/// Intake (排查): a new case in `area`, reported by the caller. The case starts with the tier
/// of its area (grids: the community) and no deadline: the clock starts on acceptance.
pub fn report(
    draft: &CaseDraft,
    area: &Area,
    categories: &CategoryTree,
    number: CaseNumber,
    ctx: &Context<'_>,
) -> Result<(Case, TimelineEntry)> {
    let d = draft.validate()?;
    if d.area_id != area.id {
        return Err(DomainError::invalid("area_id", "error-case-area"));
    }
    ctx.actor.may_in(Permission::ReportCases, &area.path, "error-area-not-found")?;
    if area.retired {
        return Err(DomainError::invalid("area_id", "error-case-area-retired"));
    }
    let level = HandlingLevel::of_area(area.level).ok_or(DomainError::invalid("area_id", "error-case-area-too-broad"))?;
    let category = categories.check_for_intake(d.kind, &d.category)?.code.clone();
    let actor = ctx.actor;
    let case = Case {
        id: Uuid::now_v7(),
        number,
        kind: d.kind,
        category,
        title: d.title,
        description: d.description,
        area_id: area.id,
        area_path: area.path.clone(),
        area_level: area.level,
        address: d.address,
        point: d.point,
        channel: d.channel,
        risk: d.risk,
        reporter_id: (!actor.user_id.is_nil()).then_some(actor.user_id),
        reporter_name: d.reporter_name.unwrap_or_else(|| actor.display_name.clone()),
        status: CaseStatus::Reported,
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
        created_at: ctx.now,
        accepted_at: None,
        concluded_at: None,
        closed_at: None,
        updated_at: ctx.now,
        deadline: None,
        supervision: None,
        pending_extension: None,
    };
    let entry = TimelineEntry {
        case_id: case.id,
        version: 1,
        at: ctx.now,
        actor_id: actor.user_id,
        actor_name: actor.display_name.clone(),
        kind: ActionKind::Report,
        from_status: None,
        to_status: CaseStatus::Reported,
        from_level: None,
        to_level: level,
        note: None,
        action: None,
        deadline: None,
    };
    Ok((case, entry))
}

/// One step of the workflow; see the module documentation for the order of checks.
pub fn apply(case: &Case, action: &CaseAction, ctx: &Context<'_>) -> Result<Transition> {
    let actor = ctx.actor;
    actor.may_in(Permission::ViewCases, &case.area_path, NOT_FOUND)?;
    let kind = action.kind();
    check_legal(case, kind)?;
    authorize(case, kind, actor)?;
    let action = clean(action)?;
    oversight::check_dates(&action, ctx.now)?;
    let gap = Cell::new(None);
    let mut due = |c: &Case, extend: Option<u32>| {
        let d = match extend {
            None => ctx.deadlines.due(c.kind, &c.category, c.handling_level, ctx.now),
            // Only asked while a deadline runs (`feasible`), so the fallback is never taken.
            Some(n) => c.deadline.map_or(Ok(ctx.now), |d| ctx.deadlines.calendar.add_working_days(d, n)),
        };
        d.map_err(|e| gap.set(Some(e))).ok()
    };
    let next = effect(case, &action, (actor.user_id, &actor.display_name), ctx.now, &mut due)?;
    let entry = TimelineEntry {
        case_id: case.id,
        version: next.version,
        at: ctx.now,
        actor_id: actor.user_id,
        actor_name: actor.display_name.clone(),
        kind,
        from_status: Some(case.status),
        to_status: next.status,
        from_level: Some(case.handling_level),
        to_level: next.handling_level,
        note: action.note().map(str::to_string),
        deadline: next.deadline,
        action: Some(action),
    };
    Ok(Transition { case: next, entry, calendar_gap: gap.take() })
}

/// Rebuilds a case from its state at intake and its timeline, without asking who acted: the
/// proof that the timeline is a complete record. Deadlines come from the entries, as they
/// were computed at the time.
pub fn replay(intake: &Case, entries: &[TimelineEntry]) -> Result<Case> {
    let mut case = intake.clone();
    for e in entries.iter().filter(|e| e.kind != ActionKind::Report) {
        let action = e.action.as_ref().ok_or(DomainError::Internal(format!("timeline entry {} has no action", e.version)))?;
        let mut due = |_: &Case, _: Option<u32>| e.deadline;
        case = effect(&case, action, (e.actor_id, &e.actor_name), e.at, &mut due)?;
        case.deadline = e.deadline;
        if case.version != e.version || case.status != e.to_status || case.handling_level != e.to_level {
            return Err(DomainError::Internal(format!("timeline entry {} does not replay", e.version)));
        }
    }
    Ok(case)
}

/// A person may be named handler when they handle cases and the case is theirs to see:
/// their home lies between the tier's area and the case's area (a mediator of the
/// community for a case in one of its grids; a grid worker of that grid).
pub fn check_assignee(case: &Case, role: Role, home_area_path: &str, disabled: bool) -> Result<()> {
    if disabled || !role.has(Permission::HandleCases) {
        return Err(DomainError::invalid("handler_id", "error-case-assignee-cannot-handle"));
    }
    if !home_area_path.starts_with(&case.handling_area_path()) || !case.area_path.starts_with(home_area_path) {
        return Err(DomainError::invalid("handler_id", "error-case-assignee-out-of-scope"));
    }
    Ok(())
}

fn check_legal(case: &Case, kind: ActionKind) -> Result<()> {
    if legal_actions(case.status).contains(&kind) {
        Ok(())
    } else {
        Err(DomainError::Conflict("error-case-action-not-allowed-now"))
    }
}

/// Conditions that depend on the case beyond its status.
fn feasible(case: &Case, kind: ActionKind) -> Result<()> {
    match kind {
        ActionKind::Escalate if case.handling_level.up().is_none() => {
            Err(DomainError::Conflict("error-case-escalate-beyond-district"))
        }
        ActionKind::DispatchDown if lowest_tier(case) >= case.handling_level => {
            Err(DomainError::Conflict("error-case-no-lower-tier"))
        }
        ActionKind::Return if case.status == CaseStatus::Accepted && case.received_from_level.is_none() => {
            Err(DomainError::Conflict("error-case-nothing-to-return-to"))
        }
        ActionKind::Refer if case.kind != CaseKind::Dispute => Err(DomainError::Conflict("error-case-refer-disputes-only")),
        _ => oversight::feasible(case, kind),
    }
}

fn lowest_tier(case: &Case) -> HandlingLevel {
    HandlingLevel::of_area(case.area_level).unwrap_or(HandlingLevel::District)
}

fn authorize(case: &Case, kind: ActionKind, actor: &Actor) -> Result<()> {
    let tier = case.handling_area_path();
    let supervisor = || actor.may_act_for(Permission::SuperviseCases, &tier);
    let is_handler = case.handler_id == Some(actor.user_id);
    let handler = || {
        if is_handler { actor.require(Permission::HandleCases) } else { Err(DomainError::Forbidden("error-case-not-handler")) }
    };
    // When neither, saying "not the handler" tells the caller more than a bare refusal.
    let handler_or_supervisor = || handler().or_else(|e| supervisor().map_err(|_| e));
    use ActionKind::*;
    match kind {
        Report => actor.may_in(Permission::ReportCases, &case.area_path, NOT_FOUND),
        Accept | Decline | Assign | Escalate | DispatchDown | PutInBacklog | TakeOutOfBacklog | Close => supervisor(),
        Start => handler(),
        Conclude | Refer | RecordReferralOutcome | RequestExtension => handler_or_supervisor(),
        // The tier itself answers; an upper office standing in would be answering itself.
        AnswerSupervision if !is_handler && actor.covers_below(&tier) => {
            Err(DomainError::Forbidden("error-case-answer-from-handling-tier"))
        }
        AnswerSupervision => handler_or_supervisor(),
        Supervise => oversight::upper_tier(case, actor),
        DecideExtension => oversight::may_decide(case, actor),
        Return if case.status == CaseStatus::Accepted => supervisor(),
        Return => handler_or_supervisor(),
        Verify => {
            actor.may_act_for(Permission::VerifyCases, &tier)?;
            if is_handler || case.concluded_by == Some(actor.user_id) {
                Err(DomainError::Forbidden("error-case-verifier-is-handler"))
            } else {
                Ok(())
            }
        }
        FollowUp => actor.may_act_for(Permission::VerifyCases, &tier),
        Note => actor.require(Permission::HandleCases),
        // Whoever took it in knows best that it was taken in twice.
        MarkDuplicate if case.reporter_id == Some(actor.user_id) => actor.may_in(Permission::ReportCases, &case.area_path, NOT_FOUND),
        MarkDuplicate => handler_or_supervisor(),
    }
}

/// Trims the texts and refuses missing or oversized ones; the cleaned action is what the
/// timeline keeps.
fn clean(action: &CaseAction) -> Result<CaseAction> {
    use CaseAction as A;
    let opt = |n: &Option<String>| optional_note(n.as_deref(), "note");
    if let Some(cleaned) = oversight::clean(action)? {
        return Ok(cleaned);
    }
    Ok(match action {
        A::Accept { note } => A::Accept { note: opt(note)? },
        A::Decline { reason } => A::Decline { reason: required_note(reason, "reason")? },
        A::Assign { handler_id, handler_name, note } => A::Assign {
            handler_id: *handler_id,
            handler_name: one_line(handler_name, 1, 64).ok_or(DomainError::invalid("handler_name", "error-case-handler-name"))?,
            note: opt(note)?,
        },
        A::Start { note } => A::Start { note: opt(note)? },
        A::Note { text } => A::Note { text: required_note(text, "text")? },
        A::Conclude { outcome, .. } | A::RecordReferralOutcome { outcome: Some(outcome), .. } if !outcome.is_concluded_by_handler() => {
            return Err(DomainError::invalid("outcome", "error-case-outcome-duplicate-by-mark"));
        }
        A::Conclude { outcome, summary } => A::Conclude { outcome: *outcome, summary: required_note(summary, "summary")? },
        // The timeline shows the note, so it names the original whatever else was written.
        A::MarkDuplicate { original, note } => {
            let note = match opt(note)? {
                Some(n) if !n.starts_with(original.as_str()) => format!("{original} {n}"),
                Some(n) => n,
                None => original.to_string(),
            };
            A::MarkDuplicate { original: original.clone(), note: Some(note) }
        }
        A::Verify { confirmed, note } => {
            let note = opt(note)?;
            if !confirmed && note.is_none() {
                return Err(DomainError::invalid("note", "error-case-reason-required"));
            }
            A::Verify { confirmed: *confirmed, note }
        }
        A::FollowUp { satisfaction, note } => {
            let note = opt(note)?;
            if *satisfaction == Satisfaction::Dissatisfied && note.is_none() {
                return Err(DomainError::invalid("note", "error-case-reason-required"));
            }
            A::FollowUp { satisfaction: *satisfaction, note }
        }
        A::Close { note } => A::Close { note: opt(note)? },
        A::Escalate { reason } => A::Escalate { reason: required_note(reason, "reason")? },
        A::DispatchDown { to, note } => A::DispatchDown { to: *to, note: opt(note)? },
        A::Return { reason } => A::Return { reason: required_note(reason, "reason")? },
        A::Refer { room, note } => A::Refer { room: *room, note: opt(note)? },
        A::RecordReferralOutcome { outcome, note } => A::RecordReferralOutcome { outcome: *outcome, note: opt(note)? },
        A::PutInBacklog { reason } => A::PutInBacklog { reason: required_note(reason, "reason")? },
        A::TakeOutOfBacklog { note } => A::TakeOutOfBacklog { note: opt(note)? },
        A::Supervise { .. } | A::AnswerSupervision { .. } | A::RequestExtension { .. } | A::DecideExtension { .. } => {
            unreachable!("cleaned by oversight::clean")
        }
    })
}

/// The deadline a step sets: restarted for the tier (`None`) or moved by working days (`Some(n)`).
type DueFn<'a> = dyn FnMut(&Case, Option<u32>) -> Option<DateTime<Utc>> + 'a;

/// The state change alone. `due` gives the deadline when the clock restarts for the tier
/// now handling the case (`None`), or the deadline moved by some working days (`Some(n)`).
fn effect(
    case: &Case,
    action: &CaseAction,
    by: (Uuid, &str),
    now: DateTime<Utc>,
    due: &mut DueFn<'_>,
) -> Result<Case> {
    check_legal(case, action.kind())?;
    feasible(case, action.kind())?;
    use CaseAction as A;
    let mut c = case.clone();
    c.version += 1;
    c.updated_at = now;
    if oversight::effect(&mut c, action, by, now, &mut |c, n| due(c, Some(n))) {
        return Ok(c);
    }
    let (by, _) = by;
    let mut restart = false;
    match action {
        A::Accept { .. } => {
            c.status = CaseStatus::Accepted;
            c.accepted_at = Some(now);
            restart = true;
        }
        A::Decline { .. } => {
            c.status = CaseStatus::Declined;
            c.deadline = None;
        }
        A::Assign { handler_id, handler_name, .. } => {
            c.status = CaseStatus::Assigned;
            c.handler_id = Some(*handler_id);
            c.handler_name = Some(handler_name.clone());
        }
        A::Start { .. } => c.status = CaseStatus::InProgress,
        A::MarkDuplicate { .. } => {
            c.status = CaseStatus::Closed;
            c.outcome = Some(Outcome::Duplicate);
            c.resolved_level = None;
            c.concluded_by = Some(by);
            c.concluded_at = Some(now);
            c.closed_at = Some(now);
            c.deadline = None;
        }
        A::Note { .. } => {}
        A::Conclude { outcome, .. } | A::RecordReferralOutcome { outcome: Some(outcome), .. } => {
            c.status = CaseStatus::Concluded;
            c.outcome = Some(*outcome);
            c.resolved_level = outcome.is_resolved().then_some(c.handling_level);
            c.concluded_by = Some(by);
            c.concluded_at = Some(now);
        }
        A::RecordReferralOutcome { outcome: None, .. } => {
            c.status = CaseStatus::InProgress;
            restart = true;
        }
        A::Verify { confirmed: true, .. } => {
            c.status = CaseStatus::Verified;
            c.verified_by = Some(by);
        }
        A::Verify { confirmed: false, .. } => {
            reopen(&mut c);
            restart = true;
        }
        A::FollowUp { satisfaction: Satisfaction::Dissatisfied, .. } => {
            c.dissatisfied_follow_ups += 1;
            reopen(&mut c);
            restart = true;
        }
        A::FollowUp { satisfaction, .. } => {
            c.status = CaseStatus::FollowedUp;
            c.satisfaction = Some(*satisfaction);
        }
        A::Close { .. } => {
            c.status = CaseStatus::Closed;
            c.closed_at = Some(now);
        }
        A::Escalate { .. } => {
            let up = c.handling_level.up().ok_or(DomainError::Conflict("error-case-escalate-beyond-district"))?;
            move_to_tier(&mut c, up);
            restart = true;
        }
        A::DispatchDown { to, .. } => {
            if *to >= c.handling_level || *to < lowest_tier(&c) {
                return Err(DomainError::invalid("to", "error-case-dispatch-level"));
            }
            move_to_tier(&mut c, *to);
            restart = true;
        }
        A::Return { .. } if case.status == CaseStatus::Accepted => {
            let back = c.received_from_level.ok_or(DomainError::Conflict("error-case-nothing-to-return-to"))?;
            move_to_tier(&mut c, back);
            // Going back is not a new hand-over: nothing to return to from there.
            c.received_from_level = None;
            restart = true;
        }
        A::Return { .. } => {
            // The assignee gives it back to the tier, whose clock keeps running.
            c.status = CaseStatus::Accepted;
            c.handler_id = None;
            c.handler_name = None;
        }
        A::Refer { room, .. } => {
            c.status = CaseStatus::Referred;
            c.partner_room = Some(*room);
            // The room keeps its own time; the tier's clock restarts when the room hands it back.
            c.deadline = None;
        }
        A::PutInBacklog { .. } => {
            c.status = CaseStatus::Backlog;
            c.deadline = None;
        }
        A::TakeOutOfBacklog { .. } => {
            c.status = if c.handler_id.is_some() { CaseStatus::InProgress } else { CaseStatus::Accepted };
            restart = true;
        }
        A::Supervise { .. } | A::AnswerSupervision { .. } | A::RequestExtension { .. } | A::DecideExtension { .. } => {
            unreachable!("applied by oversight::effect")
        }
    }
    if restart {
        c.deadline = due(&c, None);
    }
    oversight::after_step(&mut c, restart);
    Ok(c)
}

/// Back to work after a conclusion that did not hold: the outcome is withdrawn, so the case
/// no longer counts as resolved, and the same handler carries on.
fn reopen(c: &mut Case) {
    c.status = CaseStatus::InProgress;
    c.outcome = None;
    c.resolved_level = None;
    c.concluded_by = None;
    c.concluded_at = None;
    c.verified_by = None;
    c.satisfaction = None;
    c.reopened += 1;
}

/// A new tier takes the case over and accepts it; its own supervisor assigns it anew.
fn move_to_tier(c: &mut Case, level: HandlingLevel) {
    c.received_from_level = Some(c.handling_level);
    c.handling_level = level;
    c.status = CaseStatus::Accepted;
    c.handler_id = None;
    c.handler_name = None;
}

#[path = "workflow_oversight.rs"]
mod oversight;

#[cfg(test)]
#[path = "workflow_fixtures.rs"]
pub(crate) mod fixtures;

#[cfg(test)]
#[path = "workflow_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "workflow_oversight_tests.rs"]
mod oversight_tests;

#[cfg(test)]
#[path = "workflow_walk_tests.rs"]
mod walk;
