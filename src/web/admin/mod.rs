//! The newsroom under `/admin/`: signing in, articles and their editor, revisions,
//! tags, authors, redirects and people. Every route checks the signed-in role on the server; every state-changing
//! form carries a CSRF secret (see [`session`]).

pub mod articles;
pub mod editor;
pub mod error;
pub mod media;
pub mod people;
pub mod revisions;
pub mod screen;
pub mod session;
pub mod sign_in;
pub mod site;

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// A time as the newsroom shows it, in the site's zone: `05 Dec 2025 10:00`.
pub fn when(at: Timestamp, tz: &TimeZone) -> String {
    at.to_zoned_datetime(tz.clone()).strftime("%d %b %Y %H:%M").to_string()
}

/// A message with its first letter capitalised, to show as a sentence.
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
