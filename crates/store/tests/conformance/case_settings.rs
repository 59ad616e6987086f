//! Case settings and the workload counts, on every backend.

use fengqiao_domain::DomainError;
use fengqiao_domain::model::case::{CaseAction, CaseKind, Category, CategoryCode, HandlingLevel};
use fengqiao_domain::ports::{StoredCaseSettings, Store};
use fengqiao_domain::rules::calendar::{CalendarDay, DayKind};
use fengqiao_domain::rules::deadline::DeadlineLimit;
use fengqiao_store::testing;
use uuid::Uuid;

use crate::audit;
use crate::cases::{case_audit, intake};

fn cat(kind: CaseKind, code: &str, zh: &str) -> Category {
    Category { kind, code: CategoryCode::parse(code).unwrap(), name_zh: zh.into(), name_en: "Name".into(), retired: false }
}

fn limit(kind: CaseKind, category: Option<&str>, level: HandlingLevel, days: u32) -> DeadlineLimit {
    DeadlineLimit { kind, category: category.map(|c| CategoryCode::parse(c).unwrap()), level, working_days: days }
}

fn day(date: &str, kind: DayKind) -> CalendarDay {
    CalendarDay { date: date.parse().unwrap(), kind, name_zh: "元旦".into(), name_en: "New Year's Day".into() }
}

fn seed() -> StoredCaseSettings {
    StoredCaseSettings {
        version: 0,
        categories: vec![cat(CaseKind::Dispute, "neighbour", "邻里纠纷"), cat(CaseKind::Hazard, "fire", "消防安全")],
        limits: vec![limit(CaseKind::Dispute, None, HandlingLevel::Community, 15)],
        years: vec![(2024, vec![day("2024-01-01", DayKind::Holiday), day("2024-02-04", DayKind::Workday)])],
    }
}

#[tokio::test]
async fn settings_are_seeded_once_and_every_change_raises_the_version() {
    for db in testing::all().await {
        let s: &dyn Store = db.store.as_ref();
        let n = db.name;
        assert_eq!(s.case_settings_version().await.unwrap(), 0, "{n}: nothing stored yet");
        assert_eq!(s.load_case_settings().await.unwrap(), StoredCaseSettings::default(), "{n}");

        let head = s.audit_head().await.unwrap().0;
        assert!(s.seed_case_settings(&seed(), &audit("case_settings.seed", "/")).await.unwrap(), "{n}");
        // A second node starting at the same time finds them seeded and writes nothing.
        assert!(!s.seed_case_settings(&seed(), &audit("case_settings.seed", "/")).await.unwrap(), "{n}");
        assert_eq!(s.audit_head().await.unwrap().0, head + 1, "{n}: one audit row for the seed");
        let loaded = s.load_case_settings().await.unwrap();
        assert_eq!(loaded, StoredCaseSettings { version: 1, ..seed() }, "{n}: round trip");

        // Categories: add, a duplicate refused, rename and retire, an unknown one not found.
        let noise = cat(CaseKind::Dispute, "neighbour.noise", "噪音");
        assert_eq!(s.insert_category(&noise, &audit("case_settings.category_add", "/")).await.unwrap(), 2, "{n}");
        let dup = s.insert_category(&noise, &audit("case_settings.category_add", "/")).await.unwrap_err();
        assert_eq!(dup, DomainError::Conflict("error-case-category-duplicate"), "{n}");
        assert_eq!(s.case_settings_version().await.unwrap(), 2, "{n}: a refused write leaves the version");
        let retired = Category { name_zh: "噪音扰民".into(), retired: true, ..noise.clone() };
        assert_eq!(s.update_category(&retired, &audit("case_settings.category_retire", "/")).await.unwrap(), 3);
        let ghost = cat(CaseKind::Demand, "nothing", "无");
        let err = s.update_category(&ghost, &audit("case_settings.category_rename", "/")).await.unwrap_err();
        assert_eq!(err, DomainError::NotFound("error-case-category-not-found"), "{n}");
        let cats = s.load_case_settings().await.unwrap().categories;
        assert!(cats.contains(&retired) && cats.len() == 3, "{n}: {cats:?}");

        // Limits: replaced whole, guarded by the version when one is given.
        let table = vec![limit(CaseKind::Dispute, None, HandlingLevel::Community, 12), limit(CaseKind::Dispute, Some("neighbour"), HandlingLevel::Street, 7)];
        let stale = s.replace_deadline_limits(&table, Some(1), &audit("case_settings.limits", "/")).await.unwrap_err();
        assert_eq!(stale, DomainError::Conflict("error-settings-version-stale"), "{n}");
        assert_eq!(s.replace_deadline_limits(&table, Some(3), &audit("case_settings.limits", "/")).await.unwrap(), 4, "{n}");
        assert_eq!(s.load_case_settings().await.unwrap().limits, table, "{n}");

        // Calendar years: a new year, an existing one refused unless replaced.
        let y2027 = vec![day("2027-01-01", DayKind::Holiday)];
        assert_eq!(s.put_calendar_year(2027, &y2027, false, &audit("case_settings.calendar_year", "/")).await.unwrap(), 5);
        let again = s.put_calendar_year(2027, &y2027, false, &audit("case_settings.calendar_year", "/")).await.unwrap_err();
        assert_eq!(again, DomainError::Conflict("error-calendar-year-exists"), "{n}");
        let fixed = vec![day("2024-01-01", DayKind::Holiday)];
        assert_eq!(s.put_calendar_year(2024, &fixed, true, &audit("case_settings.calendar_year", "/")).await.unwrap(), 6);
        let loaded = s.load_case_settings().await.unwrap();
        assert_eq!(loaded.years, vec![(2024, fixed), (2027, y2027)], "{n}");
        assert_eq!(loaded.version, 6);
    }
}

