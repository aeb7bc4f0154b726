//! The command line: `qalam serve`, `qalam import …`, `qalam rates …`. One file per
//! subcommand.

mod api_key;
mod backup;
mod import;
mod import_wxr;
mod index;
mod media;
mod rates;
mod serve;
mod user;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Default data directory.
pub const DEFAULT_DATA_DIR: &str = "./qalam-data";

/// Qalam, a news publishing platform.
#[derive(Debug, Parser)]
#[command(name = "qalam", version, about)]
pub struct Cli {
    /// PostgreSQL database to use instead of the SQLite file in the data directory
    /// (`postgres://user@host:port/database`; also `QALAM_DATABASE_URL`).
    #[arg(long, global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the site.
    Serve {
        /// Data directory: database, search index, media and qalam.toml.
        #[arg(long, env = "QALAM_DATA", default_value = DEFAULT_DATA_DIR)]
        data: PathBuf,
        /// Address to listen on.
        #[arg(long, env = "QALAM_ADDR", default_value = "127.0.0.1:8080")]
        addr: String,
        /// Fill an empty data directory with the bundled demo newsroom first.
        #[arg(long)]
        demo: bool,
    },
    /// Import content from a file.
    Import {
        #[command(subcommand)]
        format: ImportFormat,
    },
    /// The search index.
    Index {
        #[command(subcommand)]
        action: IndexAction,
    },
    /// Official exchange rates from the central banks.
    Rates {
        #[command(subcommand)]
        action: RatesAction,
    },
    /// Keys that open the read-only Content API.
    ApiKey {
        #[command(subcommand)]
        action: ApiKeyAction,
    },
    /// The newsroom's accounts.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// The media library: uploaded images and their responsive variants.
    Media {
        #[command(subcommand)]
        action: MediaAction,
    },
    /// Copy the database and the media files into a new directory, consistently, while
    /// the site serves.
    Backup {
        /// The new (or empty) directory to write into.
        dest: PathBuf,
        /// Data directory.
        #[arg(long, env = "QALAM_DATA", default_value = DEFAULT_DATA_DIR)]
        data: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum UserAction {
    /// Add an account; prints a one-time link where its person chooses a password.
    Add {
        /// Sign-in address.
        #[arg(long)]
        email: String,
        /// Display name, also the byline.
        #[arg(long)]
        name: String,
        /// owner, administrator, editor, author or contributor.
        #[arg(long, value_parser = user::parse_role)]
        role: crate::domain::account::Role,
        /// Read the password from the first line of standard input instead of printing a link.
        #[arg(long)]
        password_stdin: bool,
        /// Data directory.
        #[arg(long, env = "QALAM_DATA", default_value = DEFAULT_DATA_DIR)]
        data: PathBuf,
    },
    /// Print a one-time link that sets a new password for an account.
    ResetPassword {
        /// The account's address.
        email: String,
        /// Data directory.
        #[arg(long, env = "QALAM_DATA", default_value = DEFAULT_DATA_DIR)]
        data: PathBuf,
    },
    /// List the accounts.
    List {
        /// Data directory.
        #[arg(long, env = "QALAM_DATA", default_value = DEFAULT_DATA_DIR)]
        data: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum MediaAction {
    /// Check, process and store images (JPEG, PNG, WebP, GIF), printing each one's
    /// address and variants.
    Add {
        /// The image files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Alternative text for every file added.
        #[arg(long, default_value = "")]
        alt: String,
        /// Caption for every file added.
        #[arg(long, default_value = "")]
        caption: String,
        /// Data directory.
        #[arg(long, env = "QALAM_DATA", default_value = DEFAULT_DATA_DIR)]
        data: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum ApiKeyAction {
    /// Make a key and print it (the only time it is shown; only its digest is stored).
    Add {
        /// Who or what the key is for.
        name: String,
        /// Data directory.
        #[arg(long, env = "QALAM_DATA", default_value = DEFAULT_DATA_DIR)]
        data: PathBuf,
    },
    /// List the keys' names and when they were made.
    List {
        /// Data directory.
        #[arg(long, env = "QALAM_DATA", default_value = DEFAULT_DATA_DIR)]
        data: PathBuf,
    },
    /// Remove a key: requests carrying it are refused from then on.
    Remove {
        /// The key's name.
        name: String,
        /// Data directory.
        #[arg(long, env = "QALAM_DATA", default_value = DEFAULT_DATA_DIR)]
        data: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum RatesAction {
    /// Fetch the current rates from every source once and report per source.
    Fetch {
        /// Data directory.
        #[arg(long, env = "QALAM_DATA", default_value = DEFAULT_DATA_DIR)]
        data: PathBuf,
    },
    /// Fetch past rates, day by day, from the sources whose address names a day.
    Backfill {
        /// First day, YYYY-MM-DD.
        #[arg(long)]
        from: jiff::civil::Date,
        /// Last day, YYYY-MM-DD.
        #[arg(long)]
        to: jiff::civil::Date,
        /// Only this source (nbk, nbkr, nbt, cbu, cbt); repeat for several; all by default.
        #[arg(long = "source", value_parser = rates::parse_source)]
        sources: Vec<crate::rates::Source>,
        /// Data directory.
        #[arg(long, env = "QALAM_DATA", default_value = DEFAULT_DATA_DIR)]
        data: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum IndexAction {
    /// Empty the search index and fill it again from the database, with a progress bar.
    Rebuild {
        /// Data directory.
        #[arg(long, env = "QALAM_DATA", default_value = DEFAULT_DATA_DIR)]
        data: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum ImportFormat {
    /// JSON Lines: one article per line.
    Jsonl {
        /// The file to import.
        file: PathBuf,
        /// Data directory.
        #[arg(long, env = "QALAM_DATA", default_value = DEFAULT_DATA_DIR)]
        data: PathBuf,
    },
    /// A WordPress export (Tools → Export): posts, pages, authors, categories, tags,
    /// media and every old address, redirected.
    Wxr {
        /// The export file.
        file: PathBuf,
        /// Data directory.
        #[arg(long, env = "QALAM_DATA", default_value = DEFAULT_DATA_DIR)]
        data: PathBuf,
        /// A local copy of the old site's wp-content/uploads, to copy media from.
        #[arg(long)]
        uploads: Option<PathBuf>,
        /// Import nothing when any post cannot be imported.
        #[arg(long)]
        all_or_nothing: bool,
    },
}

/// The store of a data directory, as its settings and the command line name it.
async fn open_store(data: &std::path::Path) -> anyhow::Result<std::sync::Arc<dyn crate::store::Store>> {
    let settings = crate::config::Settings::load(data)?;
    crate::app::open_store(data, &settings.database).await
}

impl Cli {
    /// Runs the command; the exit code is the process's.
    pub fn run(self) -> anyhow::Result<std::process::ExitCode> {
        if let Some(url) = self.database_url {
            crate::config::use_database_url(url);
        }
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
        runtime.block_on(async move {
            match self.command {
                Command::Serve { data, addr, demo } => serve::run(&data, &addr, demo).await,
                Command::Import { format: ImportFormat::Jsonl { file, data } } => import::run_jsonl(&file, &data).await,
                Command::Import { format: ImportFormat::Wxr { file, data, uploads, all_or_nothing } } => {
                    import_wxr::run_wxr(&file, &data, uploads.as_deref(), all_or_nothing).await
                }
                Command::Index { action: IndexAction::Rebuild { data } } => index::run_rebuild(&data).await,
                Command::Rates { action: RatesAction::Fetch { data } } => rates::run_fetch(&data).await,
                Command::ApiKey { action: ApiKeyAction::Add { name, data } } => api_key::run_add(&data, &name).await,
                Command::ApiKey { action: ApiKeyAction::List { data } } => api_key::run_list(&data).await,
                Command::ApiKey { action: ApiKeyAction::Remove { name, data } } => {
                    api_key::run_remove(&data, &name).await
                }
                Command::User { action: UserAction::Add { email, name, role, password_stdin, data } } => {
                    user::run_add(&data, &email, &name, role, password_stdin).await
                }
                Command::User { action: UserAction::ResetPassword { email, data } } => {
                    user::run_reset_password(&data, &email).await
                }
                Command::User { action: UserAction::List { data } } => user::run_list(&data).await,
                Command::Media { action: MediaAction::Add { files, alt, caption, data } } => {
                    media::run_add(&data, &files, &alt, &caption).await
                }
                Command::Rates { action: RatesAction::Backfill { from, to, sources, data } } => {
                    rates::run_backfill(&data, from, to, &sources).await
                }
                Command::Backup { dest, data } => backup::run_backup(&data, &dest).await,
            }
        })
    }
}
