//! Turning a checked search into a tantivy query, and hits into results. No query language is
//! parsed: every character of the user's text is text, so `"`, `*`, `:` and `(` cannot change
//! what is asked, and nothing can widen the scope clause, which is always required.

use std::collections::BTreeSet;
use std::ops::Bound;

use chrono::{DateTime, Utc};
use fengqiao_domain::ports::{CaseHit, CaseScope, CaseSearchIndex, CaseSearchPage, CaseSearchQuery, SimilarCasesQuery};
use fengqiao_domain::{DomainError, Result};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use crate::index::CaseIndex;
use crate::snippet;
use crate::tokens;

type Q = Box<dyn Query>;

/// Metres per degree of latitude; longitude degrees shrink with the cosine of the latitude.
const METRES_PER_DEGREE: f64 = 111_320.0;
/// At most this many words of a new case's text are compared with other cases.
const SIMILAR_WORDS: usize = 24;

fn term(field: Field, text: &str) -> Q {
    Box::new(TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::WithFreqs))
}

fn filter(q: Q) -> (Occur, Q) {
    (Occur::Must, Box::new(ConstScoreQuery::new(q, 0.0)))
}

fn i64_range(field: Field, from: Bound<i64>, to: Bound<i64>) -> Q {
    let t = |b: Bound<i64>| match b {
        Bound::Included(v) => Bound::Included(Term::from_field_i64(field, v)),
        Bound::Excluded(v) => Bound::Excluded(Term::from_field_i64(field, v)),
        Bound::Unbounded => Bound::Unbounded,
    };
    Box::new(RangeQuery::new(t(from), t(to)))
}

fn f64_range(field: Field, from: f64, to: f64) -> Q {
    Box::new(RangeQuery::new(Bound::Included(Term::from_field_f64(field, from)), Bound::Included(Term::from_field_f64(field, to))))
}

fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

impl CaseIndex {
    /// The clauses every search carries: the caller's scope and the list filters.
    fn filters(&self, searcher: &Searcher, q: &fengqiao_domain::ports::CaseQuery) -> Vec<(Occur, Q)> {
        let f = &self.fields;
        let scope = match &q.scope {
            CaseScope::Area(p) => Term::from_field_text(f.scope, p),
            CaseScope::Handling(p) => Term::from_field_text(f.handling, p),
        };
        let mut out = Vec::new();
        // A scope that holds every case (the city, for its officials) would only make each
        // match a step through ten million postings.
        if !holds_every_document(searcher, &scope) {
            out.push(filter(Box::new(TermQuery::new(scope, IndexRecordOption::Basic))));
        }
        if let Some(s) = q.status {
            out.push(filter(term(f.status, s.as_str())));
        }
        if let Some(k) = q.kind {
            out.push(filter(term(f.kind, k.as_str())));
        }
        if let Some(c) = &q.category {
            out.push(filter(term(f.category_path, c)));
        }
        if let Some(h) = q.handler_id {
            out.push(filter(term(f.handler, &h.to_string())));
        }
        if let Some(l) = q.level {
            out.push(filter(term(f.level, l.as_str())));
        }
        if let Some(at) = q.overdue_at {
            out.push(filter(i64_range(f.deadline, Bound::Unbounded, Bound::Excluded(micros(at)))));
            out.push(filter(term(f.flags, "running")));
        }
        if q.taken_in_from.is_some() || q.taken_in_before.is_some() {
            let from = q.taken_in_from.map_or(Bound::Unbounded, |t| Bound::Included(micros(t)));
            let to = q.taken_in_before.map_or(Bound::Unbounded, |t| Bound::Excluded(micros(t)));
            out.push(filter(i64_range(f.created, from, to)));
        }
        for (on, flag) in [(q.supervised, "supervised"), (q.extension_pending, "extension"), (q.open_only, "open")] {
            if on {
                out.push(filter(term(f.flags, flag)));
            }
        }
        out
    }

