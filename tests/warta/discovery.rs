//! Feeds, sitemaps and robots.txt, read by real parsers (Python's
//! feedparser, jsonschema, urllib.robotparser and an XML parser in
//! tests/tools/check_discovery.py): no warnings, the rules of each format
//! kept, and members-only text in none of them.

use std::process::Command;

use crate::common::{NOW, TestSite, demo_site, demo_site_with, test_config};
use serde_json::Value;
use warta::domain::{Access, Role};
use warta::store::NewArticle;

fn check(site: &TestSite, kind: &str, path: &str, body: &str, extra: &[&str]) -> Value {
    let file = site
        .dir
        .path()
        .join(path.trim_start_matches('/').replace('/', "_"));
    std::fs::write(&file, body).unwrap();
    let tool = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/tools/check_discovery.py"
    );
    let out = Command::new("python3")
        .arg(tool)
        .arg(kind)
        .arg(&file)
        .args(extra)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{kind} {path}: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        &body[..body.len().min(2000)]
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A members-only story with words only members may read, published an
/// hour before NOW.
fn members_story() -> NewArticle {
    NewArticle::new(
        "bocoran-anggaran-pelabuhan",
        "Bocoran Anggaran Pelabuhan Teluk Sirah",
        ("nasional", "Nasional"),
        NOW - 3600,
    )
    .summary("Ringkasan yang boleh dibaca semua orang.")
    .credit("tari-wulan", "Tari Wulan", Role::Writer)
    .paragraph("Paragraf pembuka untuk semua.")
    .paragraph("Kalimat khusus anggota: kuncirahasiapelabuhan.")
    .access(Access::Members)
}

#[tokio::test]
async fn feeds_parse_without_warnings_and_keep_members_text_out() {
    let site = demo_site().await;
    site.app
        .store
        .insert_article(&members_story())
        .await
        .unwrap();
    for path in [
        "/feed.xml",
        "/feed.atom",
        "/nasional/feed.xml",
        "/nasional/feed.atom",
        "/author/tari-wulan/feed.xml",
    ] {
        let p = site.get(path).await;
        assert_eq!(p.status, 200, "{path}");
        assert!(!p.header("last-modified").is_empty(), "{path}");
        assert!(!p.header("etag").is_empty(), "{path}");
        let f = check(&site, "feed", path, &p.body, &[]);
        let entries = f["entries"].as_array().unwrap();
        assert!(!entries.is_empty(), "{path}");
        assert_eq!(
            f["self"][0],
            format!("http://127.0.0.1:8080{path}"),
            "{path}"
        );
        // The members-only story: its summary and link, never its text.
        let m = entries
            .iter()
            .find(|e| {
                e["link"]
                    .as_str()
                    .unwrap()
                    .ends_with("/bocoran-anggaran-pelabuhan")
            })
            .unwrap_or_else(|| panic!("{path} lists the new story"));
        assert!(m["summary"].as_str().unwrap().contains("boleh dibaca"));
        assert!(
            !p.body.contains("kuncirahasiapelabuhan"),
            "{path} leaks members-only text"
        );
        // Free stories come whole (this author wrote only the members' one).
        assert!(
            path.starts_with("/author/")
                || entries
                    .iter()
                    .any(|e| e["content"].as_str().unwrap().contains("<p>")),
            "{path}: full text for free stories"
        );
    }
    let schema = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/jsonfeed-1.1.schema.json"
    );
    for path in [
        "/feed.json",
        "/nasional/feed.json",
        "/author/tari-wulan/feed.json",
    ] {
        let p = site.get(path).await;
        assert_eq!(p.status, 200);
        assert!(
            p.header("content-type")
                .starts_with("application/feed+json")
        );
        check(&site, "jsonfeed", path, &p.body, &[schema]);
        assert!(!p.body.contains("kuncirahasiapelabuhan"));
    }
    assert_eq!(site.get("/tidak-ada/feed.xml").await.status, 404);
    assert_eq!(site.get("/author/tidak-ada/feed.json").await.status, 404);
    // Pages advertise their feeds.
    let home = site.get("/").await.body;
    assert!(home.contains("<link rel=\"alternate\" type=\"application/rss+xml\""));
    assert!(
        site.get("/nasional")
            .await
            .body
            .contains("href=\"/nasional/feed.atom\"")
    );
}

