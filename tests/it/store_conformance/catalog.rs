//! Feeds, sitemaps, counts and the WordPress move: the catalogue half of the store.

use std::collections::HashMap;

use jiff::Timestamp;
use qalam::domain::article::{Article, AuthorRef, Language, Status};
use qalam::domain::slug::Slug;
use qalam::domain::taxonomy::TagKind;
use qalam::store::{ArticleQuery, ImportOutcome, ImportedArticle, ImportedAuthor, Redirect, Store};

use super::{at, backends, draft};

fn slug(s: &str) -> Slug {
    Slug::parse(s).expect("slug")
}

fn slugs(articles: &[Article]) -> Vec<&str> {
    articles.iter().map(|a| a.slug.as_str()).collect()
}

/// Every public article, whole, so tests can learn tag and author identities through
/// the catalogue itself.
async fn everything(store: &dyn Store, now: Timestamp) -> Vec<Article> {
    store.find_articles(&ArticleQuery::default(), now, 0, 1000).await.expect("find everything")
}

fn tag_id(articles: &[Article], kind: TagKind, tag: &str) -> i64 {
    articles.iter().flat_map(|a| &a.tags).find(|t| t.kind == kind && t.slug.as_str() == tag).expect("tag in use").id
}

fn author_id(articles: &[Article], author: &str) -> i64 {
    articles.iter().flat_map(|a| &a.authors).find(|p| p.slug.as_str() == author).expect("author in use").id
}

/// Runs `query` at `now` and returns the slugs found and the count.
async fn found(store: &dyn Store, query: &ArticleQuery, now: Timestamp) -> (Vec<String>, u64) {
    let articles = store.find_articles(query, now, 0, 100).await.expect("find");
    let total = store.count_articles(query, now).await.expect("count");
    (articles.iter().map(|a| a.slug.as_str().to_owned()).collect(), total)
}

