//! Articles, listings, tags, authors, rates and keys: the reader-facing half of the store.

use std::str::FromStr;

use jiff::civil::date;
use qalam::domain::article::{ArticleSummary, AuthorRef, Status, TagRef};
use qalam::domain::body::{Body, BodySource};
use qalam::domain::slug::Slug;
use qalam::domain::taxonomy::TagKind;
use qalam::store::{ImportedAuthor, KeyAdded, ListingFilter, OfficialRate, SaveOutcome};
use rust_decimal::Decimal;

use super::{at, backends, draft};

fn slug(s: &str) -> Slug {
    Slug::parse(s).expect("slug")
}

#[tokio::test]
async fn an_article_saved_is_read_back_with_its_authors_tags_and_body() {
    for b in backends("an_article_saved_is_read_back_with_its_authors_tags_and_body").await {
        let mut first = draft("water-deal", "Aigerim Sadykova", "Kazakhstan", at(0));
        first.authors.push(qalam::domain::article::AuthorRef { slug: slug("timur-ali"), name: "Timur Ali".into() });
        let saved = b.store.save_articles(vec![first], at(1)).await.expect("save");
        assert_eq!(saved, vec![SaveOutcome::Created], "{}", b.name);
        let article = b.store.published_article(&slug("water-deal"), at(2)).await.expect("read").expect("found");
        assert_eq!(article.title, "Headline of water-deal", "{}", b.name);
        assert_eq!(article.dek.as_deref(), Some("Dek of water-deal"));
        assert!(article.body_html.contains("<em>paragraph</em>"), "{}: {}", b.name, article.body_html);
        let names: Vec<_> = article.authors.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["Aigerim Sadykova", "Timur Ali"], "{}: byline order", b.name);
        let tags: Vec<_> = article.tags.iter().map(|t| (t.kind, t.slug.as_str())).collect();
        assert_eq!(tags, [(TagKind::Country, "kazakhstan"), (TagKind::Topic, "water")], "{}", b.name);
        assert_eq!(article.published_at, at(0));
        assert_eq!(article.updated_at, at(1));
        assert_eq!(article.status, Status::Published);
        b.finish().await;
    }
}

#[tokio::test]
async fn saving_a_slug_again_replaces_the_article_instead_of_adding_one() {
    for b in backends("saving_a_slug_again_replaces_the_article_instead_of_adding_one").await {
        b.store.save_articles(vec![draft("same", "A B", "Uzbekistan", at(0))], at(0)).await.expect("save");
        let mut again = draft("same", "C D", "Tajikistan", at(0));
        again.title = "Changed".into();
        let outcome = b.store.save_articles(vec![again], at(1)).await.expect("save again");
        assert_eq!(outcome, vec![SaveOutcome::Updated], "{}", b.name);
        assert_eq!(b.store.article_count().await.expect("count"), 1, "{}", b.name);
        let article = b.store.published_article(&slug("same"), at(2)).await.expect("read").expect("found");
        assert_eq!(article.title, "Changed");
        assert_eq!(article.authors[0].name, "C D", "{}: links replaced", b.name);
        assert_eq!(article.tags[0].slug.as_str(), "tajikistan", "{}", b.name);
        b.finish().await;
    }
}

