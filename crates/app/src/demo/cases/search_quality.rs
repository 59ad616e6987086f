//! How well case search finds the demo's cases: a labelled set of Chinese queries (two-character
//! words, surnames, place names, Chinese mixed with digits, several terms at once), each with
//! the rule that says which cases it should find, applied to the demo's own records. Recall and
//! precision are printed (BENCHMARKS.md quotes them) and the test fails if recall drops.

use std::collections::BTreeSet;
use std::sync::Arc;

use fengqiao_domain::model::case::Case;
use fengqiao_domain::ports::{CaseQuery, CaseScope, CaseSearchIndex, CaseSearchQuery, Clock, SystemClock};
use fengqiao_domain::privacy::Vault;
use fengqiao_domain::services::{AuthSettings, Services};
use uuid::Uuid;

/// Which cases a query should find.
enum Should {
    /// Cases whose text (title, description, address, category name) holds every one of these.
    Hold(&'static [&'static str]),
    /// Cases with a party of this surname, whole name or given name.
    Party(&'static str),
}

use Should::{Hold, Party};

/// The labelled set. Queries are what staff type; the rule is what a person would accept.
pub const QUERIES: usize = LABELLED.len();
const LABELLED: &[(&str, Should)] = &[
    // Two-character words of complaints.
    ("漏水", Hold(&["漏水"])),
    ("噪音", Hold(&["噪音"])),
    ("渗水", Hold(&["渗水"])),
    ("押金", Hold(&["押金"])),
    ("房租", Hold(&["房租"])),
    ("暖气", Hold(&["暖气"])),
    ("供暖", Hold(&["供暖"])),
    ("电梯", Hold(&["电梯"])),
    ("燃气", Hold(&["燃气"])),
    ("充电", Hold(&["充电"])),
    ("杂物", Hold(&["杂物"])),
    ("垃圾", Hold(&["垃圾"])),
    ("路灯", Hold(&["路灯"])),
    ("赡养", Hold(&["赡养"])),
    ("继承", Hold(&["继承"])),
    ("借款", Hold(&["借款"])),
    ("装修", Hold(&["装修"])),
    ("宠物", Hold(&["宠物"])),
    ("工伤", Hold(&["工伤"])),
    ("低保", Hold(&["低保"])),
    ("医保", Hold(&["医保"])),
    ("车位", Hold(&["车位"])),
    ("停水", Hold(&["停水"])),
    ("门禁", Hold(&["门禁"])),
    ("地锁", Hold(&["地锁"])),
    // Longer words and category names.
    ("天花板", Hold(&["天花板"])),
    ("物业费", Hold(&["物业费"])),
    ("拖欠工资", Hold(&["拖欠", "工资"])),
    ("广场舞", Hold(&["广场舞"])),
    ("劳动合同", Hold(&["劳动合同"])),
    ("民间借贷", Hold(&["民间借贷"])),
    ("消防通道", Hold(&["消防通道"])),
    // Surnames and names.
    ("王", Party("王")),
    ("李", Party("李")),
    ("张", Party("张")),
    ("刘", Party("刘")),
    ("赵", Party("赵")),
    ("郝", Party("郝")),
    ("云", Party("云")),
    ("巴特尔", Party("巴特尔")),
    // Place names.
    ("新城区", Hold(&["新城区"])),
    ("回民区", Hold(&["回民区"])),
    ("玉泉区", Hold(&["玉泉区"])),
    ("赛罕区", Hold(&["赛罕区"])),
    ("巴彦淖尔", Hold(&["巴彦淖尔"])),
    // Chinese with digits, and several terms.
    ("3号楼", Hold(&["3号楼"])),
    ("12号楼", Hold(&["12号楼"])),
    ("2单元", Hold(&["2单元"])),
    ("漏水 新城区", Hold(&["漏水", "新城区"])),
    ("停车 回民区", Hold(&["停车", "回民区"])),
    ("噪音 3号楼", Hold(&["噪音", "3号楼"])),
];

/// What a case is searched by, as one string, and its parties' names.
struct Record {
    text: String,
    names: Vec<String>,
}

fn relevant(should: &Should, r: &Record) -> bool {
    match should {
        Hold(all) => all.iter().all(|w| holds(&r.text, w)),
        Party(name) => r.names.iter().any(|n| n.starts_with(name) || n.chars().skip(1).collect::<String>() == *name),
    }
}

/// The text holds the word; a number in it is a whole number (3号楼 is not in 13号楼).
fn holds(text: &str, word: &str) -> bool {
    let digit_edge = word.starts_with(|c: char| c.is_ascii_digit());
    text.match_indices(word).any(|(at, _)| !digit_edge || !text[..at].ends_with(|c: char| c.is_ascii_digit()))
}

