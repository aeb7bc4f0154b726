//! Uploaded images: recognised by decoding their bytes (never by their name), refused
//! before the decode when the file or its declared pixel count is over the limits,
//! turned upright, stripped of every piece of metadata by re-encoding, and scaled into
//! responsive variants. Pure computation on bytes; `publishing::media` runs it on a
//! blocking thread and stores what it makes.

mod encode;
mod error;
mod jpeg_end;
mod kind;
mod process;

pub use error::MediaError;
pub use kind::ImageKind;
pub use process::{Processed, Rendition, process};

#[cfg(test)]
pub(crate) use process::tests as process_tests;
