//! Hash chaining of the audit log. Each row's hash covers the previous row's hash and every
//! field of the row, so changing any field, or removing or reordering rows, breaks the chain
//! from that row on. The head (last seq and hash) is stored separately so that removing the
//! newest rows is detected too.

use chrono::{DateTime, SecondsFormat, Utc};
use sha2::{Digest, Sha256};

use crate::model::{AuditEntry, NewAudit};

pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Timestamps are hashed at microsecond precision because PostgreSQL keeps no more.
pub fn canonical_time(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub fn truncate_to_micros(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}

pub fn chain_hash(prev_hash: &str, seq: i64, e: &NewAudit) -> String {
    let mut h = Sha256::new();
    let json = |v: &Option<serde_json::Value>| v.as_ref().map(|v| v.to_string()).unwrap_or_default();
    // Length-prefix every field so that moving characters between fields changes the hash.
    for field in [
        prev_hash.to_string(),
        seq.to_string(),
        canonical_time(&e.at),
        e.actor_id.map(|u| u.to_string()).unwrap_or_default(),
        e.actor_name.clone(),
        e.action.clone(),
        e.entity_type.clone(),
        e.entity_id.clone(),
        e.area_path.clone(),
        json(&e.before),
        json(&e.after),
        e.client_addr.clone().unwrap_or_default(),
    ] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Builds the stored row for the next position of the chain.
pub fn seal(prev_hash: &str, seq: i64, e: &NewAudit) -> AuditEntry {
    AuditEntry {
        seq,
        at: e.at,
        actor_id: e.actor_id,
        actor_name: e.actor_name.clone(),
        action: e.action.clone(),
        entity_type: e.entity_type.clone(),
        entity_id: e.entity_id.clone(),
        area_path: e.area_path.clone(),
        before: e.before.clone(),
        after: e.after.clone(),
        client_addr: e.client_addr.clone(),
        prev_hash: prev_hash.to_string(),
        hash: chain_hash(prev_hash, seq, e),
    }
}

fn unseal(e: &AuditEntry) -> NewAudit {
    NewAudit {
        at: e.at,
        actor_id: e.actor_id,
        actor_name: e.actor_name.clone(),
        action: e.action.clone(),
        entity_type: e.entity_type.clone(),
        entity_id: e.entity_id.clone(),
        area_path: e.area_path.clone(),
        before: e.before.clone(),
        after: e.after.clone(),
        client_addr: e.client_addr.clone(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBreak {
    /// A row's content no longer matches its hash: it was altered.
    Altered { seq: i64 },
    /// The sequence jumps: rows between were removed.
    Missing { expected_seq: i64, found_seq: i64 },
    /// A row does not point at its predecessor's hash: rows were replaced or reordered.
    Unlinked { seq: i64 },
    /// The head says the chain is longer (or different) than the rows: newest rows removed.
    HeadMismatch { head_seq: i64, last_seq: i64 },
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChainBreak::Altered { seq } => write!(f, "row {seq} was altered (its hash no longer matches its content)"),
            ChainBreak::Missing { expected_seq, found_seq } => {
                write!(f, "row {expected_seq} was removed (next row present is {found_seq})")
            }
            ChainBreak::Unlinked { seq } => write!(f, "row {seq} does not link to the row before it"),
            ChainBreak::HeadMismatch { head_seq, last_seq } => write!(
                f,
                "the chain head records row {head_seq} but the last row present is {last_seq}: rows after {last_seq} were removed or altered"
            ),
        }
    }
}

/// Incremental verifier, fed in seq order in batches so a long log never sits in memory.
#[derive(Debug)]
pub struct ChainVerifier {
    expected_seq: i64,
    prev_hash: String,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        ChainVerifier { expected_seq: 1, prev_hash: GENESIS_HASH.to_string() }
    }
}

impl ChainVerifier {
    pub fn feed(&mut self, row: &AuditEntry) -> Result<(), ChainBreak> {
        if row.seq != self.expected_seq {
            return Err(ChainBreak::Missing { expected_seq: self.expected_seq, found_seq: row.seq });
        }
        if row.prev_hash != self.prev_hash {
            return Err(ChainBreak::Unlinked { seq: row.seq });
        }
        if chain_hash(&row.prev_hash, row.seq, &unseal(row)) != row.hash {
            return Err(ChainBreak::Altered { seq: row.seq });
        }
        self.expected_seq += 1;
        self.prev_hash = row.hash.clone();
        Ok(())
    }

    pub fn rows_checked(&self) -> i64 {
        self.expected_seq - 1
    }

    pub fn finish(&self, head_seq: i64, head_hash: &str) -> Result<(), ChainBreak> {
        let last_seq = self.expected_seq - 1;
        if head_seq != last_seq || head_hash != self.prev_hash {
            return Err(ChainBreak::HeadMismatch { head_seq, last_seq });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(n: i64) -> NewAudit {
        NewAudit {
            at: truncate_to_micros(Utc::now()),
            actor_id: None,
            actor_name: "admin".into(),
            action: "area.rename".into(),
            entity_type: "area".into(),
            entity_id: format!("15010{n}"),
            area_path: "/1501/".into(),
            before: Some(serde_json::json!({"name": "旧"})),
            after: Some(serde_json::json!({"name": "新"})),
            client_addr: None,
        }
    }

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS_HASH.to_string();
        (1..=n)
            .map(|seq| {
                let row = seal(&prev, seq, &entry(seq));
                prev = row.hash.clone();
                row
            })
            .collect()
    }

    fn verify(rows: &[AuditEntry], head: (i64, &str)) -> Result<(), ChainBreak> {
        let mut v = ChainVerifier::default();
        for r in rows {
            v.feed(r)?;
        }
        v.finish(head.0, head.1)
    }

    #[test]
    fn intact_chain_verifies() {
        let rows = chain(5);
        assert_eq!(verify(&rows, (5, &rows[4].hash)), Ok(()));
    }

    #[test]
    fn altered_row_is_found() {
        let mut rows = chain(5);
        rows[2].after = Some(serde_json::json!({"name": "篡改"}));
        assert_eq!(verify(&rows, (5, &rows[4].hash.clone())), Err(ChainBreak::Altered { seq: 3 }));
    }

    #[test]
    fn removed_rows_are_found() {
        let mut rows = chain(5);
        let head = rows[4].hash.clone();
        rows.remove(1);
        assert_eq!(verify(&rows, (5, &head)), Err(ChainBreak::Missing { expected_seq: 2, found_seq: 3 }));
        let mut rows = chain(5);
        rows.pop();
        assert_eq!(verify(&rows, (5, &head)), Err(ChainBreak::HeadMismatch { head_seq: 5, last_seq: 4 }));
    }

    #[test]
    fn rehashed_forgery_is_unlinked() {
        // Someone rewrites row 3 and recomputes its hash: row 4 no longer links to it.
        let mut rows = chain(5);
        let mut forged = entry(3);
        forged.actor_name = "someone-else".into();
        rows[2] = seal(&rows[1].hash, 3, &forged);
        assert_eq!(verify(&rows, (5, &rows[4].hash.clone())), Err(ChainBreak::Unlinked { seq: 4 }));
    }
}
