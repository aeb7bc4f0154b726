//! Settings, loaded once in layers: defaults, then `qalam.toml` in the data directory,
//! then `QALAM_*` environment variables (`QALAM_SITE_NAME`, `QALAM_CACHE_ENABLED`,
//! `QALAM_RATES_SOURCES_NBK`…). Unknown keys are refused, so a typo is an error at
//! start-up rather than a setting silently ignored.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::Deserialize;

use crate::domain::excerpt::DEFAULT_EXCERPT_WORDS;
use crate::domain::money::ValueStyle;
use crate::domain::taxonomy::TagKind;
use crate::search::Ranking;

/// File name of the settings file inside the data directory.
pub const SETTINGS_FILE: &str = "qalam.toml";

/// Prefix of environment variables that carry settings.
pub const ENV_PREFIX: &str = "QALAM_";

/// Environment variables that are command-line flags, not settings.
const FLAG_VARIABLES: &[&str] = &["QALAM_DATA", "QALAM_ADDR", "QALAM_LOG"];

/// The `--database-url` flag, which outranks the file and the environment.
static DATABASE_URL_FLAG: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Makes every later [`Settings::load`] use this database, as the command line asked.
pub fn use_database_url(url: String) {
    let _ = DATABASE_URL_FLAG.set(url);
}

/// Table names, longest first so that `rates_sources_nbk` finds `rates.sources`.
const TABLES: &[(&str, &[&str])] = &[
    ("rates_sources_", &["rates", "sources"]),
    ("rates_", &["rates"]),
    ("site_", &["site"]),
    ("cache_", &["cache"]),
    ("ticker_", &["ticker"]),
    ("feeds_", &["feeds"]),
    ("api_", &["api"]),
    ("import_", &["import"]),
    ("redirects_", &["redirects"]),
    ("admin_", &["admin"]),
    ("search_", &["search"]),
    ("media_", &["media"]),
    ("database_", &["database"]),
    ("operations_", &["operations"]),
];

/// Every setting.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// The site as readers see it.
    pub site: SiteSettings,
    /// The rendered-page cache.
    pub cache: CacheSettings,
    /// The currency ticker.
    pub ticker: TickerSettings,
    /// Exchange-rate sources.
    pub rates: RatesSettings,
    /// RSS and Atom feeds and sitemaps.
    pub feeds: FeedSettings,
    /// The read-only Content API.
    pub api: ApiSettings,
    /// How content imported from WordPress is mapped.
    pub import: ImportSettings,
    /// Redirects from an older system's addresses.
    pub redirects: RedirectSettings,
    /// The newsroom: sign-in and sessions.
    pub admin: AdminSettings,
    /// `[search]`: how search results are ranked, freshness included.
    pub search: Ranking,
    /// Uploaded images and their responsive variants.
    pub media: MediaSettings,
    /// Where content is stored: SQLite in the data directory, or PostgreSQL.
    pub database: DatabaseSettings,
    /// What the server tells its operators.
    pub operations: OperationsSettings,
}

impl Settings {
    /// The directory uploads are kept in, for a data directory.
    pub fn media_dir(&self, data_dir: &Path) -> std::path::PathBuf {
        self.media.dir.clone().unwrap_or_else(|| data_dir.join(crate::app::MEDIA_DIR))
    }
}

/// `[database]`. Without a URL, the store is the SQLite file in the data directory;
/// with a `postgres://` URL (also `QALAM_DATABASE_URL` or `--database-url`), it is
/// that PostgreSQL database, which several nodes can share.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseSettings {
    /// `postgres://user@host:port/database`; empty for SQLite.
    pub url: Option<String>,
    /// PostgreSQL connections each node keeps at most.
    pub pool_size: usize,
    /// Milliseconds a request waits for a free connection before the site answers 503.
    pub pool_wait_ms: u64,
    /// Milliseconds opening a connection may take.
    pub connect_timeout_ms: u64,
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self { url: None, pool_size: 16, pool_wait_ms: 2_000, connect_timeout_ms: 5_000 }
    }
}