#[tokio::test]
async fn listings_are_newest_first_a_page_at_a_time_and_count_the_whole_listing() {
    for b in backends("listings_are_newest_first_a_page_at_a_time_and_count_the_whole_listing").await {
        let drafts: Vec<_> = (0..9)
            .map(|i| {
                let country = if i % 3 == 0 { "Kyrgyzstan" } else { "Turkmenistan" };
                draft(&format!("story-{i}"), if i % 2 == 0 { "Even Writer" } else { "Odd Writer" }, country, at(i))
            })
            .collect();
        b.store.save_articles(drafts, at(10)).await.expect("save");
        let page = b.store.list_published(&ListingFilter::All, at(20), 2, 3, 50).await.expect("list");
        let slugs: Vec<_> = page.items.iter().map(|a| a.slug.as_str()).collect();
        assert_eq!(slugs, ["story-6", "story-5", "story-4"], "{}", b.name);
        assert_eq!(page.total, 9, "{}", b.name);
        assert_eq!(page.items[0].authors[0].name, "Even Writer", "{}: cards carry bylines", b.name);
        assert!(page.items[0].tags.iter().any(|t| t.slug.as_str() == "kyrgyzstan"), "{}", b.name);

        let kyrgyzstan = b.store.tag(TagKind::Country, &slug("kyrgyzstan")).await.expect("tag").expect("exists");
        let by_tag = b.store.list_published(&ListingFilter::Tag(kyrgyzstan.id), at(20), 0, 10, 50).await.expect("list");
        let slugs: Vec<_> = by_tag.items.iter().map(|a| a.slug.as_str()).collect();
        assert_eq!(slugs, ["story-6", "story-3", "story-0"], "{}", b.name);
        assert_eq!(by_tag.total, 3);

        let odd = b.store.author(&slug("odd-writer")).await.expect("author").expect("exists");
        let by_author = b.store.list_published(&ListingFilter::Author(odd.id), at(20), 0, 2, 50).await.expect("list");
        assert_eq!(by_author.total, 4, "{}", b.name);
        assert_eq!(by_author.items.len(), 2);

        let period = ListingFilter::Period { from: at(2), until: at(5) };
        let in_period = b.store.list_published(&period, at(20), 0, 10, 50).await.expect("list");
        let slugs: Vec<_> = in_period.items.iter().map(|a| a.slug.as_str()).collect();
        assert_eq!(slugs, ["story-4", "story-3", "story-2"], "{}", b.name);
        assert_eq!(in_period.total, 3);

        let latest = b.store.latest_published(&ListingFilter::All, at(20), 2, 50).await.expect("latest");
        assert_eq!(latest.iter().map(|a| a.slug.as_str()).collect::<Vec<_>>(), ["story-8", "story-7"]);
        b.finish().await;
    }
}

#[tokio::test]
async fn an_article_dated_later_or_not_published_stays_out_of_public_reads() {
    for b in backends("an_article_dated_later_or_not_published_stays_out_of_public_reads").await {
        let mut scheduled = draft("later", "A B", "Kazakhstan", at(5));
        scheduled.status = Status::Scheduled;
        let mut unpublished = draft("draft", "A B", "Kazakhstan", at(0));
        unpublished.status = Status::Draft;
        let future = draft("future-dated", "A B", "Kazakhstan", at(8));
        b.store.save_articles(vec![scheduled, unpublished, future], at(0)).await.expect("save");
        for s in ["later", "draft", "future-dated"] {
            assert!(b.store.published_article(&slug(s), at(1)).await.expect("read").is_none(), "{}: {s}", b.name);
        }
        let listing = b.store.list_published(&ListingFilter::All, at(1), 0, 10, 50).await.expect("list");
        assert_eq!(listing.total, 0, "{}", b.name);
        assert!(b.store.published_article(&slug("future-dated"), at(9)).await.expect("read").is_some());
        assert_eq!(b.store.list_published(&ListingFilter::All, at(9), 0, 10, 50).await.expect("list").total, 1);
        b.finish().await;
    }
}

#[tokio::test]
async fn every_content_change_moves_the_content_version_and_a_read_does_not() {
    for b in backends("every_content_change_moves_the_content_version_and_a_read_does_not").await {
        let start = b.store.content_version().await.expect("version");
        b.store.save_articles(vec![draft("one", "A B", "Kazakhstan", at(0))], at(0)).await.expect("save");
        let after_save = b.store.content_version().await.expect("version");
        assert!(after_save > start, "{}", b.name);
        b.store.published_article(&slug("one"), at(1)).await.expect("read");
        b.store.list_published(&ListingFilter::All, at(1), 0, 6, 50).await.expect("list");
        assert_eq!(b.store.content_version().await.expect("version"), after_save, "{}: reads change nothing", b.name);
        b.store.save_rates(vec![rate("KZT", "2025-12-04", "512.3")]).await.expect("rates");
        assert!(b.store.content_version().await.expect("version") > after_save, "{}: a new rate", b.name);
        b.finish().await;
    }
}

fn rate(currency: &str, day: &str, value: &str) -> OfficialRate {
    OfficialRate {
        currency: currency.into(),
        quote: "USD".into(),
        date: day.parse().expect("date"),
        source: "nbk".into(),
        rate: Decimal::from_str(value).expect("decimal"),
        scale: 1,
        fetched_at: at(0),
    }
}

