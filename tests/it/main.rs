//! Qalam's integration tests: the real server on a free port over a temporary data
//! directory, spoken to over HTTP, and the `qalam` executable run as a process.

#![allow(clippy::unwrap_used, reason = "a failed unwrap in a test is a failed test")]

pub mod admin;
mod api;
mod article;
mod bad_input;
mod browser;
mod chrome;
mod delivery;
mod feeds;
mod fixture_server;
mod helpers;
mod import_cli;
mod listing;
mod media;
mod nodes;
mod operations;
pub mod other_writers;
mod rates;
mod search;
mod seo;
mod serve_process;
mod store_conformance;
mod test_database;
mod valid_html;
mod wxr;
