//! Feeds in three formats for the site (`/feed.xml`, `/feed.atom`,
//! `/feed.json`), each section (`/{section}/feed.xml`, ...) and each author
//! (`/author/{slug}/feed.xml`, ...): RSS 2.0 with `content:encoded` and
//! `atom:link rel=self`, Atom (RFC 4287) and JSON Feed 1.1. They go through
//! the page cache (so a publish refreshes them at once) with ETag and
//! Last-Modified.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::AppState;
use crate::domain::time::rfc3339_utc;
use crate::error::AppError;
use crate::services::feeds::{self, Feed, Scope};

#[derive(Clone, Copy)]
enum Format {
    Rss,
    Atom,
    Json,
}

impl Format {
    fn of(file: &str) -> Option<Format> {
        match file {
            "feed.xml" => Some(Format::Rss),
            "feed.atom" => Some(Format::Atom),
            "feed.json" => Some(Format::Json),
            _ => None,
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Rss => "application/rss+xml; charset=utf-8",
            Format::Atom => "application/atom+xml; charset=utf-8",
            Format::Json => "application/feed+json; charset=utf-8",
        }
    }
}

pub async fn site_rss(State(app): State<AppState>) -> Result<Response, AppError> {
    answer(&app, Scope::Site, Format::Rss, "/feed.xml").await
}

pub async fn site_atom(State(app): State<AppState>) -> Result<Response, AppError> {
    answer(&app, Scope::Site, Format::Atom, "/feed.atom").await
}

pub async fn site_json(State(app): State<AppState>) -> Result<Response, AppError> {
    answer(&app, Scope::Site, Format::Json, "/feed.json").await
}

pub async fn section_rss(
    State(app): State<AppState>,
    Path(section): Path<String>,
) -> Result<Response, AppError> {
    section_feed(&app, section, Format::Rss, "feed.xml").await
}

pub async fn section_atom(
    State(app): State<AppState>,
    Path(section): Path<String>,
) -> Result<Response, AppError> {
    section_feed(&app, section, Format::Atom, "feed.atom").await
}

pub async fn section_json(
    State(app): State<AppState>,
    Path(section): Path<String>,
) -> Result<Response, AppError> {
    section_feed(&app, section, Format::Json, "feed.json").await
}

async fn section_feed(
    app: &AppState,
    section: String,
    f: Format,
    file: &str,
) -> Result<Response, AppError> {
    let path = format!("/{section}/{file}");
    answer(app, Scope::Section(section), f, &path).await
}

