//! The mediation half of the port, on every backend: sessions with their mediators, the
//! agreement written whole under a version guard, judicial confirmation recorded once and
//! decided once, the mediators near a case, and the file moving with its area.

use chrono::{Duration, NaiveDate};
use fengqiao_domain::DomainError;
use fengqiao_domain::model::case::CaseKind;
use fengqiao_domain::model::mediation::{
    Agreement, AgreementParty, ConfirmationResult, JudicialConfirmation, MediationSession, Mediator, MediatorKind,
};
use fengqiao_domain::model::{AreaLevel, Person, PersonKind, Role};
use fengqiao_domain::ports::{RegistryBatch, Store};
use fengqiao_store::testing;
use uuid::Uuid;

use crate::cases::{case_audit, intake};
use crate::{area, audit, now, tree, user};

fn staff(name: &str) -> Mediator {
    Mediator { kind: MediatorKind::Staff, user_id: Some(Uuid::now_v7()), person_id: None, name: name.into() }
}

fn agreement(case_id: Uuid, parties: &[Uuid], version: i64) -> Agreement {
    Agreement {
        case_id,
        number: "150103-2026-000001".into(),
        committee: "巴彦淖尔北路社区人民调解委员会".into(),
        facts: "双方就水费分摊发生争议。".into(),
        terms: "一、退还三百元。\n二、按表结算。".into(),
        performance: "现金".into(),
        performance_due: NaiveDate::from_ymd_opt(2026, 5, 31),
        parties: parties.iter().map(|p| AgreementParty { party_id: *p, signed_at: None }).collect(),
        mediators: vec![staff("赵玉华")],
        mediator_signed_at: None,
        effective_on: None,
        version,
        created_at: now(),
        updated_at: now(),
    }
}

fn mediator_person(name: &str, kind: PersonKind, at: &fengqiao_domain::model::Area) -> Person {
    Person {
        id: Uuid::now_v7(),
        name: name.into(),
        kind,
        profession: None,
        organisation: None,
        phone: None,
        user_id: None,
        area_id: at.id,
        area_path: at.path.clone(),
        version: 1,
        created_at: now(),
        updated_at: now(),
    }
}

#[tokio::test]
async fn a_mediation_file_is_kept_whole_and_guarded() {
    for db in testing::all().await {
        let s: &dyn Store = db.store.as_ref();
        let t = tree(s).await;
        let community = &t[4];
        let i = intake(community, "150103", CaseKind::Dispute, "neighbour.water_leak", "楼上漏水");
        let case = s.insert_case(&i, &case_audit(&i.case)).await.unwrap();
        let parties: Vec<Uuid> = i.parties.iter().map(|p| p.id).collect();

        // Sessions come back in the order they were held, each with its mediators in order.
        let mut sessions = Vec::new();
        for (hours, place) in [(5, "调解室"), (30, "当事人家中")] {
            let sess = MediationSession {
                id: Uuid::now_v7(),
                case_id: case.id,
                held_at: now() - Duration::hours(hours),
                place: place.into(),
                mediators: vec![staff("赵玉华"), Mediator { kind: MediatorKind::Volunteer, user_id: None, person_id: Some(Uuid::now_v7()), name: "刘桂兰".into() }],
                party_ids: parties.clone(),
                others: vec!["张敏（网格员）".into()],
                record: format!("{place}：双方陈述。\n第二行"),
                recorded_by: Uuid::now_v7(),
                recorded_by_name: "测试".into(),
                created_at: now(),
            };
            s.insert_mediation_session(&sess, &case.area_path, &audit("mediation.session", &case.area_path)).await.unwrap();
            sessions.push(sess);
        }
        sessions.reverse();
        assert_eq!(s.case_sessions(case.id).await.unwrap(), sessions, "{}", db.name);
        assert_eq!(s.case_sessions(Uuid::now_v7()).await.unwrap(), vec![]);

        // The agreement: inserted at 0, then only over the version it was read at.
        assert_eq!(s.agreement(case.id).await.unwrap(), None);
        let first = agreement(case.id, &parties, 1);
        s.save_agreement(&first, &case.area_path, 0, &audit("mediation.agreement", &case.area_path)).await.unwrap();
        assert_eq!(s.agreement(case.id).await.unwrap().as_ref(), Some(&first));
        let head = s.audit_head().await.unwrap().0;
        let err = s.save_agreement(&first, &case.area_path, 0, &audit("mediation.agreement", &case.area_path)).await.unwrap_err();
        assert_eq!(err, DomainError::Conflict("error-agreement-version-stale"), "{}", db.name);
        let mut signed = first.clone();
        signed.version = 2;
        signed.parties[0].signed_at = Some(now());
        signed.mediator_signed_at = Some(now());
        signed.effective_on = NaiveDate::from_ymd_opt(2026, 5, 14);
        let err = s.save_agreement(&signed, &case.area_path, 7, &audit("mediation.sign", &case.area_path)).await.unwrap_err();
        assert_eq!(err, DomainError::Conflict("error-agreement-version-stale"));
        assert_eq!(s.audit_head().await.unwrap().0, head, "{}: refused writes leave no audit", db.name);
        s.save_agreement(&signed, &case.area_path, 1, &audit("mediation.sign", &case.area_path)).await.unwrap();
        assert_eq!(s.agreement(case.id).await.unwrap(), Some(signed));

        // Judicial confirmation: applied once, decided once.
        let applied = JudicialConfirmation {
            case_id: case.id,
            applied_on: NaiveDate::from_ymd_opt(2026, 5, 20).unwrap(),
            court: "回民区人民法院".into(),
            result: None,
            decided_on: None,
            note: None,
            created_at: now(),
            updated_at: now(),
        };
        s.insert_confirmation(&applied, &case.area_path, &audit("mediation.confirmation_apply", &case.area_path)).await.unwrap();
        let err = s.insert_confirmation(&applied, &case.area_path, &audit("mediation.confirmation_apply", &case.area_path)).await.unwrap_err();
        assert_eq!(err, DomainError::Conflict("error-judicial-already-applied"));
        let decided = JudicialConfirmation { result: Some(ConfirmationResult::Confirmed), decided_on: applied.applied_on.succ_opt(), note: Some("确认有效".into()), ..applied.clone() };
        s.decide_confirmation(&decided, &audit("mediation.confirmation_decide", &case.area_path)).await.unwrap();
        let err = s.decide_confirmation(&decided, &audit("mediation.confirmation_decide", &case.area_path)).await.unwrap_err();
        assert_eq!(err, DomainError::Conflict("error-judicial-already-decided"));
        assert_eq!(s.judicial_confirmation(case.id).await.unwrap(), Some(decided));

        // Moving the street rewrites the file's paths in the same transaction (a misnamed
        // table or column in SCOPED_PATH_COLUMNS would fail the move), and the file stays whole.
        let street = s.area_by_code("150103003").await.unwrap().unwrap();
        let xc = s.area_by_code("150102").await.unwrap().unwrap();
        let mut moved = street.clone();
        moved.parent_id = Some(xc.id);
        moved.path = format!("{}150103003/", xc.path);
        moved.version += 1;
        s.move_area(&moved, street.version, &street.path, &audit("area.move", &street.path)).await.unwrap();
        assert_eq!(s.case_sessions(case.id).await.unwrap().len(), 2, "{}", db.name);
        assert!(s.agreement(case.id).await.unwrap().is_some_and(|a| a.effective_on.is_some()));
    }
}

