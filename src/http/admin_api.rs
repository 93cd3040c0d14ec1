//! The Admin API: stories as JSON for integrations, authenticated by
//! scoped tokens (`warta token create`). Articles use the Content API's
//! shape, plus `status`, `publish_at`, `unpublish_at` and `revision`; the
//! revision is also the ETag, and a PATCH must name it in `If-Match`.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::AppState;
use super::view::article_path;
use crate::domain::account::token_hash;
use crate::domain::newsroom::{StoryStatus, TokenScopes};
use crate::domain::story::{FieldError, StoryDoc};
use crate::domain::time::{parse_rfc3339, rfc3339_utc};
use crate::error::{ApiError, AppError};
use crate::services::newsroom::{Desk, Principal, Timing};
use crate::store::newsroom::{Story, StoryQuery};

/// The integration behind a request's bearer token, once its scopes allow
/// the route it called.
pub struct TokenPrincipal(pub Principal);

const READ_ARTICLES: &[&str] = &["articles:read", "articles:write", "articles:publish"];
const READ_TAXONOMY: &[&str] = &[
    "taxonomy:write",
    "articles:read",
    "articles:write",
    "articles:publish",
];

/// Every Admin API route, with the scopes that may call it (any one of
/// them). It is checked before a handler runs, so a handler never loads
/// anything for a token that may not be there; a route missing here is
/// refused to every token. What a scope may change within a route (text,
/// status, times) is the newsroom's rule (`Desk`).
pub const ROUTE_SCOPES: &[(&str, &str, &[&str])] = &[
    ("GET", "/api/v1/admin/articles", READ_ARTICLES),
    ("POST", "/api/v1/admin/articles", &["articles:write"]),
    ("GET", "/api/v1/admin/articles/{slug}", READ_ARTICLES),
    (
        "PATCH",
        "/api/v1/admin/articles/{slug}",
        &["articles:write", "articles:publish"],
    ),
    (
        "POST",
        "/api/v1/admin/articles/{slug}/corrections",
        &["articles:publish"],
    ),
    ("GET", "/api/v1/admin/sections", READ_TAXONOMY),
    ("POST", "/api/v1/admin/sections", &["taxonomy:write"]),
    ("GET", "/api/v1/admin/contributors", READ_TAXONOMY),
    ("POST", "/api/v1/admin/contributors", &["taxonomy:write"]),
    ("POST", "/api/v1/admin/media", &["media:write"]),
];

/// Whether a token with `scopes` may call `method route`.
pub fn scope_allows(scopes: &TokenScopes, method: &str, route: &str) -> bool {
    ROUTE_SCOPES
        .iter()
        .find(|(m, r, _)| *m == method && *r == route)
        .is_some_and(|(_, _, needed)| needed.iter().any(|s| scopes.has(s)))
}

impl axum::extract::FromRequestParts<AppState> for TokenPrincipal {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        app: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let unauthorized = || {
            let mut res = ApiError(AppError::Unauthorized).into_response();
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"warta-admin\""),
            );
            res
        };
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(unauthorized)?;
        let found = app
            .store
            .api_token(&token_hash(token), app.clock.now())
            .await
            .map_err(|e| ApiError(e.into()).into_response())?
            .ok_or_else(unauthorized)?;
        let scopes = TokenScopes(found.scopes);
        let route = parts
            .extensions
            .get::<axum::extract::MatchedPath>()
            .map(|m| m.as_str())
            .unwrap_or("");
        if !scope_allows(&scopes, parts.method.as_str(), route) {
            return Err(ApiError(AppError::Forbidden).into_response());
        }
        Ok(TokenPrincipal(Principal::Token {
            name: found.name,
            scopes,
        }))
    }
}

fn desk(app: &AppState) -> Desk<'_> {
    Desk {
        store: &*app.store,
        now: app.clock.now(),
    }
}

pub fn etag(revision: i64) -> String {
    format!("\"r{revision}\"")
}

