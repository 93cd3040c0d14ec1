//! Reader-facing pages. Each handler fetches, builds a view model and
//! renders one template.

use std::collections::HashMap;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};

use super::auth::Ctx;
use super::view::{Chrome, Pager, Teaser, VideoCard, page_url};
use super::{AppState, article_page};
use crate::domain::pagination::page_count;
use crate::domain::slug;
use crate::error::AppError;
use crate::store::{ArticleQuery, VideoQuery};

type Params = Query<HashMap<String, String>>;

/// A path that cannot be read (bad percent-encoding, not UTF-8) is the
/// reader's mistake: a 400 page in their language, not axum's plain text.
fn path<T>(p: Result<Path<T>, PathRejection>) -> Result<T, AppError> {
    p.map(|Path(v)| v)
        .map_err(|e| AppError::BadRequest(e.body_text()))
}

pub(super) async fn chrome(app: &AppState, uri: &Uri, ctx: &Ctx) -> Result<Chrome, AppError> {
    Chrome::build(app, ctx, uri).await
}

/// A rendered page. When the reader switched language with `?lang=`, the
/// choice is remembered in a cookie.
pub(super) fn page(
    app: &AppState,
    uri: &Uri,
    name: &str,
    ctx: minijinja::Value,
) -> Result<Response, AppError> {
    let html = app.views.render(name, ctx)?;
    let mut res = Html(html).into_response();
    // The language (and soon the reader) comes from cookies: caches must key on them.
    res.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Cookie"));
    if let Some(q) = uri.query()
        && let Some(l) = q
            .split('&')
            .find_map(|p| p.strip_prefix("lang="))
            .and_then(crate::render::i18n::supported)
        && let Ok(v) = HeaderValue::from_str(&format!(
            "lang={l}; Path=/; Max-Age=31536000; SameSite=Lax{}",
            if app.cfg.https() { "; Secure" } else { "" }
        ))
    {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(res)
}

/// `?page=` of a list page: 1 when absent; anything else that is not a
/// page of the list is a 404.
fn list_page(params: &HashMap<String, String>) -> Result<usize, AppError> {
    crate::domain::pagination::parse_list_page(params.get("page").map(String::as_str))
        .map(|n| n as usize)
        .map_err(|_| AppError::NotFound)
}

pub async fn home(State(app): State<AppState>, ctx: Ctx, uri: Uri) -> Result<Response, AppError> {
    let c = chrome(&app, &uri, &ctx).await?;
    let now = app.clock.now();
    // Every story once: the lead, the four under it and the latest list
    // from the newest; each section block from what is left of its own.
    // An editor may pin the lead and leave sections' blocks off
    // (`/admin/front`); a pinned story that is not published is ignored.
    let shape = crate::domain::front_page::Shape::DEFAULT;
    let plan = app.store.front_page_plan().await?;
    let pinned = match &plan.lead_slug {
        Some(slug) => app
            .store
            .articles(&ArticleQuery {
                slug: Some(slug.clone()),
                limit: 1,
                now,
                ..Default::default()
            })
            .await?
            .items
            .into_iter()
            .next(),
        None => None,
    };
    let newest = app
        .store
        .articles(&ArticleQuery {
            limit: shape.newest_needed() as i64,
            now,
            ..Default::default()
        })
        .await?
        .items;
    let newest = crate::domain::front_page::lead_first(pinned, newest);
    let block_sections: Vec<_> = c
        .sections
        .iter()
        .filter(|s| crate::domain::front_page::shows_block(&s.slug, &plan.hidden))
        .collect();
    let mut per_section = Vec::new();
    for s in &block_sections {
        per_section.push(
            app.store
                .articles(&ArticleQuery {
                    section: Some(s.slug.clone()),
                    limit: shape.block_needed() as i64,
                    now,
                    ..Default::default()
                })
                .await?
                .items,
        );
    }
    let front = crate::domain::front_page::arrange(shape, newest, per_section, |a| a.id);
    let teasers = |v: Vec<crate::domain::ArticleSummary>| -> Vec<Teaser> {
        v.into_iter().map(Teaser::from).collect()
    };
    let lead = front.lead.map(Teaser::from);
    let secondary = teasers(front.secondary);
    let latest = teasers(front.latest);
    let blocks: Vec<_> = block_sections
        .iter()
        .zip(front.blocks)
        .filter(|(_, items)| !items.is_empty())
        .map(|(s, items)| {
            crate::view! { section => s, url => format!("/{}", s.slug), items => teasers(items) }
        })
        .collect();
    let videos: Vec<VideoCard> = app
        .store
        .videos(&VideoQuery {
            limit: 4,
            now,
            ..Default::default()
        })
        .await?
        .items
        .into_iter()
        .map(VideoCard::from)
        .collect();
    let canonical = format!("{}/", app.cfg.base_url);
    page(
        &app,
        &uri,
        "home.html",
        crate::view! { site => &c, t => &*c.t, lead, secondary, latest, blocks, videos, canonical },
    )
}

pub async fn section(
    State(app): State<AppState>,
    slug_param: Result<Path<String>, PathRejection>,
    Query(params): Params,
    ctx: Ctx,
    uri: Uri,
) -> Result<Response, AppError> {
    let slug_param = path(slug_param)?;
    if !slug::is_valid(&slug_param) {
        return Err(AppError::NotFound);
    }
    let Some(section) = app.store.section(&slug_param).await? else {
        // Not a section: one of the site's own pages, if it has that address.
        return site_page(&app, &ctx, &uri, &slug_param).await;
    };
    let n = list_page(&params)?;
    let per = app.cfg.articles_per_page;
    let all = app.store.sections().await?;
    let children: Vec<_> = all
        .iter()
        .filter(|s| s.parent.as_deref() == Some(section.slug.as_str()))
        .cloned()
        .collect();
    let parent = section
        .parent
        .as_ref()
        .and_then(|p| all.iter().find(|s| &s.slug == p).cloned());
    let listing = app
        .store
        .articles(&ArticleQuery {
            section: Some(section.slug.clone()),
            with_children: !children.is_empty(),
            limit: per,
            offset: crate::domain::pagination::list_offset(n as i64, per),
            now: app.clock.now(),
            count_total: true,
            ..Default::default()
        })
        .await?;
    let pages = page_count(listing.total, per);
    if n > pages {
        return Err(AppError::NotFound);
    }
    let base = format!("/{}", section.slug);
    let pager = (pages > 1).then(|| Pager::new(n, pages, |k| page_url(&base, k)));
    let canonical = format!("{}{}", app.cfg.base_url, page_url(&base, n));
    let items: Vec<Teaser> = listing.items.into_iter().map(Teaser::from).collect();
    let c = chrome(&app, &uri, &ctx).await?;
    let title = c.tr("section_title").replace("{name}", &section.name);
    page(
        &app,
        &uri,
        "section.html",
        crate::view! { site => &c, t => &*c.t, section, parent, children, title, items, pager, canonical, page => n },
    )
}

/// One of the site's own pages (Redaksi, Kontak, ...).
async fn site_page(app: &AppState, ctx: &Ctx, uri: &Uri, slug: &str) -> Result<Response, AppError> {
    let Some(p) = app.store.site_page(slug).await? else {
        return Err(AppError::NotFound);
    };
    let c = chrome(app, uri, ctx).await?;
    let canonical = format!("{}/{}", app.cfg.base_url, p.slug);
    page(
        app,
        uri,
        "page.html",
        crate::view! { site => &c, t => &*c.t, p, canonical },
    )
}

pub async fn author(
    State(app): State<AppState>,
    slug_param: Result<Path<String>, PathRejection>,
    Query(params): Params,
    ctx: Ctx,
    uri: Uri,
) -> Result<Response, AppError> {
    let slug_param = path(slug_param)?;
    let Some(person) = app.store.contributor(&slug_param).await? else {
        return Err(AppError::NotFound);
    };
    let n = list_page(&params)?;
    let per = app.cfg.articles_per_page;
    let listing = app
        .store
        .articles(&ArticleQuery {
            contributor: Some(person.slug.clone()),
            limit: per,
            offset: crate::domain::pagination::list_offset(n as i64, per),
            now: app.clock.now(),
            count_total: true,
            ..Default::default()
        })
        .await?;
    let pages = page_count(listing.total, per);
    if n > pages {
        return Err(AppError::NotFound);
    }
    let base = format!("/author/{}", person.slug);
    let pager = (pages > 1).then(|| Pager::new(n, pages, |k| page_url(&base, k)));
    let canonical = format!("{}{}", app.cfg.base_url, page_url(&base, n));
    let items: Vec<Teaser> = listing.items.into_iter().map(Teaser::from).collect();
    let c = chrome(&app, &uri, &ctx).await?;
    let title = c.tr("author_title").replace("{name}", &person.name);
    page(
        &app,
        &uri,
        "author.html",
        crate::view! { site => &c, t => &*c.t, person, title, items, pager, canonical, total => listing.total },
    )
}

pub async fn article(
    State(app): State<AppState>,
    params_path: Result<Path<(String, String)>, PathRejection>,
    Query(params): Params,
    ctx: Ctx,
    uri: Uri,
) -> Result<Response, AppError> {
    let (section_slug, slug_param) = path(params_path)?;
    let Some(article) = app.store.article(&slug_param, app.clock.now()).await? else {
        return Err(AppError::NotFound);
    };
    if article.section.slug != section_slug {
        // The story moved section, or the link was mistyped: one address per story.
        let mut to = super::view::article_path(&article.section.slug, &article.slug);
        if let Some(q) = uri.query() {
            to = format!("{to}?{q}");
        }
        return Ok((StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, to)]).into_response());
    }
    let decision = crate::domain::access::decide(ctx.viewer.reader, article.access);
    let c = Chrome::build_for(&app, &ctx, &uri, decision).await?;
    let page_param = params.get("page").map(String::as_str);
    let view = article_page::build(&app, &c, &ctx, decision, article, page_param).await?;
    let deps = view.deps.join(" ");
    let mut res = page(
        &app,
        &uri,
        "article.html",
        crate::view! { site => &c, t => &*c.t, article => view },
    )?;
    if let Ok(v) = HeaderValue::from_str(&deps) {
        res.headers_mut().insert(super::cache::DEPS_HEADER, v);
    }
    Ok(res)
}

