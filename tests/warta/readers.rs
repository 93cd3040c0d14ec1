//! Readers over HTTP: sign-up, verification, login, sessions, CSRF, rate
//! limits, password reset, account changes, memberships and redeem codes,
//! and what members get: no ads, no call-to-action, one page, full stories.

use crate::common::{Client, NOW, add_reader, demo_site, link_in, mails};

#[tokio::test]
async fn sign_up_verify_by_mail_then_log_in() {
    let site = demo_site().await;
    let mut c = Client::new(&site);
    let p = c
        .post(
            "/register",
            &[
                ("email", "Dewi@Contoh.id"),
                ("password", "rahasia-dewi"),
                ("name", "Dewi"),
            ],
        )
        .await;
    assert_eq!(p.status, 303);
    assert_eq!(p.header("location"), "/login?notice=registered");
    assert!(!c.signed_in(), "sign-up alone does not sign in");
    let m = mails(&site).await;
    assert_eq!(m.len(), 1);
    assert!(m[0].contains("To: dewi@contoh.id"));
    let link = link_in(&m[0]);
    assert!(link.starts_with("/verify?token="));
    let v = c.get(&link).await;
    assert_eq!(v.status, 303);
    // The link proves the address; it signs nobody in (login CSRF).
    assert_eq!(v.header("location"), "/login?notice=verified");
    assert!(!c.signed_in());
    let l = c
        .post(
            "/login",
            &[("email", "dewi@contoh.id"), ("password", "rahasia-dewi")],
        )
        .await;
    assert_eq!(l.status, 303);
    assert!(c.signed_in());
    let acct = c.get("/account").await;
    assert_eq!(acct.status, 200);
    assert!(acct.body.contains("Alamat e-mail sudah diverifikasi"));
    assert!(acct.body.contains("dewi@contoh.id"));
    // The link works once.
    let mut other = Client::new(&site);
    assert_eq!(other.get(&link).await.status, 400);
}

#[tokio::test]
async fn no_account_enumeration_on_sign_up_login_and_reset() {
    let site = demo_site().await;
    add_reader(&site, "ada@contoh.id", "rahasia-ada", true).await;
    let mut c = Client::new(&site);
    let known = c
        .post(
            "/register",
            &[("email", "ada@contoh.id"), ("password", "apa-saja-123")],
        )
        .await;
    let unknown = c
        .post(
            "/register",
            &[("email", "baru@contoh.id"), ("password", "apa-saja-123")],
        )
        .await;
    assert_eq!(
        (known.status, known.header("location")),
        (unknown.status, unknown.header("location"))
    );
    // The owner of the taken address hears about it by mail instead.
    assert!(
        mails(&site)
            .await
            .iter()
            .any(|m| m.contains("To: ada@contoh.id") && m.contains("/forgot"))
    );

    let wrong_pw = c
        .post(
            "/login",
            &[("email", "ada@contoh.id"), ("password", "salah-salah")],
        )
        .await;
    let no_user = c
        .post(
            "/login",
            &[("email", "tidakada@contoh.id"), ("password", "salah-salah")],
        )
        .await;
    assert_eq!(wrong_pw.status, 401);
    assert_eq!(no_user.status, 401);
    assert!(wrong_pw.body.contains("E-mail atau kata sandi salah."));
    assert!(no_user.body.contains("E-mail atau kata sandi salah."));

    let r1 = c.post("/forgot", &[("email", "ada@contoh.id")]).await;
    let r2 = c.post("/forgot", &[("email", "tidakada@contoh.id")]).await;
    assert_eq!(
        (r1.status, r1.header("location")),
        (r2.status, r2.header("location"))
    );
}

