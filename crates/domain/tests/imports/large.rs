//! A city-district-sized file through the domain: 100,000 residents in 25,000 households,
//! checked and written in one transaction, then imported again without duplicating anyone.

use std::time::Instant;

use fengqiao_domain::model::{ImportKind, ImportStatus, Role};
use fengqiao_domain::services::registry::{ImportRow, ImportSheet};
use fengqiao_store::testing;

use crate::support::{id, world};

const ROWS: usize = 100_000;

fn big_sheet() -> ImportSheet {
    let keys = ["grid_code", "address", "building", "entrance", "room", "name", "id_number", "phone", "relation", "tags"];
    let base = chrono::NaiveDate::from_ymd_opt(1940, 1, 1).unwrap();
    let rows = (0..ROWS)
        .map(|i| {
            let household = i / 4;
            // 1,000 sequence numbers per birth date keep every synthetic ID number distinct.
            let birth = base + chrono::Duration::days((i / 1000) as i64 * 97);
            let values = vec![
                format!("150103003030G{:02}", household % 20 + 1),
                format!("幸福小区{}号院", household / 500),
                format!("{}", household / 20 % 25 + 1),
                format!("{}", household / 4 % 5 + 1),
                format!("{}", 101 + household % 4 * 100 + household / 100 % 20),
                ["王", "李", "张", "刘", "陈"][i % 5].to_string() + ["建国", "秀英", "桂兰", "志强"][i / 5 % 4],
                id(&birth.to_string(), (i % 1000) as u16),
                if i % 3 == 0 { format!("139{:08}", i) } else { String::new() },
                ["户主", "配偶", "子女", "父母"][i % 4].to_string(),
                if i % 7 == 0 { "独居".to_string() } else { String::new() },
            ];
            ImportRow { line: i + 2, values }
        })
        .collect();
    let columns = keys.iter().map(|k| (*k, k.to_string())).collect();
    ImportSheet { columns, rows, warnings: Vec::new() }
}

#[tokio::test]
async fn a_hundred_thousand_rows_import_in_seconds_and_again_change_nothing() {
    // One backend is enough for the size; PostgreSQL runs it too when it is there.
    for db in testing::all().await {
        let w = world(db).await;
        let street = w.actor(Role::StreetStaff, "150103003").await;
        let t = Instant::now();
        let job = w.import(&street, ImportKind::Households, big_sheet(), false).await;
        let first = t.elapsed();
        let o = job.outcome.clone().unwrap();
        assert_eq!(job.status, ImportStatus::Done, "{}: {:?}", w.name, o.problems.first());
        assert_eq!((o.rows_total, o.created, o.written), (ROWS, ROWS, true));
        assert_eq!(job.rows_done, ROWS as i64);

        let t = Instant::now();
        let job = w.import(&street, ImportKind::Households, big_sheet(), false).await;
        let second = t.elapsed();
        let o = job.outcome.unwrap();
        assert_eq!((o.created, o.updated, o.unchanged, o.written), (0, 0, ROWS, false), "{}", w.name);
        eprintln!(
            "{}: {ROWS} rows imported in {:.1}s ({:.0} rows/s), re-imported in {:.1}s",
            w.name,
            first.as_secs_f64(),
            ROWS as f64 / first.as_secs_f64(),
            second.as_secs_f64()
        );
    }
}
