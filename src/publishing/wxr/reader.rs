//! Reads a WordPress eXtended RSS export as a stream: the channel's header (authors,
//! categories, tags) as it passes, then one `<item>` at a time, so that an export of
//! hundreds of megabytes takes the memory of its largest post, not of the file.
//!
//! Elements are recognised by namespace, not by the prefix a file happens to use:
//! WordPress wrote `http://wordpress.org/export/1.2/` for years and
//! `https://wordpress.org/export/1.2/` later, and 1.0 and 1.1 exports exist.

use std::io::BufRead;

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

/// A WordPress user named in the export's header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WpAuthor {
    /// `wp:author_id`, when the export has it (WXR 1.1 on).
    pub id: Option<i64>,
    /// `wp:author_login`.
    pub login: String,
    /// `wp:author_email`.
    pub email: String,
    /// `wp:author_display_name`.
    pub display_name: String,
    /// `wp:author_first_name`.
    pub first_name: String,
    /// `wp:author_last_name`.
    pub last_name: String,
}

/// A category, tag or other term named in the export's header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WpTerm {
    /// `category`, `post_tag` or the taxonomy of a `wp:term`.
    pub taxonomy: String,
    /// `wp:term_id`.
    pub id: Option<i64>,
    /// The slug (WordPress's "nicename"), percent-encoded as WordPress keeps it.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Slug of the parent term, for nested categories.
    pub parent: String,
}

/// The export's channel: the site and its header.
#[derive(Debug, Clone, Default)]
pub struct Channel {
    /// Site title.
    pub title: String,
    /// Site address.
    pub link: String,
    /// Site language, such as `en-US`.
    pub language: String,
    /// `wp:wxr_version`.
    pub wxr_version: String,
    /// `wp:base_site_url`.
    pub base_site_url: String,
    /// `wp:base_blog_url`.
    pub base_blog_url: String,
    /// Users.
    pub authors: Vec<WpAuthor>,
    /// Categories, tags and other terms.
    pub terms: Vec<WpTerm>,
}

/// A term an item is filed under: `<category domain="post_tag" nicename="x">X</category>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemTerm {
    /// Taxonomy: `category`, `post_tag`, `post_format`, Polylang's `language`…
    pub domain: String,
    /// Slug, percent-encoded as WordPress keeps it.
    pub slug: String,
    /// Display name.
    pub name: String,
}

/// One `<item>` as written: every field is the text of its element, empty when absent.
#[derive(Debug, Clone, Default)]
pub struct RawItem {
    /// Byte offset of the `<item>` tag in the file, for messages that name its line.
    pub offset: u64,
    /// `title`.
    pub title: String,
    /// `link`: the permalink on the old site.
    pub link: String,
    /// `pubDate`.
    pub pub_date: String,
    /// `dc:creator`: the author's login.
    pub creator: String,
    /// `content:encoded`.
    pub content: String,
    /// `excerpt:encoded`.
    pub excerpt: String,
    /// `wp:post_id`.
    pub post_id: String,
    /// `wp:post_date`, site-local time.
    pub post_date: String,
    /// `wp:post_date_gmt`.
    pub post_date_gmt: String,
    /// `wp:post_modified`.
    pub post_modified: String,
    /// `wp:post_modified_gmt`.
    pub post_modified_gmt: String,
    /// `wp:post_name`: the slug.
    pub post_name: String,
    /// `wp:status`.
    pub status: String,
    /// `wp:post_parent`.
    pub post_parent: String,
    /// `wp:post_type`.
    pub post_type: String,
    /// `wp:post_password`.
    pub post_password: String,
    /// `wp:attachment_url`.
    pub attachment_url: String,
    /// Categories, tags and other terms.
    pub terms: Vec<ItemTerm>,
    /// `wp:postmeta` keys and values, in order.
    pub meta: Vec<(String, String)>,
    /// Number of `wp:comment` elements.
    pub comments: usize,
}

