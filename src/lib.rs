//! Qalam: a fast news publishing platform for regional newsrooms.
//!
//! Modules depend one way: `domain` (pure rules), `media` (image checks and variants) ←
//! `store`, `render`, `cache` ←
//! `publishing` (use cases) ← `web`, `cli`, `jobs`.

pub mod app;
pub mod auth;
pub mod cache;
pub mod cli;
pub mod config;
pub mod domain;
pub mod jobs;
pub mod media;
pub mod metrics;
pub mod publishing;
pub mod rates;
pub mod render;
pub mod search;
pub mod store;
pub mod web;
