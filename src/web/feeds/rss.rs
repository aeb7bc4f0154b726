//! RSS 2.0, with the modules readers expect: `content:encoded` for the whole body,
//! `dc:creator` for bylines (RSS's own `author` wants an e-mail address), `atom:link` to
//! name the feed's own address, and `atom:updated` for an item's last change.

use std::io;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::Feed;
use crate::domain::dates::http_date;

/// Writes `feed` as an RSS 2.0 document.
pub fn write(feed: &Feed) -> io::Result<Vec<u8>> {
    let mut w = Writer::new(Vec::with_capacity(16 * 1024 + feed.items.len() * 4096));
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.create_element("rss")
        .with_attributes([
            ("version", "2.0"),
            ("xmlns:atom", "http://www.w3.org/2005/Atom"),
            ("xmlns:content", "http://purl.org/rss/1.0/modules/content/"),
            ("xmlns:dc", "http://purl.org/dc/elements/1.1/"),
        ])
        .write_inner_content(|w| {
            w.create_element("channel").write_inner_content(|w| {
                text(w, "title", &feed.title)?;
                text(w, "link", &feed.page_url)?;
                text(w, "description", &feed.description)?;
                w.create_element("atom:link")
                    .with_attributes([
                        ("href", feed.self_url.as_str()),
                        ("rel", "self"),
                        ("type", "application/rss+xml"),
                    ])
                    .write_empty()?;
                if let Some(language) = &feed.language {
                    text(w, "language", language)?;
                }
                text(w, "lastBuildDate", &http_date(feed.updated))?;
                text(w, "generator", "Qalam")?;
                if let Some(logo) = &feed.logo {
                    w.create_element("image").write_inner_content(|w| {
                        text(w, "url", logo)?;
                        text(w, "title", &feed.title)?;
                        text(w, "link", &feed.page_url)
                    })?;
                }
                for item in &feed.items {
                    w.create_element("item").write_inner_content(|w| {
                        text(w, "title", &item.title)?;
                        text(w, "link", &item.url)?;
                        w.create_element("guid")
                            .with_attribute(("isPermaLink", "false"))
                            .write_text_content(BytesText::new(&item.guid))?;
                        for (name, _) in &item.authors {
                            text(w, "dc:creator", name)?;
                        }
                        for category in &item.categories {
                            w.create_element("category")
                                .with_attribute(("domain", category.url.as_str()))
                                .write_text_content(BytesText::new(&category.name))?;
                        }
                        text(w, "pubDate", &http_date(item.published))?;
                        text(w, "atom:updated", &item.updated.to_string())?;
                        text(w, "description", &item.summary)?;
                        if let Some(html) = &item.content_html {
                            text(w, "content:encoded", html)?;
                        }
                        Ok(())
                    })?;
                }
                Ok(())
            })?;
            Ok(())
        })?;
    Ok(w.into_inner())
}

/// `<name>value</name>`, the value escaped.
pub(super) fn text(w: &mut Writer<Vec<u8>>, name: &str, value: &str) -> io::Result<()> {
    w.create_element(name).write_text_content(BytesText::new(value))?;
    Ok(())
}
