//! The Admin API as an integration uses it: tokens, creating, updating with
//! If-Match, scheduling with a clock the test controls, and validation
//! errors that name the field.

use crate::common::{Client, NOW, TestSite, demo_site};
use serde_json::{Value, json};

const RA1: &str = "banjir-rob-rendam-ratusan-rumah-di-pesisir-pekalongan";
const RA2: &str = "harga-beras-medium-naik-lagi-pedagang-pasar-induk-keluhkan-pasokan";

async fn token(site: &TestSite, name: &str, scopes: &[&str]) -> String {
    crate::common::api_token(site, name, scopes).await
}

async fn call(
    site: &TestSite,
    method: &str,
    uri: &str,
    token: &str,
    body: Option<Value>,
    extra: &[(&str, &str)],
) -> crate::common::Page {
    let auth = format!("Bearer {token}");
    let mut headers = vec![("authorization", auth.as_str())];
    headers.extend_from_slice(extra);
    Client::new(site)
        .send(
            method,
            uri,
            body.map(|b| ("application/json", b.to_string())),
            &headers,
        )
        .await
}

/// The seed's article, as an integration would send it: a writer and an
/// editor, an agency source, a dateline, a subheading, two read-also links
/// named by slug alone, and two pages.
fn seed_like(status: &str) -> Value {
    json!({
        "title": "Pasukan Penjaga Perdamaian Mulai Ditarik dari Perbatasan Tavora",
        "subtitle": "Penarikan bertahap dimulai pekan ini",
        "section": {"slug": "global"},
        "contributors": [
            {"name": "Dimas Pratama", "role": "writer"},
            {"name": "Sari Lestari", "role": "editor"}
        ],
        "sources": ["AFP"],
        "dateline": "Lisboa",
        "status": status,
        "body": [
            {"type": "paragraph", "text": "Presiden Tavora mengatakan pasukan akan mulai ditarik pekan ini."},
            {"type": "read_also", "slug": RA1},
            {"type": "heading", "text": "Tahap pertama"},
            {"type": "paragraph", "text": "Sekitar 400 personel akan kembali lebih dulu."},
            {"type": "page_break"},
            {"type": "paragraph", "text": "Pemerintah menyiapkan pengamanan pengganti."},
            {"type": "read_also", "slug": RA2}
        ]
    })
}

#[tokio::test]
async fn tokens_good_bad_and_revoked() {
    let site = demo_site().await;
    let good = token(&site, "cms", &["articles:write"]).await;
    let page = Client::new(&site)
        .send("GET", "/api/v1/admin/articles", None, &[])
        .await;
    assert_eq!(page.status, 401);
    assert!(page.header("www-authenticate").starts_with("Bearer"));
    let page = call(
        &site,
        "GET",
        "/api/v1/admin/articles",
        "wt_forged",
        None,
        &[],
    )
    .await;
    assert_eq!(page.status, 401);
    let page = call(&site, "GET", "/api/v1/admin/articles", &good, None, &[]).await;
    assert_eq!(page.status, 200, "{}", page.body);
    site.app.store.revoke_api_token("cms", NOW).await.unwrap();
    let page = call(&site, "GET", "/api/v1/admin/articles", &good, None, &[]).await;
    assert_eq!(page.status, 401, "a revoked token is refused at once");
    // Admin answers are never cached or shared.
    let fresh = token(&site, "cms2", &["articles:read"]).await;
    let page = call(&site, "GET", "/api/v1/admin/articles", &fresh, None, &[]).await;
    assert_eq!(page.header("cache-control"), "no-store");
}

