//! One node's case index: open or create it, write documents, remember how far along the
//! change feed it is (in the commit itself, so the position and the documents agree).

use std::path::Path;
use std::sync::Mutex;

use fengqiao_domain::model::case::SearchableCase;
use serde::{Deserialize, Serialize};
use tantivy::directory::MmapDirectory;
use tantivy::schema::Schema;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::indexer::{LogMergePolicy, NoMergePolicy};
use tantivy::index::SegmentId;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::schema::{self, Fields};
use crate::{SearchError, tokens};

/// Memory the writer may fill before it writes a segment.
const WRITER_BYTES: usize = 96 * 1024 * 1024;

/// A case as the index holds it, with its category's name.
#[derive(Debug, Clone)]
pub struct CaseDoc {
    pub case: SearchableCase,
    pub category_name: String,
}

/// Where along the change feed the index stands, saved with each commit.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FeedPosition {
    /// Every change up to this sequence number is in, except the `gaps`.
    pub seq: i64,
    /// Sequence numbers below `seq` not seen yet, with the Unix time they were first missed:
    /// a transaction that took its number earlier may still commit.
    pub gaps: Vec<(i64, i64)>,
}

pub struct CaseIndex {
    pub(crate) index: Index,
    pub(crate) reader: IndexReader,
    pub(crate) fields: Fields,
    writer: Mutex<IndexWriter>,
}

fn register(index: &Index) {
    let t = index.tokenizers();
    t.register(tokens::ZH, TextAnalyzer::builder(tokens::Analysis(tokens::words)).build());
    t.register(tokens::GRAMS, TextAnalyzer::builder(tokens::Analysis(tokens::grams)).build());
    t.register(tokens::NAMES, TextAnalyzer::builder(tokens::Analysis(tokens::name_tokens)).build());
}

/// The directory of this version's index under a node's data dir.
pub fn dir_under(data_dir: &Path) -> std::path::PathBuf {
    data_dir.join("search").join(format!("cases-v{}", schema::VERSION))
}

/// Deletes the indexes an earlier version left under a node's data dir (each version builds
/// its own from the database, and the old one is gigabytes at city scale). Answers the
/// directories removed.
pub fn remove_older_versions(data_dir: &Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(data_dir.join("search")) else { return Vec::new() };
    let older = |name: &str| name.strip_prefix("cases-v").and_then(|v| v.parse::<u32>().ok()).is_some_and(|v| v < schema::VERSION);
    entries
        .flatten()
        .filter(|e| e.file_name().to_str().is_some_and(older) && e.path().is_dir())
        .map(|e| e.path())
        .filter(|dir| std::fs::remove_dir_all(dir).is_ok())
        .collect()
}

impl CaseIndex {
    /// Opens the index in `dir`, creating it (empty, with no feed position) if absent.
    /// Fails with `Locked` while another process writes it.
    pub fn open(dir: &Path, threads: usize) -> Result<CaseIndex, SearchError> {
        std::fs::create_dir_all(dir).map_err(|e| SearchError::Io(format!("{}: {e}", dir.display())))?;
        let (schema, fields) = schema::build();
        let directory = MmapDirectory::open(dir).map_err(|e| SearchError::Io(format!("{}: {e}", dir.display())))?;
        let index = Index::open_or_create(directory, schema)?;
        Self::with_index(index, fields, threads)
    }

    /// An index in memory, for tests and benchmarks.
    pub fn in_memory(threads: usize) -> Result<CaseIndex, SearchError> {
        let (schema, fields): (Schema, Fields) = schema::build();
        Self::with_index(Index::create_in_ram(schema), fields, threads)
    }

    fn with_index(mut index: Index, fields: Fields, threads: usize) -> Result<CaseIndex, SearchError> {
        register(&index);
        // A search walks its segments side by side, one per core: a broad word over ten
        // million cases is the latency users wait on, and a segment is walked alone anyway.
        index.set_default_multithread_executor()?;
        tokens::warm_up();
        let writer = index.writer_with_num_threads(threads.max(1), WRITER_BYTES * threads.max(1)).map_err(|e| match e {
            tantivy::TantivyError::LockFailure(..) => SearchError::Locked,
            e => SearchError::Index(e),
        })?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok(CaseIndex { index, reader, fields, writer: Mutex::new(writer) })
    }

