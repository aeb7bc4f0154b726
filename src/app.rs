//! The application object, built once: settings, store, renderer, page cache, clock and
//! the client that fetches exchange rates.
//! Handlers reach it through axum state; tests build it with their own clock.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use anyhow::Context;
use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::cache::{Derived, DerivedByKey, PageCache};
use crate::config::{DatabaseSettings, Settings};
use crate::metrics::Metrics;
use crate::publishing::search_index::IndexProgress;
use crate::rates::RatesClient;
use crate::render::Renderer;
use crate::render::admin::AdminRenderer;
use crate::render::assets::Assets;
use crate::render::theme::Theme;
use crate::search::highlight::MarkableText;
use crate::search::{INDEX_DIR, Opened, Ranking, SearchIndex};
use crate::store::{PostgresOptions, PostgresStore, SqliteStore, Store};

/// Name of the SQLite database inside the data directory.
pub const DATABASE_FILE: &str = "qalam.db";

/// Directory inside the data directory that holds media files, served at `/media/`.
pub const MEDIA_DIR: &str = "media";

/// The most listing cards kept as template objects at one content generation: a few
/// tens of megabytes at most (a card with a 500-word excerpt is a few kilobytes).
const MAX_KEPT_CARDS: usize = 4096;

/// The most search results' cards kept at one content generation: each also has its
/// excerpt read for marking (about three times the text's size), so fewer of them.
const MAX_KEPT_RESULT_CARDS: usize = 2048;

/// Where the time comes from.
#[derive(Debug, Clone)]
pub enum Clock {
    /// The system clock.
    System,
    /// A fixed instant, for tests.
    Fixed(Timestamp),
    /// An instant a test moves forward with [`Clock::set`], to see scheduled work happen.
    Manual(Arc<Mutex<Timestamp>>),
}

impl Clock {
    /// A clock standing at `at` until set.
    pub fn manual(at: Timestamp) -> Self {
        Self::Manual(Arc::new(Mutex::new(at)))
    }

    /// The current instant.
    pub fn now(&self) -> Timestamp {
        match self {
            Self::System => Timestamp::now(),
            Self::Fixed(t) => *t,
            Self::Manual(t) => *t.lock().unwrap_or_else(PoisonError::into_inner),
        }
    }

    /// Moves a manual clock to `at`; other clocks keep their time.
    pub fn set(&self, at: Timestamp) {
        if let Self::Manual(t) = self {
            *t.lock().unwrap_or_else(PoisonError::into_inner) = at;
        }
    }
}

/// Everything a request or a job needs.
pub struct App {
    /// Loaded settings.
    pub settings: Settings,
    /// The data directory.
    pub data_dir: PathBuf,
    /// Content storage.
    pub store: Arc<dyn Store>,
    /// Templates.
    pub renderer: Renderer,
    /// The theme's static files.
    pub assets: Assets,
    /// Rendered pages.
    pub pages: Arc<PageCache>,
    /// What surrounds every page, as a template value, kept per content generation and day.
    pub chrome: Derived<minijinja::Value>,
    /// Listing cards as template objects, by article and excerpt length, kept per
    /// content generation (see [`crate::web::site::cards`]).
    pub cards: DerivedByKey<(i64, usize), minijinja::Value>,
    /// Search results' cards, by article and excerpt length, kept per content
    /// generation (see [`crate::web::site::cards`]).
    pub result_cards: DerivedByKey<(i64, usize), (minijinja::Value, Arc<MarkableText>)>,
    /// Time source.
    pub clock: Clock,
    /// The site's time zone.
    pub tz: TimeZone,
    /// Asks the central banks for their rates.
    pub rates: RatesClient,
    /// The full-text search index.
    pub search: Arc<SearchIndex>,
    /// The newsroom's own screens.
    pub admin_renderer: AdminRenderer,
    /// Permits to process an uploaded image, `[media] workers` of them.
    pub media_workers: Arc<tokio::sync::Semaphore>,
    /// How far the search index has followed the store.
    pub index_progress: Arc<IndexProgress>,
    /// What `/metrics` reports.
    pub metrics: Metrics,
}

