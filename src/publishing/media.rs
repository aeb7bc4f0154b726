//! Adding an uploaded image to the media library: checked and processed on a blocking
//! thread (at most `[media] workers` at once, so uploads never take the threads that
//! answer readers), its files written under `media/uploads/YYYY/MM/` and its row
//! recorded. A refused or failed upload leaves no file and no row behind.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use sha2::{Digest, Sha256};

use crate::app::{App, MEDIA_DIR};
use crate::domain::picture::ImageVariant;
use crate::domain::slug::slugify;
use crate::media::{MediaError, Processed, process};
use crate::store::{MediaAdded, MediaItem, NewMedia};

/// Directory under the media directory that holds uploads.
pub const UPLOADS_DIR: &str = "uploads";

/// Hex digits of the content hash in a file name: enough that two different images
/// with the same name in the same month do not meet.
const HASH_IN_NAME: usize = 10;

/// Longest slug taken from the uploaded file's name.
const NAME_SLUG_LEN: usize = 60;

/// Checks `bytes`, stores the image and its variants and records it in the library.
/// The same bytes uploaded again return the item stored the first time.
pub async fn add_image(
    app: &App,
    bytes: Vec<u8>,
    original_name: &str,
    alt: &str,
    caption: &str,
    uploaded_by: Option<i64>,
) -> Result<MediaItem, MediaError> {
    // Checked again while processing; here it spares hashing an upload that is refused.
    let limit = app.settings.media.max_upload_bytes;
    if bytes.len() as u64 > limit {
        return Err(MediaError::TooLarge { bytes: bytes.len() as u64, limit });
    }
    let content_hash = hex(&Sha256::digest(&bytes));
    if let Some(existing) = app.store.media_by_hash(&content_hash).await.map_err(internal)? {
        return Ok(existing);
    }
    let now = app.now().to_zoned_datetime(app.tz.clone());
    let month = format!("{UPLOADS_DIR}/{:04}/{:02}", now.year(), now.month());
    let stem = format!("{}-{}", name_slug(original_name), &content_hash[..HASH_IN_NAME]);
    let dir = app.settings.media_dir(&app.data_dir).join(&month);
    let url_prefix = format!("/{MEDIA_DIR}/{month}/");

    // The permit travels with the work: if the caller goes away, the blocking thread
    // still holds it until the image is done, so the limit holds.
    let permit = Arc::clone(&app.media_workers).acquire_owned().await.map_err(internal)?;
    let settings = app.settings.media.clone();
    let (files, written) = tokio::task::spawn_blocking(move || {
        let processed = process(&bytes, &settings)?;
        drop(bytes);
        let stored = write_files(&processed, &stem, &dir, &url_prefix);
        drop(permit);
        stored
    })
    .await
    .map_err(internal)??;

    let new = NewMedia {
        path: files.path,
        content_hash,
        original_name: original_name.to_owned(),
        mime: files.mime,
        width: files.width,
        height: files.height,
        bytes: files.bytes,
        alt: alt.trim().to_owned(),
        caption: caption.trim().to_owned(),
        uploaded_by,
        variants: files.variants,
    };
    let path = new.path.clone();
    match app.store.add_media(new, app.now()).await {
        Ok(MediaAdded::Added(item)) => {
            // Articles that already named this image now show it in all its sizes.
            app.pages.invalidate();
            Ok(item)
        }
        Ok(MediaAdded::Existing(item)) => {
            if item.path != path {
                remove_all(&written);
            }
            Ok(item)
        }
        Err(e) => {
            remove_all(&written);
            Err(internal(e))
        }
    }
}

/// Replaces an image's alternative text and caption; whether it exists.
pub async fn describe_image(app: &App, id: i64, alt: &str, caption: &str) -> Result<bool, MediaError> {
    let found = app.store.update_media_text(id, alt.trim(), caption.trim()).await.map_err(internal)?;
    if found {
        app.pages.invalidate();
    }
    Ok(found)
}

/// The slug of a file name without its extension, or `image` when nothing is left.
fn name_slug(original_name: &str) -> String {
    let base = Path::new(original_name).file_stem().and_then(|s| s.to_str()).unwrap_or_default();
    let mut slug = slugify(base);
    if slug.len() > NAME_SLUG_LEN {
        slug.truncate(NAME_SLUG_LEN);
        slug.truncate(slug.trim_end_matches('-').len());
    }
    if slug.is_empty() { "image".to_owned() } else { slug }
}

/// What was written for an upload, as the library records it.
struct Written {
    path: String,
    mime: String,
    width: u32,
    height: u32,
    bytes: u64,
    variants: Vec<ImageVariant>,
}

