//! Warta: a news publishing platform in one binary.

pub mod config;
pub mod core;
pub mod demo;
pub mod domain;
pub mod error;
pub mod http;
pub mod import;
pub mod mail;
pub mod media;
pub mod ops;
pub mod render;
pub mod server;
pub mod services;
pub mod store;
pub mod transport;
