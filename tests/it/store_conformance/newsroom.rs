//! Accounts, sessions, the sign-in throttle, reset links, the editor's saves and
//! revisions, scheduled publishing, tag and author profiles, notes and redirects: the
//! newsroom's half of the store.

use std::sync::Arc;

use qalam::domain::account::{Email, Role};
use qalam::domain::article::{NoteKind, Status};
use qalam::domain::slug::Slug;
use qalam::domain::taxonomy::TagKind;
use qalam::store::newsroom::{
    ArticleSave, ArticleSaved, AuthorEdit, NewUser, NewsroomFilter, ProfileSaved, TagEdit, UserAdded,
};
use qalam::store::{ListingFilter, Redirect, Store};

use super::{Backend, at, backends, draft};

fn email(s: &str) -> Email {
    Email::parse(s).expect("email")
}

fn slug(s: &str) -> Slug {
    Slug::parse(s).expect("slug")
}

fn new_user(address: &str, name: &str, role: Role) -> NewUser {
    NewUser { email: email(address), name: name.to_owned(), role, password_hash: format!("hash of {address}") }
}

async fn add_user(store: &Arc<dyn Store>, address: &str, name: &str, role: Role) -> i64 {
    match store.add_user(new_user(address, name, role), at(0)).await.expect("add user") {
        UserAdded::Added(id) => id,
        other => panic!("{address} not added: {other:?}"),
    }
}

/// An editor's save of a new article (`id` `None`) or of a stored one.
fn edit(slug_text: &str, id: Option<i64>, base_version: Option<i64>, user_id: i64) -> ArticleSave {
    ArticleSave {
        id,
        base_version,
        draft: draft(slug_text, "Dana Editor", "Kazakhstan", at(0)),
        seo_title: Some(format!("SEO {slug_text}")),
        seo_description: None,
        featured_image_alt: Some("Alt".to_owned()),
        featured_image_caption: None,
        snapshot: format!("{{\"slug\":\"{slug_text}\",\"base\":{}}}", base_version.unwrap_or(0)),
        user_id,
    }
}

async fn saved(b: &Backend, save: ArticleSave, hours: i64) -> (i64, i64) {
    match b.store.save_edited_article(save, at(hours)).await.expect("save") {
        ArticleSaved::Saved { id, version } => (id, version),
        other => panic!("{}: not saved: {other:?}", b.name),
    }
}

#[tokio::test]
async fn the_first_owner_is_added_once_and_an_address_belongs_to_one_account() {
    for b in backends("the_first_owner_is_added_once_and_an_address_belongs_to_one_account").await {
        assert_eq!(b.store.user_count().await.expect("count"), 0, "{}", b.name);
        let owner = add_user(&b.store, "owner@example.com", "Olga Owner", Role::Owner).await;
        let second = b.store.add_user(new_user("other@example.com", "Other", Role::Owner), at(0)).await;
        assert_eq!(second.expect("add"), UserAdded::OwnerExists, "{}", b.name);
        let same = b.store.add_user(new_user("owner@example.com", "Twin", Role::Editor), at(0)).await;
        assert_eq!(same.expect("add"), UserAdded::EmailTaken, "{}", b.name);
        let editor = add_user(&b.store, "ed@example.com", "Adil Editor", Role::Editor).await;
        let contributor = add_user(&b.store, "c@example.com", "Bek Contributor", Role::Contributor).await;
        assert_eq!(b.store.user_count().await.expect("count"), 3, "{}", b.name);

        let order: Vec<_> = b.store.users().await.expect("users").iter().map(|u| u.id).collect();
        assert_eq!(order, [owner, editor, contributor], "{}: most trusted role first", b.name);
        let (user, hash) = b.store.user_by_email(&email("ed@example.com")).await.expect("read").expect("found");
        assert_eq!((user.id, user.role, hash.as_str()), (editor, Role::Editor, "hash of ed@example.com"), "{}", b.name);
        let author_id = user.author_id.expect("an author profile under the account's name");
        let author = b.store.author_by_id(author_id).await.expect("author").expect("found");
        assert_eq!((author.slug.as_str(), author.name.as_str()), ("adil-editor", "Adil Editor"), "{}", b.name);
        assert_eq!(b.store.user(owner).await.expect("user").expect("found").name, "Olga Owner", "{}", b.name);

        assert!(b.store.remove_user(contributor).await.expect("remove"), "{}", b.name);
        assert!(!b.store.remove_user(contributor).await.expect("remove"), "{}: gone already", b.name);
        assert!(b.store.user(contributor).await.expect("user").is_none(), "{}", b.name);
        b.finish().await;
    }
}

