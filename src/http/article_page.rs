//! The article page: the seed page's elements, in the seed's order.

use std::collections::HashMap;

use serde::Serialize;

use super::App;
use super::auth::Ctx;
use super::view::{Chrome, Pager, Teaser, VideoCard, article_path, role_key};
use crate::config::AdSlot;
use crate::domain::access::{BodyAccess, Decision, Gate};
use crate::domain::pagination::{PageChoice, PageError, parse_page, split_pages};
use crate::domain::{Article, Block, Comment, Image, Role, ads};
use crate::error::AppError;
use crate::store::{ArticleQuery, VideoQuery};

/// In-article ads go after every this many paragraphs.
const AD_EVERY: usize = 4;

#[derive(Serialize)]
pub struct CreditView {
    pub name: String,
    pub url: String,
    pub role: Role,
    pub role_label: String,
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BlockView {
    Paragraph {
        text: String,
        dateline: Option<String>,
    },
    Heading {
        text: String,
    },
    Quote {
        text: String,
        cite: Option<String>,
    },
    List {
        ordered: bool,
        items: Vec<String>,
    },
    Image(Image),
    Video(VideoCard),
    ReadAlso {
        title: String,
        url: Option<String>,
    },
    Embed {
        url: String,
        host: String,
    },
    Ad(AdSlot),
}

#[derive(Serialize)]
pub struct CommentView {
    pub id: i64,
    pub author: String,
    /// Plain text cut into runs of text and links, so links can be made
    /// safe in the template without ever trusting the text as HTML.
    pub parts: Vec<TextPart>,
    pub created_at: i64,
    pub edited: bool,
    pub mine: bool,
    pub editable: bool,
    pub body: String,
    pub replies: Vec<CommentView>,
}

pub use crate::domain::comment::{TextPart, linkify};

#[derive(Serialize)]
pub struct ArticleView {
    pub url: String,
    pub canonical: String,
    pub headline: String,
    pub subheadline: Option<String>,
    pub description: String,
    pub section_name: String,
    pub section_url: String,
    pub published_at: i64,
    pub updated_at: Option<i64>,
    pub credits: Vec<CreditView>,
    pub sources: Vec<String>,
    pub featured_image: Option<Image>,
    pub blocks: Vec<BlockView>,
    pub pager: Option<Pager>,
    pub all_url: Option<String>,
    pub showing_all: bool,
    pub rel_prev: Option<String>,
    pub rel_next: Option<String>,
    pub video: Option<VideoCard>,
    pub more_videos: Vec<VideoCard>,
    pub latest: Vec<Teaser>,
    pub comments: Vec<CommentView>,
    pub comment_count: usize,
    pub share_url: String,
    pub og_image: Option<String>,
    pub json_ld: String,
    pub article_id: i64,
    pub seo_title: Option<String>,
    pub social_title: Option<String>,
    pub tags: Vec<String>,
    pub corrections: Vec<crate::domain::Correction>,
    /// Stories shown besides this one (for the page cache; not rendered).
    #[serde(skip)]
    pub deps: Vec<String>,
    /// What a reader who sees only the preview must do to read on.
    pub gate: Gate,
    pub decision: Decision,
}

pub async fn build(
    app: &App,
    chrome: &Chrome,
    ctx: &Ctx,
    decision: Decision,
    article: Article,
    page_param: Option<&str>,
) -> Result<ArticleView, AppError> {
    let now = app.clock.now();
    let pages = split_pages(&article.body);
    let preview = decision.body == BodyAccess::Preview;
    let mut choice = parse_page(page_param, pages.len()).map_err(|e| match e {
        // Both are "no such page": 404, as for any address that does not exist.
        PageError::NotANumber | PageError::OutOfRange(_) => AppError::NotFound,
    })?;
    if page_param.is_none() && decision.one_page {
        // Members read long stories on one page; "Halaman" links still work.
        choice = PageChoice::All;
    }
    if preview {
        // The preview is the start of the story, whatever page was asked for.
        choice = PageChoice::One(1);
    }
    let url = article_path(&article.section.slug, &article.slug);
    let abs = |p: &str| format!("{}{}", app.cfg.base_url, p);

    let shown: Vec<&Block> = match choice {
        PageChoice::All => pages.iter().flat_map(|p| p.iter()).collect(),
        PageChoice::One(n) => pages
            .get(n - 1)
            .map(|p| p.iter().collect())
            .unwrap_or_default(),
    };
    let first_page = matches!(choice, PageChoice::All | PageChoice::One(1));
    let preview_owned;
    let shown: Vec<&Block> = if preview {
        preview_owned =
            crate::domain::access::preview_blocks(&article.body, app.cfg.preview_paragraphs);
        preview_owned.iter().collect()
    } else {
        shown
    };

    // Resolve read-also links and videos named in the body.
    let ra_slugs: Vec<String> = crate::domain::article::read_also_slugs(&article.body);
    // Video rekomendasi: the newest video of the article's section, else
    // the newest of all; Video lainnya: the next few, site-wide. These and
    // the latest list and comments are independent: ask for them at once.
    let in_section = VideoQuery {
        section: Some(article.section.slug.clone()),
        limit: 1,
        now,
        ..Default::default()
    };
    let recent = VideoQuery {
        limit: 5,
        now,
        ..Default::default()
    };
    let newest = ArticleQuery {
        exclude_id: Some(article.id),
        limit: app.cfg.latest_count,
        now,
        ..Default::default()
    };
    let (refs, section_video, recent_videos, latest, comments) = tokio::try_join!(
        app.store.article_refs(&ra_slugs, now),
        app.store.videos(&in_section),
        app.store.videos(&recent),
        app.store.articles(&newest),
        app.store.comments(article.id),
    )?;
    let rec = section_video
        .items
        .into_iter()
        .next()
        .or_else(|| recent_videos.items.first().cloned());
    let rec_id = rec.as_ref().map(|v| v.id);
    let more_videos = recent_videos
        .items
        .into_iter()
        .filter(|v| Some(v.id) != rec_id)
        .take(4)
        .map(VideoCard::from)
        .collect();
    // The stories this page shows besides itself: an edit to one of them
    // drops this page from the cache.
    let mut deps: Vec<String> = ra_slugs.clone();
    deps.extend(latest.items.iter().map(|a| a.slug.clone()));
    let latest = latest.items.into_iter().map(Teaser::from).collect();
    // An imported reference that matched nothing then may match a story
    // published since: look it up by title, so it becomes a link by itself.
    let mut by_title = HashMap::new();
    for b in &shown {
        if let Block::ReadAlso { title, slug: None } = b
            && let Some(r) = app.store.find_by_headline(title, now).await?
        {
            by_title.insert(title.clone(), r);
        }
    }
    let mut videos_in_body = HashMap::new();
    for b in &shown {
        if let Block::Video { video } = b
            && let Some(v) = app.store.video(video, now).await?
        {
            videos_in_body.insert(video.clone(), v);
        }
    }

    let ad = chrome.ads.get("in_article").cloned();
    let owned: Vec<Block> = shown.iter().map(|b| (*b).clone()).collect();
    let ad_after = if ad.is_some() {
        ads::in_article_positions(&owned, AD_EVERY)
    } else {
        Vec::new()
    };
    let dateline = article
        .dateline
        .as_deref()
        .filter(|d| !d.trim().is_empty())
        .map(|d| {
            format!(
                "{}, {}{}",
                d.trim().to_uppercase(),
                app.cfg.dateline_name(),
                chrome.tr("dateline_sep")
            )
        });
    let mut dateline_pending = first_page;
    let mut blocks = Vec::new();
    for (i, b) in owned.into_iter().enumerate() {
        let view = match b {
            Block::Paragraph { text } => {
                let d = if dateline_pending {
                    dateline.clone()
                } else {
                    None
                };
                dateline_pending = false;
                Some(BlockView::Paragraph { text, dateline: d })
            }
            Block::Heading { text } => Some(BlockView::Heading { text }),
            Block::Quote { text, cite } => Some(BlockView::Quote { text, cite }),
            Block::List { ordered, items } => Some(BlockView::List { ordered, items }),
            Block::Image(img) => Some(BlockView::Image(img)),
            Block::Video { video } => videos_in_body
                .remove(&video)
                .map(|v| BlockView::Video(VideoCard::from(v))),
            // "Baca juga" is only ever a real link: a reference that points
            // at nothing published is kept in the data but not shown.
            Block::ReadAlso { title, slug } => slug
                .as_ref()
                .and_then(|s| refs.get(s).cloned())
                .or_else(|| by_title.get(&title).cloned())
                .map(|r| BlockView::ReadAlso {
                    title: r.headline.clone(),
                    url: Some(article_path(&r.section_slug, &r.slug)),
                }),
            // An address stored before addresses were parsed is not a link.
            Block::Embed { url } => {
                crate::domain::web_address::host(&url).map(|host| BlockView::Embed { url, host })
            }
            Block::PageBreak => None,
        };
        blocks.extend(view);
        if ad_after.contains(&i)
            && let Some(a) = &ad
        {
            blocks.push(BlockView::Ad(a.clone()));
        }
    }

    let paged = pages.len() > 1 && !preview;
    let (pager, canonical, rel_prev, rel_next) = match choice {
        PageChoice::One(n) if paged => {
            let pager = Pager::new(n, pages.len(), |k| super::view::page_url(&url, k));
            let canonical = abs(&super::view::page_url(&url, n));
            let prev = pager.prev.as_deref().map(abs);
            let next = pager.next.as_deref().map(abs);
            (Some(pager), canonical, prev, next)
        }
        PageChoice::All if paged => (
            Some(Pager::new(0, pages.len(), |k| {
                super::view::page_url(&url, k)
            })),
            abs(&format!("{url}?page=all")),
            None,
            None,
        ),
        _ => (None, abs(&url), None, None),
    };

    let comment_count = comments.len();
    // A shared render knows no reader's own comments (the cache renders per
    // reader whenever the reader has commented on this story).
    let me = if ctx.shared.is_some() {
        None
    } else {
        ctx.viewer.account.as_ref().map(|a| a.id)
    };
    let edit_minutes = app.cfg.comments.edit_minutes;
    let comments = thread_comments(
        comments,
        me,
        now,
        edit_minutes,
        &chrome.tr("comment_deleted_account"),
    );

    let credits = article
        .byline()
        .into_iter()
        .map(|c| CreditView {
            name: c.name.clone(),
            url: format!("/author/{}", c.slug),
            role: c.role,
            role_label: chrome.tr(role_key(c.role)),
        })
        .collect();
    let og_image = article.featured_image.as_ref().map(|i| abs(&i.src));
    let json_ld = json_ld(app, &article, &canonical, og_image.as_deref(), preview);
    // Social cards get the site's default picture when the story has none
    // (structured data keeps to the story's own pictures).
    let og_image = og_image.or_else(|| Some(abs("/share.png")));
    let share_url = abs(&url);

    Ok(ArticleView {
        all_url: paged.then(|| format!("{url}?page=all")),
        showing_all: matches!(choice, PageChoice::All) && paged,
        url,
        canonical,
        description: article.description(),
        headline: article.headline,
        subheadline: article.subheadline,
        section_name: article.section.name,
        section_url: format!("/{}", article.section.slug),
        published_at: article.published_at,
        updated_at: article
            .updated_at
            .filter(|u| *u > article.published_at + 60),
        credits,
        sources: article.sources,
        featured_image: if first_page {
            article.featured_image
        } else {
            None
        },
        blocks,
        pager,
        rel_prev,
        rel_next,
        video: rec.map(VideoCard::from),
        more_videos,
        latest,
        comments,
        comment_count,
        share_url,
        og_image,
        json_ld,
        article_id: article.id,
        seo_title: article.seo_title,
        social_title: article.social_title,
        tags: article.tags,
        corrections: article.corrections,
        gate: decision.gate,
        decision,
        deps,
    })
}

/// One level of replies, as the comment section shows them. A reply whose
/// parent is gone is shown as a top-level comment rather than lost.
fn thread_comments(
    all: Vec<Comment>,
    me: Option<i64>,
    now: i64,
    edit_minutes: i64,
    deleted_name: &str,
) -> Vec<CommentView> {
    let ids: Vec<i64> = all.iter().map(|c| c.id).collect();
    let mut top: Vec<(i64, CommentView)> = Vec::new();
    let mut replies: HashMap<i64, Vec<CommentView>> = HashMap::new();
    for c in all {
        let mine = me.is_some() && c.reader_id == me;
        let view = CommentView {
            id: c.id,
            author: if c.author.is_empty() {
                deleted_name.to_string()
            } else {
                c.author
            },
            parts: linkify(&c.body),
            body: c.body,
            created_at: c.created_at,
            edited: c.edited_at.is_some(),
            mine,
            editable: mine
                && crate::domain::comment::within_edit_window(c.created_at, now, edit_minutes),
            replies: Vec::new(),
        };
        match c.parent_id {
            Some(p) if ids.contains(&p) => replies.entry(p).or_default().push(view),
            _ => top.push((c.id, view)),
        }
    }
    top.into_iter()
        .map(|(id, mut v)| {
            v.replies = replies.remove(&id).unwrap_or_default();
            v
        })
        .collect()
}

/// schema.org NewsArticle, serialized so it can sit inside a <script>
/// element: <, > and & are written as \u escapes, so no text of an article
/// can close the tag or open a comment that confuses the HTML parser.
fn json_ld(app: &App, a: &Article, canonical: &str, image: Option<&str>, preview: bool) -> String {
    let person = |c: &crate::domain::Credit| {
        serde_json::json!({
            "@type": "Person",
            "name": c.name,
            "url": format!("{}/author/{}", app.cfg.base_url, c.slug),
        })
    };
    let authors: Vec<_> = a
        .credits
        .iter()
        .filter(|c| c.role != Role::Editor)
        .map(person)
        .collect();
    let editors: Vec<_> = a
        .credits
        .iter()
        .filter(|c| c.role == Role::Editor)
        .map(person)
        .collect();
    let mut v = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a.headline,
        "description": a.description(),
        "mainEntityOfPage": canonical,
        "url": canonical,
        "datePublished": app.zone.iso_with_offset(a.published_at),
        "dateModified": app.zone.iso_with_offset(a.updated_at.unwrap_or(a.published_at).max(a.published_at)),
        "publisher": {
            "@type": "Organization",
            "name": app.cfg.site_name,
            "url": app.cfg.base_url,
            "logo": { "@type": "ImageObject", "url": format!("{}/static/logo.svg", app.cfg.base_url) },
        },
        "articleSection": a.section.name,
        "inLanguage": app.cfg.locale,
        "isAccessibleForFree": a.access == crate::domain::Access::Public,
    });
    if a.access != crate::domain::Access::Public {
        // Google's paywalled-content markup: the gated part is named by selector.
        v["hasPart"] = serde_json::json!({
            "@type": "WebPageElement",
            "isAccessibleForFree": false,
            "cssSelector": ".paywalled",
        });
    }
    let _ = preview;
    if !authors.is_empty() {
        v["author"] = serde_json::Value::Array(authors);
    }
    if !editors.is_empty() {
        v["editor"] = serde_json::Value::Array(editors);
    }
    if let Some(img) = image {
        v["image"] = serde_json::json!([img]);
    }
    if !a.corrections.is_empty() {
        v["correction"] = a
            .corrections
            .iter()
            .map(|c| {
                serde_json::json!({
                    "@type": "CorrectionComment",
                    "text": c.text,
                    "datePublished": app.zone.iso_with_offset(c.at),
                })
            })
            .collect();
    }
    if !a.tags.is_empty() {
        v["keywords"] = serde_json::json!(a.tags);
    }
    if let Some(d) = a.dateline.as_deref().filter(|d| !d.is_empty()) {
        v["locationCreated"] = serde_json::json!({ "@type": "Place", "name": d });
        v["dateline"] = serde_json::Value::String(d.to_string());
    }
    if !a.sources.is_empty() {
        v["sourceOrganization"] = a
            .sources
            .iter()
            .map(|s| serde_json::json!({ "@type": "NewsMediaOrganization", "name": s }))
            .collect();
    }
    serde_json::to_string(&v)
        .expect("json values serialize")
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_hang_under_their_parent() {
        let c = |id, parent, author: &str| Comment {
            id,
            parent_id: parent,
            author: author.into(),
            body: "x".into(),
            created_at: id,
            reader_id: None,
            edited_at: None,
        };
        let t = thread_comments(
            vec![
                c(1, None, "a"),
                c(2, Some(1), "b"),
                c(3, None, "c"),
                c(4, Some(99), ""),
            ],
            None,
            0,
            900,
            "Akun terhapus",
        );
        assert_eq!(t.len(), 3);
        assert_eq!(t[0].replies.len(), 1);
        assert_eq!(t[0].replies[0].author, "b");
        assert_eq!(t[2].author, "Akun terhapus");
    }
}