/// `[operations]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OperationsSettings {
    /// Whether `/metrics` answers (Prometheus text). It shows counts and timings, no
    /// content; a proxy in front keeps it from the public (see docs/deployment.md).
    pub metrics: bool,
}

impl Default for OperationsSettings {
    fn default() -> Self {
        Self { metrics: true }
    }
}

/// `[admin]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AdminSettings {
    /// Whether session cookies carry `Secure` (sent over HTTPS only). Browsers accept
    /// such cookies from `http://localhost` too; turn it off only for a newsroom reached
    /// over plain HTTP on another address, which should not exist.
    pub secure_cookies: bool,
    /// Days a sign-in lasts.
    pub session_days: u32,
    /// A request header carrying the client's address, set by a reverse proxy in front
    /// of Qalam (such as `x-forwarded-for`; its first address is used). Without it the
    /// connection's address is used, which behind a proxy is the proxy's.
    pub client_ip_header: Option<String>,
}

impl Default for AdminSettings {
    fn default() -> Self {
        Self { secure_cookies: true, session_days: 14, client_ip_header: None }
    }
}

/// `[media]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MediaSettings {
    /// Largest upload accepted, in bytes.
    pub max_upload_bytes: u64,
    /// Most pixels (width × height, read from the header before decoding) an image may
    /// have; this bounds the memory one image takes (the decoded pixels plus the
    /// resampler's working copy: a 24-megapixel photo peaks near 200 MB).
    pub max_pixels: u64,
    /// Widths of the responsive variants, in pixels; an image is never enlarged.
    pub widths: Vec<u32>,
    /// Images processed at once, each on its own blocking thread.
    pub workers: usize,
    /// Quality of the WebP variants, 1–100.
    pub webp_quality: u8,
    /// Quality of re-encoded JPEGs, 1–100.
    pub jpeg_quality: u8,
    /// Where uploads are kept and served from; `media` in the data directory when
    /// unset. Nodes sharing one PostgreSQL database must share this directory too.
    pub dir: Option<std::path::PathBuf>,
}

impl Default for MediaSettings {
    fn default() -> Self {
        Self {
            max_upload_bytes: 25_000_000,
            max_pixels: 50_000_000,
            widths: vec![480, 960, 1600],
            workers: 1,
            webp_quality: 80,
            jpeg_quality: 82,
            dir: None,
        }
    }
}

/// `[site]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SiteSettings {
    /// Name in the header and titles.
    pub name: String,
    /// Public address, without a trailing slash.
    pub base_url: String,
    /// IANA time zone for the date line and archives.
    pub timezone: String,
    /// Articles per listing page.
    pub per_page: u32,
    /// Words in an automatic excerpt.
    pub excerpt_words: usize,
    /// A directory whose `templates/` and `static/` shadow the built-in theme.
    pub theme_dir: Option<PathBuf>,
    /// One sentence about the site, for pages without their own description and feeds.
    pub description: String,
    /// Address of the newsroom's logo (absolute, or a path on this site), for JSON-LD
    /// and social cards; the favicon when unset.
    pub logo: Option<String>,
    /// The newsroom's X (Twitter) handle, such as `@steppepost`, for Twitter cards.
    pub twitter: Option<String>,
    /// Addresses of the newsroom's social profiles, named in JSON-LD as `sameAs`.
    pub social: Vec<String>,
}

impl Default for SiteSettings {
    fn default() -> Self {
        Self {
            name: "Qalam".to_owned(),
            base_url: "http://127.0.0.1:8080".to_owned(),
            timezone: "Asia/Almaty".to_owned(),
            per_page: 6,
            excerpt_words: DEFAULT_EXCERPT_WORDS,
            theme_dir: None,
            description: "News from Kazakhstan, Kyrgyzstan, Tajikistan, Turkmenistan and Uzbekistan".to_owned(),
            logo: None,
            twitter: None,
            social: Vec::new(),
        }
    }
}