impl RawItem {
    /// The first value of the post meta `key`.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

/// Why an export could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// The file is not well-formed XML, or ends too early.
    #[error("{message}")]
    Malformed {
        /// Byte offset of the problem.
        offset: u64,
        /// What is wrong.
        message: String,
    },
    /// Well-formed XML, but not a WordPress export.
    #[error("not a WordPress export (WXR): {0}")]
    NotWxr(String),
    /// The file could not be read.
    #[error("cannot be read: {0}")]
    Io(String),
}

/// The namespaces an export uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ns {
    /// No prefix: RSS's own elements.
    Rss,
    Wp,
    Content,
    Excerpt,
    Dc,
    Other,
}

/// The elements the reader acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Elem {
    Rss,
    Channel,
    Item,
    Title,
    Link,
    PubDate,
    Language,
    ItemCategory,
    Creator,
    ContentEncoded,
    ExcerptEncoded,
    WxrVersion,
    BaseSiteUrl,
    BaseBlogUrl,
    Author,
    AuthorId,
    AuthorLogin,
    AuthorEmail,
    AuthorDisplayName,
    AuthorFirstName,
    AuthorLastName,
    Category,
    Tag,
    Term,
    TermId,
    TermTaxonomy,
    TermSlug,
    TermName,
    TermParent,
    PostId,
    PostDate,
    PostDateGmt,
    PostModified,
    PostModifiedGmt,
    PostName,
    Status,
    PostParent,
    PostType,
    PostPassword,
    AttachmentUrl,
    Postmeta,
    MetaKey,
    MetaValue,
    Comment,
    Other,
}

fn wp_element(local: &str) -> Elem {
    match local {
        "wxr_version" => Elem::WxrVersion,
        "base_site_url" => Elem::BaseSiteUrl,
        "base_blog_url" => Elem::BaseBlogUrl,
        "author" => Elem::Author,
        "author_id" => Elem::AuthorId,
        "author_login" => Elem::AuthorLogin,
        "author_email" => Elem::AuthorEmail,
        "author_display_name" => Elem::AuthorDisplayName,
        "author_first_name" => Elem::AuthorFirstName,
        "author_last_name" => Elem::AuthorLastName,
        "category" => Elem::Category,
        "tag" => Elem::Tag,
        "term" => Elem::Term,
        "term_id" => Elem::TermId,
        "term_taxonomy" => Elem::TermTaxonomy,
        "category_nicename" | "tag_slug" | "term_slug" => Elem::TermSlug,
        "cat_name" | "tag_name" | "term_name" => Elem::TermName,
        "category_parent" | "term_parent" => Elem::TermParent,
        "post_id" => Elem::PostId,
        "post_date" => Elem::PostDate,
        "post_date_gmt" => Elem::PostDateGmt,
        "post_modified" => Elem::PostModified,
        "post_modified_gmt" => Elem::PostModifiedGmt,
        "post_name" => Elem::PostName,
        "status" => Elem::Status,
        "post_parent" => Elem::PostParent,
        "post_type" => Elem::PostType,
        "post_password" => Elem::PostPassword,
        "attachment_url" => Elem::AttachmentUrl,
        "postmeta" => Elem::Postmeta,
        "meta_key" => Elem::MetaKey,
        "meta_value" => Elem::MetaValue,
        "comment" => Elem::Comment,
        _ => Elem::Other,
    }
}

/// Prefixes declared on `<rss>`, mapped to the namespaces they stand for.
#[derive(Debug, Default)]
struct Prefixes(Vec<(String, Ns)>);

impl Prefixes {
    fn declare(&mut self, prefix: &str, uri: &str) {
        let ns = if uri.contains("wordpress.org/export/") && uri.trim_end_matches('/').ends_with("/excerpt") {
            Ns::Excerpt
        } else if uri.contains("wordpress.org/export/") {
            Ns::Wp
        } else if uri.contains("purl.org/rss/1.0/modules/content") {
            Ns::Content
        } else if uri.contains("purl.org/dc/elements/1.1") {
            Ns::Dc
        } else {
            Ns::Other
        };
        self.0.push((prefix.to_owned(), ns));
    }

    fn has_wordpress(&self) -> bool {
        self.0.iter().any(|(_, ns)| *ns == Ns::Wp)
    }