#[tokio::test]
async fn feed_queries_combine_tags_author_language_and_dates_newest_first_with_counts() {
    for b in backends("feed_queries_combine_tags_author_language_and_dates_newest_first_with_counts").await {
        let mut russian = draft("ru-news", "Odd Writer", "Kazakhstan", at(5));
        russian.language = Language::parse("ru").expect("language");
        let mut scheduled = draft("scheduled", "Odd Writer", "Kazakhstan", at(6));
        scheduled.status = Status::Scheduled;
        let mut drafts = vec![
            draft("k0", "Even Writer", "Kazakhstan", at(0)),
            draft("u1", "Odd Writer", "Uzbekistan", at(1)),
            draft("k2", "Even Writer", "Kazakhstan", at(2)),
            draft("u3", "Odd Writer", "Uzbekistan", at(3)),
            draft("k4", "Even Writer", "Kazakhstan", at(4)),
            russian,
            scheduled,
            draft("future", "Odd Writer", "Kazakhstan", at(30)),
        ];
        drafts[1].tags.truncate(1); // u1 has no topic
        b.store.save_articles(drafts, at(7)).await.expect("save");
        let now = at(20);
        let all = everything(&*b.store, now).await;
        assert_eq!(slugs(&all), ["ru-news", "k4", "u3", "k2", "u1", "k0"], "{}: public only, newest first", b.name);
        let k4 = &all[1];
        assert_eq!(k4.authors.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["Even Writer"], "{}", b.name);
        let tags: Vec<_> = k4.tags.iter().map(|t| (t.kind, t.slug.as_str())).collect();
        assert_eq!(tags, [(TagKind::Country, "kazakhstan"), (TagKind::Topic, "water")], "{}: tags in order", b.name);
        assert!(k4.body_text.contains("First paragraph of k4"), "{}: whole articles", b.name);

        let kazakhstan = tag_id(&all, TagKind::Country, "kazakhstan");
        let uzbekistan = tag_id(&all, TagKind::Country, "uzbekistan");
        let water = tag_id(&all, TagKind::Topic, "water");
        let odd = author_id(&all, "odd-writer");
        let en = Some(Language::parse("en").expect("language"));
        let cases: Vec<(&str, ArticleQuery, Vec<&str>)> = vec![
            ("everything", ArticleQuery::default(), vec!["ru-news", "k4", "u3", "k2", "u1", "k0"]),
            (
                "one tag",
                ArticleQuery { tags: vec![kazakhstan], ..Default::default() },
                vec!["ru-news", "k4", "k2", "k0"],
            ),
            ("every tag asked", ArticleQuery { tags: vec![uzbekistan, water], ..Default::default() }, vec!["u3"]),
            ("no article has both", ArticleQuery { tags: vec![uzbekistan, kazakhstan], ..Default::default() }, vec![]),
            ("author", ArticleQuery { author: Some(odd), ..Default::default() }, vec!["ru-news", "u3", "u1"]),
            (
                "language",
                ArticleQuery { language: Some(Language::parse("ru").expect("language")), ..Default::default() },
                vec!["ru-news"],
            ),
            (
                "from inclusive, until exclusive",
                ArticleQuery { from: Some(at(2)), until: Some(at(4)), ..Default::default() },
                vec!["u3", "k2"],
            ),
            (
                "from alone stops at now",
                ArticleQuery { from: Some(at(4)), ..Default::default() },
                vec!["ru-news", "k4"],
            ),
            ("until alone", ArticleQuery { until: Some(at(1)), ..Default::default() }, vec!["k0"]),
            (
                "tag, author, language and dates together",
                ArticleQuery {
                    tags: vec![kazakhstan],
                    author: Some(odd),
                    language: None,
                    from: Some(at(1)),
                    until: None,
                },
                vec!["ru-news"],
            ),
            (
                "tag and language",
                ArticleQuery { tags: vec![kazakhstan, water], language: en.clone(), ..Default::default() },
                vec!["k4", "k2", "k0"],
            ),
            (
                "author and language",
                ArticleQuery { author: Some(odd), language: en, until: Some(at(40)), ..Default::default() },
                vec!["u3", "u1"],
            ),
        ];
        for (what, query, expected) in cases {
            let (got, total) = found(&*b.store, &query, now).await;
            assert_eq!(got, expected, "{}: {what}", b.name);
            assert_eq!(total, expected.len() as u64, "{}: {what} counted", b.name);
        }

        let page = b.store.find_articles(&ArticleQuery::default(), now, 2, 3).await.expect("page");
        assert_eq!(slugs(&page), ["u3", "k2", "u1"], "{}: a page from an offset", b.name);
        let query = ArticleQuery { tags: vec![kazakhstan, water], ..Default::default() };
        let page = b.store.find_articles(&query, now, 1, 2).await.expect("page");
        assert_eq!(slugs(&page), ["k4", "k2"], "{}: a page of a mixed query", b.name);
        let later = b.store.count_articles(&ArticleQuery::default(), at(31)).await.expect("count");
        assert_eq!(later, 7, "{}: the future article counts once its time comes", b.name);
        b.finish().await;
    }
}

#[tokio::test]
async fn sitemaps_list_public_addresses_in_store_order_and_the_latest_change_of_each_file() {
    for b in backends("sitemaps_list_public_addresses_in_store_order_and_the_latest_change_of_each_file").await {
        // Stored in this order, published in another.
        b.store.save_articles(vec![draft("first", "A B", "Kazakhstan", at(3))], at(4)).await.expect("save");
        let mut hidden = draft("hidden", "A B", "Kazakhstan", at(0));
        hidden.status = Status::Draft;
        b.store.save_articles(vec![hidden], at(4)).await.expect("save");
        b.store.save_articles(vec![draft("second", "A B", "Kazakhstan", at(1))], at(9)).await.expect("save");
        b.store.save_articles(vec![draft("third", "A B", "Kazakhstan", at(2))], at(2)).await.expect("save");
        b.store.save_articles(vec![draft("fourth", "A B", "Kazakhstan", at(12))], at(5)).await.expect("save");
        b.store.save_articles(vec![draft("later", "A B", "Kazakhstan", at(50))], at(5)).await.expect("save");
        let now = at(20);
        let entries = b.store.sitemap_entries(now, 0, 10).await.expect("entries");
        let got: Vec<_> = entries.iter().map(|e| (e.slug.as_str(), e.published_at, e.updated_at)).collect();
        assert_eq!(
            got,
            [("first", at(3), at(4)), ("second", at(1), at(9)), ("third", at(2), at(2)), ("fourth", at(12), at(5))],
            "{}",
            b.name
        );
        let page = b.store.sitemap_entries(now, 1, 2).await.expect("entries");
        assert_eq!(page.iter().map(|e| e.slug.as_str()).collect::<Vec<_>>(), ["second", "third"], "{}", b.name);
        let chunks = b.store.sitemap_chunks(now, 2).await.expect("chunks");
        assert_eq!(chunks, [at(9), at(12)], "{}: the later of published and updated in each file", b.name);
        assert_eq!(b.store.sitemap_chunks(now, 0).await.expect("chunks").len(), 4, "{}: at least one per file", b.name);
        assert_eq!(b.store.sitemap_chunks(at(60), 10).await.expect("chunks"), [at(50)], "{}", b.name);
        b.finish().await;
    }
}

