//! Keeping one node's index current from the database: a full rebuild, and then following the
//! change feed. Rows in the feed only name a case; the case is read again as it stands now, so
//! applying a change twice or out of order does no harm.

use std::collections::BTreeSet;
use std::sync::Arc;

use fengqiao_domain::model::case::{CategoryTree, SearchableCase};
use fengqiao_domain::ports::{CaseQuery, CaseScope};
use fengqiao_domain::services::Services;
use uuid::Uuid;

use crate::index::{CaseDoc, CaseIndex, FeedPosition};
use crate::SearchError;

/// Changes read from the feed at a time.
const FEED_BATCH: i64 = 5000;
/// Cases read from the database at a time during a rebuild.
const REBUILD_BATCH: i64 = 2000;
/// How long a missing sequence number is waited for before it counts as a rolled-back write.
const GAP_PATIENCE_SECS: i64 = 60;
/// Gaps remembered at most; beyond this the oldest are given up on.
const MAX_GAPS: usize = 10_000;

/// Told after each batch of a rebuild: cases indexed so far, and how many there are.
pub type RebuildProgress<'a> = &'a mut (dyn FnMut(u64, u64) + Send);

pub struct Follower {
    pub services: Services,
    pub index: Arc<CaseIndex>,
}

fn category_name(tree: &CategoryTree, c: &SearchableCase) -> String {
    tree.get(c.kind, c.category.as_str()).map(|cat| format!("{} {}", cat.name_zh, cat.name_en)).unwrap_or_default()
}

impl Follower {
    pub fn new(services: Services, index: Arc<CaseIndex>) -> Self {
        Follower { services, index }
    }

    async fn docs(&self, cases: Vec<SearchableCase>) -> Result<Vec<CaseDoc>, SearchError> {
        let tree = self.services.case_settings().await?.categories;
        Ok(cases.into_iter().map(|case| CaseDoc { category_name: category_name(&tree, &case), case }).collect())
    }

    /// Throws the index away and builds it again from every case in the database. The feed
    /// position is taken first, so changes made during the rebuild are applied after it.
    pub async fn rebuild(&self, progress: RebuildProgress<'_>) -> Result<u64, SearchError> {
        let (_, head) = self.services.store.case_change_bounds().await?;
        let everything = CaseQuery::new(CaseScope::Area("/".into()), REBUILD_BATCH);
        let total = self.services.store.count_cases(&everything).await? as u64;
        self.index.begin_rebuild()?;
        let mut done = 0u64;
        progress(0, total);
        // By id, so the table is read in the order it was written: the list's newest-first
        // order sorts every case for each page, and the ledger's by-place order reads the
        // table at random, which at ten million cases is a disk seek per case. The next page
        // is read while this one is indexed.
        let store = self.services.store.clone();
        let read = move |after| {
            let store = store.clone();
            tokio::spawn(async move { store.searchable_after(after, REBUILD_BATCH).await })
        };
        let mut next = read(None);
        loop {
            let page = next.await.map_err(|e| SearchError::Io(format!("reading cases: {e}")))??;
            let Some(last) = page.last() else { break };
            next = read(Some(last.id));
            let n = page.len() as u64;
            let docs = self.docs(page).await?;
            self.index.add_new(&docs)?;
            done += n;
            progress(done, total);
        }
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        self.index.finish_rebuild(&FeedPosition { seq: head, gaps: Vec::new() }, cores)?;
        Ok(done)
    }

    /// Applies the changes written since the last call; rebuilds first when the index has
    /// never been built or the feed was pruned past its position. Answers how many cases
    /// were (re)indexed.
    pub async fn catch_up(&self, progress: RebuildProgress<'_>) -> Result<u64, SearchError> {
        let (low, _) = self.services.store.case_change_bounds().await?;
        let mut position = match self.index.position()? {
            Some(p) if low == 0 || low <= p.seq + 1 => p,
            _ => return self.rebuild(progress).await,
        };
        let mut indexed = 0;
        loop {
            let gaps: Vec<i64> = position.gaps.iter().map(|g| g.0).collect();
            let changes = self.services.store.case_changes_after(position.seq, &gaps, FEED_BATCH).await?;
            if changes.is_empty() {
                let before = position.gaps.len();
                expire_gaps(&mut position, self.services.clock.now().timestamp());
                if position.gaps.len() != before {
                    self.index.commit(Some(&position))?;
                }
                return Ok(indexed);
            }
            let ids: Vec<Uuid> = changes.iter().map(|c| c.case_id).collect::<BTreeSet<_>>().into_iter().collect();
            let cases = self.services.store.searchable_by_ids(&ids).await?;
            let found: BTreeSet<Uuid> = cases.iter().map(|c| c.id).collect();
            let gone: Vec<Uuid> = ids.iter().filter(|id| !found.contains(id)).copied().collect();
            indexed += cases.len() as u64;
            let docs = self.docs(cases).await?;
            self.index.put(&docs)?;
            self.index.remove(&gone);
            advance(&mut position, changes.iter().map(|c| c.seq), self.services.clock.now().timestamp());
            self.index.commit(Some(&position))?;
        }
    }
}

/// Moves the position past `seen`, remembering numbers skipped over as gaps.
fn advance(position: &mut FeedPosition, seen: impl Iterator<Item = i64>, now: i64) {
    let seen: BTreeSet<i64> = seen.collect();
    position.gaps.retain(|g| !seen.contains(&g.0));
    let mut expected = position.seq + 1;
    for s in seen.iter().copied().filter(|s| *s > position.seq) {
        for missing in expected..s {
            position.gaps.push((missing, now));
        }
        expected = s + 1;
    }
    position.seq = position.seq.max(seen.last().copied().unwrap_or(0));
    if position.gaps.len() > MAX_GAPS {
        let excess = position.gaps.len() - MAX_GAPS;
        position.gaps.drain(..excess);
    }
}

fn expire_gaps(position: &mut FeedPosition, now: i64) {
    position.gaps.retain(|g| now - g.1 < GAP_PATIENCE_SECS);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_skipped_are_waited_for_then_given_up() {
        let mut p = FeedPosition { seq: 10, gaps: vec![] };
        advance(&mut p, [11, 14].into_iter(), 1000);
        assert_eq!(p, FeedPosition { seq: 14, gaps: vec![(12, 1000), (13, 1000)] });
        // 12 commits late: it is applied and no longer missing.
        advance(&mut p, [12, 15].into_iter(), 1001);
        assert_eq!(p, FeedPosition { seq: 15, gaps: vec![(13, 1000)] });
        expire_gaps(&mut p, 1000 + GAP_PATIENCE_SECS - 1);
        assert_eq!(p.gaps.len(), 1);
        expire_gaps(&mut p, 1000 + GAP_PATIENCE_SECS);
        assert!(p.gaps.is_empty());
    }
}