/// The story as the Admin API shows it.
pub fn story_json(app: &AppState, s: &Story) -> Value {
    let mut v = serde_json::to_value(&s.doc).expect("documents serialize");
    let o = v.as_object_mut().expect("a document is an object");
    o.insert(
        "corrections".into(),
        s.doc
            .corrections
            .iter()
            .map(|c| json!({ "at": rfc3339_utc(c.at), "text": c.text }))
            .collect(),
    );
    o.insert("status".into(), json!(s.status));
    o.insert("publish_at".into(), json!(s.publish_at.map(rfc3339_utc)));
    o.insert(
        "unpublish_at".into(),
        json!(s.unpublish_at.map(rfc3339_utc)),
    );
    o.insert("revision".into(), json!(s.revision));
    o.insert("updated_at".into(), json!(rfc3339_utc(s.updated_at)));
    o.insert("updated_by".into(), json!(s.updated_by));
    if s.status == StoryStatus::Published {
        o.insert(
            "url".into(),
            json!(format!(
                "{}{}",
                app.cfg.base_url,
                article_path(&s.doc.section.slug, &s.slug)
            )),
        );
    }
    v
}

fn with_etag(status: StatusCode, app: &AppState, s: &Story) -> Response {
    let mut res = (status, Json(story_json(app, s))).into_response();
    if let Ok(v) = HeaderValue::from_str(&etag(s.revision)) {
        res.headers_mut().insert(header::ETAG, v);
    }
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if status == StatusCode::CREATED
        && let Ok(v) = HeaderValue::from_str(&format!("/api/v1/admin/articles/{}", s.slug))
    {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

/// Fields the server owns: sent back unchanged by a client that PATCHes
/// what it read, they are ignored.
const READ_ONLY: &[&str] = &[
    "url",
    "revision",
    "updated_at",
    "updated_by",
    "published_at",
    "preview",
    "corrections",
];

struct Request {
    doc: Value,
    status: Option<StoryStatus>,
    publish_at: Option<Option<i64>>,
    unpublish_at: Option<Option<i64>>,
}

fn time_field(o: &mut Map<String, Value>, name: &str) -> Result<Option<Option<i64>>, FieldError> {
    match o.remove(name) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(Value::String(s)) => parse_rfc3339(&s).map(|t| Some(Some(t))).ok_or_else(|| {
            FieldError::new(name, "an RFC 3339 time, e.g. 2026-11-27T08:00:00+07:00")
        }),
        Some(_) => Err(FieldError::new(name, "an RFC 3339 time as a string")),
    }
}

fn split_request(body: Value) -> Result<Request, AppError> {
    let Value::Object(mut o) = body else {
        return Err(AppError::Invalid(vec![FieldError::new(
            "",
            "send a JSON object",
        )]));
    };
    let mut errs = Vec::new();
    let status = match o.remove("status") {
        None => None,
        Some(Value::String(s)) => match StoryStatus::parse(&s) {
            Some(st) => Some(st),
            None => {
                errs.push(FieldError::new(
                    "status",
                    "one of draft, submitted, scheduled, published, unpublished",
                ));
                None
            }
        },
        Some(_) => {
            errs.push(FieldError::new("status", "a string"));
            None
        }
    };
    let publish_at = time_field(&mut o, "publish_at").unwrap_or_else(|e| {
        errs.push(e);
        None
    });
    let unpublish_at = time_field(&mut o, "unpublish_at").unwrap_or_else(|e| {
        errs.push(e);
        None
    });
    for k in READ_ONLY {
        o.remove(*k);
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    Ok(Request {
        doc: Value::Object(o),
        status,
        publish_at,
        unpublish_at,
    })
}

/// Read JSON into `T`, naming the field that does not fit.
fn parse_json<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, AppError> {
    serde_path_to_error::deserialize::<_, T>(v).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." { String::new() } else { path };
        AppError::Invalid(vec![FieldError::new(field, e.into_inner().to_string())])
    })
}

fn parse_doc(v: Value) -> Result<StoryDoc, AppError> {
    parse_json(v)
}

