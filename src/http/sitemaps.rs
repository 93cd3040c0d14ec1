//! How crawlers find the site: robots.txt, the sitemap index with monthly
//! sitemaps (an old month's file never changes; none over 50,000 addresses),
//! section and author sitemaps, the Google News sitemap (the last 48 hours,
//! at most 1,000 stories), and the IndexNow key file.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::AppState;
use crate::domain::time::rfc3339_utc;
use crate::error::AppError;

/// Addresses in one sitemap file (the protocol allows 50,000).
pub const PER_FILE: i64 = 50_000;
/// Stories in the news sitemap, and how far back it looks.
pub const NEWS_MAX: i64 = 1_000;
pub const NEWS_WINDOW: i64 = 48 * 3600;

fn xml(body: String) -> Response {
    (
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        body,
    )
        .into_response()
}

fn esc(s: &str) -> String {
    crate::render::escape_html(s).into_owned()
}

/// robots.txt: the back office, previews, accounts and search are not for
/// crawlers; refused crawlers (a setting, empty by default) get nothing.
pub async fn robots(State(app): State<AppState>) -> Response {
    let base = &app.cfg.base_url;
    let mut out = String::new();
    for bot in &app.cfg.discovery.refuse_crawlers {
        out.push_str(&format!("User-agent: {}\nDisallow: /\n\n", bot.trim()));
    }
    out.push_str(
        "User-agent: *\n\
         Disallow: /admin\n\
         Disallow: /preview/\n\
         Disallow: /account\n\
         Disallow: /moderation\n\
         Disallow: /cari\n\
         Disallow: /api/v1/search\n\
         Disallow: /api/v1/admin\n\
         Disallow: /api/v1/members\n\
         Disallow: /login\n\
         Disallow: /register\n\
         Disallow: /forgot\n\
         Disallow: /reset\n\
         Disallow: /plus/return\n\
         Allow: /\n\n",
    );
    out.push_str(&format!(
        "Sitemap: {base}/sitemap.xml\nSitemap: {base}/sitemaps/news.xml\n"
    ));
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], out).into_response()
}

/// The months that have stories, as (first second, first second of the next).
fn months(first: i64, now: i64, zone: &crate::domain::time::SiteZone) -> Vec<(i16, i8, i64, i64)> {
    let mut out = Vec::new();
    let start = zone.zoned(first);
    let (mut y, mut m) = (start.year(), start.month());
    loop {
        let from = zone.to_utc(y, m, 1, 0, 0).unwrap_or(first);
        if from > now {
            break;
        }
        let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        let to = zone.to_utc(ny, nm, 1, 0, 0).unwrap_or(i64::MAX);
        out.push((y, m, from, to));
        (y, m) = (ny, nm);
    }
    out
}

/// The sitemap index: news, sections, authors, the site's own pages and one
/// file per month (a
/// month of more than `PER_FILE` stories in several).
pub async fn index(State(app): State<AppState>) -> Result<Response, AppError> {
    let base = &app.cfg.base_url;
    let now = app.clock.now();
    let mut entries: Vec<(String, Option<i64>)> = vec![
        (format!("{base}/sitemaps/news.xml"), None),
        (format!("{base}/sitemaps/sections.xml"), None),
        (format!("{base}/sitemaps/authors.xml"), None),
        (format!("{base}/sitemaps/pages.xml"), None),
    ];
    if let Some(first) = app.store.first_published(now).await? {
        for (y, m, from, to) in months(first, now, &app.zone) {
            let (n, changed) = app.store.published_stats(from, to, now).await?;
            let files = (n + PER_FILE - 1) / PER_FILE;
            for part in 1..=files {
                let name = if part == 1 {
                    format!("{y:04}-{m:02}")
                } else {
                    format!("{y:04}-{m:02}-{part}")
                };
                entries.push((format!("{base}/sitemaps/{name}.xml"), changed));
            }
        }
    }
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (loc, lastmod) in entries {
        out.push_str(&format!("<sitemap><loc>{}</loc>", esc(&loc)));
        if let Some(t) = lastmod {
            out.push_str(&format!("<lastmod>{}</lastmod>", rfc3339_utc(t)));
        }
        out.push_str("</sitemap>\n");
    }
    out.push_str("</sitemapindex>\n");
    Ok(xml(out))
}

pub async fn file(
    State(app): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    let name = file.strip_suffix(".xml").ok_or(AppError::NotFound)?;
    match name {
        "news" => news(&app).await,
        "sections" => sections(&app).await,
        "authors" => authors(&app).await,
        "pages" => pages(&app).await,
        month => month_file(&app, month).await,
    }
}

const URLSET: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:image=\"http://www.google.com/schemas/sitemap-image/1.1\"";

fn absolute(base: &str, src: &str) -> String {
    if src.starts_with('/') {
        format!("{base}{src}")
    } else {
        src.to_string()
    }
}

