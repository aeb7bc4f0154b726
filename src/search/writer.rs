//! The index's one writer. Whoever holds an [`Indexer`] holds tantivy's writer lock
//! (a file lock, so a second process cannot write the same index); every call blocks,
//! so it belongs to a dedicated thread, never to the async runtime.

use std::collections::HashMap;

use tantivy::schema::Term;
use tantivy::{IndexReader, IndexWriter, TantivyDocument, TantivyError};

use super::analysis::in_language;
use super::schema::{Fields, ID, INDEX_FORMAT, PUBLISHED_AT, UPDATED_AT};
use super::{SearchError, SearchIndex};
use crate::domain::article::Article;
use crate::domain::taxonomy::TagKind;

/// Memory each indexing thread may fill before it flushes a segment.
const WRITER_MEMORY: usize = 64 * 1024 * 1024;

/// Most indexing threads a rebuild uses, however many cores there are.
const MAX_REBUILD_THREADS: usize = 4;

/// What the index knows of an article's version: its last change and publication time,
/// in Unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// `updated_at` of the indexed version.
    pub updated_at: i64,
    /// `published_at` of the indexed version.
    pub published_at: i64,
}

/// The writer of the index.
pub struct Indexer {
    writer: IndexWriter,
    reader: IndexReader,
    fields: Fields,
}

impl SearchIndex {
    /// Takes the index's writer lock; [`SearchError::Locked`] when another process has it.
    pub fn indexer(&self) -> Result<Indexer, SearchError> {
        // One indexing thread: the machine's other core keeps serving readers.
        self.indexer_with_threads(1)
    }

    /// Like [`SearchIndex::indexer`], for a process that only writes the index (a full
    /// rebuild from the command line, which no server is reading): one indexing thread
    /// per core.
    pub fn indexer_for_rebuild(&self) -> Result<Indexer, SearchError> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        self.indexer_with_threads(cores.min(MAX_REBUILD_THREADS))
    }

    fn indexer_with_threads(&self, threads: usize) -> Result<Indexer, SearchError> {
        let writer = self.index.writer_with_num_threads(threads, WRITER_MEMORY * threads).map_err(|e| match e {
            TantivyError::LockFailure(..) => SearchError::Locked(self.dir.clone()),
            other => SearchError::Engine(other),
        })?;
        self.reader.reload()?;
        Ok(Indexer { writer, reader: self.reader.clone(), fields: self.fields })
    }
}

impl Indexer {
    /// Indexes `article`, replacing any version of it already in the index. Visible once
    /// committed.
    pub fn upsert(&mut self, article: &Article) -> Result<(), SearchError> {
        self.remove(article.id);
        self.add(article)
    }

    /// Indexes `article`, which the index must not hold (it was just cleared): unlike
    /// [`Indexer::upsert`], this leaves no deletion for the commit to apply. Visible once
    /// committed.
    pub fn add(&mut self, article: &Article) -> Result<(), SearchError> {
        let document = self.document(article);
        self.writer.add_document(document)?;
        Ok(())
    }

    /// Removes an article. Visible once committed.
    pub fn remove(&mut self, id: i64) {
        self.writer.delete_term(Term::from_field_i64(self.fields.id, id));
    }

    /// Removes every article. Visible once committed.
    pub fn clear(&mut self) -> Result<(), SearchError> {
        self.writer.delete_all_documents()?;
        Ok(())
    }

    /// Makes every change so far durable and visible to searches.
    pub fn commit(&mut self) -> Result<(), SearchError> {
        let mut prepared = self.writer.prepare_commit()?;
        prepared.set_payload(INDEX_FORMAT);
        prepared.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    /// Merges every segment into one, for the fastest searches after a full rebuild.
    pub fn merge_segments(&mut self) -> Result<(), SearchError> {
        let segments = self.reader.searcher().segment_readers().iter().map(|s| s.segment_id()).collect::<Vec<_>>();
        if segments.len() > 1 {
            self.writer.merge(&segments).wait()?;
            self.reader.reload()?;
        }
        Ok(())
    }

    /// The version of every article in the committed index.
    pub fn stamps(&self) -> Result<HashMap<i64, Stamp>, SearchError> {
        let searcher = self.reader.searcher();
        let mut out = HashMap::with_capacity(usize::try_from(searcher.num_docs()).unwrap_or(0));
        for segment in searcher.segment_readers() {
            let fast = segment.fast_fields();
            let (ids, updated, published) = (fast.i64(ID)?, fast.i64(UPDATED_AT)?, fast.i64(PUBLISHED_AT)?);
            for doc in segment.doc_ids_alive() {
                if let (Some(id), Some(updated_at), Some(published_at)) =
                    (ids.first(doc), updated.first(doc), published.first(doc))
                {
                    out.insert(id, Stamp { updated_at, published_at });
                }
            }
        }
        Ok(out)
    }

    /// Articles in the committed index.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Whether the committed index is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn document(&self, article: &Article) -> TantivyDocument {
        let f = self.fields;
        let mut doc = TantivyDocument::new();
        doc.add_i64(f.id, article.id);
        doc.add_i64(f.published_at, article.published_at.as_second());
        doc.add_i64(f.updated_at, article.updated_at.as_second());
        doc.add_text(f.language, article.language.as_str());

        let names: Vec<&str> = article
            .tags
            .iter()
            .map(|t| t.name.as_str())
            .chain(article.authors.iter().map(|a| a.name.as_str()))
            .collect();
        let dek = article.dek.as_deref().unwrap_or_default();

        let language = &article.language;
        doc.add_text(f.title, in_language(language, &article.title));
        doc.add_text(f.text, in_language(language, dek));
        doc.add_text(f.text, in_language(language, &article.body_text));
        for name in &names {
            doc.add_text(f.meta, in_language(language, name));
        }

        doc.add_text(f.title_key, &article.title);
        for text in [article.title.as_str(), dek, &article.body_text].into_iter().chain(names.iter().copied()) {
            doc.add_text(f.text_key, text);
            doc.add_text(f.pairs, text);
            doc.add_text(f.words, text);
        }
        for tag in &article.tags {
            let field = if tag.kind == TagKind::Country { f.country } else { f.tags };
            doc.add_text(field, &tag.name);
            doc.add_text(field, tag.slug.as_str());
        }
        for author in &article.authors {
            doc.add_text(f.authors, &author.name);
            doc.add_text(f.authors, author.slug.as_str());
        }
        doc
    }
}
