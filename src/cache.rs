//! Rendered pages kept in memory, and values derived from content kept per generation.
//!
//! Every entry remembers the content generation it was rendered at. A change anywhere
//! (a publish, an import in another process, midnight turning the date line) bumps the
//! generation, which makes every entry stale at once without walking the map. A stale
//! entry is still served to everyone but the one request that claimed its rebuild, so a
//! popular page invalidated on publish is rendered once, not once per waiting reader.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hash};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, RwLock};

use bytes::Bytes;
use jiff::Timestamp;
use rustc_hash::FxHashMap;

use crate::domain::dates::http_date;

/// A rendered page and its precomputed validators and compressed forms.
#[derive(Debug)]
pub struct CachedPage {
    /// The page as sent, uncompressed.
    pub body: Bytes,
    /// `Content-Type`.
    pub content_type: &'static str,
    /// Strong validator of `body`, quoted.
    pub etag: String,
    /// When it was rendered.
    pub rendered_at: Timestamp,
    /// `rendered_at` as `Last-Modified` writes it, formatted once rather than per request.
    pub last_modified: String,
    /// Content generation it was rendered at.
    pub generation: u64,
    /// Brotli form, computed on first request.
    pub brotli: OnceLock<Bytes>,
    /// Gzip form, computed on first request.
    pub gzip: OnceLock<Bytes>,
}

impl CachedPage {
    /// A page rendered now at `generation`.
    pub fn new(body: Bytes, content_type: &'static str, generation: u64, rendered_at: Timestamp) -> Self {
        let etag = format!("\"{:016x}{:04x}\"", fingerprint(&body), body.len() & 0xffff);
        let last_modified = http_date(rendered_at);
        Self {
            body,
            content_type,
            etag,
            rendered_at,
            last_modified,
            generation,
            brotli: OnceLock::new(),
            gzip: OnceLock::new(),
        }
    }

    fn weight(&self) -> usize {
        self.body.len() + self.brotli.get().map_or(0, Bytes::len) + self.gzip.get().map_or(0, Bytes::len)
    }
}

/// A fast 64-bit hash of the page, enough to tell two renderings of it apart (it is a
/// validator, not a defence against forgery): foldhash with its fixed seed, the same in
/// every process and on every node, six 8-byte words at a time in independent lanes.
fn fingerprint(bytes: &[u8]) -> u64 {
    foldhash::fast::FixedState::default().hash_one(bytes)
}

/// What a lookup found.
pub enum Lookup {
    /// A current page.
    Fresh(Arc<CachedPage>),
    /// An outdated page, and the caller should serve it: someone else is rebuilding.
    Stale(Arc<CachedPage>),
    /// The caller must render the page (none cached, or it won the rebuild) and then
    /// call [`PageCache::store`]; the claim is released when the guard is dropped.
    Render(RebuildClaim),
}

/// Holds the right to rebuild one key.
pub struct RebuildClaim {
    cache: Arc<PageCache>,
    key: Option<String>,
}

impl Drop for RebuildClaim {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            self.cache.inflight.lock().unwrap_or_else(PoisonError::into_inner).remove(&key);
        }
    }
}

/// The page cache.
#[derive(Debug)]
pub struct PageCache {
    enabled: bool,
    max_bytes: usize,
    generation: AtomicU64,
    bytes: AtomicUsize,
    entries: RwLock<HashMap<String, Arc<CachedPage>>>,
    inflight: Mutex<HashSet<String>>,
    hits: AtomicU64,
    misses: AtomicU64,
}

/// Lookups counted since start, for metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheCounts {
    /// Lookups answered from the cache, fresh or (while another request rebuilds) stale.
    pub hits: u64,
    /// Lookups that had the page rendered.
    pub misses: u64,
}

