//! The test harness: `spawn_app()` starts the real server on a free port over a fresh
//! data directory with a fixed clock; fixtures are generated here, in code; and a few
//! small readers pick cards, tickers and pagers out of the rendered HTML.

use std::ffi::OsString;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use jiff::{Span, Timestamp};
use qalam::app::{App, Clock};
use qalam::config::{SETTINGS_FILE, Settings};
use qalam::publishing::jsonl::{ImportReport, import_jsonl};
use qalam::store::OfficialRate;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use tempfile::TempDir;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The instant every in-process app lives at: 05 December 2025 10:00 in Asia/Almaty.
pub const NOW: &str = "2025-12-05T05:00:00Z";

/// The date line the chrome shows at [`NOW`].
pub const DATE_LINE: &str = r#"<time datetime="2025-12-05">05 December 2025</time>"#;

/// [`NOW`] as a timestamp.
pub fn now() -> Timestamp {
    NOW.parse().expect("NOW is an RFC 3339 instant")
}

/// RFC 3339 text of the instant `hours` before [`NOW`].
pub fn hours_before_now(hours: i64) -> String {
    now().checked_sub(Span::new().hours(hours)).expect("in range").to_string()
}

/// A running server and what it serves from.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    /// The application the server runs.
    pub app: Arc<App>,
    /// The data directory, removed when the test ends.
    pub dir: TempDir,
    /// A client that does not follow redirects, so that they can be asserted.
    pub client: reqwest::Client,
}

/// How to start an app beyond the defaults.
#[derive(Default)]
pub struct Options {
    settings_toml: Option<String>,
    env: Vec<(String, String)>,
    dir: Option<TempDir>,
    clock: Option<Timestamp>,
    manual_clock: bool,
}

impl Options {
    /// Writes `qalam.toml` with this text into the data directory first.
    pub fn toml(mut self, text: &str) -> Self {
        self.settings_toml = Some(text.to_owned());
        self
    }

    /// Adds a `QALAM_*` environment variable to the settings layers.
    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.env.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Lives at `instant` instead of [`NOW`] (rates payloads carry their own dates).
    pub fn at(mut self, instant: &str) -> Self {
        self.clock = Some(instant.parse().expect("an RFC 3339 instant"));
        self
    }

    /// Starts at [`NOW`] on a clock the test moves with `app.clock.set(…)`.
    pub fn manual_clock(mut self) -> Self {
        self.manual_clock = true;
        self
    }

    /// Serves an existing data directory (filled by a CLI process, say).
    pub fn dir(mut self, dir: TempDir) -> Self {
        self.dir = Some(dir);
        self
    }
}

/// Starts the server with default settings over an empty data directory.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options::default()).await
}

/// Starts the server with the given settings and data directory.
pub async fn spawn_app_with(options: Options) -> TestApp {
    let dir = options.dir.unwrap_or_else(|| tempfile::tempdir().expect("temporary data directory"));
    if let Some(text) = &options.settings_toml {
        std::fs::write(dir.path().join(SETTINGS_FILE), text).expect("write qalam.toml");
    }
    let settings = Settings::load_from(dir.path(), options.env).expect("settings load");
    let start = options.clock.unwrap_or_else(now);
    let clock = if options.manual_clock { Clock::manual(start) } else { Clock::Fixed(start) };
    let app = App::open(dir.path(), settings, clock).await.expect("app opens");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a free port");
    let address = format!("http://{}", listener.local_addr().expect("local address"));
    tokio::spawn(qalam::web::serve(listener, Arc::clone(&app), std::future::pending()));
    TestApp { address, app, dir, client: client() }
}

/// An HTTP client that reports redirects instead of following them.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client")
}

/// A response read whole.
#[derive(Debug)]
pub struct Page {
    /// Status code.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// Body bytes as sent (possibly compressed).
    pub bytes: Vec<u8>,
}

impl Page {
    /// Reads a response.
    pub async fn read(response: reqwest::Response) -> Self {
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("response body").to_vec();
        Self { status, headers, bytes }
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8(self.bytes.clone()).expect("a UTF-8 body")
    }

    /// A header as text, if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().expect("a text header"))
    }
}

