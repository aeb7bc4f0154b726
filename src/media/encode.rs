//! Writing pixels out in each format. Encoders here write pixels only: no EXIF, XMP,
//! ICC profile or comment from the upload reaches the output.

use std::io::Cursor;

use image::codecs::gif::GifEncoder;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{DynamicImage, ExtendedColorType, ImageEncoder};

use super::{ImageKind, MediaError};

/// Qualities of the lossy encoders, 1–100.
#[derive(Debug, Clone, Copy)]
pub(super) struct Qualities {
    pub jpeg: u8,
    pub webp: u8,
}

/// GIF quantiser speed, 1 (best) to 30: 10 is the usual balance, and GIF variants are
/// small.
const GIF_SPEED: i32 = 10;

/// `image` (8-bit RGB or RGBA) as `kind`.
pub(super) fn encode(image: &DynamicImage, kind: ImageKind, q: Qualities) -> Result<Vec<u8>, MediaError> {
    let (width, height) = (image.width(), image.height());
    let (pixels, color) = match image {
        DynamicImage::ImageRgba8(rgba) => (rgba.as_raw().as_slice(), ExtendedColorType::Rgba8),
        DynamicImage::ImageRgb8(rgb) => (rgb.as_raw().as_slice(), ExtendedColorType::Rgb8),
        _ => return Err(internal("pixels must be 8-bit RGB or RGBA before encoding")),
    };
    let mut out = Vec::new();
    match kind {
        ImageKind::Jpeg => {
            JpegEncoder::new_with_quality(&mut out, q.jpeg).write_image(pixels, width, height, color).map_err(failed)?
        }
        ImageKind::Png => PngEncoder::new_with_quality(&mut out, CompressionType::Default, FilterType::Adaptive)
            .write_image(pixels, width, height, color)
            .map_err(failed)?,
        ImageKind::Gif => {
            let rgba = image.to_rgba8();
            GifEncoder::new_with_speed(Cursor::new(&mut out), GIF_SPEED)
                .encode(rgba.as_raw(), width, height, ExtendedColorType::Rgba8)
                .map_err(failed)?;
        }
        ImageKind::Webp => {
            let encoder = match color {
                ExtendedColorType::Rgba8 => webp::Encoder::from_rgba(pixels, width, height),
                _ => webp::Encoder::from_rgb(pixels, width, height),
            };
            let memory = encoder
                .encode_simple(false, f32::from(q.webp))
                .map_err(|e| internal(&format!("WebP encoder failed: {e:?}")))?;
            out.extend_from_slice(&memory);
        }
    }
    Ok(out)
}

fn failed(e: image::ImageError) -> MediaError {
    MediaError::Internal(anyhow::Error::new(e).context("encoding failed"))
}

fn internal(message: &str) -> MediaError {
    MediaError::Internal(anyhow::anyhow!("{message}"))
}
