//! The page cache: rendered pages (and Content API answers) shared between
//! readers, compressed once, served from memory.
//!
//! What may be shared is an explicit list (`PUBLIC_ROUTES`), each route with
//! the query parameters it reads; every other answer is `private, no-store`
//! unless its handler says otherwise. A shared page is keyed, and rendered,
//! from those parameters alone, so `?utm=1`, `?utm=2`, ... are one page.
//! Entries expire by age and live within a byte budget.
//!
//! Freshness: the store's content version, which the database bumps on any
//! change from any process, is read at most every `CHECK_EVERY`; a newer
//! version empties the cache.

use std::collections::HashMap;
use std::io::Write;
use std::sync::RwLock;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::auth::{SESSION_COOKIE, SharedRender, Slots, read_cookie};

const CHECK_EVERY: Duration = Duration::from_millis(250);

/// The routes (as the router names them) whose GET answers may be shared,
/// with the query parameters each one reads besides `lang`. A route not
/// listed here is never stored or shared, whatever its handler forgets to say.
pub const PUBLIC_ROUTES: &[(&str, &[&str])] = &[
    ("/", &[]),
    ("/plus", &["cancelled"]),
    ("/video", &["page"]),
    ("/video/{slug}", &[]),
    ("/author/{slug}", &["page"]),
    ("/{section}", &["page"]),
    ("/{section}/{slug}", &["page"]),
    ("/api/v1/articles", &["section", "limit", "page"]),
    ("/api/v1/articles/{slug}", &[]),
    ("/api/v1/openapi.json", &[]),
    ("/cari", &["q", "section", "author", "from", "to", "page"]),
    ("/feed.xml", &[]),
    ("/feed.atom", &[]),
    ("/feed.json", &[]),
    ("/{section}/feed.xml", &[]),
    ("/{section}/feed.atom", &[]),
    ("/{section}/feed.json", &[]),
    ("/author/{slug}/{file}", &[]),
    ("/robots.txt", &[]),
    ("/sitemap.xml", &[]),
    ("/sitemaps/{file}", &[]),
    ("/opensearch.xml", &[]),
    (
        "/api/v1/search",
        &["q", "section", "author", "from", "to", "page"],
    ),
];

/// The parameters a public route reads, or `None` for a route that is not public.
pub fn public_route(route: &str) -> Option<&'static [&'static str]> {
    PUBLIC_ROUTES
        .iter()
        .find(|(r, _)| *r == route)
        .map(|(_, params)| *params)
}

/// The query a public route is rendered and keyed from: only the parameters
/// it reads (first occurrence each, in the route's order), `lang` only when
/// it names a language. Everything else (`utm_*`, `fbclid`, junk) is dropped
/// before the handler sees the request.
pub fn canonical_query(query: Option<&str>, params: &[&str]) -> String {
    let pairs: Vec<(&str, &str)> = query
        .unwrap_or("")
        .split('&')
        .filter_map(|p| p.split_once('=').or(Some((p, ""))))
        .filter(|(k, _)| !k.is_empty())
        .collect();
    let first = |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
    let mut out: Vec<String> = Vec::new();
    for name in params {
        let Some(v) = first(name) else { continue };
        let v = match *name {
            // One spelling per page number: "02" and "2" are one page.
            "page" | "limit" => match v.parse::<u64>() {
                // Page 1 is the page without the parameter.
                Ok(1) if *name == "page" => continue,
                Ok(n) => n.to_string(),
                Err(_) if v.eq_ignore_ascii_case("all") => "all".to_string(),
                Err(_) => v.to_string(),
            },
            _ => v.to_string(),
        };
        out.push(format!("{name}={v}"));
    }
    if let Some(l) = first("lang").and_then(crate::render::i18n::supported) {
        out.push(format!("lang={l}"));
    }
    out.join("&")
}
/// Stories scheduled for later appear without any write: no page is kept
/// longer than this.
const MAX_AGE: Duration = Duration::from_secs(30);
/// What a CDN may do with an anonymous page.
const PUBLIC_CACHE: &str = "public, max-age=0, s-maxage=60, stale-while-revalidate=300";