/// RFC 7396: objects merge, `null` removes, anything else replaces.
fn merge_patch(target: &mut Value, patch: Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    t.remove(&k);
                } else {
                    merge_patch(t.entry(k).or_insert(Value::Null), v);
                }
            }
        }
        (t, p) => *t = p,
    }
}

fn body_json(body: axum::body::Bytes) -> Result<Value, AppError> {
    serde_json::from_slice(&body)
        .map_err(|e| AppError::Invalid(vec![FieldError::new("", format!("not JSON: {e}"))]))
}

pub async fn create(
    State(app): State<AppState>,
    TokenPrincipal(who): TokenPrincipal,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let req = split_request(body_json(body)?)?;
    let doc = parse_doc(req.doc)?;
    let status = req.status.unwrap_or(StoryStatus::Draft);
    let timing = Timing {
        publish_at: req.publish_at.flatten(),
        unpublish_at: req.unpublish_at.flatten(),
    };
    let story = desk(&app).create(&who, doc, status, timing).await?;
    app.cache.recheck();
    Ok(with_etag(StatusCode::CREATED, &app, &story))
}

async fn find(app: &AppState, slug: &str) -> Result<Story, AppError> {
    desk(app)
        .story_by_slug(slug)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn get_one(
    State(app): State<AppState>,
    TokenPrincipal(_): TokenPrincipal,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    let story = find(&app, &slug).await?;
    Ok(with_etag(StatusCode::OK, &app, &story))
}

pub async fn list(
    State(app): State<AppState>,
    TokenPrincipal(_): TokenPrincipal,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let status =
        match params.get("status").filter(|s| !s.is_empty()) {
            Some(s) => Some(StoryStatus::parse(s).ok_or_else(|| {
                AppError::Invalid(vec![FieldError::new("status", "unknown status")])
            })?),
            None => None,
        };
    // Refused, not clamped: a client asking for 500 learns it gets at most 200.
    let limit = match params.get("limit") {
        None => 50,
        Some(l) => l
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=200).contains(n))
            .ok_or_else(|| {
                AppError::BadRequest("limit must be a whole number from 1 to 200".into())
            })?,
    };
    let stories = app
        .store
        .stories(&StoryQuery {
            status,
            text: params.get("q").filter(|q| !q.is_empty()).cloned(),
            limit,
            ..Default::default()
        })
        .await?;
    Ok((
        [(header::CACHE_CONTROL, "no-store")],
        Json(json!({
            "articles": stories.iter().map(|s| json!({
                "slug": s.slug,
                "title": s.headline,
                "section": s.section_slug,
                "status": s.status,
                "revision": s.revision,
                "updated_at": rfc3339_utc(s.updated_at),
                "publish_at": s.publish_at.map(rfc3339_utc),
            })).collect::<Vec<_>>(),
        })),
    )
        .into_response())
}