impl PageCache {
    /// A cache holding at most `max_bytes`; a disabled cache stores nothing.
    pub fn new(enabled: bool, max_bytes: usize) -> Self {
        Self {
            enabled,
            max_bytes,
            generation: AtomicU64::new(1),
            bytes: AtomicUsize::new(0),
            entries: RwLock::new(HashMap::new()),
            inflight: Mutex::new(HashSet::new()),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// Lookups answered and missed since start.
    pub fn counts(&self) -> CacheCounts {
        CacheCounts { hits: self.hits.load(Ordering::Relaxed), misses: self.misses.load(Ordering::Relaxed) }
    }

    /// Whether pages are cached.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// The current content generation.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Marks every cached page stale.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// Looks `key` up.
    pub fn lookup(self: &Arc<Self>, key: &str) -> Lookup {
        let generation = self.generation();
        let found = if self.enabled {
            self.entries.read().unwrap_or_else(PoisonError::into_inner).get(key).cloned()
        } else {
            None
        };
        let lookup = match found {
            Some(page) if page.generation == generation => Lookup::Fresh(page),
            Some(page) => {
                let won = self.inflight.lock().unwrap_or_else(PoisonError::into_inner).insert(key.to_owned());
                if won {
                    Lookup::Render(RebuildClaim { cache: Arc::clone(self), key: Some(key.to_owned()) })
                } else {
                    Lookup::Stale(page)
                }
            }
            None => Lookup::Render(RebuildClaim { cache: Arc::clone(self), key: None }),
        };
        let counter = if matches!(lookup, Lookup::Render(_)) { &self.misses } else { &self.hits };
        counter.fetch_add(1, Ordering::Relaxed);
        lookup
    }

    /// Keeps a rendered page, evicting others when over the size bound.
    pub fn store(&self, key: String, page: Arc<CachedPage>) {
        if !self.enabled {
            return;
        }
        let weight = page.weight() + key.len();
        let mut entries = self.entries.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(old) = entries.insert(key.clone(), page) {
            self.bytes.fetch_sub(old.weight() + key.len(), Ordering::AcqRel);
        }
        let total = self.bytes.fetch_add(weight, Ordering::AcqRel) + weight;
        if total > self.max_bytes {
            self.evict(&mut entries, &key);
        }
    }

    /// Accounts for compressed forms added to a cached page after it was stored.
    pub fn grew(&self, added: usize) {
        if self.enabled {
            self.bytes.fetch_add(added, Ordering::AcqRel);
        }
    }

    /// Drops stale pages first, then others, until under three quarters of the bound.
    fn evict(&self, entries: &mut HashMap<String, Arc<CachedPage>>, keep: &str) {
        let generation = self.generation();
        let target = self.max_bytes / 4 * 3;
        let mut victims: Vec<(bool, String)> = entries
            .iter()
            .filter(|(k, _)| k.as_str() != keep)
            .map(|(k, p)| (p.generation == generation, k.clone()))
            .collect();
        victims.sort_by_key(|(fresh, _)| *fresh);
        for (_, key) in victims {
            if self.bytes.load(Ordering::Acquire) <= target {
                break;
            }
            if let Some(old) = entries.remove(&key) {
                self.bytes.fetch_sub(old.weight() + key.len(), Ordering::AcqRel);
            }
        }
    }

    /// Bytes held, for reports.
    pub fn bytes(&self) -> usize {
        self.bytes.load(Ordering::Acquire)
    }
}

/// A value derived from stored content (the page chrome, say), kept until the content
/// generation moves on or a moment of its own passes, whether or not pages are cached.
#[derive(Debug)]
pub struct Derived<T> {
    current: RwLock<Option<Arc<(u64, Timestamp, T)>>>,
}

impl<T> Default for Derived<T> {
    fn default() -> Self {
        Self { current: RwLock::new(None) }
    }
}

impl<T: Clone> Derived<T> {
    /// The value kept at `generation`, unless `now` has reached the moment it expires.
    pub fn get(&self, generation: u64, now: Timestamp) -> Option<T> {
        let current = self.current.read().unwrap_or_else(PoisonError::into_inner);
        current.as_ref().filter(|c| c.0 == generation && now < c.1).map(|c| c.2.clone())
    }

    /// Keeps `value`, derived at `generation`, until `until`.
    pub fn set(&self, generation: u64, until: Timestamp, value: T) {
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Some(Arc::new((generation, until, value)));
    }
}

/// Values derived from stored content one item at a time (listing cards as template
/// objects, say), kept until the content generation moves on, at most `max` of them.
/// A value made at an older generation than the newest seen is not kept.
pub struct DerivedByKey<K, V> {
    current: Mutex<(u64, FxHashMap<K, V>)>,
    max: usize,
}

impl<K: Eq + Hash, V: Clone> DerivedByKey<K, V> {
    /// Keeps at most `max` values at a time.
    pub fn new(max: usize) -> Self {
        Self { current: Mutex::new((0, FxHashMap::default())), max }
    }

    /// The value kept for `key` at `generation`.
    pub fn get(&self, generation: u64, key: &K) -> Option<V> {
        let current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        if current.0 == generation { current.1.get(key).cloned() } else { None }
    }

    /// Keeps `value` for `key`, made at `generation`: forgets every value kept at an
    /// older one, and keeps nothing if a newer one has been seen or `max` are kept.
    pub fn set(&self, generation: u64, key: K, value: V) {
        let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        if generation > current.0 {
            *current = (generation, FxHashMap::default());
        }
        if generation == current.0 && current.1.len() < self.max {
            current.1.insert(key, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(cache: &PageCache, body: &'static str) -> Arc<CachedPage> {
        Arc::new(CachedPage::new(
            Bytes::from_static(body.as_bytes()),
            "text/html",
            cache.generation(),
            Timestamp::UNIX_EPOCH,
        ))
    }

    #[test]
    fn values_by_key_are_kept_for_their_generation_only_and_up_to_the_limit() {
        let derived = DerivedByKey::new(2);
        derived.set(1, "a", 10);
        assert_eq!(derived.get(1, &"a"), Some(10));
        assert_eq!(derived.get(2, &"a"), None, "another generation");
        derived.set(1, "b", 11);
        derived.set(1, "c", 12);
        assert_eq!((derived.get(1, &"b"), derived.get(1, &"c")), (Some(11), None), "no more than the limit");
        derived.set(2, "c", 22);
        assert_eq!((derived.get(2, &"a"), derived.get(2, &"c")), (None, Some(22)), "a newer one starts afresh");
        derived.set(1, "a", 10);
        assert_eq!((derived.get(1, &"a"), derived.get(2, &"a")), (None, None), "an older one keeps nothing");
    }

    #[test]
    fn a_stored_page_is_fresh_until_invalidated() {
        let cache = Arc::new(PageCache::new(true, 1 << 20));
        assert!(matches!(cache.lookup("/"), Lookup::Render(_)));
        cache.store("/".into(), page(&cache, "home"));
        assert!(matches!(cache.lookup("/"), Lookup::Fresh(_)));
        cache.invalidate();
        assert!(matches!(cache.lookup("/"), Lookup::Render(_)));
    }

    #[test]
    fn only_one_caller_rebuilds_a_stale_page_the_rest_get_the_old_copy() {
        let cache = Arc::new(PageCache::new(true, 1 << 20));
        cache.store("/".into(), page(&cache, "old"));
        cache.invalidate();
        let claim = cache.lookup("/");
        assert!(matches!(claim, Lookup::Render(_)));
        for _ in 0..10 {
            match cache.lookup("/") {
                Lookup::Stale(p) => assert_eq!(&p.body[..], b"old"),
                _ => panic!("a second rebuild was allowed"),
            }
        }
        drop(claim);
        assert!(matches!(cache.lookup("/"), Lookup::Render(_)));
    }

    #[test]
    fn the_size_bound_evicts_pages() {
        let cache = Arc::new(PageCache::new(true, 64));
        for i in 0..20 {
            cache.store(format!("/{i}"), page(&cache, "0123456789"));
        }
        assert!(cache.bytes() <= 64);
    }

    #[test]
    fn lookups_are_counted_as_hits_and_misses() {
        let cache = Arc::new(PageCache::new(true, 1 << 20));
        drop(cache.lookup("/"));
        cache.store("/".into(), page(&cache, "home"));
        drop(cache.lookup("/"));
        drop(cache.lookup("/"));
        assert_eq!(cache.counts(), CacheCounts { hits: 2, misses: 1 });
    }

    #[test]
    fn a_disabled_cache_keeps_nothing() {
        let cache = Arc::new(PageCache::new(false, 1 << 20));
        cache.store("/".into(), page(&cache, "home"));
        assert!(matches!(cache.lookup("/"), Lookup::Render(_)));
    }

    #[test]
    fn a_derived_value_lasts_until_its_generation_or_moment_passes() {
        let derived = Derived::default();
        let noon = Timestamp::from_second(43_200).expect("in range");
        let midnight = Timestamp::from_second(86_400).expect("in range");
        assert_eq!(derived.get(1, noon), None);
        derived.set(1, midnight, "chrome");
        assert_eq!(derived.get(1, noon), Some("chrome"));
        assert_eq!(derived.get(2, noon), None);
        assert_eq!(derived.get(1, midnight), None);
    }

    #[test]
    fn etags_differ_when_bodies_differ() {
        let cache = PageCache::new(true, 1 << 20);
        assert_ne!(page(&cache, "a").etag, page(&cache, "b").etag);
        assert_eq!(page(&cache, "a").etag, page(&cache, "a").etag);
    }
}
