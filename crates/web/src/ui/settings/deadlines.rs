//! `/settings/deadlines`: one kind's deadline limits as a table, a row per category and a
//! column per level. An empty cell inherits from the parent category or the kind's default,
//! which the cell shows as its placeholder. Saving replaces the kind's part of the table,
//! guarded by the settings version the page was drawn at.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use fengqiao_domain::DomainError;
use fengqiao_domain::model::case::{CaseKind, CategoryCode, HandlingLevel};
use fengqiao_domain::rules::access::Permission;
use fengqiao_domain::rules::deadline::DeadlineLimit;
use serde::Deserialize;

use super::{kind_of, kinds, notice, redirect, sections};
use crate::AppState;
use crate::auth::{PageCaller, SignedIn};
use crate::error::{PageError, PageForm};
use crate::i18n::Lang;
use crate::ui::{Base, refused, render_with};

pub struct Cell {
    /// The form field: `{level}:{category code}`, the code empty for the kind's default.
    pub name: String,
    pub value: String,
    /// What applies when the cell is empty.
    pub inherited: String,
    pub label: String,
}

pub struct Row {
    pub name: String,
    pub code: String,
    pub indent: String,
    pub retired: bool,
    pub required: bool,
    pub cells: Vec<Cell>,
}

#[derive(Template)]
#[template(path = "settings_deadlines.html")]
struct Page {
    l: Lang,
    base: Base,
    csrf: String,
    sections: Vec<(&'static str, String)>,
    section: &'static str,
    kinds: Vec<(&'static str, String)>,
    kind: &'static str,
    version: i64,
    levels: Vec<String>,
    rows: Vec<Row>,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct KindQuery {
    kind: Option<String>,
    ok: Option<String>,
}

async fn show(state: &AppState, l: Lang, c: &PageCaller, uri: &Uri, kind: CaseKind, typed: Option<(i64, HashMap<String, String>)>, error: Option<String>, ok: Option<String>, status: StatusCode) -> Result<Response, PageError> {
    c.actor.require(Permission::ManageCaseSettings)?;
    let s = state.services.case_settings().await?;
    let limits = &s.deadlines.limits;
    let set: HashMap<String, u32> = limits
        .list()
        .into_iter()
        .filter(|x| x.kind == kind)
        .map(|x| (field(x.level, x.category.as_ref().map(|c| c.as_str()).unwrap_or("")), x.working_days))
        .collect();
    let (version, typed) = match typed {
        Some((v, t)) => (v, Some(t)),
        None => (s.version, None),
    };
    let level_name = |lv: HandlingLevel| crate::ui::cases::level_label(l, lv);
    let row = |code: &str, name: String, indent: String, retired: bool| {
        let cells = HandlingLevel::ALL
            .into_iter()
            .map(|lv| {
                let name = field(lv, code);
                let value = match &typed {
                    Some(t) => t.get(&name).cloned().unwrap_or_default(),
                    None => set.get(&name).map(|d| d.to_string()).unwrap_or_default(),
                };
                // What the cell falls back to: the parent's limit, or the kind's default.
                let inherited = match CategoryCode::parse(code).ok().and_then(|cc| cc.parent()) {
                    Some(parent) => limits.working_days(kind, &parent, lv).to_string(),
                    None if code.is_empty() => String::new(),
                    None => set.get(&field(lv, "")).map(|d| d.to_string()).unwrap_or_default(),
                };
                Cell { label: level_name(lv), name, value, inherited }
            })
            .collect();
        Row { name, code: code.to_string(), indent, retired, required: code.is_empty(), cells }
    };
    let mut rows = vec![row("", l.t("settings-kind-default"), String::new(), false)];
    for cat in s.categories.of_kind(kind) {
        let name = if l == Lang::ZhCn { cat.name_zh.clone() } else { cat.name_en.clone() };
        rows.push(row(cat.code.as_str(), name, "\u{3000}".repeat(cat.code.lineage().len() - 1), cat.retired));
    }
    let page = Page {
        base: Base::new(Some(c), "settings", &uri.to_string(), ok),
        csrf: c.csrf().to_string(),
        sections: sections(l),
        section: "deadlines",
        kinds: kinds(l),
        kind: kind.as_str(),
        version,
        levels: HandlingLevel::ALL.into_iter().map(level_name).collect(),
        rows,
        error,
        l,
    };
    Ok(render_with(status, &page))
}

fn field(level: HandlingLevel, code: &str) -> String {
    format!("{}:{code}", level.as_str())
}

pub async fn page(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Query(q): Query<KindQuery>) -> Result<Response, PageError> {
    show(&state, l, &c, &uri, kind_of(q.kind.as_deref()), None, None, notice(l, q.ok.as_deref()), StatusCode::OK).await
}

/// This kind's cells as limits; empty cells are left to inherit.
fn parse(kind: CaseKind, form: &HashMap<String, String>) -> Result<Vec<DeadlineLimit>, DomainError> {
    let mut out = Vec::new();
    for (name, value) in form {
        let Some((level, code)) = name.split_once(':') else { continue };
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let level = HandlingLevel::parse(level)?;
        let category = if code.is_empty() { None } else { Some(CategoryCode::parse(code)?) };
        let working_days = value.parse::<u32>().map_err(|_| DomainError::invalid("working_days", "error-deadline-limit"))?;
        out.push(DeadlineLimit { kind, category, level, working_days });
    }
    Ok(out)
}

pub async fn save(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, PageForm(f): PageForm<Vec<(String, String)>>) -> Result<Response, PageError> {
    let form: HashMap<String, String> = f.into_iter().collect();
    let kind = CaseKind::parse(form.get("kind").map(String::as_str).unwrap_or(""))?;
    let version = form.get("expected_version").and_then(|v| v.parse::<i64>().ok()).ok_or(DomainError::invalid("expected_version", "error-bad-request"))?;
    let result = async {
        let mine = parse(kind, &form)?;
        let current = state.services.case_settings().await?;
        let mut table: Vec<DeadlineLimit> = current.deadlines.limits.list().into_iter().filter(|x| x.kind != kind).collect();
        table.extend(mine);
        state.services.set_deadline_limits(&c.actor, table, Some(version)).await
    }
    .await;
    match result {
        Ok(_) => Ok(redirect(&format!("/settings/deadlines?kind={}&ok=limits-saved", kind.as_str()))),
        Err(e) => match refused(&e) {
            Some(status) => show(&state, l, &c, &uri, kind, Some((version, form)), Some(l.t(e.code())), None, status).await,
            None => Err(e.into()),
        },
    }
}
