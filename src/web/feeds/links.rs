//! Absolute addresses inside article bodies, for feeds: a feed reader shows a body away
//! from the site, where `/media/a.jpg` or `#notes` would point nowhere.

use crate::render::seo::has_scheme;

/// Attributes whose values are addresses in the sanitised bodies Qalam stores.
const ADDRESS_ATTRIBUTES: [&str; 2] = [" href=\"", " src=\""];

/// `html` with every `href` and `src` made absolute against the article at `page` (an
/// absolute address ending in `/`) on the site at `base` (no trailing slash).
///
/// Bodies are stored as html5ever serialises them after sanitising, so every attribute
/// value is double-quoted and contains no raw `"`: a scan finds them without a parser.
pub fn absolute_links(html: &str, page: &str, base: &str) -> String {
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    loop {
        let next = ADDRESS_ATTRIBUTES.iter().filter_map(|a| rest.find(a).map(|i| i + a.len())).min();
        let Some(value_start) = next else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..value_start]);
        let tail = &rest[value_start..];
        let end = tail.find('"').unwrap_or(tail.len());
        resolve(&tail[..end], page, base, &mut out);
        rest = &tail[end..];
    }
}

/// Appends `address` resolved against `page` on `base`.
fn resolve(address: &str, page: &str, base: &str, out: &mut String) {
    if has_scheme(address) {
        out.push_str(address);
    } else if let Some(rest) = address.strip_prefix("//") {
        let scheme = base.split_once(':').map_or("https", |(scheme, _)| scheme);
        out.push_str(scheme);
        out.push_str("://");
        out.push_str(rest);
    } else if address.starts_with('/') {
        out.push_str(base);
        out.push_str(address);
    } else {
        // `#notes`, `?page=2`, `photo.jpg` and `../x` all read from the article's own
        // address, which ends in `/`; a reader resolves any `..` left in it.
        out.push_str(page);
        out.push_str(address);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_relative_address_becomes_absolute() {
        let html = concat!(
            r#"<p><a href="/tag/water/">w</a> <a href="https://example.org/x">x</a> "#,
            r##"<a href="#notes">n</a> <img src="photo.jpg" alt=""> <img src="//cdn.example/i.png" alt=""> "##,
            r#"<a href="mailto:desk@news.example">m</a></p>"#,
        );
        let out = absolute_links(html, "https://news.example/grain-deal/", "https://news.example");
        assert_eq!(
            out,
            concat!(
                r#"<p><a href="https://news.example/tag/water/">w</a> <a href="https://example.org/x">x</a> "#,
                r#"<a href="https://news.example/grain-deal/#notes">n</a> "#,
                r#"<img src="https://news.example/grain-deal/photo.jpg" alt=""> "#,
                r#"<img src="https://cdn.example/i.png" alt=""> <a href="mailto:desk@news.example">m</a></p>"#,
            )
        );
    }

    #[test]
    fn a_body_without_addresses_is_unchanged() {
        let html = "<p>No links here, only text &amp; an ampersand.</p>";
        assert_eq!(absolute_links(html, "https://n.example/a/", "https://n.example"), html);
    }
}