#[tokio::test]
async fn tag_and_author_stats_count_public_articles_and_sort_by_kind_and_name_byte_by_byte() {
    for b in backends("tag_and_author_stats_count_public_articles_and_sort_by_kind_and_name_byte_by_byte").await {
        let mut unpublished = draft("unpublished", "de Souza", "Tajikistan", at(0));
        unpublished.status = Status::Draft;
        let mut accented = draft("d", "Emile", "Kazakhstan", at(40));
        accented.authors[0].name = "Émile".to_owned();
        let drafts = vec![
            draft("a", "Zed", "Kazakhstan", at(1)),
            draft("b", "Zed", "Kazakhstan", at(3)),
            draft("c", "Anna", "Uzbekistan", at(2)),
            accented,
            unpublished,
        ];
        b.store.save_articles(drafts, at(4)).await.expect("save");
        let now = at(20);
        let tags = b.store.tag_stats(now).await.expect("tag stats");
        let got: Vec<_> = tags.iter().map(|s| (s.tag.kind, s.tag.name.as_str(), s.articles, s.latest)).collect();
        assert_eq!(
            got,
            [
                (TagKind::Country, "Kazakhstan", 2, Some(at(3))),
                (TagKind::Country, "Tajikistan", 0, None),
                (TagKind::Country, "Uzbekistan", 1, Some(at(2))),
                (TagKind::Topic, "Water", 3, Some(at(3))),
            ],
            "{}",
            b.name
        );
        let authors = b.store.author_stats(now).await.expect("author stats");
        let got: Vec<_> = authors.iter().map(|s| (s.author.name.as_str(), s.articles, s.latest)).collect();
        assert_eq!(
            got,
            [("Anna", 1, Some(at(2))), ("Zed", 2, Some(at(3))), ("de Souza", 0, None), ("Émile", 0, None)],
            "{}: capitals before lower case before accents, as bytes sort",
            b.name
        );
        b.finish().await;
    }
}

#[tokio::test]
async fn api_keys_are_listed_by_name_with_the_time_they_were_made() {
    for b in backends("api_keys_are_listed_by_name_with_the_time_they_were_made").await {
        for (name, hash, made) in [("web", "d1", at(2)), ("Mobile", "d2", at(1)), ("bot", "d3", at(3))] {
            b.store.add_api_key(name, hash, made).await.expect("add");
        }
        let keys = b.store.api_keys().await.expect("keys");
        let got: Vec<_> = keys.iter().map(|k| (k.name.as_str(), k.created_at)).collect();
        assert_eq!(got, [("Mobile", at(1)), ("bot", at(3)), ("web", at(2))], "{}", b.name);
        b.finish().await;
    }
}

fn second_after(t: Timestamp) -> Timestamp {
    Timestamp::from_second(t.as_second() + 1).expect("in range")
}

fn post(wp_id: i64, slug_wanted: &str, fingerprint: i64) -> ImportedArticle {
    ImportedArticle {
        wp_id,
        draft: draft(slug_wanted, "A B", "Kazakhstan", at(0)),
        modified_at: at(1),
        fingerprint,
        old_paths: vec![format!("/2025/12/05/{slug_wanted}/"), format!("/?p={wp_id}")],
    }
}

