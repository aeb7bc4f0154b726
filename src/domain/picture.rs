//! A featured image that Qalam processed itself: the sizes it was stored in, so a page
//! can offer browsers a `srcset` to choose from.

use serde::{Deserialize, Serialize};

/// One stored file of an uploaded image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageVariant {
    /// Address on the site, such as `/media/uploads/2026/11/harbour-3f9a1c2b7d-480.webp`.
    pub path: String,
    /// Media type, such as `image/webp`.
    pub mime: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// An uploaded image as an article shows it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Picture {
    /// Alternative text for readers who cannot see it.
    pub alt: String,
    /// Width of the stored original.
    pub width: u32,
    /// Height of the stored original.
    pub height: u32,
    /// Media type of the original.
    pub mime: String,
    /// The responsive variants, narrowest first.
    pub variants: Vec<ImageVariant>,
}

impl Picture {
    /// A `srcset` of the variants of type `mime` (`a.webp 480w, b.webp 960w`), empty when
    /// there are none.
    pub fn srcset(&self, mime: &str) -> String {
        self.variants
            .iter()
            .filter(|v| v.mime == mime)
            .map(|v| format!("{} {}w", v.path, v.width))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The variant in the original's format closest to `width` without being narrower,
    /// or the widest: the `src` for browsers that ignore `srcset`.
    pub fn fallback(&self, width: u32) -> Option<&ImageVariant> {
        let own = || self.variants.iter().filter(|v| v.mime == self.mime);
        own().filter(|v| v.width >= width).min_by_key(|v| v.width).or_else(|| own().max_by_key(|v| v.width))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn variant(path: &str, mime: &str, width: u32) -> ImageVariant {
        ImageVariant { path: path.to_owned(), mime: mime.to_owned(), width, height: width / 2 }
    }

    #[test]
    fn srcsets_list_one_format_and_the_fallback_is_in_the_original_format() {
        let picture = Picture {
            alt: "Harbour".to_owned(),
            width: 2000,
            height: 1000,
            mime: "image/jpeg".to_owned(),
            variants: vec![
                variant("/a-480.jpg", "image/jpeg", 480),
                variant("/a-480.webp", "image/webp", 480),
                variant("/a-960.jpg", "image/jpeg", 960),
                variant("/a-960.webp", "image/webp", 960),
            ],
        };
        assert_eq!(picture.srcset("image/webp"), "/a-480.webp 480w, /a-960.webp 960w");
        assert_eq!(picture.fallback(600).map(|v| v.path.as_str()), Some("/a-960.jpg"));
        assert_eq!(picture.fallback(1600).map(|v| v.path.as_str()), Some("/a-960.jpg"));
    }
}
