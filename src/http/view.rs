//! View models: what templates see. Built from domain values; templates get
//! plain, already-decided data and only lay it out.

use std::collections::BTreeMap;

use axum::http::HeaderMap;
use serde::Serialize;

use super::App;
use super::auth::Ctx;
use crate::config::AdSlot;
use crate::domain::access::{Decision, decide_page};
use crate::domain::{ArticleSummary, Image, Role, Section, Video};
use crate::error::AppError;
use crate::render::i18n::{self, Strings};

/// The reader's language: `?lang=` first, then the `lang` cookie set by the
/// language switch, then the site's default. Accept-Language is ignored on
/// purpose: an Indonesian site stays Indonesian unless the reader asks.
pub fn reader_locale(app: &App, query: Option<&str>, headers: &HeaderMap) -> &'static str {
    if let Some(q) = query {
        for pair in q.split('&') {
            if let Some(v) = pair.strip_prefix("lang=")
                && let Some(l) = i18n::supported(v)
            {
                return l;
            }
        }
    }
    for cookie in headers.get_all(axum::http::header::COOKIE) {
        let Ok(s) = cookie.to_str() else { continue };
        for part in s.split(';') {
            if let Some(v) = part.trim().strip_prefix("lang=")
                && let Some(l) = i18n::supported(v)
            {
                return l;
            }
        }
    }
    i18n::supported(&app.cfg.locale).unwrap_or("id")
}

/// What every page shows around its content.
#[derive(Serialize)]
pub struct Chrome {
    pub name: String,
    pub membership_name: String,
    pub locale: &'static str,
    /// The language the site's content is written in (not the reader's).
    pub content_locale: String,
    pub base_url: String,
    #[serde(skip)]
    pub t: Strings,
    pub sections: Vec<Section>,
    /// The site's own pages the footer links, in order: (address, title).
    pub footer_pages: Vec<(String, String)>,
    pub css: String,
    pub js: String,
    /// Ads by slot; empty when the reader gets no ads.
    pub ads: BTreeMap<String, AdSlot>,
    pub show_membership_cta: bool,
    pub lang_switch_url: String,
    pub year: i16,
    /// The signed-in reader's name for the header, if any.
    pub account_name: Option<String>,
    pub csrf: String,
}

impl Chrome {
    /// The plans page sells nothing else: no ads, and no call to join
    /// pointing at the page the reader is on.
    pub fn for_plans(mut self) -> Chrome {
        self.ads.clear();
        self.show_membership_cta = false;
        self
    }

    /// The chrome for a page that is not about one piece of content.
    pub async fn build(app: &App, ctx: &Ctx, uri: &axum::http::Uri) -> Result<Chrome, AppError> {
        Chrome::build_for(app, ctx, uri, decide_page(ctx.viewer.reader)).await
    }

    /// The chrome as the access engine decided for this reader and content.
    pub async fn build_for(
        app: &App,
        ctx: &Ctx,
        uri: &axum::http::Uri,
        decision: Decision,
    ) -> Result<Chrome, AppError> {
        let locale = ctx.locale;
        let mut c = Chrome::minimal(app, locale);
        c.csrf = ctx.csrf.clone();
        c.account_name = ctx.viewer.account.as_ref().map(|a| a.public_name());
        if let Some(slots) = &ctx.shared {
            c.csrf = slots.csrf.clone();
            c.account_name = Some(slots.name.clone());
        }
        if !decision.ads {
            // Members get no ad markup at all, not hidden ads.
            c.ads.clear();
        }
        c.show_membership_cta = decision.membership_cta;
        c.sections = app.store.sections().await?;
        c.footer_pages = app.store.footer_pages().await?;
        let other = if locale == "id" { "en" } else { "id" };
        // Keep the reader where they are (same page of the story) when switching.
        let mut query: Vec<&str> = uri
            .query()
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty() && !p.starts_with("lang="))
            .collect();
        let lang = format!("lang={other}");
        query.push(&lang);
        c.lang_switch_url = format!("{}?{}", uri.path(), query.join("&"));
        Ok(c)
    }

    pub fn minimal(app: &App, locale: &'static str) -> Chrome {
        Chrome {
            name: app.cfg.site_name.clone(),
            membership_name: app.cfg.membership_name(),
            locale,
            content_locale: app.cfg.locale.clone(),
            base_url: app.cfg.base_url.clone(),
            t: app.views.catalog.strings(locale),
            sections: Vec::new(),
            footer_pages: Vec::new(),
            css: app.views.assets.url("app.css"),
            js: app.views.assets.url("app.js"),
            ads: app
                .cfg
                .ads
                .iter()
                // A slot with nothing to show takes no space: no markup.
                .filter(|a| a.fills())
                .map(|a| (a.slot.clone(), a.clone()))
                .collect(),
            show_membership_cta: true,
            lang_switch_url: "/?lang=en".into(),
            year: app.zone.zoned(app.clock.now()).year(),
            account_name: None,
            csrf: String::new(),
        }
    }

    pub fn tr(&self, key: &str) -> String {
        self.t.get(key).cloned().unwrap_or_else(|| key.to_string())
    }
}