#[tokio::test]
async fn an_account_named_like_an_existing_author_takes_over_that_profile() {
    for b in backends("an_account_named_like_an_existing_author_takes_over_that_profile").await {
        b.store
            .save_articles(vec![draft("story", "Aigerim Sadykova", "Kazakhstan", at(0))], at(0))
            .await
            .expect("save");
        let id = add_user(&b.store, "a@example.com", "Aigerim Sadykova", Role::Author).await;
        let user = b.store.user(id).await.expect("user").expect("found");
        let profiles = b.store.author_profiles().await.expect("profiles");
        assert_eq!(profiles.len(), 1, "{}: no second profile", b.name);
        assert_eq!(user.author_id, Some(profiles[0].author.id), "{}", b.name);
        b.finish().await;
    }
}

#[tokio::test]
async fn a_session_is_live_until_it_expires_or_ends() {
    for b in backends("a_session_is_live_until_it_expires_or_ends").await {
        let user = add_user(&b.store, "ed@example.com", "Ed", Role::Editor).await;
        b.store.add_session("digest-1", user, "csrf-1", at(0), at(2)).await.expect("add");
        b.store.add_session("digest-2", user, "csrf-2", at(0), at(2)).await.expect("add");
        let live = b.store.session("digest-1", at(1)).await.expect("read").expect("live");
        assert_eq!((live.user.id, live.csrf_token.as_str()), (user, "csrf-1"), "{}", b.name);
        assert!(b.store.session("digest-1", at(2)).await.expect("read").is_none(), "{}: expired", b.name);
        assert!(b.store.session("unknown", at(1)).await.expect("read").is_none(), "{}", b.name);
        b.store.end_session("digest-1").await.expect("end");
        assert!(b.store.session("digest-1", at(1)).await.expect("read").is_none(), "{}: ended", b.name);
        assert!(b.store.session("digest-2", at(1)).await.expect("read").is_some(), "{}: the other lives", b.name);
        b.finish().await;
    }
}

#[tokio::test]
async fn a_new_password_ends_the_accounts_sessions_and_reset_links_but_no_one_elses() {
    for b in backends("a_new_password_ends_the_accounts_sessions_and_reset_links_but_no_one_elses").await {
        let user = add_user(&b.store, "ed@example.com", "Ed", Role::Editor).await;
        let other = add_user(&b.store, "au@example.com", "Au", Role::Author).await;
        b.store.add_session("mine", user, "c", at(0), at(10)).await.expect("add");
        b.store.add_session("theirs", other, "c", at(0), at(10)).await.expect("add");
        b.store.add_password_reset("reset-mine", user, at(10)).await.expect("add");
        b.store.set_password(user, "new hash").await.expect("set");
        assert!(b.store.session("mine", at(1)).await.expect("read").is_none(), "{}", b.name);
        assert!(b.store.password_reset_user("reset-mine", at(1)).await.expect("read").is_none(), "{}", b.name);
        assert!(b.store.session("theirs", at(1)).await.expect("read").is_some(), "{}", b.name);
        let (_, hash) = b.store.user_by_email(&email("ed@example.com")).await.expect("read").expect("found");
        assert_eq!(hash, "new hash", "{}", b.name);
        b.finish().await;
    }
}

#[tokio::test]
async fn a_removed_account_loses_its_sessions() {
    for b in backends("a_removed_account_loses_its_sessions").await {
        let user = add_user(&b.store, "ed@example.com", "Ed", Role::Editor).await;
        b.store.add_session("mine", user, "c", at(0), at(10)).await.expect("add");
        b.store.remove_user(user).await.expect("remove");
        assert!(b.store.session("mine", at(1)).await.expect("read").is_none(), "{}", b.name);
        b.finish().await;
    }
}