    fn element(&self, qname: &str, parent: Option<Elem>) -> Elem {
        let (ns, local) = match qname.split_once(':') {
            Some((prefix, local)) => (self.0.iter().find(|(p, _)| p == prefix).map_or(Ns::Other, |(_, ns)| *ns), local),
            None => (Ns::Rss, qname),
        };
        match (ns, local) {
            (Ns::Rss, "rss") => Elem::Rss,
            (Ns::Rss, "channel") => Elem::Channel,
            (Ns::Rss, "item") => Elem::Item,
            (Ns::Rss, "title") => Elem::Title,
            (Ns::Rss, "link") => Elem::Link,
            (Ns::Rss, "pubDate") => Elem::PubDate,
            (Ns::Rss, "language") => Elem::Language,
            (Ns::Rss, "category") if parent == Some(Elem::Item) => Elem::ItemCategory,
            (Ns::Dc, "creator") => Elem::Creator,
            (Ns::Content, "encoded") => Elem::ContentEncoded,
            (Ns::Excerpt, "encoded") => Elem::ExcerptEncoded,
            (Ns::Wp, local) => wp_element(local),
            _ => Elem::Other,
        }
    }
}

/// Reads an export one item at a time.
pub struct WxrReader<R> {
    reader: Reader<R>,
    buf: Vec<u8>,
    prefixes: Prefixes,
    /// Open elements, innermost last, with their names as written for messages.
    open: Vec<(Elem, String)>,
    text: String,
    channel: Channel,
    author: WpAuthor,
    term: WpTerm,
    item: RawItem,
    meta: (String, String),
    seen_root: bool,
    done: bool,
}

impl<R: BufRead> WxrReader<R> {
    /// Starts reading `input`.
    pub fn new(input: R) -> Self {
        Self {
            reader: Reader::from_reader(input),
            buf: Vec::with_capacity(64 * 1024),
            prefixes: Prefixes::default(),
            open: Vec::with_capacity(16),
            text: String::new(),
            channel: Channel::default(),
            author: WpAuthor::default(),
            term: WpTerm::default(),
            item: RawItem::default(),
            meta: (String::new(), String::new()),
            seen_root: false,
            done: false,
        }
    }

    /// The channel and the header read so far; whole once the first item is returned
    /// (WordPress writes the header first).
    pub fn channel(&self) -> &Channel {
        &self.channel
    }

    /// Bytes read so far.
    pub fn position(&self) -> u64 {
        self.reader.buffer_position()
    }

    /// The next item, or `None` at the end of a complete export.
    pub fn next_item(&mut self) -> Result<Option<RawItem>, ReadError> {
        if self.done {
            return Ok(None);
        }
        loop {
            self.buf.clear();
            let event = match self.reader.read_event_into(&mut self.buf) {
                Ok(event) => event.into_owned(),
                Err(quick_xml::Error::Io(e)) => return Err(ReadError::Io(e.to_string())),
                // Markup left open (a tag, a CDATA section, a comment) is only found at
                // the end of the input: the file was cut inside it.
                Err(e @ quick_xml::Error::Syntax(_)) => {
                    let message = format!("{e}: {}", self.where_it_ends());
                    return Err(ReadError::Malformed { offset: self.reader.error_position(), message });
                }
                Err(e) => {
                    return Err(ReadError::Malformed { offset: self.reader.error_position(), message: e.to_string() });
                }
            };
            match event {
                Event::Start(start) => self.start(&start, false)?,
                Event::Empty(start) => {
                    self.start(&start, true)?;
                    if let Some(item) = self.end() {
                        return Ok(Some(item));
                    }
                }
                Event::End(_) => {
                    if let Some(item) = self.end() {
                        return Ok(Some(item));
                    }
                }
                Event::Text(text) => self.text.push_str(&text.xml10_content()),
                Event::CData(data) => self.text.push_str(&data.xml10_content()),
                Event::GeneralRef(reference) => {
                    let offset = self.reader.buffer_position();
                    let malformed = |e: quick_xml::Error| ReadError::Malformed { offset, message: e.to_string() };
                    if reference.is_char_ref() {
                        if let Some(c) = reference.resolve_char_ref().map_err(malformed)? {
                            self.text.push(c);
                        }
                    } else {
                        let name = reference.xml10_content();
                        match quick_xml::escape::resolve_predefined_entity(&name) {
                            Some(resolved) => self.text.push_str(resolved),
                            // An HTML entity such as `&nbsp;` is not XML, but the text it
                            // sits in is HTML: keep it for the HTML parser to decode.
                            None => {
                                self.text.push('&');
                                self.text.push_str(&name);
                                self.text.push(';');
                            }
                        }
                    }
                }
                Event::Eof => {
                    self.done = true;
                    return match self.open.first() {
                        Some(_) => Err(self.cut_off()),
                        None if !self.seen_root => Err(ReadError::NotWxr("the file holds no XML element".to_owned())),
                        None => Ok(None),
                    };
                }
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
            }
        }
    }

