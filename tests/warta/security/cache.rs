#![allow(unused_imports)]
use super::*;
use crate::common::{
    Client, NOW, TestSite, add_reader, demo_site, demo_site_with, set_role, test_config,
};
use serde_json::{Value, json};
use std::time::Duration;
use warta::config::Config;
use warta::domain::newsroom::{SCOPES, StaffRole, StoryStatus};
use warta::services::newsroom::{Change, Desk, Principal, Timing};

// ---- 1. The shared cache shares only public routes ----

#[tokio::test]
async fn pages_rendered_for_one_person_never_reach_another() {
    let site = demo_site().await;
    staff(&site, "editor@contoh.id", StaffRole::Editor).await;
    staff(&site, "kontributor@contoh.id", StaffRole::Contributor).await;
    let mut editor = signed_in(&site, "editor@contoh.id").await;
    let queue = editor.get("/moderation").await;
    assert_eq!(queue.status, 200);
    assert_eq!(queue.header("cache-control"), "private, no-store");
    // Before the fix the editor's queue was served to every staff member
    // for 30 seconds; a contributor gets 403.
    let mut contributor = signed_in(&site, "kontributor@contoh.id").await;
    assert_eq!(contributor.get("/moderation").await.status, 403);
    // Signed out: the sign-in form, never the queue.
    let out = Client::new(&site).get("/moderation").await;
    assert_eq!(out.status, 303);
    assert!(!out.body.contains("moderation-queue"));
    // Every route that is not a public reader page is private by default.
    for path in [
        "/moderation",
        "/account",
        "/admin",
        "/admin/audit",
        "/plus/return",
    ] {
        let p = editor.get(path).await;
        assert!(
            p.header("cache-control").contains("no-store"),
            "{path}: {:?}",
            p.header("cache-control")
        );
        assert!(
            p.header("x-warta-cache").is_empty(),
            "{path} went through the cache"
        );
    }
    // Public pages are shared (that is what the cache is for).
    let anon = Client::new(&site).get("/").await;
    assert!(anon.header("cache-control").starts_with("public"));
}

#[tokio::test]
async fn tracking_parameters_do_not_grow_the_cache() {
    let site = demo_site().await;
    let mut c = Client::new(&site);
    c.get("/nasional").await;
    let before = site.app.cache.len();
    for i in 0..300 {
        let p = c
            .get(&format!("/nasional?utm_source=x{i}&fbclid={i}"))
            .await;
        assert_eq!(p.status, 200);
        // The page is rendered from the parameters it reads: nothing else
        // leaks into it (the language switch links to the same page).
        assert!(!p.body.contains(&format!("x{i}")), "utm in the page");
    }
    assert_eq!(site.app.cache.len(), before, "one entry for all of them");
    // A parameter the page reads is a page of its own.
    assert_eq!(
        c.get("/nasional?page=1&utm=9")
            .await
            .header("x-warta-cache"),
        "hit"
    );
}

#[tokio::test]
async fn the_cache_stays_within_its_byte_budget() {
    let cfg = Config {
        page_cache_mb: 1,
        ..test_config()
    };
    let site = demo_site_with(cfg).await;
    let list = site.get("/api/v1/articles?limit=50").await.json();
    let mut c = Client::new(&site);
    for a in list["articles"].as_array().unwrap() {
        let path = a["url"]
            .as_str()
            .unwrap()
            .trim_start_matches("http://127.0.0.1:8080");
        for page in ["", "?page=all", "?lang=en"] {
            c.get(&format!("{path}{page}")).await;
        }
        assert!(
            site.app.cache.bytes() <= 1024 * 1024,
            "{}",
            site.app.cache.bytes()
        );
    }
    assert!(site.app.cache.len() > 2, "pages were cached at all");
}

#[tokio::test]
async fn the_cache_status_header_is_off_by_default() {
    let site = demo_site_with(Config::default()).await;
    site.get("/").await;
    assert_eq!(site.get("/").await.header("x-warta-cache"), "");
}
