//! Warta's integration tests, in one test binary (one link step instead of
//! one per file): HTTP, API, CLI, store (both backends), browser and
//! security tests, each area a module.
//!
//! `WARTA_TEST_BACKEND=postgres` runs the HTTP modules on PostgreSQL (the
//! store module always runs on both). The browser tests need Debian's
//! chromium and chromium-driver: they are ignored unless asked for with
//! `--include-ignored`, which `scripts/test.sh` (CI) always does.

mod admin_api;
mod api;
mod architecture;
mod browser;
mod cache;
mod comments;
mod common;
mod discovery;
mod http_site;
mod import_cli;
mod media;
mod newsroom;
mod nodes;
mod ops;
mod pages;
mod payments;
mod pg_restart;
mod readers;
mod search;
mod security;
mod smtp;
mod store;
mod webhooks;
