//! Why an upload was refused, in words an editor can act on; the admin shows them as
//! they are.

/// An upload that cannot become a stored image.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// Nothing was sent.
    #[error("the file is empty")]
    Empty,
    /// The bytes are some other kind of file; the text says which.
    #[error("not an image: the file is {0}")]
    NotAnImage(&'static str),
    /// An image in a format Qalam does not take, such as BMP or TIFF.
    #[error("unsupported image format: the file is {0}; upload JPEG, PNG, WebP or GIF")]
    Unsupported(String),
    /// The file is over `[media] max_upload_bytes`.
    #[error("image too large: {}, the limit is {}", file_size(*.bytes), file_size(*.limit))]
    TooLarge {
        /// Size of the file.
        bytes: u64,
        /// The limit.
        limit: u64,
    },
    /// The header declares more pixels than `[media] max_pixels`.
    #[error("image has too many pixels: {} megapixels, the limit is {}", megapixels(*.pixels), megapixels(*.limit))]
    TooManyPixels {
        /// Width × height as declared.
        pixels: u64,
        /// The limit.
        limit: u64,
    },
    /// The bytes start like an image but do not decode to one.
    #[error("the file is a damaged or incomplete {kind} image")]
    Damaged {
        /// The format's name.
        kind: &'static str,
        /// What the decoder found.
        #[source]
        cause: Box<dyn std::error::Error + Send + Sync>,
    },
    /// Encoding, writing or recording failed; the cause is logged, not shown.
    #[error("the image could not be stored; try again or ask an administrator")]
    Internal(#[source] anyhow::Error),
}

impl MediaError {
    /// Whether the upload itself is at fault (as opposed to the server).
    pub fn is_refusal(&self) -> bool {
        !matches!(self, Self::Internal(_))
    }
}

/// `41.2 MB`, `25 MB`, `800 KB`: decimal units, as file managers show them.
fn file_size(bytes: u64) -> String {
    if bytes < 1_000_000 {
        format!("{} KB", one_decimal(bytes as f64 / 1e3))
    } else {
        format!("{} MB", one_decimal(bytes as f64 / 1e6))
    }
}

/// `120`, `24.5`: millions of pixels.
fn megapixels(pixels: u64) -> String {
    one_decimal(pixels as f64 / 1e6)
}

fn one_decimal(value: f64) -> String {
    let text = format!("{value:.1}");
    text.strip_suffix(".0").map_or_else(|| text.clone(), str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_read_as_an_editor_would_write_them() {
        let large = MediaError::TooLarge { bytes: 41_234_567, limit: 25_000_000 };
        assert_eq!(large.to_string(), "image too large: 41.2 MB, the limit is 25 MB");
        let small = MediaError::TooLarge { bytes: 1_234_567, limit: 800_000 };
        assert_eq!(small.to_string(), "image too large: 1.2 MB, the limit is 800 KB");
        let bomb = MediaError::TooManyPixels { pixels: 120_000_000, limit: 50_000_000 };
        assert_eq!(bomb.to_string(), "image has too many pixels: 120 megapixels, the limit is 50");
    }
}