    /// The feed position of the last commit; none for an index never brought up to date.
    pub fn position(&self) -> Result<Option<FeedPosition>, SearchError> {
        let payload = self.index.load_metas()?.payload;
        Ok(payload.and_then(|p| serde_json::from_str(&p).ok()))
    }

    fn writer(&self) -> std::sync::MutexGuard<'_, IndexWriter> {
        // A writer poisoned by a panic is still consistent: uncommitted work is discarded.
        self.writer.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Replaces these cases' documents (adds them if new). Not visible until `commit`.
    pub fn put(&self, docs: &[CaseDoc]) -> Result<(), SearchError> {
        let w = self.writer();
        for d in docs {
            w.delete_term(Term::from_field_text(self.fields.id, &d.case.id.to_string()));
            w.add_document(self.document(d))?;
        }
        Ok(())
    }

    /// Adds documents known to be new (a rebuild into an empty index): no deletes to apply.
    pub fn add_new(&self, docs: &[CaseDoc]) -> Result<(), SearchError> {
        let w = self.writer();
        for d in docs {
            w.add_document(self.document(d))?;
        }
        Ok(())
    }

    pub fn remove(&self, ids: &[uuid::Uuid]) {
        let w = self.writer();
        for id in ids {
            w.delete_term(Term::from_field_text(self.fields.id, &id.to_string()));
        }
    }

    /// Empties the index for a rebuild, which then adds every case anew. Segments are not
    /// merged while it runs (merging them as they come rewrites each document two or three
    /// times at ten million cases) but once, at `finish_rebuild`. There is no feed position
    /// until then, so a rebuild stopped midway is redone.
    pub fn begin_rebuild(&self) -> Result<(), SearchError> {
        {
            let w = self.writer();
            w.set_merge_policy(Box::new(NoMergePolicy));
            w.delete_all_documents()?;
        }
        self.commit(None)
    }

    /// Ends a rebuild: commits with the feed position, merges the segments into `parts` of
    /// about equal size (one per core, so a search walks them side by side), and puts the
    /// usual merging back for the changes that follow.
    pub fn finish_rebuild(&self, position: &FeedPosition, parts: usize) -> Result<(), SearchError> {
        self.commit(Some(position))?;
        let sizes: Vec<(SegmentId, u32)> = self.index.searchable_segment_metas()?.iter().map(|m| (m.id(), m.max_doc())).collect();
        let merges: Vec<_> = {
            let mut w = self.writer();
            balance(sizes, parts).into_iter().filter(|g| g.len() > 1).map(|g| w.merge(&g)).collect()
        };
        for merge in merges {
            merge.wait()?;
        }
        self.writer().set_merge_policy(Box::new(LogMergePolicy::default()));
        self.reader.reload()?;
        Ok(())
    }

