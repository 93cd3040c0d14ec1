//! The page cache: rendered pages (and Content API answers) for anonymous
//! readers, compressed once,
//! served from memory. A page for a signed-in reader is never stored or
//! served from here (and is marked private), so no reader's page reaches
//! another. Freshness: the store's content version, which the database
//! bumps on any change from any process, is read at most every
//! `CHECK_EVERY`; a newer version empties the cache.

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
use super::auth::{CSRF_SLOT, NAME_SLOT, SESSION_COOKIE, SharedRender, cookie};

const CHECK_EVERY: Duration = Duration::from_millis(250);
const MAX_ENTRIES: usize = 20_000;
/// Stories scheduled for later appear without any write: no page is kept
/// longer than this.
const MAX_AGE: Duration = Duration::from_secs(30);
/// What a CDN may do with an anonymous page.
const PUBLIC_CACHE: &str = "public, max-age=0, s-maxage=60, stale-while-revalidate=300";

pub struct CachedPage {
    pub created: Instant,
    pub html: Bytes,
    pub gzip: Bytes,
    pub br: Bytes,
    pub etag: HeaderValue,
    pub tags: HeaderValue,
    pub content_type: HeaderValue,
    /// Stories this page shows besides its own (read-also links, the
    /// latest list), from the handler's `x-warta-deps` header.
    pub deps: Vec<String>,
}

/// The header a handler names the stories its page shows with; the cache
/// keeps it and never sends it.
pub const DEPS_HEADER: &str = "x-warta-deps";

pub struct PageCache {
    pub enabled: bool,
    entries: RwLock<HashMap<String, std::sync::Arc<CachedPage>>>,
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
        PageCache {
            enabled,
            entries: RwLock::new(HashMap::new()),
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
        self.entries.read().expect("cache lock").len()
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

fn respond(page: &CachedPage, req_headers: &HeaderMap, hit: bool) -> Response {
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
    h.insert(
        "x-warta-cache",
        HeaderValue::from_static(if hit { "hit" } else { "miss" }),
    );
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
        [first, slug] if !crate::domain::slug::RESERVED.contains(first) => Some(slug),
        _ => None,
    }
}

/// Fill a shared page's placeholders for this reader.
fn personalise(html: &Bytes, name: &str, csrf: &str) -> Bytes {
    let text = String::from_utf8_lossy(html);
    let name = crate::render::escape_html(name);
    Bytes::from(text.replace(NAME_SLOT, &name).replace(CSRF_SLOT, csrf))
}

/// Serve GETs from the cache; store what they render. Anonymous readers
/// share one page per address and language. Signed-in readers share one
/// per reader state (member, registered, ...), with their name and CSRF
/// token filled in on the way out; a reader who has commented on a story
/// gets that story rendered for them alone (it shows their own comment
/// controls).
pub async fn page_cache(State(app): State<AppState>, mut req: Request, next: Next) -> Response {
    let signed_in = cookie(req.headers(), SESSION_COOKIE).is_some();
    // The back office, previews and anything sent with credentials other
    // than the reader's cookie are never shared.
    let path = req.uri().path();
    let never_shared = path.starts_with("/admin")
        || path.starts_with("/preview/")
        || req.headers().contains_key(header::AUTHORIZATION);
    if *req.method() != Method::GET || !app.cache.enabled || never_shared {
        if never_shared {
            let mut res = next.run(req).await;
            res.headers_mut().remove(DEPS_HEADER);
            res.headers_mut().insert(
                header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("private, no-store"),
            );
            return res;
        }
        return private_if(signed_in, next.run(req).await);
    }
    let mut reader: Option<(String, String)> = None;
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
        if let Some(slug) = article_slug(req.uri().path()) {
            let now = app.clock.now();
            let commented = match app.reader_cache.commented(acct.id, slug, now) {
                Some(known) => Ok(known),
                None => app.readers.has_commented(acct.id, slug).await.inspect(|c| {
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
        reader = Some((acct.public_name(), csrf));
        req.extensions_mut().insert(SharedRender);
        // The handler's Ctx takes it from here rather than asking again.
        req.extensions_mut().insert(viewer);
    }
    let locale = super::view::reader_locale(&app, req.uri().query(), req.headers());
    let key = format!(
        "{variant}|{locale}|{}?{}",
        req.uri().path(),
        req.uri().query().unwrap_or("")
    );
    app.cache.refresh(&app).await;
    let hit = app
        .cache
        .entries
        .read()
        .expect("cache lock")
        .get(&key)
        .filter(|p| p.created.elapsed() < MAX_AGE)
        .cloned();
    if let Some(page) = hit {
        return serve(&page, req.headers(), true, reader.as_ref());
    }
    let req_headers = req.headers().clone();
    let path = req.uri().path().to_string();
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
    let cacheable = res.status() == StatusCode::OK
        && !res.headers().contains_key(header::SET_COOKIE)
        && !res.headers().contains_key(header::CACHE_CONTROL)
        && res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html") || v.starts_with("application/json"));
    if !cacheable {
        // Rendered with placeholders but not shareable (an account page, an
        // error): fill them in for this reader all the same.
        if let Some((name, csrf)) = &reader {
            let (mut parts, body) = res.into_parts();
            let Ok(bytes) = axum::body::to_bytes(body, 16 * 1024 * 1024).await else {
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            };
            parts.headers.remove(header::CONTENT_LENGTH);
            let res = Response::from_parts(parts, Body::from(personalise(&bytes, name, csrf)));
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
        html,
        deps,
    });
    // Store only if nothing changed while rendering.
    if app.cache.version.load(Ordering::Acquire) == version_before
        && app.cache.generation.load(Ordering::Acquire) == generation_before
    {
        let mut entries = app.cache.entries.write().expect("cache lock");
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(key, page.clone());
    }
    serve(&page, &req_headers, false, reader.as_ref())
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
    page: &CachedPage,
    req_headers: &HeaderMap,
    hit: bool,
    reader: Option<&(String, String)>,
) -> Response {
    let Some((name, csrf)) = reader else {
        return respond(page, req_headers, hit);
    };
    let mut res = Response::new(Body::from(personalise(&page.html, name, csrf)));
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, page.content_type.clone());
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    h.insert(header::VARY, HeaderValue::from_static("Cookie"));
    h.insert(
        "x-warta-cache",
        HeaderValue::from_static(if hit { "hit-shared" } else { "miss-shared" }),
    );
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
    }

    #[test]
    fn shared_pages_get_the_readers_name_escaped() {
        let html = Bytes::from(format!("<a>{NAME_SLOT}</a><input value=\"{CSRF_SLOT}\">"));
        let out = personalise(&html, "<b>Rina</b>", "tok123");
        assert_eq!(
            &out[..],
            "<a>&lt;b&gt;Rina&lt;/b&gt;</a><input value=\"tok123\">".as_bytes()
        );
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
