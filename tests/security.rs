//! The security group: each finding of the outside review as a regression
//! test, by class (the shared cache, permissions, fill-in markers, cookies,
//! redirects, timing and flow, transport, media, accounts). Each test here
//! failed before its fix.

mod common;

use std::time::Duration;

use common::{Client, NOW, TestSite, add_reader, demo_site, demo_site_with, set_role, test_config};
use serde_json::{Value, json};
use warta::config::Config;
use warta::domain::newsroom::{SCOPES, StaffRole, StoryStatus};
use warta::services::newsroom::{Change, Desk, Principal, Timing};

const PW: &str = "kata-sandi-rahasia";

async fn signed_in<'a>(site: &'a TestSite, email: &str) -> Client<'a> {
    let mut c = Client::new(site);
    let p = c
        .post("/login", &[("email", email), ("password", PW)])
        .await;
    assert_eq!(p.status, 303, "login {email}: {}", p.body);
    c
}

async fn staff(site: &TestSite, email: &str, role: StaffRole) -> i64 {
    let id = add_reader(site, email, PW, true).await;
    set_role(site, id, role, &[]).await;
    id
}

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
    assert_eq!(Client::new(&site).get("/moderation").await.status, 401);
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

// ---- 2. Permissions checked before anything is loaded, whatever changed ----

async fn token(site: &TestSite, scopes: &[&str]) -> String {
    let token = format!("wt_{}", warta::domain::account::new_token());
    let scopes: Vec<String> = scopes.iter().map(|s| s.to_string()).collect();
    let name = format!("t{}", warta::domain::account::new_token());
    site.app
        .store
        .create_api_token(
            &name,
            &warta::domain::account::token_hash(&token),
            &scopes,
            NOW,
        )
        .await
        .unwrap();
    token
}

async fn call(
    site: &TestSite,
    method: &str,
    uri: &str,
    token: &str,
    body: Option<Value>,
) -> common::Page {
    let auth = format!("Bearer {token}");
    Client::new(site)
        .send(
            method,
            uri,
            body.map(|b| ("application/json", b.to_string())),
            &[("authorization", auth.as_str()), ("if-match", "*")],
        )
        .await
}