/// One month's stories ("2026-11", or "2026-11-2" for its second file).
async fn month_file(app: &AppState, name: &str) -> Result<Response, AppError> {
    let mut parts = name.split('-');
    let y: i16 = parts
        .next()
        .and_then(|p| p.parse().ok())
        .ok_or(AppError::NotFound)?;
    let m: i8 = parts
        .next()
        .and_then(|p| p.parse().ok())
        .ok_or(AppError::NotFound)?;
    let part: i64 = match parts.next() {
        None => 1,
        Some(p) => p
            .parse()
            .ok()
            .filter(|n| *n >= 2)
            .ok_or(AppError::NotFound)?,
    };
    if parts.next().is_some() || !(1..=12).contains(&m) || !(1970..=9999).contains(&y) {
        return Err(AppError::NotFound);
    }
    let from = app
        .zone
        .to_utc(y, m, 1, 0, 0)
        .map_err(|_| AppError::NotFound)?;
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    let to = app
        .zone
        .to_utc(ny, nm, 1, 0, 0)
        .map_err(|_| AppError::NotFound)?;
    let now = app.clock.now();
    let stamps = app
        .store
        .article_stamps(from, to, now, PER_FILE, (part - 1) * PER_FILE)
        .await?;
    if stamps.is_empty() {
        return Err(AppError::NotFound);
    }
    let base = &app.cfg.base_url;
    let mut out = format!("{URLSET}>\n");
    for s in stamps {
        let loc = format!(
            "{base}{}",
            crate::domain::article::article_path(&s.section_slug, &s.slug)
        );
        out.push_str(&format!(
            "<url><loc>{}</loc><lastmod>{}</lastmod>",
            esc(&loc),
            rfc3339_utc(s.changed_at)
        ));
        if let Some(img) = &s.image {
            out.push_str(&format!(
                "<image:image><image:loc>{}</image:loc></image:image>",
                esc(&absolute(base, img))
            ));
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    Ok(xml(out))
}

/// The Google News sitemap: stories of the last 48 hours, newest first.
async fn news(app: &AppState) -> Result<Response, AppError> {
    let now = app.clock.now();
    let base = &app.cfg.base_url;
    let mut stamps = app
        .store
        .article_stamps(now - NEWS_WINDOW, now + 1, now, i64::MAX, 0)
        .await?;
    stamps.reverse();
    stamps.truncate(NEWS_MAX as usize);
    let mut out =
        format!("{URLSET} xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">\n");
    let name = esc(&app.cfg.site_name);
    let lang = esc(&app.cfg.locale);
    for s in stamps {
        let loc = format!(
            "{base}{}",
            crate::domain::article::article_path(&s.section_slug, &s.slug)
        );
        out.push_str(&format!(
            "<url><loc>{}</loc><news:news><news:publication><news:name>{name}</news:name>\
             <news:language>{lang}</news:language></news:publication>\
             <news:publication_date>{}</news:publication_date><news:title>{}</news:title></news:news>",
            esc(&loc),
            app.zone.iso_with_offset(s.published_at),
            esc(&s.headline),
        ));
        if let Some(img) = &s.image {
            out.push_str(&format!(
                "<image:image><image:loc>{}</image:loc></image:image>",
                esc(&absolute(base, img))
            ));
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    Ok(xml(out))
}

async fn sections(app: &AppState) -> Result<Response, AppError> {
    let base = &app.cfg.base_url;
    let changes = app.store.section_changes(app.clock.now()).await?;
    let mut out = format!("{URLSET}>\n<url><loc>{}/</loc></url>\n", esc(base));
    for (slug, changed) in changes {
        out.push_str(&format!(
            "<url><loc>{}/{}</loc><lastmod>{}</lastmod></url>\n",
            esc(base),
            esc(&slug),
            rfc3339_utc(changed)
        ));
    }
    out.push_str("</urlset>\n");
    Ok(xml(out))
}

async fn authors(app: &AppState) -> Result<Response, AppError> {
    let base = &app.cfg.base_url;
    let changes = app.store.author_changes(app.clock.now()).await?;
    let mut out = format!("{URLSET}>\n");
    for (slug, changed) in changes {
        out.push_str(&format!(
            "<url><loc>{}/author/{}</loc><lastmod>{}</lastmod></url>\n",
            esc(base),
            esc(&slug),
            rfc3339_utc(changed)
        ));
    }
    out.push_str("</urlset>\n");
    Ok(xml(out))
}

/// The site's own pages (Redaksi, Pedoman Pemberitaan Media Siber, ...).
async fn pages(app: &AppState) -> Result<Response, AppError> {
    let base = &app.cfg.base_url;
    let mut out = format!("{URLSET}>\n");
    for p in app.store.site_pages().await? {
        out.push_str(&format!(
            "<url><loc>{}/{}</loc><lastmod>{}</lastmod></url>\n",
            esc(base),
            esc(&p.slug),
            rfc3339_utc(p.updated_at)
        ));
    }
    out.push_str("</urlset>\n");
    Ok(xml(out))
}

/// The IndexNow key, where the pings say it is.
pub async fn indexnow_key(State(app): State<AppState>) -> Result<Response, AppError> {
    let key = app
        .cfg
        .discovery
        .indexnow_key
        .clone()
        .ok_or(AppError::NotFound)?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], key).into_response())
}
