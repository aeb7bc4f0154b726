//! Which image format a file holds, told from its first bytes.

use super::MediaError;

/// The image formats Qalam accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    /// JPEG, for photographs.
    Jpeg,
    /// PNG, for graphics and screenshots.
    Png,
    /// WebP.
    Webp,
    /// GIF (its first frame).
    Gif,
}

impl ImageKind {
    /// The media type, such as `image/jpeg`.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
            Self::Gif => "image/gif",
        }
    }

    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Webp => "webp",
            Self::Gif => "gif",
        }
    }

    /// The format's name as people write it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Jpeg => "JPEG",
            Self::Png => "PNG",
            Self::Webp => "WebP",
            Self::Gif => "GIF",
        }
    }

    /// The kind of a media type written by [`ImageKind::mime`].
    pub fn from_mime(mime: &str) -> Option<Self> {
        [Self::Jpeg, Self::Png, Self::Webp, Self::Gif].into_iter().find(|k| k.mime() == mime)
    }

    /// The format of `bytes`, from their signature: an accepted image format, or an
    /// error that says what the file is instead.
    pub fn sniff(bytes: &[u8]) -> Result<Self, MediaError> {
        if bytes.is_empty() {
            return Err(MediaError::Empty);
        }
        match image::guess_format(bytes) {
            Ok(image::ImageFormat::Jpeg) => return Ok(Self::Jpeg),
            Ok(image::ImageFormat::Png) => return Ok(Self::Png),
            Ok(image::ImageFormat::WebP) => return Ok(Self::Webp),
            Ok(image::ImageFormat::Gif) => return Ok(Self::Gif),
            Ok(other) => {
                let name = other.extensions_str().first().map_or("image", |e| e);
                return Err(MediaError::Unsupported(name.to_ascii_uppercase()));
            }
            Err(_) => {}
        }
        Err(MediaError::NotAnImage(describe(bytes)))
    }

    pub(super) fn format(self) -> image::ImageFormat {
        match self {
            Self::Jpeg => image::ImageFormat::Jpeg,
            Self::Png => image::ImageFormat::Png,
            Self::Webp => image::ImageFormat::WebP,
            Self::Gif => image::ImageFormat::Gif,
        }
    }
}

/// What a file that is no accepted image holds, as the end of "the file is …", so an
/// editor who picked the wrong file knows which one they picked.
fn describe(bytes: &[u8]) -> &'static str {
    let head = &bytes[..bytes.len().min(512)];
    let starts = |sig: &[u8]| head.starts_with(sig);
    let text_start = head.iter().position(|b| !b.is_ascii_whitespace()).map_or(head, |i| &head[i..]);
    let lower: Vec<u8> = text_start.iter().take(64).map(u8::to_ascii_lowercase).collect();
    if starts(b"%PDF") {
        "a PDF document"
    } else if starts(b"PK\x03\x04") {
        "a ZIP archive or an office document"
    } else if head.len() >= 12
        && &head[4..8] == b"ftyp"
        && [&b"heic"[..], b"heix", b"mif1", b"avif"].contains(&&head[8..12])
    {
        "a HEIC or AVIF photo; save it as JPEG first"
    } else if head.len() >= 12 && &head[4..8] == b"ftyp" {
        "a video"
    } else if lower.starts_with(b"<svg") || (lower.starts_with(b"<?xml") && contains(head, b"<svg")) {
        "an SVG drawing, which can carry script"
    } else if lower.starts_with(b"<!doctype html") || lower.starts_with(b"<html") {
        "an HTML page"
    } else if std::str::from_utf8(head).is_ok() && !head.contains(&0) {
        "plain text"
    } else {
        "not a JPEG, PNG, WebP or GIF image"
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_that_are_not_images_are_named() {
        let message = |bytes: &[u8]| ImageKind::sniff(bytes).map(|_| ()).expect_err("refused").to_string();
        assert_eq!(message(b"%PDF-1.7\n%..."), "not an image: the file is a PDF document");
        assert_eq!(message(b"Dear editor,\nplease find attached"), "not an image: the file is plain text");
        assert_eq!(
            message(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
            "not an image: the file is an SVG drawing, which can carry script"
        );
        assert_eq!(message(b""), "the file is empty");
        assert_eq!(
            message(b"BM\x36\x00\x00\x00\x00\x00"),
            "unsupported image format: the file is BMP; upload JPEG, PNG, WebP or GIF"
        );
    }
}
