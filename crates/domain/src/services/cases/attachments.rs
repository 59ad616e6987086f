//! Attaching files to a case and reading them back. The bytes go to the blob store first,
//! under their SHA-256; the rows and their audit follow in one transaction. A failed
//! transaction leaves at most an unreferenced blob, which nobody can reach, never a row
//! without its bytes. Every download is audited too: photos show people.

use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::NOT_FOUND;
use crate::error::{DomainError, Result};
use crate::model::case::{Attachment, AttachmentType, Case, check_file, sanitise_file_name};
use crate::rules::access::{Actor, Permission};
use crate::services::Services;

/// Limits on attachments; the app's configuration sets them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttachmentSettings {
    /// Largest file, in bytes.
    pub max_bytes: usize,
    /// Most files one case may have.
    pub max_per_case: usize,
}

impl Default for AttachmentSettings {
    fn default() -> Self {
        AttachmentSettings { max_bytes: 10 * 1024 * 1024, max_per_case: 20 }
    }
}

/// A file as it was uploaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttachment {
    pub file_name: String,
    /// The MIME type the client claimed, if any.
    pub claimed_type: Option<String>,
    pub bytes: Vec<u8>,
}

/// A checked file, ready to store.
struct Checked<'a> {
    file: &'a NewAttachment,
    kind: AttachmentType,
    sha256: String,
}

const NOT_ATTACHED: &str = "error-attachment-not-found";

impl Services {
    /// Checks files as an upload would, without storing anything: intake refuses a bad file
    /// before the case is taken in, so nothing half-done is left behind.
    pub fn check_attachments(&self, files: &[NewAttachment]) -> Result<()> {
        self.checked(files).map(drop)
    }

    fn checked<'a>(&self, files: &'a [NewAttachment]) -> Result<Vec<Checked<'a>>> {
        if files.len() > self.attachments.max_per_case {
            return Err(DomainError::invalid("files", "error-attachment-too-many"));
        }
        files
            .iter()
            .map(|f| {
                let kind = check_file(&f.file_name, f.claimed_type.as_deref(), &f.bytes, self.attachments.max_bytes)?;
                Ok(Checked { file: f, kind, sha256: hex::encode(Sha256::digest(&f.bytes)) })
            })
            .collect()
    }

    /// Attaches files to a case in the caller's scope: anyone who may take cases in there.
    pub async fn attach(&self, actor: &Actor, case_id: Uuid, files: &[NewAttachment]) -> Result<Vec<Attachment>> {
        let case = self.case(actor, case_id).await?;
        actor.may_in(Permission::ReportCases, &case.area_path, NOT_FOUND)?;
        self.attach_to(actor, &case, files).await
    }

    pub(crate) async fn attach_to(&self, actor: &Actor, case: &Case, files: &[NewAttachment]) -> Result<Vec<Attachment>> {
        if files.is_empty() {
            return Err(DomainError::invalid("files", "error-attachment-none"));
        }
        let checked = self.checked(files)?;
        let now = self.clock.now();
        let mut rows = Vec::with_capacity(checked.len());
        let mut audits = Vec::with_capacity(checked.len());
        for c in checked {
            self.blobs.put_blob(&c.sha256, &c.file.bytes).await?;
            let row = Attachment {
                id: Uuid::now_v7(),
                case_id: case.id,
                area_path: case.area_path.clone(),
                file_name: sanitise_file_name(&c.file.file_name),
                content_type: c.kind,
                size_bytes: c.file.bytes.len() as i64,
                sha256: c.sha256,
                uploader_id: (actor.user_id != Uuid::nil()).then_some(actor.user_id),
                uploader_name: actor.display_name.clone(),
                created_at: now,
            };
            let after = json!({
                "attachment_id": row.id, "file_name": row.file_name, "content_type": row.content_type,
                "size_bytes": row.size_bytes, "sha256": row.sha256,
            });
            audits.push(self.audit(actor, "case.attachment_add", "case", &case.id.to_string(), &case.area_path, None, Some(after)));
            rows.push(row);
        }
        self.store.insert_attachments(&rows, self.attachments.max_per_case as i64, &audits).await?;
        Ok(rows)
    }

    /// A case's attachments, oldest first.
    pub async fn attachments(&self, actor: &Actor, case_id: Uuid) -> Result<Vec<Attachment>> {
        self.case(actor, case_id).await?;
        self.store.case_attachments(case_id).await
    }

    /// One attachment with its bytes; the download is audited before the bytes leave.
    pub async fn attachment_content(&self, actor: &Actor, case_id: Uuid, attachment_id: Uuid) -> Result<(Attachment, Vec<u8>)> {
        let case = self.case(actor, case_id).await?;
        let found = self.store.attachment_by_id(attachment_id).await?.filter(|a| a.case_id == case.id);
        let attachment = found.ok_or(DomainError::NotFound(NOT_ATTACHED))?;
        let bytes = self.blobs.get_blob(&attachment.sha256).await?.ok_or_else(|| {
            DomainError::Internal(format!("attachment {attachment_id}: blob {} is missing from the {} store", attachment.sha256, self.blobs.kind()))
        })?;
        // A changed or truncated file is an error, not something to hand out as evidence.
        if hex::encode(Sha256::digest(&bytes)) != attachment.sha256 {
            return Err(DomainError::Internal(format!("attachment {attachment_id}: stored bytes do not match their SHA-256")));
        }
        let after = json!({ "attachment_id": attachment.id, "file_name": attachment.file_name });
        let audit = self.audit(actor, "case.attachment_view", "case", &case.id.to_string(), &case.area_path, None, Some(after));
        self.store.append_audit(&[audit]).await?;
        Ok((attachment, bytes))
    }
}

impl Services {
    /// Intake with photos: the files are checked before the case is taken in, so a refused
    /// file leaves no case behind; the case and then its files are stored.
    pub async fn report_case_with(
        &self,
        actor: &Actor,
        new: super::NewCase,
        files: &[NewAttachment],
    ) -> Result<(Case, Vec<crate::model::case::Party>, Vec<Attachment>)> {
        self.check_attachments(files)?;
        let (case, parties) = self.report_case(actor, new).await?;
        let attached = if files.is_empty() { Vec::new() } else { self.attach_to(actor, &case, files).await? };
        Ok((case, parties, attached))
    }
}
