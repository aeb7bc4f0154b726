//! `qalam media add FILE… [--alt TEXT] [--caption TEXT]`: uploads images into the media
//! library, as the admin's upload form does.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::app::{App, Clock};
use crate::config::Settings;
use crate::publishing::media::add_image;

/// Adds each file and prints where it and its variants are stored; a file that is
/// refused is named on standard error and makes the exit code 1, the others are still
/// added.
pub async fn run_add(data: &Path, files: &[PathBuf], alt: &str, caption: &str) -> anyhow::Result<ExitCode> {
    let app = App::open(data, Settings::load(data)?, Clock::System).await?;
    let mut refused = false;
    for file in files {
        let name = file.file_name().map_or_else(|| file.display().to_string(), |n| n.to_string_lossy().into_owned());
        let bytes = match std::fs::read(file) {
            Ok(bytes) => bytes,
            Err(e) => {
                eprintln!("{}: cannot read: {e}", file.display());
                refused = true;
                continue;
            }
        };
        match add_image(&app, bytes, &name, alt, caption, None).await {
            Ok(item) => {
                println!("{} {}x{} {}", item.path, item.width, item.height, item.mime);
                for variant in &item.variants {
                    println!("  {} {}x{} {}", variant.path, variant.width, variant.height, variant.mime);
                }
            }
            Err(e) => {
                eprintln!("{}: {e}", file.display());
                refused = true;
            }
        }
    }
    Ok(if refused { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}
