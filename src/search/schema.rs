//! The index's fields. Only what matching, filtering and ranking need is indexed; nothing
//! is stored, because the store stays the source of truth and results are read from it.

use tantivy::schema::{FAST, Field, INDEXED, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions};

use super::analysis::{EXACT_TOKENIZER, KEY_TOKENIZER, PAIRS_TOKENIZER};

/// Bumped whenever the schema or the analysis changes, so that an index written by an
/// older Qalam is rebuilt rather than searched with different rules. Written as the
/// payload of every commit.
pub const INDEX_FORMAT: &str = "qalam-search/2";

/// The fields of the index.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Store identity of the article.
    pub id: Field,
    /// Publication time, Unix seconds: filters, freshness and `sort=date`.
    pub published_at: Field,
    /// Last change, Unix seconds: tells the catch-up what is current.
    pub updated_at: Field,
    /// Language code (`en`, `ru`…).
    pub language: Field,
    /// Headline, exact forms.
    pub title: Field,
    /// Dek and body, exact forms.
    pub text: Field,
    /// Tags, country and author names, exact forms.
    pub meta: Field,
    /// Headline, Latin keys.
    pub title_key: Field,
    /// Everything above, Latin keys.
    pub text_key: Field,
    /// Country names and slugs, Latin keys, for `country:`.
    pub country: Field,
    /// Section and topic names and slugs, Latin keys, for `tag:`.
    pub tags: Field,
    /// Author names and slugs, Latin keys, for `author:`.
    pub authors: Field,
    /// Every word unstemmed, for spelling suggestions.
    pub words: Field,
    /// Each two neighbouring Latin keys, for phrases (see `pairs`).
    pub pairs: Field,
}

/// Field names, as tantivy's fast-field readers address them.
pub const ID: &str = "id";
/// See [`Fields::published_at`].
pub const PUBLISHED_AT: &str = "published_at";
/// See [`Fields::updated_at`].
pub const UPDATED_AT: &str = "updated_at";

impl Fields {
    /// The schema and its fields.
    pub fn schema() -> (Schema, Fields) {
        let mut builder = Schema::builder();
        let with_positions = |tokenizer: &str| {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(tokenizer)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            )
        };
        let doc_ids_only = |tokenizer: &str| {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(tokenizer)
                    .set_index_option(IndexRecordOption::Basic)
                    .set_fieldnorms(false),
            )
        };
        let fields = Fields {
            id: builder.add_i64_field(ID, INDEXED | FAST),
            published_at: builder.add_i64_field(PUBLISHED_AT, INDEXED | FAST),
            updated_at: builder.add_i64_field(UPDATED_AT, FAST),
            language: builder.add_text_field("language", STRING),
            title: builder.add_text_field("title", with_positions(EXACT_TOKENIZER)),
            text: builder.add_text_field("text", with_positions(EXACT_TOKENIZER)),
            meta: builder.add_text_field("meta", with_positions(EXACT_TOKENIZER)),
            title_key: builder.add_text_field("title_key", with_positions(KEY_TOKENIZER)),
            text_key: builder.add_text_field("text_key", with_positions(KEY_TOKENIZER)),
            country: builder.add_text_field("country", doc_ids_only(KEY_TOKENIZER)),
            tags: builder.add_text_field("tags", doc_ids_only(KEY_TOKENIZER)),
            authors: builder.add_text_field("authors", doc_ids_only(KEY_TOKENIZER)),
            words: builder.add_text_field("words", doc_ids_only(EXACT_TOKENIZER)),
            pairs: builder.add_text_field("pairs", doc_ids_only(PAIRS_TOKENIZER)),
        };
        (builder.build(), fields)
    }

    /// The fields whose terms a query's words match, and counting reads.
    pub fn counted(&self) -> Vec<Field> {
        vec![self.title, self.text, self.meta, self.title_key, self.text_key]
    }
}
