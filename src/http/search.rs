//! Search over HTTP: the page at `/cari` (noindex, cacheable for anonymous
//! readers, rate limited per client on each node), the JSON answer at
//! `/api/v1/search`, and the OpenSearch description browsers find through
//! `<link rel="search">`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::AppState;
use super::auth::{Ctx, client_ip};
use super::site::{chrome, page};
use super::view::Pager;
use crate::domain::pagination::parse_list_page;
use crate::error::{ApiError, AppError};
use crate::services::search::{self, SearchError, SearchParams};

/// A per-node limiter: search is a read, so it is not worth a database
/// write per request, as the sign-in limits are.
pub struct SearchLimiter {
    clients: Mutex<HashMap<String, (Instant, u32)>>,
    /// Searches one client may run a minute on this node (pages served
    /// from the cache do not count).
    per_minute: u32,
}

impl SearchLimiter {
    pub fn new(per_minute: u32) -> SearchLimiter {
        SearchLimiter {
            clients: Mutex::default(),
            per_minute,
        }
    }

    pub fn allow(&self, client: &str) -> bool {
        let mut m = self.clients.lock().expect("limiter lock");
        let now = Instant::now();
        if m.len() > 50_000 {
            m.retain(|_, (start, _)| now.duration_since(*start) < Duration::from_secs(60));
        }
        let e = m.entry(client.to_string()).or_insert((now, 0));
        if now.duration_since(e.0) >= Duration::from_secs(60) {
            *e = (now, 0);
        }
        e.1 += 1;
        e.1 <= self.per_minute
    }
}

fn params(q: &HashMap<String, String>) -> Result<SearchParams, AppError> {
    let page = parse_list_page(q.get("page").map(String::as_str)).map_err(|_| {
        AppError::BadRequest(format!(
            "page must be a whole number from 1 to {}",
            crate::domain::pagination::MAX_LIST_PAGE
        ))
    })?;
    let opt = |k: &str| {
        q.get(k)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    Ok(SearchParams {
        q: q.get("q").cloned().unwrap_or_default(),
        section: opt("section"),
        author: opt("author"),
        from: opt("from"),
        to: opt("to"),
        page,
    })
}

pub async fn page_handler(
    State(app): State<AppState>,
    ctx: Ctx,
    uri: Uri,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let p = params(&q)?;
    let c = chrome(&app, &uri, &ctx).await?;
    // An empty box, a word too common or too long, a typo in a date: a
    // friendly page that says so, never an error page.
    let (results, problem) = if p.q.trim().is_empty() {
        (None, None)
    } else {
        let ip = client_ip(&app, &headers, ctx.peer);
        if !app.search_limiter.allow(&ip) {
            return Err(AppError::TooManyRequests);
        }
        match search::search(&app, &p).await {
            Ok(r) => (Some(r), None),
            Err(SearchError::Query(e)) => (None, Some(query_problem(e))),
            Err(SearchError::BadDate(_)) => (None, Some("search_bad_date")),
            Err(SearchError::Other(e)) => return Err(e),
        }
    };
    let sections = app.store.sections().await?;
    let pager = results
        .as_ref()
        .filter(|r| r.pages > 1)
        .map(|r| Pager::new(r.page as usize, r.pages as usize, |n| search_url(&q, n)));
    let mut res = page(
        &app,
        &uri,
        "search.html",
        crate::view! {
            site => &c, t => &*c.t, q => &p.q, section => &p.section, author => &p.author,
            from => &p.from, to => &p.to, results, problem, sections,
            pager,
        },
    )?;
    // Search pages are for readers, not for search engines' indexes.
    res.headers_mut()
        .insert("x-robots-tag", header::HeaderValue::from_static("noindex"));
    Ok(res)
}

fn query_problem(e: crate::domain::search::QueryError) -> &'static str {
    match e {
        crate::domain::search::QueryError::Empty => "search_no_words",
        crate::domain::search::QueryError::TooLong => "search_too_long",
    }
}

/// The address of page `n` of the same search.
fn search_url(q: &HashMap<String, String>, n: usize) -> String {
    let mut parts: Vec<String> = ["q", "section", "author", "from", "to"]
        .iter()
        .filter_map(|k| {
            q.get(*k)
                .filter(|v| !v.is_empty())
                .map(|v| format!("{k}={}", percent(v)))
        })
        .collect();
    if n > 1 {
        parts.push(format!("page={n}"));
    }
    format!("/cari?{}", parts.join("&"))
}

/// Percent-encoding for a query value: everything but unreserved bytes.
fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `GET /api/v1/search?q=&section=&author=&from=&to=&page=`
pub async fn api(
    State(app): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let p = params(&q)?;
    let ip = client_ip(&app, &headers, ctx.peer);
    if !app.search_limiter.allow(&ip) {
        return Err(AppError::TooManyRequests.into());
    }
    let r = search::search(&app, &p).await.map_err(|e| match e {
        SearchError::Other(e) => ApiError(e),
        other => ApiError(AppError::BadRequest(other.to_string())),
    })?;
    let base = &app.cfg.base_url;
    Ok(Json(json!({
        "query": p.q,
        "total": r.total,
        "capped": r.capped,
        "page": r.page,
        "pages": r.pages,
        "results": r.hits.iter().map(|h| json!({
            "slug": h.slug,
            "url": format!("{base}{}", h.path),
            "title": h.title,
            "section": { "slug": h.section_slug, "name": h.section_name },
            "published_at": crate::domain::time::rfc3339_utc(h.published_at),
            "access": h.access.as_str(),
            "title_parts": h.title_parts,
            "snippet": h.snippet,
        })).collect::<Vec<_>>(),
    }))
    .into_response())
}

/// The OpenSearch description: browsers offer the site's search from the
/// address bar.
pub async fn opensearch(State(app): State<AppState>) -> Response {
    let esc = |s: &str| crate::render::escape_html(s).into_owned();
    let name = esc(&app.cfg.site_name);
    let base = esc(&app.cfg.base_url);
    let lang = esc(&app.cfg.locale);
    let body = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">
<ShortName>{name}</ShortName>
<Description>{name}</Description>
<InputEncoding>UTF-8</InputEncoding>
<Language>{lang}</Language>
<Url type="text/html" method="get" template="{base}/cari?q={{searchTerms}}"/>
<Url type="application/json" method="get" template="{base}/api/v1/search?q={{searchTerms}}"/>
<Url type="application/opensearchdescription+xml" rel="self" template="{base}/opensearch.xml"/>
</OpenSearchDescription>
"#
    );
    (
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                "application/opensearchdescription+xml; charset=utf-8",
            ),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}