impl TestApp {
    /// Absolute address of a site path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET answered")
    }

    /// `GET path`, read whole.
    pub async fn get_page(&self, path: &str) -> Page {
        Page::read(self.get(path).await).await
    }

    /// `GET path` with extra request headers, read whole.
    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Page {
        let mut request = self.client.get(self.url(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        Page::read(request.send().await.expect("GET answered")).await
    }

    /// `GET path`, asserting a 200, and its text.
    pub async fn get_text(&self, path: &str) -> String {
        let page = self.get_page(path).await;
        assert_eq!(page.status, StatusCode::OK, "GET {path}");
        page.text()
    }

    /// Any method on `path`, read whole.
    pub async fn request(&self, method: Method, path: &str) -> Page {
        Page::read(self.client.request(method, self.url(path)).send().await.expect("answered")).await
    }

    /// Sends `request_line` as is (no client re-encodes it) and returns the status code
    /// and the whole raw response.
    pub async fn raw_get(&self, target: &str) -> (u16, String) {
        let authority = self.address.trim_start_matches("http://");
        let mut stream = TcpStream::connect(authority).await.expect("connect");
        let request = format!("GET {target} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.expect("send");
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await.expect("read");
        let response = String::from_utf8_lossy(&response).into_owned();
        let status = response
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("no status line in {response:?}"));
        (status, response)
    }

    /// Imports articles in process, as `qalam import jsonl` would.
    pub async fn import(&self, articles: &[ArticleSpec]) -> ImportReport {
        self.import_text(&jsonl(articles)).await
    }

    /// Imports JSON-lines text in process.
    pub async fn import_text(&self, text: &str) -> ImportReport {
        let reader = Cursor::new(text.to_owned());
        import_jsonl(self.app.store.as_ref(), &self.app.pages, reader, self.app.now(), &|_| {})
            .await
            .expect("import runs")
    }

    /// Stores official rates quoted in US dollars (before any page is cached).
    pub async fn save_rates(&self, rates: &[(&str, &str, &str)]) {
        let rates = rates
            .iter()
            .map(|(currency, date, rate)| OfficialRate {
                currency: (*currency).to_owned(),
                quote: "USD".to_owned(),
                date: date.parse().expect("date"),
                source: "test".to_owned(),
                rate: rate.parse().expect("decimal rate"),
                scale: 1,
                fetched_at: now(),
            })
            .collect();
        self.app.store.save_rates(rates).await.expect("rates saved");
    }
}

// ---------------------------------------------------------------------------------------
// Fixtures

/// One article to import, written as a JSON line.
#[derive(Debug, Clone)]
pub struct ArticleSpec {
    /// URL slug.
    pub slug: String,
    /// Headline.
    pub title: String,
    /// RFC 3339 publication time.
    pub published_at: String,
    /// Body HTML.
    pub body_html: String,
    /// Byline name.
    pub author: Option<String>,
    /// Country name.
    pub country: Option<String>,
    /// Section name.
    pub section: Option<String>,
    /// Topic names.
    pub tags: Vec<String>,
    /// Subtitle.
    pub dek: Option<String>,
    /// Language code.
    pub language: Option<String>,
}

impl ArticleSpec {
    /// An article of 50 English words published an hour before [`NOW`].
    pub fn new(slug: &str, title: &str) -> Self {
        Self {
            slug: slug.to_owned(),
            title: title.to_owned(),
            published_at: hours_before_now(1),
            body_html: paragraphs(&english_words(50)),
            author: None,
            country: None,
            section: None,
            tags: Vec::new(),
            dek: None,
            language: None,
        }
    }

    /// Published `hours` before [`NOW`].
    pub fn hours_ago(mut self, hours: i64) -> Self {
        self.published_at = hours_before_now(hours);
        self
    }

    /// Published at an RFC 3339 instant.
    pub fn published(mut self, at: &str) -> Self {
        at.clone_into(&mut self.published_at);
        self
    }

    /// A body of `n` numbered English words in paragraphs.
    pub fn words(mut self, n: usize) -> Self {
        self.body_html = paragraphs(&english_words(n));
        self
    }

    /// A body of exactly this HTML.
    pub fn body(mut self, html: &str) -> Self {
        html.clone_into(&mut self.body_html);
        self
    }

    /// Byline.
    pub fn author(mut self, name: &str) -> Self {
        self.author = Some(name.to_owned());
        self
    }

    /// Country.
    pub fn country(mut self, name: &str) -> Self {
        self.country = Some(name.to_owned());
        self
    }

    /// Section.
    pub fn section(mut self, name: &str) -> Self {
        self.section = Some(name.to_owned());
        self
    }

    /// One more topic.
    pub fn tag(mut self, name: &str) -> Self {
        self.tags.push(name.to_owned());
        self
    }

    /// Subtitle.
    pub fn dek(mut self, text: &str) -> Self {
        self.dek = Some(text.to_owned());
        self
    }

    /// Language code.
    pub fn language(mut self, code: &str) -> Self {
        self.language = Some(code.to_owned());
        self
    }

    /// The article's address.
    pub fn path(&self) -> String {
        format!("/{}/", self.slug)
    }

    /// The JSON line `qalam import jsonl` reads.
    pub fn to_json_line(&self) -> String {
        let mut line = serde_json::json!({
            "title": self.title,
            "slug": self.slug,
            "published_at": self.published_at,
            "body_html": self.body_html,
            "tags": self.tags,
        });
        let optional = [
            ("author", &self.author),
            ("country", &self.country),
            ("section", &self.section),
            ("dek", &self.dek),
            ("language", &self.language),
        ];
        for (key, value) in optional {
            if let Some(value) = value {
                line[key] = serde_json::Value::String(value.clone());
            }
        }
        line.to_string()
    }
}

/// `n` articles made by `make(i)`, where article 0 is meant to be the newest.
pub fn articles(n: usize, make: impl Fn(usize) -> ArticleSpec) -> Vec<ArticleSpec> {
    (0..n).map(make).collect()
}

/// `n` articles `{prefix}-01`… titled `{title} 01`…, one hour apart, `01` the newest.
pub fn numbered(n: usize, prefix: &str, title: &str) -> Vec<ArticleSpec> {
    articles(n, |i| {
        let number = i + 1;
        ArticleSpec::new(&format!("{prefix}-{number:02}"), &format!("{title} {number:02}"))
            .hours_ago(i64::try_from(number).expect("small"))
    })
}

/// The JSON-lines text of `articles`.
pub fn jsonl(articles: &[ArticleSpec]) -> String {
    articles.iter().map(|a| a.to_json_line() + "\n").collect()
}

/// Writes lines into `dir/name` and returns the path.
pub fn write_lines(dir: &Path, name: &str, lines: &[String]) -> PathBuf {
    let path = dir.join(name);
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&path, text).expect("write fixture file");
    path
}