#[tokio::test]
async fn sign_in_failures_are_counted_per_key_cleared_and_forgotten() {
    for b in backends("sign_in_failures_are_counted_per_key_cleared_and_forgotten").await {
        let keys = ["ip:10.0.0.1".to_owned(), "email:ed@example.com".to_owned()];
        b.store.add_login_failure(&keys, at(0), at(-24)).await.expect("add");
        b.store.add_login_failure(&keys[..1], at(1), at(-24)).await.expect("add");
        assert_eq!(b.store.login_failures("ip:10.0.0.1", at(-1)).await.expect("count"), 2, "{}", b.name);
        assert_eq!(b.store.login_failures("ip:10.0.0.1", at(1)).await.expect("count"), 1, "{}: since", b.name);
        assert_eq!(b.store.login_failures("email:ed@example.com", at(-1)).await.expect("count"), 1, "{}", b.name);
        assert_eq!(b.store.login_failures("ip:10.0.0.2", at(-1)).await.expect("count"), 0, "{}", b.name);

        b.store.clear_login_failures("ip:10.0.0.1").await.expect("clear");
        assert_eq!(b.store.login_failures("ip:10.0.0.1", at(-1)).await.expect("count"), 0, "{}", b.name);
        assert_eq!(b.store.login_failures("email:ed@example.com", at(-1)).await.expect("count"), 1, "{}", b.name);

        // The next failure forgets those before `forget_before`, whatever their key.
        b.store.add_login_failure(&keys[..1], at(5), at(3)).await.expect("add");
        assert_eq!(b.store.login_failures("email:ed@example.com", at(-1)).await.expect("count"), 0, "{}", b.name);
        assert_eq!(b.store.login_failures("ip:10.0.0.1", at(-1)).await.expect("count"), 1, "{}", b.name);
        b.finish().await;
    }
}

#[tokio::test]
async fn a_reset_link_names_its_account_until_it_expires() {
    for b in backends("a_reset_link_names_its_account_until_it_expires").await {
        let user = add_user(&b.store, "ed@example.com", "Ed", Role::Editor).await;
        b.store.add_password_reset("link", user, at(1)).await.expect("add");
        assert_eq!(b.store.password_reset_user("link", at(0)).await.expect("read"), Some(user), "{}", b.name);
        assert_eq!(
            b.store.password_reset_user("link", at(0)).await.expect("read"),
            Some(user),
            "{}: not used up",
            b.name
        );
        assert_eq!(b.store.password_reset_user("link", at(1)).await.expect("read"), None, "{}: expired", b.name);
        assert_eq!(b.store.password_reset_user("other", at(0)).await.expect("read"), None, "{}", b.name);
        b.finish().await;
    }
}

#[tokio::test]
async fn the_editor_saves_a_new_article_as_version_one_owned_by_its_writer() {
    for b in backends("the_editor_saves_a_new_article_as_version_one_owned_by_its_writer").await {
        let user = add_user(&b.store, "ed@example.com", "Ed", Role::Editor).await;
        let (id, version) = saved(&b, edit("fresh", None, None, user), 1).await;
        assert_eq!(version, 1, "{}", b.name);
        let article = b.store.edited_article(id).await.expect("read").expect("found");
        assert_eq!((article.version, article.owner_id, article.updated_at), (1, Some(user), at(1)), "{}", b.name);
        assert_eq!(article.draft.slug.as_str(), "fresh", "{}", b.name);
        assert!(article.draft.body.markdown.as_deref().is_some_and(|m| m.contains("*paragraph*")), "{}", b.name);
        assert_eq!(article.seo_title.as_deref(), Some("SEO fresh"), "{}", b.name);
        assert_eq!(article.featured_image_alt.as_deref(), Some("Alt"), "{}", b.name);
        assert_eq!(article.draft.authors[0].name, "Dana Editor", "{}", b.name);
        assert_eq!(article.author_ids.len(), 1, "{}", b.name);
        let tags: Vec<_> = article.draft.tags.iter().map(|t| (t.kind, t.slug.as_str())).collect();
        assert_eq!(tags, [(TagKind::Country, "kazakhstan"), (TagKind::Topic, "water")], "{}", b.name);
        assert!(b.store.edited_article(id + 100).await.expect("read").is_none(), "{}", b.name);
        b.finish().await;
    }
}

#[tokio::test]
async fn a_save_from_a_stale_version_is_a_conflict_naming_who_saved_last() {
    for b in backends("a_save_from_a_stale_version_is_a_conflict_naming_who_saved_last").await {
        let first = add_user(&b.store, "ed@example.com", "Ed", Role::Editor).await;
        let second = add_user(&b.store, "au@example.com", "Aliya", Role::Author).await;
        let (id, _) = saved(&b, edit("story", None, None, first), 1).await;
        let (_, version) = saved(&b, edit("story", Some(id), Some(1), second), 2).await;
        assert_eq!(version, 2, "{}", b.name);
        let mut stale = edit("story", Some(id), Some(1), first);
        stale.draft.title = "Lost".to_owned();
        let outcome = b.store.save_edited_article(stale, at(3)).await.expect("save");
        let expected = ArticleSaved::Conflict { version: 2, saved_by: Some("Aliya".to_owned()), saved_at: at(2) };
        assert_eq!(outcome, expected, "{}", b.name);
        let article = b.store.edited_article(id).await.expect("read").expect("found");
        assert_eq!((article.version, article.draft.title.as_str()), (2, "Headline of story"), "{}", b.name);
        assert_eq!(article.owner_id, Some(first), "{}: the owner stays", b.name);
        assert_eq!(b.store.revisions(id).await.expect("revisions").len(), 2, "{}: no revision", b.name);
        b.finish().await;
    }
}

