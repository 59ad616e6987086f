//! The case ledger (矛盾纠纷排查化解台账) as XLSX or CSV, with the columns an official keeps,
//! headed in the reader's language; times in Asia/Shanghai. Recorded and counted before it
//! leaves, then streamed as it is read (see the module above).

use std::collections::HashMap;
use std::sync::Arc;

use axum::response::Response;
use chrono::{DateTime, Utc};
use fengqiao_domain::DomainError;
use fengqiao_domain::model::case::{CaseKind, CategoryCode, HandlingLevel};
use fengqiao_domain::services::Services;
use fengqiao_domain::services::cases::{CaseSettings, LedgerExport, LedgerRow};
use fengqiao_sheets::Cell;

use super::{Format, Pages, Sheet};
use crate::i18n::Lang;
use crate::ui::cases::{category_name, label};

/// The columns, in order; each is `ledger-{key}` in `exports.ftl`.
pub const COLUMNS: [&str; 20] = [
    "number", "kind", "category", "title", "place", "address", "channel", "risk", "reported", "parties", "status", "level", "handler",
    "deadline", "overdue", "concluded", "outcome", "resolved-level", "satisfaction", "supervised",
];

pub fn headers(l: Lang) -> Vec<String> {
    COLUMNS.iter().map(|c| l.t(&format!("ledger-{c}"))).collect()
}

/// A time as the ledger shows it, in Asia/Shanghai to the minute.
fn time(t: Option<DateTime<Utc>>) -> Cell {
    t.map_or(Cell::Empty, |t| Cell::Minute(t.with_timezone(&chrono_tz::Asia::Shanghai).naive_local()))
}

/// The words of one export, looked up once each: a million rows repeat a few dozen labels,
/// and each lookup formats a Fluent message. Held as shared text, so that a row's label is a
/// reference count, not a copy, and the XLSX keeps one of each.
struct Words {
    l: Lang,
    settings: CaseSettings,
    seen: HashMap<(&'static str, &'static str), Arc<str>>,
    categories: HashMap<(CaseKind, String), Arc<str>>,
}

impl Words {
    fn new(l: Lang, settings: CaseSettings) -> Self {
        Words { l, settings, seen: HashMap::new(), categories: HashMap::new() }
    }

    fn label(&mut self, prefix: &'static str, value: &'static str) -> Cell {
        let l = self.l;
        Cell::Label(self.seen.entry((prefix, value)).or_insert_with(|| label(l, prefix, value).into()).clone())
    }

    fn level(&mut self, level: HandlingLevel) -> Cell {
        self.label("case-level", level.as_str())
    }

    fn category(&mut self, kind: CaseKind, code: CategoryCode) -> Cell {
        let (l, tree) = (self.l, &self.settings.categories);
        let key = (kind, String::from(code));
        if let Some(name) = self.categories.get(&key) {
            return Cell::Label(name.clone());
        }
        let name: Arc<str> = category_name(l, tree, kind, &key.1).into();
        self.categories.insert(key, name.clone());
        Cell::Label(name)
    }

    fn yes_no(&mut self, b: bool) -> Cell {
        self.label("ledger", if b { "yes" } else { "no" })
    }
}

fn row(w: &mut Words, r: LedgerRow) -> Vec<Cell> {
    let c = r.case;
    let sep = if w.l == Lang::En { ", " } else { "、" };
    vec![
        Cell::Text(c.number.into()),
        w.label("case-kind", c.kind.as_str()),
        w.category(c.kind, c.category),
        Cell::from(c.title),
        Cell::Label(r.place),
        Cell::from(c.address),
        w.label("case-channel", c.channel.as_str()),
        w.label("case-risk", c.risk.as_str()),
        time(Some(c.created_at)),
        Cell::from(c.parties.join(sep)),
        w.label("case-status", c.status.as_str()),
        w.level(c.handling_level),
        Cell::from(c.handler_name),
        time(c.deadline),
        w.yes_no(r.overdue),
        time(c.concluded_at),
        c.outcome.map_or(Cell::Empty, |o| w.label("case-outcome", o.as_str())),
        c.resolved_level.map_or(Cell::Empty, |v| w.level(v)),
        c.satisfaction.map_or(Cell::Empty, |s| w.label("case-satisfaction", s.as_str())),
        w.yes_no(c.supervised),
    ]
}

/// A page being read: the export's state comes back with it.
type Reading = tokio::task::JoinHandle<Result<(LedgerExport, Option<Vec<LedgerRow>>), DomainError>>;

/// The next page is read while this one is written: the database's driver thread and the
/// writer then work side by side on a server with more than one core.
struct LedgerPages {
    words: Words,
    ahead: Option<Reading>,
    services: Arc<Services>,
}

fn read_page(services: Arc<Services>, mut x: LedgerExport) -> Reading {
    tokio::spawn(async move {
        let page = services.case_export_page(&mut x).await?;
        Ok((x, page))
    })
}

impl Pages for LedgerPages {
    async fn next_page(&mut self) -> Result<Option<Vec<Vec<Cell>>>, DomainError> {
        let Some(reading) = self.ahead.take() else { return Ok(None) };
        let (x, page) = reading.await.map_err(|e| DomainError::Internal(format!("ledger page: {e}")))??;
        let Some(rows) = page else { return Ok(None) };
        self.ahead = Some(read_page(self.services.clone(), x));
        Ok(Some(rows.into_iter().map(|r| row(&mut self.words, r)).collect()))
    }
}

impl Drop for LedgerPages {
    /// A download given up half-way stops reading too.
    fn drop(&mut self) {
        if let Some(reading) = self.ahead.take() {
            reading.abort();
        }
    }
}

/// Answers a begun (so already recorded) ledger export; the rows follow as they are read.
pub async fn respond(services: Arc<Services>, l: Lang, x: LedgerExport, format: Format) -> Result<Response, DomainError> {
    let settings = services.case_settings().await?;
    let title = l.t("ledger-sheet");
    let day = services.today().format("%Y%m%d");
    let sheet = Sheet {
        file: format!("{title}-{}-{day}", x.area.code),
        ascii: format!("cases-{}-{day}", x.area.code),
        name: title,
        headers: headers(l),
    };
    let total = x.total;
    let ahead = Some(read_page(services.clone(), x));
    Ok(super::live(format, sheet, LedgerPages { words: Words::new(l, settings), ahead, services }, total))
}
