//! The application object, built once: settings, store, renderer, page cache and clock.
//! Handlers reach it through axum state; tests build it with their own clock.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::cache::PageCache;
use crate::config::Settings;
use crate::render::Renderer;
use crate::render::assets::Assets;
use crate::render::theme::Theme;
use crate::store::{SqliteStore, Store};

/// Name of the SQLite database inside the data directory.
pub const DATABASE_FILE: &str = "qalam.db";

/// Where the time comes from.
#[derive(Debug, Clone)]
pub enum Clock {
    /// The system clock.
    System,
    /// A fixed instant, for tests.
    Fixed(Timestamp),
}

impl Clock {
    /// The current instant.
    pub fn now(&self) -> Timestamp {
        match self {
            Self::System => Timestamp::now(),
            Self::Fixed(t) => *t,
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
    /// Time source.
    pub clock: Clock,
    /// The site's time zone.
    pub tz: TimeZone,
}

impl App {
    /// Opens the data directory (creating it if needed) with the given settings.
    pub fn open(data_dir: &Path, settings: Settings, clock: Clock) -> anyhow::Result<Arc<Self>> {
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("cannot create data directory {}", data_dir.display()))?;
        let store = open_store(data_dir)?;
        let tz = TimeZone::get(&settings.site.timezone)
            .with_context(|| format!("unknown time zone {}", settings.site.timezone))?;
        let theme = Theme::new(settings.site.theme_dir.as_deref());
        let assets = Assets::load(&theme).context("cannot read the theme's static files")?;
        let renderer = Renderer::new(theme).context("the theme has an error")?;
        let pages = Arc::new(PageCache::new(settings.cache.enabled, settings.cache.max_bytes));
        Ok(Arc::new(Self { data_dir: data_dir.to_owned(), settings, store, renderer, assets, pages, clock, tz }))
    }

    /// The current instant.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }
}

/// Opens the store of a data directory.
pub fn open_store(data_dir: &Path) -> anyhow::Result<Arc<dyn Store>> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create data directory {}", data_dir.display()))?;
    let path = data_dir.join(DATABASE_FILE);
    let store = SqliteStore::open(&path).with_context(|| format!("cannot open database {}", path.display()))?;
    Ok(Arc::new(store))
}
