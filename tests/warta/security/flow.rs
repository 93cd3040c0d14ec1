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

// ---- 4. Redirects stay on the site ----

#[tokio::test]
async fn login_redirects_only_to_paths_on_this_site() {
    let site = demo_site().await;
    add_reader(&site, "arah@contoh.id", PW, true).await;
    for next in [
        "/%09/evil.test",
        "//evil.test",
        "/\\evil.test",
        "https://evil.test",
        "/%5C%5Cevil.test",
        "/ /evil.test",
    ] {
        let mut c = Client::new(&site);
        let p = c
            .post(
                "/login",
                &[
                    ("email", "arah@contoh.id"),
                    ("password", PW),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(p.status, 303);
        assert_eq!(p.header("location"), "/", "next={next:?}");
    }
    let mut c = Client::new(&site);
    let p = c
        .post(
            "/login",
            &[
                ("email", "arah@contoh.id"),
                ("password", PW),
                ("next", "/account"),
            ],
        )
        .await;
    assert_eq!(p.header("location"), "/account");
}

// ---- 5. Timing and flow ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forgot_answers_without_waiting_for_the_mail_server() {
    // A mail server that accepts and never says a word.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let _keep = std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in silent.incoming().flatten() {
            held.push(s);
        }
    });
    let mut cfg = test_config();
    cfg.mail.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
    let site = demo_site_with(cfg).await;
    add_reader(&site, "lupa@contoh.id", PW, true).await;
    let mut c = Client::new(&site);
    for email in ["lupa@contoh.id", "tidak-ada@contoh.id"] {
        let p = tokio::time::timeout(
            Duration::from_secs(20),
            c.post("/forgot", &[("email", email)]),
        )
        .await
        .expect("the answer does not wait for SMTP");
        assert_eq!(p.status, 303);
        assert_eq!(p.header("location"), "/login?notice=reset_sent");
    }
    // The known address's mail waits in the queue; the unknown one has none.
    assert_eq!(site.app.store.mail_unsent().await.unwrap(), 1);
}

#[tokio::test]
async fn opening_someone_elses_verification_link_signs_nobody_in() {
    let site = demo_site().await;
    let mut attacker = Client::new(&site);
    attacker
        .post(
            "/register",
            &[
                ("email", "penyerang@contoh.id"),
                ("password", "rahasia-penyerang"),
            ],
        )
        .await;
    let link = crate::common::link_in(crate::common::mails(&site).await.last().unwrap());
    // The attacker makes the victim's browser open the link.
    let mut victim = Client::new(&site);
    let p = victim.get(&link).await;
    assert_eq!(p.status, 303);
    assert_eq!(p.header("location"), "/login?notice=verified");
    assert!(!victim.signed_in(), "login CSRF");
    // The account is verified all the same.
    let acct = site
        .app
        .store
        .reader_by_email("penyerang@contoh.id")
        .await
        .unwrap()
        .unwrap();
    assert!(acct.verified);
}

#[tokio::test]
async fn page_numbers_near_the_limits_are_refused_not_errors() {
    let site = demo_site().await;
    for n in [
        "9223372036854775807",
        "9223372036854775808",
        "4611686018427387904",
        "100001",
        "-1",
        "0",
        "1e9",
    ] {
        for path in ["/nasional", "/video", "/author/rina-wulandari"] {
            let p = site.get(&format!("{path}?page={n}")).await;
            assert_eq!(p.status, 404, "{path}?page={n}");
        }
        let p = site.get(&format!("/api/v1/articles?page={n}")).await;
        assert_eq!(p.status, 400, "api page={n}");
    }
}
