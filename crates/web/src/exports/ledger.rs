//! The case ledger (矛盾纠纷排查化解台账) as XLSX or CSV, with the columns an official keeps,
//! headed in the reader's language; times in Asia/Shanghai. Recorded and counted before it
//! leaves, then streamed as it is read (see the module above).

use std::sync::Arc;

use axum::response::Response;
use chrono::{DateTime, Utc};
use fengqiao_domain::DomainError;
use fengqiao_domain::services::Services;
use fengqiao_domain::services::cases::{CaseSettings, LedgerExport, LedgerRow};
use fengqiao_sheets::Cell;

use super::{Format, Pages, Sheet};
use crate::i18n::Lang;
use crate::ui::cases::{category_name, label, level_label};

/// The columns, in order; each is `ledger-{key}` in `exports.ftl`.
pub const COLUMNS: [&str; 20] = [
    "number", "kind", "category", "title", "place", "address", "channel", "risk", "reported", "parties", "status", "level", "handler",
    "deadline", "overdue", "concluded", "outcome", "resolved-level", "satisfaction", "supervised",
];

pub fn headers(l: Lang) -> Vec<String> {
    COLUMNS.iter().map(|c| l.t(&format!("ledger-{c}"))).collect()
}

fn time(t: Option<DateTime<Utc>>) -> Cell {
    Cell::from(t.map(|t| t.with_timezone(&chrono_tz::Asia::Shanghai).format("%Y-%m-%d %H:%M").to_string()))
}

fn row(l: Lang, settings: &CaseSettings, r: LedgerRow) -> Vec<Cell> {
    let c = r.case;
    let yes_no = |b: bool| Cell::from(l.t(if b { "ledger-yes" } else { "ledger-no" }));
    let sep = if l == Lang::En { ", " } else { "、" };
    vec![
        Cell::from(c.number.to_string()),
        Cell::from(label(l, "case-kind", c.kind.as_str())),
        Cell::from(category_name(l, &settings.categories, c.kind, c.category.as_str())),
        Cell::from(c.title),
        Cell::from(r.place),
        Cell::from(c.address),
        Cell::from(label(l, "case-channel", c.channel.as_str())),
        Cell::from(label(l, "case-risk", c.risk.as_str())),
        time(Some(c.created_at)),
        Cell::from(r.parties.join(sep)),
        Cell::from(label(l, "case-status", c.status.as_str())),
        Cell::from(level_label(l, c.handling_level)),
        Cell::from(c.handler_name),
        time(c.deadline),
        yes_no(r.overdue),
        time(c.concluded_at),
        Cell::from(c.outcome.map(|o| label(l, "case-outcome", o.as_str()))),
        Cell::from(c.resolved_level.map(|v| level_label(l, v))),
        Cell::from(c.satisfaction.map(|s| label(l, "case-satisfaction", s.as_str()))),
        yes_no(c.supervision.is_some()),
    ]
}

struct LedgerPages {
    services: Arc<Services>,
    settings: CaseSettings,
    l: Lang,
    x: LedgerExport,
}

impl Pages for LedgerPages {
    async fn next_page(&mut self) -> Result<Option<Vec<Vec<Cell>>>, DomainError> {
        let page = self.services.case_export_page(&mut self.x).await?;
        Ok(page.map(|rows| rows.into_iter().map(|r| row(self.l, &self.settings, r)).collect()))
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
    Ok(super::live(format, sheet, LedgerPages { services, settings, l, x }, total))
}
