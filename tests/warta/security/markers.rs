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

// ---- 3. Fill-in markers and the CSRF cookie ----

#[tokio::test]
async fn no_text_can_make_the_cache_write_a_readers_token() {
    let site = demo_site().await;
    let id = add_reader(&site, "rina@contoh.id", PW, true).await;
    let _ = id;
    let (section, slug) = site.paged_article().await;
    let mut writer = signed_in(&site, "rina@contoh.id").await;
    // A comment that spells the old fixed markers, and a bidi override.
    let evil = "lihat \u{E000}warta:csrf\u{E000} dan \u{E000}warta:name\u{E000} \u{202E}moc.live";
    let p = writer
        .post(&format!("/{section}/{slug}/comments"), &[("body", evil)])
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    add_reader(&site, "budi@contoh.id", PW, true).await;
    let mut reader = signed_in(&site, "budi@contoh.id").await;
    // Twice: once rendered, once from the shared cache.
    for _ in 0..2 {
        let page = reader.get(&format!("/{section}/{slug}")).await;
        assert_eq!(page.status, 200);
        let token = reader.csrf();
        let in_forms = page.body.matches(&format!("value=\"{token}\"")).count();
        assert_eq!(
            page.body.matches(&token).count(),
            in_forms,
            "the token only in forms"
        );
        assert!(
            page.body
                .contains("lihat warta:csrf dan warta:name moc.live"),
            "hidden characters dropped"
        );
        assert!(!page.body.contains('\u{E000}') && !page.body.contains('\u{202E}'));
    }
    // And the stored comment itself is clean.
    let list = site.get(&format!("/api/v1/articles/{slug}")).await;
    assert!(!list.body.contains("\\ue000"));
}

#[tokio::test]
async fn a_planted_csrf_cookie_is_replaced_never_echoed() {
    let site = demo_site().await;
    for planted in [
        "\"><script>alert(1)</script>",
        "abc",
        "x".repeat(43).as_str(),
    ] {
        let mut c = Client::new(&site);
        c.cookies
            .insert("warta_csrf".into(), planted.replace(';', ""));
        let p = c.get("/login").await;
        assert_eq!(p.status, 200);
        let issued = c.csrf();
        if planted.len() == 43 {
            // Our own shape is kept (it may be one we issued).
            assert_eq!(issued, planted);
            continue;
        }
        assert_ne!(issued, planted, "replaced");
        assert!(!p.body.contains("<script>alert(1)"), "never echoed");
        assert!(p.body.contains(&issued), "the new token is in the form");
    }
    // A form sent with a planted cookie and the same planted value is refused.
    let mut c = Client::new(&site);
    c.cookies.insert("warta_csrf".into(), "abc".into());
    let p = c
        .send(
            "POST",
            "/forgot",
            Some((
                "application/x-www-form-urlencoded",
                "csrf=abc&email=a%40b.id".into(),
            )),
            &[],
        )
        .await;
    assert_eq!(p.status, 403);
}
