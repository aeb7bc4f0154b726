//! Atom 1.0 (RFC 4287): publication and update times, authors with their archive
//! addresses, categories with their archive as scheme, and the body as escaped HTML.

use std::io;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::Feed;
use super::rss::text;

/// Writes `feed` as an Atom document.
pub fn write(feed: &Feed) -> io::Result<Vec<u8>> {
    let mut w = Writer::new(Vec::with_capacity(16 * 1024 + feed.items.len() * 4096));
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let mut root = w.create_element("feed").with_attribute(("xmlns", "http://www.w3.org/2005/Atom"));
    if let Some(language) = &feed.language {
        root = root.with_attribute(("xml:lang", language.as_str()));
    }
    root.write_inner_content(|w| {
        text(w, "id", &feed.self_url)?;
        text(w, "title", &feed.title)?;
        text(w, "subtitle", &feed.description)?;
        text(w, "updated", &feed.updated.to_string())?;
        link(w, "alternate", "text/html", &feed.page_url)?;
        link(w, "self", "application/atom+xml", &feed.self_url)?;
        // The newsroom writes the feed; each entry names its own authors.
        w.create_element("author").write_inner_content(|w| text(w, "name", &feed.site_name))?;
        text(w, "generator", "Qalam")?;
        if let Some(logo) = &feed.logo {
            text(w, "logo", logo)?;
        }
        for item in &feed.items {
            let mut entry = w.create_element("entry");
            if feed.language.is_none() {
                entry = entry.with_attribute(("xml:lang", item.language.as_str()));
            }
            entry.write_inner_content(|w| {
                text(w, "id", &item.guid)?;
                text(w, "title", &item.title)?;
                link(w, "alternate", "text/html", &item.url)?;
                text(w, "published", &item.published.to_string())?;
                text(w, "updated", &item.updated.to_string())?;
                for (name, url) in &item.authors {
                    w.create_element("author").write_inner_content(|w| {
                        text(w, "name", name)?;
                        text(w, "uri", url)
                    })?;
                }
                for category in &item.categories {
                    w.create_element("category")
                        .with_attributes([
                            ("term", category.slug.as_str()),
                            ("scheme", category.scheme.as_str()),
                            ("label", category.name.as_str()),
                        ])
                        .write_empty()?;
                }
                w.create_element("summary")
                    .with_attribute(("type", "text"))
                    .write_text_content(BytesText::new(&item.summary))?;
                if let Some(html) = &item.content_html {
                    w.create_element("content")
                        .with_attribute(("type", "html"))
                        .write_text_content(BytesText::new(html))?;
                }
                Ok(())
            })?;
        }
        Ok(())
    })?;
    Ok(w.into_inner())
}

fn link(w: &mut Writer<Vec<u8>>, rel: &str, kind: &str, href: &str) -> io::Result<()> {
    w.create_element("link").with_attributes([("rel", rel), ("type", kind), ("href", href)]).write_empty()?;
    Ok(())
}