/// The public articles' slugs and last changes, by slug.
async fn versions(store: &dyn Store, now: Timestamp) -> HashMap<String, Timestamp> {
    everything(store, now).await.into_iter().map(|a| (a.slug.as_str().to_owned(), a.updated_at)).collect()
}

#[tokio::test]
async fn a_wordpress_post_is_created_left_alone_then_updated_by_its_post_id() {
    for b in backends("a_wordpress_post_is_created_left_alone_then_updated_by_its_post_id").await {
        let now = at(10);
        let import = |items: Vec<ImportedArticle>| b.store.save_imported_articles(items, at(9));
        assert_eq!(import(vec![post(7, "grain", 1)]).await.expect("import"), [ImportOutcome::Created], "{}", b.name);
        let first = versions(&*b.store, now).await;
        assert_eq!(first.get("grain"), Some(&at(1)), "{}: WordPress's last change, not the import's", b.name);
        assert_eq!(import(vec![post(7, "grain", 1)]).await.expect("again"), [ImportOutcome::Unchanged], "{}", b.name);
        assert_eq!(versions(&*b.store, now).await, first, "{}: an unchanged post writes nothing", b.name);
        assert_eq!(import(vec![post(7, "wheat", 2)]).await.expect("changed"), [ImportOutcome::Updated], "{}", b.name);
        let second = versions(&*b.store, now).await;
        assert_eq!(second.len(), 1, "{}: the post's article is renamed, not duplicated", b.name);
        assert_eq!(second.get("wheat"), Some(&second_after(at(1))), "{}: version moves", b.name);
        assert_eq!(b.store.wordpress_post_path(7, now).await.expect("path").as_deref(), Some("/wheat/"), "{}", b.name);
        assert_eq!(b.store.wordpress_post_path(8, now).await.expect("path"), None, "{}: unknown post", b.name);
        b.finish().await;
    }
}

#[tokio::test]
async fn an_imported_post_whose_slug_another_article_holds_gets_its_post_id_appended() {
    for b in backends("an_imported_post_whose_slug_another_article_holds_gets_its_post_id_appended").await {
        b.store.save_articles(vec![draft("grain", "A B", "Kazakhstan", at(0))], at(0)).await.expect("save");
        let outcomes = b
            .store
            .save_imported_articles(vec![post(1, "footnotes", 1), post(2, "footnotes", 1), post(9, "grain", 1)], at(2))
            .await
            .expect("import");
        assert_eq!(outcomes, [ImportOutcome::Created; 3], "{}", b.name);
        let mut got: Vec<_> = versions(&*b.store, at(3)).await.into_keys().collect();
        got.sort();
        assert_eq!(got, ["footnotes", "footnotes-2", "grain", "grain-9"], "{}", b.name);
        let again = b.store.save_imported_articles(vec![post(2, "footnotes", 5)], at(3)).await.expect("import");
        assert_eq!(again, [ImportOutcome::Updated], "{}", b.name);
        assert_eq!(b.store.count_articles(&ArticleQuery::default(), at(4)).await.expect("count"), 4, "{}", b.name);
        let path = b.store.wordpress_post_path(2, at(4)).await.expect("path");
        assert_eq!(path.as_deref(), Some("/footnotes-2/"), "{}: keeps its suffixed slug", b.name);
        b.finish().await;
    }
}