/// The revision an `If-Match` header names; `*` means whatever is current.
fn if_match(headers: &HeaderMap, current: i64) -> Result<i64, AppError> {
    let raw = headers
        .get(header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .ok_or(AppError::PreconditionRequired)?
        .trim();
    if raw == "*" {
        return Ok(current);
    }
    raw.trim_start_matches("W/")
        .trim_matches('"')
        .strip_prefix('r')
        .and_then(|n| n.parse::<i64>().ok())
        .ok_or(AppError::Store(crate::store::StoreError::Stale { current }))
}

pub async fn patch(
    State(app): State<AppState>,
    TokenPrincipal(who): TokenPrincipal,
    Path(slug): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let story = find(&app, &slug).await?;
    let base = if_match(&headers, story.revision)?;
    let req = split_request(body_json(body)?)?;
    let mut merged = serde_json::to_value(&story.doc).expect("documents serialize");
    if let Some(o) = merged.as_object_mut() {
        o.remove("corrections");
    }
    merge_patch(&mut merged, req.doc);
    let mut doc = parse_doc(merged)?;
    doc.corrections = story.doc.corrections.clone();
    let timing = Timing {
        publish_at: req.publish_at.unwrap_or(story.publish_at),
        unpublish_at: req.unpublish_at.unwrap_or(story.unpublish_at),
    };
    let status = req.status.unwrap_or(story.status);
    let saved = desk(&app)
        .save(
            &who,
            &story,
            base,
            crate::services::newsroom::Change {
                doc,
                status,
                timing,
            },
            "story.save",
        )
        .await?;
    app.cache.recheck();
    Ok(with_etag(StatusCode::OK, &app, &saved))
}

pub async fn add_correction(
    State(app): State<AppState>,
    TokenPrincipal(who): TokenPrincipal,
    Path(slug): Path<String>,
    Json(body): Json<Value>,
) -> Result<Response, ApiError> {
    let story = find(&app, &slug).await?;
    let text = body.get("text").and_then(Value::as_str).unwrap_or("");
    let saved = desk(&app).correct(&who, &story, text).await?;
    app.cache.recheck();
    Ok(with_etag(StatusCode::OK, &app, &saved))
}

pub async fn sections(
    State(app): State<AppState>,
    TokenPrincipal(_): TokenPrincipal,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!({ "sections": app.store.sections().await? })))
}

/// Add or change a section by slug: `{"slug", "name", "description", "parent"}`.
pub async fn save_section(
    State(app): State<AppState>,
    TokenPrincipal(who): TokenPrincipal,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let s: crate::domain::Section = parse_json(body_json(body)?)?;
    let slug = s.slug.clone();
    desk(&app).save_section(&who, s).await?;
    app.cache.recheck();
    let saved = app
        .store
        .section(slug.trim())
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((StatusCode::OK, Json(json!(saved))).into_response())
}

pub async fn contributors(
    State(app): State<AppState>,
    TokenPrincipal(_): TokenPrincipal,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({ "contributors": app.store.contributors().await? }),
    ))
}

/// Add or change a contributor profile: `{"slug", "name", "bio", "photo"}`.
pub async fn save_contributor(
    State(app): State<AppState>,
    TokenPrincipal(who): TokenPrincipal,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let c: crate::domain::Contributor = parse_json(body_json(body)?)?;
    let name = c.name.clone();
    let slug = if c.slug.trim().is_empty() {
        crate::domain::slug::slugify(&name, 60)
    } else {
        c.slug.trim().to_string()
    };
    desk(&app).save_contributor(&who, c).await?;
    app.cache.recheck();
    let saved = app
        .store
        .contributor(&slug)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((StatusCode::OK, Json(json!(saved))).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_open_only_their_routes() {
        let t = |s: &[&str]| TokenScopes(s.iter().map(|x| x.to_string()).collect());
        let media = t(&["media:write"]);
        assert!(scope_allows(&media, "POST", "/api/v1/admin/media"));
        assert!(!scope_allows(
            &media,
            "PATCH",
            "/api/v1/admin/articles/{slug}"
        ));
        assert!(!scope_allows(
            &media,
            "GET",
            "/api/v1/admin/articles/{slug}"
        ));
        let tax = t(&["taxonomy:write"]);
        assert!(!scope_allows(
            &tax,
            "PATCH",
            "/api/v1/admin/articles/{slug}"
        ));
        assert!(scope_allows(&tax, "GET", "/api/v1/admin/sections"));
        let publish = t(&["articles:publish"]);
        assert!(scope_allows(
            &publish,
            "PATCH",
            "/api/v1/admin/articles/{slug}"
        ));
        assert!(!scope_allows(&publish, "POST", "/api/v1/admin/articles"));
        // A route nobody listed is nobody's.
        let all = t(crate::domain::newsroom::SCOPES);
        assert!(!scope_allows(
            &all,
            "DELETE",
            "/api/v1/admin/articles/{slug}"
        ));
        assert!(!scope_allows(&all, "GET", "/api/v1/admin/unknown"));
    }
}