pub struct CachedPage {
    pub created: Instant,
    /// The placeholders this render left for the reader's name and CSRF
    /// token (random per render; none for an anonymous page).
    pub slots: Option<Slots>,
    pub html: Bytes,
    pub gzip: Bytes,
    pub br: Bytes,
    pub etag: HeaderValue,
    pub tags: HeaderValue,
    pub content_type: HeaderValue,
    /// When a feed or sitemap last changed, as its handler said.
    pub last_modified: Option<HeaderValue>,
    /// Stories this page shows besides its own (read-also links, the
    /// latest list), from the handler's `x-warta-deps` header.
    pub deps: Vec<String>,
}

/// The header a handler names the stories its page shows with; the cache
/// keeps it and never sends it.
pub const DEPS_HEADER: &str = "x-warta-deps";

/// The stored pages and the bytes they hold.
#[derive(Default)]
struct Entries {
    map: HashMap<String, std::sync::Arc<CachedPage>>,
    bytes: usize,
}

impl CachedPage {
    fn size(&self) -> usize {
        self.html.len() + self.gzip.len() + self.br.len() + 256
    }
}

impl Entries {
    fn clear(&mut self) {
        self.map.clear();
        self.bytes = 0;
    }

    fn retain(&mut self, mut keep: impl FnMut(&str, &CachedPage) -> bool) {
        let mut freed = 0;
        self.map.retain(|k, p| {
            let k_ = keep(k, p);
            if !k_ {
                freed += p.size() + k.len();
            }
            k_
        });
        self.bytes -= freed;
    }

    /// Store a page, making room within `budget`: expired pages go first,
    /// then the oldest, down to nine tenths of the budget.
    fn insert(&mut self, key: String, page: std::sync::Arc<CachedPage>, budget: usize) {
        let size = page.size() + key.len();
        if size > budget / 4 {
            return;
        }
        if let Some(old) = self.map.remove(&key) {
            self.bytes -= old.size() + key.len();
        }
        if self.bytes + size > budget {
            self.retain(|_, p| p.created.elapsed() < MAX_AGE);
        }
        if self.bytes + size > budget {
            let mut by_age: Vec<(Instant, String)> = self
                .map
                .iter()
                .map(|(k, p)| (p.created, k.clone()))
                .collect();
            by_age.sort();
            for (_, k) in by_age {
                if self.bytes + size <= budget / 10 * 9 {
                    break;
                }
                if let Some(p) = self.map.remove(&k) {
                    self.bytes -= p.size() + k.len();
                }
            }
        }
        self.bytes += size;
        self.map.insert(key, page);
    }
}

pub struct PageCache {
    pub enabled: bool,
    /// At most this many bytes of pages (bodies, compressed copies, keys).
    budget: usize,
    /// Say `x-warta-cache: hit|miss` on shared answers (for operators and tests).
    pub status_header: bool,
    entries: RwLock<Entries>,
    version: AtomicI64,
    /// The last comment change this node has seen.
    comment_mark: AtomicI64,
    /// The last story edit this node has seen.
    edit_mark: AtomicI64,
    /// Bumped whenever pages are dropped: a page rendered across a drop is
    /// not stored (it may show what was just changed).
    generation: AtomicI64,
    checked: RwLock<Instant>,
}

impl PageCache {
    pub fn new(enabled: bool) -> PageCache {
        PageCache::with_budget(enabled, 128 * 1024 * 1024, false)
    }

    pub fn with_budget(enabled: bool, budget: usize, status_header: bool) -> PageCache {
        PageCache {
            enabled,
            budget,
            status_header,
            entries: RwLock::new(Entries::default()),
            version: AtomicI64::new(i64::MIN),
            comment_mark: AtomicI64::new(i64::MIN),
            edit_mark: AtomicI64::new(i64::MIN),
            generation: AtomicI64::new(0),
            checked: RwLock::new(Instant::now() - CHECK_EVERY * 2),
        }
    }

    /// How many times the cache has been emptied (wholly or in part).
    pub fn generation(&self) -> i64 {
        self.generation.load(Ordering::Acquire)
    }

    pub fn len(&self) -> usize {
        self.entries.read().expect("cache lock").map.len()
    }