/// `[cache]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CacheSettings {
    /// Whether rendered pages are kept in memory.
    pub enabled: bool,
    /// Upper bound on the bytes the cache holds.
    pub max_bytes: usize,
    /// `max-age` sent to browsers and CDNs, in seconds.
    pub max_age: u32,
}

impl Default for CacheSettings {
    fn default() -> Self {
        Self { enabled: true, max_bytes: 64 * 1024 * 1024, max_age: 60 }
    }
}

/// `[feeds]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FeedSettings {
    /// Items in each RSS and Atom feed.
    pub items: u32,
    /// Whether feed items carry the whole article or only its summary.
    pub full_content: bool,
    /// Most addresses in one sitemap file; the protocol allows 50,000.
    pub sitemap_urls: u32,
}

impl Default for FeedSettings {
    fn default() -> Self {
        Self { items: 20, full_content: true, sitemap_urls: 50_000 }
    }
}

/// `[api]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ApiSettings {
    /// Whether the Content API answers only requests carrying a key made with
    /// `qalam api-key add`; without it a key is optional, but a wrong one is refused.
    pub require_key: bool,
    /// Origins whose pages may read the API from a browser: `["*"]` for any, `[]` for none.
    pub cors_origins: Vec<String>,
}

impl Default for ApiSettings {
    fn default() -> Self {
        Self { require_key: false, cors_origins: vec!["*".to_owned()] }
    }
}

/// `[import]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ImportSettings {
    /// WordPress categories that become something other than the default: a category
    /// named after one of the five countries becomes that country, any other a section.
    pub categories: Vec<CategoryMapping>,
}

/// `[[import.categories]]`: one WordPress category mapped to a country, section or topic.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryMapping {
    /// The category's slug in WordPress (its `nicename`, as in `/category/kz-news/`).
    pub category: String,
    /// What it becomes: `country`, `section` or `topic`.
    #[serde(deserialize_with = "tag_kind")]
    pub kind: TagKind,
    /// Its name in Qalam, when not the WordPress one.
    pub name: Option<String>,
}

fn tag_kind<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<TagKind, D::Error> {
    let text = String::deserialize(deserializer)?;
    TagKind::parse(&text).ok_or_else(|| serde::de::Error::custom(format!("{text:?} is not country, section or topic")))
}

/// `[redirects]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RedirectSettings {
    /// Address patterns of an older system, tried in order when an address is neither
    /// a page nor a stored redirect.
    pub rules: Vec<RedirectRule>,
}

/// `[[redirects.rules]]`: `from = "/index.php/news/{id}-{slug}"`, `to = "/{slug}/"`.
/// A `{name}` in `from` matches one or more characters within a path segment (never `/`,
/// `?`, `&`, `#` or `\`); `to` is a site-relative address that may use what it matched.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RedirectRuleText")]
pub struct RedirectRule {
    /// The pattern of old addresses, in pieces.
    pub from: Vec<PatternPiece>,
    /// The new address, with `{name}` where a piece of `from` goes.
    pub to: String,
}

