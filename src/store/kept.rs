//! What a store reads once per content version (which every change to articles, their
//! links, tags or authors bumps, on any node) instead of on every page.
//!
//! The size of each listing by tag, by author and of everything, counting every listed
//! article whatever its date: counting a big archive walks its whole index range, so it
//! is done once per version, and a page takes off the few articles scheduled after now.
//! And the authors and tags that cards have named, so that a card's byline and tags cost
//! its links only: a card carries the ids, the names come from here. And the tags of
//! each kind, in name order (the home page's country blocks). And the cards read so far,
//! bylines and tags attached, so that a listing reads from the database only its ids and
//! the cards it has not shown since the last change; and each article's related
//! articles, with the time they were found up to.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use rustc_hash::FxHashMap;

use crate::domain::article::ArticleSummary;
use crate::domain::people::Author;
use crate::domain::taxonomy::{Tag, TagKind};

/// A listing's size statement and key: the key of a kept count.
pub(super) type CountKey = (&'static str, i64);

/// One of a card's links: the article, whether it names a tag (else an author), the
/// tag's or author's id, and its position among the article's tags or bylines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct CardLink {
    pub article: i64,
    pub tag: bool,
    pub id: i64,
    pub position: i64,
}

/// Adds to `links` the bylines (`authors`) and tags of `article` as its `card_links`
/// row lists them: ids separated by commas, in their positions; empty for none.
pub(super) fn read_card_links(
    article: i64,
    authors: &str,
    tags: &str,
    links: &mut Vec<CardLink>,
) -> Result<(), std::num::ParseIntError> {
    for (list, tag) in [(authors, false), (tags, true)] {
        for (position, id) in (0..).zip(list.split(',').filter(|id| !id.is_empty())) {
            links.push(CardLink { article, tag, id: id.parse()?, position });
        }
    }
    Ok(())
}

/// Counts and names as of the newest content version a reader has seen, shared by a
/// store's readers. A reader at an older version (its snapshot began before a change)
/// keeps nothing and is given nothing kept, so a page never mixes two versions.
#[derive(Default)]
pub(super) struct Kept {
    inner: Mutex<KeptAt>,
}

#[derive(Default)]
struct KeptAt {
    version: i64,
    counts: HashMap<CountKey, u64>,
    names: Arc<Names>,
    kinds: HashMap<TagKind, Arc<[Tag]>>,
    summaries: FxHashMap<SummaryKey, ArticleSummary>,
    related: FxHashMap<RelatedKey, Related>,
}

/// What an article's related articles depend on besides the content: the article, its
/// publication time and tag ids as the caller read them (perhaps a version before), and
/// how many are shown.
pub(super) type RelatedKey = (i64, i64, Vec<i64>, u32);

/// An article's related articles and the time they were found up to.
type Related = (i64, Arc<[i64]>);

/// A kept card: its article's id, and whether it carries the whole text (for long
/// excerpts) rather than the lead.
type SummaryKey = (i64, bool);

/// The most articles whose related articles are kept at one content version.
const MAX_RELATED: usize = 4096;

/// The most cards kept at one content version: some 4,000 articles' listings, a few
/// tens of megabytes at most (a card with its whole text is a few kilobytes).
const MAX_SUMMARIES: usize = 4096;

/// The authors and tags named by cards so far, by id. Looked up a few times per card,
/// with ids from the store: a fast hash, not one that resists crafted keys.
#[derive(Clone, Default)]
pub(super) struct Names {
    authors: FxHashMap<i64, Arc<Author>>,
    tags: FxHashMap<i64, Arc<Tag>>,
}