#[tokio::test]
async fn a_save_under_another_articles_slug_is_refused_and_a_free_slug_renames() {
    for b in backends("a_save_under_another_articles_slug_is_refused_and_a_free_slug_renames").await {
        let user = add_user(&b.store, "ed@example.com", "Ed", Role::Editor).await;
        let (first, _) = saved(&b, edit("first", None, None, user), 1).await;
        saved(&b, edit("second", None, None, user), 1).await;
        let taken = b.store.save_edited_article(edit("second", Some(first), Some(1), user), at(2)).await;
        assert_eq!(taken.expect("save"), ArticleSaved::SlugTaken, "{}", b.name);
        let new = b.store.save_edited_article(edit("first", None, None, user), at(2)).await;
        assert_eq!(new.expect("save"), ArticleSaved::SlugTaken, "{}: a new article too", b.name);
        let missing = b.store.save_edited_article(edit("third", Some(first + 100), None, user), at(2)).await;
        assert_eq!(missing.expect("save"), ArticleSaved::Missing, "{}", b.name);

        let (id, version) = saved(&b, edit("renamed", Some(first), Some(1), user), 3).await;
        assert_eq!((id, version), (first, 2), "{}: the same article, renamed", b.name);
        let article = b.store.edited_article(first).await.expect("read").expect("found");
        assert_eq!(article.draft.slug.as_str(), "renamed", "{}", b.name);
        let (rows, total) = b.store.newsroom_articles(&NewsroomFilter::default(), 0, 10).await.expect("list");
        assert_eq!(total, 2, "{}", b.name);
        assert!(rows.iter().all(|r| r.slug != "first"), "{}", b.name);
        b.finish().await;
    }
}

#[tokio::test]
async fn revisions_are_listed_newest_first_and_read_back_with_their_manuscript() {
    for b in backends("revisions_are_listed_newest_first_and_read_back_with_their_manuscript").await {
        let user = add_user(&b.store, "ed@example.com", "Ed", Role::Editor).await;
        let (id, _) = saved(&b, edit("story", None, None, user), 1).await;
        saved(&b, edit("story", Some(id), Some(1), user), 2).await;
        let (other, _) = saved(&b, edit("other", None, None, user), 3).await;
        let revisions = b.store.revisions(id).await.expect("revisions");
        let listed: Vec<_> = revisions.iter().map(|r| (r.version, r.saved_at, r.saved_by.as_deref())).collect();
        assert_eq!(listed, [(2, at(2), Some("Ed")), (1, at(1), Some("Ed"))], "{}", b.name);
        let (info, snapshot) = b.store.revision(id, revisions[1].id).await.expect("read").expect("found");
        assert_eq!((info.id, info.version), (revisions[1].id, 1), "{}", b.name);
        assert_eq!(snapshot, "{\"slug\":\"story\",\"base\":0}", "{}", b.name);
        let elsewhere = b.store.revisions(other).await.expect("revisions")[0].id;
        assert!(b.store.revision(id, elsewhere).await.expect("read").is_none(), "{}: another article's", b.name);

        b.store.remove_user(user).await.expect("remove");
        let revisions = b.store.revisions(id).await.expect("revisions");
        assert_eq!(revisions.len(), 2, "{}: kept without their author", b.name);
        assert_eq!(revisions[0].saved_by, None, "{}", b.name);
        b.finish().await;
    }
}