/// A piece of a redirect pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatternPiece {
    /// Text that must be there as written.
    Literal(String),
    /// A named part that varies.
    Capture(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RedirectRuleText {
    from: String,
    to: String,
}

impl TryFrom<RedirectRuleText> for RedirectRule {
    type Error = String;

    fn try_from(text: RedirectRuleText) -> Result<Self, Self::Error> {
        let from = pattern_pieces(&text.from)?;
        if !text.from.starts_with('/') {
            return Err(format!("redirect pattern {:?} must start with /", text.from));
        }
        if from.windows(2).any(|w| matches!(w, [PatternPiece::Capture(_), PatternPiece::Capture(_)])) {
            return Err(format!("redirect pattern {:?} has two {{names}} with nothing between them", text.from));
        }
        // A target of `//host` or `/\host` would send readers to another site.
        if !text.to.starts_with('/') || text.to.starts_with("//") || text.to.starts_with("/\\") {
            return Err(format!("redirect target {:?} must be an address on this site, starting with one /", text.to));
        }
        for piece in pattern_pieces(&text.to)? {
            if let PatternPiece::Capture(name) = piece
                && !from.contains(&PatternPiece::Capture(name.clone()))
            {
                return Err(format!(
                    "redirect target {:?} uses {{{name}}}, which {:?} does not have",
                    text.to, text.from
                ));
            }
        }
        Ok(Self { from, to: text.to })
    }
}

/// Splits `/news/{id}-{slug}` into literals and named captures.
fn pattern_pieces(text: &str) -> Result<Vec<PatternPiece>, String> {
    let mut pieces = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            pieces.push(PatternPiece::Literal(rest[..open].to_owned()));
        }
        let close = rest[open..].find('}').ok_or_else(|| format!("{text:?}: a {{ is not closed"))? + open;
        let name = &rest[open + 1..close];
        let well_named = name.bytes().next().is_some_and(|b| b.is_ascii_lowercase() || b == b'_')
            && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !well_named {
            return Err(format!("{text:?}: {{{name}}} is not a name of lowercase letters, digits and _"));
        }
        pieces.push(PatternPiece::Capture(name.to_owned()));
        rest = &rest[close + 1..];
    }
    if rest.contains('}') {
        return Err(format!("{text:?}: a }} is not opened"));
    }
    if !rest.is_empty() {
        pieces.push(PatternPiece::Literal(rest.to_owned()));
    }
    Ok(pieces)
}

/// `[ticker]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TickerSettings {
    /// Currencies shown, in order.
    pub currencies: Vec<String>,
    /// The currency they are valued in.
    pub quote: String,
    /// `significant` (default) or `reference` (exactly five decimals).
    pub style: ValueStyle,
}

impl Default for TickerSettings {
    fn default() -> Self {
        Self {
            currencies: ["KGS", "KZT", "TJS", "UZS", "TMT"].map(str::to_owned).to_vec(),
            quote: "USD".to_owned(),
            style: ValueStyle::Significant,
        }
    }
}

/// `[rates]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RatesSettings {
    /// One address per central bank; `""` turns a source off.
    pub sources: RateSources,
    /// Times of day, in the site's time zone, at which `qalam serve` fetches every source.
    pub schedule: Vec<TimeOfDay>,
    /// Whether `qalam serve` fetches at start-up when the stored rates are older than
    /// the latest business day.
    pub fetch_on_start: bool,
    /// Milliseconds one request may take, from connecting to the last byte.
    pub timeout_ms: u64,
    /// Further attempts after a failed one (not after a 4xx answer).
    pub retries: u32,
    /// Milliseconds before the first retry; each further retry waits twice as long.
    pub retry_delay_ms: u64,
    /// Manat per US dollar, the official fixed rate used when the Central Bank of
    /// Turkmenistan's file cannot be had (not when `sources.cbt` is off); `""` turns
    /// it off.
    #[serde(deserialize_with = "decimal_or_off")]
    pub tmt_peg: Option<Decimal>,
    /// A Frankfurter-compatible address asked for the dollar rate of a bank that failed;
    /// unset or `""` (the default) turns the fallback off.
    pub fallback: Option<String>,
    /// A new rate that differs from the last one stored by more than this percentage is
    /// refused as implausible (a real devaluation needs this raised).
    pub max_change_percent: u32,
    /// Milliseconds between two requests to the same bank during a back-fill.
    pub backfill_pause_ms: u64,
}

impl Default for RatesSettings {
    fn default() -> Self {
        Self {
            sources: RateSources::default(),
            schedule: [(9, 30), (12, 30), (16, 30), (19, 0)]
                .map(|(hour, minute)| TimeOfDay(jiff::civil::Time::constant(hour, minute, 0, 0)))
                .to_vec(),
            fetch_on_start: true,
            timeout_ms: 20_000,
            retries: 2,
            retry_delay_ms: 3_000,
            tmt_peg: Some(Decimal::new(35, 1)),
            fallback: None,
            max_change_percent: 50,
            backfill_pause_ms: 500,
        }
    }
}

