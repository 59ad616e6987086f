//! The signed-in home: the caller's scope at a glance and the latest changes in it.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::Uri;
use axum::response::Response;
use fengqiao_domain::model::AuditFilter;
use fengqiao_domain::rules::access::Permission;
use serde::Deserialize;

use super::{Base, level_label, render, role_label};
use crate::AppState;
use crate::auth::SignedIn;
use crate::error::PageError;
use crate::i18n::Lang;

pub struct RecentRow {
    pub when: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    l: Lang,
    base: Base,
    greeting: String,
    role_label: String,
    home: fengqiao_domain::model::Area,
    child_count: usize,
    child_label: String,
    account_count: Option<usize>,
    recent: Vec<RecentRow>,
    can_report: bool,
}

#[derive(Deserialize)]
pub struct OkQuery {
    ok: Option<String>,
}

pub async fn page(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Query(q): Query<OkQuery>) -> Result<Response, PageError> {
    let s = &state.services;
    let home = s.home_area(&c.actor).await?;
    let children = s.area_children(&c.actor, home.code.as_str(), false).await?;
    let child_label = match home.level.child() {
        Some(level) => level_label(l, level),
        None => l.t("level-none"),
    };
    // A bounded count: the tile says "200+" rather than scanning a city's accounts.
    let account_count = if c.actor.role.has(Permission::ManageAccounts) {
        Some(s.accounts(&c.actor, None, None, 200).await?.len())
    } else {
        None
    };
    let recent = if c.actor.role.has(Permission::ViewAudit) {
        s.audit_log(&c.actor, AuditFilter { limit: 8, ..Default::default() })
            .await?
            .into_iter()
            .map(|e| RecentRow { when: l.datetime(&e.at), actor: e.actor_name, action: l.action(&e.action), entity: e.entity_id })
            .collect()
    } else {
        Vec::new()
    };
    let page = HomePage {
        greeting: l.t_args("home-greeting", &[("name", c.actor.display_name.clone())]),
        role_label: role_label(l, c.actor.role),
        base: Base::new(Some(&c), "home", &uri.to_string(), super::notice(l, q.ok.as_deref())),
        l,
        home,
        child_count: children.len(),
        child_label,
        account_count,
        recent,
        can_report: c.actor.role.has(Permission::ReportCases),
    };
    Ok(render(&page))
}
