//! WordPress shortcodes that survive into exported HTML. `[caption]` becomes the
//! `<figure>` it always meant; other shortcodes are left as text for an editor to see.

/// Rewrites `[caption …]<img …> Text[/caption]` as
/// `<figure><img …><figcaption>Text</figcaption></figure>`. The result is still to be
/// sanitised: this only reshapes markup, it does not vouch for it.
pub fn expand_captions(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("[caption") {
        let after_name = &rest[start + "[caption".len()..];
        let opens_tag = after_name.starts_with([' ', ']']);
        let parts = after_name.find(']').and_then(|close| {
            let attributes = &after_name[..close];
            let body = &after_name[close + 1..];
            body.find("[/caption]").map(|end| (attributes, &body[..end], &body[end + "[/caption]".len()..]))
        });
        match parts {
            Some((attributes, inner, tail)) if opens_tag => {
                out.push_str(&rest[..start]);
                let (media, text) = split_media(inner);
                let caption = if text.is_empty() { attribute(attributes, "caption").unwrap_or_default() } else { text };
                out.push_str("<figure>");
                out.push_str(media);
                if !caption.is_empty() {
                    out.push_str("<figcaption>");
                    out.push_str(caption);
                    out.push_str("</figcaption>");
                }
                out.push_str("</figure>");
                rest = tail;
            }
            _ => {
                out.push_str(&rest[..start + 1]);
                rest = &rest[start + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Splits the leading run of tags (the image, often inside a link) from the caption text.
fn split_media(inner: &str) -> (&str, &str) {
    let mut end = 0;
    loop {
        let rest = inner[end..].trim_start();
        let skipped = inner.len() - end - rest.len();
        if !rest.starts_with('<') {
            break;
        }
        match rest.find('>') {
            Some(close) => end += skipped + close + 1,
            None => break,
        }
    }
    (&inner[..end], inner[end..].trim())
}

/// The value of `name="…"` among shortcode attributes.
fn attribute<'a>(attributes: &'a str, name: &str) -> Option<&'a str> {
    let key = format!("{name}=\"");
    let start = attributes.find(&key)? + key.len();
    let len = attributes[start..].find('"')?;
    Some(&attributes[start..start + len])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caption_around_a_linked_image_becomes_a_figure() {
        let html = r#"<p>[caption id="attachment_5" width="300"]<a href="/big.jpg"><img src="/dam.jpg" alt="Dam"></a> The dam at dawn[/caption]</p>"#;
        assert_eq!(
            expand_captions(html),
            r#"<p><figure><a href="/big.jpg"><img src="/dam.jpg" alt="Dam"></a><figcaption>The dam at dawn</figcaption></figure></p>"#
        );
    }

    #[test]
    fn a_caption_given_as_an_attribute_is_used() {
        let html = r#"[caption id="a" caption="Old style"]<img src="x.jpg">[/caption]"#;
        assert_eq!(expand_captions(html), r#"<figure><img src="x.jpg"><figcaption>Old style</figcaption></figure>"#);
    }

    #[test]
    fn unclosed_or_other_shortcodes_are_left_alone() {
        for html in ["[caption id=\"a\"]no end", "[captions]x[/captions]", "[gallery ids=\"1,2\"]", "a [ b"] {
            assert_eq!(expand_captions(html), html);
        }
    }
}
