//! `/settings/categories`: one kind's category tree, with a form to add a category under any
//! heading still in use, and on each category a form to rename it and one to retire or bring
//! it back.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use fengqiao_domain::DomainError;
use fengqiao_domain::model::case::CaseKind;
use fengqiao_domain::rules::access::Permission;
use fengqiao_domain::services::cases::settings::{CategoryChange, NewCategory};
use serde::Deserialize;

use super::{kind_of, kinds, notice, redirect, sections};
use crate::AppState;
use crate::auth::{PageCaller, SignedIn, urlencode};
use crate::error::{PageError, PageForm};
use crate::i18n::Lang;
use crate::ui::{Base, refused, render_with};

pub struct Row {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// Ideographic spaces, one per level below the top, so the tree shows as text.
    pub indent: String,
    pub retired: bool,
    /// Retired itself or under a retired heading: not offered on intake.
    pub unavailable: bool,
    /// Where this row's forms post.
    pub action: String,
    /// Why this row's form was refused.
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "settings_categories.html")]
struct Page {
    l: Lang,
    base: Base,
    csrf: String,
    sections: Vec<(&'static str, String)>,
    section: &'static str,
    kinds: Vec<(&'static str, String)>,
    kind: &'static str,
    rows: Vec<Row>,
    parents: Vec<(String, String)>,
    form: AddForm,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct AddForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub parent: String,
    #[serde(default)]
    pub word: String,
    #[serde(default)]
    pub name_zh: String,
    #[serde(default)]
    pub name_en: String,
}

#[derive(Deserialize)]
pub struct KindQuery {
    kind: Option<String>,
    ok: Option<String>,
}

/// A refusal to show: on the add form, or on one row's forms.
enum Refusal {
    Add(String),
    Row(String, String),
}

async fn show(state: &AppState, l: Lang, c: &PageCaller, uri: &Uri, kind: CaseKind, form: AddForm, refusal: Option<Refusal>, ok: Option<String>, status: StatusCode) -> Result<Response, PageError> {
    c.actor.require(Permission::ManageCaseSettings)?;
    let settings = state.services.case_settings().await?;
    let tree = &settings.categories;
    let (error, row_error) = match refusal {
        Some(Refusal::Add(m)) => (Some(m), None),
        Some(Refusal::Row(code, m)) => (None, Some((code, m))),
        None => (None, None),
    };
    let rows = tree
        .of_kind(kind)
        .map(|cat| Row {
            code: cat.code.to_string(),
            name_zh: cat.name_zh.clone(),
            name_en: cat.name_en.clone(),
            indent: "\u{3000}".repeat(cat.code.lineage().len() - 1),
            retired: cat.retired,
            unavailable: !tree.is_choosable(kind, &cat.code),
            action: format!("/settings/categories/{}/{}", kind.as_str(), urlencode(cat.code.as_str())),
            error: row_error.as_ref().filter(|(code, _)| code == cat.code.as_str()).map(|(_, m)| m.clone()),
        })
        .collect();
    let parents = tree
        .of_kind(kind)
        // Four words deep at most, so a category three deep takes no children.
        .filter(|cat| tree.is_choosable(kind, &cat.code) && cat.code.lineage().len() < 4)
        .map(|cat| (cat.code.to_string(), format!("{} · {}", if l == Lang::ZhCn { &cat.name_zh } else { &cat.name_en }, cat.code)))
        .collect();
    let page = Page {
        base: Base::new(Some(c), "settings", &uri.to_string(), ok),
        csrf: c.csrf().to_string(),
        sections: sections(l),
        section: "categories",
        kinds: kinds(l),
        kind: kind.as_str(),
        rows,
        parents,
        form,
        error,
        l,
    };
    Ok(render_with(status, &page))
}

pub async fn page(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Query(q): Query<KindQuery>) -> Result<Response, PageError> {
    let kind = kind_of(q.kind.as_deref());
    show(&state, l, &c, &uri, kind, AddForm::default(), None, notice(l, q.ok.as_deref()), StatusCode::OK).await
}

pub async fn add(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, PageForm(f): PageForm<AddForm>) -> Result<Response, PageError> {
    let kind = CaseKind::parse(&f.kind)?;
    let word = f.word.trim();
    let code = if f.parent.trim().is_empty() { word.to_string() } else { format!("{}.{word}", f.parent.trim()) };
    let new = NewCategory { kind, code, name_zh: f.name_zh.clone(), name_en: f.name_en.clone() };
    match state.services.add_category(&c.actor, new).await {
        Ok(_) => Ok(redirect(&format!("/settings/categories?kind={}&ok=category-added", kind.as_str()))),
        Err(e) => match refused(&e) {
            Some(status) => show(&state, l, &c, &uri, kind, f, Some(Refusal::Add(l.t(e.code()))), None, status).await,
            None => Err(e.into()),
        },
    }
}

#[derive(Deserialize)]
pub struct ChangeForm {
    /// `rename`, `retire` or `restore`.
    op: String,
    name_zh: Option<String>,
    name_en: Option<String>,
}

pub async fn change(
    State(state): State<AppState>,
    l: Lang,
    uri: Uri,
    SignedIn(c): SignedIn,
    Path((kind, code)): Path<(String, String)>,
    PageForm(f): PageForm<ChangeForm>,
) -> Result<Response, PageError> {
    let kind = CaseKind::parse(&kind).map_err(|_| DomainError::NotFound("error-case-category-not-found"))?;
    let change = match f.op.as_str() {
        "rename" => CategoryChange { name_zh: f.name_zh, name_en: f.name_en, retired: None },
        "retire" => CategoryChange { retired: Some(true), ..Default::default() },
        "restore" => CategoryChange { retired: Some(false), ..Default::default() },
        _ => return Err(DomainError::invalid("op", "error-bad-request").into()),
    };
    match state.services.change_category(&c.actor, kind, &code, change).await {
        Ok(_) => Ok(redirect(&format!("/settings/categories?kind={}&ok=category-changed", kind.as_str()))),
        Err(e) => match refused(&e) {
            Some(status) => {
                let refusal = Refusal::Row(code, l.t(e.code()));
                show(&state, l, &c, &uri, kind, AddForm::default(), Some(refusal), None, status).await
            }
            None => Err(e.into()),
        },
    }
}