#[tokio::test]
async fn old_addresses_of_a_post_lead_to_its_article_and_follow_a_slug_change() {
    for b in backends("old_addresses_of_a_post_lead_to_its_article_and_follow_a_slug_change").await {
        b.store.save_imported_articles(vec![post(7, "grain", 1)], at(2)).await.expect("import");
        b.store.save_imported_articles(vec![post(7, "wheat", 2)], at(3)).await.expect("import");
        let now = at(4);
        for old in ["/2025/12/05/grain/", "/grain/", "/GRAIN//", "/?p=7", "/2025/12/05/wheat/"] {
            let target = b.store.redirect_target(old, now).await.expect("redirect");
            assert_eq!(target.as_deref(), Some("/wheat/"), "{}: {old}", b.name);
        }
        assert_eq!(
            b.store.redirect_target("/wheat/", now).await.expect("redirect"),
            None,
            "{}: never to itself",
            b.name
        );
        assert_eq!(b.store.redirect_target("/?p=8", now).await.expect("redirect"), None, "{}", b.name);

        let mut later = post(8, "later", 1);
        later.draft.published_at = at(30);
        b.store.save_imported_articles(vec![later], at(3)).await.expect("import");
        assert_eq!(b.store.redirect_target("/?p=8", now).await.expect("redirect"), None, "{}: not public yet", b.name);
        assert_eq!(b.store.wordpress_post_path(8, now).await.expect("path"), None, "{}: not public yet", b.name);
        let public = b.store.redirect_target("/?p=8", at(31)).await.expect("redirect");
        assert_eq!(public.as_deref(), Some("/later/"), "{}: public once its time comes", b.name);
        assert_eq!(b.store.wordpress_post_path(8, at(31)).await.expect("path").as_deref(), Some("/later/"));
        b.finish().await;
    }
}

#[tokio::test]
async fn fixed_redirects_match_whatever_the_case_percent_escapes_or_doubled_slashes() {
    for b in backends("fixed_redirects_match_whatever_the_case_percent_escapes_or_doubled_slashes").await {
        b.store.save_imported_articles(vec![post(7, "grain", 1)], at(2)).await.expect("import");
        let redirect = |from: &str, to: &str| Redirect { from: from.to_owned(), to: to.to_owned() };
        let redirects = vec![
            redirect("/category/Economy/", "/section/economy/"),
            redirect("/%D0%BF%D1%80%D0%B8/", "/topic/pri/"),
            redirect("/?cat=12", "/section/politics/"),
            redirect("/section/economy/", "/Section//Economy/"),
            redirect("/?p=7", "/section/economy/"),
        ];
        b.store.save_redirects(redirects).await.expect("save");
        let now = at(4);
        for (old, new) in [
            ("/category/economy/", Some("/section/economy/")),
            ("/CATEGORY//Economy/", Some("/section/economy/")),
            ("/при/", Some("/topic/pri/")),
            ("/%d0%bf%d1%80%d0%b8/", Some("/topic/pri/")),
            ("/?cat=12", Some("/section/politics/")),
            ("/section/economy/", None),
            ("/?p=7", Some("/section/economy/")),
            ("/grain/", None),
            ("/2025/12/05/grain/", Some("/grain/")),
        ] {
            let target = b.store.redirect_target(old, now).await.expect("redirect");
            assert_eq!(target.as_deref(), new, "{}: {old}", b.name);
        }
        b.store.save_redirects(vec![redirect("/category/economy/", "/section/business/")]).await.expect("replace");
        let replaced = b.store.redirect_target("/category/Economy/", now).await.expect("redirect");
        assert_eq!(replaced.as_deref(), Some("/section/business/"), "{}: replaced by the same old address", b.name);
        b.finish().await;
    }
}

#[tokio::test]
async fn imported_authors_are_created_then_renamed_by_their_slug() {
    for b in backends("imported_authors_are_created_then_renamed_by_their_slug").await {
        let author = |login: &str, slug_: &str, name: &str| ImportedAuthor {
            login: login.to_owned(),
            email: Some(format!("{login}@example.org")),
            author: AuthorRef { slug: slug(slug_), name: name.to_owned() },
        };
        b.store
            .save_imported_authors(vec![
                author("aigerim", "aigerim-s", "Aigerim S."),
                author("timur", "timur-a", "Timur"),
            ])
            .await
            .expect("save");
        b.store.save_imported_authors(vec![author("aigerim", "aigerim-s", "Aigerim Sadykova")]).await.expect("again");
        let stats = b.store.author_stats(at(0)).await.expect("stats");
        let got: Vec<_> = stats.iter().map(|s| (s.author.slug.as_str(), s.author.name.as_str())).collect();
        assert_eq!(got, [("aigerim-s", "Aigerim Sadykova"), ("timur-a", "Timur")], "{}", b.name);
        b.finish().await;
    }
}
