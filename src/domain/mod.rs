//! Pure types and rules of a newsroom: no I/O.

pub mod account;
pub mod article;
pub mod body;
pub mod dates;
pub mod excerpt;
pub mod manuscript;
pub mod money;
pub mod paging;
pub mod people;
pub mod picture;
pub mod shortcodes;
pub mod slug;
pub mod taxonomy;
