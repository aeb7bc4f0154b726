//! The media library: `qalam media add` run as a process over a data directory whose
//! files the real server then serves at `/media/…`, and uploaded featured images
//! offered to browsers as `<picture>` with `srcset`s.

use std::ffi::OsString;
use std::path::Path;

use image::codecs::jpeg::JpegEncoder;
use image::{ImageEncoder, RgbImage};
use qalam::publishing::media::add_image;
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

use crate::helpers::{ArticleSpec, Options, output_text, run_qalam, spawn_app, spawn_app_with};

/// A photo-like picture: gradients with texture, as a camera's JPEG with an EXIF block
/// carrying a GPS position (written by hand, as a camera lays it out).
pub fn camera_jpeg(width: u32, height: u32) -> Vec<u8> {
    let pixels = RgbImage::from_fn(width, height, |x, y| {
        let texture = ((x * 31 + y * 17) % 19) as u8;
        image::Rgb([(x % 256) as u8 ^ texture, (y % 256) as u8, 90u8.wrapping_add(texture)])
    });
    let mut plain = Vec::new();
    JpegEncoder::new_with_quality(&mut plain, 90)
        .write_image(pixels.as_raw(), width, height, image::ExtendedColorType::Rgb8)
        .expect("encode");
    // IFD0: one entry, the GPS IFD pointer; GPS IFD: GPSLatitudeRef = "N".
    let mut tiff = b"II\x2a\0\x08\0\0\0".to_vec();
    tiff.extend(1u16.to_le_bytes());
    tiff.extend(0x8825u16.to_le_bytes());
    tiff.extend(4u16.to_le_bytes());
    tiff.extend(1u32.to_le_bytes());
    tiff.extend(26u32.to_le_bytes());
    tiff.extend(0u32.to_le_bytes());
    tiff.extend(1u16.to_le_bytes());
    tiff.extend(1u16.to_le_bytes());
    tiff.extend(2u16.to_le_bytes());
    tiff.extend(2u32.to_le_bytes());
    tiff.extend(*b"N\0\0\0");
    tiff.extend(0u32.to_le_bytes());
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend(tiff);
    let mut out = plain[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(u16::try_from(payload.len() + 2).expect("short").to_be_bytes());
    out.extend(payload);
    out.extend(&plain[2..]);
    out
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let pixels = RgbImage::from_fn(width, height, |x, y| image::Rgb([x as u8, y as u8, 200]));
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(pixels.as_raw(), width, height, image::ExtendedColorType::Rgb8)
        .expect("encode");
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

async fn media_add(files: &[&Path], data: &Path, alt: &str) -> std::process::Output {
    let mut args: Vec<OsString> = vec!["media".into(), "add".into()];
    args.extend(files.iter().map(|f| f.as_os_str().to_owned()));
    args.extend(["--alt".into(), alt.into(), "--data".into(), data.as_os_str().to_owned()]);
    run_qalam(args).await
}

#[tokio::test]
async fn media_add_stores_a_photo_and_its_variants_and_the_server_serves_them_without_exif() {
    let data = tempfile::tempdir().expect("data dir");
    let files = tempfile::tempdir().expect("files dir");
    let photo = camera_jpeg(1200, 800);
    assert!(contains(&photo, b"Exif"));
    let file = files.path().join("Harbour at dawn.jpg");
    std::fs::write(&file, &photo).expect("write photo");

    let output = media_add(&[&file], data.path(), "Fishing boats at dawn").await;
    let (stdout, stderr) = output_text(&output);
    assert!(output.status.success(), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    let hash = format!("{:x}", Sha256::digest(&photo));
    let (original, rest) = lines[0].split_once(' ').expect("path and facts");
    assert!(original.starts_with("/media/uploads/"), "{original}");
    assert!(original.ends_with(&format!("/harbour-at-dawn-{}.jpg", &hash[..10])), "{original}");
    assert_eq!(rest, "1200x800 image/jpeg");
    let stem = original.trim_end_matches(".jpg");
    let variants: Vec<String> = lines[1..].iter().map(|l| l.trim().to_owned()).collect();
    assert_eq!(
        variants,
        [
            format!("{stem}-480.jpg 480x320 image/jpeg"),
            format!("{stem}-480.webp 480x320 image/webp"),
            format!("{stem}-960.jpg 960x640 image/jpeg"),
            format!("{stem}-960.webp 960x640 image/webp"),
            format!("{original} 1200x800 image/jpeg"),
            format!("{stem}-1200.webp 1200x800 image/webp"),
        ]
    );

    let app = spawn_app_with(Options::default().dir(data)).await;
    for line in &variants {
        let mut parts = line.split(' ');
        let (path, size, mime) =
            (parts.next().expect("path"), parts.next().expect("size"), parts.next().expect("mime"));
        let page = app.get_page(path).await;
        assert_eq!(page.status, StatusCode::OK, "GET {path}");
        assert_eq!(page.header("content-type"), Some(mime), "{path}");
        assert!(!contains(&page.bytes, b"Exif"), "{path} carries EXIF");
        let decoded = image::load_from_memory(&page.bytes).expect("decodes");
        assert_eq!(format!("{}x{}", decoded.width(), decoded.height()), size, "{path}");
    }
    let library = app.app.store.list_media(0, 10).await.expect("library");
    assert_eq!(library.total, 1);
    assert_eq!(library.items[0].alt, "Fishing boats at dawn");
    assert_eq!(library.items[0].original_name, "Harbour at dawn.jpg");

    // Adding the same photo again stores nothing new.
    let again = media_add(&[&file], app.dir.path(), "").await;
    assert!(again.status.success());
    assert_eq!(output_text(&again).0.lines().next(), lines.first().copied());
    assert_eq!(app.app.store.list_media(0, 10).await.expect("library").total, 1);
}

#[tokio::test]
async fn a_refused_file_is_named_exits_1_and_leaves_nothing_while_the_others_are_added() {
    let data = tempfile::tempdir().expect("data dir");
    let files = tempfile::tempdir().expect("files dir");
    let notes = files.path().join("notes.jpg");
    std::fs::write(&notes, "Agenda: the budget, the water story, the new intern").expect("write");
    let screenshot = files.path().join("screenshot.jpg");
    std::fs::write(&screenshot, png(300, 200)).expect("write");

    let output = media_add(&[&notes, &screenshot], data.path(), "").await;
    let (stdout, stderr) = output_text(&output);
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    assert_eq!(
        stderr.lines().last(),
        Some(format!("{}: not an image: the file is plain text", notes.display()).as_str())
    );
    let stored = stdout.lines().next().expect("the PNG is stored").split(' ').next().expect("path").to_owned();
    assert!(stored.contains("/screenshot-") && stored.ends_with(".png"), "{stored}");

    let app = spawn_app_with(Options::default().dir(data)).await;
    assert_eq!(app.app.store.list_media(0, 10).await.expect("library").total, 1);
    let page = app.get_page(&stored).await;
    assert_eq!((page.status, page.header("content-type")), (StatusCode::OK, Some("image/png")));
}

#[tokio::test]
async fn an_uploaded_featured_image_is_a_picture_with_webp_and_jpeg_srcsets_and_others_stay_plain() {
    let app = spawn_app().await;
    let photo = camera_jpeg(1200, 800);
    let hash = format!("{:x}", Sha256::digest(&photo));
    // Named before the upload exists, as an importer might; the page catches up once it is uploaded.
    let path = format!("/media/uploads/2025/12/steppe-{}.jpg", &hash[..10]);
    let mut early = ArticleSpec::new("steppe-in-spring", "The steppe in spring").hours_ago(2).to_json_line();
    early.insert_str(1, &format!(r#""featured_image":"{path}","#));
    let mut plain = ArticleSpec::new("grain-deal", "Grain deal").hours_ago(3).to_json_line();
    plain.insert_str(1, r#""featured_image":"/media/grain.jpg","#);
    app.import_text(&format!("{early}\n{plain}\n")).await;

    let item = add_image(&app.app, photo, "steppe.jpg", "Tulips on the \"steppe\"", "", None).await.expect("stored");
    assert_eq!(item.path, path);
    let stem = path.trim_end_matches(".jpg");

    let html = app.get_text("/steppe-in-spring/").await;
    let webp = format!("{stem}-480.webp 480w, {stem}-960.webp 960w, {stem}-1200.webp 1200w");
    let jpeg = format!("{stem}-480.jpg 480w, {stem}-960.jpg 960w, {path} 1200w");
    let sizes = "(min-width: 52rem) 50rem, 100vw";
    let expected = format!(
        r#"<picture><source type="image/webp" srcset="{webp}" sizes="{sizes}"><source type="image/jpeg" srcset="{jpeg}" sizes="{sizes}"><img class="article__image" src="{stem}-960.jpg" width="960" height="640" alt="Tulips on the &quot;steppe&quot;" decoding="async"></picture>"#
    );
    assert!(html.contains(&expected), "{html}");

    // The lead story on the home page, and a card once newer stories push it down.
    let home = app.get_text("/").await;
    assert!(home.contains(r#"<img class="lead__image""#), "{home}");
    assert!(home.contains(&format!(r#"srcset="{webp}""#)), "{home}");
    app.import(&[ArticleSpec::new("newer", "A newer story").hours_ago(1)]).await;
    let home = app.get_text("/").await;
    assert!(home.contains(r#"<img class="card__image""#), "{home}");
    assert!(home.contains(r#"loading="lazy""#), "{home}");

    let other = app.get_text("/grain-deal/").await;
    assert!(other.contains(r#"<img class="article__image" src="/media/grain.jpg" alt="">"#), "{other}");
    assert!(!other.contains("<picture>"), "{other}");
}
