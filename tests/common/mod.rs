//! A demo site in memory, and helpers to ask it things as a browser would.
#![allow(dead_code)]

use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

use warta::config::Config;
use warta::http::AppState;
use warta::store::Store;
use warta::store::sqlite::SqliteStore;

/// A fixed "now" (2026-11-27 05:00 UTC, noon WIB), so the demo's relative
/// times are the same in every run.
pub const NOW: i64 = 1_795_755_600;

pub struct TestSite {
    pub app: AppState,
    pub router: axum::Router,
    pub dir: tempfile::TempDir,
}

pub async fn demo_site() -> TestSite {
    demo_site_with(Config::default()).await
}

pub async fn demo_site_with(cfg: Config) -> TestSite {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::in_memory().await.unwrap();
    store.migrate().await.unwrap();
    warta::demo::load(&store, dir.path(), NOW).await.unwrap();
    let store: Arc<dyn warta::store::Backend> = Arc::new(store);
    let app = warta::server::build_app(cfg, store, dir.path().to_path_buf()).unwrap();
    app.clock.set(NOW);
    let router = warta::http::router(app.clone());
    TestSite { app, router, dir }
}

pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Byte position of `needle`, failing the test with context if absent.
    pub fn pos(&self, needle: &str) -> usize {
        self.body
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} not on the page"))
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("body is JSON")
    }
}

impl TestSite {
    pub async fn get(&self, uri: &str) -> Page {
        self.get_with(uri, &[]).await
    }

    pub async fn get_with(&self, uri: &str, headers: &[(&str, &str)]) -> Page {
        let mut req = Request::get(uri);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = self
            .router
            .clone()
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Page {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// The slug and section of the first demo article that has page breaks.
    pub async fn paged_article(&self) -> (String, String) {
        let list = self.get("/api/v1/articles?limit=50").await.json();
        for a in list["articles"].as_array().unwrap() {
            let breaks = a["body"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|b| b["type"] == "page_break")
                .count();
            if breaks > 0 {
                return (
                    a["section"]["slug"].as_str().unwrap().to_string(),
                    a["slug"].as_str().unwrap().to_string(),
                );
            }
        }
        panic!("the demo has no multi-page article");
    }

    /// An article with a read-also link, an agency source and comments, if
    /// the demo has one; else the first with a read-also link.
    pub async fn rich_article(&self) -> serde_json::Value {
        let list = self.get("/api/v1/articles?limit=50").await.json();
        let arts = list["articles"].as_array().unwrap().clone();
        let has_ra = |a: &serde_json::Value| {
            a["body"]
                .as_array()
                .unwrap()
                .iter()
                .any(|b| b["type"] == "read_also" && b.get("url").is_some())
        };
        arts.iter()
            .find(|a| has_ra(a) && !a["sources"].as_array().unwrap().is_empty())
            .or_else(|| arts.iter().find(|a| has_ra(a)))
            .cloned()
            .expect("the demo has an article with a read-also link")
    }
}