#[tokio::test]
async fn mediators_near_a_case_are_found_by_where_they_belong_and_serve() {
    for db in testing::all().await {
        let s: &dyn Store = db.store.as_ref();
        let t = tree(s).await;
        let (hm, xc, street, community) = (&t[1], &t[2], &t[3], &t[4]);
        let grid = area("150103003030G01", AreaLevel::Grid, Some(community));
        let other = area("150103003031", AreaLevel::Community, Some(street));
        s.insert_areas(&[grid.clone(), other.clone()], &[]).await.unwrap();
        for (name, role, home) in [("med1", Role::Mediator, community), ("med2", Role::Mediator, &other), ("grid1", Role::GridWorker, &grid), ("med3", Role::Mediator, hm)] {
            let u = user(name, home, role);
            s.insert_user(&u, &audit("account.create", &u.home_area_path)).await.unwrap();
        }
        let ancestors: Vec<String> = [&t[0], hm, street, community, &grid].iter().map(|a| a.path.clone()).collect();
        let found: Vec<String> = s.mediator_accounts(&ancestors, &community.path).await.unwrap().into_iter().map(|u| u.username.to_string()).collect();
        assert_eq!(found, ["med1", "med3"], "{}: mediators covering the case, not the neighbour's nor a grid worker", db.name);

        let invited = mediator_person("高德明", PersonKind::InvitedMediator, hm);
        let volunteer = mediator_person("刘桂兰", PersonKind::VolunteerMediator, community);
        let elsewhere = mediator_person("孙立", PersonKind::VolunteerMediator, xc);
        // Belongs to the other community but is assigned to this one too.
        let lent = mediator_person("王芳", PersonKind::VolunteerMediator, &other);
        let adviser = mediator_person("李律师", PersonKind::LegalAdviser, community);
        let people = vec![invited.clone(), volunteer.clone(), elsewhere, lent.clone(), adviser];
        let assignments = vec![fengqiao_domain::model::Assignment { person_id: lent.id, area_id: community.id, area_path: community.path.clone(), created_at: now() }];
        s.insert_registry(&RegistryBatch { people, assignments, ..Default::default() }, &[audit("person.create", &community.path)]).await.unwrap();
        let found: Vec<String> = s.mediator_people(&ancestors, &community.path).await.unwrap().into_iter().map(|p| p.name).collect();
        assert_eq!(found, ["高德明", "刘桂兰", "王芳"], "{}", db.name);
    }
}
