//! What the mediation file needs from storage. Each write is one transaction with its audit
//! row; every row carries its case's area path, so moving an area carries the file along.

use async_trait::async_trait;
use uuid::Uuid;

use crate::error::Result;
use crate::model::mediation::{Agreement, JudicialConfirmation, MediationSession};
use crate::model::{NewAudit, Person, User};

#[async_trait]
pub trait MediationStore: Send + Sync {
    async fn insert_mediation_session(&self, session: &MediationSession, area_path: &str, audit: &NewAudit) -> Result<()>;
    /// In the order they were held.
    async fn case_sessions(&self, case_id: Uuid) -> Result<Vec<MediationSession>>;
    async fn agreement(&self, case_id: Uuid) -> Result<Option<Agreement>>;
    /// Writes the agreement whole if the stored one is still at `expected_version` (0: none
    /// stored yet); otherwise a conflict and nothing is written.
    async fn save_agreement(&self, agreement: &Agreement, area_path: &str, expected_version: i64, audit: &NewAudit) -> Result<()>;
    async fn judicial_confirmation(&self, case_id: Uuid) -> Result<Option<JudicialConfirmation>>;
    /// The application: a conflict if one is recorded already.
    async fn insert_confirmation(&self, c: &JudicialConfirmation, area_path: &str, audit: &NewAudit) -> Result<()>;
    /// The court's answer: a conflict if one is recorded already.
    async fn decide_confirmation(&self, c: &JudicialConfirmation, audit: &NewAudit) -> Result<()>;
    /// Active accounts with the mediator role whose home is one of `ancestors` (they cover
    /// the case) or lies under `below` (they work inside the handling tier).
    async fn mediator_accounts(&self, ancestors: &[String], below: &str) -> Result<Vec<User>>;
    /// Invited and volunteer mediators who belong to, or are assigned to, one of
    /// `ancestors`, or who belong under `below`.
    async fn mediator_people(&self, ancestors: &[String], below: &str) -> Result<Vec<Person>>;
}
