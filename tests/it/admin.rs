//! The newsroom over HTTP: setup, sign-in and its throttle, sessions and their cookies,
//! CSRF, what each role may do, and the editor's saves, schedules and revisions.

use std::collections::HashMap;

use jiff::Timestamp;
use qalam::publishing::editorial::publish_due_articles;
use reqwest::StatusCode;

use crate::helpers::{Options, Page, TestApp, client, output_text, run_qalam, spawn_app, spawn_app_with};

const OWNER_EMAIL: &str = "owner@steppe.example";
const PASSWORD: &str = "correct horse battery";

/// A browser's view of the newsroom: its cookies and the CSRF secret of the last form.
pub struct Browser {
    base: String,
    client: reqwest::Client,
    cookies: HashMap<String, String>,
    set_cookies: Vec<String>,
}

impl Browser {
    fn new(app: &TestApp) -> Self {
        Self::at(&app.address)
    }

    /// A browser with no cookies for the site at `base` (`http://127.0.0.1:PORT`).
    pub fn at(base: &str) -> Self {
        Self { base: base.to_owned(), client: client(), cookies: HashMap::new(), set_cookies: Vec::new() }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    fn keep_cookies(&mut self, page: &Page) {
        for value in page.headers.get_all("set-cookie") {
            let text = value.to_str().unwrap().to_owned();
            let pair = text.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
            self.set_cookies.push(text);
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let request = self.client.get(self.url(path)).header("cookie", self.cookie_header());
        let page = Page::read(request.send().await.unwrap()).await;
        self.keep_cookies(&page);
        page
    }

    async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let request = form(self.client.post(self.url(path)).header("cookie", self.cookie_header()), fields);
        let page = Page::read(request.send().await.unwrap()).await;
        self.keep_cookies(&page);
        page
    }

    /// Posts a form with the CSRF secret the page at `form_page` carries.
    pub async fn submit(&mut self, form_page: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let page = self.get(form_page).await;
        let token = csrf_of(&page.text());
        let mut all = vec![("csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.post(action, &all).await
    }

    async fn sign_in(&mut self, email: &str, password: &str) -> Page {
        self.submit("/admin/sign-in", "/admin/sign-in", &[("email", email), ("password", password)]).await
    }
}

/// A request carrying `fields` as a URL-encoded form, as a browser posts one.
fn form(request: reqwest::RequestBuilder, fields: &[(&str, &str)]) -> reqwest::RequestBuilder {
    request
        .header("content-type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(fields).unwrap())
}

/// The CSRF secret in a page's forms.
fn csrf_of(html: &str) -> String {
    let marker = r#"name="csrf" value=""#;
    let start = html.find(marker).unwrap_or_else(|| panic!("no CSRF field in {html}")) + marker.len();
    html[start..start + 64].to_owned()
}

fn location(page: &Page) -> &str {
    page.header("location").unwrap_or_else(|| panic!("no Location; status {}", page.status))
}

/// Sets up the owner through the setup page; the browser is signed in as them.
async fn owner(app: &TestApp) -> Browser {
    owner_at(&app.address).await
}

/// Sets up the owner of the newsroom at `base`; the browser is signed in as them.
pub async fn owner_at(base: &str) -> Browser {
    let mut browser = Browser::at(base);
    let page = browser
        .submit(
            "/admin/setup",
            "/admin/setup",
            &[("name", "Aigerim Sadykova"), ("email", OWNER_EMAIL), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    browser
}

/// Adds an account through the people page and lets its person choose their password
/// through the one-time link; returns their signed-in browser.
async fn invite(app: &TestApp, admin: &mut Browser, name: &str, email: &str, role: &str) -> Browser {
    let page = admin.submit("/admin/users", "/admin/users", &[("name", name), ("email", email), ("role", role)]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let text = page.text();
    let start = text.find("/admin/password/").expect("a one-time link");
    let link = text[start..start + "/admin/password/".len() + 64].to_owned();
    let mut browser = Browser::new(app);
    let page = browser.submit(&link, &link, &[("password", PASSWORD)]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    browser
}

/// Saves a new article from the editor with `action`; returns the response.
pub async fn write(browser: &mut Browser, title: &str, action: &str, extra: &[(&str, &str)]) -> Page {
    let mut fields = vec![("title", title), ("body", "A *first* paragraph.\n\n## Later\n\nMore."), ("language", "en")];
    fields.push(("action", action));
    fields.extend_from_slice(extra);
    browser.submit("/admin/articles/new", "/admin/articles", &fields).await
}

/// The article id in an editor address such as `/admin/articles/7?saved=1`.
pub fn article_id(page: &Page) -> String {
    let location = location(page);
    location.trim_start_matches("/admin/articles/").split('?').next().unwrap().to_owned()
}

#[tokio::test]
async fn setup_creates_the_owner_once_then_is_gone() {
    let app = spawn_app().await;
    let first = app.get_page("/admin/").await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&first), "/admin/setup");
    let mut browser = owner(&app).await;
    let list = browser.get("/admin/articles").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.text().contains("Aigerim Sadykova"), "the owner is signed in");
    assert_eq!(app.get_page("/admin/setup").await.status, StatusCode::NOT_FOUND);
    let mut stranger = Browser::new(&app);
    let page = stranger.get("/admin/sign-in").await;
    let token = csrf_of(&page.text());
    let again = stranger
        .post(
            "/admin/setup",
            &[("csrf", &token), ("name", "Mallory"), ("email", "m@x.example"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "a second owner cannot be made");
}

#[tokio::test]
async fn session_cookies_are_httponly_secure_samesite_and_scoped_to_the_newsroom() {
    let app = spawn_app().await;
    let browser = owner(&app).await;
    let session = browser.set_cookies.iter().find(|c| c.starts_with("qalam_session=")).expect("a session cookie");
    for attribute in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/admin"] {
        assert!(session.contains(attribute), "{attribute} in {session}");
    }
    let csrf = browser.set_cookies.iter().find(|c| c.starts_with("qalam_csrf=")).expect("a form cookie");
    assert!(csrf.contains("HttpOnly") && csrf.contains("Secure"), "{csrf}");
}

#[tokio::test]
async fn anonymous_visitors_get_403_with_the_sign_in_form_on_every_newsroom_page() {
    let app = spawn_app().await;
    owner(&app).await;
    for path in
        ["/admin/", "/admin/articles", "/admin/articles/new", "/admin/users", "/admin/account", "/admin/articles/1"]
    {
        let page = app.get_page(path).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
        assert!(page.text().contains(r#"action="/admin/sign-in""#), "{path} shows the sign-in form");
        assert_eq!(page.header("cache-control"), Some("no-store"));
    }
    let post = form(app.client.post(app.url("/admin/articles")), &[("title", "x")]).send().await.unwrap();
    assert_eq!(post.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn forms_without_the_right_csrf_secret_or_from_another_site_are_refused() {
    let app = spawn_app().await;
    let mut browser = owner(&app).await;
    let no_token = browser.post("/admin/articles", &[("title", "Forged"), ("action", "publish")]).await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    assert!(no_token.text().contains("did not come from this site"));
    let wrong = browser.post("/admin/articles", &[("csrf", &"0".repeat(64)), ("title", "Forged")]).await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    let page = browser.get("/admin/articles/new").await;
    let token = csrf_of(&page.text());
    let request = app
        .client
        .post(app.url("/admin/articles"))
        .header("cookie", browser.cookie_header())
        .header("origin", "https://evil.example");
    let cross_site = form(request, &[("csrf", token.as_str()), ("title", "Forged")]).send().await.unwrap();
    assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);
    let mut anonymous = Browser::new(&app);
    let sign_in = anonymous.post("/admin/sign-in", &[("email", OWNER_EMAIL), ("password", PASSWORD)]).await;
    assert_eq!(sign_in.status, StatusCode::FORBIDDEN, "the sign-in form needs its secret too");
    let (rows, total) = app.app.store.newsroom_articles(&Default::default(), 0, 10).await.unwrap();
    assert!(rows.is_empty() && total == 0, "nothing was stored");
}

#[tokio::test]
async fn sign_in_is_throttled_after_five_failures_for_an_account() {
    let app = spawn_app().await;
    owner(&app).await;
    let mut browser = Browser::new(&app);
    for _ in 0..5 {
        let page = browser.sign_in(OWNER_EMAIL, "wrong password!").await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED);
        assert!(page.text().contains("Wrong email or password."));
    }
    let locked = browser.sign_in(OWNER_EMAIL, PASSWORD).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS, "even the right password waits");
    assert_eq!(locked.header("retry-after"), Some("900"));
    assert!(locked.text().contains("Too many failed sign-ins"));
}

#[tokio::test]
async fn sign_in_is_throttled_per_address_across_accounts() {
    let app = spawn_app().await;
    owner(&app).await;
    let mut browser = Browser::new(&app);
    for i in 0..20 {
        let page = browser.sign_in(&format!("guess{i}@steppe.example"), "wrong password!").await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    }
    let locked = browser.sign_in(OWNER_EMAIL, PASSWORD).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let app = spawn_app().await;
    let mut browser = owner(&app).await;
    let old_cookie = browser.cookie_header();
    let out = browser.submit("/admin/account", "/admin/sign-out", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let page = app.get_with("/admin/articles", &[("cookie", &old_cookie)]).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "the old cookie opens nothing");
}

#[tokio::test]
async fn changing_the_password_ends_every_other_session() {
    let app = spawn_app().await;
    let mut here = owner(&app).await;
    let mut elsewhere = Browser::new(&app);
    assert_eq!(elsewhere.sign_in(OWNER_EMAIL, PASSWORD).await.status, StatusCode::SEE_OTHER);
    let new_password = "a brand new passphrase";
    let changed = here
        .submit("/admin/account", "/admin/account/password", &[("current", PASSWORD), ("password", new_password)])
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.text());
    assert_eq!(elsewhere.get("/admin/articles").await.status, StatusCode::FORBIDDEN);
    assert_eq!(here.get("/admin/articles").await.status, StatusCode::OK, "this browser got a new session");
    let mut again = Browser::new(&app);
    assert_eq!(again.sign_in(OWNER_EMAIL, PASSWORD).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(again.sign_in(OWNER_EMAIL, new_password).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn removing_an_account_ends_its_sessions() {
    let app = spawn_app().await;
    let mut admin = owner(&app).await;
    let mut author = invite(&app, &mut admin, "Timur Rakhimov", "timur@steppe.example", "author").await;
    assert_eq!(author.get("/admin/articles").await.status, StatusCode::OK);
    let people = admin.get("/admin/users").await.text();
    let marker = "/admin/users/";
    let start = people.find(marker).unwrap() + marker.len();
    let id: String = people[start..].chars().take_while(char::is_ascii_digit).collect();
    let removed = admin.submit("/admin/users", &format!("/admin/users/{id}/remove"), &[]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert_eq!(author.get("/admin/articles").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn contributors_write_drafts_but_cannot_publish_schedule_or_manage_people() {
    let app = spawn_app().await;
    let mut admin = owner(&app).await;
    let mut contributor = invite(&app, &mut admin, "Dana Ospanova", "dana@steppe.example", "contributor").await;
    let published = write(&mut contributor, "A contributor's scoop", "publish", &[]).await;
    assert_eq!(published.status, StatusCode::FORBIDDEN);
    let scheduled =
        write(&mut contributor, "A contributor's scoop", "schedule", &[("publish_at", "2030-01-01T09:00")]).await;
    assert_eq!(scheduled.status, StatusCode::FORBIDDEN);
    let draft = write(&mut contributor, "A contributor's scoop", "save", &[]).await;
    assert_eq!(draft.status, StatusCode::SEE_OTHER, "{}", draft.text());
    assert_eq!(app.get_page("/a-contributors-scoop/").await.status, StatusCode::NOT_FOUND, "drafts stay private");
    assert_eq!(contributor.get("/admin/users").await.status, StatusCode::FORBIDDEN);
    let invite_attempt = contributor
        .submit("/admin/articles", "/admin/users", &[("name", "X"), ("email", "x@steppe.example"), ("role", "editor")])
        .await;
    assert_eq!(invite_attempt.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn authors_cannot_open_or_change_another_authors_article() {
    let app = spawn_app().await;
    let mut admin = owner(&app).await;
    let mut first = invite(&app, &mut admin, "Timur Rakhimov", "timur@steppe.example", "author").await;
    let mut second = invite(&app, &mut admin, "Nodira Yusupova", "nodira@steppe.example", "author").await;
    let saved = write(&mut first, "Grain prices rise in Kostanay", "publish", &[]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let id = article_id(&saved);
    let editor = format!("/admin/articles/{id}");
    assert_eq!(second.get(&editor).await.status, StatusCode::FORBIDDEN);
    let token = csrf_of(&second.get("/admin/articles/new").await.text());
    let forged = second.post(&editor, &[("csrf", &token), ("title", "Vandalised"), ("language", "en")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(app.get_text("/grain-prices-rise-in-kostanay/").await.contains("Grain prices rise in Kostanay"));
    assert_eq!(admin.get(&editor).await.status, StatusCode::OK, "the owner edits anything");
}

#[tokio::test]
async fn a_published_article_appears_on_the_site_and_a_draft_only_in_the_preview() {
    let app = spawn_app().await;
    let mut browser = owner(&app).await;
    let draft = write(&mut browser, "Қазақстан және су", "save", &[]).await;
    assert_eq!(draft.status, StatusCode::SEE_OTHER, "{}", draft.text());
    let id = article_id(&draft);
    assert_eq!(app.get_page("/qazaqstan-zhane-su/").await.status, StatusCode::NOT_FOUND);
    let editor = browser.get(&format!("/admin/articles/{id}")).await.text();
    assert!(editor.contains(r#"name="slug" value="qazaqstan-zhane-su""#), "Kazakh letters are transliterated");
    let preview = browser.get(&format!("/admin/articles/{id}/preview")).await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(preview.text().contains("<h2>Later</h2>"));
    assert_eq!(app.get_page(&format!("/admin/articles/{id}/preview")).await.status, StatusCode::FORBIDDEN);
    let token = csrf_of(&editor);
    let published = browser
        .post(
            &format!("/admin/articles/{id}"),
            &[
                ("csrf", &token),
                ("version", "1"),
                ("title", "Қазақстан және су"),
                ("slug", "qazaqstan-zhane-su"),
                ("body", "Published text."),
                ("language", "kk"),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(published.status, StatusCode::SEE_OTHER, "{}", published.text());
    assert!(app.get_text("/qazaqstan-zhane-su/").await.contains("Published text."));
    assert!(app.get_text("/").await.contains("Қазақстан және су"), "the home page shows it at once");
    let unpublished = browser
        .submit(
            &format!("/admin/articles/{id}"),
            &format!("/admin/articles/{id}"),
            &[
                ("version", "2"),
                ("title", "Қазақстан және су"),
                ("slug", "qazaqstan-zhane-su"),
                ("body", "x"),
                ("language", "kk"),
                ("action", "unpublish"),
            ],
        )
        .await;
    assert_eq!(unpublished.status, StatusCode::SEE_OTHER, "{}", unpublished.text());
    assert_eq!(app.get_page("/qazaqstan-zhane-su/").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_scheduled_article_is_published_when_its_time_comes() {
    let app = spawn_app_with(Options::default().manual_clock()).await;
    let mut browser = owner(&app).await;
    // NOW is 10:00 in Almaty; the article is due at 10:30 there.
    let saved =
        write(&mut browser, "Election results at noon", "schedule", &[("publish_at", "2025-12-05T10:30")]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    assert!(!app.get_text("/").await.contains("Election results at noon"));
    assert_eq!(publish_due_articles(&app.app, app.app.now()).await.unwrap(), 0, "not due yet");
    let due: Timestamp = "2025-12-05T05:30:00Z".parse().unwrap();
    app.app.clock.set(due);
    assert_eq!(publish_due_articles(&app.app, app.app.now()).await.unwrap(), 1);
    assert!(app.get_text("/").await.contains("Election results at noon"), "on the home page when due");
    assert!(app.get_text("/election-results-at-noon/").await.contains("Election results at noon"));
    assert_eq!(publish_due_articles(&app.app, app.app.now()).await.unwrap(), 0, "published once");
}

#[tokio::test]
async fn a_schedule_in_the_past_is_refused() {
    let app = spawn_app().await;
    let mut browser = owner(&app).await;
    let page = write(&mut browser, "Too late", "schedule", &[("publish_at", "2020-01-01T09:00")]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.text().contains("must be in the future"));
    assert!(page.text().contains(r#"value="Too late""#), "the text typed is kept");
}

#[tokio::test]
async fn every_save_keeps_a_revision_that_can_be_compared_and_restored() {
    let app = spawn_app().await;
    let mut browser = owner(&app).await;
    let saved = write(&mut browser, "Original headline", "publish", &[]).await;
    let id = article_id(&saved);
    let editor = format!("/admin/articles/{id}");
    let second = browser
        .submit(
            &editor,
            &editor,
            &[
                ("version", "1"),
                ("title", "Changed headline"),
                ("slug", "original-headline"),
                ("body", "A *first* paragraph.\n\nA new line."),
                ("language", "en"),
            ],
        )
        .await;
    assert_eq!(second.status, StatusCode::SEE_OTHER, "{}", second.text());
    let list = browser.get(&format!("{editor}/revisions")).await.text();
    let marker = format!("/admin/articles/{id}/revisions/");
    let first_revision: String = {
        let starts: Vec<usize> = list.match_indices(&marker).map(|(i, _)| i + marker.len()).collect();
        assert_eq!(starts.len(), 2, "two saves, two revisions");
        list[starts[1]..].chars().take_while(char::is_ascii_digit).collect()
    };
    let diff = browser.get(&format!("{marker}{first_revision}")).await.text();
    assert!(diff.contains("− Original headline") && diff.contains("+ Changed headline"), "{diff}");
    assert!(diff.contains("+ A new line."));
    let restored =
        browser.submit(&format!("{marker}{first_revision}"), &format!("{marker}{first_revision}/restore"), &[]).await;
    assert_eq!(restored.status, StatusCode::SEE_OTHER);
    assert!(app.get_text("/original-headline/").await.contains("Original headline"));
    let list = browser.get(&format!("{editor}/revisions")).await.text();
    assert_eq!(list.matches(&marker).count(), 3, "restoring is a revision too");
}

#[tokio::test]
async fn two_people_saving_the_same_version_are_warned_not_overwritten() {
    let app = spawn_app().await;
    let mut first = owner(&app).await;
    let saved = write(&mut first, "Shared story", "save", &[]).await;
    let id = article_id(&saved);
    let editor = format!("/admin/articles/{id}");
    let mut second = Browser::new(&app);
    second.sign_in(OWNER_EMAIL, PASSWORD).await;
    let fields =
        |title: &'static str| vec![("version", "1"), ("title", title), ("slug", "shared-story"), ("language", "en")];
    let one = first.submit(&editor, &editor, &fields("First edit")).await;
    assert_eq!(one.status, StatusCode::SEE_OTHER);
    let two = second.submit(&editor, &editor, &fields("Second edit")).await;
    assert_eq!(two.status, StatusCode::CONFLICT);
    assert!(two.text().contains("saved this article at"), "{}", two.text());
    assert!(two.text().contains(r#"value="Second edit""#), "the second text is kept in the form");
    let stored = app.app.store.edited_article(id.parse().unwrap()).await.unwrap().unwrap();
    assert_eq!(stored.draft.title, "First edit");
}

#[tokio::test]
async fn a_slug_another_article_uses_is_refused_with_a_message() {
    let app = spawn_app().await;
    let mut browser = owner(&app).await;
    write(&mut browser, "Same name", "save", &[]).await;
    let clash = write(&mut browser, "Same name", "save", &[]).await;
    assert_eq!(clash.status, StatusCode::CONFLICT);
    assert!(clash.text().contains("already uses the address /same-name/"));
}

#[tokio::test]
async fn the_live_preview_renders_markdown_and_strips_scripts() {
    let app = spawn_app().await;
    let mut browser = owner(&app).await;
    let page = browser
        .submit("/admin/articles/new", "/admin/preview", &[("markdown", "**Bold** <script>alert(1)</script>")])
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("<strong>Bold</strong>"));
    assert!(!page.text().contains("<script"));
}

#[tokio::test]
async fn pasting_from_a_word_processor_keeps_headings_lists_links_and_emphasis() {
    let app = spawn_app().await;
    let mut browser = owner(&app).await;
    let word = r#"<html><head><style>p { color: red }</style></head><body>
        <h2 style="x">Harvest</h2><p class=MsoNormal><b>Grain</b> and <i>cotton</i> <a href="https://gov.kz/x" onclick="evil()">report</a></p>
        <ul><li>Kostanay</li><li>Akmola</li></ul><script>alert(1)</script></body></html>"#;
    let page = browser.submit("/admin/articles/new", "/admin/paste", &[("html", word)]).await;
    assert_eq!(page.status, StatusCode::OK);
    let markdown = page.text();
    assert!(markdown.contains("## Harvest"), "{markdown}");
    assert!(markdown.contains("**Grain**"), "{markdown}");
    assert!(markdown.contains("_cotton_") || markdown.contains("*cotton*"), "{markdown}");
    assert!(markdown.contains("[report](https://gov.kz/x)"), "{markdown}");
    assert!(markdown.contains("Kostanay") && markdown.contains("Akmola"));
    assert!(!markdown.contains("alert") && !markdown.contains("color") && !markdown.contains("evil"), "{markdown}");
}

#[tokio::test]
async fn the_command_line_adds_an_owner_whose_one_time_link_sets_the_password() {
    let app = spawn_app().await;
    let data = app.dir.path().to_str().unwrap().to_owned();
    let output = run_qalam([
        "user",
        "add",
        "--email",
        "chief@steppe.example",
        "--name",
        "Chief Editor",
        "--role",
        "owner",
        "--data",
        &data,
    ])
    .await;
    let (stdout, stderr) = output_text(&output);
    assert!(output.status.success(), "{stderr}");
    let link = stdout.trim();
    let path = &link[link.find("/admin/password/").expect("a link")..];
    let mut browser = Browser::new(&app);
    let page = browser.submit(path, path, &[("password", PASSWORD)]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    assert_eq!(browser.get("/admin/articles").await.status, StatusCode::OK);
    let reuse = Browser::new(&app).get(path).await;
    assert_eq!(reuse.status, StatusCode::BAD_REQUEST, "the link works once");
    let reset = run_qalam(["user", "reset-password", "chief@steppe.example", "--data", &data]).await;
    assert!(reset.status.success());
    let (stdout, _) = output_text(&reset);
    assert!(stdout.contains("/admin/password/"));
    let unknown = run_qalam(["user", "reset-password", "nobody@steppe.example", "--data", &data]).await;
    assert!(!unknown.status.success());
    let bad_role =
        run_qalam(["user", "add", "--email", "a@b.example", "--name", "A", "--role", "boss", "--data", &data]).await;
    assert!(!bad_role.status.success());
}

#[tokio::test]
async fn the_newsroom_is_kept_out_of_caches_frames_and_search_engines() {
    let app = spawn_app().await;
    let mut browser = owner(&app).await;
    let page = browser.get("/admin/articles").await;
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert_eq!(page.header("x-frame-options"), Some("DENY"));
    assert!(page.header("content-security-policy").unwrap().contains("frame-ancestors 'none'"));
    assert_eq!(page.header("x-robots-tag"), Some("noindex, nofollow"));
}

#[tokio::test]
async fn editors_manage_tags_and_the_site_follows_a_rename() {
    let app = spawn_app().await;
    let mut editor = owner(&app).await;
    let added = editor
        .submit("/admin/tags", "/admin/tags", &[("name", "Kazakhstan"), ("kind", "country"), ("description", "Steppe")])
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text());
    let saved = write(&mut editor, "Wheat harvest", "publish", &[("country", "kazakhstan")]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    assert!(app.get_text("/country/kazakhstan/").await.contains("Wheat harvest"));
    let list = editor.get("/admin/tags").await.text();
    let marker = "/admin/tags/";
    let start = list.find(&format!(r#"href="{marker}"#)).unwrap() + r#"href=""#.len() + marker.len();
    let id: String = list[start..].chars().take_while(char::is_ascii_digit).collect();
    let renamed = editor
        .submit(
            &format!("/admin/tags/{id}"),
            &format!("/admin/tags/{id}"),
            &[("name", "Qazaqstan"), ("slug", ""), ("kind", "country")],
        )
        .await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER, "{}", renamed.text());
    assert!(app.get_text("/country/qazaqstan/").await.contains("Wheat harvest"));
    assert!(app.get_text("/wheat-harvest/").await.contains("Qazaqstan"), "the article shows the new name");
    let clash = editor.submit("/admin/tags", "/admin/tags", &[("name", "Qazaqstan"), ("kind", "country")]).await;
    assert_eq!(clash.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn authors_cannot_manage_tags_authors_or_redirects() {
    let app = spawn_app().await;
    let mut admin = owner(&app).await;
    let mut author = invite(&app, &mut admin, "Timur Rakhimov", "timur@steppe.example", "author").await;
    for path in ["/admin/tags", "/admin/authors", "/admin/redirects"] {
        assert_eq!(author.get(path).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    let forged = author.submit("/admin/articles", "/admin/redirects", &[("from", "/old/"), ("to", "/new/")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_redirect_made_in_the_newsroom_answers_301_until_removed() {
    let app = spawn_app().await;
    let mut editor = owner(&app).await;
    write(&mut editor, "New home of the story", "publish", &[]).await;
    let added = editor
        .submit(
            "/admin/redirects",
            "/admin/redirects",
            &[("from", "/2019/05/old-story/"), ("to", "/new-home-of-the-story/")],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text());
    let old = app.get_page("/2019/05/old-story/").await;
    assert_eq!(old.status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(old.header("location"), Some("/new-home-of-the-story/"));
    let bad = editor
        .submit("/admin/redirects", "/admin/redirects", &[("from", "https://evil.example/"), ("to", "/x/")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let removed =
        editor.submit("/admin/redirects", "/admin/redirects/remove", &[("from", "/2019/05/old-story/")]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get_page("/2019/05/old-story/").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_author_profile_edited_in_the_newsroom_changes_the_byline() {
    let app = spawn_app().await;
    let mut editor = owner(&app).await;
    write(&mut editor, "Byline story", "publish", &[("authors", "Ayan Ibraev")]).await;
    let list = editor.get("/admin/authors").await.text();
    let pos = list.find("Ayan Ibraev").unwrap();
    let before = &list[..pos];
    let start = before.rfind("/admin/authors/").unwrap() + "/admin/authors/".len();
    let id: String = before[start..].chars().take_while(char::is_ascii_digit).collect();
    let path = format!("/admin/authors/{id}");
    let saved = editor
        .submit(&path, &path, &[("name", "Ayan Ibrayev"), ("slug", "ayan-ibrayev"), ("bio", "Almaty desk")])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let article = app.get_text("/byline-story/").await;
    assert!(article.contains("Ayan Ibrayev") && article.contains("/author/ayan-ibrayev/"), "{article}");
}

#[tokio::test]
async fn a_correction_appears_dated_at_the_foot_of_the_article_and_in_its_structured_data() {
    let app = spawn_app().await;
    let mut editor = owner(&app).await;
    let saved = write(&mut editor, "Dam opens in Naryn", "publish", &[]).await;
    let id = article_id(&saved);
    let editor_path = format!("/admin/articles/{id}");
    let noted = editor
        .submit(
            &editor_path,
            &format!("{editor_path}/notes"),
            &[("kind", "correction"), ("text", "The dam is 1,160 MW, not 1,600 MW.")],
        )
        .await;
    assert_eq!(noted.status, StatusCode::SEE_OTHER, "{}", noted.text());
    let page = app.get_text("/dam-opens-in-naryn/").await;
    assert!(page.contains("<strong>Correction</strong>, <time datetime=\"2025-12-05T05:00:00Z\">5 December 2025</time>: The dam is 1,160 MW, not 1,600 MW."), "{page}");
    assert!(page.contains(r#""correction":[{"#) && page.contains(r#""@type":"CorrectionComment""#), "{page}");
    let draft = write(&mut editor, "Unpublished piece", "save", &[]).await;
    let draft_id = article_id(&draft);
    let path = format!("/admin/articles/{draft_id}");
    let refused = editor.submit(&path, &format!("{path}/notes"), &[("kind", "update"), ("text", "x")]).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn publishing_and_unpublishing_in_the_newsroom_reach_search_within_a_second() {
    let app = spawn_app().await;
    let mut editor = owner(&app).await;
    let saved = write(&mut editor, "Zhetysu apricot harvest", "publish", &[]).await;
    let id = article_id(&saved);
    let found = |html: &str| html.contains("/zhetysu-apricot-harvest/");
    let started = std::time::Instant::now();
    while !found(&app.get_text("/search?q=apricot").await) {
        assert!(started.elapsed() < std::time::Duration::from_secs(1), "searchable within a second");
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let path = format!("/admin/articles/{id}");
    let fields = [
        ("version", "1"),
        ("title", "Zhetysu apricot harvest"),
        ("slug", "zhetysu-apricot-harvest"),
        ("language", "en"),
        ("action", "unpublish"),
    ];
    assert_eq!(editor.submit(&path, &path, &fields).await.status, StatusCode::SEE_OTHER);
    let started = std::time::Instant::now();
    while found(&app.get_text("/search?q=apricot").await) {
        assert!(started.elapsed() < std::time::Duration::from_secs(1), "gone within a second");
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
}

/// A `multipart/form-data` body with text fields and one file, and its content type.
fn multipart(fields: &[(&str, &str)], file: (&str, &[u8])) -> (String, Vec<u8>) {
    let boundary = "qalam-test-boundary-7d41";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    let (file_name, bytes) = file;
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A 640 × 400 PNG with a gradient, made here.
fn png_image() -> Vec<u8> {
    let image = image::RgbImage::from_fn(640, 400, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 128]));
    let mut bytes = std::io::Cursor::new(Vec::new());
    image.write_to(&mut bytes, image::ImageFormat::Png).unwrap();
    bytes.into_inner()
}

async fn upload(browser: &mut Browser, name: &str, bytes: &[u8]) -> Page {
    let token = csrf_of(&browser.get("/admin/articles/new").await.text());
    let (content_type, body) = multipart(&[("csrf", &token), ("alt", "Wheat field")], (name, bytes));
    let request = browser
        .client
        .post(browser.url("/admin/media"))
        .header("cookie", browser.cookie_header())
        .header("content-type", content_type)
        .body(body);
    Page::read(request.send().await.unwrap()).await
}

fn media_files(app: &TestApp) -> usize {
    let dir = app.dir.path().join("media");
    fn count(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir)
            .map_or(0, |entries| entries.flatten().map(|e| if e.path().is_dir() { count(&e.path()) } else { 1 }).sum())
    }
    count(&dir)
}

#[tokio::test]
async fn an_uploaded_image_gets_variants_and_serves_as_a_featured_picture() {
    let app = spawn_app().await;
    let mut editor = owner(&app).await;
    let page = upload(&mut editor, "wheat field.png", &png_image()).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    let library = editor.get(location(&page)).await.text();
    let marker = r#"readonly value="/media/uploads/"#;
    let start = library.find(marker).expect("the address is shown") + r#"readonly value=""#.len();
    let path: String = library[start..].chars().take_while(|c| *c != '"').collect();
    assert!(path.ends_with(".png"), "{path}");
    assert_eq!(app.get_page(&path).await.status, StatusCode::OK);
    let saved = write(
        &mut editor,
        "Fields of gold",
        "publish",
        &[("featured_image", &path), ("featured_image_alt", "Wheat field")],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let article = app.get_text("/fields-of-gold/").await;
    assert!(article.contains("<picture") && article.contains("image/webp") && article.contains("480w"), "{article}");
}

#[tokio::test]
async fn a_file_that_is_not_an_image_is_refused_with_a_clear_message_and_nothing_is_stored() {
    let app = spawn_app().await;
    let mut editor = owner(&app).await;
    let page = upload(&mut editor, "report.jpg", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n").await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.text().contains("Not an image: the file is a PDF document"), "{}", page.text());
    assert_eq!(media_files(&app), 0);
    assert_eq!(app.app.store.list_media(0, 10).await.unwrap().total, 0);
}

#[tokio::test]
async fn an_image_over_the_size_limit_is_refused_with_a_clear_message_and_nothing_is_stored() {
    let app = spawn_app_with(Options::default().env("QALAM_MEDIA_MAX_UPLOAD_BYTES", "100000")).await;
    let mut editor = owner(&app).await;
    let big: Vec<u8> = png_image().into_iter().chain(std::iter::repeat_n(0u8, 300_000)).collect();
    let page = upload(&mut editor, "huge.png", &big).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.text().contains("Image too large"), "{}", page.text());
    assert!(page.text().contains("the limit is 100 KB"), "{}", page.text());
    assert_eq!(media_files(&app), 0);
}

#[tokio::test]
async fn contributors_cannot_upload_and_uploads_need_the_csrf_secret() {
    let app = spawn_app().await;
    let mut admin = owner(&app).await;
    let mut contributor = invite(&app, &mut admin, "Dana Ospanova", "dana@steppe.example", "contributor").await;
    assert_eq!(contributor.get("/admin/media").await.status, StatusCode::FORBIDDEN);
    assert_eq!(upload(&mut contributor, "a.png", &png_image()).await.status, StatusCode::FORBIDDEN);
    let (content_type, body) = multipart(&[("csrf", &"0".repeat(64))], ("a.png", &png_image()));
    let forged = admin
        .client
        .post(app.url("/admin/media"))
        .header("cookie", admin.cookie_header())
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(media_files(&app), 0);
}

#[tokio::test]
async fn an_article_without_authors_carries_the_writers_profile_as_it_is_named_now() {
    let app = spawn_app().await;
    let mut editor = owner(&app).await;
    write(&mut editor, "First byline", "publish", &[]).await;
    assert!(
        app.get_text("/first-byline/")
            .await
            .contains(r#"<a href="/author/aigerim-sadykova/" rel="author">Aigerim Sadykova</a>"#)
    );
    let list = editor.get("/admin/authors").await.text();
    let before = &list[..list.find(">Aigerim Sadykova</a></td>").unwrap()];
    let start = before.rfind("/admin/authors/").unwrap() + "/admin/authors/".len();
    let id: String = before[start..].chars().take_while(char::is_ascii_digit).collect();
    let path = format!("/admin/authors/{id}");
    let renamed = editor.submit(&path, &path, &[("name", "Aigerim Sadykova-Nurlanovna"), ("slug", "aigerim")]).await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER, "{}", renamed.text());
    write(&mut editor, "Second byline", "publish", &[]).await;
    let page = app.get_text("/second-byline/").await;
    assert!(page.contains(r#"<a href="/author/aigerim/" rel="author">Aigerim Sadykova-Nurlanovna</a>"#), "{page}");
    assert_eq!(app.app.store.author_profiles().await.unwrap().len(), 1, "no second profile under the old name");
}
