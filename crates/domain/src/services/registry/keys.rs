//! Key rotation: every stored ciphertext not under the current key is decrypted with the
//! key it names and encrypted again under the current one. Keyed hashes and masks stay as
//! they are, so lookups and screens are unaffected while it runs.

use super::people::PERSON_PHONE_FIELD;
use super::residents::{ID_FIELD, PHONE_FIELD};
use crate::error::Result;
use crate::model::Protected;
use crate::ports::{CipherUpdate, Page, ProtectedColumn, ResidentQuery};
use crate::rules::access::Actor;
use crate::services::Services;
use crate::services::cases::{PARTY_ID_FIELD, PARTY_PHONE_FIELD};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RotationReport {
    pub values_checked: u64,
    pub values_reencrypted: u64,
    pub current_key: String,
}

const BATCH: i64 = 500;

impl Services {
    fn rewrap(&self, field: &str, p: &Option<Protected>, column: ProtectedColumn, id: uuid::Uuid, out: &mut Vec<CipherUpdate>, report: &mut RotationReport) -> Result<()> {
        if let Some(p) = p {
            report.values_checked += 1;
            let vault = self.vault()?;
            if vault.needs_rotation(&p.cipher) {
                out.push(CipherUpdate { column, id, cipher: vault.reencrypt(field, &p.cipher)? });
            }
        }
        Ok(())
    }

    async fn flush(&self, actor: &Actor, updates: &mut Vec<CipherUpdate>, report: &mut RotationReport) -> Result<()> {
        if updates.is_empty() {
            return Ok(());
        }
        let audit = self.audit(actor, "keys.rotate", "registry", "personal-data", "/", None, Some(serde_json::json!({ "values": updates.len(), "key": report.current_key })));
        self.store.replace_ciphers(updates, &audit).await?;
        report.values_reencrypted += updates.len() as u64;
        updates.clear();
        Ok(())
    }

    /// Re-encrypts every protected value under the current key, in batches. Safe to run
    /// again after an interruption: values already under the current key are skipped.
    pub async fn rotate_keys(&self, actor: &Actor) -> Result<RotationReport> {
        let mut report = RotationReport { current_key: self.vault()?.current_key_id().to_string(), ..Default::default() };
        let mut updates = Vec::new();
        let mut after = None;
        loop {
            let page = Page { scope_path: "/".into(), text: None, after, limit: BATCH };
            let rows = self.store.residents(&ResidentQuery { page, ..Default::default() }).await?;
            let Some(last) = rows.last() else { break };
            after = Some(last.id);
            for r in &rows {
                self.rewrap(ID_FIELD, &r.id_number, ProtectedColumn::ResidentIdNumber, r.id, &mut updates, &mut report)?;
                self.rewrap(PHONE_FIELD, &r.phone, ProtectedColumn::ResidentPhone, r.id, &mut updates, &mut report)?;
            }
            self.flush(actor, &mut updates, &mut report).await?;
        }
        let mut after = None;
        loop {
            let page = Page { scope_path: "/".into(), text: None, after, limit: BATCH };
            let rows = self.store.people(&page, None).await?;
            let Some(last) = rows.last() else { break };
            after = Some(last.id);
            for p in &rows {
                self.rewrap(PERSON_PHONE_FIELD, &p.phone, ProtectedColumn::PersonPhone, p.id, &mut updates, &mut report)?;
            }
            self.flush(actor, &mut updates, &mut report).await?;
        }
        // Parties of cases hold the same kind of data under their own field names.
        let mut after = None;
        loop {
            let rows = self.store.parties_after(after, BATCH).await?;
            let Some(last) = rows.last() else { break };
            after = Some(last.id);
            for p in &rows {
                self.rewrap(PARTY_ID_FIELD, &p.id_number, ProtectedColumn::PartyIdNumber, p.id, &mut updates, &mut report)?;
                self.rewrap(PARTY_PHONE_FIELD, &p.phone, ProtectedColumn::PartyPhone, p.id, &mut updates, &mut report)?;
            }
            self.flush(actor, &mut updates, &mut report).await?;
        }
        Ok(report)
    }
}