#[tokio::test]
async fn login_sets_a_safe_cookie_rotates_the_session_and_logout_revokes_it() {
    let site = demo_site().await;
    add_reader(&site, "rina@contoh.id", "rahasia-rina", true).await;
    let mut c = Client::new(&site);
    let p = c
        .post(
            "/login",
            &[
                ("email", "rina@contoh.id"),
                ("password", "rahasia-rina"),
                ("next", "/nasional"),
            ],
        )
        .await;
    assert_eq!(p.status, 303);
    assert_eq!(p.header("location"), "/nasional");
    let set = p
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with("warta_session="))
        .unwrap();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax") && !set.contains("Secure"),
        "{set}"
    );
    let first = c.cookies["warta_session"].clone();
    // Logging in again gives a new session id and kills the old one.
    c.post(
        "/login",
        &[("email", "rina@contoh.id"), ("password", "rahasia-rina")],
    )
    .await;
    let second = c.cookies["warta_session"].clone();
    assert_ne!(first, second);
    let mut stale = Client::new(&site);
    stale.cookies.insert("warta_session".into(), first);
    assert_eq!(
        stale.get("/account").await.header("location"),
        "/login?next=%2Faccount"
    );
    // Open redirects are refused.
    let p = c
        .post(
            "/login",
            &[
                ("email", "rina@contoh.id"),
                ("password", "rahasia-rina"),
                ("next", "//evil.example"),
            ],
        )
        .await;
    assert_eq!(p.header("location"), "/");
    // Logout ends the session on the server, not just in the browser.
    let token = c.cookies["warta_session"].clone();
    c.post("/logout", &[]).await;
    assert!(!c.signed_in());
    let mut replay = Client::new(&site);
    replay.cookies.insert("warta_session".into(), token);
    assert_eq!(replay.get("/account").await.status, 303);
}

#[tokio::test]
async fn a_signed_out_reader_opening_their_account_signs_in_and_comes_back() {
    let site = demo_site().await;
    add_reader(&site, "rina@contoh.id", "rahasia-rina", true).await;
    let mut c = Client::new(&site);
    let p = c.get("/account").await;
    assert_eq!(p.status, 303);
    assert_eq!(p.header("location"), "/login?next=%2Faccount");
    let form = c.get("/login?next=%2Faccount").await;
    assert!(form.body.contains("name=\"next\" value=\"/account\""));
    let p = c
        .post(
            "/login",
            &[
                ("email", "rina@contoh.id"),
                ("password", "rahasia-rina"),
                ("next", "/account"),
            ],
        )
        .await;
    assert_eq!(p.status, 303);
    assert_eq!(p.header("location"), "/account");
    assert_eq!(c.get("/account").await.status, 200);
}

#[tokio::test]
async fn log_out_of_all_devices_and_expired_sessions() {
    let site = demo_site().await;
    add_reader(&site, "budi@contoh.id", "rahasia-budi", true).await;
    let mut phone = Client::new(&site);
    let mut laptop = Client::new(&site);
    phone
        .post(
            "/login",
            &[("email", "budi@contoh.id"), ("password", "rahasia-budi")],
        )
        .await;
    laptop
        .post(
            "/login",
            &[("email", "budi@contoh.id"), ("password", "rahasia-budi")],
        )
        .await;
    let acct = laptop.get("/account").await;
    assert!(acct.body.contains("perangkat ini"));
    laptop.post("/account/logout-all", &[]).await;
    assert_eq!(
        phone.get("/account").await.status,
        303,
        "the phone is signed out too"
    );
    // A session past its lifetime is anonymous.
    let mut c = Client::new(&site);
    c.post(
        "/login",
        &[("email", "budi@contoh.id"), ("password", "rahasia-budi")],
    )
    .await;
    assert_eq!(c.get("/account").await.status, 200);
    site.app.clock.set(NOW + 31 * 86_400);
    assert_eq!(c.get("/account").await.status, 303);
}

#[tokio::test]
async fn forms_without_the_csrf_token_or_from_another_site_are_refused() {
    let site = demo_site().await;
    add_reader(&site, "rina@contoh.id", "rahasia-rina", true).await;
    let mut c = Client::new(&site);
    c.get("/").await;
    let p = c
        .post_raw(
            "/login",
            &[("email", "rina@contoh.id"), ("password", "rahasia-rina")],
        )
        .await;
    assert_eq!(p.status, 403);
    assert!(p.body.contains("Permintaan ditolak"));
    let p = c
        .post_raw(
            "/login",
            &[
                ("csrf", "palsu"),
                ("email", "rina@contoh.id"),
                ("password", "rahasia-rina"),
            ],
        )
        .await;
    assert_eq!(p.status, 403);
    assert!(!c.signed_in());
    // The right token from a cross-site page is still refused.
    let csrf = c.cookies["warta_csrf"].clone();
    let body = format!("csrf={csrf}&email=rina%40contoh.id&password=rahasia-rina");
    let p = c
        .send(
            "POST",
            "/login",
            Some(("application/x-www-form-urlencoded", body)),
            &[
                ("origin", "https://evil.example"),
                ("sec-fetch-site", "cross-site"),
            ],
        )
        .await;
    assert_eq!(p.status, 403);
    assert!(!c.signed_in());
    // The JSON API refuses the same in JSON, as its clients read errors.
    let p = c
        .send(
            "POST",
            "/api/v1/members/session",
            Some((
                "application/json",
                r#"{"email":"rina@contoh.id","password":"rahasia-rina"}"#.to_string(),
            )),
            &[
                ("origin", "https://evil.example"),
                ("sec-fetch-site", "cross-site"),
            ],
        )
        .await;
    assert_eq!(p.status, 403);
    assert_eq!(p.json()["error"]["status"], 403, "{}", p.body);
    assert!(!c.signed_in());
}