    fn cut_off(&self) -> ReadError {
        ReadError::Malformed { offset: self.reader.buffer_position(), message: self.where_it_ends() }
    }

    /// Which elements the file ends inside, and which post is incomplete.
    fn where_it_ends(&self) -> String {
        let inside: Vec<String> = self.open.iter().map(|(_, name)| format!("<{name}>")).collect();
        let mut message = format!("the file ends inside {} (is it cut off?)", inside.join(" "));
        if self.item.offset > 0 && self.open.iter().any(|(tag, _)| *tag == Elem::Item) {
            let id = if self.item.post_id.is_empty() { String::new() } else { format!(" {}", self.item.post_id) };
            message.push_str(&format!("; the last item, post{id}, is incomplete"));
        }
        message
    }

    fn start(&mut self, start: &BytesStart<'_>, empty: bool) -> Result<(), ReadError> {
        let name = start.name();
        let qname = name.as_ref();
        if !self.seen_root {
            self.seen_root = true;
            if qname != "rss" {
                return Err(ReadError::NotWxr(format!(
                    "its root element is <{qname}>; a WordPress export's is <rss> (Tools → Export in WordPress)"
                )));
            }
            for attribute in start.attributes() {
                let attribute =
                    attribute.map_err(|e| ReadError::Malformed { offset: self.position(), message: e.to_string() })?;
                if let Some(prefix) = attribute.key.as_ref().strip_prefix("xmlns:") {
                    let uri = attribute.normalized_value(XmlVersion::Implicit1_0).unwrap_or_default();
                    self.prefixes.declare(prefix, &uri);
                }
            }
            if !self.prefixes.has_wordpress() {
                return Err(ReadError::NotWxr(
                    "<rss> does not declare the WordPress export namespace (http://wordpress.org/export/1.2/): \
                     an ordinary RSS feed has no posts' content, authors or dates to import"
                        .to_owned(),
                ));
            }
        }
        let parent = self.open.last().map(|(tag, _)| *tag);
        let tag = self.prefixes.element(qname, parent);
        match tag {
            Elem::Item if parent == Some(Elem::Channel) => {
                self.item = RawItem { offset: self.position(), ..RawItem::default() };
            }
            Elem::ItemCategory => {
                let mut term = ItemTerm::default();
                for attribute in start.attributes().flatten() {
                    let value = attribute.normalized_value(XmlVersion::Implicit1_0).unwrap_or_default().into_owned();
                    match attribute.key.as_ref() {
                        "domain" => term.domain = value,
                        "nicename" => term.slug = value,
                        _ => {}
                    }
                }
                self.item.terms.push(term);
            }
            _ => {}
        }
        self.open.push((tag, if empty { String::new() } else { qname.to_owned() }));
        self.text.clear();
        Ok(())
    }

