//! Work that runs inside `qalam serve` on a timer.

pub mod content_watch;
pub mod index_catchup;
pub mod leadership;
pub mod rates;
pub mod scheduled_publishing;