#[tokio::test]
async fn repeated_wrong_passwords_are_rate_limited_in_the_readers_language() {
    let site = demo_site().await;
    add_reader(&site, "rina@contoh.id", "rahasia-rina", true).await;
    let mut c = Client::new(&site);
    for i in 0..10 {
        let p = c
            .post(
                "/login",
                &[("email", "rina@contoh.id"), ("password", "tebakan")],
            )
            .await;
        assert_eq!(p.status, 401, "attempt {i}");
    }
    let p = c
        .post(
            "/login",
            &[("email", "rina@contoh.id"), ("password", "rahasia-rina")],
        )
        .await;
    assert_eq!(p.status, 429, "even the right password waits");
    assert!(p.body.contains("Terlalu banyak percobaan"));
    // The limit is per address: someone else can still log in.
    add_reader(&site, "lain@contoh.id", "rahasia-lain", true).await;
    let mut d = Client::new(&site);
    assert_eq!(
        d.post(
            "/login",
            &[("email", "lain@contoh.id"), ("password", "rahasia-lain")]
        )
        .await
        .status,
        303
    );
    // After the window, the owner gets in.
    site.app.clock.set(NOW + 16 * 60);
    assert_eq!(
        c.post(
            "/login",
            &[("email", "rina@contoh.id"), ("password", "rahasia-rina")]
        )
        .await
        .status,
        303
    );
}

#[tokio::test]
async fn reset_links_work_once_expire_and_sign_out_everywhere() {
    let site = demo_site().await;
    add_reader(&site, "sari@contoh.id", "rahasia-lama", true).await;
    let mut old_device = Client::new(&site);
    old_device
        .post(
            "/login",
            &[("email", "sari@contoh.id"), ("password", "rahasia-lama")],
        )
        .await;
    let mut c = Client::new(&site);
    c.post("/forgot", &[("email", "sari@contoh.id")]).await;
    let link = link_in(mails(&site).await.last().unwrap());
    assert!(link.starts_with("/reset?token="));
    let token = link.split("token=").nth(1).unwrap().to_string();
    assert_eq!(c.get(&link).await.status, 200);
    let p = c
        .post("/reset", &[("token", &token), ("password", "rahasia-baru")])
        .await;
    assert_eq!(p.status, 303);
    assert_eq!(
        old_device.get("/account").await.status,
        303,
        "old sessions are gone"
    );
    let again = c
        .post("/reset", &[("token", &token), ("password", "rahasia-lagi")])
        .await;
    assert_eq!(again.status, 400, "a reset link is single-use");
    assert_eq!(
        c.post(
            "/login",
            &[("email", "sari@contoh.id"), ("password", "rahasia-baru")]
        )
        .await
        .status,
        303
    );
    // An hour later a fresh link no longer works.
    c.post("/forgot", &[("email", "sari@contoh.id")]).await;
    let link = link_in(mails(&site).await.last().unwrap());
    let token = link.split("token=").nth(1).unwrap().to_string();
    site.app.clock.set(NOW + 3601);
    assert_eq!(
        c.post(
            "/reset",
            &[("token", &token), ("password", "rahasia-telat")]
        )
        .await
        .status,
        400
    );
}

