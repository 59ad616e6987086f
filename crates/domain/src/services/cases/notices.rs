//! Who hears of a step on a case: the inbox and the webhook get an event for assignments,
//! supervision orders and their answers, and extension requests and decisions. The events are
//! written with the step itself, so a step never happens unannounced nor is announced undone.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::model::case::{Case, CaseAction, TimelineEntry};
use crate::model::notice::{Audience, NewEvent, NoticeKind};
use crate::rules::access::Actor;

/// The path of the area above a tier's area: the office that decides its extension requests.
pub(crate) fn parent_path(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    match trimmed.rsplit_once('/') {
        Some((head, _)) if !head.is_empty() => format!("{head}/"),
        _ => "/".to_string(),
    }
}

/// The handler (if any) and the supervisors of the tier now handling the case.
pub(crate) fn tier_audience(case: &Case) -> Vec<Audience> {
    let mut v = vec![Audience::Supervisors(case.handling_area_path())];
    v.extend(case.handler_id.map(Audience::User));
    v
}

pub(crate) fn event(case: &Case, kind: NoticeKind, actor: Option<&Actor>, body: Option<String>, at: DateTime<Utc>, audience: Vec<Audience>) -> NewEvent {
    NewEvent {
        id: Uuid::now_v7(),
        kind,
        case_id: case.id,
        case_number: case.number.to_string(),
        case_title: case.title.clone(),
        actor_id: actor.map(|a| a.user_id),
        actor_name: actor.map(|a| a.display_name.clone()),
        body,
        at,
        audience,
    }
}

/// The events of one step from `before` to `after`.
pub(crate) fn for_transition(before: &Case, after: &Case, entry: &TimelineEntry, actor: &Actor) -> Vec<NewEvent> {
    let Some(action) = entry.action.as_ref() else { return Vec::new() };
    let note = entry.note.clone();
    let at = entry.at;
    let one = |kind, audience| vec![event(after, kind, Some(actor), note.clone(), at, audience)];
    match action {
        CaseAction::Assign { handler_id, .. } if before.handler_id != Some(*handler_id) => {
            one(NoticeKind::Assigned, vec![Audience::User(*handler_id)])
        }
        CaseAction::Supervise { .. } => one(NoticeKind::Supervised, tier_audience(after)),
        CaseAction::AnswerSupervision { .. } => match &before.supervision {
            Some(order) => one(NoticeKind::SupervisionAnswered, vec![Audience::User(order.issued_by)]),
            None => Vec::new(),
        },
        CaseAction::RequestExtension { .. } => {
            one(NoticeKind::ExtensionRequested, vec![Audience::Supervisors(parent_path(&after.handling_area_path()))])
        }
        CaseAction::DecideExtension { approve, .. } => {
            let kind = if *approve { NoticeKind::ExtensionApproved } else { NoticeKind::ExtensionRefused };
            let mut audience = tier_audience(after);
            audience.extend(before.pending_extension.as_ref().map(|r| Audience::User(r.requested_by)));
            one(kind, audience)
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::parent_path;

    #[test]
    fn the_office_above() {
        assert_eq!(parent_path("/1501/150103/150103003/"), "/1501/150103/");
        assert_eq!(parent_path("/1501/"), "/");
        assert_eq!(parent_path("/"), "/");
    }
}