const ENGLISH: &[&str] = &[
    "river", "steppe", "harvest", "border", "market", "water", "council", "railway", "grain", "mountain", "valley",
    "budget", "school", "bridge", "winter", "trade", "energy", "village", "museum", "festival", "minister", "farmer",
    "airport",
];

const RUSSIAN: &[&str] = &[
    "Алматы",
    "экономика",
    "новости",
    "правительство",
    "урожай",
    "зерно",
    "граница",
    "торговля",
    "энергетика",
    "вода",
    "река",
    "горы",
    "школа",
    "больница",
    "дорога",
    "мост",
    "зима",
    "весна",
    "рынок",
    "цены",
    "банк",
    "тенге",
    "министр",
];

/// Words that between them use every letter special to Kazakh: ә ғ қ ң ө ұ ү һ і.
pub const KAZAKH: &[&str] = &[
    "Қазақстан",
    "әлемдік",
    "ғылым",
    "қоғамы",
    "өңірлік",
    "ұлттық",
    "үкімет",
    "һәм",
    "білім",
    "жаңалықтар",
    "Өскемен",
    "Ұлытау",
    "Үржар",
    "Ғабит",
    "Әуезов",
    "Іле",
    "Һиджра",
];

/// `n` distinct English words: `river1 steppe2 harvest3…`.
pub fn english_words(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{}{}", ENGLISH[i % ENGLISH.len()], i + 1)).collect()
}

/// `n` Russian words.
pub fn russian_words(n: usize) -> Vec<String> {
    (0..n).map(|i| RUSSIAN[i % RUSSIAN.len()].to_owned()).collect()
}

/// `n` Kazakh words.
pub fn kazakh_words(n: usize) -> Vec<String> {
    (0..n).map(|i| KAZAKH[i % KAZAKH.len()].to_owned()).collect()
}

/// Words as HTML paragraphs of up to 40 words each.
pub fn paragraphs(words: &[String]) -> String {
    words.chunks(40).map(|chunk| format!("<p>{}</p>\n", chunk.join(" "))).collect()
}

/// What an excerpt of `limit` words of `words` must read.
pub fn expected_excerpt(words: &[String], limit: usize) -> String {
    if words.len() > limit { format!("{}...", words[..limit].join(" ")) } else { words.join(" ") }
}

// ---------------------------------------------------------------------------------------
// Reading HTML

/// A card as a listing shows it.
#[derive(Debug, Clone)]
pub struct CardView {
    /// Headline text.
    pub title: String,
    /// Article address.
    pub url: String,
    /// Excerpt text, entities decoded.
    pub excerpt: String,
    /// The card's markup.
    pub html: String,
}

