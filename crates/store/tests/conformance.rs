//! One conformance suite for every `Store` method, run against each backend available
//! (SQLite always; PostgreSQL when the test command provides a server).

#[path = "conformance/attachments.rs"]
mod attachments;
#[path = "conformance/boundaries.rs"]
mod boundaries;
#[path = "conformance/case_settings.rs"]
mod case_settings;
#[path = "conformance/cases.rs"]
mod cases;
#[path = "conformance/imports.rs"]
mod imports;
#[path = "conformance/intake_batches.rs"]
mod intake_batches;
#[path = "conformance/ledger.rs"]
mod ledger;
#[path = "conformance/mediation.rs"]
mod mediation;
#[path = "conformance/mediator_stats.rs"]
mod mediator_stats;
#[path = "conformance/oversight.rs"]
mod oversight;
#[path = "conformance/registry.rs"]
mod registry;
#[path = "conformance/search_reads.rs"]
mod search_reads;
#[path = "conformance/stats.rs"]
mod stats;
#[path = "conformance/submissions.rs"]
mod submissions;

use chrono::{Duration, Utc};
use fengqiao_domain::DomainError;
use fengqiao_domain::model::{Area, AreaCode, AreaLevel, AuditFilter, NewAudit, Role, Session, SessionKind, User, Username};
use fengqiao_domain::ports::{Store, UserQuery};
use fengqiao_domain::rules::audit_chain::{ChainVerifier, truncate_to_micros};
use fengqiao_store::testing;
use uuid::Uuid;

pub(crate) fn now() -> chrono::DateTime<Utc> {
    truncate_to_micros(Utc::now())
}

pub(crate) fn area(code: &str, level: AreaLevel, parent: Option<&Area>) -> Area {
    let code = AreaCode::parse(code).unwrap();
    let path = match parent {
        Some(p) => Area::child_path(&p.path, &code),
        None => Area::root_path(&code),
    };
    Area {
        id: Uuid::now_v7(),
        name: format!("区域{code}"),
        code,
        level,
        parent_id: parent.map(|p| p.id),
        path,
        boundary: None,
        retired: false,
        version: 1,
        created_at: now(),
        updated_at: now(),
    }
}

pub(crate) fn audit(action: &str, path: &str) -> NewAudit {
    NewAudit {
        at: now(),
        actor_id: None,
        actor_name: "tester".into(),
        action: action.into(),
        entity_type: "area".into(),
        entity_id: "x".into(),
        area_path: path.into(),
        before: None,
        after: Some(serde_json::json!({"名称": "测试"})),
        client_addr: Some("127.0.0.1".into()),
    }
}

