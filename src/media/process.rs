//! From uploaded bytes to the files that are stored: limits first (from the header,
//! before any pixel is decoded), then the decode, orientation and variants.

use std::io::Cursor;

use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageReader, Limits};

use super::encode::{Qualities, encode};
use super::jpeg_end::reaches_end;
use super::{ImageKind, MediaError};
use crate::config::MediaSettings;

/// Bytes the decoder may allocate per declared pixel: 16-bit RGBA is the widest
/// layout the accepted formats decode to.
const DECODE_BYTES_PER_PIXEL: u64 = 8;

/// An upload made ready to store.
#[derive(Debug)]
pub struct Processed {
    /// Format of the upload, kept by the stored original.
    pub kind: ImageKind,
    /// Width of the upright image.
    pub width: u32,
    /// Height of the upright image.
    pub height: u32,
    /// The upright image re-encoded in its own format, without metadata.
    pub original: Vec<u8>,
    /// The responsive variants, narrowest first.
    pub variants: Vec<Rendition>,
}

/// One responsive variant.
#[derive(Debug)]
pub struct Rendition {
    /// Its format: WebP, or the upload's own.
    pub kind: ImageKind,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The encoded file; `None` when the stored original is this variant (same format,
    /// full width), so it is not written twice.
    pub bytes: Option<Vec<u8>>,
}

/// Checks `bytes` against the limits, decodes them and makes the stored original and its
/// variants. Memory stays within about `DECODE_BYTES_PER_PIXEL × max_pixels` plus the
/// encoded outputs.
pub fn process(bytes: &[u8], settings: &MediaSettings) -> Result<Processed, MediaError> {
    let length = bytes.len() as u64;
    if length > settings.max_upload_bytes {
        return Err(MediaError::TooLarge { bytes: length, limit: settings.max_upload_bytes });
    }
    let kind = ImageKind::sniff(bytes)?;
    if kind == ImageKind::Jpeg && !reaches_end(bytes) {
        return Err(MediaError::Damaged { kind: kind.name(), cause: "the file ends before the image does".into() });
    }
    let damaged = |e: image::ImageError| MediaError::Damaged { kind: kind.name(), cause: Box::new(e) };
    let reader = || ImageReader::with_format(Cursor::new(bytes), kind.format());

    let mut header = reader();
    header.no_limits();
    let (width, height) = header.into_dimensions().map_err(damaged)?;
    let pixels = u64::from(width) * u64::from(height);
    if pixels > settings.max_pixels {
        return Err(MediaError::TooManyPixels { pixels, limit: settings.max_pixels });
    }
    if pixels == 0 {
        return Err(MediaError::Damaged { kind: kind.name(), cause: "the image has no pixels".into() });
    }

    let mut limited = reader();
    let mut limits = Limits::default();
    limits.max_image_width = Some(width);
    limits.max_image_height = Some(height);
    limits.max_alloc = Some(pixels * DECODE_BYTES_PER_PIXEL + 1024 * 1024);
    limited.limits(limits);
    let mut decoder = limited.into_decoder().map_err(damaged)?;
    let orientation = decoder.orientation().map_err(damaged)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(damaged)?;
    image.apply_orientation(orientation);
    let image = if image.color().has_alpha() && kind != ImageKind::Jpeg {
        DynamicImage::ImageRgba8(image.into_rgba8())
    } else {
        DynamicImage::ImageRgb8(image.into_rgb8())
    };

    let q = Qualities { jpeg: settings.jpeg_quality, webp: settings.webp_quality };
    let original = encode(&image, kind, q)?;
    let variants = variants(&image, kind, &settings.widths, q)?;
    Ok(Processed { kind, width: image.width(), height: image.height(), original, variants })
}

/// The widths to make for an image `full` pixels wide: each configured width it is wider
/// than, and its own width when it is narrower than the widest configured one, so that
/// small images still get a WebP copy. Never wider than the image.
fn target_widths(full: u32, widths: &[u32]) -> Vec<u32> {
    let mut targets: Vec<u32> = widths.iter().copied().filter(|w| *w < full).collect();
    if widths.iter().any(|w| *w >= full) {
        targets.push(full);
    }
    targets.sort_unstable();
    targets.dedup();
    targets
}

fn variants(image: &DynamicImage, kind: ImageKind, widths: &[u32], q: Qualities) -> Result<Vec<Rendition>, MediaError> {
    let (full_w, full_h) = (image.width(), image.height());
    let mut out = Vec::new();
    // Widest first, each scaled from the one before: the big reduction from the
    // original is done once, the rest work on far fewer pixels. Catmull-Rom is as sharp
    // as Lanczos for photographs at two thirds of the work per pixel.
    let mut previous: Option<DynamicImage> = None;
    for width in target_widths(full_w, widths).into_iter().rev() {
        let height = scaled_height(full_w, full_h, width);
        let source = previous.as_ref().unwrap_or(image);
        let scaled = if width == source.width() {
            None
        } else {
            Some(source.resize_exact(width, height, FilterType::CatmullRom))
        };
        let pixels = scaled.as_ref().unwrap_or(source);
        if kind != ImageKind::Webp {
            out.push(Rendition {
                kind: ImageKind::Webp,
                width,
                height,
                bytes: Some(encode(pixels, ImageKind::Webp, q)?),
            });
        }
        let own = if width == full_w { None } else { Some(encode(pixels, kind, q)?) };
        out.push(Rendition { kind, width, height, bytes: own });
        if scaled.is_some() {
            previous = scaled;
        }
    }
    out.reverse();
    Ok(out)
}

fn scaled_height(full_w: u32, full_h: u32, width: u32) -> u32 {
    let height = (u64::from(full_h) * u64::from(width) + u64::from(full_w) / 2) / u64::from(full_w);
    u32::try_from(height).unwrap_or(u32::MAX).max(1)
}

#[cfg(test)]
pub(crate) mod tests {
    use image::codecs::jpeg::JpegEncoder;
    use image::{ImageEncoder, RgbImage};