pub async fn author(
    State(app): State<AppState>,
    Path((slug, file)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let f = Format::of(&file).ok_or(AppError::NotFound)?;
    let path = format!("/author/{slug}/{file}");
    answer(&app, Scope::Author(slug), f, &path).await
}

async fn answer(app: &AppState, scope: Scope, f: Format, path: &str) -> Result<Response, AppError> {
    let feed = feeds::feed(app, &scope).await?.ok_or(AppError::NotFound)?;
    let self_url = format!("{}{path}", app.cfg.base_url);
    let hubs = &app.cfg.discovery.websub_hubs;
    let body = match f {
        Format::Rss => rss(&feed, &self_url, hubs),
        Format::Atom => atom(&feed, &self_url, hubs),
        Format::Json => json_feed(&feed, &self_url),
    };
    let mut res = ([(header::CONTENT_TYPE, f.content_type())], body).into_response();
    if let Ok(v) = HeaderValue::from_str(&http_date(feed.updated)) {
        res.headers_mut().insert(header::LAST_MODIFIED, v);
    }
    Ok(res)
}

/// An HTTP date (RFC 9110's IMF-fixdate).
pub fn http_date(t: i64) -> String {
    jiff::Timestamp::from_second(t)
        .map(|ts| ts.strftime("%a, %d %b %Y %H:%M:%S GMT").to_string())
        .unwrap_or_default()
}

fn rfc2822(t: i64) -> String {
    http_date(t)
}

fn rss(feed: &Feed, self_url: &str, hubs: &[String]) -> String {
    use rss::extension::atom::{AtomExtension, Link};
    let mut ch = rss::Channel::default();
    ch.set_title(feed.title.clone());
    ch.set_link(feed.home_url.clone());
    ch.set_description(feed.description.clone());
    ch.set_language(feed.language.clone());
    ch.set_last_build_date(rfc2822(feed.updated));
    ch.set_generator("Warta".to_string());
    let mut links = vec![{
        let mut l = Link::default();
        l.set_href(self_url);
        l.set_rel("self");
        l.set_mime_type(Some("application/rss+xml".to_string()));
        l
    }];
    for hub in hubs {
        let mut l = Link::default();
        l.set_href(hub.clone());
        l.set_rel("hub");
        links.push(l);
    }
    let mut atom_ext = AtomExtension::default();
    atom_ext.set_links(links);
    ch.set_atom_ext(atom_ext);
    let items: Vec<rss::Item> = feed
        .items
        .iter()
        .map(|i| {
            let mut it = rss::Item::default();
            it.set_title(i.title.clone());
            it.set_link(i.url.clone());
            it.set_guid(rss::Guid {
                value: i.url.clone(),
                permalink: true,
            });
            it.set_pub_date(rfc2822(i.published_at));
            it.set_description(i.summary.clone());
            if let Some(html) = &i.content_html {
                it.set_content(html.clone());
            }
            it.set_categories(vec![rss::Category {
                name: i.section.clone(),
                domain: None,
            }]);
            let mut dc = rss::extension::dublincore::DublinCoreExtension::default();
            dc.set_creators(i.authors.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>());
            it.set_dublin_core_ext(dc);
            it
        })
        .collect();
    ch.set_items(items);
    ch.to_string()
}

fn fixed(t: i64) -> atom_syndication::FixedDateTime {
    chrono::DateTime::parse_from_rfc3339(&rfc3339_utc(t))
        .unwrap_or_else(|_| chrono::DateTime::UNIX_EPOCH.fixed_offset())
}

fn atom(feed: &Feed, self_url: &str, hubs: &[String]) -> String {
    use atom_syndication::{Content, Entry, Link, Person, Text};
    let link = |href: &str, rel: &str, kind: Option<&str>| {
        let mut l = Link::default();
        l.set_href(href);
        l.set_rel(rel);
        l.set_mime_type(kind.map(str::to_string));
        l
    };
    let mut f = atom_syndication::Feed::default();
    f.set_title(Text::plain(feed.title.clone()));
    f.set_subtitle(Some(Text::plain(feed.description.clone())));
    f.set_id(self_url);
    f.set_updated(fixed(feed.updated));
    f.set_lang(Some(feed.language.clone()));
    let mut links = vec![
        link(self_url, "self", Some("application/atom+xml")),
        link(&feed.home_url, "alternate", Some("text/html")),
    ];
    links.extend(hubs.iter().map(|h| link(h, "hub", None)));
    f.set_links(links);
    let mut site = Person::default();
    site.set_name(feed.title.clone());
    f.set_authors(vec![site]);
    let entries: Vec<Entry> = feed
        .items
        .iter()
        .map(|i| {
            let mut e = Entry::default();
            e.set_title(Text::plain(i.title.clone()));
            e.set_id(i.url.clone());
            e.set_updated(fixed(i.updated_at));
            e.set_published(Some(fixed(i.published_at)));
            e.set_links(vec![link(&i.url, "alternate", Some("text/html"))]);
            e.set_summary(Some(Text::plain(i.summary.clone())));
            if let Some(html) = &i.content_html {
                let mut c = Content::default();
                c.set_content_type(Some("html".to_string()));
                c.set_value(Some(html.clone()));
                e.set_content(Some(c));
            }
            e.set_authors(
                i.authors
                    .iter()
                    .map(|(n, u)| {
                        let mut p = Person::default();
                        p.set_name(n.clone());
                        p.set_uri(Some(u.clone()));
                        p
                    })
                    .collect::<Vec<_>>(),
            );
            e
        })
        .collect();
    f.set_entries(entries);
    f.to_string()
}

fn json_feed(feed: &Feed, self_url: &str) -> String {
    json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "description": feed.description,
        "home_page_url": feed.home_url,
        "feed_url": self_url,
        "language": feed.language,
        "items": feed.items.iter().map(|i| {
            let mut item = json!({
                "id": i.url,
                "url": i.url,
                "title": i.title,
                "summary": i.summary,
                "date_published": rfc3339_utc(i.published_at),
                "date_modified": rfc3339_utc(i.updated_at),
                "authors": i.authors.iter().map(|(n, u)| json!({"name": n, "url": u})).collect::<Vec<_>>(),
                "tags": i.tags,
            });
            let o = item.as_object_mut().expect("an object");
            // Members-only stories: the summary and the link, nothing more.
            o.insert(
                "content_html".into(),
                json!(i.content_html.clone().unwrap_or_else(|| crate::render::escape_html(&i.summary).into_owned())),
            );
            if let Some(img) = &i.image {
                o.insert("image".into(), json!(img));
            }
            item
        }).collect::<Vec<_>>(),
    })
    .to_string()
}