#[tokio::test]
async fn change_password_and_email_then_delete_the_account() {
    let site = demo_site().await;
    add_reader(&site, "andi@contoh.id", "rahasia-andi", true).await;
    let mut c = Client::new(&site);
    c.post(
        "/login",
        &[("email", "andi@contoh.id"), ("password", "rahasia-andi")],
    )
    .await;
    assert_eq!(
        c.post(
            "/account/password",
            &[("current", "salah-salah"), ("password", "rahasia-baru")]
        )
        .await
        .status,
        403
    );
    assert_eq!(
        c.post(
            "/account/password",
            &[("current", "rahasia-andi"), ("password", "rahasia-baru")]
        )
        .await
        .status,
        303
    );
    // Changing the address takes a click in the new inbox.
    c.post(
        "/account/email",
        &[
            ("email", "andi.baru@contoh.id"),
            ("password", "rahasia-baru"),
        ],
    )
    .await;
    let m = mails(&site).await;
    let mail = m.last().unwrap();
    assert!(mail.contains("To: andi.baru@contoh.id"));
    c.get(&link_in(mail)).await;
    assert!(c.get("/account").await.body.contains("andi.baru@contoh.id"));
    // A comment, then the account goes; the comment stays, nameless.
    let a = site.rich_article().await;
    let url = format!(
        "/{}/{}",
        a["section"]["slug"].as_str().unwrap(),
        a["slug"].as_str().unwrap()
    );
    c.post(
        &format!("{url}/comments"),
        &[("body", "Komentar dari Andi yang akan pergi")],
    )
    .await;
    assert!(
        c.get(&url)
            .await
            .body
            .contains("Komentar dari Andi yang akan pergi")
    );
    assert_eq!(
        c.post("/account/delete", &[("password", "rahasia-baru")])
            .await
            .status,
        303
    );
    assert!(!c.signed_in());
    let page = Client::new(&site).get(&url).await;
    assert!(page.body.contains("Komentar dari Andi yang akan pergi"));
    assert!(page.body.contains("Akun terhapus"));
    let mut again = Client::new(&site);
    assert_eq!(
        again
            .post(
                "/login",
                &[
                    ("email", "andi.baru@contoh.id"),
                    ("password", "rahasia-baru")
                ]
            )
            .await
            .status,
        401
    );
}

fn ad_count(body: &str) -> usize {
    body.matches("data-ad-slot=").count()
}

#[tokio::test]
async fn members_read_without_ads_without_the_pitch_and_on_one_page() {
    let site = demo_site().await;
    let id = add_reader(&site, "anggota@contoh.id", "rahasia-anggota", true).await;
    warta::services::memberships::start(
        site.app.store.as_ref(),
        id,
        "monthly",
        warta::domain::membership::Source::Payment,
        30,
        "test",
        NOW - 60,
    )
    .await
    .unwrap();
    let (section, slug) = site.paged_article().await;
    let url = format!("/{section}/{slug}");
    let anon = Client::new(&site).get(&url).await;
    assert!(ad_count(&anon.body) >= 3);
    assert!(anon.body.contains("Baca berita tanpa iklan"));
    let mut m = Client::new(&site);
    m.post(
        "/login",
        &[
            ("email", "anggota@contoh.id"),
            ("password", "rahasia-anggota"),
        ],
    )
    .await;
    let p = m.get(&url).await;
    assert_eq!(p.status, 200);
    assert_eq!(ad_count(&p.body), 0, "no ad markup at all");
    assert!(!p.body.contains("class=\"ad"));
    assert!(!p.body.contains("Baca berita tanpa iklan"));
    assert!(!p.body.contains("Login untuk memaksimalkan"));
    // One page by default, paging still there.
    assert!(
        p.body
            .contains("<span class=\"current\">Tampilkan semua</span>"),
        "the whole story by default"
    );
    assert!(p.body.contains(&format!("{url}?page=all\">")));
    assert!(p.body.contains(&format!("href=\"{url}?page=2\"")));
    let home = m.get("/").await;
    assert_eq!(ad_count(&home.body), 0);
    // When the membership ends, the ads come back.
    site.app.clock.set(NOW + 31 * 86_400);
    let later = m.get(&url).await;
    assert!(ad_count(&later.body) >= 3);
}