impl Kept {
    /// What is kept, once moved on to `version` if that is newer; `None` when `version`
    /// is older than what is kept.
    fn at(&self, version: i64) -> Option<MutexGuard<'_, KeptAt>> {
        let mut kept = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if version > kept.version {
            *kept = KeptAt { version, ..KeptAt::default() };
        }
        (kept.version == version).then_some(kept)
    }

    /// The count kept for `key` at `version`, if any.
    pub fn count(&self, version: i64, key: CountKey) -> Option<u64> {
        self.at(version)?.counts.get(&key).copied()
    }

    /// Keeps `count` for `key` as of `version`.
    pub fn keep_count(&self, version: i64, key: CountKey, count: u64) {
        if let Some(mut kept) = self.at(version) {
            kept.counts.insert(key, count);
        }
    }

    /// The tags of `kind` kept at `version`, if any.
    pub fn tags_of_kind(&self, version: i64, kind: TagKind) -> Option<Arc<[Tag]>> {
        self.at(version)?.kinds.get(&kind).cloned()
    }

    /// Keeps `tags` as the tags of `kind` as of `version`.
    pub fn keep_tags_of_kind(&self, version: i64, kind: TagKind, tags: Arc<[Tag]>) {
        if let Some(mut kept) = self.at(version) {
            kept.kinds.insert(kind, tags);
        }
    }

    /// The kept cards of `ids` (each `None` when not kept), with the whole text or the
    /// lead as `whole_text` says.
    pub fn summaries(&self, version: i64, ids: &[i64], whole_text: bool) -> Vec<Option<ArticleSummary>> {
        match self.at(version) {
            Some(kept) => ids.iter().map(|&id| kept.summaries.get(&(id, whole_text)).cloned()).collect(),
            None => vec![None; ids.len()],
        }
    }

    /// Keeps `summaries` (read at `version`, bylines and tags attached) while fewer than
    /// [`MAX_SUMMARIES`] are kept.
    pub fn keep_summaries(&self, version: i64, whole_text: bool, summaries: &[ArticleSummary]) {
        if let Some(mut kept) = self.at(version) {
            for summary in summaries {
                if kept.summaries.len() >= MAX_SUMMARIES {
                    break;
                }
                kept.summaries.insert((summary.id, whole_text), summary.clone());
            }
        }
    }

    /// The ids among `ids` whose card `found` (as [`Kept::summaries`] gave them) lacks.
    pub fn missing(ids: &[i64], found: &[Option<ArticleSummary>]) -> Vec<i64> {
        ids.iter().zip(found).filter(|(_, card)| card.is_none()).map(|(id, _)| *id).collect()
    }

    /// The cards of `ids` in their order: `found` (as [`Kept::summaries`] gave them),
    /// each missing one taken from `read`, and left out when `read` lacks it too.
    pub fn fill(ids: &[i64], found: Vec<Option<ArticleSummary>>, read: &[ArticleSummary]) -> Vec<ArticleSummary> {
        ids.iter()
            .zip(found)
            .filter_map(|(id, card)| card.or_else(|| read.iter().find(|card| card.id == *id).cloned()))
            .collect()
    }

    /// The related articles kept for `key` at `version`, with the time they were found
    /// up to.
    pub fn related(&self, version: i64, key: &RelatedKey) -> Option<Related> {
        self.at(version)?.related.get(key).cloned()
    }

    /// Keeps `ids` as the related articles for `key` at `version`, found among those
    /// published up to `horizon`, while fewer than [`MAX_RELATED`] are kept.
    pub fn keep_related(&self, version: i64, key: RelatedKey, horizon: i64, ids: Arc<[i64]>) {
        if let Some(mut kept) = self.at(version)
            && (kept.related.len() < MAX_RELATED || kept.related.contains_key(&key))
        {
            kept.related.insert(key, (horizon, ids));
        }
    }

    /// The names kept at `version` (none for an older version).
    pub fn names(&self, version: i64) -> Arc<Names> {
        self.at(version).map(|kept| Arc::clone(&kept.names)).unwrap_or_default()
    }

    /// `names` with `authors` and `tags` (read at `version`) added, kept for the next
    /// reader at `version`.
    pub fn learn(&self, version: i64, names: &Names, authors: Vec<Author>, tags: Vec<Tag>) -> Arc<Names> {
        let mut more = names.clone();
        more.authors.extend(authors.into_iter().map(|author| (author.id, Arc::new(author))));
        more.tags.extend(tags.into_iter().map(|tag| (tag.id, Arc::new(tag))));
        let more = Arc::new(more);
        if let Some(mut kept) = self.at(version) {
            kept.names = Arc::clone(&more);
        }
        more
    }
}