#[tokio::test]
async fn the_newsroom_list_is_newest_change_first_filtered_and_paged() {
    for b in backends("the_newsroom_list_is_newest_change_first_filtered_and_paged").await {
        let user = add_user(&b.store, "ed@example.com", "Ed", Role::Editor).await;
        let mut first = draft("grain-exports", "Aigerim Sadykova", "Kazakhstan", at(0));
        first.authors.push(qalam::domain::article::AuthorRef { slug: slug("timur-ali"), name: "Timur Ali".into() });
        let mut second = draft("cotton-harvest", "Timur Ali", "Uzbekistan", at(0));
        second.status = Status::Draft;
        second.title = "Cotton HARVEST begins".to_owned();
        b.store.save_articles(vec![first], at(1)).await.expect("save");
        b.store.save_articles(vec![second], at(3)).await.expect("save");
        let (owned, _) = saved(&b, edit("dam-repairs", None, None, user), 2).await;

        let all = |filter: NewsroomFilter| {
            let store = Arc::clone(&b.store);
            async move {
                let (rows, total) = store.newsroom_articles(&filter, 0, 10).await.expect("list");
                (rows.into_iter().map(|r| r.slug).collect::<Vec<_>>(), total)
            }
        };
        let (rows, total) = b.store.newsroom_articles(&NewsroomFilter::default(), 0, 10).await.expect("list");
        let slugs: Vec<_> = rows.iter().map(|r| r.slug.as_str()).collect();
        assert_eq!((slugs, total), (vec!["cotton-harvest", "dam-repairs", "grain-exports"], 3), "{}", b.name);
        assert_eq!(rows[2].authors, "Aigerim Sadykova, Timur Ali", "{}: byline order", b.name);
        assert_eq!((rows[0].status, rows[0].updated_at), (Status::Draft, at(3)), "{}", b.name);
        assert_eq!(rows[1].id, owned, "{}", b.name);

        let (page, total) = b.store.newsroom_articles(&NewsroomFilter::default(), 1, 1).await.expect("list");
        assert_eq!((page[0].slug.as_str(), total), ("dam-repairs", 3), "{}: a page counts the whole", b.name);

        let drafts = NewsroomFilter { status: Some(Status::Draft), ..NewsroomFilter::default() };
        assert_eq!(all(drafts).await, (vec!["cotton-harvest".to_owned()], 1), "{}", b.name);
        let authors = b.store.author_profiles().await.expect("authors");
        let timur = authors.iter().find(|p| p.author.slug.as_str() == "timur-ali").map(|p| p.author.id);
        let by_timur = NewsroomFilter { author_id: timur, ..NewsroomFilter::default() };
        assert_eq!(all(by_timur).await.1, 2, "{}", b.name);
        let tags = b.store.tag_profiles().await.expect("tags");
        let tag_id = |s: &str| tags.iter().find(|t| t.tag.slug.as_str() == s).map(|t| t.tag.id);
        let uzbekistan = NewsroomFilter { country_id: tag_id("uzbekistan"), ..NewsroomFilter::default() };
        assert_eq!(all(uzbekistan).await.0, ["cotton-harvest"], "{}", b.name);
        let water = NewsroomFilter { tag_id: tag_id("water"), ..NewsroomFilter::default() };
        assert_eq!(all(water).await.1, 3, "{}", b.name);
        let mine = NewsroomFilter { owner_id: Some(user), ..NewsroomFilter::default() };
        assert_eq!(all(mine).await.0, ["dam-repairs"], "{}", b.name);
        let words = NewsroomFilter { text: Some("harvest".to_owned()), ..NewsroomFilter::default() };
        assert_eq!(all(words).await.0, ["cotton-harvest"], "{}: headline in any case", b.name);
        let in_slug = NewsroomFilter { text: Some("GRAIN-EX".to_owned()), ..NewsroomFilter::default() };
        assert_eq!(all(in_slug).await.0, ["grain-exports"], "{}: slug", b.name);
        let wildcard = NewsroomFilter { text: Some("%".to_owned()), ..NewsroomFilter::default() };
        assert_eq!(all(wildcard).await.1, 0, "{}: no wildcards", b.name);
        let both = NewsroomFilter { status: Some(Status::Published), author_id: timur, ..NewsroomFilter::default() };
        assert_eq!(all(both).await.0, ["grain-exports"], "{}: every condition holds", b.name);
        b.finish().await;
    }
}

#[tokio::test]
async fn publish_due_publishes_each_scheduled_article_once_when_its_time_comes() {
    for b in backends("publish_due_publishes_each_scheduled_article_once_when_its_time_comes").await {
        let mut soon = draft("soon", "A B", "Kazakhstan", at(5));
        soon.status = Status::Scheduled;
        let mut later = draft("later", "A B", "Kazakhstan", at(50));
        later.status = Status::Scheduled;
        let mut unfinished = draft("unfinished", "A B", "Kazakhstan", at(1));
        unfinished.status = Status::Draft;
        b.store.save_articles(vec![soon, later, unfinished], at(0)).await.expect("save");
        assert_eq!(b.store.publish_due(at(4)).await.expect("publish"), Vec::<i64>::new(), "{}: not yet", b.name);

        let published = b.store.publish_due(at(6)).await.expect("publish");
        assert_eq!(published.len(), 1, "{}", b.name);
        let article = b.store.edited_article(published[0]).await.expect("read").expect("found");
        assert_eq!(article.draft.slug.as_str(), "soon", "{}", b.name);
        assert_eq!((article.draft.status, article.updated_at), (Status::Published, at(6)), "{}", b.name);
        assert_eq!(b.store.publish_due(at(7)).await.expect("publish"), Vec::<i64>::new(), "{}: once", b.name);

        let filter = NewsroomFilter { status: Some(Status::Scheduled), ..NewsroomFilter::default() };
        let (rows, _) = b.store.newsroom_articles(&filter, 0, 10).await.expect("list");
        let slugs: Vec<_> = rows.iter().map(|r| r.slug.as_str()).collect();
        assert_eq!(slugs, ["later"], "{}: drafts are never due", b.name);
        b.finish().await;
    }
}