pub use crate::domain::article::article_path;

pub fn role_key(role: Role) -> &'static str {
    match role {
        Role::Writer => "role_writer",
        Role::Editor => "role_editor",
        Role::Contributor => "role_contributor",
        Role::Photographer => "role_photographer",
    }
}

/// An article in a list.
#[derive(Serialize)]
pub struct Teaser {
    pub url: String,
    pub headline: String,
    pub summary: Option<String>,
    pub section: Section,
    pub section_url: String,
    pub published_at: i64,
    pub image: Option<Image>,
    pub comment_count: i64,
}

impl Teaser {
    pub fn from(a: ArticleSummary) -> Teaser {
        Teaser {
            url: article_path(&a.section.slug, &a.slug),
            section_url: format!("/{}", a.section.slug),
            headline: a.headline,
            summary: a.summary,
            section: a.section,
            published_at: a.published_at,
            image: a.featured_image,
            comment_count: a.comment_count,
        }
    }
}

#[derive(Serialize)]
pub struct VideoCard {
    pub url: String,
    pub title: String,
    pub description: String,
    pub source_url: String,
    pub thumbnail: String,
    pub duration: String,
    pub iso_duration: String,
    pub section: Section,
    pub published_at: i64,
}

impl VideoCard {
    pub fn from(v: Video) -> VideoCard {
        VideoCard {
            url: format!("/video/{}", v.slug),
            duration: v.duration_label(),
            iso_duration: v.iso_duration(),
            title: v.title,
            description: v.description,
            source_url: v.source_url,
            thumbnail: v.thumbnail,
            section: v.section,
            published_at: v.published_at,
        }
    }
}

/// Page links of a paginated list ("1 2 3", previous, next).
#[derive(Serialize)]
pub struct Pager {
    pub current: usize,
    pub total: usize,
    pub links: Vec<PageLink>,
    pub prev: Option<String>,
    pub next: Option<String>,
}

#[derive(Serialize)]
pub struct PageLink {
    pub n: usize,
    pub url: String,
    pub current: bool,
}

impl Pager {
    /// `url_of(n)` builds the address of page `n`.
    /// `current` 0 means no page is current (the show-all view).
    pub fn new(current: usize, total: usize, url_of: impl Fn(usize) -> String) -> Pager {
        Pager {
            current,
            total,
            links: (1..=total)
                .map(|n| PageLink {
                    n,
                    url: url_of(n),
                    current: n == current,
                })
                .collect(),
            prev: (current > 1).then(|| url_of(current - 1)),
            next: (current >= 1 && current < total).then(|| url_of(current + 1)),
        }
    }
}

/// `base` for page 1, `base?page=N` after.
pub fn page_url(base: &str, n: usize) -> String {
    if n <= 1 {
        base.to_string()
    } else {
        format!("{base}?page={n}")
    }
}

/// The account page's summary of a reader's membership.
#[derive(Serialize)]
pub struct MembershipSummary {
    pub state: crate::domain::access::ReaderState,
    pub active: bool,
    pub plan: Option<String>,
    pub ends_at: Option<i64>,
}

pub fn membership_summary(app: &App, viewer: &super::auth::Viewer, now: i64) -> MembershipSummary {
    let current = viewer
        .memberships
        .iter()
        .filter(|m| m.in_period(now) || m.in_grace(now))
        .max_by_key(|m| m.ends_at);
    MembershipSummary {
        state: viewer.state(),
        active: viewer.state().has_membership(),
        plan: current.map(|m| {
            app.cfg
                .plan(&m.plan_id)
                .map(|p| p.name.clone())
                .unwrap_or_else(|| m.plan_id.clone())
        }),
        ends_at: viewer
            .memberships
            .iter()
            .filter(|m| m.in_period(now))
            .map(|m| m.ends_at)
            .max(),
    }
}