/// A draft written through the API, with words nobody else should read.
async fn secret_draft(site: &TestSite) -> String {
    let w = token(site, &["articles:write"]).await;
    let p = call(
        site,
        "POST",
        "/api/v1/admin/articles",
        &w,
        Some(json!({
            "title": "Draf Rahasia Redaksi",
            "section": "nasional",
            "body": [{"type": "paragraph", "text": "Naskah embargo yang belum boleh dibaca."}]
        })),
    )
    .await;
    assert_eq!(p.status, 201, "{}", p.body);
    p.json()["slug"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn every_admin_route_checks_its_scope_first() {
    let site = demo_site().await;
    let slug = secret_draft(&site).await;
    let published = site.get("/api/v1/articles?limit=1").await.json()["articles"][0]["slug"]
        .as_str()
        .unwrap()
        .to_string();
    // (method, uri, body) for each route, and the scopes that may call it.
    let routes: Vec<(&str, String, Option<Value>, &[&str])> = vec![
        (
            "GET",
            "/api/v1/admin/articles".into(),
            None,
            &["articles:read", "articles:write", "articles:publish"],
        ),
        (
            "POST",
            "/api/v1/admin/articles".into(),
            Some(json!({})),
            &["articles:write"],
        ),
        (
            "GET",
            format!("/api/v1/admin/articles/{slug}"),
            None,
            &["articles:read", "articles:write", "articles:publish"],
        ),
        (
            "PATCH",
            format!("/api/v1/admin/articles/{slug}"),
            Some(json!({})),
            &["articles:write", "articles:publish"],
        ),
        (
            "POST",
            format!("/api/v1/admin/articles/{published}/corrections"),
            Some(json!({})),
            &["articles:publish"],
        ),
        (
            "GET",
            "/api/v1/admin/sections".into(),
            None,
            &[
                "taxonomy:write",
                "articles:read",
                "articles:write",
                "articles:publish",
            ],
        ),
        (
            "POST",
            "/api/v1/admin/sections".into(),
            Some(json!({})),
            &["taxonomy:write"],
        ),
        (
            "GET",
            "/api/v1/admin/contributors".into(),
            None,
            &[
                "taxonomy:write",
                "articles:read",
                "articles:write",
                "articles:publish",
            ],
        ),
        (
            "POST",
            "/api/v1/admin/contributors".into(),
            Some(json!({})),
            &["taxonomy:write"],
        ),
        (
            "POST",
            "/api/v1/admin/media".into(),
            Some(json!({})),
            &["media:write"],
        ),
    ];
    for scope in SCOPES {
        let t = token(&site, &[scope]).await;
        for (method, uri, body, allowed) in &routes {
            let p = call(&site, method, uri, &t, body.clone()).await;
            // A publishing token may call PATCH, but only to move a story:
            // `{}` stores text, which is the newsroom's "edit" (tested below).
            let edit_refused = *method == "PATCH" && *scope == "articles:publish";
            if allowed.contains(scope) && !edit_refused {
                assert_ne!(p.status, 403, "{scope} {method} {uri}: {}", p.body);
            } else {
                assert_eq!(p.status, 403, "{scope} {method} {uri}: {}", p.body);
                assert!(
                    !p.body.contains("embargo"),
                    "{scope} {method} {uri} read the draft"
                );
            }
        }
    }
}

#[tokio::test]
async fn an_empty_patch_is_an_edit_and_times_are_publishing() {
    let site = demo_site().await;
    let slug = secret_draft(&site).await;
    // Before the fix, `{}` from a media or taxonomy token answered with the draft.
    for scope in ["media:write", "taxonomy:write"] {
        let t = token(&site, &[scope]).await;
        let p = call(
            &site,
            "PATCH",
            &format!("/api/v1/admin/articles/{slug}"),
            &t,
            Some(json!({})),
        )
        .await;
        assert_eq!(p.status, 403, "{scope}");
        assert!(!p.body.contains("embargo"));
    }
    // A publishing-only token may move a story, not store text.
    let publish = token(&site, &["articles:publish"]).await;
    let p = call(
        &site,
        "PATCH",
        &format!("/api/v1/admin/articles/{slug}"),
        &publish,
        Some(json!({})),
    )
    .await;
    assert_eq!(p.status, 403, "an empty save is an edit");
    // Taking a published story down by a time is publishing, in any token.
    let live = site.get("/api/v1/articles?limit=1").await.json()["articles"][0]["slug"]
        .as_str()
        .unwrap()
        .to_string();
    let tax = token(&site, &["taxonomy:write"]).await;
    let p = call(
        &site,
        "PATCH",
        &format!("/api/v1/admin/articles/{live}"),
        &tax,
        Some(json!({"unpublish_at": "2026-11-27T06:00:00Z"})),
    )
    .await;
    assert_eq!(p.status, 403);
    let writer = token(&site, &["articles:write"]).await;
    let p = call(
        &site,
        "PATCH",
        &format!("/api/v1/admin/articles/{live}"),
        &writer,
        Some(json!({"unpublish_at": "2026-11-27T06:00:00Z"})),
    )
    .await;
    assert_eq!(p.status, 403, "{}", p.body);
    let story = site.app.store.story_by_slug(&live).await.unwrap().unwrap();
    assert_eq!(story.unpublish_at, None);
    assert_eq!(story.status, StoryStatus::Published);
}

/// Role x field: what each role may change on its own draft and on someone
/// else's, through the newsroom's one rule (the back office and the Admin
/// API both call it).
#[tokio::test]
async fn role_by_field_matrix() {
    let site = demo_site().await;
    let roles = [
        ("kontributor@contoh.id", StaffRole::Contributor),
        ("penulis@contoh.id", StaffRole::Writer),
        ("editor@contoh.id", StaffRole::Editor),
        ("admin@contoh.id", StaffRole::Admin),
    ];
    let mut who = Vec::new();
    for (email, role) in roles {
        let id = staff(&site, email, role).await;
        who.push(Principal::Staff(
            warta::domain::newsroom::Staff {
                reader_id: id,
                name: email.into(),
                role,
                sections: vec![],
            },
            email.into(),
        ));
    }
    let desk = Desk {
        store: &*site.app.store,
        now: NOW,
    };
    let doc = |title: &str| -> warta::domain::story::StoryDoc {
        serde_json::from_value(json!({
            "title": title, "section": "nasional",
            "contributors": [{"name": "Rina", "role": "writer"}],
            "body": [{"type": "paragraph", "text": "Isi draf."}]
        }))
        .unwrap()
    };
    let at = Some(NOW + 3600);
    // field, and whether it is allowed for each role on its own draft and
    // on another's draft: contributor, writer, editor, admin.
    #[rustfmt::skip]
    let matrix: &[(&str, [bool; 4], [bool; 4])] = &[
        // field          own draft                    another's draft
        ("nothing",     [true,  true,  true,  true], [false, false, true, true]),
        ("text",        [true,  true,  true,  true], [false, false, true, true]),
        ("publish_at",  [false, false, true,  true], [false, false, true, true]),
        ("unpublish_at",[false, false, true,  true], [false, false, true, true]),
        ("submit",      [false, true,  true,  true], [false, false, true, true]),
        ("publish",     [false, false, true,  true], [false, false, true, true]),
    ];
    let mut n = 0;
    for (field, own, other) in matrix {
        for (i, me) in who.iter().enumerate() {
            for (mine, expected) in [(true, own[i]), (false, other[i])] {
                n += 1;
                let owner = if mine { me } else { &who[3] };
                let story = desk
                    .create(
                        owner,
                        doc(&format!("Draf {n}")),
                        StoryStatus::Draft,
                        Timing::default(),
                    )
                    .await
                    .unwrap();
                let mut change = Change {
                    doc: story.doc.clone(),
                    status: story.status,
                    timing: Timing::default(),
                };
                match *field {
                    "text" => change.doc.title = format!("Draf {n} diubah"),
                    "publish_at" => change.timing.publish_at = at,
                    "unpublish_at" => change.timing.unpublish_at = at,
                    "submit" => change.status = StoryStatus::Submitted,
                    "publish" => change.status = StoryStatus::Published,
                    _ => {}
                }
                let got = desk
                    .save(me, &story, story.revision, change, "story.save")
                    .await;
                assert_eq!(
                    got.is_ok(),
                    expected,
                    "{:?} changing {field} on {} draft: {got:?}",
                    roles[i].1,
                    if mine { "their own" } else { "another's" }
                );
                if let Err(e) = got {
                    assert!(matches!(e, warta::error::AppError::Forbidden), "{e:?}");
                }
            }
        }
    }
}

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
    let link = common::link_in(common::mails(&site).await.last().unwrap());
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

// ---- 6. Transport ----

#[tokio::test]
async fn https_sites_send_hsts_and_host_only_cookies() {
    let cfg = Config {
        base_url: "https://kabar.example".into(),
        ..test_config()
    };
    let site = demo_site_with(cfg).await;
    let mut c = Client::new(&site);
    let p = c.get("/login").await;
    assert!(
        p.header("strict-transport-security")
            .starts_with("max-age=")
    );
    let cookies: Vec<&str> = p
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert!(
        cookies.iter().any(|c| c.starts_with("__Host-warta_csrf=")
            && c.contains("Secure")
            && c.contains("Path=/")),
        "{cookies:?}"
    );
    let p = c.get("/?lang=en").await;
    let lang = p.header("set-cookie");
    assert!(
        lang.starts_with("lang=en") && lang.contains("Secure"),
        "{lang}"
    );
    // Plain http sites (development) keep plain names and no HSTS.
    let plain = demo_site().await;
    let p = Client::new(&plain).get("/login").await;
    assert_eq!(p.header("strict-transport-security"), "");
    assert!(p.header("set-cookie").starts_with("warta_csrf="));
}

/// 200 slowloris connections used to stay open for ever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_are_dropped_and_connections_are_limited() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let site = demo_site().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let limits = warta::config::ServerConfig {
        header_timeout_secs: 1,
        idle_timeout_secs: 2,
        request_timeout_secs: 5,
        max_connections: 60,
    };
    let router = site.router.clone();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        warta::transport::serve(listener, router, &limits, async {
            let _ = stop_rx.await;
        })
        .await
    });
    // 50 clients send a request line and then a header byte every 300 ms.
    let mut slow = Vec::new();
    for _ in 0..50 {
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").await.unwrap();
        slow.push(s);
    }
    let start = std::time::Instant::now();
    let mut closed = 0;
    while start.elapsed() < Duration::from_secs(4) && closed < slow.len() {
        closed = 0;
        for s in &mut slow {
            if s.write_all(b"X-Slow: 1\r\n").await.is_err() {
                closed += 1;
                continue;
            }
            let mut buf = [0u8; 512];
            match tokio::time::timeout(Duration::from_millis(5), s.read(&mut buf)).await {
                Ok(Ok(0)) | Ok(Err(_)) => closed += 1,
                Ok(Ok(_)) => {} // an error answer; the close follows
                Err(_) => {}
            }
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert_eq!(closed, slow.len(), "every slow client was dropped");
    // The slots they held are free again: a normal request is answered.
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut out = String::new();
    tokio::time::timeout(Duration::from_secs(5), s.read_to_string(&mut out))
        .await
        .unwrap()
        .unwrap();
    assert!(out.starts_with("HTTP/1.1 200"), "{out}");
    // A connection that is idle between requests is closed too.
    let mut idle = tokio::net::TcpStream::connect(addr).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = vec![0u8; 4096];
    let n = idle.read(&mut buf).await.unwrap();
    assert!(n > 0);
    let rest = tokio::time::timeout(Duration::from_secs(5), idle.read(&mut buf)).await;
    assert!(
        matches!(rest, Ok(Ok(0)) | Ok(Err(_))),
        "an idle connection is closed: {rest:?}"
    );
    let _ = stop_tx.send(());
    server.await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_past_the_limit_wait_for_a_free_slot() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let site = demo_site().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let limits = warta::config::ServerConfig {
        header_timeout_secs: 30,
        idle_timeout_secs: 30,
        request_timeout_secs: 30,
        max_connections: 2,
    };
    let router = site.router.clone();
    tokio::spawn(async move {
        warta::transport::serve(listener, router, &limits, std::future::pending()).await
    });
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        let mut buf = [0u8; 1024];
        assert!(s.read(&mut buf).await.unwrap() > 0);
        held.push(s);
    }
    // Both slots are held by kept-alive connections: a third waits.
    let mut third = tokio::net::TcpStream::connect(addr).await.unwrap();
    third
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut out = String::new();
    let waited =
        tokio::time::timeout(Duration::from_millis(500), third.read_to_string(&mut out)).await;
    assert!(waited.is_err(), "served past the limit: {out}");
    drop(held.pop());
    tokio::time::timeout(Duration::from_secs(5), third.read_to_string(&mut out))
        .await
        .unwrap()
        .unwrap();
    assert!(out.starts_with("HTTP/1.1 200"), "{out}");
}