pub async fn videos(
    State(app): State<AppState>,
    Query(params): Params,
    ctx: Ctx,
    uri: Uri,
) -> Result<Response, AppError> {
    let n = list_page(&params)?;
    let per = app.cfg.articles_per_page;
    let listing = app
        .store
        .videos(&VideoQuery {
            limit: per,
            offset: crate::domain::pagination::list_offset(n as i64, per),
            now: app.clock.now(),
            count_total: true,
            ..Default::default()
        })
        .await?;
    let pages = page_count(listing.total, per);
    if n > pages {
        return Err(AppError::NotFound);
    }
    let pager = (pages > 1).then(|| Pager::new(n, pages, |k| page_url("/video", k)));
    let items: Vec<VideoCard> = listing.items.into_iter().map(VideoCard::from).collect();
    let canonical = format!("{}{}", app.cfg.base_url, page_url("/video", n));
    let c = chrome(&app, &uri, &ctx).await?;
    page(
        &app,
        &uri,
        "videos.html",
        crate::view! { site => &c, t => &*c.t, items, pager, canonical },
    )
}

pub async fn video(
    State(app): State<AppState>,
    slug_param: Result<Path<String>, PathRejection>,
    ctx: Ctx,
    uri: Uri,
) -> Result<Response, AppError> {
    let slug_param = path(slug_param)?;
    let now = app.clock.now();
    let Some(v) = app.store.video(&slug_param, now).await? else {
        return Err(AppError::NotFound);
    };
    let more: Vec<VideoCard> = app
        .store
        .videos(&VideoQuery {
            exclude_id: Some(v.id),
            limit: 4,
            now,
            ..Default::default()
        })
        .await?
        .items
        .into_iter()
        .map(VideoCard::from)
        .collect();
    let canonical = format!("{}/video/{}", app.cfg.base_url, v.slug);
    let video = VideoCard::from(v);
    let c = chrome(&app, &uri, &ctx).await?;
    page(
        &app,
        &uri,
        "video.html",
        crate::view! { site => &c, t => &*c.t, video, more, canonical },
    )
}

