//! Warta: a news publishing platform in one binary.

pub mod config;
pub mod demo;
pub mod domain;
pub mod error;
pub mod http;
pub mod import;
pub mod mail;
pub mod media;
pub mod membership;
pub mod newsroom;
pub mod ops;
pub mod payments;
pub mod render;
pub mod server;
pub mod store;
pub mod transport;
pub mod webhooks;