pub(crate) fn user(name: &str, home: &Area, role: Role) -> User {
    User {
        id: Uuid::now_v7(),
        username: Username::parse(name).unwrap(),
        display_name: format!("用户{name}"),
        role,
        home_area_id: home.id,
        home_area_path: home.path.clone(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA".into(),
        disabled: false,
        version: 1,
        created_at: now(),
        updated_at: now(),
    }
}

/// city 1501 → district 150103 → street 150103003 → community 150103003030, plus district 150102.
pub(crate) async fn tree(s: &dyn Store) -> Vec<Area> {
    let city = area("1501", AreaLevel::City, None);
    let hm = area("150103", AreaLevel::District, Some(&city));
    let xc = area("150102", AreaLevel::District, Some(&city));
    let street = area("150103003", AreaLevel::Street, Some(&hm));
    let community = area("150103003030", AreaLevel::Community, Some(&street));
    let all = vec![city, hm, xc, street, community];
    let audits: Vec<_> = all.iter().map(|a| audit("area.create", &a.path)).collect();
    s.insert_areas(&all, &audits).await.unwrap();
    all
}

#[tokio::test]
async fn meta_and_emptiness() {
    for db in testing::all().await {
        let s = db.store.as_ref();
        s.ping().await.unwrap();
        assert_eq!(s.backend().as_str(), db.name);
        assert!(!s.holds_data().await.unwrap(), "{}", db.name);
        assert_eq!(s.get_meta("world").await.unwrap(), None);
        s.set_meta("world", "demo").await.unwrap();
        s.set_meta("world", "real").await.unwrap();
        assert_eq!(s.get_meta("world").await.unwrap().as_deref(), Some("real"));
        tree(s).await;
        assert!(s.holds_data().await.unwrap());
        // Migrating twice is harmless.
        s.migrate().await.unwrap();
    }
}

#[tokio::test]
async fn areas_read_update_and_move() {
    for db in testing::all().await {
        let s = db.store.as_ref();
        let t = tree(s).await;
        let (city, hm, xc, street, community) = (&t[0], &t[1], &t[2], &t[3], &t[4]);

        let got = s.area_by_code("150103003").await.unwrap().unwrap();
        assert_eq!(&got, street, "{}: round trip", db.name);
        assert_eq!(s.area_by_id(community.id).await.unwrap().as_ref(), Some(community));
        assert_eq!(s.area_by_code("nope").await.unwrap(), None);
        let kids: Vec<_> = s.area_children(city.id, false).await.unwrap().into_iter().map(|a| a.code.to_string()).collect();
        assert_eq!(kids, vec!["150102", "150103"]);
        let trail = s.areas_by_codes(&["1501".into(), "150103".into(), "150103003".into()]).await.unwrap();
        assert_eq!(trail.len(), 3);
        assert_eq!(s.count_active_descendants(&hm.path).await.unwrap(), 2);
        assert_eq!(s.count_active_descendants(&city.path).await.unwrap(), 4);

        // Duplicate codes are refused and leave nothing behind.
        let dup = area("150103", AreaLevel::District, Some(city));
        let err = s.insert_areas(&[dup], &[audit("area.create", "/1501/")]).await.unwrap_err();
        assert!(matches!(err, DomainError::Conflict(_)), "{}: {err:?}", db.name);
        assert_eq!(s.audit_head().await.unwrap().0, 5, "{}: failed insert wrote no audit", db.name);

        // Update with a version check.
        let mut renamed = community.clone();
        renamed.name = "巴彦淖尔北路社区".into();
        renamed.boundary = Some(serde_json::json!({"type":"Polygon","coordinates":[[[111.6,40.8],[111.7,40.8],[111.6,40.8]]]}));
        renamed.version = 2;
        s.update_area(&renamed, 1, &audit("area.update", &renamed.path)).await.unwrap();
        let err = s.update_area(&renamed, 1, &audit("area.update", &renamed.path)).await.unwrap_err();
        assert_eq!(err, DomainError::Conflict("error-stale-version"));
        let back = s.area_by_code("150103003030").await.unwrap().unwrap();
        assert_eq!(back.name, "巴彦淖尔北路社区");
        assert_eq!(back.boundary, renamed.boundary);

        // Retired areas are hidden from children unless asked for.
        let mut retired = back.clone();
        retired.retired = true;
        retired.version = 3;
        s.update_area(&retired, 2, &audit("area.retire", &retired.path)).await.unwrap();
        assert!(s.area_children(street.id, false).await.unwrap().is_empty());
        assert_eq!(s.area_children(street.id, true).await.unwrap().len(), 1);

        // Move the street (with its community and an account homed there) to the other district.
        let u = user("worker", &retired, Role::GridWorker);
        s.insert_user(&u, &audit("account.create", &u.home_area_path)).await.unwrap();
        let mut moved = street.clone();
        moved.parent_id = Some(xc.id);
        moved.path = Area::child_path(&xc.path, &moved.code);
        moved.version = 2;
        s.move_area(&moved, 1, &street.path, &audit("area.move", &moved.path)).await.unwrap();
        let c = s.area_by_code("150103003030").await.unwrap().unwrap();
        assert_eq!(c.path, "/1501/150102/150103003/150103003030/", "{}", db.name);
        assert_eq!(s.user_by_id(u.id).await.unwrap().unwrap().home_area_path, c.path);
        assert_eq!(s.count_active_descendants(&hm.path).await.unwrap(), 0);
        let err = s.move_area(&moved, 1, &street.path, &audit("area.move", &moved.path)).await.unwrap_err();
        assert_eq!(err, DomainError::Conflict("error-stale-version"));
    }
}

#[tokio::test]
async fn users_scoped_listing_and_updates() {
    for db in testing::all().await {
        let s = db.store.as_ref();
        let t = tree(s).await;
        let (city, hm, xc, street) = (&t[0], &t[1], &t[2], &t[3]);
        for (name, home, role) in [
            ("admin", city, Role::SystemAdmin),
            ("hm-staff", hm, Role::DistrictStaff),
            ("xc-staff", xc, Role::DistrictStaff),
            ("street-a", street, Role::StreetStaff),
            ("street_b", street, Role::GridWorker),
        ] {
            let u = user(name, home, role);
            s.insert_user(&u, &audit("account.create", &u.home_area_path)).await.unwrap();
        }
        let err = s.insert_user(&user("admin", city, Role::Leader), &audit("account.create", "/1501/")).await.unwrap_err();
        assert!(matches!(err, DomainError::Conflict(_)));

        let q = |scope: &str, after: Option<&str>, text: Option<&str>, limit| UserQuery {
            scope_path: scope.into(),
            after_username: after.map(Into::into),
            text: text.map(Into::into),
            limit,
        };
        let names = |v: Vec<User>| v.into_iter().map(|u| u.username.to_string()).collect::<Vec<_>>();
        assert_eq!(names(s.users_in_scope(&q(&hm.path, None, None, 10)).await.unwrap()), ["hm-staff", "street-a", "street_b"]);
        assert_eq!(names(s.users_in_scope(&q(&hm.path, Some("hm-staff"), None, 1)).await.unwrap()), ["street-a"]);
        // '_' in a search is a literal, not a wildcard.
        assert_eq!(names(s.users_in_scope(&q(&city.path, None, Some("street_"), 10)).await.unwrap()), ["street_b"]);
        assert_eq!(names(s.users_in_scope(&q(&city.path, None, Some("用户xc"), 10)).await.unwrap()), ["xc-staff"]);
        assert_eq!(s.count_active_users_in(&street.path).await.unwrap(), 2);

        let mut u = s.user_by_username("street-a").await.unwrap().unwrap();
        u.disabled = true;
        u.version = 2;
        s.update_user(&u, 1, &audit("account.disable", &u.home_area_path)).await.unwrap();
        assert!(s.user_by_username("street-a").await.unwrap().unwrap().disabled);
        assert_eq!(s.count_active_users_in(&street.path).await.unwrap(), 1);
        assert_eq!(s.update_user(&u, 1, &audit("x", "/")).await.unwrap_err(), DomainError::Conflict("error-stale-version"));
        assert_eq!(s.user_by_username("nobody").await.unwrap(), None);
    }
}

#[tokio::test]
async fn sessions_and_login_failures() {
    for db in testing::all().await {
        let s = db.store.as_ref();
        let t = tree(s).await;
        let u = user("admin", &t[0], Role::SystemAdmin);
        s.insert_user(&u, &audit("account.create", "/1501/")).await.unwrap();
        let sess = |hash: &str, expires| Session {
            token_hash: hash.into(),
            user_id: u.id,
            kind: SessionKind::Browser,
            csrf_token: "csrf".into(),
            created_at: now(),
            expires_at: expires,
            client_addr: Some("10.0.0.1".into()),
        };
        s.insert_session(&sess("live", now() + Duration::hours(1))).await.unwrap();
        s.insert_session(&sess("old", now() - Duration::hours(1))).await.unwrap();
        assert_eq!(s.session_by_hash("live").await.unwrap().unwrap().csrf_token, "csrf");
        let later = now() + Duration::hours(5);
        s.extend_session("live", later).await.unwrap();
        assert_eq!(s.session_by_hash("live").await.unwrap().unwrap().expires_at, later, "{}", db.name);
        assert_eq!(s.purge_expired_sessions(now()).await.unwrap(), 1);
        assert!(s.session_by_hash("old").await.unwrap().is_none());
        s.delete_session("live").await.unwrap();
        assert!(s.session_by_hash("live").await.unwrap().is_none());
        s.insert_session(&sess("a", later)).await.unwrap();
        s.insert_session(&sess("b", later)).await.unwrap();
        s.delete_user_sessions(u.id).await.unwrap();
        assert!(s.session_by_hash("a").await.unwrap().is_none() && s.session_by_hash("b").await.unwrap().is_none());

        let t0 = now();
        for i in 0..3 {
            s.record_login_failure("user:admin", t0 - Duration::minutes(i * 10)).await.unwrap();
        }
        assert_eq!(s.login_failures_since("user:admin", t0 - Duration::minutes(15)).await.unwrap(), 2);
        assert_eq!(s.login_failures_since("user:other", t0 - Duration::minutes(15)).await.unwrap(), 0);
        s.clear_login_failures("user:admin").await.unwrap();
        assert_eq!(s.login_failures_since("user:admin", t0 - Duration::hours(1)).await.unwrap(), 0);
    }
}

#[tokio::test]
async fn audit_chain_pages_and_verifies() {
    for db in testing::all().await {
        let s = db.store.as_ref();
        tree(s).await; // 5 rows
        s.append_audit(&[audit("auth.login", "/1501/150103/"), audit("auth.logout", "/1501/150102/")]).await.unwrap();
        let (head_seq, head_hash) = s.audit_head().await.unwrap();
        assert_eq!(head_seq, 7);

        let mut v = ChainVerifier::default();
        let mut after = 0;
        loop {
            let rows = s.audit_chain(after, 3).await.unwrap();
            let Some(last) = rows.last() else { break };
            after = last.seq;
            for r in &rows {
                v.feed(r).unwrap_or_else(|b| panic!("{}: chain broken: {b}", db.name));
            }
        }
        v.finish(head_seq, &head_hash).unwrap();

        let f = |scope: &str| AuditFilter { scope_path: scope.into(), limit: 100, ..Default::default() };
        let all = s.audit_page(&f("/")).await.unwrap();
        assert_eq!(all.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![7, 6, 5, 4, 3, 2, 1]);
        assert_eq!(all[0].after, Some(serde_json::json!({"名称": "测试"})));
        let hm: Vec<_> = s.audit_page(&f("/1501/150103/")).await.unwrap().iter().map(|e| e.seq).collect();
        assert_eq!(hm, vec![6, 5, 4, 2]);
        let page = s.audit_page(&AuditFilter { before_seq: Some(6), limit: 2, ..f("/") }).await.unwrap();
        assert_eq!(page.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![5, 4]);
        let logins = s.audit_page(&AuditFilter { action_prefix: Some("auth.".into()), ..f("/") }).await.unwrap();
        assert_eq!(logins.len(), 2);
        let by_actor = s.audit_page(&AuditFilter { actor_name: Some("nobody".into()), ..f("/") }).await.unwrap();
        assert!(by_actor.is_empty());
        let window = s
            .audit_page(&AuditFilter { from: Some(now() - Duration::minutes(5)), to: Some(now() + Duration::minutes(5)), ..f("/") })
            .await
            .unwrap();
        assert_eq!(window.len(), 7);
        let old = s.audit_page(&AuditFilter { to: Some(now() - Duration::days(1)), ..f("/") }).await.unwrap();
        assert!(old.is_empty());
    }
}

#[tokio::test]
async fn concurrent_writers_keep_one_chain() {
    for db in testing::all().await {
        let store = db.store.clone();
        let mut handles = Vec::new();
        for i in 0..8 {
            let s = store.clone();
            handles.push(tokio::spawn(async move {
                for j in 0..5 {
                    s.append_audit(&[audit(&format!("test.{i}.{j}"), "/")]).await.unwrap();
                }
            }));
        }
        for h in handles {
            h.await.unwrap();
        }
        let (head, _) = store.audit_head().await.unwrap();
        assert_eq!(head, 40, "{}", db.name);
        let rows = store.audit_chain(0, 100).await.unwrap();
        let mut v = ChainVerifier::default();
        for r in &rows {
            v.feed(r).unwrap();
        }
    }
}

#[tokio::test]
async fn backup_is_a_consistent_copy() {
    for db in testing::all().await {
        let s = db.store.as_ref();
        tree(s).await;
        let dest = db.dir.path().join("backup.fqbak");
        if db.name == "postgres" && !fengqiao_store::postgres_tools_available() {
            eprintln!("pg_dump not found; skipping PostgreSQL backup check");
            continue;
        }
        s.backup_to(&dest).await.unwrap();
        assert!(std::fs::metadata(&dest).unwrap().len() > 0);
        assert_eq!(s.backup_to(&dest).await.unwrap_err(), DomainError::Conflict("error-backup-exists"));
        if db.name == "sqlite" {
            let copy = fengqiao_store::SqliteStore::open(&dest).await.unwrap();
            assert!(copy.area_by_code("150103003030").await.unwrap().is_some());
            assert_eq!(copy.audit_head().await.unwrap(), s.audit_head().await.unwrap());
        }
    }
}

#[tokio::test]
async fn audit_rows_cannot_be_edited_through_sql() {
    let db = testing::sqlite().await;
    db.store.append_audit(&[audit("test", "/")]).await.unwrap();
    let sqlite = fengqiao_store::SqliteStore::open(&db.dir.path().join(fengqiao_store::SQLITE_FILE)).await.unwrap();
    let err = sqlx::query("UPDATE audit_log SET actor_name = 'x'").execute(sqlite.writer_pool()).await.unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    let err = sqlx::query("DELETE FROM audit_log").execute(sqlite.writer_pool()).await.unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
}