pub async fn plans(State(app): State<AppState>, ctx: Ctx, uri: Uri) -> Result<Response, AppError> {
    let c = chrome(&app, &uri, &ctx).await?.for_plans();
    let plans = &app.cfg.plans;
    let canonical = format!("{}/plus", app.cfg.base_url);
    let methods = pay_methods(&app);
    let cancelled = uri.query().is_some_and(|q| q.contains("cancelled=1"));
    page(
        &app,
        &uri,
        "plans.html",
        crate::view! { site => &c, t => &*c.t, plans, canonical, methods, cancelled },
    )
}

/// The payment methods the plans page offers, by name.
pub fn pay_methods(app: &AppState) -> Vec<&'static str> {
    crate::services::payments::methods(app)
        .into_iter()
        .map(|m| m.as_str())
        .collect()
}

pub async fn not_found() -> AppError {
    AppError::NotFound
}

pub async fn static_file(
    State(app): State<AppState>,
    Path(name): Path<String>,
    headers: axum::http::HeaderMap,
) -> Response {
    use super::cache::{Encoding, accepted};
    let Some(asset) = app.views.assets.get(&name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let cache = if asset.immutable {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=300"
    };
    // Compressed once when the theme loaded; chosen per request.
    let (body, encoding) = match accepted(&headers) {
        Encoding::Brotli if asset.br().is_some() => (asset.br().map(<[u8]>::to_vec), Some("br")),
        Encoding::Brotli | Encoding::Gzip if asset.gzip().is_some() => {
            (asset.gzip().map(<[u8]>::to_vec), Some("gzip"))
        }
        _ => (None, None),
    };
    let mut res = (
        [
            (header::CONTENT_TYPE, asset.content_type),
            (header::CACHE_CONTROL, cache),
            (header::VARY, "Accept-Encoding"),
        ],
        body.unwrap_or_else(|| asset.bytes.clone()),
    )
        .into_response();
    if let Some(e) = encoding {
        res.headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static(e));
    }
    res
}