/// Writes the original and its variants into `dir`, whose address is `url_prefix`.
fn write_files(
    processed: &Processed,
    stem: &str,
    dir: &Path,
    url_prefix: &str,
) -> Result<(Written, Vec<PathBuf>), MediaError> {
    let files = file_names(processed, stem);
    let written = write_all(dir, &files).map_err(MediaError::Internal)?;
    let url = |name: &str| format!("{url_prefix}{name}");
    let variants = processed
        .variants
        .iter()
        .zip(variant_names(processed, &files))
        .map(|(v, name)| ImageVariant {
            path: url(name),
            mime: v.kind.mime().to_owned(),
            width: v.width,
            height: v.height,
        })
        .collect();
    let record = Written {
        path: url(&files[0].0),
        mime: processed.kind.mime().to_owned(),
        width: processed.width,
        height: processed.height,
        bytes: processed.original.len() as u64,
        variants,
    };
    Ok((record, written))
}

/// The files to write, original first, then the variants that have bytes of their own,
/// in the order of `processed.variants`.
fn file_names<'a>(processed: &'a Processed, stem: &str) -> Vec<(String, &'a [u8])> {
    let mut files = vec![(format!("{stem}.{}", processed.kind.extension()), processed.original.as_slice())];
    for variant in &processed.variants {
        if let Some(bytes) = &variant.bytes {
            files.push((format!("{stem}-{}.{}", variant.width, variant.kind.extension()), bytes.as_slice()));
        }
    }
    files
}

/// The file name of each variant: its own, or the original's.
fn variant_names<'a>(processed: &Processed, files: &'a [(String, &[u8])]) -> Vec<&'a str> {
    let mut own = files[1..].iter().map(|(name, _)| name.as_str());
    processed
        .variants
        .iter()
        .map(|v| if v.bytes.is_some() { own.next().unwrap_or_default() } else { files[0].0.as_str() })
        .collect()
}

/// Writes each file to a temporary name and renames it into place, so a reader never
/// sees half a file; on any failure removes what was written.
fn write_all(dir: &Path, files: &[(String, &[u8])]) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut written = Vec::new();
    for (name, bytes) in files {
        let target = dir.join(name);
        let temporary = dir.join(format!(".{name}.part"));
        let result = write_one(&temporary, bytes).and_then(|()| {
            std::fs::rename(&temporary, &target).with_context(|| format!("cannot rename to {}", target.display()))
        });
        if let Err(e) = result {
            let _ = std::fs::remove_file(&temporary);
            remove_all(&written);
            return Err(e);
        }
        written.push(target);
    }
    Ok(written)
}

fn write_one(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut file = std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(bytes).and_then(|()| file.sync_data()).with_context(|| format!("cannot write {}", path.display()))
}

fn remove_all(paths: &[PathBuf]) {
    for path in paths {
        if let Err(e) = std::fs::remove_file(path) {
            tracing::warn!(path = %path.display(), error = %e, "cannot remove a file of a failed upload");
        }
    }
}