// ---- 7. Media decoding within a budget ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_uploads_decode_within_the_pixel_budget() {
    let cfg = Config {
        media_decode_megapixels: 40,
        ..test_config()
    };
    let site = demo_site_with(cfg).await;
    // A 4000x3000 PNG of one colour: a few kilobytes that decode to 48 MB.
    let img = image::RgbImage::from_pixel(4000, 3000, image::Rgb([40, 90, 160]));
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    assert!(png.len() < 200_000);
    let t = token(&site, &["media:write"]).await;
    let auth = format!("Bearer {t}");
    let uploads = (0..6).map(|i| {
        let site = &site;
        let auth = auth.clone();
        // Six distinct files (the library stores by content).
        let mut body = png.clone();
        body.extend_from_slice(format!("warta-{i}").as_bytes());
        async move {
            let req = axum::http::Request::post("/api/v1/admin/media?alt=Biru")
                .header("authorization", auth.as_str())
                .header("content-type", "image/png")
                .body(axum::body::Body::from(body))
                .unwrap();
            tower::ServiceExt::oneshot(site.router.clone(), req)
                .await
                .unwrap()
                .status()
        }
    });
    let statuses = futures_join_all(uploads).await;
    assert!(statuses.iter().all(|s| s.as_u16() == 201), "{statuses:?}");
    let high = site.app.decode_budget.high_water();
    assert!(high <= 40, "decoded {high} MP at once");
    assert!(high >= 12, "something was decoded");
}