/// Files under `<data>/media`: uploaded and generated images. SVGs are sent
/// with a policy that forbids script, so an image can never run code.
pub async fn media_file(State(app): State<AppState>, Path(path): Path<String>) -> Response {
    let safe = !path.is_empty()
        && path
            .split('/')
            .all(|p| !p.is_empty() && p != ".." && p != "." && !p.starts_with('.'));
    if !safe {
        return StatusCode::NOT_FOUND.into_response();
    }
    let full = app.data_dir.join("media").join(&path);
    match tokio::fs::read(&full).await {
        Ok(bytes) => (
            [
                (
                    header::CONTENT_TYPE,
                    crate::render::assets::content_type(&path),
                ),
                (
                    header::CACHE_CONTROL,
                    // Uploads are named by their content: they never change.
                    if path.starts_with("up/") {
                        "public, max-age=31536000, immutable"
                    } else {
                        "public, max-age=86400"
                    },
                ),
                (
                    header::CONTENT_SECURITY_POLICY,
                    "default-src 'none'; style-src 'unsafe-inline'; sandbox",
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

/// `/ads.txt` from configuration (the IAB list of authorised sellers).
pub async fn ads_txt(State(app): State<AppState>) -> Result<Response, AppError> {
    let body = app.cfg.ads_txt.clone().ok_or(AppError::NotFound)?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response())
}

/// A house ad's image, counted as an impression on the way. The image is
/// requested only when the browser shows the slot (`loading="lazy"`).
pub async fn ad_image(
    State(app): State<AppState>,
    Path(slot): Path<String>,
) -> Result<Response, AppError> {
    ad_redirect(&app, &slot, false).await
}

/// A click on a house ad, counted, then on to the advertiser.
pub async fn ad_click(
    State(app): State<AppState>,
    Path(slot): Path<String>,
) -> Result<Response, AppError> {
    ad_redirect(&app, &slot, true).await
}

async fn ad_redirect(app: &AppState, slot: &str, click: bool) -> Result<Response, AppError> {
    let ad = app
        .cfg
        .ads
        .iter()
        .find(|a| a.slot == slot && a.snippet.is_none())
        .ok_or(AppError::NotFound)?;
    let day = app
        .zone
        .zoned(app.clock.now())
        .strftime("%Y-%m-%d")
        .to_string();
    app.store.count_ad(slot, &day, click).await?;
    let to = if click { &ad.link } else { &ad.image };
    Ok((
        StatusCode::FOUND,
        [
            (header::LOCATION, to.as_str()),
            (header::CACHE_CONTROL, "no-store"),
        ],
    )
        .into_response())
}