#[tokio::test]
async fn search_finds_what_the_labelled_queries_should() {
    let db = fengqiao_store::testing::sqlite().await;
    let vault = Arc::new(Vault::for_tests());
    let services = Services::new(db.store.clone(), Arc::new(SystemClock), AuthSettings::default(), vault.clone());
    crate::demo::build(&services, "fengqiao-demo").await.unwrap();
    let settings = services.case_settings().await.unwrap();
    super::load(services.store.as_ref(), &vault, &settings, SystemClock.now()).await.unwrap();

    let index = Arc::new(fengqiao_search::CaseIndex::in_memory(1).unwrap());
    let follower = fengqiao_search::Follower::new(services.clone(), index.clone());
    follower.catch_up(&mut |_, _| {}).await.unwrap();

    let everything = CaseQuery::new(CaseScope::Area("/".into()), 1_000_000);
    let cases: Vec<Case> = services.store.cases(&everything).await.unwrap();
    let ids: Vec<Uuid> = cases.iter().map(|c| c.id).collect();
    let mut parties = std::collections::BTreeMap::<Uuid, Vec<String>>::new();
    for chunk in ids.chunks(1000) {
        for p in services.store.parties_of_cases(chunk).await.unwrap() {
            parties.entry(p.case_id).or_default().push(p.name);
        }
    }
    let tree = &settings.categories;
    let records: Vec<(Uuid, Record)> = cases
        .iter()
        .map(|c| {
            let category = tree.get(c.kind, c.category.as_str()).map(|x| x.name_zh.clone()).unwrap_or_default();
            let text = format!("{}\n{}\n{}\n{}", c.title, c.description, c.address.clone().unwrap_or_default(), category);
            (c.id, Record { text, names: parties.remove(&c.id).unwrap_or_default() })
        })
        .collect();
    assert!(records.len() > 6000 && QUERIES >= 50, "{} cases, {QUERIES} queries", records.len());

    let (mut found_relevant, mut relevant_total, mut hits_total) = (0usize, 0usize, 0usize);
    let mut worst = Vec::new();
    let mut empty = Vec::new();
    for (text, should) in LABELLED {
        let want: BTreeSet<Uuid> = records.iter().filter(|(_, r)| relevant(should, r)).map(|(id, _)| *id).collect();
        let q = CaseSearchQuery {
            words: text.split_whitespace().map(str::to_string).collect(),
            filter: everything.clone(),
            with_parties: true,
            offset: 0,
            limit: 100_000,
        };
        let page = index.search(&q).unwrap();
        let got: BTreeSet<Uuid> = page.hits.iter().map(|h| h.id).collect();
        assert_eq!(page.total, got.len(), "{text}: every hit returned");
        let right = want.intersection(&got).count();
        if want.is_empty() {
            empty.push(*text);
            continue;
        }
        let recall = right as f64 / want.len() as f64;
        let precision = if got.is_empty() { 1.0 } else { right as f64 / got.len() as f64 };
        worst.push((recall, precision, *text, want.len(), got.len()));
        found_relevant += right;
        relevant_total += want.len();
        hits_total += got.len();
    }
    assert!(empty.is_empty(), "the demo holds no case these should find: {empty:?}");
    worst.sort_by(|a, b| (a.0 + a.1).total_cmp(&(b.0 + b.1)));
    let recall = found_relevant as f64 / relevant_total as f64;
    let precision = found_relevant as f64 / hits_total as f64;
    let macro_recall = worst.iter().map(|w| w.0).sum::<f64>() / worst.len() as f64;
    let macro_precision = worst.iter().map(|w| w.1).sum::<f64>() / worst.len() as f64;
    println!("search quality over {} demo cases, {QUERIES} labelled queries:", records.len());
    println!("  recall {:.4} precision {:.4} (over all relevant cases); per query: recall {macro_recall:.4} precision {macro_precision:.4}", recall, precision);
    for (r, p, text, want, got) in worst.iter().take(8) {
        println!("  {text}: recall {r:.3} precision {p:.3} ({want} relevant, {got} found)");
    }
    // Thresholds sit just below what was measured when this was written: a drop fails here.
    // Measured when written: 1.0000 and 1.0000 (the demo's texts are drawn from a small set).
    assert!(recall >= 0.99, "recall fell to {recall:.4}");
    assert!(macro_recall >= 0.99, "per-query recall fell to {macro_recall:.4}");
    assert!(precision >= 0.95, "precision fell to {precision:.4}");
}