    /// Bytes held by stored pages.
    pub fn bytes(&self) -> usize {
        self.entries.read().expect("cache lock").bytes
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn clear(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.entries.write().expect("cache lock").clear();
    }

    /// This process just changed content: drop the pages and read the
    /// version again on the next request, so the writer's change shows at once.
    pub fn invalidate(&self) {
        self.clear();
        *self.checked.write().expect("cache lock") = Instant::now() - CHECK_EVERY * 2;
    }

    /// Look at the database on the next request (after this node changed
    /// comments: `refresh` then forgets just that story's pages).
    pub fn recheck(&self) {
        *self.checked.write().expect("cache lock") = Instant::now() - CHECK_EVERY * 2;
    }

    /// Drop the pages of one story (its page in every language and for
    /// every reader state, and its Content API answer).
    pub fn forget_article(&self, slug: &str) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.entries.write().expect("cache lock").retain(|key, _| {
            let path = key.splitn(3, '|').nth(2).unwrap_or("");
            let path = path.split('?').next().unwrap_or("");
            path.rsplit('/').next() != Some(slug)
        });
    }

    /// A published story was edited in place (same address, time and
    /// section): drop its own pages, the story pages that show it (read-also,
    /// the latest list), and every list page (home, sections, authors, the
    /// API's lists); other stories' pages stay.
    pub fn forget_edited(&self, slug: &str) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.entries
            .write()
            .expect("cache lock")
            .retain(|key, page| {
                let path = key.splitn(3, '|').nth(2).unwrap_or("");
                let path = path.split('?').next().unwrap_or("");
                match story_of_path(path) {
                    Some(s) => s != slug && !page.deps.iter().any(|d| d == slug),
                    None => false,
                }
            });
    }

    /// Read the content version if it is time; drop everything if it moved.
    /// Comment changes and in-place edits drop only the pages they touch.
    async fn refresh(&self, app: &AppState) {
        if self.checked.read().expect("cache lock").elapsed() < CHECK_EVERY {
            return;
        }
        *self.checked.write().expect("cache lock") = Instant::now();
        match app.store.content_version().await {
            Ok(v) => {
                if self.version.swap(v, Ordering::AcqRel) != v {
                    self.clear();
                }
            }
            // Unsure whether content changed: do not serve from memory.
            Err(_) => self.clear(),
        }
        let mark = self.edit_mark.load(Ordering::Acquire);
        match app.store.article_edits(mark).await {
            Ok((last, slugs)) => {
                for slug in &slugs {
                    self.forget_edited(slug);
                }
                self.edit_mark.store(last, Ordering::Release);
            }
            Err(_) => self.clear(),
        }
        let mark = self.comment_mark.load(Ordering::Acquire);
        match app.store.comment_changes(mark).await {
            Ok((last, slugs)) => {
                for slug in &slugs {
                    self.forget_article(slug);
                }
                self.comment_mark.store(last, Ordering::Release);
            }
            Err(_) => self.clear(),
        }
    }
}

/// The cache tags of a page, for a CDN purge by tag (Surrogate-Key).
pub fn tags_for(path: &str) -> String {
    let parts: Vec<&str> = path
        .trim_matches('/')
        .split('/')
        .filter(|p| !p.is_empty())
        .collect();
    let mut tags = vec!["warta".to_string()];
    // Feeds and sitemaps change with every publish: they carry "feeds" (or
    // "sitemaps") besides the section or author they are of.
    if parts.last().is_some_and(|p| p.starts_with("feed.")) {
        tags.push("feeds".into());
        match parts.as_slice() {
            ["author", who, _] => tags.push(format!("author:{who}")),
            [section, _] => tags.push(format!("section:{section}")),
            _ => tags.push("home".into()),
        }
        return tags.join(" ");
    }
    if parts
        .first()
        .is_some_and(|p| *p == "sitemaps" || p.starts_with("sitemap"))
    {
        tags.push("sitemaps".into());
        return tags.join(" ");
    }
    match parts.as_slice() {
        [] => tags.push("home".into()),
        ["author", who] => tags.push(format!("author:{who}")),
        ["video"] => tags.push("videos".into()),
        ["video", v] => tags.push(format!("video:{v}")),
        [section] => tags.push(format!("section:{section}")),
        [section, slug] => {
            tags.push(format!("article:{slug}"));
            tags.push(format!("section:{section}"));
        }
        _ => {}
    }
    tags.join(" ")
}