#[tokio::test]
async fn rates_keep_the_latest_and_previous_day_and_a_history() {
    for b in backends("rates_keep_the_latest_and_previous_day_and_a_history").await {
        let rates = vec![
            rate("KZT", "2025-12-02", "510.00"),
            rate("KZT", "2025-12-03", "511.25"),
            rate("KZT", "2025-12-04", "512.30"),
            rate("UZS", "2025-12-04", "12045.5"),
        ];
        b.store.save_rates(rates).await.expect("save");
        b.store.save_rates(vec![rate("KZT", "2025-12-04", "512.40")]).await.expect("replace");
        let latest = b.store.latest_rates("USD").await.expect("latest");
        let kzt = latest.iter().find(|h| h.latest.currency == "KZT").expect("KZT");
        assert_eq!(kzt.latest.rate, Decimal::from_str("512.40").expect("decimal"), "{}: replaced", b.name);
        assert_eq!(kzt.previous.as_ref().map(|p| p.date), Some(date(2025, 12, 3)), "{}", b.name);
        assert_eq!(b.store.latest_rate_date().await.expect("date"), Some(date(2025, 12, 4)));
        let history = b.store.rate_history("KZT", "USD", date(2025, 12, 1), date(2025, 12, 3)).await.expect("history");
        assert_eq!(history.iter().map(|r| r.date).collect::<Vec<_>>(), [date(2025, 12, 2), date(2025, 12, 3)]);
        assert_eq!(b.store.latest_rates_from("nbk").await.expect("latest from").len(), 2, "{}", b.name);
        b.finish().await;
    }
}

#[tokio::test]
async fn api_keys_are_known_by_digest_listed_by_name_and_removed() {
    for b in backends("api_keys_are_known_by_digest_listed_by_name_and_removed").await {
        assert_eq!(b.store.add_api_key("mobile", "digest-1", at(0)).await.expect("add"), KeyAdded::Added);
        assert_eq!(b.store.add_api_key("mobile", "digest-2", at(0)).await.expect("add"), KeyAdded::NameTaken);
        assert!(b.store.api_key_known("digest-1").await.expect("known"), "{}", b.name);
        assert!(!b.store.api_key_known("digest-2").await.expect("known"));
        assert_eq!(b.store.api_keys().await.expect("list").len(), 1);
        assert!(b.store.remove_api_key("mobile").await.expect("remove"));
        assert!(!b.store.remove_api_key("mobile").await.expect("remove again"), "{}", b.name);
        assert!(!b.store.api_key_known("digest-1").await.expect("known"));
        b.finish().await;
    }
}

#[tokio::test]
async fn related_articles_share_tags_and_leave_out_the_article_itself() {
    for b in backends("related_articles_share_tags_and_leave_out_the_article_itself").await {
        let drafts = vec![
            draft("main", "A B", "Tajikistan", at(3)),
            draft("same-country", "A B", "Tajikistan", at(2)),
            draft("other-country", "A B", "Kazakhstan", at(1)),
        ];
        b.store.save_articles(drafts, at(4)).await.expect("save");
        let main = b.store.published_article(&slug("main"), at(5)).await.expect("read").expect("found");
        let related = b.store.related_articles(&main, 5, at(5), 50).await.expect("related");
        let slugs: Vec<_> = related.iter().map(|a| a.slug.as_str()).collect();
        assert_eq!(slugs, ["same-country", "other-country"], "{}: two shared tags rank first", b.name);
        b.finish().await;
    }
}

#[tokio::test]
async fn related_articles_take_in_an_article_whose_time_comes_with_no_change_to_the_content() {
    for b in backends("related_articles_take_in_an_article_whose_time_comes_with_no_change_to_the_content").await {
        let drafts = vec![
            draft("main", "A B", "Tajikistan", at(1)),
            draft("before", "A B", "Tajikistan", at(2)),
            draft("dated-later", "A B", "Tajikistan", at(6)),
        ];
        b.store.save_articles(drafts, at(3)).await.expect("save");
        let main = b.store.published_article(&slug("main"), at(4)).await.expect("read").expect("found");
        let (store, main) = (&b.store, &main);
        let related = |now| async move {
            let related = store.related_articles(main, 5, now, 50).await.expect("related");
            related.iter().map(|a| a.slug.as_str().to_owned()).collect::<Vec<_>>()
        };
        assert_eq!(related(at(4)).await, ["before"], "{}: before its time", b.name);
        assert_eq!(related(at(5)).await, ["before"], "{}: still before its time", b.name);
        assert_eq!(related(at(7)).await, ["dated-later", "before"], "{}: in its time, the newer first", b.name);
        b.finish().await;
    }
}