#[tokio::test]
async fn two_callers_of_publish_due_at_once_publish_each_article_once_between_them() {
    for b in backends("two_callers_of_publish_due_at_once_publish_each_article_once_between_them").await {
        let drafts: Vec<_> = (0..20)
            .map(|i| {
                let mut d = draft(&format!("story-{i}"), "A B", "Kazakhstan", at(i % 3));
                d.status = Status::Scheduled;
                d
            })
            .collect();
        b.store.save_articles(drafts, at(0)).await.expect("save");
        let (one, two) = tokio::join!(b.store.publish_due(at(5)), b.store.publish_due(at(5)));
        let mut ids: Vec<i64> = one.expect("publish").into_iter().chain(two.expect("publish")).collect();
        ids.sort_unstable();
        let len = ids.len();
        ids.dedup();
        assert_eq!((len, ids.len()), (20, 20), "{}: each published by exactly one caller", b.name);
        b.finish().await;
    }
}

#[tokio::test]
async fn a_published_scheduled_article_is_listed_under_its_author_and_tags() {
    for b in backends("a_published_scheduled_article_is_listed_under_its_author_and_tags").await {
        let mut soon = draft("soon", "A B", "Kazakhstan", at(5));
        soon.status = Status::Scheduled;
        b.store.save_articles(vec![soon], at(0)).await.expect("save");
        b.store.publish_due(at(6)).await.expect("publish");
        let author = b.store.author(&slug("a-b")).await.expect("author").expect("found");
        let listing = b.store.list_published(&ListingFilter::Author(author.id), at(7), 0, 10, 50).await.expect("list");
        assert_eq!(listing.total, 1, "{}", b.name);
        let tag = b.store.tag(TagKind::Country, &slug("kazakhstan")).await.expect("tag").expect("found");
        let listing = b.store.list_published(&ListingFilter::Tag(tag.id), at(7), 0, 10, 50).await.expect("list");
        assert_eq!(listing.items[0].slug.as_str(), "soon", "{}", b.name);
        b.finish().await;
    }
}

#[tokio::test]
async fn tags_are_saved_with_a_slug_unique_within_their_kind_and_removed() {
    for b in backends("tags_are_saved_with_a_slug_unique_within_their_kind_and_removed").await {
        b.store.save_articles(vec![draft("story", "A B", "Kazakhstan", at(0))], at(0)).await.expect("save");
        let tag = |kind, s: &str, name: &str| TagEdit {
            kind,
            slug: slug(s),
            name: name.to_owned(),
            description: Some(format!("About {name}")),
        };
        let economy = match b.store.save_tag(None, tag(TagKind::Section, "economy", "Economy")).await.expect("save") {
            ProfileSaved::Saved(id) => id,
            other => panic!("{}: {other:?}", b.name),
        };
        let again = b.store.save_tag(None, tag(TagKind::Section, "economy", "Again")).await.expect("save");
        assert_eq!(again, ProfileSaved::SlugTaken, "{}", b.name);
        let topic = b.store.save_tag(None, tag(TagKind::Topic, "economy", "Economy")).await.expect("save");
        assert!(matches!(topic, ProfileSaved::Saved(_)), "{}: another kind may use it: {topic:?}", b.name);
        let water = b.store.save_tag(Some(economy), tag(TagKind::Topic, "water", "Water")).await.expect("save");
        assert_eq!(water, ProfileSaved::SlugTaken, "{}: a change too", b.name);
        let renamed = b.store.save_tag(Some(economy), tag(TagKind::Section, "economy", "Business")).await;
        assert_eq!(renamed.expect("save"), ProfileSaved::Saved(economy), "{}: its own slug is free", b.name);
        let missing = b.store.save_tag(Some(economy + 100), tag(TagKind::Section, "nowhere", "N")).await;
        assert_eq!(missing.expect("save"), ProfileSaved::Missing, "{}", b.name);

        let profiles = b.store.tag_profiles().await.expect("tags");
        let listed: Vec<_> = profiles.iter().map(|p| (p.tag.kind, p.tag.name.as_str(), p.articles)).collect();
        assert_eq!(
            listed,
            [
                (TagKind::Country, "Kazakhstan", 1),
                (TagKind::Section, "Business", 0),
                (TagKind::Topic, "Economy", 0),
                (TagKind::Topic, "Water", 1)
            ],
            "{}: countries, sections, topics, each by name",
            b.name
        );
        assert_eq!(profiles[1].description.as_deref(), Some("About Business"), "{}", b.name);

        let water = profiles[3].tag.id;
        assert!(b.store.remove_tag(water).await.expect("remove"), "{}", b.name);
        assert!(!b.store.remove_tag(water).await.expect("remove"), "{}: gone already", b.name);
        let article = b.store.newsroom_articles(&NewsroomFilter::default(), 0, 1).await.expect("list").0[0].id;
        let tags = b.store.edited_article(article).await.expect("read").expect("found").draft.tags;
        assert_eq!(tags.len(), 1, "{}: taken off its article", b.name);
        b.finish().await;
    }
}