    /// Makes the writes so far visible and records the feed position with them; `None`
    /// leaves an index that the next start will rebuild (a rebuild interrupted midway).
    pub fn commit(&self, position: Option<&FeedPosition>) -> Result<(), SearchError> {
        {
            let mut w = self.writer();
            let mut prepared = w.prepare_commit()?;
            let payload = position.map(|p| serde_json::to_string(p).unwrap_or_default()).unwrap_or_default();
            prepared.set_payload(&payload);
            prepared.commit()?;
        }
        self.reader.reload()?;
        Ok(())
    }

    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn document(&self, d: &CaseDoc) -> TantivyDocument {
        let f = &self.fields;
        let c = &d.case;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.id, c.id.to_string());
        doc.add_text(f.number, c.number.as_str());
        doc.add_text(f.title, &c.title);
        doc.add_text(f.description, &c.description);
        if let Some(a) = &c.address {
            doc.add_text(f.address, a);
        }
        doc.add_text(f.category_name, &d.category_name);
        let mut all = format!("{} {} {}", c.title, c.description, d.category_name);
        if let Some(a) = &c.address {
            all.push(' ');
            all.push_str(a);
        }
        doc.add_text(f.grams, &all);
        for p in &c.parties {
            doc.add_text(f.parties, p);
        }
        for p in ancestors(&c.area_path) {
            doc.add_text(f.scope, p);
        }
        doc.add_text(f.handling, c.handling_area_path());
        doc.add_text(f.area_path, &c.area_path);
        doc.add_text(f.kind, c.kind.as_str());
        doc.add_text(f.category, c.category.as_str());
        for code in c.category.lineage() {
            doc.add_text(f.category_path, code);
        }
        doc.add_text(f.status, c.status.as_str());
        doc.add_text(f.level, c.handling_level.as_str());
        if let Some(h) = c.handler_id {
            doc.add_text(f.handler, h.to_string());
        }
        for (flag, on) in [
            ("open", !c.status.is_terminal()),
            ("running", !c.status.is_terminal() && !c.status.is_after_conclusion()),
            ("supervised", c.supervised),
            ("extension", c.extension_pending),
        ] {
            if on {
                doc.add_text(f.flags, flag);
            }
        }
        doc.add_i64(f.created, c.created_at.timestamp_micros());
        if let Some(d) = c.deadline {
            doc.add_i64(f.deadline, d.timestamp_micros());
        }
        if let Some(p) = c.point() {
            doc.add_f64(f.lat, p.lat);
            doc.add_f64(f.lon, p.lon);
        }
        doc
    }
}

/// Segments in `parts` groups of about equal document counts: largest first, each into the
/// group with the fewest so far.
fn balance(mut sizes: Vec<(SegmentId, u32)>, parts: usize) -> Vec<Vec<SegmentId>> {
    sizes.sort_by_key(|s| std::cmp::Reverse(s.1));
    let mut groups: Vec<(u64, Vec<SegmentId>)> = vec![(0, Vec::new()); parts.max(1)];
    for (id, docs) in sizes {
        let smallest = groups.iter_mut().min_by_key(|g| g.0).expect("at least one group");
        smallest.0 += u64::from(docs);
        smallest.1.push(id);
    }
    groups.into_iter().map(|g| g.1).filter(|g| !g.is_empty()).collect()
}

/// `/1501/150103/` → `/`, `/1501/`, `/1501/150103/`.
pub fn ancestors(path: &str) -> Vec<&str> {
    let mut out = vec!["/"];
    for (i, c) in path.char_indices().skip(1) {
        if c == '/' {
            out.push(&path[..=i]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_of_earlier_versions_are_removed_and_nothing_else() {
        let data = std::env::temp_dir().join(format!("fengqiao-search-versions-{}", std::process::id()));
        let search = data.join("search");
        for d in ["cases-v0", "cases-v1", "notes"] {
            std::fs::create_dir_all(search.join(d).join("x")).unwrap();
        }
        let current = dir_under(&data);
        std::fs::create_dir_all(&current).unwrap();
        let removed = remove_older_versions(&data);
        assert_eq!(removed.len(), 2, "{removed:?}");
        assert!(current.is_dir() && search.join("notes").is_dir() && !search.join("cases-v1").exists());
        assert!(remove_older_versions(&data.join("nowhere")).is_empty());
        std::fs::remove_dir_all(&data).unwrap();
    }

    #[test]
    fn segments_are_merged_into_groups_of_about_equal_size() {
        let ids: Vec<SegmentId> = (0..6).map(|_| SegmentId::generate_random()).collect();
        let sizes: Vec<(SegmentId, u32)> = ids.iter().copied().zip([10, 100, 40, 60, 50, 5]).collect();
        let docs = |g: &Vec<SegmentId>| g.iter().map(|id| sizes.iter().find(|s| s.0 == *id).unwrap().1).sum::<u32>();
        let two = balance(sizes.clone(), 2);
        let mut totals: Vec<u32> = two.iter().map(docs).collect();
        totals.sort();
        assert_eq!(totals, [125, 140], "100+40 and 60+50+10+5: largest first, each to the lighter group");
        assert_eq!(two.iter().map(Vec::len).sum::<usize>(), 6, "every segment once");
        assert_eq!(balance(sizes.clone(), 1).len(), 1);
        assert_eq!(balance(sizes[..1].to_vec(), 4).len(), 1, "no empty groups");
    }
}