impl App {
    /// Opens the data directory (creating it if needed) with the given settings.
    pub async fn open(data_dir: &Path, settings: Settings, clock: Clock) -> anyhow::Result<Arc<Self>> {
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("cannot create data directory {}", data_dir.display()))?;
        let store = open_store(data_dir, &settings.database).await?;
        let tz = TimeZone::get(&settings.site.timezone)
            .with_context(|| format!("unknown time zone {}", settings.site.timezone))?;
        let theme = Theme::new(settings.site.theme_dir.as_deref());
        let assets = Assets::load(&theme).context("cannot read the theme's static files")?;
        let renderer = Renderer::new(theme).context("the theme has an error")?;
        let pages = Arc::new(PageCache::new(settings.cache.enabled, settings.cache.max_bytes));
        let rates = RatesClient::new(&settings.rates).context("cannot set up the HTTP client for exchange rates")?;
        let search = open_search(data_dir, settings.search)?;
        let admin_renderer = AdminRenderer::new().context("the newsroom's templates have an error")?;
        let media_workers = Arc::new(tokio::sync::Semaphore::new(settings.media.workers));
        let metrics = Metrics::new(Arc::clone(&pages), Arc::clone(&store));
        Ok(Arc::new(Self {
            data_dir: data_dir.to_owned(),
            settings,
            store,
            renderer,
            assets,
            pages,
            chrome: Derived::default(),
            cards: DerivedByKey::new(MAX_KEPT_CARDS),
            result_cards: DerivedByKey::new(MAX_KEPT_RESULT_CARDS),
            clock,
            tz,
            rates,
            search,
            admin_renderer,
            media_workers,
            index_progress: Arc::default(),
            metrics,
        }))
    }

    /// The current instant.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }
}

/// Opens the search index of a data directory. One that is missing or unusable is
/// replaced by an empty one, which the serving process refills from the store while the
/// site keeps serving.
pub fn open_search(data_dir: &Path, ranking: Ranking) -> anyhow::Result<Arc<SearchIndex>> {
    let dir = data_dir.join(INDEX_DIR);
    let (search, opened) = SearchIndex::open(&dir, ranking)
        .with_context(|| format!("cannot open the search index in {}", dir.display()))?;
    match opened {
        Opened::Existing => {}
        Opened::Created => {
            tracing::info!(index = %dir.display(), "no search index yet: an empty one was created");
        }
        Opened::Replaced(problem) => tracing::warn!(
            index = %dir.display(),
            problem,
            "the search index was unusable and has been replaced by an empty one; a server rebuilds it from the \
             store in the background while the site serves, and search results are incomplete until then"
        ),
    }
    Ok(Arc::new(search))
}

/// Opens the store the settings name: the PostgreSQL database of `[database] url`, or
/// else the SQLite file in the data directory.
pub async fn open_store(data_dir: &Path, database: &DatabaseSettings) -> anyhow::Result<Arc<dyn Store>> {
    if let Some(url) = database.url.as_deref().filter(|url| !url.is_empty()) {
        let options = PostgresOptions {
            url: url.to_owned(),
            pool_size: database.pool_size,
            wait: Duration::from_millis(database.pool_wait_ms),
            connect: Duration::from_millis(database.connect_timeout_ms),
        };
        // The URL may carry a password: the log names the engine only.
        let store = PostgresStore::connect(options).await.context("cannot open the PostgreSQL database")?;
        tracing::info!("content is stored in PostgreSQL");
        return Ok(Arc::new(store));
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create data directory {}", data_dir.display()))?;
    let path = data_dir.join(DATABASE_FILE);
    let store = SqliteStore::open(&path).with_context(|| format!("cannot open database {}", path.display()))?;
    Ok(Arc::new(store))
}
