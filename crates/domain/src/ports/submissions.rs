//! What Open311 and the residents' portal need from storage: API keys, the submissions kept
//! beside their cases, and the mapped areas a point is placed in.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::error::Result;
use crate::model::case::{Case, CaseKind, Satisfaction, TimelineEntry};
use crate::model::submission::{ApiKey, Submission, TrackingNumber};
use crate::model::{Area, AreaLevel, NewAudit};

/// Submitted cases, newest first.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SubmissionQuery {
    /// Cases whose home area lies in this subtree.
    pub scope_path: String,
    /// Case numbers; when given, the other filters but scope are ignored (as Open311 says).
    pub numbers: Vec<String>,
    /// (kind, category) pairs; subcategories do not match, a service is one category.
    pub services: Vec<(CaseKind, String)>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// `Some(true)`: only closed (concluded or declined); `Some(false)`: only open.
    pub closed: Option<bool>,
    pub limit: i64,
}

#[async_trait]
pub trait SubmissionStore: Send + Sync {
    async fn insert_api_key(&self, key: &ApiKey, secret_hash: &str, audit: &NewAudit) -> Result<()>;
    async fn api_key_by_hash(&self, secret_hash: &str) -> Result<Option<ApiKey>>;
    async fn api_key_by_id(&self, id: Uuid) -> Result<Option<ApiKey>>;
    /// Keys scoped to areas in this subtree, newest first.
    async fn api_keys_under(&self, path: &str) -> Result<Vec<ApiKey>>;
    /// Revokes a key that is not revoked yet; false if it already was.
    async fn revoke_api_key(&self, id: Uuid, at: DateTime<Utc>, audit: &NewAudit) -> Result<bool>;

    async fn submission_by_token(&self, token: &TrackingNumber) -> Result<Option<(Case, Submission)>>;
    async fn submission_of_case(&self, case_id: Uuid) -> Result<Option<Submission>>;
    async fn submitted_cases(&self, q: &SubmissionQuery) -> Result<Vec<(Case, Submission)>>;
    /// Timeline entries of submitted cases in the subtree at or after `since`, oldest first.
    async fn submission_updates(&self, scope_path: &str, since: DateTime<Utc>, until: DateTime<Utc>, limit: i64) -> Result<Vec<(Case, TimelineEntry)>>;
    /// Records the resident's rating once; false if it was already given.
    async fn rate_submission(&self, case_id: Uuid, rating: Satisfaction, at: DateTime<Utc>, audit: &NewAudit) -> Result<bool>;

    /// Active areas of one level, by path: the portal's first step lists the districts.
    async fn active_areas_at_level(&self, level: AreaLevel) -> Result<Vec<Area>>;
    /// Active areas in the subtree (the root included) that have a boundary.
    async fn mapped_areas_under(&self, path: &str) -> Result<Vec<Area>>;
}
