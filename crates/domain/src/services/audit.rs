//! Browsing and verifying the audit log.

use super::Services;
use crate::error::Result;
use crate::model::{AuditEntry, AuditFilter};
use crate::rules::access::{Actor, Permission};
use crate::rules::audit_chain::{ChainBreak, ChainVerifier};

#[derive(Debug, Clone, PartialEq)]
pub struct VerifyReport {
    pub rows_checked: i64,
    pub head_seq: i64,
    pub broken: Option<ChainBreak>,
}

impl Services {
    /// Newest first, keyset-paginated, limited to rows about the caller's subtree.
    pub async fn audit_log(&self, actor: &Actor, mut filter: AuditFilter) -> Result<Vec<AuditEntry>> {
        actor.require(Permission::ViewAudit)?;
        filter.scope_path = actor.home_area_path.clone();
        filter.limit = filter.limit.clamp(1, 500);
        self.store.audit_page(&filter).await
    }

    /// Walks the whole chain in batches; reports the first broken row, if any.
    pub async fn verify_audit(&self) -> Result<VerifyReport> {
        let (head_seq, head_hash) = self.store.audit_head().await?;
        let mut v = ChainVerifier::default();
        let mut after = 0;
        loop {
            let rows = self.store.audit_chain(after, 5000).await?;
            let Some(last) = rows.last() else { break };
            after = last.seq;
            for row in &rows {
                if let Err(b) = v.feed(row) {
                    return Ok(VerifyReport { rows_checked: v.rows_checked(), head_seq, broken: Some(b) });
                }
            }
        }
        let broken = v.finish(head_seq, &head_hash).err();
        Ok(VerifyReport { rows_checked: v.rows_checked(), head_seq, broken })
    }
}
