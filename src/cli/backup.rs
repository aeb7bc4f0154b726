//! `qalam backup DEST`: a consistent copy of the database and the media files, taken
//! while the site serves.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};

use crate::app::{DATABASE_FILE, MEDIA_DIR};
use crate::config::{SETTINGS_FILE, Settings};
use crate::store::copy_database;

/// Copies the database of `data` first, then its media, into the new directory `dest`.
/// In that order every file the copied database names is in the copy: media files are
/// written before the rows that name them, and never changed in place.
pub async fn run_backup(data: &Path, dest: &Path) -> anyhow::Result<ExitCode> {
    let settings = Settings::load(data)?;
    if settings.database.url.as_deref().is_some_and(|url| !url.is_empty()) {
        bail!(
            "the content is in PostgreSQL: back it up with pg_dump \
             (pg_dump --format=custom --file=qalam.dump DATABASE_URL) and copy the shared media \
             directory; see docs/deployment.md"
        );
    }
    let source = data.join(DATABASE_FILE);
    if !source.is_file() {
        bail!("there is no database at {}", source.display());
    }
    prepare_destination(dest)?;
    let database = dest.join(DATABASE_FILE);
    let db_source = source.clone();
    let db_dest = database.clone();
    let copy = tokio::task::spawn_blocking(move || copy_database(&db_source, &db_dest))
        .await
        .context("the copy stopped")?
        .with_context(|| format!("cannot copy the database {}", source.display()))?;
    println!("{}: {} articles, {} bytes", database.display(), copy.articles, copy.bytes);

    let media = settings.media_dir(data);
    if media.is_dir() {
        let media_dest = dest.join(MEDIA_DIR);
        let (from, to) = (media.clone(), media_dest.clone());
        let (files, bytes) = tokio::task::spawn_blocking(move || copy_tree(&from, &to))
            .await
            .context("the copy stopped")?
            .with_context(|| format!("cannot copy the media directory {}", media.display()))?;
        println!("{}: {files} files, {bytes} bytes", media_dest.display());
    }

    let settings = data.join(SETTINGS_FILE);
    if settings.is_file() {
        let settings_dest = dest.join(SETTINGS_FILE);
        std::fs::copy(&settings, &settings_dest)
            .with_context(|| format!("cannot copy the settings {}", settings.display()))?;
        println!("{}", settings_dest.display());
    }
    println!("the search index is not copied: a server rebuilds it from the database");
    Ok(ExitCode::SUCCESS)
}

/// Creates `dest`, or accepts it when it exists and is empty.
fn prepare_destination(dest: &Path) -> anyhow::Result<()> {
    if dest.exists() {
        let mut entries = std::fs::read_dir(dest).with_context(|| format!("cannot read {}", dest.display()))?;
        if entries.next().is_some() {
            bail!("{} already exists and is not empty: back up into a new directory", dest.display());
        }
        return Ok(());
    }
    std::fs::create_dir_all(dest).with_context(|| format!("cannot create {}", dest.display()))
}

/// Copies the directory tree `from` into `to`, leaving out files still being written
/// (`.name.part`); how many files and bytes were copied.
fn copy_tree(from: &Path, to: &Path) -> anyhow::Result<(u64, u64)> {
    std::fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    let (mut files, mut bytes) = (0, 0);
    for entry in std::fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))? {
        let entry = entry.with_context(|| format!("cannot read {}", from.display()))?;
        let name = entry.file_name();
        if name.to_string_lossy().ends_with(".part") {
            continue;
        }
        let (source, target) = (entry.path(), to.join(&name));
        let kind = entry.file_type().with_context(|| format!("cannot read {}", source.display()))?;
        if kind.is_dir() {
            let (f, b) = copy_tree(&source, &target)?;
            files += f;
            bytes += b;
        } else if kind.is_file() {
            match std::fs::copy(&source, &target) {
                Ok(n) => {
                    files += 1;
                    bytes += n;
                }
                // Removed since the directory was listed (a failed upload cleaned up).
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e).with_context(|| format!("cannot copy {}", source.display())),
            }
        }
    }
    Ok((files, bytes))
}
