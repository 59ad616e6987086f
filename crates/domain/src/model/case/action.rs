//! What can be done to a case, and the timeline that records each thing done.
//!
//! Who may take each action, and from which status, is decided in `rules::workflow`; the
//! variants here say what each action carries. A timeline entry keeps the action whole, so the
//! timeline replays to the case as it stands (`rules::workflow::replay`).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{CaseNumber, CaseStatus, HandlingLevel, Outcome, PartnerRoom, Satisfaction};
use crate::model::partner::string_enum;

/// An action on a case, as the API receives it: `{"action": "escalate", "reason": "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum CaseAction {
    /// reported → accepted (受理), at the tier that now handles the case.
    /// Who: a supervisor of that tier (`SuperviseCases`, the tier's area in their subtree).
    Accept { note: Option<String> },
    /// reported → declined (不予受理); the reason is shown to the reporter. Who: a supervisor of the tier.
    Decline { reason: String },
    /// accepted / assigned / in_progress → assigned (分派); naming another handler reassigns.
    /// Who: a supervisor of the tier; the service checks the assignee with `check_assignee`.
    Assign { handler_id: Uuid, handler_name: String, note: Option<String> },
    /// assigned → in_progress: the handler takes it up. Who: the handler only.
    Start { note: Option<String> },
    /// A remark on the timeline (a phone call, a site visit); the status does not move.
    /// Who: anyone with `HandleCases` who sees the case, at any tier.
    Note { text: String },
    /// in_progress → concluded (办结) with an outcome. Who: the handler, or a supervisor of the tier.
    Conclude { outcome: Outcome, summary: String },
    /// concluded → verified (核查), or back to in_progress when the check fails (a note says why).
    /// Who: `VerifyCases` at the tier, and neither the handler nor whoever concluded it.
    Verify { confirmed: bool, note: Option<String> },
    /// verified → followed_up (回访); a dissatisfied party reopens the case to in_progress (a
    /// note says why). Who: `VerifyCases` at the tier.
    FollowUp { satisfaction: Satisfaction, note: Option<String> },
    /// followed_up → closed (结案). Who: a supervisor of the tier.
    Close { note: Option<String> },
    /// One tier up (上报 / 提级): community → street → district, never beyond; the upper tier has
    /// it as accepted. Who: a supervisor of the current tier (or of one above it).
    Escalate { reason: String },
    /// Down to a lower tier (下派), no lower than the tier of the case's home area.
    /// Who: a supervisor of the current tier.
    DispatchDown { to: HandlingLevel, note: Option<String> },
    /// Back with a reason (退回): a handler gives back an assignment, or a tier sends back a
    /// case that was escalated or dispatched to it. Who: for an assignment, the handler or a
    /// supervisor of the tier; for a hand-over between tiers, a supervisor of the receiving tier.
    Return { reason: String },
    /// in_progress → referred: a dispute goes to a partner mediation room.
    /// Who: the handler, or a supervisor of the tier.
    Refer { room: PartnerRoom, note: Option<String> },
    /// referred → concluded with the room's outcome, or back to in_progress when the room
    /// hands it back without one. Who: the handler, or a supervisor of the tier.
    RecordReferralOutcome { outcome: Option<Outcome>, note: Option<String> },
    /// accepted / assigned / in_progress → backlog (挂账), with the reason it cannot be solved now.
    /// Who: a supervisor of the tier.
    PutInBacklog { reason: String },
    /// backlog → in_progress (or accepted, when it had no handler). Who: a supervisor of the tier.
    TakeOutOfBacklog { note: Option<String> },
    /// A supervision order (督办) on an open case, with instructions and optionally the day
    /// by which the answer is due; one open order at a time. Who: `SuperviseCases` in an area
    /// strictly above the handling tier's, covering the case.
    Supervise { instructions: String, reply_by: Option<NaiveDate> },
    /// The handling tier's answer to the open order, which closes it.
    /// Who: the handler, or a supervisor of the tier.
    AnswerSupervision { answer: String },
    /// Asks the tier above for `days` more working days, with a reason; one pending request at
    /// a time, only while the clock runs. Who: the handler, or a supervisor of the tier.
    RequestExtension { days: u32, reason: String },
    /// The same matter as the case numbered `original` (重复件): closed at once, linked to it,
    /// and counted there, not twice. From any status before a conclusion. Who: whoever took it
    /// in, its handler, or a supervisor of the tier; the original must be in the caller's scope.
    MarkDuplicate { original: CaseNumber, note: Option<String> },
    /// The tier above approves (the deadline moves by the requested working days) or refuses
    /// with a reason. Who: `SuperviseCases` strictly above the handling tier, not the requester.
    DecideExtension { approve: bool, reason: Option<String> },
}

