//! The mediation file of the demo's settled disputes where the demo accounts work
//! (巴彦淖尔北路社区 and 什拉门更社区), the seed's water-fee dispute among them: a session
//! between taking it up and the conclusion, and the agreement every side signed on the day
//! it was concluded. Written straight through the store, as the histories are.

use chrono::{DateTime, Duration, Utc};
use fengqiao_domain::model::NewAudit;
use fengqiao_domain::model::case::{ActionKind, Outcome, PartyRole};
use fengqiao_domain::model::mediation::{Agreement, AgreementParty, MediationSession, Mediator, MediatorKind};
use fengqiao_domain::ports::{CaseHistory, Store};
use fengqiao_domain::rules::calendar::local_date;
use uuid::Uuid;

use super::LIVE_COMMUNITIES;
use crate::demo::DEMO_ACTOR;
use crate::messages::Explain;

/// Answers how many files it wrote.
pub async fn write(store: &dyn Store, histories: &[CaseHistory], communities: &[(String, String)]) -> anyhow::Result<usize> {
    let mut written = 0;
    for h in histories {
        let c = &h.case;
        let Some((_, community_name)) = communities.iter().find(|(path, _)| c.area_path.starts_with(path.as_str())) else { continue };
        if c.outcome != Some(Outcome::ResolvedByAgreement) {
            continue;
        }
        let at = |kind: ActionKind| h.timeline.iter().rev().find(|e| e.kind == kind).map(|e| (e.at, e.actor_id, e.actor_name.clone()));
        let (Some((started, handler_id, handler)), Some((concluded, _, _))) = (at(ActionKind::Start), at(ActionKind::Conclude)) else { continue };
        let held_at = started + (concluded - started) / 2;
        let mediator = Mediator { kind: MediatorKind::Staff, user_id: Some(handler_id), person_id: None, name: handler.clone() };
        let others = if c.title.contains("用水费用") { vec!["派出所社区民警".to_string(), "网格员".to_string()] } else { vec![] };
        let applicant = h.parties.iter().find(|p| p.role == PartyRole::Applicant).map(|p| p.name.as_str()).unwrap_or("申请人");
        let respondent = h.parties.iter().find(|p| p.role == PartyRole::Respondent).map(|p| p.name.as_str()).unwrap_or("被申请人");
        let session = MediationSession {
            id: Uuid::now_v7(),
            case_id: c.id,
            held_at,
            place: format!("{community_name}人民调解室"),
            mediators: vec![mediator.clone()],
            party_ids: h.parties.iter().map(|p| p.id).collect(),
            others,
            record: format!(
                "调解员核实情况：{}\n申请人{applicant}陈述诉求，被申请人{respondent}说明情况。调解员释法明理，分别做双方工作，\
                 双方各让一步，同意按协议内容解决。",
                c.description
            ),
            recorded_by: handler_id,
            recorded_by_name: handler.clone(),
            created_at: held_at,
        };
        let audit = |action: &str, at: DateTime<Utc>| NewAudit {
            at,
            actor_id: None,
            actor_name: DEMO_ACTOR.to_string(),
            action: action.to_string(),
            entity_type: "case".to_string(),
            entity_id: c.id.to_string(),
            area_path: c.area_path.clone(),
            before: None,
            after: Some(serde_json::json!({ "demo": true })),
            client_addr: None,
        };
        store.insert_mediation_session(&session, &c.area_path, &audit("case.mediation_session", held_at)).await.explained()?;
        let effective = local_date(concluded);
        let agreement = Agreement {
            case_id: c.id,
            number: c.number.to_string(),
            committee: format!("{community_name}人民调解委员会"),
            facts: c.description.clone(),
            terms: format!("一、{respondent}与{applicant}就本纠纷达成和解，按调解中商定的方案处理。\n二、双方就本纠纷再无其他争议。"),
            performance: "双方自行履行，社区跟踪回访".to_string(),
            performance_due: Some(effective + Duration::days(15)),
            parties: h.parties.iter().map(|p| AgreementParty { party_id: p.id, signed_at: Some(concluded) }).collect(),
            mediators: vec![mediator],
            mediator_signed_at: Some(concluded),
            effective_on: Some(effective),
            version: 1,
            created_at: held_at,
            updated_at: concluded,
        };
        store.save_agreement(&agreement, &c.area_path, 0, &audit("case.mediation_agreement", concluded)).await.explained()?;
        written += 1;
    }
    Ok(written)
}

/// (path, name) of the communities whose settled disputes get a file.
pub fn communities(all: &[super::Community]) -> Vec<(String, String)> {
    all.iter().filter(|c| LIVE_COMMUNITIES.contains(&c.area.code.as_str())).map(|c| (c.area.path.clone(), c.area.name.clone())).collect()
}
