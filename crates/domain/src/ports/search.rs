//! What case search needs from an index. `fengqiao-search` implements it with tantivy and
//! jieba; each app node keeps its own copy, fed from the database's change feed.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::Result;
use crate::model::case::GeoPoint;
use crate::ports::CaseQuery;

/// A checked search: `words` are the query's whitespace-separated terms, each of which a case
/// must match (in its text, its number, or a party's name when `with_parties`); `filter` holds
/// the caller's scope and the list filters (its `before` is ignored: results are ranked).
#[derive(Debug, Clone, PartialEq)]
pub struct CaseSearchQuery {
    pub words: Vec<String>,
    pub filter: CaseQuery,
    pub with_parties: bool,
    pub offset: usize,
    pub limit: usize,
}

/// Cases like one being taken in: open, of the same category, recent, near, with similar text.
#[derive(Debug, Clone, PartialEq)]
pub struct SimilarCasesQuery {
    pub text: String,
    pub kind: String,
    pub category: String,
    /// The grid (or other home area) the new case lies in: cases there count as near.
    pub area_path: String,
    /// Cases within `radius_m` of this point count as near too.
    pub point: Option<GeoPoint>,
    pub radius_m: f64,
    /// Only cases taken in at or after this instant.
    pub since: DateTime<Utc>,
    /// The caller's scope: nothing outside it is suggested.
    pub scope_path: String,
    pub with_parties: bool,
    pub limit: usize,
}

/// One case found, with its matches marked. The `*_html` fields are escaped HTML in which
/// only `<mark>` is markup, so a page can insert them as they are.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CaseHit {
    pub id: Uuid,
    pub number: String,
    pub kind: String,
    pub category: String,
    pub status: String,
    pub title: String,
    pub area_path: String,
    pub created_at: DateTime<Utc>,
    pub score: f32,
    pub title_html: String,
    /// The part of the description around the first match (or its start).
    pub snippet_html: String,
    pub address_html: Option<String>,
    /// Party names, only for callers who may search them.
    pub parties_html: Option<String>,
    /// True when the case was found through a party's name.
    #[serde(skip)]
    pub matched_party: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct CaseSearchPage {
    /// How many cases in scope match in all, not only on this page.
    pub total: usize,
    pub hits: Vec<CaseHit>,
}

pub trait CaseSearchIndex: Send + Sync {
    fn search(&self, q: &CaseSearchQuery) -> Result<CaseSearchPage>;
    fn similar(&self, q: &SimilarCasesQuery) -> Result<Vec<CaseHit>>;
}