/// Every `<article class="card">` of a page, in order.
pub fn cards(html: &str) -> Vec<CardView> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find(r#"<article class="card""#) {
        let tail = &rest[start..];
        let end = tail.find("</article>").expect("card closes") + "</article>".len();
        let card = &tail[..end];
        let url = between(card, r#"class="card__title"><a href=""#, "\"").expect("card link");
        let title = between(card, &format!(r#"<a href="{url}">"#), "</a>").expect("card title");
        let excerpt = between(card, r#"<p class="card__excerpt">"#, "</p>").expect("card excerpt");
        out.push(CardView {
            title: decode_entities(title),
            url: url.to_owned(),
            excerpt: decode_entities(excerpt),
            html: card.to_owned(),
        });
        rest = &tail[end..];
    }
    out
}

/// Headlines of a page's cards, in order.
pub fn card_titles(html: &str) -> Vec<String> {
    cards(html).into_iter().map(|c| c.title).collect()
}

/// The card headlined `title`.
pub fn card_titled(html: &str, title: &str) -> CardView {
    cards(html).into_iter().find(|c| c.title == title).unwrap_or_else(|| panic!("no card {title:?} in {html}"))
}

/// The text between the first `start` and the next `end` after it.
pub fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let len = text[from..].find(end)?;
    Some(&text[from..from + len])
}

/// The piece of `text` from the first `start` to the next `end`, both included.
pub fn slice<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).unwrap_or_else(|| panic!("{start:?} not in the page"));
    let len = text[from..].find(end).unwrap_or_else(|| panic!("{end:?} not after {start:?}")) + end.len();
    &text[from..from + len]
}

/// Decodes the entities the templates write.
pub fn decode_entities(text: &str) -> String {
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}

/// Text with every tag removed.
pub fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Occurrences of `needle` in `haystack`.
pub fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

/// Asserts that `page` is the theme's error page with this status and title.
pub fn assert_themed_error(page: &Page, status: u16, title: &str, what: &str) {
    assert_eq!(page.status.as_u16(), status, "{what}");
    let html = page.text();
    assert!(html.contains(r#"<header class="site-header">"#), "{what}: no site header in {html}");
    assert!(html.contains(r#"<a class="site-name" href="/">Qalam</a>"#), "{what}: no site name");
    assert!(html.contains(&format!("<h1>{title}</h1>")), "{what}: no <h1>{title}</h1> in {html}");
}

// ---------------------------------------------------------------------------------------
// The executable

/// `qalam` with no `QALAM_*` variables inherited from the test's environment.
pub fn qalam_command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_qalam"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("QALAM_") {
            command.env_remove(name);
        }
    }
    command.env("NO_COLOR", "1");
    command
}

/// Runs `qalam args…` to completion off the async runtime.
pub async fn run_qalam<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: Into<OsString>,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    tokio::task::spawn_blocking(move || qalam_command().args(args).output().expect("qalam runs"))
        .await
        .expect("qalam finished")
}

/// `qalam import jsonl FILE --data DIR`.
pub async fn import_with_cli(file: &Path, data: &Path) -> Output {
    run_qalam([OsString::from("import"), "jsonl".into(), file.into(), "--data".into(), data.into()]).await
}

/// Standard output and error of a finished process as text.
pub fn output_text(output: &Output) -> (String, String) {
    (String::from_utf8_lossy(&output.stdout).into_owned(), String::from_utf8_lossy(&output.stderr).into_owned())
}

/// Every `<a …>text</a>` in `html`: its attributes as written and its text.
pub fn anchors(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<a ") {
        let tail = &rest[start + 3..];
        let attrs_end = tail.find('>').expect("tag closes");
        let text_end = tail.find("</a>").expect("anchor closes");
        out.push((tail[..attrs_end].to_owned(), strip_tags(&tail[attrs_end + 1..text_end])));
        rest = &tail[text_end..];
    }
    out
}

/// The pager of a listing page: its links as `(attributes, text)`.
pub fn pager_links(html: &str) -> Vec<(String, String)> {
    anchors(slice(html, r#"<nav class="pager""#, "</nav>"))
}

// ---------------------------------------------------------------------------------------
// Independent checkers (feeds, sitemaps, the Content API), installed by scripts/test

/// Runs `tests/py/{script}` with the checkers' Python (`QALAM_PY`) on `args`; `None`, after
/// saying so, when `scripts/test` has not installed it.
pub async fn python_check(script: &str, args: Vec<OsString>) -> Option<Output> {
    let Ok(python) = std::env::var("QALAM_PY") else {
        eprintln!("skipped {script}: QALAM_PY is not set (scripts/test installs feedparser, xmlschema, schemathesis)");
        return None;
    };
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/py").join(script);
    let run = move || Command::new(python).arg(path).args(args).output().expect("python runs");
    Some(tokio::task::spawn_blocking(run).await.expect("python finished"))
}

/// Saves each `(name, bytes)` into `dir` and returns the paths, for a checker to read.
pub fn save_files(dir: &Path, files: &[(String, Vec<u8>)]) -> Vec<OsString> {
    files
        .iter()
        .map(|(name, bytes)| {
            let path = dir.join(name);
            std::fs::write(&path, bytes).expect("write a file for a checker");
            path.into_os_string()
        })
        .collect()
}