impl Names {
    /// The ids of the authors and of the tags that `links` name and that are not
    /// here, each once.
    pub fn unknown(&self, links: &[CardLink]) -> (Vec<i64>, Vec<i64>) {
        let (mut authors, mut tags) = (Vec::new(), Vec::new());
        for link in links {
            let (known, wanted) = if link.tag {
                (self.tags.contains_key(&link.id), &mut tags)
            } else {
                (self.authors.contains_key(&link.id), &mut authors)
            };
            if !known && !wanted.contains(&link.id) {
                wanted.push(link.id);
            }
        }
        (authors, tags)
    }

    /// Gives each card its bylines and tags from `links` (in any order), in their
    /// positions; a name not here is left out.
    pub fn attach(&self, links: &[CardLink], cards: &mut [ArticleSummary]) {
        let mut own: Vec<&CardLink> = Vec::new();
        for card in cards {
            own.clear();
            own.extend(links.iter().filter(|link| link.article == card.id));
            own.sort_unstable_by_key(|link| link.position);
            card.authors = self.authors_of(&own).cloned().collect();
            card.tags = self.tags_of(&own).cloned().collect();
        }
    }

    /// The bylines and tags that `links` (one article's, in any order) name, in their
    /// positions; a name not here is left out.
    pub fn of(&self, links: &[CardLink]) -> (Vec<Author>, Vec<Tag>) {
        let mut own: Vec<&CardLink> = links.iter().collect();
        own.sort_unstable_by_key(|link| link.position);
        (self.authors_of(&own).map(|a| Author::clone(a)).collect(), self.tags_of(&own).map(|t| Tag::clone(t)).collect())
    }

    /// The authors that `links` name, in their order.
    fn authors_of<'a>(&'a self, links: &'a [&CardLink]) -> impl Iterator<Item = &'a Arc<Author>> {
        links.iter().filter(|link| !link.tag).filter_map(|link| self.authors.get(&link.id))
    }