/// A time of day written `HH:MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(try_from = "String")]
pub struct TimeOfDay(pub jiff::civil::Time);

impl TimeOfDay {
    /// Reads `HH:MM`.
    pub fn parse(text: &str) -> Option<Self> {
        jiff::civil::Time::strptime("%H:%M", text.trim()).ok().map(Self)
    }
}

impl TryFrom<String> for TimeOfDay {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text).ok_or_else(|| format!("{text:?} is not a time of day such as \"09:30\""))
    }
}

/// A decimal written as a string or a number; `""` means none. Environment variables
/// arrive as numbers (`QALAM_RATES_TMT_PEG=3.5`), the file may quote them.
fn decimal_or_off<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Decimal>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Written {
        Text(String),
        Integer(i64),
        Float(f64),
    }
    let text = match Written::deserialize(deserializer)? {
        Written::Text(text) if text.trim().is_empty() => return Ok(None),
        Written::Text(text) => text,
        Written::Integer(n) => n.to_string(),
        Written::Float(f) => f.to_string(),
    };
    match Decimal::from_str(text.trim()) {
        Ok(value) if value > Decimal::ZERO => Ok(Some(value)),
        _ => Err(serde::de::Error::custom(format!("{text:?} is not a positive decimal"))),
    }
}

/// `[rates.sources]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RateSources {
    /// National Bank of Kazakhstan.
    pub nbk: Option<String>,
    /// National Bank of the Kyrgyz Republic.
    pub nbkr: Option<String>,
    /// National Bank of Tajikistan.
    pub nbt: Option<String>,
    /// Central Bank of the Republic of Uzbekistan.
    pub cbu: Option<String>,
    /// Central Bank of Turkmenistan.
    pub cbt: Option<String>,
}

/// Why settings could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file or an environment variable holds something that is not a setting.
    #[error("invalid settings in {origin}: {message}")]
    Invalid {
        /// File or variable.
        origin: String,
        /// What is wrong.
        message: String,
    },
}

impl Settings {
    /// Loads `qalam.toml` from `data_dir` (if present), the process environment, and
    /// the `--database-url` flag.
    pub fn load(data_dir: &Path) -> Result<Self, SettingsError> {
        let mut settings = Self::load_from(data_dir, std::env::vars())?;
        if let Some(url) = DATABASE_URL_FLAG.get() {
            settings.database.url = Some(url.clone());
        }
        Ok(settings)
    }

    /// Loads settings from `data_dir` and the given environment.
    pub fn load_from(data_dir: &Path, env: impl IntoIterator<Item = (String, String)>) -> Result<Self, SettingsError> {
        let path = data_dir.join(SETTINGS_FILE);
        let mut table = match std::fs::read_to_string(&path) {
            Ok(text) => text
                .parse::<toml::Table>()
                .map_err(|e| SettingsError::Invalid { origin: path.display().to_string(), message: e.to_string() })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => toml::Table::new(),
            Err(source) => return Err(SettingsError::Read { path, source }),
        };
        for (name, value) in env {
            if !name.starts_with(ENV_PREFIX) || FLAG_VARIABLES.contains(&name.as_str()) {
                continue;
            }
            overlay_env(&mut table, &name, &value)?;
        }
        let settings: Settings = table.try_into().map_err(|e: toml::de::Error| SettingsError::Invalid {
            origin: format!("{} and {ENV_PREFIX}* variables", path.display()),
            message: e.to_string(),
        })?;
        settings.check()?;
        Ok(settings)
    }

