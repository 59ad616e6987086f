//! One node's case index: open or create it, write documents, remember how far along the
//! change feed it is (in the commit itself, so the position and the documents agree).

use std::path::Path;
use std::sync::Mutex;

use fengqiao_domain::model::case::SearchableCase;
use serde::{Deserialize, Serialize};
use tantivy::directory::MmapDirectory;
use tantivy::schema::Schema;
use tantivy::tokenizer::TextAnalyzer;
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

    fn with_index(index: Index, fields: Fields, threads: usize) -> Result<CaseIndex, SearchError> {
        register(&index);
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

    /// Empties the index (a rebuild starts here). Not visible until `commit`.
    pub fn clear(&self) -> Result<(), SearchError> {
        self.writer().delete_all_documents()?;
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