#[tokio::test]
async fn author_profiles_are_saved_under_a_free_slug_and_listed_by_name() {
    for b in backends("author_profiles_are_saved_under_a_free_slug_and_listed_by_name").await {
        b.store.save_articles(vec![draft("story", "Zarina Umarova", "Kazakhstan", at(0))], at(0)).await.expect("save");
        let edit = |s: &str, name: &str| AuthorEdit {
            slug: slug(s),
            name: name.to_owned(),
            bio: Some(format!("{name} writes.")),
            photo: Some(format!("/media/{s}.jpg")),
        };
        let id = match b.store.save_author(None, edit("bakyt-ryskulov", "Bakyt Ryskulov")).await.expect("save") {
            ProfileSaved::Saved(id) => id,
            other => panic!("{}: {other:?}", b.name),
        };
        let taken = b.store.save_author(None, edit("zarina-umarova", "Another")).await.expect("save");
        assert_eq!(taken, ProfileSaved::SlugTaken, "{}", b.name);
        let changed = b.store.save_author(Some(id), edit("bakyt", "Bakyt R.")).await.expect("save");
        assert_eq!(changed, ProfileSaved::Saved(id), "{}", b.name);
        let missing = b.store.save_author(Some(id + 100), edit("nobody", "Nobody")).await.expect("save");
        assert_eq!(missing, ProfileSaved::Missing, "{}", b.name);

        let author = b.store.author_by_id(id).await.expect("read").expect("found");
        assert_eq!((author.slug.as_str(), author.bio.as_deref()), ("bakyt", Some("Bakyt R. writes.")), "{}", b.name);
        let profiles = b.store.author_profiles().await.expect("profiles");
        let listed: Vec<_> =
            profiles.iter().map(|p| (p.author.name.as_str(), p.photo.as_deref(), p.articles)).collect();
        assert_eq!(listed, [("Bakyt R.", Some("/media/bakyt.jpg"), 0), ("Zarina Umarova", None, 1)], "{}", b.name);
        assert!(b.store.author_by_id(id + 100).await.expect("read").is_none(), "{}", b.name);
        b.finish().await;
    }
}