fn etag_of(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("\"{h:016x}\"")
}

fn gzip(bytes: &[u8]) -> Bytes {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(bytes).expect("in-memory write");
    Bytes::from(e.finish().expect("in-memory write"))
}

fn brotli(bytes: &[u8]) -> Bytes {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 9,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).expect("in-memory write");
    Bytes::from(out)
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

/// The best encoding the client takes: brotli, then gzip.
pub fn accepted(h: &HeaderMap) -> Encoding {
    let a = h
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let has = |name: &str| {
        a.split(',').any(|p| {
            let mut it = p.trim().split(';');
            it.next().is_some_and(|n| n.trim() == name)
                && !it.any(|q| q.trim().replace(' ', "") == "q=0")
        })
    };
    if has("br") {
        Encoding::Brotli
    } else if has("gzip") {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

fn respond(page: &CachedPage, req_headers: &HeaderMap, hit: bool, status_header: bool) -> Response {
    let mut res = if req_headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|t| t.trim().as_bytes() == page.etag.as_bytes())
        }) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let (body, enc) = match accepted(req_headers) {
            Encoding::Brotli => (page.br.clone(), Some("br")),
            Encoding::Gzip => (page.gzip.clone(), Some("gzip")),
            Encoding::Identity => (page.html.clone(), None),
        };
        let mut r = Response::new(Body::from(body));
        r.headers_mut()
            .insert(header::CONTENT_TYPE, page.content_type.clone());
        if let Some(e) = enc {
            r.headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static(e));
        }
        r
    };
    let h = res.headers_mut();
    h.insert(header::ETAG, page.etag.clone());
    if let Some(lm) = &page.last_modified {
        h.insert(header::LAST_MODIFIED, lm.clone());
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(PUBLIC_CACHE),
    );
    h.insert(
        header::VARY,
        HeaderValue::from_static("Cookie, Accept-Encoding"),
    );
    h.insert("surrogate-key", page.tags.clone());
    h.insert("cache-tag", page.tags.clone());
    if status_header {
        h.insert(
            "x-warta-cache",
            HeaderValue::from_static(if hit { "hit" } else { "miss" }),
        );
    }
    res
}

/// Whether a path is a story's address ("/section/slug").
/// The story a cached page is the page of: an article page, or its
/// Content API answer.
fn story_of_path(path: &str) -> Option<&str> {
    path.strip_prefix("/api/v1/articles/")
        .filter(|s| !s.contains('/'))
        .or_else(|| article_slug(path))
}

fn article_slug(path: &str) -> Option<&str> {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    match parts.as_slice() {
        // A story's slug never holds a dot: "/nasional/feed.xml" is a feed.
        [first, slug] if !crate::domain::slug::RESERVED.contains(first) && !slug.contains('.') => {
            Some(slug)
        }
        _ => None,
    }
}

/// Fill a shared page's placeholders for this reader. The placeholders
/// are random per render, so no text in the page (a comment, a headline)
/// can spell them.
fn personalise(html: &Bytes, slots: &Slots, name: &str, csrf: &str) -> Bytes {
    let text = String::from_utf8_lossy(html);
    let name = crate::render::escape_html(name);
    Bytes::from(
        text.replace(&slots.name, &name)
            .replace(&slots.csrf, &crate::render::escape_html(csrf)),
    )
}

/// A reader whose page is rendered once for everyone in the same state.
struct SharedReader {
    slots: Slots,
    name: String,
    csrf: String,
}

