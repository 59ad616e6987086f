//! The case ledger (矛盾纠纷排查化解台账): the list a caller works from, with the same filters
//! and the same scope, taken away as a file. Parties appear by name only; their ID numbers
//! and phones never enter a ledger, masked or not.
//!
//! The rows are counted and the export audited before the first row is read: a streamed
//! file cannot be called back, so it is recorded before any of it leaves, and the count lets
//! a client show how far the download has come. Rows are read a page at a time by key, in the
//! order taken in (as a ledger kept by hand is written).

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

use super::{CaseList, CaseQueue};
use crate::error::Result;
use crate::model::Area;
use crate::model::case::LedgerCase;
use crate::ports::{CaseQuery, CaseScope, LedgerKey, LedgerWalk};
use crate::rules::access::Actor;
use crate::services::Services;

/// Cases read per query: few queries for a large ledger, little memory for each page.
const LEDGER_PAGE: i64 = 1000;
/// Without a period, up to this many rows a ledger is read through its area's own cases,
/// sorting each page (at most 20 pages re-reading at most 20,000 index entries each); beyond it, along the
/// period's cases in intake order.
const SORTED_IN_AREA_ROWS: i64 = 20_000;

/// A ledger export under way.
#[derive(Debug, Clone)]
pub struct LedgerExport {
    /// The area the list covers: the one asked for, or the caller's home area.
    pub area: Area,
    /// Cases the filters matched when the export began.
    pub total: i64,
    /// Rows handed out so far.
    pub rows: usize,
    query: CaseQuery,
    /// The last case handed out, for an area's ledger (read in the order taken in); a
    /// handling queue's ledger pages newest first through `query.before` as its list does.
    after: Option<LedgerKey>,
    walk: LedgerWalk,
    done: bool,
    /// Area names by code, filled as cases name them; bounded by the areas in scope.
    names: HashMap<String, String>,
    /// Each case area's `place`, made once: a ledger's million rows lie in a few thousand areas.
    places: HashMap<String, Arc<str>>,
    now: DateTime<Utc>,
}

/// One line of the ledger.
#[derive(Debug, Clone)]
pub struct LedgerRow {
    pub case: LedgerCase,
    /// Names of the areas below the exported one down to the case's own (the exported
    /// area's name when the case lies there itself), e.g. `巴彦淖尔北路社区 第一网格`.
    pub place: Arc<str>,
    pub overdue: bool,
}

fn filters(q: &CaseList) -> serde_json::Value {
    json!({
        "queue": match q.queue { CaseQueue::Area => "area", CaseQueue::Handling => "handling" },
        "mine": q.mine, "status": q.status.map(|s| s.as_str()), "kind": q.kind.map(|k| k.as_str()),
        "category": q.category, "overdue": q.overdue, "level": q.level.map(|l| l.as_str()),
        "assignee": q.assignee, "from": q.from, "to": q.to, "supervised": q.supervised,
        "extension_pending": q.extension_pending, "open": q.open_only,
    })
}

impl Services {
    /// Starts a ledger export in `format` (`xlsx`, `csv`): the list's own checks (scope, 404
    /// outside it; filters, 422), then the count, then the audit row.
    pub async fn begin_case_export(&self, actor: &Actor, q: CaseList, format: &str) -> Result<LedgerExport> {
        let mut query = self.case_query(actor, &q).await?;
        let area = match q.area_code.as_deref() {
            Some(code) => self.area(actor, code).await?,
            None => self.home_area(actor).await?,
        };
        query.before = None;
        query.limit = LEDGER_PAGE;
        let total = self.store.count_cases(&query).await?;
        let after = json!({ "format": format, "area": area.code, "filters": filters(&q), "rows": total });
        let audit = self.audit(actor, "case.export", "export", area.code.as_str(), &area.path, None, Some(after));
        self.store.append_audit(&[audit]).await?;
        let walk = self.ledger_walk(&query, total).await?;
        Ok(LedgerExport { area, total, rows: 0, query, after: None, walk, done: false, names: HashMap::new(), places: HashMap::new(), now: self.clock.now() })
    }