    /// Handles the end of the innermost open element; an item that ends is returned.
    fn end(&mut self) -> Option<RawItem> {
        let depth = self.open.len();
        let tag = self.open.last().map(|(tag, _)| *tag)?;
        let parent = depth.checked_sub(2).and_then(|i| self.open.get(i)).map(|(tag, _)| *tag);
        let grandparent = depth.checked_sub(3).and_then(|i| self.open.get(i)).map(|(tag, _)| *tag);
        let text = std::mem::take(&mut self.text);
        let mut finished = None;
        match (grandparent, parent, tag) {
            (_, Some(Elem::Channel), Elem::Item) => finished = Some(std::mem::take(&mut self.item)),
            (_, Some(Elem::Item), field) => self.item_field(field, text),
            (Some(Elem::Item), Some(Elem::Postmeta), Elem::MetaKey) => self.meta.0 = text,
            (Some(Elem::Item), Some(Elem::Postmeta), Elem::MetaValue) => self.meta.1 = text,
            (Some(Elem::Item), Some(Elem::Comment), _) => {}
            (_, Some(Elem::Channel), Elem::Author) => self.channel.authors.push(std::mem::take(&mut self.author)),
            (_, Some(Elem::Channel), Elem::Category | Elem::Tag | Elem::Term) => {
                let mut term = std::mem::take(&mut self.term);
                if term.taxonomy.is_empty() {
                    term.taxonomy = if tag == Elem::Category { "category" } else { "post_tag" }.to_owned();
                }
                self.channel.terms.push(term);
            }
            (Some(Elem::Channel), Some(Elem::Author), field) => author_field(&mut self.author, field, text),
            (Some(Elem::Channel), Some(Elem::Category | Elem::Tag | Elem::Term), field) => {
                term_field(&mut self.term, field, text);
            }
            (_, Some(Elem::Channel), field) => self.channel_field(field, text),
            _ => {}
        }
        self.open.pop();
        finished
    }

    fn item_field(&mut self, field: Elem, text: String) {
        let item = &mut self.item;
        match field {
            Elem::Title => item.title = text,
            Elem::Link => item.link = text,
            Elem::PubDate => item.pub_date = text,
            Elem::Creator => item.creator = text,
            Elem::ContentEncoded => item.content = text,
            Elem::ExcerptEncoded => item.excerpt = text,
            Elem::PostId => item.post_id = text,
            Elem::PostDate => item.post_date = text,
            Elem::PostDateGmt => item.post_date_gmt = text,
            Elem::PostModified => item.post_modified = text,
            Elem::PostModifiedGmt => item.post_modified_gmt = text,
            Elem::PostName => item.post_name = text,
            Elem::Status => item.status = text,
            Elem::PostParent => item.post_parent = text,
            Elem::PostType => item.post_type = text,
            Elem::PostPassword => item.post_password = text,
            Elem::AttachmentUrl => item.attachment_url = text,
            Elem::ItemCategory => {
                if let Some(term) = item.terms.last_mut() {
                    term.name = text;
                }
            }
            Elem::Postmeta => item.meta.push(std::mem::take(&mut self.meta)),
            Elem::Comment => item.comments += 1,
            _ => {}
        }
    }

    fn channel_field(&mut self, field: Elem, text: String) {
        let channel = &mut self.channel;
        match field {
            Elem::Title => channel.title = text,
            Elem::Link => channel.link = text,
            Elem::Language => channel.language = text,
            Elem::WxrVersion => channel.wxr_version = text,
            Elem::BaseSiteUrl => channel.base_site_url = text,
            Elem::BaseBlogUrl => channel.base_blog_url = text,
            _ => {}
        }
    }
}

fn author_field(author: &mut WpAuthor, field: Elem, text: String) {
    match field {
        Elem::AuthorId => author.id = text.trim().parse().ok(),
        Elem::AuthorLogin => author.login = text,
        Elem::AuthorEmail => author.email = text,
        Elem::AuthorDisplayName => author.display_name = text,
        Elem::AuthorFirstName => author.first_name = text,
        Elem::AuthorLastName => author.last_name = text,
        _ => {}
    }
}

