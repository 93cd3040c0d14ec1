//! A demo site in memory, and helpers to ask it things as a browser would.
#![allow(dead_code)]

use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

use warta::config::Config;
use warta::http::AppState;
use warta::store::sqlite::SqliteStore;

/// A fixed "now" (2026-11-27 05:00 UTC, noon WIB), so the demo's relative
/// times are the same in every run.
pub const NOW: i64 = 1_795_755_600;

pub struct TestSite {
    pub app: AppState,
    pub router: axum::Router,
    pub dir: tempfile::TempDir,
    pub pg: Option<PgDatabase>,
}

/// Which store the tests run on: `WARTA_TEST_BACKEND=postgres` runs them on
/// the PostgreSQL server at `WARTA_TEST_PG_URL` (default: this machine's),
/// each test in a database of its own.
pub fn backend_is_postgres() -> bool {
    std::env::var("WARTA_TEST_BACKEND").as_deref() == Ok("postgres")
}

pub fn pg_admin_url() -> String {
    std::env::var("WARTA_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A fresh PostgreSQL database, dropped when the test ends.
pub struct PgDatabase {
    pub url: String,
    name: String,
}

impl PgDatabase {
    pub async fn create() -> PgDatabase {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "warta_test_{}_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos()
        );
        let admin = pg_admin_url();
        let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL at {admin}: {e}"));
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .unwrap();
        let base = admin
            .rsplit_once('/')
            .map(|(b, _)| b.to_string())
            .unwrap_or(admin.clone());
        PgDatabase {
            url: format!("{base}/{name}"),
            name,
        }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let name = self.name.clone();
        // Drop runs outside any runtime: use a short-lived one of its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                if let Ok(mut conn) =
                    <sqlx::PgConnection as sqlx::Connection>::connect(&pg_admin_url()).await
                {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .execute(&mut conn)
                    .await;
                }
            });
        })
        .join();
    }
}

/// The settings tests start from: the defaults, with the cache saying
/// whether it answered (`x-warta-cache`), which the cache tests watch.
pub fn test_config() -> Config {
    Config {
        cache_status_header: true,
        ..Config::default()
    }
}

pub async fn demo_site() -> TestSite {
    demo_site_with(test_config()).await
}