#[tokio::test]
async fn an_article_read_with_its_related_articles_gets_what_reading_them_apart_gets_as_time_and_content_move() {
    let name = "an_article_read_with_its_related_articles_gets_what_reading_them_apart_gets_as_time_and_content_move";
    for b in backends(name).await {
        let drafts = vec![
            draft("main", "A B", "Tajikistan", at(1)),
            draft("before", "A B", "Tajikistan", at(2)),
            draft("dated-later", "A B", "Tajikistan", at(6)),
        ];
        b.store.save_articles(drafts, at(3)).await.expect("save");
        let store = &b.store;
        let together = |now| async move {
            let (article, related) = store
                .published_article_with_related(&slug("main"), now, 5, 50)
                .await
                .expect("read together")
                .expect("found");
            (article.slug.as_str().to_owned(), related.iter().map(|a| a.slug.as_str().to_owned()).collect::<Vec<_>>())
        };
        let apart = |now| async move {
            let article = store.published_article(&slug("main"), now).await.expect("read").expect("found");
            let related = store.related_articles(&article, 5, now, 50).await.expect("related");
            (article.slug.as_str().to_owned(), related.iter().map(|a| a.slug.as_str().to_owned()).collect::<Vec<_>>())
        };
        let seen = |related: &[&str]| ("main".to_owned(), related.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>());
        for (now, expected, when) in [
            (at(4), seen(&["before"]), "before its time"),
            (at(5), seen(&["before"]), "read again, still before its time"),
            (at(7), seen(&["dated-later", "before"]), "in its time, with no change to the content"),
        ] {
            assert_eq!(together(now).await, expected, "{}: {when}", b.name);
            assert_eq!(apart(now).await, expected, "{}: {when}, read apart", b.name);
        }
        // Dated within what was looked at: only the change to the content tells.
        b.store.save_articles(vec![draft("also-earlier", "A B", "Tajikistan", at(5))], at(8)).await.expect("save");
        let expected = seen(&["dated-later", "also-earlier", "before"]);
        assert_eq!(together(at(7)).await, expected, "{}: after a new article", b.name);
        assert_eq!(apart(at(7)).await, expected, "{}: after a new article, read apart", b.name);
        assert!(
            b.store.published_article_with_related(&slug("absent"), at(9), 5, 50).await.expect("read").is_none(),
            "{}: no such article",
            b.name
        );
        b.finish().await;
    }
}

#[tokio::test]
async fn home_page_blocks_hold_each_countrys_latest_articles() {
    for b in backends("home_page_blocks_hold_each_countrys_latest_articles").await {
        let mut both = draft("both", "A B", "Kazakhstan", at(4));
        both.tags.push(TagRef { kind: TagKind::Country, slug: slug("uzbekistan"), name: "Uzbekistan".into() });
        let drafts = vec![
            draft("k1", "A B", "Kazakhstan", at(1)),
            draft("k2", "A B", "Kazakhstan", at(2)),
            draft("u1", "A B", "Uzbekistan", at(3)),
            both,
        ];
        b.store.save_articles(drafts, at(4)).await.expect("save");
        let blocks = b.store.latest_by_tag_kind(TagKind::Country, 2, at(5), 50).await.expect("blocks");
        let got: Vec<(&str, Vec<&str>)> = blocks
            .iter()
            .map(|block| (block.tag.slug.as_str(), block.items.iter().map(|a| a.slug.as_str()).collect()))
            .collect();
        assert_eq!(
            got,
            [("kazakhstan", vec!["both", "k2"]), ("uzbekistan", vec!["both", "u1"])],
            "{}: countries by name, an article in two countries in both",
            b.name
        );
        b.finish().await;
    }
}