#[tokio::test]
async fn members_only_stories_show_a_preview_to_everyone_else() {
    use warta::domain::{Access, Block};
    let site = demo_site().await;
    let body: Vec<Block> = (1..=8)
        .map(|i| Block::Paragraph {
            text: format!("Paragraf rahasia nomor {i}."),
        })
        .collect();
    site.app
        .store
        .insert_article(
            &crate::common::story("khusus-anggota", "Laporan Khusus Anggota")
                .access(Access::Members)
                .dateline("JAKARTA")
                .published(NOW - 100)
                .with_body(body),
        )
        .await
        .unwrap();
    let anon = Client::new(&site).get("/nasional/khusus-anggota").await;
    assert_eq!(anon.status, 200);
    assert!(anon.body.contains("Paragraf rahasia nomor 3."));
    assert!(
        !anon.body.contains("Paragraf rahasia nomor 4."),
        "only the preview"
    );
    assert!(anon.body.contains("data-paywall=\"join\""));
    assert!(anon.body.contains("\"isAccessibleForFree\":false"));
    assert!(anon.body.contains("\"cssSelector\":\".paywalled\""));
    // The API asks the same engine.
    let api = Client::new(&site)
        .get("/api/v1/articles/khusus-anggota")
        .await
        .json();
    let paras = api["body"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["type"] == "paragraph")
        .count();
    assert_eq!(paras, 3);
    assert_eq!(api["access"], "members");
    assert_eq!(api["preview"], true);

    let id = add_reader(&site, "komp@contoh.id", "rahasia-komp", true).await;
    warta::services::memberships::start(
        site.app.store.as_ref(),
        id,
        "monthly",
        warta::domain::membership::Source::Grant,
        7,
        "test",
        NOW - 60,
    )
    .await
    .unwrap();
    let mut m = Client::new(&site);
    m.post(
        "/login",
        &[("email", "komp@contoh.id"), ("password", "rahasia-komp")],
    )
    .await;
    let full = m.get("/nasional/khusus-anggota").await;
    assert!(full.body.contains("Paragraf rahasia nomor 8."));
    assert!(!full.body.contains("data-paywall"));
    let api = m.get("/api/v1/articles/khusus-anggota").await.json();
    assert_eq!(api["body"].as_array().unwrap().len(), 8);
}

#[tokio::test]
async fn redeem_codes_start_a_membership_once_and_not_after_expiry() {
    use warta::domain::membership::RedeemCode;
    let site = demo_site().await;
    for (code, uses, expires) in [
        ("SATU-KALI", 1, NOW + 86_400),
        ("BASI", 5, NOW - 1),
        ("DUA-ORANG", 2, NOW + 86_400),
    ] {
        site.app
            .store
            .create_redeem_code(
                &RedeemCode {
                    code: code.into(),
                    plan_id: "pass30".into(),
                    days: 30,
                    max_uses: uses,
                    uses: 0,
                    expires_at: expires,
                },
                "test",
                NOW,
            )
            .await
            .unwrap();
    }
    add_reader(&site, "a@contoh.id", "rahasia-aaaa", true).await;
    add_reader(&site, "b@contoh.id", "rahasia-bbbb", true).await;
    let mut a = Client::new(&site);
    a.post(
        "/login",
        &[("email", "a@contoh.id"), ("password", "rahasia-aaaa")],
    )
    .await;
    let p = a.post("/plus/redeem", &[("code", "satu-kali")]).await;
    assert_eq!(p.status, 303, "codes are case-insensitive");
    let acct = a.get("/account").await;
    assert!(acct.body.contains("Keanggotaan aktif"));
    assert!(acct.body.contains("Kode penukaran"));
    assert_eq!(ad_count(&a.get("/").await.body), 0);
    let again = a.post("/plus/redeem", &[("code", "SATU-KALI")]).await;
    assert_eq!(again.status, 422);
    assert!(again.body.contains("Anda sudah memakai kode ini."));
    let mut b = Client::new(&site);
    b.post(
        "/login",
        &[("email", "b@contoh.id"), ("password", "rahasia-bbbb")],
    )
    .await;
    assert!(
        b.post("/plus/redeem", &[("code", "SATU-KALI")])
            .await
            .body
            .contains("Kode sudah habis dipakai.")
    );
    assert!(
        b.post("/plus/redeem", &[("code", "BASI")])
            .await
            .body
            .contains("Kode sudah kedaluwarsa.")
    );
    assert!(
        b.post("/plus/redeem", &[("code", "NGAWUR")])
            .await
            .body
            .contains("Kode tidak dikenal.")
    );
    assert_eq!(
        b.post("/plus/redeem", &[("code", "DUA-ORANG")])
            .await
            .status,
        303
    );
    // The history keeps the redemption with its period.
    let ms = site.app.store.memberships(1).await.unwrap();
    assert_eq!(ms.len(), 1);
    assert_eq!(ms[0].ends_at - ms[0].starts_at, 30 * 86_400);
}

