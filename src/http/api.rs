//! The Content API, read side: published articles as JSON.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use axum::Json;
use serde_json::{Value, json};

use super::AppState;
use super::auth::Ctx;
use super::view::article_path;
use crate::domain::access::{BodyAccess, decide, preview_blocks};
use crate::domain::time::rfc3339_utc;
use crate::domain::{Article, Block};
use crate::error::{ApiError, AppError};
use crate::store::ArticleQuery;

const OPENAPI: &str = include_str!("../../api/openapi.json");
pub const MAX_LIMIT: i64 = 50;

/// Unknown addresses under /api/v1 answer in JSON, like the rest of the API.
pub async fn not_found() -> ApiError {
    ApiError(AppError::NotFound)
}

pub async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

fn int_param(
    params: &HashMap<String, String>,
    name: &str,
    default: i64,
    max: i64,
) -> Result<i64, ApiError> {
    match params.get(name) {
        None => Ok(default),
        Some(raw) => match raw.parse::<i64>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(ApiError(AppError::BadRequest(format!(
                "{name} must be a whole number from 1 to {max}"
            )))),
        },
    }
}

pub async fn list(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let limit = int_param(&params, "limit", 20, MAX_LIMIT)?;
    let page = crate::domain::pagination::parse_list_page(params.get("page").map(String::as_str))
        .map_err(|_| {
        ApiError(AppError::BadRequest(format!(
            "page must be a whole number from 1 to {}",
            crate::domain::pagination::MAX_LIST_PAGE
        )))
    })?;
    let section = params.get("section").filter(|s| !s.is_empty()).cloned();
    if let Some(s) = &section
        && app.store.section(s).await?.is_none()
    {
        return Err(ApiError(AppError::BadRequest(format!(
            "unknown section {s:?}"
        ))));
    }
    let now = app.clock.now();
    let listing = app
        .store
        .articles(&ArticleQuery {
            section: section.clone(),
            limit,
            offset: crate::domain::pagination::list_offset(page, limit),
            now,
            count_total: true,
            ..Default::default()
        })
        .await?;
    let mut articles = Vec::with_capacity(listing.items.len());
    for s in listing.items {
        if let Some(a) = app.store.article(&s.slug, now).await? {
            articles.push(article_json(&app, &ctx, &a).await?);
        }
    }
    Ok(Json(json!({
        "articles": articles,
        "page": page,
        "limit": limit,
        "total": listing.total,
    })))
}

pub async fn one(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    let a = app
        .store
        .article(&slug, app.clock.now())
        .await?
        .ok_or(ApiError(AppError::NotFound))?;
    let body = article_json(&app, &ctx, &a).await?;
    // Read-also titles come from the stories they name.
    let deps: Vec<String> = crate::domain::article::read_also_slugs(&a.body);
    let mut res = Json(body).into_response();
    if let Ok(v) = axum::http::HeaderValue::from_str(&deps.join(" ")) {
        res.headers_mut().insert(super::cache::DEPS_HEADER, v);
    }
    Ok(res)
}

/// The Content API's article shape (a contract: see api/openapi.json).
/// The body is what the access engine lets this reader see.
pub async fn article_json(app: &AppState, ctx: &Ctx, a: &Article) -> Result<Value, ApiError> {
    let decision = decide(ctx.viewer.reader, a.access);
    let preview = decision.body == BodyAccess::Preview;
    let visible = if preview {
        preview_blocks(&a.body, app.cfg.preview_paragraphs)
    } else {
        a.body.clone()
    };
    let slugs: Vec<String> = crate::domain::article::read_also_slugs(&visible);
    let refs = app.store.article_refs(&slugs, app.clock.now()).await?;
    let base = &app.cfg.base_url;
    let body: Vec<Value> = visible
        .iter()
        .map(|b| match b {
            Block::ReadAlso { title, slug } => match slug.as_ref().and_then(|s| refs.get(s)) {
                Some(r) => json!({
                    "type": "read_also",
                    "title": r.headline,
                    "slug": r.slug,
                    "url": format!("{base}{}", article_path(&r.section_slug, &r.slug)),
                }),
                None => json!({ "type": "read_also", "title": title }),
            },
            other => serde_json::to_value(other).expect("blocks serialize"),
        })
        .collect();
    Ok(json!({
        "slug": a.slug,
        "url": format!("{base}{}", article_path(&a.section.slug, &a.slug)),
        "title": a.headline,
        "subtitle": a.subheadline,
        "summary": a.summary,
        "section": { "slug": a.section.slug, "name": a.section.name },
        "published_at": rfc3339_utc(a.published_at),
        "updated_at": a.updated_at.map(rfc3339_utc),
        "contributors": a.byline().iter().map(|c| json!({ "name": c.name, "slug": c.slug, "role": c.role })).collect::<Vec<_>>(),
        "sources": a.sources,
        "dateline": a.dateline,
        "featured_image": a.featured_image,
        "body": body,
        "access": a.access,
        "preview": preview,
        "tags": a.tags,
        "corrections": a.corrections.iter().map(|c| json!({ "at": rfc3339_utc(c.at), "text": c.text })).collect::<Vec<_>>(),
    }))
}
