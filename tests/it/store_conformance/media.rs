//! The media library: uploads stored once per content, found by identity, address and
//! hash, listed newest first, and their text changed where articles show them.

use qalam::domain::picture::ImageVariant;
use qalam::store::newsroom::NewsroomFilter;
use qalam::store::{ListingFilter, MediaAdded, NewMedia};

use super::{at, backends, draft};

fn upload(name: &str, hash: &str) -> NewMedia {
    NewMedia {
        path: format!("/media/uploads/2025/12/{name}-{hash}.jpg"),
        content_hash: hash.to_owned(),
        original_name: format!("{name}.jpg"),
        mime: "image/jpeg".to_owned(),
        width: 4000,
        height: 3000,
        bytes: 5_000_000_000,
        alt: format!("Alt of {name}"),
        caption: format!("Caption of {name}"),
        uploaded_by: None,
        variants: vec![
            ImageVariant {
                path: format!("/media/uploads/2025/12/{name}-{hash}-480.webp"),
                mime: "image/webp".to_owned(),
                width: 480,
                height: 360,
            },
            ImageVariant {
                path: format!("/media/uploads/2025/12/{name}-{hash}-960.jpg"),
                mime: "image/jpeg".to_owned(),
                width: 960,
                height: 720,
            },
        ],
    }
}

#[tokio::test]
async fn an_upload_is_stored_once_per_content_and_found_by_id_path_and_hash() {
    for b in backends("an_upload_is_stored_once_per_content_and_found_by_id_path_and_hash").await {
        let added = b.store.add_media(upload("harbour", "aa11"), at(1)).await.expect("add");
        let MediaAdded::Added(item) = added else { panic!("{}: not added: {added:?}", b.name) };
        assert_eq!((item.width, item.height, item.bytes), (4000, 3000, 5_000_000_000), "{}", b.name);
        assert_eq!((item.created_at, item.uploaded_by), (at(1), None), "{}", b.name);
        assert_eq!(item.variants, upload("harbour", "aa11").variants, "{}: narrowest first", b.name);
        assert_eq!(item.alt, "Alt of harbour", "{}", b.name);

        let same_bytes = b.store.add_media(upload("renamed", "aa11"), at(2)).await.expect("add");
        assert_eq!(same_bytes, MediaAdded::Existing(item.clone()), "{}: the stored one, unchanged", b.name);
        assert_eq!(b.store.list_media(0, 10).await.expect("list").total, 1, "{}", b.name);

        let by_id = b.store.media_by_id(item.id).await.expect("read");
        let by_path = b.store.media_by_path(&item.path).await.expect("read");
        let by_hash = b.store.media_by_hash("aa11").await.expect("read");
        assert_eq!(by_id.as_ref(), Some(&item), "{}", b.name);
        assert_eq!(by_path.as_ref(), Some(&item), "{}", b.name);
        assert_eq!(by_hash.as_ref(), Some(&item), "{}", b.name);
        assert!(b.store.media_by_id(item.id + 100).await.expect("read").is_none(), "{}", b.name);
        assert!(b.store.media_by_path("/media/none.jpg").await.expect("read").is_none(), "{}", b.name);
        assert!(b.store.media_by_hash("bb22").await.expect("read").is_none(), "{}", b.name);
        b.finish().await;
    }
}

#[tokio::test]
async fn the_library_is_newest_first_a_page_at_a_time_with_its_size() {
    for b in backends("the_library_is_newest_first_a_page_at_a_time_with_its_size").await {
        // Two uploads share a second: the later identity comes first.
        for (i, hours) in [(0, 1), (1, 3), (2, 2), (3, 3)] {
            let mut new = upload(&format!("photo-{i}"), &format!("hash{i}"));
            new.uploaded_by = Some(7);
            b.store.add_media(new, at(hours)).await.expect("add");
        }
        let page = b.store.list_media(1, 2).await.expect("list");
        let names: Vec<_> = page.items.iter().map(|m| m.original_name.as_str()).collect();
        assert_eq!((names, page.total), (vec!["photo-1.jpg", "photo-2.jpg"], 4), "{}", b.name);
        assert_eq!(page.items[0].uploaded_by, Some(7), "{}", b.name);
        let first = b.store.list_media(0, 1).await.expect("list");
        assert_eq!(first.items[0].original_name, "photo-3.jpg", "{}", b.name);
        let beyond = b.store.list_media(10, 2).await.expect("list");
        assert_eq!((beyond.items.len(), beyond.total), (0, 4), "{}", b.name);
        b.finish().await;
    }
}

#[tokio::test]
async fn new_alt_text_and_caption_replace_the_old_for_an_existing_item_only() {
    for b in backends("new_alt_text_and_caption_replace_the_old_for_an_existing_item_only").await {
        let item = b.store.add_media(upload("harbour", "aa11"), at(1)).await.expect("add").item();
        assert!(b.store.update_media_text(item.id, "Boats at dawn", "Aral, 2025").await.expect("update"), "{}", b.name);
        let stored = b.store.media_by_id(item.id).await.expect("read").expect("found");
        assert_eq!((stored.alt.as_str(), stored.caption.as_str()), ("Boats at dawn", "Aral, 2025"), "{}", b.name);
        assert!(!b.store.update_media_text(item.id + 100, "x", "y").await.expect("update"), "{}: none", b.name);
        b.finish().await;
    }
}

#[tokio::test]
async fn an_article_showing_an_upload_shows_its_new_alt_text() {
    for b in backends("an_article_showing_an_upload_shows_its_new_alt_text").await {
        let item = b.store.add_media(upload("harbour", "aa11"), at(1)).await.expect("add").item();
        let mut article = draft("harbour-story", "A B", "Kazakhstan", at(0));
        article.featured_image = Some(item.path.clone());
        b.store.save_articles(vec![article], at(2)).await.expect("save");
        let id = b.store.newsroom_articles(&NewsroomFilter::default(), 0, 1).await.expect("list").0[0].id;
        let card_alt = || async {
            let cards = b.store.latest_published(&ListingFilter::All, at(3), 1, 40).await.expect("cards");
            cards[0].featured_picture.as_ref().expect("the card's picture").alt.clone()
        };
        assert_eq!(card_alt().await, "Alt of harbour", "{}: the card before", b.name);
        b.store.update_media_text(item.id, "Boats at dawn", "Aral").await.expect("update");
        let stored = b.store.articles_by_id(&[id]).await.expect("read");
        let picture = stored[0].featured_picture.as_ref().expect("an upload is a picture");
        assert_eq!((picture.alt.as_str(), picture.width), ("Boats at dawn", 4000), "{}", b.name);
        assert_eq!(picture.variants, item.variants, "{}", b.name);
        assert_eq!(card_alt().await, "Boats at dawn", "{}: the card after", b.name);
        b.finish().await;
    }
}