    fn check(&self) -> Result<(), SettingsError> {
        let invalid = |message: String| SettingsError::Invalid { origin: "settings".to_owned(), message };
        if jiff::tz::TimeZone::get(&self.site.timezone).is_err() {
            return Err(invalid(format!("unknown time zone {:?}", self.site.timezone)));
        }
        if !(1..=100).contains(&self.site.per_page) {
            return Err(invalid("site.per_page must be between 1 and 100".to_owned()));
        }
        if self.site.excerpt_words == 0 {
            return Err(invalid("site.excerpt_words must be at least 1".to_owned()));
        }
        if !(1..=100).contains(&self.feeds.items) {
            return Err(invalid("feeds.items must be between 1 and 100".to_owned()));
        }
        if !(1..=50_000).contains(&self.feeds.sitemap_urls) {
            return Err(invalid("feeds.sitemap_urls must be between 1 and 50000".to_owned()));
        }
        if self.rates.timeout_ms == 0 || self.rates.max_change_percent == 0 {
            return Err(invalid("rates.timeout_ms and rates.max_change_percent must be at least 1".to_owned()));
        }
        if let Some(problem) = self.search.problem() {
            return Err(invalid(problem));
        }
        let media = &self.media;
        if media.max_upload_bytes == 0 || media.max_pixels == 0 || media.workers == 0 {
            return Err(invalid(
                "media.max_upload_bytes, media.max_pixels and media.workers must be at least 1".to_owned(),
            ));
        }
        if media.widths.is_empty() || media.widths.iter().any(|w| !(16..=8192).contains(w)) {
            return Err(invalid("media.widths must list widths between 16 and 8192".to_owned()));
        }
        if !(1..=100).contains(&media.webp_quality) || !(1..=100).contains(&media.jpeg_quality) {
            return Err(invalid("media.webp_quality and media.jpeg_quality must be between 1 and 100".to_owned()));
        }
        Ok(())
    }
}