pub async fn demo_site_with(cfg: Config) -> TestSite {
    // Errors the app logs show up beside a failing test's output.
    let _ = tracing_subscriber::fmt()
        .with_test_writer()
        .with_env_filter("warta=warn")
        .try_init();
    let dir = tempfile::tempdir().unwrap();
    let (store, pg): (Arc<dyn warta::store::Backend>, _) = if backend_is_postgres() {
        let db = PgDatabase::create().await;
        let st = warta::store::postgres::PgStore::connect(&db.url)
            .await
            .unwrap();
        (Arc::new(st), Some(db))
    } else {
        (Arc::new(SqliteStore::in_memory().await.unwrap()), None)
    };
    store.migrate().await.unwrap();
    warta::demo::load(store.as_ref(), dir.path(), NOW)
        .await
        .unwrap();
    let app = warta::server::build_app(cfg, store, dir.path().to_path_buf()).unwrap();
    app.clock.set(NOW);
    if pg.is_some() {
        // Once LISTEN is up, the node empties its cache (it may have missed
        // changes before): wait for that, so tests of caching start after it.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while app.cache.generation() == 0 && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }
    let router = warta::http::router(app.clone());
    TestSite {
        app,
        router,
        dir,
        pg,
    }
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

/// A browser-like client: keeps cookies, sends the CSRF token with forms.
pub struct Client<'a> {
    pub site: &'a TestSite,
    pub cookies: std::collections::BTreeMap<String, String>,
}

impl<'a> Client<'a> {
    pub fn new(site: &'a TestSite) -> Client<'a> {
        Client {
            site,
            cookies: Default::default(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep_cookies(&mut self, headers: &HeaderMap) {
        for v in headers.get_all("set-cookie") {
            let s = v.to_str().unwrap();
            let pair = s.split(';').next().unwrap();
            let (k, val) = pair.split_once('=').unwrap();
            if val.is_empty() || s.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), val.to_string());
            }
        }
    }

    pub async fn send(
        &mut self,
        method: &str,
        uri: &str,
        body: Option<(&str, String)>,
        extra: &[(&str, &str)],
    ) -> Page {
        let mut req = Request::builder().method(method).uri(uri);
        if !self.cookies.is_empty() {
            req = req.header("cookie", self.cookie_header());
        }
        for (k, v) in extra {
            req = req.header(*k, *v);
        }
        let body = match body {
            Some((ct, b)) => {
                req = req.header("content-type", ct);
                Body::from(b)
            }
            None => Body::empty(),
        };
        let res = self
            .site
            .router
            .clone()
            .oneshot(req.body(body).unwrap())
            .await
            .unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        self.keep_cookies(&headers);
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Page {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&mut self, uri: &str) -> Page {
        self.send("GET", uri, None, &[]).await
    }

    /// Post a form as the page would, with this client's CSRF token.
    pub async fn post(&mut self, uri: &str, fields: &[(&str, &str)]) -> Page {
        if self.csrf().is_empty() {
            self.get("/login").await;
        }
        let csrf = self.csrf();
        let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(uri, &all).await
    }

    /// Post exactly these fields (no token added).
    pub async fn post_raw(&mut self, uri: &str, fields: &[(&str, &str)]) -> Page {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", urlenc(k), urlenc(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.send(
            "POST",
            uri,
            Some(("application/x-www-form-urlencoded", body)),
            &[],
        )
        .await
    }

    pub async fn post_json(
        &mut self,
        uri: &str,
        json: serde_json::Value,
        extra: &[(&str, &str)],
    ) -> Page {
        self.send(
            "POST",
            uri,
            Some(("application/json", json.to_string())),
            extra,
        )
        .await
    }

    pub fn signed_in(&self) -> bool {
        self.cookies.contains_key("warta_session")
            || self.cookies.contains_key("__Host-warta_session")
    }

    /// This client's CSRF token (under either of the cookie's names).
    pub fn csrf(&self) -> String {
        self.cookies
            .get("warta_csrf")
            .or_else(|| self.cookies.get("__Host-warta_csrf"))
            .cloned()
            .unwrap_or_default()
    }
}

pub fn urlenc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Undo quoted-printable, as a mail client would.
pub fn decode_qp(s: &str) -> String {
    let s = s.replace("=\r\n", "").replace("=\n", "");
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'='
            && i + 2 < b.len()
            && let Ok(v) =
                u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz"), 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Mails written by the development mailer, oldest first, decoded. Mail
/// is queued and sent after the request; what is queued is sent first.
pub async fn mails(site: &TestSite) -> Vec<String> {
    // Send what is due here; what this node's sender has taken already is
    // waited for (up to a few seconds).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let app = &site.app;
        warta::mail::deliver_due(&*app.store, &app.mailer, app.clock.now()).await;
        if app.store.mail_unsent().await.unwrap() == 0 || std::time::Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let dir = site.dir.path().join("mail");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files
        .iter()
        .map(|p| decode_qp(&std::fs::read_to_string(p).unwrap()))
        .collect()
}

/// The path of the first link to this site in a mail.
pub fn link_in(mail: &str) -> String {
    let re = regex::Regex::new(r"http://127\.0\.0\.1:8080(/[^\s]+)").unwrap();
    re.captures(mail)
        .unwrap_or_else(|| panic!("no link in mail:\n{mail}"))[1]
        .to_string()
}

/// Create a reader straight in the store.
pub async fn add_reader(site: &TestSite, email: &str, password: &str, verified: bool) -> i64 {
    let hash = warta::domain::account::hash_password(password);
    site.app
        .store
        .create_reader(email, &hash, "", verified.then_some(NOW), NOW)
        .await
        .unwrap()
}

/// Give an account a newsroom role (limited to `sections`, if any),
/// straight in the store.
pub async fn set_role(
    site: &TestSite,
    id: i64,
    role: warta::domain::newsroom::StaffRole,
    sections: &[&str],
) {
    let sections: Vec<String> = sections.iter().map(|s| s.to_string()).collect();
    site.app
        .store
        .set_staff_role(
            id,
            Some((role, &sections)),
            &warta::store::newsroom::Actor {
                reader_id: None,
                label: "test".into(),
            },
            NOW,
        )
        .await
        .unwrap();
}

/// A one-paragraph public story in Nasional, published just before NOW.
pub fn story(slug: &str, headline: &str) -> warta::store::NewArticle {
    warta::store::NewArticle::new(slug, headline, ("nasional", "Nasional"), NOW - 1)
        .credit("rina", "Rina", warta::domain::Role::Writer)
        .paragraph("Isi")
}

/// A demo site served on a real socket, with Stripe and Midtrans pointed at
/// the payment stand-in (which sends its webhooks to that socket).
pub struct PaySite {
    pub site: TestSite,
    pub base: String,
    pub standin: std::sync::Arc<warta_standin::StandIn>,
}

pub const STRIPE_KEY: &str = "sk_test_standin";
pub const STRIPE_WHSEC: &str = "whsec_standin";
pub const MIDTRANS_KEY: &str = "SB-Mid-server-standin";

pub async fn pay_site() -> PaySite {
    use warta::config::{MidtransConfig, StripeConfig};
    use warta_standin as standin;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    // The stand-in signs with the site's clock, which tests move.
    let app_cell: Arc<std::sync::OnceLock<AppState>> = Arc::default();
    let cell = app_cell.clone();
    let standin = standin::spawn(
        "127.0.0.1:0",
        standin::Settings {
            site: base.clone(),
            stripe_secret_key: STRIPE_KEY.into(),
            stripe_webhook_secret: STRIPE_WHSEC.into(),
            midtrans_server_key: MIDTRANS_KEY.into(),
            now: Arc::new(move || cell.get().map(|a| a.clock.now()).unwrap_or(NOW)),
        },
    )
    .await
    .unwrap();
    let mut cfg = Config {
        base_url: base.clone(),
        ..Config::default()
    };
    cfg.payments.stripe = Some(StripeConfig {
        api_base: standin.base.clone(),
        secret_key: STRIPE_KEY.into(),
        webhook_secret: STRIPE_WHSEC.into(),
        ..StripeConfig::default()
    });
    cfg.payments.midtrans = Some(MidtransConfig {
        snap_base: standin.base.clone(),
        api_base: standin.base.clone(),
        server_key: MIDTRANS_KEY.into(),
        ..MidtransConfig::default()
    });
    let site = demo_site_with(cfg).await;
    let _ = app_cell.set(site.app.clone());
    let router = site.router.clone();
    tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
    });
    PaySite {
        site,
        base,
        standin,
    }
}

/// An Admin API token named `name` with `scopes`, straight in the store.
pub async fn api_token(site: &TestSite, name: &str, scopes: &[&str]) -> String {
    let token = format!("wt_{}", warta::domain::account::new_token());
    let scopes: Vec<String> = scopes.iter().map(|s| s.to_string()).collect();
    site.app
        .store
        .create_api_token(
            name,
            &warta::domain::account::token_hash(&token),
            &scopes,
            NOW,
        )
        .await
        .unwrap();
    token
}

/// A browser-like client signed in with the login form (the account must
/// exist).
pub async fn log_in<'a>(site: &'a TestSite, email: &str, password: &str) -> Client<'a> {
    let mut c = Client::new(site);
    let p = c
        .post("/login", &[("email", email), ("password", password)])
        .await;
    assert_eq!(p.status, 303, "login {email}: {}", p.body);
    c
}