fn term_field(term: &mut WpTerm, field: Elem, text: String) {
    match field {
        Elem::TermId => term.id = text.trim().parse().ok(),
        Elem::TermTaxonomy => term.taxonomy = text,
        Elem::TermSlug => term.slug = text,
        Elem::TermName => term.name = text,
        Elem::TermParent => term.parent = text,
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Steppe Post</title>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_id>3</wp:author_id><wp:author_login><![CDATA[aigerim]]></wp:author_login>
  <wp:author_display_name><![CDATA[Aigerim Sadykova]]></wp:author_display_name></wp:author>
<wp:category><wp:term_id>5</wp:term_id><wp:category_nicename>economy</wp:category_nicename>
  <wp:category_parent/><wp:cat_name><![CDATA[Economy &amp; Trade]]></wp:cat_name></wp:category>
"#;

    const ITEM: &str = r#"<item>
<title>Grain &amp; water</title>
<dc:creator><![CDATA[aigerim]]></dc:creator>
<content:encoded><![CDATA[<p>Body</p>]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>12</wp:post_id>
<wp:post_type><![CDATA[post]]></wp:post_type>
<category domain="category" nicename="economy"><![CDATA[Economy]]></category>
<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value><![CDATA[40]]></wp:meta_value></wp:postmeta>
<wp:comment><wp:comment_content><![CDATA[Nice]]></wp:comment_content>
  <wp:commentmeta><wp:meta_key>x</wp:meta_key><wp:meta_value>y</wp:meta_value></wp:commentmeta></wp:comment>
</item>
"#;

    fn read_all(xml: &str) -> Result<(Channel, Vec<RawItem>), ReadError> {
        let mut reader = WxrReader::new(xml.as_bytes());
        let mut items = Vec::new();
        while let Some(item) = reader.next_item()? {
            items.push(item);
        }
        Ok((reader.channel().clone(), items))
    }

    #[test]
    fn the_header_and_each_item_are_read() {
        let xml = format!("{HEAD}{ITEM}{ITEM}</channel></rss>");
        let (channel, items) = read_all(&xml).expect("reads");
        assert_eq!(channel.title, "Steppe Post");
        assert_eq!(channel.authors[0].login, "aigerim");
        assert_eq!(channel.authors[0].id, Some(3));
        assert_eq!(channel.terms[0].name, "Economy &amp; Trade", "CDATA is kept as written");
        assert_eq!(channel.terms[0].taxonomy, "category");
        assert_eq!(items.len(), 2);
        let item = &items[0];
        assert_eq!(item.title, "Grain & water");
        assert_eq!(item.content, "<p>Body</p>");
        assert_eq!(item.post_id, "12");
        assert_eq!(
            item.terms,
            [ItemTerm { domain: "category".into(), slug: "economy".into(), name: "Economy".into() }]
        );
        assert_eq!(item.meta, [("_thumbnail_id".to_owned(), "40".to_owned())], "comment meta is not post meta");
        assert_eq!(item.comments, 1);
        assert_eq!(&xml[usize::try_from(item.offset).expect("small") - 6..][..6], "<item>");
    }

    #[test]
    fn a_cut_off_file_names_the_open_elements_and_the_post() {
        let xml = format!("{HEAD}{ITEM}{}", &ITEM[..ITEM.find("<wp:post_type>").expect("in item")]);
        let err = read_all(&xml).expect_err("cut off");
        let ReadError::Malformed { message, .. } = err else { panic!("{err:?}") };
        assert!(message.contains("ends inside <rss> <channel> <item>"), "{message}");
        assert!(message.contains("post 12"), "{message}");
    }

    #[test]
    fn other_xml_is_not_a_wordpress_export() {
        for xml in [
            r#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>"#,
            r#"<rss version="2.0"><channel><title>Plain feed</title><item><title>x</title></item></channel></rss>"#,
            "",
        ] {
            assert!(matches!(read_all(xml), Err(ReadError::NotWxr(_))), "{xml}");
        }
    }

    #[test]
    fn mismatched_tags_are_malformed_at_their_offset() {
        let xml = format!("{HEAD}<item><title>x</wp:post_id></item></channel></rss>");
        let Err(ReadError::Malformed { offset, message }) = read_all(&xml) else { panic!("not refused") };
        assert!(message.contains("title"), "{message}");
        assert!(offset as usize > HEAD.len(), "{offset}");
    }
}