#[tokio::test]
async fn scopes_decide_what_a_token_may_do() {
    let site = demo_site().await;
    let writer = token(&site, "w", &["articles:write"]).await;
    let reader = token(&site, "r", &["articles:read"]).await;
    let page = call(
        &site,
        "POST",
        "/api/v1/admin/articles",
        &reader,
        Some(seed_like("draft")),
        &[],
    )
    .await;
    assert_eq!(page.status, 403, "{}", page.body);
    let page = call(
        &site,
        "POST",
        "/api/v1/admin/articles",
        &writer,
        Some(seed_like("published")),
        &[],
    )
    .await;
    assert_eq!(
        page.status, 403,
        "publishing needs articles:publish: {}",
        page.body
    );
    let page = call(
        &site,
        "POST",
        "/api/v1/admin/articles",
        &writer,
        Some(seed_like("draft")),
        &[],
    )
    .await;
    assert_eq!(page.status, 201, "{}", page.body);
    let slug = page.json()["slug"].as_str().unwrap().to_string();
    // A draft is nowhere on the site or in the Content API.
    assert_eq!(
        site.get(&format!("/api/v1/articles/{slug}")).await.status,
        404
    );
    assert_eq!(site.get(&format!("/global/{slug}")).await.status, 404);
    let page = call(
        &site,
        "PATCH",
        &format!("/api/v1/admin/articles/{slug}"),
        &writer,
        Some(json!({"status": "published"})),
        &[("if-match", "\"r1\"")],
    )
    .await;
    assert_eq!(page.status, 403, "{}", page.body);
}

#[tokio::test]
async fn the_seed_article_through_the_admin_api() {
    let site = demo_site().await;
    let t = token(
        &site,
        "newsroom-sync",
        &["articles:write", "articles:publish"],
    )
    .await;
    let page = call(
        &site,
        "POST",
        "/api/v1/admin/articles",
        &t,
        Some(seed_like("published")),
        &[],
    )
    .await;
    assert_eq!(page.status, 201, "{}", page.body);
    assert_eq!(page.header("etag"), "\"r1\"");
    let slug = "pasukan-penjaga-perdamaian-mulai-ditarik-dari-perbatasan-tavora";
    assert_eq!(
        page.header("location"),
        format!("/api/v1/admin/articles/{slug}")
    );
    let stored = page.json();
    assert_eq!(stored["slug"], slug);
    assert_eq!(stored["status"], "published");
    assert_eq!(stored["revision"], 1);
    // The read-also named by slug alone now carries the stored headline.
    assert!(
        stored["body"][1]["title"]
            .as_str()
            .unwrap()
            .starts_with("Banjir Rob")
    );

    // Readers see it: the Content API and both pages of the story.
    let api = site.get(&format!("/api/v1/articles/{slug}")).await;
    assert_eq!(api.status, 200);
    let a = api.json();
    assert_eq!(a["sources"], json!(["AFP"]));
    assert_eq!(a["contributors"][0]["role"], "writer");
    assert_eq!(a["contributors"][1]["name"], "Sari Lestari");
    let p1 = site.get(&format!("/global/{slug}")).await;
    assert_eq!(p1.status, 200);
    assert!(p1.body.contains("LISBOA"), "dateline shown");
    assert!(p1.body.contains("Tahap pertama"));
    assert!(p1.body.contains(&format!("/{RA1}")));
    let p2 = site.get(&format!("/global/{slug}?page=2")).await;
    assert_eq!(p2.status, 200);
    assert!(p2.body.contains("pengamanan pengganti"));
    assert!(!p2.body.contains("400 personel"));

    // Updating needs the current revision.
    let uri = format!("/api/v1/admin/articles/{slug}");
    let change = json!({"title": "Pasukan Perdamaian Ditarik dari Perbatasan Tavora"});
    let page = call(&site, "PATCH", &uri, &t, Some(change.clone()), &[]).await;
    assert_eq!(page.status, 428, "{}", page.body);
    let page = call(
        &site,
        "PATCH",
        &uri,
        &t,
        Some(change.clone()),
        &[("if-match", "\"r1\"")],
    )
    .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.header("etag"), "\"r2\"");
    let page = call(
        &site,
        "PATCH",
        &uri,
        &t,
        Some(json!({"title": "Lama"})),
        &[("if-match", "\"r1\"")],
    )
    .await;
    assert_eq!(
        page.status, 412,
        "a save based on revision 1 is stale: {}",
        page.body
    );
    let api = site.get(&format!("/api/v1/articles/{slug}")).await.json();
    assert_eq!(
        api["title"],
        "Pasukan Perdamaian Ditarik dari Perbatasan Tavora"
    );
    assert!(api["updated_at"].is_string(), "an update is marked");

    // A correction shows on the page.
    let page = call(
        &site,
        "POST",
        &format!("{uri}/corrections"),
        &t,
        Some(json!({"text": "Jumlah personel sebelumnya tertulis 40."})),
        &[],
    )
    .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let html = site.get(&format!("/global/{slug}")).await.body;
    assert!(
        html.contains("Jumlah personel sebelumnya tertulis 40."),
        "correction on the page"
    );

    // Unpublishing takes it off the site; the newsroom keeps it.
    let page = call(
        &site,
        "PATCH",
        &uri,
        &t,
        Some(json!({"status": "unpublished"})),
        &[("if-match", "*")],
    )
    .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(site.get(&format!("/global/{slug}")).await.status, 404);
    assert_eq!(
        site.get(&format!("/api/v1/articles/{slug}")).await.status,
        404
    );
    let page = call(&site, "GET", &uri, &t, None, &[]).await;
    assert_eq!(page.json()["status"], "unpublished");

    // Every step is in the audit log, under the token's name.
    let log = site
        .app
        .store
        .audit_log(&warta::store::newsroom::AuditFilter {
            target: Some(format!("story:{slug}")),
            limit: 50,
            ..Default::default()
        })
        .await
        .unwrap();
    let actions: Vec<&str> = log.iter().rev().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["story.create", "story.save", "story.correct", "story.save"]
    );
    assert!(log.iter().all(|e| e.actor == "token newsroom-sync"));
}