async fn futures_join_all<F: std::future::Future>(fs: impl Iterator<Item = F>) -> Vec<F::Output> {
    let handles: Vec<_> = fs.collect();
    let mut out = Vec::new();
    // Run them together: poll all futures concurrently on this task.
    let mut pinned: Vec<std::pin::Pin<Box<F>>> = handles.into_iter().map(Box::pin).collect();
    let mut done: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in pinned.iter_mut().enumerate() {
            if done[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => done[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    for d in done {
        out.push(d.unwrap());
    }
    out
}

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
    let mails = common::mails(&site).await;
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

// ---- Fuzz smoke (the full fuzzing is `scripts/fuzz.sh`, nightly) ----

/// The importer's fuzz target, over pages made by cutting and splicing the
/// test fixtures: every one is read or refused with a reason, none panics.
#[test]
fn the_importer_reads_or_refuses_mangled_pages() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import");
    let pages: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "txt"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    assert!(pages.len() > 10);
    let profiles = warta::import::builtin_profiles().unwrap();
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n.max(1) as u64) as usize
    };
    let junk = [
        "\u{0}",
        "\u{202E}",
        "WIB",
        "Penulis",
        "Baca juga:",
        "31/02/2022, 25:61 WIB",
        "\r",
        "é",
        "🙂",
        "Halaman:",
    ];
    for _ in 0..1500 {
        let base = &pages[next(pages.len())];
        let other = &pages[next(pages.len())];
        let mut lines: Vec<String> = base.lines().map(str::to_string).collect();
        for _ in 0..1 + next(4) {
            match next(5) {
                0 if !lines.is_empty() => {
                    let i = next(lines.len());
                    lines.remove(i);
                }
                1 => {
                    let i = next(lines.len() + 1);
                    lines.insert(i, junk[next(junk.len())].to_string());
                }
                2 if !lines.is_empty() => {
                    let i = next(lines.len());
                    let l = &lines[i];
                    let cut = l
                        .char_indices()
                        .nth(next(l.chars().count() + 1))
                        .map(|(b, _)| b)
                        .unwrap_or(l.len());
                    lines[i] = l[..cut].to_string();
                }
                3 => {
                    let from: Vec<&str> = other.lines().collect();
                    if !from.is_empty() {
                        let i = next(lines.len() + 1);
                        lines.insert(i, from[next(from.len())].to_string());
                    }
                }
                _ => lines.truncate(next(lines.len() + 1)),
            }
        }
        let text = lines.join("\n");
        for p in &profiles {
            if let Ok(a) = warta::import::page_text::parse(&text, p) {
                assert!(!a.headline.trim().is_empty(), "{text}");
                assert!(!a.body.is_empty(), "{text}");
            }
        }
    }
}