fn internal(e: impl Into<anyhow::Error>) -> MediaError {
    let e = e.into();
    tracing::error!(error = format!("{e:#}"), "storing an image failed");
    MediaError::Internal(e)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Clock;
    use crate::config::Settings;
    use crate::media::ImageKind;
    use crate::media::process_tests::{bomb, jpeg, jpeg_with_exif, png};

    async fn app(dir: &Path) -> Arc<App> {
        let at = "2025-12-05T05:00:00Z".parse().expect("instant");
        App::open(dir, Settings::default(), Clock::Fixed(at)).await.expect("app opens")
    }

    /// Every file under the media directory, as paths relative to it.
    fn media_files(dir: &Path) -> Vec<String> {
        fn walk(dir: &Path, root: &Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, root, out);
                } else if let Ok(relative) = path.strip_prefix(root) {
                    out.push(relative.display().to_string());
                }
            }
        }
        let root = dir.join(MEDIA_DIR);
        let mut out = Vec::new();
        walk(&root, &root, &mut out);
        out.sort();
        out
    }

    #[tokio::test]
    async fn a_png_named_jpg_is_stored_as_a_png_with_its_variants() {
        let dir = tempfile::tempdir().expect("tempdir");
        let app = app(dir.path()).await;
        let item = add_image(&app, png(600, 300), "Screen shot.JPG", " Chart ", "", Some(7)).await.expect("stored");
        assert_eq!(item.mime, "image/png");
        assert!(item.path.starts_with("/media/uploads/2025/12/screen-shot-"), "{}", item.path);
        assert!(item.path.ends_with(".png"), "{}", item.path);
        assert_eq!((item.width, item.height, item.alt.as_str(), item.uploaded_by), (600, 300, "Chart", Some(7)));
        let variants: Vec<(&str, u32)> = item.variants.iter().map(|v| (v.mime.as_str(), v.width)).collect();
        assert_eq!(variants, [("image/png", 480), ("image/webp", 480), ("image/png", 600), ("image/webp", 600)]);
        assert_eq!(item.variants[2].path, item.path, "the full-width PNG is the original");
        for variant in &item.variants {
            let file = dir.path().join(variant.path.trim_start_matches('/'));
            let bytes = std::fs::read(&file).expect("variant written");
            assert_eq!(ImageKind::sniff(&bytes).expect("an image").mime(), variant.mime);
        }
        assert_eq!(media_files(dir.path()).len(), 4, "original, one PNG and two WebP variants");
    }

    #[tokio::test]
    async fn the_stored_original_carries_no_exif() {
        let dir = tempfile::tempdir().expect("tempdir");
        let app = app(dir.path()).await;
        let item = add_image(&app, jpeg_with_exif(64, 32, 1), "gps.jpg", "", "", None).await.expect("stored");
        let stored = std::fs::read(dir.path().join(item.path.trim_start_matches('/'))).expect("original");
        assert!(!stored.windows(4).any(|w| w == b"Exif"), "EXIF was stripped");
    }

    #[tokio::test]
    async fn the_same_bytes_added_twice_are_one_item() {
        let dir = tempfile::tempdir().expect("tempdir");
        let app = app(dir.path()).await;
        let bytes = jpeg(200, 100);
        let first = add_image(&app, bytes.clone(), "a.jpg", "", "", None).await.expect("stored");
        let files = media_files(dir.path());
        let second = add_image(&app, bytes, "b.jpg", "other", "", None).await.expect("stored");
        assert_eq!(first, second);
        assert_eq!(app.store.list_media(0, 10).await.expect("list").total, 1);
        assert_eq!(media_files(dir.path()), files);
    }

    #[tokio::test]
    async fn refused_uploads_store_neither_files_nor_rows() {
        let dir = tempfile::tempdir().expect("tempdir");
        let app = app(dir.path()).await;
        let whole = jpeg(64, 64);
        let cases: [(Vec<u8>, &str); 3] = [
            (b"minutes of the editorial meeting".to_vec(), "not an image: the file is plain text"),
            (whole[..whole.len() / 2].to_vec(), "the file is a damaged or incomplete JPEG image"),
            (bomb(30_000, 30_000), "image has too many pixels: 900 megapixels, the limit is 50"),
        ];
        for (bytes, message) in cases {
            let error = add_image(&app, bytes, "upload.jpg", "", "", None).await.expect_err("refused");
            assert!(error.is_refusal());
            assert_eq!(error.to_string(), message);
        }
        assert_eq!(app.store.list_media(0, 10).await.expect("list").total, 0);
        assert_eq!(media_files(dir.path()), Vec::<String>::new());
    }

    #[tokio::test]
    async fn an_oversized_upload_is_refused_and_leaves_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut settings = Settings::default();
        settings.media.max_upload_bytes = 2_000;
        let app = App::open(dir.path(), settings, Clock::System).await.expect("app opens");
        let photo = jpeg(300, 200);
        let error = add_image(&app, photo.clone(), "big.jpg", "", "", None).await.expect_err("refused");
        let message = error.to_string();
        assert!(message.starts_with("image too large: ") && message.ends_with(" KB, the limit is 2 KB"), "{message}");
        assert_eq!(app.store.list_media(0, 10).await.expect("list").total, 0);
        assert_eq!(media_files(dir.path()), Vec::<String>::new());
    }

    #[tokio::test]
    async fn the_library_lists_newest_first_and_keeps_edited_text() {
        let dir = tempfile::tempdir().expect("tempdir");
        let app = app(dir.path()).await;
        let older = add_image(&app, jpeg(40, 40), "older.jpg", "", "", None).await.expect("stored");
        let newer = add_image(&app, jpeg(41, 40), "newer.jpg", "", "", None).await.expect("stored");
        let page = app.store.list_media(0, 1).await.expect("list");
        assert_eq!((page.total, page.items[0].id), (2, newer.id));
        assert_eq!(app.store.list_media(1, 1).await.expect("list").items[0].id, older.id);
        assert!(describe_image(&app, older.id, "Old town", "Bukhara, 2019").await.expect("updated"));
        let edited = app.store.media_by_path(&older.path).await.expect("read").expect("found");
        assert_eq!((edited.alt.as_str(), edited.caption.as_str()), ("Old town", "Bukhara, 2019"));
        assert_eq!(app.store.media_by_id(older.id).await.expect("read"), Some(edited));
        assert!(!describe_image(&app, 999, "", "").await.expect("no such item"));
    }
}
