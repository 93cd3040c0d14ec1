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

// ---- 8. Accounts ----

#[tokio::test]
async fn wrong_two_step_codes_lock_and_alert() {
    let site = demo_site().await;
    let id = staff(&site, "redaktur@contoh.id", StaffRole::Editor).await;
    let secret = warta::domain::totp::new_secret();
    let actor = warta::store::newsroom::Actor {
        reader_id: None,
        label: "test".into(),
    };
    site.app
        .store
        .set_totp(id, Some(&secret), &actor, NOW)
        .await
        .unwrap();
    let mut c = Client::new(&site);
    let p = c
        .post(
            "/login",
            &[("email", "redaktur@contoh.id"), ("password", PW)],
        )
        .await;
    assert_eq!(p.header("location"), "/login/2fa");
    for _ in 0..5 {
        let p = c.post("/login/2fa", &[("code", "000000")]).await;
        assert_eq!(p.status, 401);
    }
    // Now even the right code is refused, for a while.
    let right = warta::domain::totp::code_at(&secret, NOW).unwrap();
    let p = c.post("/login/2fa", &[("code", &right)]).await;
    assert_eq!(p.status, 429);
    assert!(!c.signed_in());
    // The owner is told, once, and so is the audit log.
    let mails = crate::common::mails(&site).await;
    let alerts: Vec<_> = mails
        .iter()
        .filter(|m| m.contains("To: redaktur@contoh.id") && m.contains("15"))
        .collect();
    assert_eq!(alerts.len(), 1, "{mails:?}");
    let log = site
        .app
        .store
        .audit_log(&warta::store::newsroom::AuditFilter {
            action: Some("security.".into()),
            limit: 50,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(log.len(), 1);
    // Fifteen minutes later the right code works (after the password again:
    // a held sign-in lasts five minutes).
    site.app.clock.set(NOW + 16 * 60);
    let p = c
        .post(
            "/login",
            &[("email", "redaktur@contoh.id"), ("password", PW)],
        )
        .await;
    assert_eq!(p.header("location"), "/login/2fa");
    let right = warta::domain::totp::code_at(&secret, NOW + 16 * 60).unwrap();
    let p = c.post("/login/2fa", &[("code", &right)]).await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert!(c.signed_in());
}

#[tokio::test]
async fn the_owner_signs_in_from_a_known_browser_while_strangers_lock_the_address() {
    let site = demo_site().await;
    add_reader(&site, "pemilik@contoh.id", PW, true).await;
    // The owner signed in on this browser before.
    let mut owner = signed_in(&site, "pemilik@contoh.id").await;
    assert!(owner.cookies.contains_key("warta_device"));
    owner.post("/logout", &[]).await;
    assert!(!owner.signed_in());
    // Someone else guesses until the address is locked.
    let mut stranger = Client::new(&site);
    let mut locked = false;
    for _ in 0..12 {
        let p = stranger
            .post(
                "/login",
                &[
                    ("email", "pemilik@contoh.id"),
                    ("password", "tebakan-salah"),
                ],
            )
            .await;
        locked |= p.status == 429;
    }
    assert!(locked);
    // The stranger stays locked out even with the right password...
    let p = stranger
        .post(
            "/login",
            &[("email", "pemilik@contoh.id"), ("password", PW)],
        )
        .await;
    assert_eq!(p.status, 429);
    // ...but the owner's browser is let in.
    let p = owner
        .post(
            "/login",
            &[("email", "pemilik@contoh.id"), ("password", PW)],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert!(owner.signed_in());
    // A made-up device cookie is no key.
    let mut forger = Client::new(&site);
    forger
        .cookies
        .insert("warta_device".into(), warta::domain::account::new_token());
    let p = forger
        .post(
            "/login",
            &[("email", "pemilik@contoh.id"), ("password", PW)],
        )
        .await;
    assert_eq!(p.status, 429);
}

#[tokio::test]
async fn a_commenter_without_a_name_is_not_shown_by_their_address() {
    let site = demo_site().await;
    add_reader(&site, "siti.rahasia@contoh.id", PW, true).await;
    let (section, slug) = site.paged_article().await;
    let mut c = signed_in(&site, "siti.rahasia@contoh.id").await;
    let p = c
        .post(
            &format!("/{section}/{slug}/comments"),
            &[("body", "Terima kasih beritanya.")],
        )
        .await;
    assert_eq!(p.status, 303);
    let page = Client::new(&site).get(&format!("/{section}/{slug}")).await;
    assert!(page.body.contains("Terima kasih beritanya."));
    assert!(
        !page.body.contains("siti.rahasia"),
        "the address's local part is shown"
    );
    assert!(page.body.contains("<strong>Pembaca</strong>"));
}