string_enum!(
    /// The name of an action: `POST /api/v1/cases/{id}/actions/{action}` and timeline kinds.
    /// `report` is the intake itself, which no action can repeat.
    ActionKind, "action", "error-case-action" {
        Report => "report",
        Accept => "accept",
        Decline => "decline",
        Assign => "assign",
        Start => "start",
        Note => "note",
        Conclude => "conclude",
        Verify => "verify",
        FollowUp => "follow_up",
        Close => "close",
        Escalate => "escalate",
        DispatchDown => "dispatch_down",
        Return => "return",
        Refer => "refer",
        RecordReferralOutcome => "record_referral_outcome",
        PutInBacklog => "put_in_backlog",
        TakeOutOfBacklog => "take_out_of_backlog",
        Supervise => "supervise",
        AnswerSupervision => "answer_supervision",
        RequestExtension => "request_extension",
        DecideExtension => "decide_extension",
        MarkDuplicate => "mark_duplicate",
    }
);

impl CaseAction {
    pub fn kind(&self) -> ActionKind {
        match self {
            CaseAction::Accept { .. } => ActionKind::Accept,
            CaseAction::Decline { .. } => ActionKind::Decline,
            CaseAction::Assign { .. } => ActionKind::Assign,
            CaseAction::Start { .. } => ActionKind::Start,
            CaseAction::Note { .. } => ActionKind::Note,
            CaseAction::Conclude { .. } => ActionKind::Conclude,
            CaseAction::Verify { .. } => ActionKind::Verify,
            CaseAction::FollowUp { .. } => ActionKind::FollowUp,
            CaseAction::Close { .. } => ActionKind::Close,
            CaseAction::Escalate { .. } => ActionKind::Escalate,
            CaseAction::DispatchDown { .. } => ActionKind::DispatchDown,
            CaseAction::Return { .. } => ActionKind::Return,
            CaseAction::Refer { .. } => ActionKind::Refer,
            CaseAction::RecordReferralOutcome { .. } => ActionKind::RecordReferralOutcome,
            CaseAction::PutInBacklog { .. } => ActionKind::PutInBacklog,
            CaseAction::TakeOutOfBacklog { .. } => ActionKind::TakeOutOfBacklog,
            CaseAction::Supervise { .. } => ActionKind::Supervise,
            CaseAction::AnswerSupervision { .. } => ActionKind::AnswerSupervision,
            CaseAction::RequestExtension { .. } => ActionKind::RequestExtension,
            CaseAction::DecideExtension { .. } => ActionKind::DecideExtension,
            CaseAction::MarkDuplicate { .. } => ActionKind::MarkDuplicate,
        }
    }

    /// The text a person wrote with the action: its reason, summary or note.
    pub fn note(&self) -> Option<&str> {
        match self {
            CaseAction::Decline { reason }
            | CaseAction::Escalate { reason }
            | CaseAction::Return { reason }
            | CaseAction::PutInBacklog { reason }
            | CaseAction::RequestExtension { reason, .. } => Some(reason),
            CaseAction::Supervise { instructions, .. } => Some(instructions),
            CaseAction::AnswerSupervision { answer } => Some(answer),
            CaseAction::Note { text } => Some(text),
            CaseAction::Conclude { summary, .. } => Some(summary),
            CaseAction::Accept { note }
            | CaseAction::Assign { note, .. }
            | CaseAction::Start { note }
            | CaseAction::Verify { note, .. }
            | CaseAction::FollowUp { note, .. }
            | CaseAction::Close { note }
            | CaseAction::DispatchDown { note, .. }
            | CaseAction::Refer { note, .. }
            | CaseAction::RecordReferralOutcome { note, .. }
            | CaseAction::TakeOutOfBacklog { note }
            | CaseAction::MarkDuplicate { note, .. }
            | CaseAction::DecideExtension { reason: note, .. } => note.as_deref(),
        }
    }
}

/// One line of a case's history. `version` is the case's version after the entry (1 for the
/// intake), so a case's timeline is ordered and gap-free, and a unique (case_id, version)
/// index is a second guard against two writers at once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TimelineEntry {
    pub case_id: Uuid,
    pub version: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Uuid,
    pub actor_name: String,
    pub kind: ActionKind,
    /// None for the intake.
    pub from_status: Option<CaseStatus>,
    pub to_status: CaseStatus,
    pub from_level: Option<HandlingLevel>,
    pub to_level: HandlingLevel,
    /// The reason, summary or note, repeated from the action for lists and searches.
    pub note: Option<String>,
    /// The action as taken; None for the intake.
    pub action: Option<CaseAction>,
    /// The deadline after this entry; kept so that a replay does not depend on a calendar
    /// that an administrator may have changed since.
    pub deadline: Option<DateTime<Utc>>,
}