fn overlay_env(table: &mut toml::Table, name: &str, value: &str) -> Result<(), SettingsError> {
    let key = name[ENV_PREFIX.len()..].to_ascii_lowercase();
    let Some((prefix, path)) = TABLES.iter().find(|(prefix, _)| key.starts_with(prefix)) else {
        return Err(SettingsError::Invalid { origin: name.to_owned(), message: "not a known setting".to_owned() });
    };
    let mut target = table;
    for part in *path {
        let entry = target.entry((*part).to_owned()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
        let toml::Value::Table(inner) = entry else {
            return Err(SettingsError::Invalid { origin: name.to_owned(), message: format!("{part} is not a table") });
        };
        target = inner;
    }
    target.insert(key[prefix.len()..].to_owned(), env_value(value));
    Ok(())
}

/// Reads an environment value as TOML when it is a boolean, number or array, and as a
/// string otherwise, so `QALAM_CACHE_ENABLED=false` and `QALAM_SITE_NAME=Daily` both work.
fn env_value(value: &str) -> toml::Value {
    let as_toml = format!("v = {value}");
    match as_toml.parse::<toml::Table>() {
        Ok(mut t) => match t.remove("v") {
            Some(
                v @ (toml::Value::Boolean(_) | toml::Value::Integer(_) | toml::Value::Float(_) | toml::Value::Array(_)),
            ) => v,
            _ => toml::Value::String(value.to_owned()),
        },
        Err(_) => toml::Value::String(value.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn file_then_environment_layers_apply() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join(SETTINGS_FILE),
            "[site]\nname = \"Steppe Post\"\nper_page = 10\n[rates.sources]\nnbk = \"\"\n",
        )
        .expect("write settings");
        let settings = Settings::load_from(
            dir.path(),
            env(&[
                ("QALAM_SITE_PER_PAGE", "8"),
                ("QALAM_CACHE_ENABLED", "false"),
                ("QALAM_RATES_SOURCES_CBU", "http://127.0.0.1:1/x"),
            ]),
        )
        .expect("settings load");
        assert_eq!(settings.site.name, "Steppe Post");
        assert_eq!(settings.site.per_page, 8);
        assert!(!settings.cache.enabled);
        assert_eq!(settings.rates.sources.nbk.as_deref(), Some(""));
        assert_eq!(settings.rates.sources.cbu.as_deref(), Some("http://127.0.0.1:1/x"));
    }

    #[test]
    fn search_ranking_reads_from_file_and_environment_and_refuses_weights_that_cannot_rank() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(SETTINGS_FILE), "[search]\nfreshness_weight = 1\ntitle_boost = 4.5\n")
            .expect("write settings");
        let settings = Settings::load_from(dir.path(), env(&[("QALAM_SEARCH_FRESHNESS_HALF_LIFE_DAYS", "7")]))
            .expect("settings load");
        let ranking = settings.search;
        assert_eq!((ranking.freshness_weight, ranking.title_boost, ranking.freshness_half_life_days), (1.0, 4.5, 7.0));
        assert_eq!(ranking.key_weight, Ranking::default().key_weight, "the others keep their defaults");
        for bad in [("KEY_WEIGHT", "2"), ("TITLE_BOOST", "-1"), ("FRESHNESS_HALF_LIFE_DAYS", "0"), ("FRESHNESS", "1")] {
            let name = format!("QALAM_SEARCH_{}", bad.0);
            assert!(Settings::load_from(dir.path(), env(&[(&name, bad.1)])).is_err(), "{name}={}", bad.1);
        }
    }

    #[test]
    fn unknown_keys_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(SETTINGS_FILE), "[site]\nnmae = \"typo\"\n").expect("write settings");
        assert!(Settings::load_from(dir.path(), env(&[])).is_err());
        let empty = tempfile::tempdir().expect("tempdir");
        assert!(Settings::load_from(empty.path(), env(&[("QALAM_SITE_COLOUR", "red")])).is_err());
        assert!(Settings::load_from(empty.path(), env(&[("QALAM_NOPE", "1")])).is_err());
    }

    #[test]
    fn rate_settings_read_times_and_the_peg_from_file_and_environment() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(SETTINGS_FILE), "[rates]\nschedule = [\"10:15\"]\ntmt_peg = \"3.50\"\n")
            .expect("write settings");
        let settings = Settings::load_from(dir.path(), env(&[("QALAM_RATES_RETRIES", "0")])).expect("settings load");
        assert_eq!(settings.rates.schedule, [TimeOfDay(jiff::civil::Time::constant(10, 15, 0, 0))]);
        assert_eq!(settings.rates.tmt_peg.map(|p| p.to_string()).as_deref(), Some("3.50"));
        assert_eq!(settings.rates.retries, 0);
        assert_eq!(settings.rates.fallback, None);
        let peg = Settings::load_from(dir.path(), env(&[("QALAM_RATES_TMT_PEG", "3.5")])).expect("settings load");
        assert_eq!(peg.rates.tmt_peg.map(|p| p.to_string()).as_deref(), Some("3.5"));
        let off = Settings::load_from(dir.path(), env(&[("QALAM_RATES_TMT_PEG", "")])).expect("settings load");
        assert_eq!(off.rates.tmt_peg, None);
        assert!(Settings::load_from(dir.path(), env(&[("QALAM_RATES_SCHEDULE", "[\"25:00\"]")])).is_err());
        assert!(Settings::load_from(dir.path(), env(&[("QALAM_RATES_TMT_PEG", "-1")])).is_err());
    }

    #[test]
    fn media_settings_come_from_the_environment_and_are_checked() {
        let dir = tempfile::tempdir().expect("tempdir");
        let settings = Settings::load_from(
            dir.path(),
            env(&[("QALAM_MEDIA_WIDTHS", "[320, 640]"), ("QALAM_MEDIA_MAX_PIXELS", "1000000")]),
        )
        .expect("settings load");
        assert_eq!(settings.media.widths, [320, 640]);
        assert_eq!(settings.media.max_pixels, 1_000_000);
        assert_eq!(settings.media.workers, 1);
        assert!(Settings::load_from(dir.path(), env(&[("QALAM_MEDIA_WORKERS", "0")])).is_err());
        assert!(Settings::load_from(dir.path(), env(&[("QALAM_MEDIA_WIDTHS", "[]")])).is_err());
    }

    #[test]
    fn an_unknown_time_zone_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(Settings::load_from(dir.path(), env(&[("QALAM_SITE_TIMEZONE", "Mars/Olympus")])).is_err());
    }
}
