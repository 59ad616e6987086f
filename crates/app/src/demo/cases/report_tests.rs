//! The report in words and the mediator figures over the demo world, on every backend: the
//! seed's sentences come out of the demo's 2024, in Chinese and in English; the labour room's
//! 300 / 174 / 58% / 40%; and nobody reads outside their scope.

use std::sync::Arc;

use fengqiao_domain::DomainError;
use fengqiao_domain::ports::{Clock, SystemClock};
use fengqiao_domain::privacy::Vault;
use fengqiao_domain::rules::access::Actor;
use fengqiao_domain::services::stats::FigureQuery;
use fengqiao_domain::services::{AuthSettings, Services};
use fengqiao_web::documents::report::document;
use fengqiao_web::i18n::Lang;

use super::plan;

async fn actor(s: &Services, username: &str) -> Actor {
    Actor::from_user(&s.store.user_by_username(username).await.unwrap().unwrap(), None)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_reads_as_the_seed_and_its_labour_room_holds_forty_percent() {
    for db in fengqiao_store::testing::all().await {
        let vault = Arc::new(Vault::for_tests());
        let s = Services::new(db.store.clone(), Arc::new(SystemClock), AuthSettings::default(), vault.clone());
        crate::demo::build(&s, "fengqiao-demo").await.unwrap();
        super::load(s.store.as_ref(), &vault, &s.case_settings().await.unwrap(), SystemClock.now()).await.unwrap();
        let district = actor(&s, "district").await;
        let name = db.name;

        // 新城区, 2024, in the seed's words and in English.
        let report = s.report(&district, Some("150102"), Some("2024"), None).await.unwrap();
        let zh = document(Lang::ZhCn, &report);
        let cases = &zh.sections[0];
        assert_eq!(cases.id, "cases");
        assert_eq!(cases.sentences[0], "2024年，全区共排查矛盾纠纷案件3413件，已化解3232件，化解率达到94.69%。", "{name}");
        assert!(zh.title.starts_with("新城区2024年"), "{name}: {}", zh.title);
        let all_zh = cases.sentences.join("");
        assert!(all_zh.contains("“法院＋工会”调解室调解案件300件，调解成功174件，调解成功率58.00%。"), "{name}: {all_zh}");
        assert!(all_zh.contains("占全市劳动争议调解案件（750件）的40.00%。"), "{name}: {all_zh}");
        assert!(all_zh.contains("在社区化解"), "{name}: {all_zh}");
        let en = document(Lang::En, &report);
        assert_eq!(
            en.sections[0].sentences[0],
            "In 2024, the district has taken in 3,413 disputes and resolved 3,232, a resolution rate of 94.69%.",
            "{name}"
        );
        assert_eq!(cases.figures["by_kind"]["dispute"]["intake"], 3413, "{name}");

        // 回民区's resident demands: 406 resolved, as the seed counts them.
        let leader = actor(&s, "leader").await;
        let huimin = document(Lang::ZhCn, &s.report(&leader, None, Some("2024"), None).await.unwrap());
        assert!(huimin.sections[0].sentences.iter().any(|x| x.contains("解决问题居民需求事项406件")), "{name}: {:?}", huimin.sections[0].sentences);

        // Out of scope, unknown form, not yet begun, unknown section.
        assert_eq!(s.report(&district, Some("150103"), Some("2024"), None).await.unwrap_err(), DomainError::NotFound("error-area-not-found"), "{name}");
        assert_eq!(s.report(&district, None, Some("2024-13"), None).await.unwrap_err().code(), "error-report-period", "{name}");
        assert_eq!(s.report(&district, None, Some("2099"), None).await.unwrap_err().code(), "error-report-period-future", "{name}");
        assert_eq!(s.report(&district, None, Some("2024"), Some("votes")).await.unwrap_err().code(), "error-report-section-not-found", "{name}");

        // The labour room: 300 mediated, 174 by agreement (58%), 40% of the city's 750.
        let d = |m, day| chrono::NaiveDate::from_ymd_opt(plan::YEAR, m, day);
        let q = FigureQuery { area_code: Some("150102".into()), from: d(1, 1), to: d(12, 31), kind: None, category: None };
        let f = s.mediator_figures(&district, &q).await.unwrap();
        let room = f.rooms.iter().find(|r| r.room == "court_and_union").expect("the labour room");
        assert_eq!((room.cases, room.by_agreement, room.success_rate), (300, 174, Some(0.58)), "{name}");
        assert_eq!((room.city_mediations, room.city_share, room.category.as_deref()), (750, Some(0.4), Some("labour")), "{name}");
        assert_eq!(f.city.code, "1501");
        // Every mediator listed handled cases inside 新城区, and together they handled them all.
        assert!(!f.mediators.is_empty(), "{name}");
        assert_eq!(f.mediators.iter().map(|m| m.cases).sum::<i64>(), f.handled, "{name}");
        for m in &f.mediators {
            let u = s.store.user_by_id(m.user_id).await.unwrap().expect("a mediator account");
            assert!(u.home_area_path.starts_with("/1501/150102/"), "{name}: {} works in {}", m.name, u.home_area_path);
            assert!(m.success_rate.is_some_and(|r| r > 0.0 && r <= 1.0), "{name}: {m:?}");
        }
        // 回民区's mediators are not 新城区's business.
        let q = FigureQuery { area_code: Some("150103".into()), ..q };
        assert_eq!(s.mediator_figures(&district, &q).await.unwrap_err(), DomainError::NotFound("error-area-not-found"), "{name}");
    }
}