#[tokio::test]
async fn cards_read_after_a_tag_or_author_is_renamed_carry_the_new_name() {
    for b in backends("cards_read_after_a_tag_or_author_is_renamed_carry_the_new_name").await {
        b.store.save_articles(vec![draft("story", "Zarina Umarova", "Kazakhstan", at(0))], at(0)).await.expect("save");
        let names = |listing: &qalam::store::Listing| {
            let card = &listing.items[0];
            (card.authors[0].name.clone(), card.tags[0].name.clone())
        };
        let before = b.store.list_published(&ListingFilter::All, at(1), 0, 10, 50).await.expect("list");
        assert_eq!(names(&before), ("Zarina Umarova".to_owned(), "Kazakhstan".to_owned()), "{}", b.name);

        let tag = b.store.tag(TagKind::Country, &slug("kazakhstan")).await.expect("tag").expect("found");
        let edit = TagEdit {
            kind: TagKind::Country,
            slug: slug("kazakhstan"),
            name: "Qazaqstan".to_owned(),
            description: None,
        };
        assert_eq!(
            b.store.save_tag(Some(tag.id), edit).await.expect("save"),
            ProfileSaved::Saved(tag.id),
            "{}",
            b.name
        );
        let author = before.items[0].authors[0].id;
        let edit = AuthorEdit { slug: slug("zarina-umarova"), name: "Zarina U.".to_owned(), bio: None, photo: None };
        assert_eq!(
            b.store.save_author(Some(author), edit).await.expect("save"),
            ProfileSaved::Saved(author),
            "{}",
            b.name
        );

        let after = b.store.list_published(&ListingFilter::Tag(tag.id), at(1), 0, 10, 50).await.expect("list");
        assert_eq!(names(&after), ("Zarina U.".to_owned(), "Qazaqstan".to_owned()), "{}", b.name);
        let blocks = b.store.latest_by_tag_kind(TagKind::Country, 3, at(1), 50).await.expect("blocks");
        assert_eq!(blocks[0].tag.name, "Qazaqstan", "{}", b.name);
        assert_eq!(blocks[0].items[0].authors[0].name, "Zarina U.", "{}", b.name);
        b.finish().await;
    }
}

#[tokio::test]
async fn notes_are_kept_oldest_first_and_move_the_articles_modified_time() {
    for b in backends("notes_are_kept_oldest_first_and_move_the_articles_modified_time").await {
        b.store.save_articles(vec![draft("story", "A B", "Kazakhstan", at(0))], at(1)).await.expect("save");
        let id = b.store.newsroom_articles(&NewsroomFilter::default(), 0, 1).await.expect("list").0[0].id;
        b.store.add_article_note(id, NoteKind::Update, "Talks resumed.", at(3)).await.expect("note");
        b.store.add_article_note(id, NoteKind::Correction, "The dam is 40 m tall.", at(2)).await.expect("note");
        let notes = b.store.article_notes(id).await.expect("notes");
        let listed: Vec<_> = notes.iter().map(|n| (n.kind, n.noted_at, n.text.as_str())).collect();
        assert_eq!(
            listed,
            [(NoteKind::Correction, at(2), "The dam is 40 m tall."), (NoteKind::Update, at(3), "Talks resumed.")],
            "{}",
            b.name
        );
        let updated = b.store.edited_article(id).await.expect("read").expect("found").updated_at;
        assert_eq!(
            updated,
            at(3) + jiff::SignedDuration::from_secs(1),
            "{}: moves on even for an earlier note",
            b.name
        );
        assert!(b.store.article_notes(id + 100).await.expect("notes").is_empty(), "{}", b.name);
        b.store.add_article_note(id, NoteKind::Correction, "The river is the Ili.", at(2)).await.expect("note");
        let page = b.store.published_article(&slug("story"), at(4)).await.expect("read").expect("found");
        let shown: Vec<_> = page.notes.iter().map(|n| n.text.as_str()).collect();
        assert_eq!(
            shown,
            ["The dam is 40 m tall.", "The river is the Ili.", "Talks resumed."],
            "{}: the article page shows them oldest first, the first added first at the same time",
            b.name
        );
        b.finish().await;
    }
}

#[tokio::test]
async fn redirects_are_listed_by_old_address_and_removed_by_it_in_any_spelling() {
    for b in backends("redirects_are_listed_by_old_address_and_removed_by_it_in_any_spelling").await {
        let redirect = |from: &str, to: &str| Redirect { from: from.to_owned(), to: to.to_owned() };
        let saved = vec![redirect("/old/b/", "/new-b/"), redirect("/Old/A/", "/new-a/"), redirect("/%D0%BF/", "/p/")];
        b.store.save_redirects(saved).await.expect("save");
        let listed: Vec<_> = b.store.redirects().await.expect("list").into_iter().map(|r| (r.from, r.to)).collect();
        let expected = [("/old/a/", "/new-a/"), ("/old/b/", "/new-b/"), ("/п/", "/p/")];
        let expected: Vec<_> = expected.iter().map(|(f, t)| ((*f).to_owned(), (*t).to_owned())).collect();
        assert_eq!(listed, expected, "{}", b.name);
        assert!(b.store.remove_redirect("/OLD//A/").await.expect("remove"), "{}", b.name);
        assert!(b.store.remove_redirect("/%d0%bf/").await.expect("remove"), "{}", b.name);
        assert!(!b.store.remove_redirect("/old/a/").await.expect("remove"), "{}: gone already", b.name);
        assert_eq!(b.store.redirects().await.expect("list").len(), 1, "{}", b.name);
        b.finish().await;
    }
}