/// Not a public route: never stored or shared, and private unless the
/// handler said otherwise.
async fn not_shared(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    res.headers_mut().remove(DEPS_HEADER);
    if !res.headers().contains_key(header::CACHE_CONTROL) {
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    res
}

/// Serve GETs of public routes from the cache; store what they render.
/// Anonymous readers share one page per address and language. Signed-in
/// readers share one per reader state (member, registered, ...), with
/// their name and CSRF token filled in on the way out; a reader who has
/// commented on a story gets that story rendered for them alone (it shows
/// their own comment controls). Every other route is private.
pub async fn page_cache(State(app): State<AppState>, mut req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .and_then(|m| public_route(m.as_str()));
    // Anything sent with credentials other than the reader's cookie is never shared.
    let Some(params) = route.filter(|_| {
        *req.method() == Method::GET && !req.headers().contains_key(header::AUTHORIZATION)
    }) else {
        return not_shared(req, next).await;
    };
    // The handler sees only what the key holds.
    let query = canonical_query(req.uri().query(), params);
    let path = req.uri().path().to_string();
    let target = if query.is_empty() {
        path.clone()
    } else {
        format!("{path}?{query}")
    };
    if let Ok(uri) = target.parse() {
        *req.uri_mut() = uri;
    }
    let signed_in = read_cookie(&app, req.headers(), SESSION_COOKIE).is_some();
    if !app.cache.enabled {
        return private_if(signed_in, next.run(req).await);
    }
    let mut reader: Option<SharedReader> = None;
    let mut variant = String::from("anon");
    if signed_in {
        let viewer = match super::auth::viewer(&app, req.headers()).await {
            Ok(v) => v,
            Err(_) => return private_if(true, next.run(req).await),
        };
        let Some(acct) = viewer.account.as_ref() else {
            // An unknown or expired session: render as it comes.
            return private_if(true, next.run(req).await);
        };
        if let Some(slug) = article_slug(&path) {
            let now = app.clock.now();
            let commented = match app.reader_cache.commented(acct.id, slug, now) {
                Some(known) => Ok(known),
                None => app.store.has_commented(acct.id, slug).await.inspect(|c| {
                    app.reader_cache.put_commented(acct.id, slug, *c, now);
                }),
            };
            match commented {
                Ok(false) => {}
                _ => return private_if(true, next.run(req).await),
            }
        }
        let csrf = req
            .extensions()
            .get::<super::auth::CsrfToken>()
            .map(|t| t.0.clone())
            .unwrap_or_default();
        variant = format!("{:?}:{}", viewer.reader.state, viewer.reader.comment_banned);
        let slots = Slots::new();
        reader = Some(SharedReader {
            slots: slots.clone(),
            name: acct.public_name(),
            csrf,
        });
        req.extensions_mut().insert(SharedRender(slots));
        // The handler's Ctx takes it from here rather than asking again.
        req.extensions_mut().insert(viewer);
    }
    let locale = super::view::reader_locale(&app, req.uri().query(), req.headers());
    let key = format!("{variant}|{locale}|{target}");
    app.cache.refresh(&app).await;
    let hit = app
        .cache
        .entries
        .read()
        .expect("cache lock")
        .map
        .get(&key)
        .filter(|p| p.created.elapsed() < MAX_AGE)
        .cloned();
    if let Some(page) = hit {
        return serve(&app, &page, req.headers(), true, reader.as_ref());
    }
    let req_headers = req.headers().clone();
    let version_before = app.cache.version.load(Ordering::Acquire);
    let generation_before = app.cache.generation.load(Ordering::Acquire);
    let mut res = next.run(req).await;
    let deps: Vec<String> = res
        .headers_mut()
        .remove(DEPS_HEADER)
        .and_then(|v| {
            v.to_str()
                .ok()
                .map(|s| s.split(' ').map(str::to_string).collect())
        })
        .unwrap_or_default();
    // Pages, JSON, feeds, sitemaps: whatever a public route answers in full.
    let cacheable = res.status() == StatusCode::OK
        && !res.headers().contains_key(header::SET_COOKIE)
        && !res.headers().contains_key(header::CACHE_CONTROL)
        && res.headers().contains_key(header::CONTENT_TYPE);
    if !cacheable {
        // Rendered with placeholders but not shareable (an error, a page
        // that set a cookie): fill them in for this reader all the same.
        if let Some(r) = &reader {
            let (mut parts, body) = res.into_parts();
            let Ok(bytes) = axum::body::to_bytes(body, 16 * 1024 * 1024).await else {
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            };
            parts.headers.remove(header::CONTENT_LENGTH);
            let res = Response::from_parts(
                parts,
                Body::from(personalise(&bytes, &r.slots, &r.name, &r.csrf)),
            );
            return private_if(true, res);
        }
        return private_if(signed_in, res);
    }
    let (parts, body) = res.into_parts();
    let Ok(html) = axum::body::to_bytes(body, 16 * 1024 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    // Shared pages for signed-in readers are personalised per request, so
    // compressing them ahead is wasted: only anonymous pages get it.
    let anonymous = reader.is_none();
    let page = std::sync::Arc::new(CachedPage {
        created: Instant::now(),
        slots: reader.as_ref().map(|r| r.slots.clone()),
        gzip: if anonymous { gzip(&html) } else { Bytes::new() },
        br: if anonymous {
            brotli(&html)
        } else {
            Bytes::new()
        },
        etag: HeaderValue::from_str(&etag_of(&html)).expect("hex etag"),
        tags: HeaderValue::from_str(&tags_for(&path)).unwrap_or(HeaderValue::from_static("warta")),
        content_type: parts
            .headers
            .get(header::CONTENT_TYPE)
            .cloned()
            .unwrap_or(HeaderValue::from_static("text/html; charset=utf-8")),
        last_modified: parts.headers.get(header::LAST_MODIFIED).cloned(),
        html,
        deps,
    });
    // Store only if nothing changed while rendering.
    if app.cache.version.load(Ordering::Acquire) == version_before
        && app.cache.generation.load(Ordering::Acquire) == generation_before
    {
        app.cache
            .entries
            .write()
            .expect("cache lock")
            .insert(key, page.clone(), app.cache.budget);
    }
    serve(&app, &page, &req_headers, false, reader.as_ref())
}

fn private_if(signed_in: bool, mut res: Response) -> Response {
    res.headers_mut().remove(DEPS_HEADER);
    if signed_in {
        // Pages that know the reader stay in the reader's browser.
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    res
}

fn serve(
    app: &AppState,
    page: &CachedPage,
    req_headers: &HeaderMap,
    hit: bool,
    reader: Option<&SharedReader>,
) -> Response {
    let (Some(r), Some(slots)) = (reader, page.slots.as_ref()) else {
        return respond(page, req_headers, hit, app.cache.status_header);
    };
    let mut res = Response::new(Body::from(personalise(&page.html, slots, &r.name, &r.csrf)));
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, page.content_type.clone());
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    h.insert(header::VARY, HeaderValue::from_static("Cookie"));
    if app.cache.status_header {
        h.insert(
            "x-warta-cache",
            HeaderValue::from_static(if hit { "hit-shared" } else { "miss-shared" }),
        );
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_name_the_article_section_and_lists() {
        assert_eq!(tags_for("/"), "warta home");
        assert_eq!(tags_for("/nasional"), "warta section:nasional");
        assert_eq!(
            tags_for("/nasional/banjir"),
            "warta article:banjir section:nasional"
        );
        assert_eq!(tags_for("/author/rina"), "warta author:rina");
        assert_eq!(tags_for("/feed.xml"), "warta feeds home");
        assert_eq!(
            tags_for("/nasional/feed.atom"),
            "warta feeds section:nasional"
        );
        assert_eq!(
            tags_for("/author/rina/feed.json"),
            "warta feeds author:rina"
        );
        assert_eq!(tags_for("/sitemaps/2026-11.xml"), "warta sitemaps");
        assert_eq!(article_slug("/nasional/feed.xml"), None);
    }

    #[test]
    fn shared_pages_get_the_readers_name_escaped() {
        let slots = Slots::new();
        let html = Bytes::from(format!(
            "<a>{}</a><input value=\"{}\">",
            slots.name, slots.csrf
        ));
        let out = personalise(&html, &slots, "<b>Rina</b>", "tok123");
        assert_eq!(
            &out[..],
            "<a>&lt;b&gt;Rina&lt;/b&gt;</a><input value=\"tok123\">".as_bytes()
        );
    }

    #[test]
    fn placeholders_are_new_every_render_and_text_cannot_spell_them() {
        let (a, b) = (Slots::new(), Slots::new());
        assert_ne!(a.name, b.name);
        assert_ne!(a.csrf, b.csrf);
        // What an old fixed marker looked like, in a comment: left alone.
        let html = Bytes::from(format!(
            "<p>\u{E000}warta:csrf\u{E000}</p><input value=\"{}\">",
            a.csrf
        ));
        let out = String::from_utf8(personalise(&html, &a, "R", "tok").to_vec()).unwrap();
        assert_eq!(out.matches("tok").count(), 1, "{out}");
    }

    #[test]
    fn public_routes_are_keyed_by_the_parameters_they_read() {
        let page = public_route("/{section}").unwrap();
        assert_eq!(
            canonical_query(Some("utm_source=x&page=02&fbclid=1"), page),
            "page=2"
        );
        assert_eq!(canonical_query(Some("utm=1"), page), "");
        assert_eq!(canonical_query(Some("utm=2"), page), "");
        assert_eq!(
            canonical_query(Some("lang=en&page=3&page=4"), page),
            "page=3&lang=en"
        );
        assert_eq!(canonical_query(Some("lang=xx"), page), "");
        assert_eq!(canonical_query(Some("page=all"), page), "page=all");
        assert_eq!(canonical_query(Some("page=01"), page), "");
        assert_eq!(canonical_query(None, page), "");
        assert!(public_route("/moderation").is_none());
        assert!(public_route("/admin").is_none());
        assert!(public_route("/account").is_none());
        assert!(public_route("/preview/{token}").is_none());
    }

    fn page_of(bytes: usize, age: Duration) -> std::sync::Arc<CachedPage> {
        std::sync::Arc::new(CachedPage {
            created: Instant::now() - age,
            slots: None,
            html: Bytes::from(vec![b'x'; bytes]),
            gzip: Bytes::new(),
            br: Bytes::new(),
            etag: HeaderValue::from_static("\"e\""),
            tags: HeaderValue::from_static("warta"),
            content_type: HeaderValue::from_static("text/html"),
            last_modified: None,
            deps: Vec::new(),
        })
    }

    #[test]
    fn pages_live_within_the_byte_budget_oldest_first() {
        let mut e = Entries::default();
        let budget = 100_000;
        for i in 0..100 {
            e.insert(
                format!("k{i}"),
                page_of(5_000, Duration::from_millis(0)),
                budget,
            );
            assert!(e.bytes <= budget, "{} bytes after {i}", e.bytes);
        }
        // The newest stay; the first ones made room.
        assert!(e.map.contains_key("k99"));
        assert!(!e.map.contains_key("k0"));
        // Expired pages go before live ones, however new.
        let budget = 200_000;
        let mut e = Entries::default();
        e.insert("old".into(), page_of(45_000, MAX_AGE * 2), budget);
        for k in ["a", "b", "c", "d"] {
            e.insert(k.into(), page_of(45_000, Duration::ZERO), budget);
        }
        assert!(!e.map.contains_key("old"));
        assert_eq!(e.map.len(), 4);
        // Replacing a key does not count it twice.
        let bytes = e.bytes;
        e.insert("d".into(), page_of(45_000, Duration::ZERO), budget);
        assert_eq!((e.map.len(), e.bytes), (4, bytes));
        // A page larger than a quarter of the budget is not kept.
        e.insert("huge".into(), page_of(60_000, Duration::ZERO), budget);
        assert!(!e.map.contains_key("huge"));
        e.retain(|_, _| false);
        assert_eq!(e.bytes, 0);
    }

    #[test]
    fn story_paths_are_told_apart() {
        assert_eq!(article_slug("/nasional/banjir"), Some("banjir"));
        assert_eq!(article_slug("/author/rina"), None);
        assert_eq!(article_slug("/nasional"), None);
    }

    #[test]
    fn encodings_are_negotiated() {
        let mut h = HeaderMap::new();
        assert!(accepted(&h) == Encoding::Identity);
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("gzip, deflate, br"),
        );
        assert!(accepted(&h) == Encoding::Brotli);
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("gzip, br;q=0"),
        );
        assert!(accepted(&h) == Encoding::Gzip);
    }

    #[test]
    fn compression_round_trips() {
        let html = b"<p>Berita</p>".repeat(100);
        let gz = gzip(&html);
        let mut d = flate2::read::GzDecoder::new(&gz[..]);
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut d, &mut out).unwrap();
        assert_eq!(out, html);
        assert!(gz.len() < html.len() / 4);
        assert!(!brotli(&html).is_empty());
    }
}
