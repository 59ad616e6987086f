//! `/cases/search`: the search box and its ranked results, with what matched marked. Plain
//! GET form, so it works without JavaScript and a search can be bookmarked or shared.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::Uri;
use axum::response::Response;
use fengqiao_domain::DomainError;
use fengqiao_domain::model::case::{CaseKind, CaseStatus};
use fengqiao_domain::rules::access::Permission;
use fengqiao_domain::services::cases::{CaseList, CaseSearch};
use serde::Deserialize;

use super::{category_name, label};
use crate::AppState;
use crate::auth::{SignedIn, urlencode};
use crate::error::PageError;
use crate::i18n::Lang;
use crate::ui::{Base, render};

const PAGE: usize = 20;

pub struct Hit {
    pub id: String,
    pub number: String,
    pub kind: String,
    pub category: String,
    pub status: String,
    pub status_code: String,
    /// Escaped by the search crate; only `<mark>` is markup.
    pub title_html: String,
    pub snippet_html: String,
    pub address_html: Option<String>,
    pub parties_html: Option<String>,
    pub taken_in: String,
}

#[derive(Template)]
#[template(path = "case_search.html")]
struct SearchPage {
    l: Lang,
    base: Base,
    q: String,
    kind: String,
    status: String,
    open: bool,
    kinds: Vec<(&'static str, String)>,
    statuses: Vec<(&'static str, String)>,
    searched: bool,
    total_text: String,
    hits: Vec<Hit>,
    next_link: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    open: String,
    #[serde(default)]
    offset: usize,
}

pub async fn page(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Query(q): Query<SearchQuery>) -> Result<Response, PageError> {
    c.actor.require(Permission::ViewCases)?;
    let s = &state.services;
    let searched = !q.q.trim().is_empty();
    let mut error = None;
    let mut total = 0;
    let mut found = Vec::new();
    if searched {
        let filters = (|| -> Result<CaseList, DomainError> {
            Ok(CaseList {
                kind: Some(q.kind.trim()).filter(|v| !v.is_empty()).map(CaseKind::parse).transpose()?,
                status: Some(q.status.trim()).filter(|v| !v.is_empty()).map(CaseStatus::parse).transpose()?,
                open_only: q.open == "true",
                ..Default::default()
            })
        })();
        let result = match (filters, state.search_index()) {
            (Ok(list), Ok(index)) => s.search_cases(&c.actor, index, CaseSearch { text: q.q.clone(), list, offset: q.offset, limit: PAGE }).await,
            (Err(e), _) | (_, Err(e)) => Err(e),
        };
        match result {
            Ok(page) => {
                total = page.total;
                found = page.hits;
            }
            Err(e @ DomainError::Invalid { .. }) => error = Some(l.t(e.code())),
            Err(e) => return Err(e.into()),
        }
    }
    let tree = s.case_settings().await?.categories;
    let shown = q.offset + found.len();
    let next_link = (shown < total && !found.is_empty())
        .then(|| format!("/cases/search?q={}&kind={}&status={}&open={}&offset={shown}", urlencode(&q.q), urlencode(&q.kind), urlencode(&q.status), urlencode(&q.open)));
    let hits = found
        .into_iter()
        .map(|h| {
            let kind = CaseKind::parse(&h.kind).ok();
            Hit {
                id: h.id.to_string(),
                category: kind.map(|k| category_name(l, &tree, k, &h.category)).unwrap_or(h.category.clone()),
                kind: label(l, "case-kind", &h.kind),
                status: label(l, "case-status", &h.status),
                status_code: h.status,
                number: h.number,
                title_html: h.title_html,
                snippet_html: h.snippet_html,
                address_html: h.address_html,
                parties_html: h.parties_html.filter(|p| !p.is_empty()),
                taken_in: l.datetime(&h.created_at),
            }
        })
        .collect();
    let page = SearchPage {
        base: Base::new(Some(&c), "cases", &uri.to_string(), None),
        kinds: CaseKind::ALL.iter().map(|x| (x.as_str(), label(l, "case-kind", x.as_str()))).collect(),
        statuses: CaseStatus::ALL.iter().map(|x| (x.as_str(), label(l, "case-status", x.as_str()))).collect(),
        open: q.open == "true",
        q: q.q,
        kind: q.kind,
        status: q.status,
        searched,
        total_text: l.t_args("search-total", &[("count", total.to_string())]),
        hits,
        next_link,
        error,
        l,
    };
    Ok(render(&page))
}

#[derive(Template)]
#[template(path = "case_similar.html")]
struct SimilarPartial {
    l: Lang,
    hits: Vec<Hit>,
}

#[derive(Deserialize, Default)]
pub struct SimilarQuery {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    area_id: String,
    #[serde(default)]
    lon: String,
    #[serde(default)]
    lat: String,
}

/// `/cases/new/similar`: possible duplicates of what the intake form holds so far, for htmx to
/// show beside the form. An incomplete form shows nothing rather than an error.
pub async fn similar(State(state): State<AppState>, l: Lang, SignedIn(c): SignedIn, Query(q): Query<SimilarQuery>) -> Result<Response, PageError> {
    let draft = (|| -> Option<fengqiao_domain::services::cases::IntakeDraft> {
        let point = match (q.lon.trim().parse::<f64>(), q.lat.trim().parse::<f64>()) {
            (Ok(lon), Ok(lat)) => fengqiao_domain::model::case::GeoPoint::new(lon, lat).ok(),
            _ => None,
        };
        Some(fengqiao_domain::services::cases::IntakeDraft {
            kind: CaseKind::parse(&q.kind).ok()?,
            category: Some(q.category.trim()).filter(|c| !c.is_empty())?.to_string(),
            text: format!("{}\n{}", q.title, q.description),
            area_id: q.area_id.trim().parse().ok()?,
            point,
        })
    })();
    let found = match (draft, c.actor.role.has(Permission::ViewCases), state.search_index()) {
        (Some(d), true, Ok(index)) => match state.services.similar_cases(&c.actor, index, d).await {
            Ok(hits) => hits,
            Err(DomainError::Invalid { .. } | DomainError::NotFound(_)) => Vec::new(),
            Err(e) => return Err(e.into()),
        },
        _ => Vec::new(),
    };
    let hits = found
        .into_iter()
        .map(|h| Hit {
            id: h.id.to_string(),
            number: h.number,
            kind: label(l, "case-kind", &h.kind),
            category: h.category,
            status: label(l, "case-status", &h.status),
            status_code: h.status,
            title_html: h.title_html,
            snippet_html: h.snippet_html,
            address_html: h.address_html,
            parties_html: None,
            taken_in: l.datetime(&h.created_at),
        })
        .collect();
    Ok(render(&SimilarPartial { l, hits }))
}