#[tokio::test]
async fn members_api_signs_in_tells_who_and_signs_out() {
    let site = demo_site().await;
    add_reader(&site, "api@contoh.id", "rahasia-api", true).await;
    let mut c = Client::new(&site);
    let me = c.get("/api/v1/members/me").await.json();
    assert_eq!(me["signed_in"], false);
    assert_eq!(me["access"]["ads"], true);
    let bad = c
        .post_json(
            "/api/v1/members/session",
            serde_json::json!({"email": "api@contoh.id", "password": "salah"}),
            &[],
        )
        .await;
    assert_eq!(bad.status, 401);
    let cross = c
        .post_json(
            "/api/v1/members/session",
            serde_json::json!({"email": "api@contoh.id", "password": "rahasia-api"}),
            &[("origin", "https://evil.example")],
        )
        .await;
    assert_eq!(cross.status, 403);
    let ok = c
        .post_json(
            "/api/v1/members/session",
            serde_json::json!({"email": "api@contoh.id", "password": "rahasia-api"}),
            &[],
        )
        .await;
    assert_eq!(ok.status, 200);
    assert!(c.signed_in());
    assert_eq!(ok.json()["email"], "api@contoh.id");
    let me = c.get("/api/v1/members/me").await.json();
    assert_eq!(me["signed_in"], true);
    assert_eq!(me["state"], "registered");
    assert_eq!(me["access"]["can_comment"], true);
    assert_eq!(me["membership"]["active"], false);
    let out = c.send("DELETE", "/api/v1/members/session", None, &[]).await;
    assert_eq!(out.status, 204);
    assert_eq!(c.get("/api/v1/members/me").await.json()["signed_in"], false);
}

#[tokio::test]
async fn ads_txt_comes_from_configuration() {
    let cfg = warta::config::Config {
        ads_txt: Some("contoh-iklan.id, pub-123, DIRECT".into()),
        ..Default::default()
    };
    let site = crate::common::demo_site_with(cfg).await;
    let p = site.get("/ads.txt").await;
    assert_eq!(p.status, 200);
    assert_eq!(p.body, "contoh-iklan.id, pub-123, DIRECT");
    assert_eq!(demo_site().await.get("/ads.txt").await.status, 404);
}

#[tokio::test]
async fn house_ad_impressions_and_clicks_are_counted_by_our_own_redirects() {
    let site = demo_site().await;
    let page = site.get("/").await;
    assert!(page.body.contains("src=\"/ads/top/image\""));
    assert!(page.body.contains("href=\"/ads/top/click\""));
    let img = site.get("/ads/top/image").await;
    assert_eq!(img.status, 302);
    assert_eq!(img.header("location"), "/static/ads/leaderboard.svg");
    site.get("/ads/top/image").await;
    let click = site.get("/ads/top/click").await;
    assert_eq!(click.header("location"), "/plus");
    assert_eq!(site.get("/ads/nope/click").await.status, 404);
    let stats = site.app.store.ad_stats(7).await.unwrap();
    assert_eq!(
        stats,
        vec![("top".to_string(), "2026-11-27".to_string(), 2, 1)]
    );
}

#[tokio::test]
async fn an_ad_network_snippet_fills_a_slot_and_its_host_may_run_script() {
    let mut cfg = warta::config::Config::default();
    cfg.ads.retain(|a| a.slot != "top");
    cfg.ads.push(warta::config::AdSlot {
        slot: "top".into(),
        image: String::new(),
        link: String::new(),
        alt: String::new(),
        width: 728,
        height: 90,
        snippet: Some("<ins class=\"jaringan-iklan\" data-unit=\"42\"></ins>".into()),
    });
    cfg.ad_script_sources = vec!["https://iklan.contoh.id".into()];
    let site = crate::common::demo_site_with(cfg).await;
    let p = site.get("/").await;
    assert!(
        p.body
            .contains("<ins class=\"jaringan-iklan\" data-unit=\"42\"></ins>")
    );
    assert!(
        p.header("content-security-policy")
            .contains("script-src 'self' https://iklan.contoh.id;")
    );
    // Members still get none of it.
    let id = add_reader(&site, "m@contoh.id", "rahasia-mmmm", true).await;
    warta::services::memberships::start(
        site.app.store.as_ref(),
        id,
        "monthly",
        warta::domain::membership::Source::Grant,
        5,
        "t",
        NOW - 1,
    )
    .await
    .unwrap();
    let mut c = Client::new(&site);
    c.post(
        "/login",
        &[("email", "m@contoh.id"), ("password", "rahasia-mmmm")],
    )
    .await;
    assert!(!c.get("/").await.body.contains("jaringan-iklan"));
}