    /// The walk that reads fewer index entries. Through the area's cases, every page goes over
    /// all of them (the period does not narrow an area's subtree in the index); along the
    /// period, the whole city's cases of the period are read once. A grid's ledger takes the
    /// first, a city's month the second.
    async fn ledger_walk(&self, q: &CaseQuery, total: i64) -> Result<LedgerWalk> {
        if matches!(q.scope, CaseScope::Handling(_)) {
            return Ok(LedgerWalk::InArea); // a handling queue pages as its list does; no walk
        }
        if q.taken_in_from.is_none() && q.taken_in_before.is_none() {
            // Along the period would read every case of the city: only a large ledger, whose
            // area holds a large part of the city, gains by it.
            return Ok(if total <= SORTED_IN_AREA_ROWS { LedgerWalk::InArea } else { LedgerWalk::InTime });
        }
        let pages = total / LEDGER_PAGE + 1;
        let in_time = self.store.count_taken_in(q.taken_in_from, q.taken_in_before).await?;
        if total.saturating_mul(pages) > in_time {
            return Ok(LedgerWalk::InTime); // the area holds at least `total` cases
        }
        let in_area = self.store.count_cases(&CaseQuery::new(q.scope.clone(), 0)).await?;
        Ok(if in_area.saturating_mul(pages) <= in_time { LedgerWalk::InArea } else { LedgerWalk::InTime })
    }

    /// The next page of the ledger; `None` at the end. An area's ledger lists its cases in
    /// the order they were taken in, as a ledger kept by hand would.
    pub async fn case_export_page(&self, x: &mut LedgerExport) -> Result<Option<Vec<LedgerRow>>> {
        if x.done {
            return Ok(None);
        }
        let cases = match x.query.scope {
            CaseScope::Area(_) => self.store.ledger_cases(&x.query, x.walk, x.after.as_ref()).await?,
            CaseScope::Handling(_) => self.handling_page(&x.query).await?,
        };
        x.done = (cases.len() as i64) < LEDGER_PAGE;
        let Some(last) = cases.last() else { return Ok(None) };
        x.query.before = Some(last.id);
        x.after = Some(LedgerKey::of(last));
        let root_depth = Area::path_codes(&x.area.path).len();
        let unknown: Vec<String> = cases
            .iter()
            .filter(|c| !x.places.contains_key(&c.area_path))
            .flat_map(|c| Area::path_codes(&c.area_path).into_iter().skip(root_depth.saturating_sub(1)))
            .filter(|code| !x.names.contains_key(*code))
            .map(str::to_string)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        if !unknown.is_empty() {
            for a in self.store.areas_by_codes(&unknown).await? {
                x.names.insert(a.code.to_string(), a.name);
            }
        }
        let rows: Vec<LedgerRow> = cases
            .into_iter()
            .map(|case| {
                let place = match x.places.get(&case.area_path) {
                    Some(p) => p.clone(),
                    None => {
                        let codes = Area::path_codes(&case.area_path);
                        let below = if codes.len() > root_depth { &codes[root_depth..] } else { &codes[codes.len().saturating_sub(1)..] };
                        let place: Arc<str> = below.iter().map(|c| x.names.get(*c).map(String::as_str).unwrap_or(c)).collect::<Vec<_>>().join(" ").into();
                        x.places.insert(case.area_path.clone(), place.clone());
                        place
                    }
                };
                LedgerRow { overdue: case.is_overdue(x.now), place, case }
            })
            .collect();
        x.rows += rows.len();
        Ok(Some(rows))
    }

    /// A page of a handling queue's ledger, newest first as its list pages.
    async fn handling_page(&self, q: &CaseQuery) -> Result<Vec<LedgerCase>> {
        let cases = self.store.cases(q).await?;
        let ids: Vec<Uuid> = cases.iter().map(|c| c.id).collect();
        let mut parties: HashMap<Uuid, Vec<String>> = HashMap::new();
        for p in self.store.parties_of_cases(&ids).await? {
            parties.entry(p.case_id).or_default().push(p.name);
        }
        Ok(cases
            .into_iter()
            .map(|c| {
                let names = parties.remove(&c.id).unwrap_or_default();
                LedgerCase::of(c, names)
            })
            .collect())
    }
}