    /// One term of the query: found by its words, by its character pairs, as a case number,
    /// or (when allowed) as a party's name. A term with no letters or digits asks nothing.
    fn term_clause(&self, text: &str, with_parties: bool) -> Option<Q> {
        let f = &self.fields;
        let grams = tokens::required_grams(text);
        if grams.is_empty() {
            return None;
        }
        // Words may stand apart, which suits Chinese (楼上…漏水); a term with digits or Latin
        // letters (3号楼, B座) means exactly that sequence, so only its grams match.
        let exact = tokens::is_exact(text);
        let words: BTreeSet<String> = if exact { BTreeSet::new() } else { tokens::query_words(text).into_iter().collect() };
        let in_fields = |w: &String| -> Q {
            let fields: Vec<(Occur, Q)> = [(f.title, 3.0), (f.address, 2.0), (f.category_name, 2.0), (f.description, 1.0)]
                .into_iter()
                .map(|(field, boost)| (Occur::Should, Box::new(BoostQuery::new(term(field, w), boost)) as Q))
                .collect();
            Box::new(BooleanQuery::new(fields))
        };
        let in_a_row: Q = match grams.as_slice() {
            [one] => term(f.grams, one),
            many => Box::new(BooleanQuery::new(many.iter().map(|g| (Occur::Must, term(f.grams, g))).collect())),
        };
        let mut alternatives: Vec<(Occur, Q)> = vec![(Occur::Should, Box::new(BoostQuery::new(in_a_row, 0.5)))];
        alternatives.push((Occur::Should, Box::new(BoostQuery::new(term(f.number, &text.trim().to_ascii_uppercase()), 10.0))));
        if with_parties {
            let name: String = text.chars().filter(|c| !c.is_whitespace()).map(tokens::fold).collect();
            alternatives.push((Occur::Should, Box::new(BoostQuery::new(term(f.parties, &name), 4.0))));
        }
        let whole: String = text.trim().chars().map(tokens::fold).collect();
        if words.len() == 1 && words.first() == Some(&whole) && whole.chars().count() >= 2 {
            // One word of two or more characters: every case holding it holds its grams too, so
            // the word only ranks (where it stands, as a word) and the grams, names and numbers
            // decide what matches; walking both as alternatives went over each match twice.
            let matches: Q = Box::new(BooleanQuery::new(alternatives));
            return Some(Box::new(BooleanQuery::new(vec![(Occur::Must, matches), (Occur::Should, in_fields(&whole))])));
        }
        if !words.is_empty() {
            let all_words = words.iter().map(|w| (Occur::Must, in_fields(w))).collect();
            alternatives.insert(0, (Occur::Should, Box::new(BooleanQuery::new(all_words))));
        }
        Some(Box::new(BooleanQuery::new(alternatives)))
    }

    fn hit(&self, searcher: &Searcher, score: f32, addr: DocAddress, needles: &[Vec<char>], with_parties: bool, party_terms: &[String]) -> Result<CaseHit> {
        let doc: TantivyDocument = searcher.doc(addr).map_err(internal)?;
        let f = &self.fields;
        let s = |field: Field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_string();
        let title = s(f.title);
        let address = doc.get_first(f.address).and_then(|v| v.as_str()).map(str::to_string);
        let parties: Vec<String> = doc.get_all(f.parties).filter_map(|v| v.as_str().map(str::to_string)).collect();
        let matched_party = with_parties
            && parties.iter().any(|p| {
                let terms = tokens::name_terms(p);
                party_terms.iter().any(|t| terms.contains(t))
            });
        let created = doc.get_first(f.created).and_then(|v| v.as_i64()).unwrap_or_default();
        Ok(CaseHit {
            id: s(f.id).parse().map_err(|_| DomainError::Internal("a search document has no case id".into()))?,
            number: s(f.number),
            kind: s(f.kind),
            category: s(f.category),
            status: s(f.status),
            area_path: s(f.area_path),
            created_at: DateTime::from_timestamp_micros(created).unwrap_or_default(),
            score,
            title_html: snippet::highlight(&title, needles),
            snippet_html: snippet::snippet(&s(f.description), needles),
            address_html: address.map(|a| snippet::highlight(&a, needles)),
            parties_html: with_parties.then(|| snippet::highlight(&parties.join("、"), needles)),
            matched_party,
            title,
        })
    }
}