    /// The tags that `links` name, in their order.
    fn tags_of<'a>(&'a self, links: &'a [&CardLink]) -> impl Iterator<Item = &'a Arc<Tag>> {
        links.iter().filter(|link| link.tag).filter_map(|link| self.tags.get(&link.id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::article::Language;
    use crate::domain::slug::Slug;
    use crate::domain::taxonomy::TagKind;

    fn author(id: i64, name: &str) -> Author {
        Author { id, slug: Slug::parse(&format!("author-{id}")).expect("slug"), name: name.to_owned(), bio: None }
    }

    fn tag(id: i64, name: &str) -> Tag {
        Tag { id, kind: TagKind::Topic, slug: Slug::parse(&format!("tag-{id}")).expect("slug"), name: name.to_owned() }
    }

    fn card(id: i64) -> ArticleSummary {
        ArticleSummary {
            id,
            slug: Slug::parse(&format!("story-{id}")).expect("slug"),
            title: format!("Story {id}"),
            dek: None,
            excerpt: None,
            lead_text: String::new(),
            published_at: jiff::Timestamp::UNIX_EPOCH,
            language: Language::parse("en").expect("language"),
            featured_image: None,
            featured_picture: None,
            authors: Vec::new(),
            tags: Vec::new(),
        }
    }

    fn link(article: i64, tag: bool, id: i64, position: i64) -> CardLink {
        CardLink { article, tag, id, position }
    }

    #[test]
    fn counts_and_names_are_forgotten_when_the_version_moves_on() {
        let kept = Kept::default();
        kept.keep_count(3, ("count", 1), 42);
        kept.learn(3, &kept.names(3), vec![author(1, "Aida")], vec![tag(7, "Energy")]);
        kept.keep_tags_of_kind(3, TagKind::Topic, Arc::from([tag(7, "Energy")]));
        let links = [link(10, false, 1, 0), link(10, true, 7, 0)];
        assert_eq!(kept.count(3, ("count", 1)), Some(42));
        assert_eq!(kept.names(3).unknown(&links), (vec![], vec![]));
        assert_eq!(kept.tags_of_kind(3, TagKind::Topic).as_deref().map(<[Tag]>::len), Some(1));
        assert!(kept.tags_of_kind(3, TagKind::Country).is_none());
        assert_eq!(kept.count(4, ("count", 1)), None);
        assert_eq!(kept.names(4).unknown(&links), (vec![1], vec![7]));
        assert!(kept.tags_of_kind(4, TagKind::Topic).is_none());
    }

    #[test]
    fn a_reader_at_an_older_version_neither_uses_nor_keeps_anything() {
        let kept = Kept::default();
        kept.keep_count(5, ("count", 1), 42);
        kept.learn(5, &kept.names(5), vec![author(1, "Aida")], vec![]);
        assert_eq!(kept.count(4, ("count", 1)), None);
        assert_eq!(kept.names(4).unknown(&[link(10, false, 1, 0)]), (vec![1], vec![]));
        kept.keep_count(4, ("count", 2), 7);
        let older = kept.learn(4, &kept.names(4), vec![author(1, "Aida Old")], vec![]);
        assert_eq!(older.authors[&1].name, "Aida Old");
        assert_eq!(kept.count(5, ("count", 2)), None);
        assert_eq!(kept.names(5).authors[&1].name, "Aida");
    }

    #[test]
    fn cards_are_kept_by_their_text_until_the_version_moves_on_and_not_for_older_readers() {
        let kept = Kept::default();
        kept.keep_summaries(3, false, &[card(10), card(11)]);
        let ids =
            |found: Vec<Option<ArticleSummary>>| found.iter().map(|c| c.as_ref().map(|c| c.id)).collect::<Vec<_>>();
        assert_eq!(ids(kept.summaries(3, &[11, 12, 10], false)), [Some(11), None, Some(10)]);
        assert_eq!(ids(kept.summaries(3, &[10], true)), [None], "a lead is not the whole text");
        assert_eq!(ids(kept.summaries(2, &[10], false)), [None], "an older reader is given nothing");
        kept.keep_summaries(2, false, &[card(12)]);
        assert_eq!(ids(kept.summaries(3, &[12], false)), [None], "an older reader keeps nothing");
        assert_eq!(ids(kept.summaries(4, &[10], false)), [None], "a newer version starts afresh");
    }

    #[test]
    fn no_more_cards_are_kept_than_the_limit() {
        let kept = Kept::default();
        let cards: Vec<ArticleSummary> = (0..).map(card).take(MAX_SUMMARIES + 1).collect();
        kept.keep_summaries(1, true, &cards);
        let found = kept.summaries(1, &[0, MAX_SUMMARIES as i64 - 1, MAX_SUMMARIES as i64], true);
        assert_eq!(found.iter().map(Option::is_some).collect::<Vec<_>>(), [true, true, false]);
    }

    #[test]
    fn related_articles_are_kept_per_article_date_tags_and_count_until_the_version_moves_on() {
        let kept = Kept::default();
        let key =
            |article: i64, published_at: i64, tags: &[i64], limit: u32| (article, published_at, tags.to_vec(), limit);
        kept.keep_related(3, key(10, 100, &[1, 2], 3), 500, Arc::from([11, 12]));
        assert_eq!(kept.related(3, &key(10, 100, &[1, 2], 3)), Some((500, Arc::from([11, 12]))));
        assert_eq!(kept.related(3, &key(10, 100, &[1, 2], 4)), None, "another count");
        assert_eq!(kept.related(3, &key(11, 100, &[1, 2], 3)), None, "another article");
        assert_eq!(kept.related(3, &key(10, 100, &[1], 3)), None, "the article read with other tags");
        assert_eq!(kept.related(3, &key(10, 200, &[1, 2], 3)), None, "the article read with another date");
        assert_eq!(kept.related(4, &key(10, 100, &[1, 2], 3)), None, "a newer version starts afresh");
        kept.keep_related(3, key(10, 100, &[1, 2], 3), 600, Arc::from([12]));
        assert_eq!(kept.related(3, &key(10, 100, &[1, 2], 3)), None, "nothing is kept for an older version");
        for article in 0..=MAX_RELATED as i64 {
            kept.keep_related(4, key(article, 100, &[], 3), 500, Arc::from([]));
        }
        assert!(kept.related(4, &key(MAX_RELATED as i64 - 1, 100, &[], 3)).is_some());
        assert!(kept.related(4, &key(MAX_RELATED as i64, 100, &[], 3)).is_none(), "no more than the limit");
    }

    #[test]
    fn unknown_names_each_missing_id_once() {
        let kept = Kept::default();
        let names = kept.learn(1, &Names::default(), vec![author(1, "Aida")], vec![]);
        let links = [link(10, false, 1, 0), link(10, false, 2, 1), link(11, false, 2, 0), link(11, true, 2, 0)];
        assert_eq!(names.unknown(&links), (vec![2], vec![2]));
    }

    #[test]
    fn card_links_are_read_in_their_positions_and_bad_ids_are_refused() {
        let mut links = Vec::new();
        read_card_links(10, "4", "8,7,12", &mut links).expect("valid lists");
        read_card_links(11, "", "", &mut links).expect("empty lists");
        assert_eq!(links, [link(10, false, 4, 0), link(10, true, 8, 0), link(10, true, 7, 1), link(10, true, 12, 2)]);
        assert!(read_card_links(12, "4,x", "", &mut links).is_err());
    }

    /// Names of two authors (1 Aida, 2 Bek) and two tags (7 Energy, 8 Water).
    fn aida_bek_energy_water() -> Arc<Names> {
        Kept::default().learn(
            1,
            &Names::default(),
            vec![author(1, "Aida"), author(2, "Bek")],
            vec![tag(7, "Energy"), tag(8, "Water")],
        )
    }

    #[test]
    fn attach_puts_bylines_and_tags_in_their_positions_and_ignores_other_articles_links() {
        let names = aida_bek_energy_water();
        let links = [
            link(10, true, 8, 1),
            link(13, false, 2, 0),
            link(10, false, 2, 0),
            link(11, false, 1, 0),
            link(10, true, 7, 0),
        ];
        let mut cards = vec![card(11), card(9), card(10), card(12)];
        names.attach(&links, &mut cards);
        let names = |card: &ArticleSummary| -> (Vec<String>, Vec<String>) {
            (card.authors.iter().map(|a| a.name.clone()).collect(), card.tags.iter().map(|t| t.name.clone()).collect())
        };
        assert_eq!(names(&cards[0]), (vec!["Aida".to_owned()], vec![]));
        assert_eq!(names(&cards[1]), (vec![], vec![]));
        assert_eq!(names(&cards[2]), (vec!["Bek".to_owned()], vec!["Energy".to_owned(), "Water".to_owned()]));
        assert_eq!(names(&cards[3]), (vec![], vec![]));
    }

    #[test]
    fn an_articles_names_come_in_their_positions_and_unknown_ones_are_left_out() {
        let names = aida_bek_energy_water();
        let links = [
            link(10, true, 8, 2),
            link(10, false, 2, 0),
            link(10, true, 99, 1),
            link(10, false, 1, 1),
            link(10, true, 7, 0),
        ];
        let (authors, tags) = names.of(&links);
        let authors: Vec<&str> = authors.iter().map(|a| a.name.as_str()).collect();
        let tags: Vec<&str> = tags.iter().map(|t| t.name.as_str()).collect();
        assert_eq!((authors, tags), (vec!["Bek", "Aida"], vec!["Energy", "Water"]));
    }
}