    use super::*;

    /// A photo-like image: gradients with some texture, so encoders have work to do.
    pub(crate) fn photo(width: u32, height: u32) -> RgbImage {
        RgbImage::from_fn(width, height, |x, y| {
            let texture = ((x * 7919 + y * 104_729) % 23) as u8;
            image::Rgb([
                (x * 255 / width.max(1)) as u8 ^ texture,
                (y * 255 / height.max(1)) as u8,
                128u8.wrapping_add(texture),
            ])
        })
    }

    /// `photo(width, height)` as a JPEG.
    pub(crate) fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        JpegEncoder::new_with_quality(&mut out, 90)
            .write_image(photo(width, height).as_raw(), width, height, image::ExtendedColorType::Rgb8)
            .expect("encode test JPEG");
        out
    }

    /// `photo(width, height)` as a PNG.
    pub(crate) fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        image::codecs::png::PngEncoder::new(&mut out)
            .write_image(photo(width, height).as_raw(), width, height, image::ExtendedColorType::Rgb8)
            .expect("encode test PNG");
        out
    }

    /// An EXIF APP1 segment, written by hand as a camera would: big-endian TIFF, IFD0
    /// with the orientation and a pointer to a GPS IFD holding a latitude.
    pub(crate) fn exif_segment(orientation: u16) -> Vec<u8> {
        let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
        tiff.extend(2u16.to_be_bytes());
        tiff.extend(0x0112u16.to_be_bytes());
        tiff.extend(3u16.to_be_bytes());
        tiff.extend(1u32.to_be_bytes());
        tiff.extend(orientation.to_be_bytes());
        tiff.extend([0, 0]);
        let gps_ifd: u32 = 8 + 2 + 2 * 12 + 4;
        tiff.extend(0x8825u16.to_be_bytes());
        tiff.extend(4u16.to_be_bytes());
        tiff.extend(1u32.to_be_bytes());
        tiff.extend(gps_ifd.to_be_bytes());
        tiff.extend(0u32.to_be_bytes());
        // GPS IFD: GPSLatitudeRef "N" and GPSLatitude 43/1 15/1 0/1 (stored after the IFD).
        tiff.extend(2u16.to_be_bytes());
        tiff.extend(1u16.to_be_bytes());
        tiff.extend(2u16.to_be_bytes());
        tiff.extend(2u32.to_be_bytes());
        tiff.extend(*b"N\0\0\0");
        let rationals: u32 = gps_ifd + 2 + 2 * 12 + 4;
        tiff.extend(2u16.to_be_bytes());
        tiff.extend(5u16.to_be_bytes());
        tiff.extend(3u32.to_be_bytes());
        tiff.extend(rationals.to_be_bytes());
        tiff.extend(0u32.to_be_bytes());
        for (numerator, denominator) in [(43u32, 1u32), (15, 1), (0, 1)] {
            tiff.extend(numerator.to_be_bytes());
            tiff.extend(denominator.to_be_bytes());
        }
        let mut payload = b"Exif\0\0".to_vec();
        payload.extend(tiff);
        let mut segment = vec![0xFF, 0xE1];
        segment.extend(u16::try_from(payload.len() + 2).expect("short segment").to_be_bytes());
        segment.extend(payload);
        segment
    }

    /// A JPEG carrying `exif_segment(orientation)` right after its start marker.
    pub(crate) fn jpeg_with_exif(width: u32, height: u32, orientation: u16) -> Vec<u8> {
        let plain = jpeg(width, height);
        let mut out = plain[..2].to_vec();
        out.extend(exif_segment(orientation));
        out.extend(&plain[2..]);
        out
    }

    /// A small, valid JPEG whose header declares `width` × `height`.
    pub(crate) fn bomb(width: u16, height: u16) -> Vec<u8> {
        let mut bytes = jpeg(16, 16);
        let sof = bytes.windows(2).position(|w| w == [0xFF, 0xC0]).expect("baseline frame header");
        bytes[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
        bytes[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
        bytes
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    fn refusal(bytes: &[u8], settings: &MediaSettings) -> String {
        process(bytes, settings).map(|_| ()).expect_err("refused").to_string()
    }

    #[test]
    fn exif_and_gps_are_stripped_after_the_orientation_is_applied() {
        let upload = jpeg_with_exif(40, 20, 6);
        assert!(contains(&upload, b"Exif\0\0MM"), "the test file carries EXIF");
        let done = process(&upload, &MediaSettings::default()).expect("processed");
        assert_eq!((done.kind, done.width, done.height), (ImageKind::Jpeg, 20, 40), "rotated upright");
        for file in std::iter::once(&done.original).chain(done.variants.iter().filter_map(|v| v.bytes.as_ref())) {
            assert!(!contains(file, b"Exif"), "no EXIF left");
            assert!(!contains(file, b"MM\0\x2a"), "no TIFF block left");
        }
        let decoded = image::load_from_memory(&done.original).expect("decodes");
        assert_eq!((decoded.width(), decoded.height()), (20, 40));
    }

    #[test]
    fn the_format_comes_from_the_bytes() {
        let done = process(&png(30, 10), &MediaSettings::default()).expect("processed");
        assert_eq!(done.kind, ImageKind::Png);
        assert!(done.original.starts_with(b"\x89PNG"));
    }

    #[test]
    fn gif_and_webp_uploads_keep_their_format() {
        let rgb = photo(600, 400);
        let mut gif = Vec::new();
        image::codecs::gif::GifEncoder::new(&mut gif)
            .encode(
                image::DynamicImage::ImageRgb8(rgb.clone()).to_rgba8().as_raw(),
                600,
                400,
                image::ExtendedColorType::Rgba8,
            )
            .expect("encode test GIF");
        let done = process(&gif, &MediaSettings::default()).expect("processed");
        assert_eq!(done.kind, ImageKind::Gif);
        let kinds: Vec<(ImageKind, u32)> = done.variants.iter().map(|v| (v.kind, v.width)).collect();
        assert_eq!(
            kinds,
            [(ImageKind::Gif, 480), (ImageKind::Webp, 480), (ImageKind::Gif, 600), (ImageKind::Webp, 600)]
        );

        let webp =
            webp::Encoder::from_rgb(rgb.as_raw(), 600, 400).encode_simple(false, 80.0).expect("encode test WebP");
        let done = process(&webp, &MediaSettings::default()).expect("processed");
        assert_eq!(done.kind, ImageKind::Webp);
        let made: Vec<(ImageKind, u32, bool)> =
            done.variants.iter().map(|v| (v.kind, v.width, v.bytes.is_some())).collect();
        assert_eq!(
            made,
            [(ImageKind::Webp, 480, true), (ImageKind::Webp, 600, false)],
            "one WebP set, the original at full width"
        );
    }

    #[test]
    fn variants_are_made_at_each_smaller_width_and_never_enlarged() {
        let done = process(&jpeg(1200, 800), &MediaSettings::default()).expect("processed");
        let made: Vec<(ImageKind, u32, u32, bool)> =
            done.variants.iter().map(|v| (v.kind, v.width, v.height, v.bytes.is_some())).collect();
        assert_eq!(
            made,
            [
                (ImageKind::Jpeg, 480, 320, true),
                (ImageKind::Webp, 480, 320, true),
                (ImageKind::Jpeg, 960, 640, true),
                (ImageKind::Webp, 960, 640, true),
                (ImageKind::Jpeg, 1200, 800, false),
                (ImageKind::Webp, 1200, 800, true),
            ]
        );
        for variant in &done.variants {
            if let Some(bytes) = &variant.bytes {
                let decoded = image::load_from_memory(bytes).expect("variant decodes");
                assert_eq!((decoded.width(), decoded.height()), (variant.width, variant.height));
            }
        }
        let tiny = process(&jpeg(100, 50), &MediaSettings::default()).expect("processed");
        assert!(tiny.variants.iter().all(|v| v.width == 100), "a small image keeps its size");
    }

    #[test]
    fn non_images_damaged_files_and_bombs_are_refused_with_a_reason() {
        let settings = MediaSettings::default();
        assert_eq!(refusal(b"just some notes\n", &settings), "not an image: the file is plain text");
        let whole = jpeg(64, 64);
        assert_eq!(refusal(&whole[..whole.len() / 2], &settings), "the file is a damaged or incomplete JPEG image");
        assert_eq!(
            refusal(&bomb(20_000, 20_000), &settings),
            "image has too many pixels: 400 megapixels, the limit is 50"
        );
        assert_eq!(refusal(&vec![0xFF; 41_234_567], &settings), "image too large: 41.2 MB, the limit is 25 MB");
    }
}