/// Every document of every segment, deleted ones included, has this term: as a required
/// clause it cannot leave any out.
fn holds_every_document(searcher: &Searcher, term: &Term) -> bool {
    let documents: u64 = searcher.segment_readers().iter().map(|r| u64::from(r.max_doc())).sum();
    documents > 0 && searcher.doc_freq(term).is_ok_and(|n| n == documents)
}

fn internal(e: impl std::fmt::Display) -> DomainError {
    DomainError::Internal(format!("search index: {e}"))
}

impl CaseSearchIndex for CaseIndex {
    fn search(&self, q: &CaseSearchQuery) -> Result<CaseSearchPage> {
        let terms: Vec<Q> = q.words.iter().filter_map(|w| self.term_clause(w, q.with_parties)).collect();
        if terms.is_empty() {
            return Err(DomainError::invalid("q", "error-search-no-words"));
        }
        let mut clauses: Vec<(Occur, Q)> = terms.into_iter().map(|t| (Occur::Must, t)).collect();
        let searcher = self.reader.searcher();
        clauses.extend(self.filters(&searcher, &q.filter));
        let query = BooleanQuery::new(clauses);
        let top = TopDocs::with_limit(q.limit.max(1)).and_offset(q.offset).order_by_score();
        let (docs, total) = searcher.search(&query, &(top, Count)).map_err(internal)?;
        let needles = snippet::needles(&q.words);
        let party_terms: Vec<String> = q.words.iter().map(|w| w.chars().filter(|c| !c.is_whitespace()).map(tokens::fold).collect()).collect();
        let hits = docs.into_iter().map(|(score, addr)| self.hit(&searcher, score, addr, &needles, q.with_parties, &party_terms)).collect::<Result<_>>()?;
        Ok(CaseSearchPage { total, hits })
    }

    fn similar(&self, q: &SimilarCasesQuery) -> Result<Vec<CaseHit>> {
        let f = &self.fields;
        let mut words: Vec<String> = tokens::words(&q.text).into_iter().map(|t| t.2).filter(|w| w.chars().count() >= 2).collect();
        words.sort();
        words.dedup();
        words.truncate(SIMILAR_WORDS);
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let text: Vec<(Occur, Q)> = words
            .iter()
            .flat_map(|w| [(Occur::Should, Box::new(BoostQuery::new(term(f.title, w), 2.0)) as Q), (Occur::Should, term(f.description, w))])
            .collect();
        let mut near: Vec<(Occur, Q)> = vec![(Occur::Should, term(f.scope, &q.area_path))];
        if let Some(p) = q.point {
            let dlat = q.radius_m / METRES_PER_DEGREE;
            let dlon = q.radius_m / (METRES_PER_DEGREE * p.lat.to_radians().cos().max(0.01));
            let bbox: Vec<(Occur, Q)> =
                vec![(Occur::Must, f64_range(f.lat, p.lat - dlat, p.lat + dlat)), (Occur::Must, f64_range(f.lon, p.lon - dlon, p.lon + dlon))];
            near.push((Occur::Should, Box::new(BooleanQuery::new(bbox))));
        }
        let clauses: Vec<(Occur, Q)> = vec![
            (Occur::Must, Box::new(BooleanQuery::new(text))),
            filter(Box::new(BooleanQuery::new(near))),
            filter(term(f.scope, &q.scope_path)),
            filter(term(f.kind, &q.kind)),
            filter(term(f.category, &q.category)),
            filter(term(f.flags, "running")),
            filter(i64_range(f.created, Bound::Included(micros(q.since)), Bound::Unbounded)),
        ];
        let searcher = self.reader.searcher();
        let docs = searcher.search(&BooleanQuery::new(clauses), &TopDocs::with_limit(q.limit.max(1)).order_by_score()).map_err(internal)?;
        let needles = snippet::needles(&words);
        docs.into_iter().map(|(score, addr)| self.hit(&searcher, score, addr, &needles, q.with_parties, &[])).collect()
    }
}