#[tokio::test]
async fn stamps_and_lookups_by_id_cover_every_article_whatever_its_status() {
    for b in backends("stamps_and_lookups_by_id_cover_every_article_whatever_its_status").await {
        let mut hidden = draft("hidden", "A B", "Kazakhstan", at(0));
        hidden.status = Status::Draft;
        b.store.save_articles(vec![draft("shown", "A B", "Kazakhstan", at(1)), hidden], at(2)).await.expect("save");
        let stamps = b.store.article_stamps().await.expect("stamps");
        assert_eq!(stamps.len(), 2, "{}", b.name);
        assert_eq!(stamps.iter().filter(|s| s.listed).count(), 1, "{}", b.name);
        let ids: Vec<i64> = stamps.iter().map(|s| s.id).collect();
        let whole = b.store.articles_by_id(&ids).await.expect("by id");
        assert_eq!(whole.len(), 2);
        assert!(whole.iter().all(|a| !a.authors.is_empty() && !a.tags.is_empty()), "{}", b.name);
        let mut reversed = ids.clone();
        reversed.reverse();
        let summaries = b.store.published_summaries(&reversed, at(3), 50).await.expect("summaries");
        assert_eq!(summaries.len(), 1, "{}: only the public one", b.name);
        assert_eq!(summaries[0].slug.as_str(), "shown");
        b.finish().await;
    }
}

#[tokio::test]
async fn tags_are_ordered_by_name_byte_by_byte_whatever_the_database_collation() {
    for b in backends("tags_are_ordered_by_name_byte_by_byte_whatever_the_database_collation").await {
        let drafts = vec![
            draft("one", "A B", "aral sea", at(1)),
            draft("two", "A B", "Zhetisu", at(2)),
            draft("three", "A B", "Almaty", at(3)),
        ];
        b.store.save_articles(drafts, at(4)).await.expect("save");
        let names: Vec<_> = b.store.tags(TagKind::Country).await.expect("tags").into_iter().map(|t| t.name).collect();
        assert_eq!(names, ["Almaty", "Zhetisu", "aral sea"], "{}", b.name);
        let blocks = b.store.latest_by_tag_kind(TagKind::Country, 3, at(5), 50).await.expect("blocks");
        let names: Vec<_> = blocks.iter().map(|block| block.tag.name.as_str()).collect();
        assert_eq!(names, ["Almaty", "Zhetisu", "aral sea"], "{}: blocks in the order of tags", b.name);
        b.finish().await;
    }
}

#[tokio::test]
async fn a_card_carries_the_lead_for_a_short_excerpt_and_the_whole_text_for_a_long_one() {
    for b in backends("a_card_carries_the_lead_for_a_short_excerpt_and_the_whole_text_for_a_long_one").await {
        let mut long = draft("long", "A B", "Kazakhstan", at(0));
        let words: Vec<String> = (0..300).map(|i| format!("word{i}")).collect();
        long.body = Body::from_source(BodySource::Markdown(words.join(" ")));
        b.store.save_articles(vec![long], at(0)).await.expect("save");
        let short = b.store.list_published(&ListingFilter::All, at(1), 0, 1, 50).await.expect("list");
        let lead = short.items[0].lead_text.split_whitespace().count();
        assert!(lead > 50 && lead < 300, "{}: {lead} words for a 50-word excerpt", b.name);
        let whole = b.store.latest_published(&ListingFilter::All, at(1), 1, 200).await.expect("latest");
        assert_eq!(whole[0].lead_text.split_whitespace().count(), 300, "{}: the whole text", b.name);
        b.finish().await;
    }
}

#[tokio::test]
async fn summaries_by_id_keep_the_order_asked_for_and_carry_bylines_and_tags() {
    for b in backends("summaries_by_id_keep_the_order_asked_for_and_carry_bylines_and_tags").await {
        let drafts = vec![draft("first", "A B", "Kazakhstan", at(1)), draft("second", "C D", "Uzbekistan", at(2))];
        b.store.save_articles(drafts, at(3)).await.expect("save");
        let mut ids: Vec<i64> = b.store.article_stamps().await.expect("stamps").iter().map(|s| s.id).collect();
        ids.sort_unstable();
        ids.reverse();
        let cards = b.store.published_summaries(&ids, at(4), 50).await.expect("summaries");
        let got: Vec<_> =
            cards.iter().map(|c| (c.slug.as_str(), c.authors[0].name.as_str(), c.tags[0].name.as_str())).collect();
        assert_eq!(got, [("second", "C D", "Uzbekistan"), ("first", "A B", "Kazakhstan")], "{}", b.name);
        assert!(b.store.published_summaries(&[], at(4), 50).await.expect("none").is_empty(), "{}", b.name);
        b.finish().await;
    }
}