#[tokio::test]
async fn validation_errors_name_the_field() {
    let site = demo_site().await;
    let t = token(&site, "cms", &["articles:write", "articles:publish"]).await;
    let cases: Vec<(Value, &str)> = vec![
        (json!({"section": "global", "body": []}), "title"),
        (json!({"title": "X", "section": "tidak-ada"}), "section"),
        (
            json!({"title": "X", "section": "global", "access": 5}),
            "access",
        ),
        (
            json!({"title": "X", "section": "global", "body": [{"type": "paragraph", "text": "a"}, {"type": "read_also", "slug": "tidak-ada"}]}),
            "body[1].slug",
        ),
        // Only a parseable web address is an embed: these start like one.
        (
            json!({"title": "X", "section": "global", "body": [{"type": "embed", "url": "http://["}]}),
            "body[0].url",
        ),
        (
            json!({"title": "X", "section": "global", "body": [{"type": "embed", "url": "https://u:p@contoh.id/"}]}),
            "body[0].url",
        ),
        (
            json!({"title": "X", "section": "global", "body": [{"type": "image", "src": "javascript:alert(1)", "alt": "x"}]}),
            "body[0].src",
        ),
        (
            json!({"title": "X", "section": "global", "status": "terbit"}),
            "status",
        ),
        (
            json!({"title": "X", "section": "global", "status": "scheduled", "publish_at": "besok"}),
            "publish_at",
        ),
        (
            json!({"title": "X", "section": "global", "status": "scheduled", "publish_at": "2020-01-01T00:00:00Z"}),
            "publish_at",
        ),
        (
            json!({"title": "X", "section": "global", "status": "published"}),
            "body",
        ),
    ];
    for (body, field) in cases {
        let page = call(
            &site,
            "POST",
            "/api/v1/admin/articles",
            &t,
            Some(body.clone()),
            &[],
        )
        .await;
        assert_eq!(page.status, 422, "{body}: {}", page.body);
        let fields: Vec<String> = page.json()["error"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap().to_string())
            .collect();
        assert!(fields.contains(&field.to_string()), "{body}: {fields:?}");
    }
    let page = call(&site, "POST", "/api/v1/admin/articles", &t, None, &[]).await;
    assert_eq!(page.status, 422);
    // Nothing was stored by any of them.
    let list = call(&site, "GET", "/api/v1/admin/articles", &t, None, &[])
        .await
        .json();
    assert_eq!(list["articles"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn scheduled_stories_appear_at_their_time_exactly_once() {
    let site = demo_site().await;
    let t = token(&site, "cms", &["articles:write", "articles:publish"]).await;
    let mut body = seed_like("scheduled");
    body["publish_at"] = json!("2026-11-27T08:00:00+07:00"); // NOW is 12:00 WIB
    let page = call(
        &site,
        "POST",
        "/api/v1/admin/articles",
        &t,
        Some(body.clone()),
        &[],
    )
    .await;
    assert_eq!(page.status, 422, "a time in the past cannot be scheduled");
    body["publish_at"] = json!("2026-11-27T13:00:00+07:00");
    let page = call(&site, "POST", "/api/v1/admin/articles", &t, Some(body), &[]).await;
    assert_eq!(page.status, 201, "{}", page.body);
    let slug = page.json()["slug"].as_str().unwrap().to_string();

    let embargoed = || async {
        let api = site.get(&format!("/api/v1/articles/{slug}")).await.status == 404;
        let page = site.get(&format!("/global/{slug}")).await.status == 404;
        let home = !site.get("/").await.body.contains(&slug);
        let list = !site
            .get("/api/v1/articles?limit=50")
            .await
            .body
            .contains(&slug);
        let section = !site.get("/global").await.body.contains(&slug);
        api && page && home && list && section
    };
    let desk = |now| warta::services::newsroom::Desk {
        store: &*site.app.store,
        now,
    };
    assert!(desk(NOW).run_due().await.unwrap().is_empty());
    assert!(embargoed().await, "nothing before its time");
    let at = NOW + 3600;
    site.app.clock.set(at);
    assert!(embargoed().await, "nothing until the scheduler runs");
    // Two nodes' schedulers at once: the story moves once.
    let (d1, d2) = (desk(at), desk(at));
    let (a, b) = tokio::join!(d1.run_due(), d2.run_due());
    let moved = a.unwrap().len() + b.unwrap().len();
    assert_eq!(moved, 1);
    assert!(desk(at + 5).run_due().await.unwrap().is_empty());
    // What the server's scheduler does after a run that moved something
    // (here nothing is left to move).
    assert!(warta::server::run_scheduled(&site.app).await.is_empty());
    site.app.cache.invalidate();
    let api = site.get(&format!("/api/v1/articles/{slug}")).await;
    assert_eq!(api.status, 200);
    assert_eq!(
        api.json()["published_at"],
        "2026-11-27T06:00:00Z",
        "published at its embargo time"
    );
    assert!(site.get("/").await.body.contains(&slug));
    let log = site
        .app
        .store
        .audit_log(&warta::store::newsroom::AuditFilter {
            actor: Some("scheduler".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].detail, "scheduled -> published");
}

#[tokio::test]
async fn sections_nest_one_level_and_contributors_have_profiles() {
    let site = demo_site().await;
    let t = token(
        &site,
        "tax",
        &["taxonomy:write", "articles:write", "articles:publish"],
    )
    .await;
    let weak = token(&site, "weak", &["articles:write"]).await;
    let jatim = json!({"slug": "jawa-timur", "name": "Jawa Timur", "parent": "regional"});
    let p = call(
        &site,
        "POST",
        "/api/v1/admin/sections",
        &weak,
        Some(jatim.clone()),
        &[],
    )
    .await;
    assert_eq!(p.status, 403);
    let p = call(
        &site,
        "POST",
        "/api/v1/admin/sections",
        &t,
        Some(jatim),
        &[],
    )
    .await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert_eq!(p.json()["parent"], "regional");
    for (body, field) in [
        (
            json!({"slug": "surabaya", "name": "Surabaya", "parent": "jawa-timur"}),
            "parent",
        ),
        (json!({"slug": "admin", "name": "Admin"}), "slug"),
        (
            json!({"slug": "x", "name": "X", "parent": "tidak-ada"}),
            "parent",
        ),
        (
            json!({"slug": "regional", "name": "Regional", "parent": "nasional"}),
            "parent",
        ),
    ] {
        let p = call(
            &site,
            "POST",
            "/api/v1/admin/sections",
            &t,
            Some(body.clone()),
            &[],
        )
        .await;
        assert_eq!(p.status, 422, "{body}: {}", p.body);
        assert_eq!(p.json()["error"]["fields"][0]["field"], field, "{body}");
    }
    let p = call(
        &site,
        "POST",
        "/api/v1/admin/contributors",
        &t,
        Some(json!({"name": "Dimas Pratama", "bio": "Wartawan daerah di Surabaya.", "photo": "/static/logo.svg"})),
        &[],
    )
    .await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert_eq!(p.json()["slug"], "dimas-pratama");
    let p = call(
        &site,
        "POST",
        "/api/v1/admin/articles",
        &t,
        Some(json!({
            "title": "Jembatan Baru Dibuka di Surabaya",
            "section": "jawa-timur",
            "status": "published",
            "contributors": [{"slug": "dimas-pratama", "role": "writer"}],
            "body": [{"type": "paragraph", "text": "Warga menyambut jembatan baru."}]
        })),
        &[],
    )
    .await;
    assert_eq!(p.status, 201, "{}", p.body);
    assert_eq!(
        p.json()["contributors"][0]["name"],
        "Dimas Pratama",
        "named by slug alone"
    );
    let child = site.get("/jawa-timur").await;
    assert_eq!(child.status, 200);
    assert!(
        child.body.contains("class=\"breadcrumb\"") && child.body.contains("href=\"/regional\"")
    );
    let parent = site.get("/regional").await;
    assert!(
        parent.body.contains("Jembatan Baru Dibuka di Surabaya"),
        "a parent lists its children's stories"
    );
    assert!(parent.body.contains("href=\"/jawa-timur\""));
    let home = site.get("/").await;
    let nav = &home.body[home.body.find("class=\"sections-nav\"").unwrap()..];
    let nav = &nav[..nav.find("</ul>").unwrap()];
    assert!(
        !nav.contains("Jawa Timur"),
        "the top navigation shows top-level sections"
    );
    let author = site.get("/author/dimas-pratama").await;
    assert!(
        author.body.contains("Wartawan daerah di Surabaya.")
            && author.body.contains("class=\"author-photo\"")
    );
}

#[tokio::test]
async fn scheduled_unpublishing_takes_a_story_down_at_its_time() {
    let site = demo_site().await;
    let t = token(&site, "cms", &["articles:write", "articles:publish"]).await;
    let mut body = seed_like("published");
    body["unpublish_at"] = json!("2026-11-27T14:00:00+07:00"); // NOW is 12:00 WIB
    let p = call(&site, "POST", "/api/v1/admin/articles", &t, Some(body), &[]).await;
    assert_eq!(p.status, 201, "{}", p.body);
    let slug = p.json()["slug"].as_str().unwrap().to_string();
    assert_eq!(p.json()["unpublish_at"], "2026-11-27T07:00:00Z");
    let url = format!("/global/{slug}");
    assert_eq!(site.get(&url).await.status, 200);
    site.app.clock.set(NOW + 2 * 3600 - 1);
    assert!(warta::server::run_scheduled(&site.app).await.is_empty());
    site.app.clock.set(NOW + 2 * 3600);
    assert_eq!(
        warta::server::run_scheduled(&site.app).await,
        vec![slug.as_str()]
    );
    assert_eq!(site.get(&url).await.status, 404, "taken down at its time");
    let story = call(
        &site,
        "GET",
        &format!("/api/v1/admin/articles/{slug}"),
        &t,
        None,
        &[],
    )
    .await;
    assert_eq!(story.json()["status"], "unpublished");
    assert!(
        warta::server::run_scheduled(&site.app).await.is_empty(),
        "once"
    );
}