#[tokio::test]
async fn workload_counts_open_overdue_and_concluded_per_handler() {
    for db in testing::all().await {
        let s: &dyn Store = db.store.as_ref();
        let n = db.name;
        let t = crate::tree(s).await;
        let community = &t[4];
        let handler = Uuid::now_v7();
        let mut ids = Vec::new();
        for title in ["甲", "乙", "丙"] {
            let i = intake(community, "150103", CaseKind::Dispute, "neighbour.noise", title);
            let c = s.insert_case(&i, &case_audit(&i.case)).await.unwrap();
            let mut assigned = c.clone();
            assigned.status = fengqiao_domain::model::case::CaseStatus::Assigned;
            assigned.handler_id = Some(handler);
            assigned.handler_name = Some("马秀兰".into());
            assigned.version = 2;
            let (_, entry) = fengqiao_domain::rules::workflow::apply(
                &c,
                &CaseAction::Accept { note: None },
                &fengqiao_domain::rules::workflow::Context {
                    actor: &fengqiao_domain::services::operator("t"),
                    now: crate::now(),
                    deadlines: &fengqiao_domain::rules::deadline::Deadlines::default(),
                },
            )
            .map(|t| (t.case, t.entry))
            .unwrap();
            ids.push((assigned, entry));
        }
        let now = crate::now();
        let (mut a, e) = ids[0].clone();
        a.deadline = Some(now - chrono::Duration::days(1));
        s.save_transition(&a, 1, &e, &audit("case.assign", &a.area_path)).await.unwrap();
        let (mut b, e) = ids[1].clone();
        b.deadline = Some(now + chrono::Duration::days(5));
        s.save_transition(&b, 1, &e, &audit("case.assign", &b.area_path)).await.unwrap();
        let (mut c, e) = ids[2].clone();
        c.status = fengqiao_domain::model::case::CaseStatus::Concluded;
        c.concluded_at = Some(now);
        c.deadline = Some(now - chrono::Duration::days(1));
        s.save_transition(&c, 1, &e, &audit("case.conclude", &c.area_path)).await.unwrap();

        let rows = s.case_workload(&community.path, now, now - chrono::Duration::days(3)).await.unwrap();
        assert_eq!(rows.len(), 1, "{n}: {rows:?}");
        assert_eq!((rows[0].handler_id, rows[0].open, rows[0].overdue, rows[0].concluded_since), (handler, 2, 1, 1), "{n}");
        assert_eq!(rows[0].handler_name, "马秀兰");
        // Another office's queue is not counted, and a later month starts from nothing.
        assert!(s.case_workload(&t[3].path, now, now).await.unwrap().is_empty(), "{n}");
        let later = s.case_workload(&community.path, now, now + chrono::Duration::days(1)).await.unwrap();
        assert_eq!(later[0].concluded_since, 0, "{n}");
    }
}