#[tokio::test]
async fn a_search_result_card_read_before_is_not_given_before_its_time_or_once_unpublished() {
    for b in backends("a_search_result_card_read_before_is_not_given_before_its_time_or_once_unpublished").await {
        let mut story = draft("story", "A B", "Kazakhstan", at(5));
        b.store.save_articles(vec![story.clone()], at(1)).await.expect("save");
        let id = b.store.article_stamps().await.expect("stamps")[0].id;
        let slugs = |cards: Vec<ArticleSummary>| -> Vec<String> {
            cards.iter().map(|card| card.slug.as_str().to_owned()).collect()
        };
        assert!(b.store.published_summaries(&[id], at(2), 500).await.expect("early").is_empty(), "{}", b.name);
        let shown = b.store.published_summaries(&[id], at(6), 500).await.expect("public");
        assert_eq!(slugs(shown), ["story"], "{}: public", b.name);
        let again = b.store.published_summaries(&[id], at(6), 500).await.expect("again");
        assert_eq!(slugs(again), ["story"], "{}: read again", b.name);
        assert!(
            b.store.published_summaries(&[id], at(4), 500).await.expect("asked as of before").is_empty(),
            "{}: not public yet as of an earlier time",
            b.name
        );
        story.status = Status::Draft;
        b.store.save_articles(vec![story], at(7)).await.expect("unpublish");
        assert!(b.store.published_summaries(&[id], at(8), 500).await.expect("gone").is_empty(), "{}", b.name);
        b.finish().await;
    }
}

#[tokio::test]
async fn a_cards_bylines_and_tags_follow_every_change_to_its_links_in_their_order() {
    for b in backends("a_cards_bylines_and_tags_follow_every_change_to_its_links_in_their_order").await {
        let card = |cards: Vec<qalam::domain::article::ArticleSummary>| -> (Vec<String>, Vec<String>) {
            let card = &cards[0];
            (card.authors.iter().map(|a| a.name.clone()).collect(), card.tags.iter().map(|t| t.name.clone()).collect())
        };
        let mut story = draft("story", "A B", "Kazakhstan", at(1));
        story.authors.push(AuthorRef { slug: slug("c-d"), name: "C D".into() });
        b.store.save_articles(vec![story.clone()], at(2)).await.expect("save");
        let listed = || b.store.latest_published(&ListingFilter::All, at(3), 1, 20);
        assert_eq!(
            card(listed().await.expect("cards")),
            (vec!["A B".into(), "C D".into()], vec!["Kazakhstan".into(), "Water".into()]),
            "{}: as saved",
            b.name
        );

        story.authors.reverse();
        story.tags.reverse();
        story.tags.push(TagRef { kind: TagKind::Section, slug: slug("business"), name: "Business".into() });
        b.store.save_articles(vec![story.clone()], at(3)).await.expect("save again");
        assert_eq!(
            card(listed().await.expect("cards")),
            (vec!["C D".into(), "A B".into()], vec!["Water".into(), "Kazakhstan".into(), "Business".into()]),
            "{}: reordered and one more",
            b.name
        );

        let water = b.store.tag(TagKind::Topic, &slug("water")).await.expect("tag").expect("found").id;
        assert!(b.store.remove_tag(water).await.expect("remove"), "{}", b.name);
        let id = listed().await.expect("cards")[0].id;
        assert_eq!(
            card(b.store.published_summaries(&[id], at(4), 500).await.expect("summaries")),
            (vec!["C D".into(), "A B".into()], vec!["Kazakhstan".into(), "Business".into()]),
            "{}: a removed tag leaves its cards",
            b.name
        );

        story.authors.clear();
        story.tags.clear();
        b.store.save_articles(vec![story], at(4)).await.expect("save without links");
        assert_eq!(card(listed().await.expect("cards")), (vec![], vec![]), "{}: no links", b.name);
        b.finish().await;
    }
}

/// The headline, bylines and tags of a card, as one line.
fn card_line(card: &ArticleSummary) -> String {
    let authors: Vec<&str> = card.authors.iter().map(|a| a.name.as_str()).collect();
    let tags: Vec<&str> = card.tags.iter().map(|t| t.name.as_str()).collect();
    format!("{} by {} in {}", card.title, authors.join(", "), tags.join(", "))
}

