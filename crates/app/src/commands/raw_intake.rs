//! `fengqiao raw-intake` (hidden; used by `cargo xtask bench`): the floor under HTTP intake.
//! It writes the same rows an intake over HTTP writes (case, parties, first timeline entry,
//! number counter, audit row) through the store's own intake call (which groups concurrent
//! intakes into shared transactions, as it does for HTTP), with nothing in front: no HTTP, no token, no validation, parties encrypted beforehand. The
//! bench runs it on the same database right after the HTTP run, so the gap between the two
//! is what the web layer and the services cost.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use chrono::{Datelike, Utc};
use fengqiao_domain::model::case::{CaseDraft, CaseKind, CaseNumber, CategoryTree, Channel, Party, PartyKind, PartyRole, RiskLevel};
use fengqiao_domain::model::{NewAudit, Protected};
use fengqiao_domain::ports::CaseIntake;
use fengqiao_domain::privacy::mask_phone;
use fengqiao_domain::rules::calendar::local_date;
use fengqiao_domain::rules::deadline::Deadlines;
use fengqiao_domain::rules::workflow::{self, Context};
use fengqiao_domain::services::cases::PARTY_PHONE_FIELD;
use fengqiao_domain::services::operator;
use uuid::Uuid;

use crate::cli::RawIntakeArgs;
use crate::config::{Config, Database};
use crate::database;
use crate::messages::Explain;

pub async fn run(config: &Config, db: &Database, args: &RawIntakeArgs) -> anyhow::Result<ExitCode> {
    let store = database::open_existing(db).await?;
    let vault = crate::keys::demo_vault(config)?;
    let area = store.area_by_code(&args.area).await.explained()?.with_context(|| format!("no area {}", args.area))?;
    let district = area.path.split('/').nth(2).context("the area lies under no district")?.to_string();
    let op = operator("raw-intake");
    let deadlines = Deadlines::default();
    let categories = CategoryTree::defaults();
    let now = Utc::now();
    let year = local_date(now).year();
    let protect = |phone: &str| -> anyhow::Result<Protected> {
        Ok(Protected { cipher: vault.encrypt(PARTY_PHONE_FIELD, phone).explained()?, hash: vault.blind_index(PARTY_PHONE_FIELD, phone), masked: mask_phone(phone) })
    };
    let mut work = Vec::with_capacity(args.count);
    for n in 0..args.count {
        let draft = CaseDraft {
            kind: CaseKind::Dispute,
            category: "neighbour.water_leak".into(),
            title: format!("楼上漏水 {n}"),
            description: "楼上漏水导致家中墙面受损，双方就维修和赔偿有分歧。".into(),
            area_id: area.id,
            address: None,
            point: None,
            channel: Channel::GridPatrol,
            risk: RiskLevel::Ordinary,
            reporter_name: None,
        };
        let ctx = Context { actor: &op, now, deadlines: &deadlines };
        let (case, entry) = workflow::report(&draft, &area, &categories, CaseNumber::compose(&district, year, 0).explained()?, &ctx).explained()?;
        let party = |role, name: &str, phone: &str| -> anyhow::Result<Party> {
            let phone = Some(protect(phone)?);
            Ok(Party { id: Uuid::now_v7(), case_id: case.id, role, kind: PartyKind::Person, resident_id: None, name: name.into(), id_number: None, phone, created_at: now })
        };
        let parties = vec![party(PartyRole::Applicant, "王秀英", "13904710000")?, party(PartyRole::Respondent, "李建国", "13904710001")?];
        let audit = NewAudit {
            at: now,
            actor_id: None,
            actor_name: op.username.clone(),
            action: "case.report".into(),
            entity_type: "case".into(),
            entity_id: case.id.to_string(),
            area_path: case.area_path.clone(),
            before: None,
            after: Some(serde_json::json!({"title": case.title, "kind": case.kind})),
            client_addr: None,
        };
        work.push((CaseIntake { case, parties, entry, district_code: district.clone(), year, submission: None }, audit));
    }
    let work = Arc::new(work);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..args.concurrency.max(1) {
        let (store, work, next) = (store.clone(), work.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut took = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((intake, audit)) = work.get(i) else { break };
                let t = Instant::now();
                store.insert_case(intake, audit).await?;
                took.push(t.elapsed());
            }
            anyhow::Ok(took)
        }));
    }
    let mut took: Vec<Duration> = Vec::new();
    for t in tasks {
        took.extend(t.await??);
    }
    let secs = started.elapsed().as_secs_f64();
    took.sort();
    let pct = |p: f64| took.get(((took.len() as f64 * p) as usize).min(took.len().saturating_sub(1))).map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0);
    println!(
        "{}",
        serde_json::json!({"rows": took.len(), "seconds": secs, "per_sec": took.len() as f64 / secs.max(1e-9), "p50_ms": pct(0.50), "p99_ms": pct(0.99)})
    );
    Ok(ExitCode::SUCCESS)
}
