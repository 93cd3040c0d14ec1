//! Feeds of the newest stories (the site, a section, an author): full text
//! for free stories, summary and link for the others, so a members-only
//! story never leaks through a feed reader (Ghost #13925). The formats
//! (RSS, Atom, JSON Feed) are the web layer's; what goes in is decided here.

use crate::core::Core;
use crate::domain::article::article_path;
use crate::domain::{Access, Article, Block};
use crate::error::AppError;
use crate::render::escape_html;
use crate::store::ArticleQuery;

/// Stories a feed carries.
pub const ITEMS: i64 = 30;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Site,
    Section(String),
    Author(String),
}

#[derive(Debug, Clone)]
pub struct Feed {
    pub title: String,
    pub description: String,
    /// The page the feed is the feed of.
    pub home_url: String,
    pub language: String,
    /// When its newest change happened (or now, when it is empty).
    pub updated: i64,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone)]
pub struct Item {
    pub url: String,
    pub title: String,
    pub summary: String,
    /// The whole story as HTML, for free stories only.
    pub content_html: Option<String>,
    pub published_at: i64,
    pub updated_at: i64,
    /// (name, profile URL)
    pub authors: Vec<(String, String)>,
    pub section: String,
    pub image: Option<String>,
    pub tags: Vec<String>,
}

/// The feed of `scope`; `None` for a section or author that does not exist.
pub async fn feed(core: &Core, scope: &Scope) -> Result<Option<Feed>, AppError> {
    let base = &core.cfg.base_url;
    let now = core.clock.now();
    let site = &core.cfg.site_name;
    let (title, description, home, query) = match scope {
        Scope::Site => (
            site.clone(),
            format!("{site}: berita terkini"),
            format!("{base}/"),
            ArticleQuery::default(),
        ),
        Scope::Section(slug) => {
            let Some(s) = core.store.section(slug).await? else {
                return Ok(None);
            };
            (
                format!("{} - {site}", s.name),
                if s.description.is_empty() {
                    s.name.clone()
                } else {
                    s.description.clone()
                },
                format!("{base}/{}", s.slug),
                ArticleQuery {
                    section: Some(s.slug),
                    with_children: true,
                    ..Default::default()
                },
            )
        }
        Scope::Author(slug) => {
            let Some(c) = core.store.contributor(slug).await? else {
                return Ok(None);
            };
            (
                format!("{} - {site}", c.name),
                if c.bio.is_empty() {
                    c.name.clone()
                } else {
                    c.bio.clone()
                },
                format!("{base}/author/{}", c.slug),
                ArticleQuery {
                    contributor: Some(c.slug),
                    ..Default::default()
                },
            )
        }
    };
    let listing = core
        .store
        .articles(&ArticleQuery {
            limit: ITEMS,
            now,
            ..query
        })
        .await?;
    let mut items = Vec::new();
    for s in listing.items {
        if let Some(a) = core.store.article(&s.slug, now).await? {
            items.push(item(core, &a));
        }
    }
    let updated = items.iter().map(|i| i.updated_at).max().unwrap_or(now);
    Ok(Some(Feed {
        title,
        description,
        home_url: home,
        language: core.cfg.locale.clone(),
        updated,
        items,
    }))
}

fn item(core: &Core, a: &Article) -> Item {
    let base = &core.cfg.base_url;
    let absolute = |src: &str| {
        if src.starts_with('/') {
            format!("{base}{src}")
        } else {
            src.to_string()
        }
    };
    let free = a.access == Access::Public;
    let summary = a
        .summary
        .clone()
        .or_else(|| a.subheadline.clone())
        .unwrap_or_else(|| first_paragraph(&a.body));
    Item {
        url: format!("{base}{}", article_path(&a.section.slug, &a.slug)),
        title: a.headline.clone(),
        summary,
        content_html: free.then(|| blocks_html(&a.body, base, a.dateline.as_deref(), core)),
        published_at: a.published_at,
        updated_at: a.updated_at.unwrap_or(a.published_at).max(a.published_at),
        authors: a
            .byline()
            .iter()
            .map(|c| (c.name.clone(), format!("{base}/author/{}", c.slug)))
            .collect(),
        section: a.section.name.clone(),
        image: a.featured_image.as_ref().map(|i| absolute(&i.src)),
        tags: a.tags.clone(),
    }
}

fn first_paragraph(body: &[Block]) -> String {
    body.iter()
        .find_map(|b| match b {
            Block::Paragraph { text } => Some(text.chars().take(300).collect()),
            _ => None,
        })
        .unwrap_or_default()
}

/// A free story's body as plain, safe HTML (escaped text, no script, no
/// embeds: links instead).
fn blocks_html(body: &[Block], base: &str, dateline: Option<&str>, core: &Core) -> String {
    let e = |s: &str| escape_html(s).into_owned();
    let mut out = String::new();
    let mut first = true;
    for b in body {
        match b {
            Block::Paragraph { text } => {
                let lead = match (first, dateline) {
                    (true, Some(d)) => format!(
                        "{}, {} - ",
                        e(&d.to_uppercase()),
                        e(&core.cfg.dateline_name())
                    ),
                    _ => String::new(),
                };
                first = false;
                out.push_str(&format!("<p>{lead}{}</p>\n", e(text)));
            }
            Block::Heading { text } => out.push_str(&format!("<h2>{}</h2>\n", e(text))),
            Block::Quote { text, cite } => {
                out.push_str(&format!("<blockquote><p>{}</p>", e(text)));
                if let Some(c) = cite {
                    out.push_str(&format!("<footer>{}</footer>", e(c)));
                }
                out.push_str("</blockquote>\n");
            }
            Block::List { ordered, items } => {
                let tag = if *ordered { "ol" } else { "ul" };
                out.push_str(&format!("<{tag}>"));
                for i in items {
                    out.push_str(&format!("<li>{}</li>", e(i)));
                }
                out.push_str(&format!("</{tag}>\n"));
            }
            Block::Image(img) => {
                let src = if img.src.starts_with('/') {
                    format!("{base}{}", img.src)
                } else {
                    img.src.clone()
                };
                out.push_str(&format!(
                    "<figure><img src=\"{}\" alt=\"{}\">",
                    e(&src),
                    e(&img.alt)
                ));
                let caption: Vec<&str> = [img.caption.as_deref(), img.credit.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect();
                if !caption.is_empty() {
                    out.push_str(&format!(
                        "<figcaption>{}</figcaption>",
                        e(&caption.join(" - "))
                    ));
                }
                out.push_str("</figure>\n");
            }
            Block::ReadAlso { title, slug: _ } if !title.is_empty() => {
                out.push_str(&format!(
                    "<p><strong>Baca juga:</strong> {}</p>\n",
                    e(title)
                ));
            }
            Block::Embed { url } if crate::domain::web_address::parse_http(url).is_ok() => {
                out.push_str(&format!("<p><a href=\"{0}\">{0}</a></p>\n", e(url)));
            }
            _ => {}
        }
    }
    out
}