#[tokio::test]
async fn a_publish_refreshes_the_cached_feed_at_once() {
    let site = demo_site().await;
    let before = site.get("/feed.xml").await;
    assert_eq!(site.get("/feed.xml").await.header("x-warta-cache"), "hit");
    let mut a = members_story();
    a.slug = "terbit-barusan".into();
    a.headline = "Berita Yang Baru Saja Terbit".into();
    a.access = Access::Public;
    a.published_at = NOW - 1;
    site.app.store.insert_article(&a).await.unwrap();
    site.app.cache.recheck();
    let after = site.get("/feed.xml").await;
    assert_ne!(before.header("etag"), after.header("etag"));
    assert!(after.body.contains("Berita Yang Baru Saja Terbit"));
}

#[tokio::test]
async fn sitemaps_follow_the_rules() {
    let site = demo_site().await;
    site.app
        .store
        .insert_article(&members_story())
        .await
        .unwrap();
    let index = site.get("/sitemap.xml").await;
    assert_eq!(index.status, 200);
    let idx = check(&site, "sitemap", "/sitemap.xml", &index.body, &[]);
    let locs: Vec<String> = idx["locs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap().to_string())
        .collect();
    for want in [
        "news.xml",
        "sections.xml",
        "authors.xml",
        "pages.xml",
        "2026-11.xml",
    ] {
        assert!(locs.iter().any(|l| l.ends_with(want)), "{want} in {locs:?}");
    }
    let mut listed = 0;
    for loc in &locs {
        let path = loc.trim_start_matches("http://127.0.0.1:8080");
        let p = site.get(path).await;
        assert_eq!(p.status, 200, "{path}");
        let s = check(&site, "sitemap", path, &p.body, &[]);
        for u in s["urls"].as_array().unwrap() {
            assert!(
                u["loc"]
                    .as_str()
                    .unwrap()
                    .starts_with("http://127.0.0.1:8080/")
            );
            if !path.ends_with("news.xml") && !path.ends_with("sections.xml") {
                assert!(u["lastmod"].is_string(), "{path}: lastmod");
            }
        }
        if path.ends_with("pages.xml") {
            assert!(
                s["urls"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|u| u["loc"] == "http://127.0.0.1:8080/redaksi"),
                "the masthead page is in the sitemap"
            );
        }
        if path.ends_with("2026-11.xml") {
            listed = s["urls"].as_array().unwrap().len();
        }
        if path.ends_with("news.xml") {
            let urls = s["urls"].as_array().unwrap();
            assert!(!urls.is_empty() && urls.len() <= 1000);
            for u in urls {
                let n = &u["news"];
                assert_eq!(n["name"], "Warta");
                assert_eq!(n["language"], "id");
                // Only the last 48 hours.
                let date = n["date"].as_str().unwrap();
                let t = warta::domain::time::parse_rfc3339(date).unwrap();
                assert!(t > NOW - 48 * 3600 && t <= NOW, "{date}");
            }
            assert!(urls.iter().any(|u| {
                u["loc"]
                    .as_str()
                    .unwrap()
                    .ends_with("/bocoran-anggaran-pelabuhan")
            }));
        }
    }
    assert!(listed > 0, "this month's sitemap lists the month's stories");
    assert_eq!(site.get("/sitemaps/1999-01.xml").await.status, 404);
    assert_eq!(site.get("/sitemaps/2026-13.xml").await.status, 404);
    assert_eq!(site.get("/sitemaps/bukan.xml").await.status, 404);
}

#[tokio::test]
async fn robots_txt_is_read_by_a_real_parser() {
    let site = demo_site().await;
    let r = site.get("/robots.txt").await;
    assert_eq!(r.status, 200);
    let b = "http://127.0.0.1:8080";
    let urls: Vec<String> = [
        "/",
        "/nasional",
        "/admin",
        "/preview/x",
        "/account",
        "/cari?q=banjir",
        "/login",
    ]
    .iter()
    .map(|p| format!("{b}{p}"))
    .collect();
    let args: Vec<&str> = std::iter::once("Googlebot")
        .chain(urls.iter().map(String::as_str))
        .collect();
    let v = check(&site, "robots", "/robots.txt", &r.body, &args);
    let can = |p: &str| v["can_fetch"][format!("{b}{p}")].as_bool().unwrap();
    assert!(can("/") && can("/nasional"));
    for p in [
        "/admin",
        "/preview/x",
        "/account",
        "/cari?q=banjir",
        "/login",
    ] {
        assert!(!can(p), "{p} is disallowed");
    }
    assert_eq!(v["sitemaps"][0], format!("{b}/sitemap.xml"));
    // AI crawlers are welcome unless the site says otherwise.
    let v = check(
        &site,
        "robots",
        "/robots.txt",
        &r.body,
        &["GPTBot", &format!("{b}/")],
    );
    assert_eq!(v["can_fetch"][format!("{b}/")], true);
    let mut cfg = test_config();
    cfg.discovery.refuse_crawlers = vec!["GPTBot".into(), "CCBot".into()];
    let refusing = demo_site_with(cfg).await;
    let r = refusing.get("/robots.txt").await;
    for bot in ["GPTBot", "CCBot"] {
        let v = check(
            &refusing,
            "robots",
            "/robots.txt",
            &r.body,
            &[bot, &format!("{b}/nasional")],
        );
        assert_eq!(v["can_fetch"][format!("{b}/nasional")], false, "{bot}");
    }
    let v = check(
        &refusing,
        "robots",
        "/robots.txt",
        &r.body,
        &["Googlebot", &format!("{b}/nasional")],
    );
    assert_eq!(v["can_fetch"][format!("{b}/nasional")], true);
}

/// IndexNow and WebSub hear of a publish, once, from the event stream.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publishing_pings_indexnow_and_websub_hubs() {
    use std::sync::{Arc, Mutex};
    let got: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let g = got.clone();
    let receiver = axum::Router::new().route(
        "/{*path}",
        axum::routing::post(move |uri: axum::http::Uri, body: String| {
            let g = g.clone();
            async move {
                g.lock().unwrap().push((uri.path().to_string(), body));
                axum::http::StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, receiver).await.unwrap() });
    let mut cfg = test_config();
    cfg.discovery.indexnow_key = Some("kunci-indexnow-123".into());
    cfg.discovery.indexnow_endpoint = format!("http://{addr}/indexnow");
    cfg.discovery.websub_hubs = vec![format!("http://{addr}/hub")];
    let site = demo_site_with(cfg).await;
    assert_eq!(site.get("/indexnow.txt").await.body, "kunci-indexnow-123");
    // Registered before the publish (a consumer starts from the next event).
    let pings = warta::services::pings::Pings::default();
    warta::services::events::run(&site.app.core, &pings)
        .await
        .unwrap();
    let t = crate::common::api_token(&site, "ping", &["articles:write", "articles:publish"]).await;
    let p = crate::common::Client::new(&site)
        .send(
            "POST",
            "/api/v1/admin/articles",
            Some((
                "application/json",
                serde_json::json!({
                    "title": "Pelabuhan Baru Diresmikan",
                    "section": "nasional", "status": "published",
                    "contributors": [{"name": "Tari Wulan", "role": "writer"}],
                    "body": [{"type": "paragraph", "text": "Peresmian berlangsung pagi tadi."}]
                })
                .to_string(),
            )),
            &[("authorization", &format!("Bearer {t}"))],
        )
        .await;
    assert_eq!(p.status, 201, "{}", p.body);
    warta::services::events::run(&site.app.core, &pings)
        .await
        .unwrap();
    let got = got.lock().unwrap().clone();
    let index: Vec<&(String, String)> = got.iter().filter(|(p, _)| p == "/indexnow").collect();
    assert_eq!(index.len(), 1, "{got:?}");
    let body: Value = serde_json::from_str(&index[0].1).unwrap();
    assert_eq!(body["key"], "kunci-indexnow-123");
    assert_eq!(body["keyLocation"], "http://127.0.0.1:8080/indexnow.txt");
    assert!(
        body["urlList"][0]
            .as_str()
            .unwrap()
            .ends_with("/nasional/pelabuhan-baru-diresmikan")
    );
    let hub: Vec<&(String, String)> = got.iter().filter(|(p, _)| p == "/hub").collect();
    assert!(
        hub.iter()
            .any(|(_, b)| b.contains("hub.mode=publish") && b.contains("feed.xml"))
    );
    // The feeds name the hub.
    assert!(site.get("/feed.atom").await.body.contains("rel=\"hub\""));
}