#[tokio::test]
async fn a_card_read_before_shows_each_later_change_to_its_article_bylines_and_tags() {
    for b in backends("a_card_read_before_shows_each_later_change_to_its_article_bylines_and_tags").await {
        let mut story = draft("story", "A B", "Kazakhstan", at(1));
        b.store.save_articles(vec![story.clone()], at(2)).await.expect("save");
        // The home page's teaser, a listing's 500-word excerpt, a country block and a
        // search result.
        let cards = || async {
            let latest = b.store.latest_published(&ListingFilter::All, at(9), 1, 40).await.expect("latest");
            let listed = b.store.list_published(&ListingFilter::All, at(9), 0, 6, 500).await.expect("listing");
            let blocks = b.store.latest_by_tag_kind(TagKind::Country, 3, at(9), 40).await.expect("blocks");
            let blocks = blocks.iter().flat_map(|block| &block.items);
            let ids: Vec<i64> = latest.iter().map(|card| card.id).collect();
            let found = b.store.published_summaries(&ids, at(9), 500).await.expect("search results");
            latest.iter().chain(&listed.items).chain(blocks).chain(&found).map(card_line).collect::<Vec<_>>()
        };
        let each = |line: &str| vec![line.to_owned(); 4];
        assert_eq!(cards().await, each("Headline of story by A B in Kazakhstan, Water"), "{}: as saved", b.name);
        assert_eq!(cards().await, each("Headline of story by A B in Kazakhstan, Water"), "{}: read again", b.name);

        story.title = "A new headline".to_owned();
        b.store.save_articles(vec![story], at(3)).await.expect("edit");
        assert_eq!(cards().await, each("A new headline by A B in Kazakhstan, Water"), "{}: edited", b.name);

        let renamed = ImportedAuthor {
            login: "ab".to_owned(),
            email: None,
            author: AuthorRef { slug: slug("a-b"), name: "Aida Bekova".to_owned() },
        };
        b.store.save_imported_authors(vec![renamed]).await.expect("rename");
        assert_eq!(cards().await, each("A new headline by Aida Bekova in Kazakhstan, Water"), "{}: renamed", b.name);

        let water = b.store.tag(TagKind::Topic, &slug("water")).await.expect("tag").expect("found").id;
        assert!(b.store.remove_tag(water).await.expect("remove"), "{}", b.name);
        assert_eq!(cards().await, each("A new headline by Aida Bekova in Kazakhstan"), "{}: tag removed", b.name);
        b.finish().await;
    }
}

#[tokio::test]
async fn a_rate_given_twice_in_one_save_keeps_the_last_value() {
    for b in backends("a_rate_given_twice_in_one_save_keeps_the_last_value").await {
        b.store
            .save_rates(vec![rate("KZT", "2025-12-04", "512.30"), rate("KZT", "2025-12-04", "512.90")])
            .await
            .expect("save");
        let latest = b.store.latest_rates_from("nbk").await.expect("latest");
        assert_eq!(latest.len(), 1, "{}", b.name);
        assert_eq!(latest[0].rate, Decimal::from_str("512.90").expect("decimal"), "{}", b.name);
        assert_eq!(b.store.latest_rate_date().await.expect("date"), Some(date(2025, 12, 4)), "{}", b.name);
        b.finish().await;
    }
}

#[tokio::test]
async fn a_listing_total_follows_each_save_and_the_clock() {
    for b in backends("a_listing_total_follows_each_save_and_the_clock").await {
        b.store.save_articles(vec![draft("now", "A B", "Kazakhstan", at(0))], at(0)).await.expect("save");
        let kazakhstan = b.store.tag(TagKind::Country, &slug("kazakhstan")).await.expect("tag").expect("exists");
        let by_tag = ListingFilter::Tag(kazakhstan.id);
        assert_eq!(b.store.list_published(&by_tag, at(1), 0, 5, 50).await.expect("list").total, 1, "{}", b.name);
        b.store.save_articles(vec![draft("later", "A B", "Kazakhstan", at(6))], at(1)).await.expect("save");
        assert_eq!(b.store.list_published(&by_tag, at(2), 0, 5, 50).await.expect("list").total, 1, "{}", b.name);
        assert_eq!(b.store.list_published(&by_tag, at(7), 0, 5, 50).await.expect("list").total, 2, "{}", b.name);
        let mut moved = draft("later", "A B", "Uzbekistan", at(6));
        moved.title = "Moved".into();
        b.store.save_articles(vec![moved], at(8)).await.expect("save");
        assert_eq!(b.store.list_published(&by_tag, at(9), 0, 5, 50).await.expect("list").total, 1, "{}", b.name);
        b.finish().await;
    }
}
