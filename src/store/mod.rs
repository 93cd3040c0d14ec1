//! One storage interface, with an embedded SQLite implementation (the
//! default) and a PostgreSQL one that pass the same tests.
//!
//! The traits are by concern: `Store` (content), `readers::ReaderStore`,
//! `newsroom::{NewsroomStore, StaffStore, WebhookStore}`,
//! `payments::PaymentStore`, `mail::{MailStore, DeviceStore}` and
//! `events::EventStore`; `Backend` is all of them. Their SQL is written
//! once, in `sql_<concern>.rs`, as macros, and stamped out for each pool by
//! the one entry macro `sql_store!` (`sqlite.rs`, `postgres.rs`), so the
//! two implementations cannot drift apart.
//!
//! Adding a query:
//! 1. Declare the method on the trait of its concern (a new trait also goes
//!    into `Backend` and `sql_store!`).
//! 2. Write its SQL once in that concern's `sql_*.rs`, in SQL both
//!    databases read: `$n` parameters, `CAST(x AS T)` not `x::T`,
//!    `ON CONFLICT`, `RETURNING`; a write that must be atomic takes a
//!    transaction, and one that depends on what it reads locks a row first
//!    (see `add_period_tx`).
//! 3. A schema change is a new migration with the same number in both
//!    `migrations/sqlite/` and `migrations/postgres/`.
//! 4. Test it in `tests/store.rs`, which runs each test on both backends.

pub mod discovery;
pub mod events;
pub mod front_page;
pub mod mail;
pub mod newsroom;
pub mod pages;
pub mod payments;
pub mod postgres;
pub mod readers;
pub mod search;
mod sql;
mod sql_content;
mod sql_discovery;
mod sql_events;
mod sql_front_page;
mod sql_mail;
mod sql_newsroom;
mod sql_pages;
mod sql_payments;
mod sql_readers;
mod sql_search;
mod sql_staff;
pub mod sqlite;

use std::collections::HashMap;

use async_trait::async_trait;
use serde::Deserialize;

use crate::domain::{
    Access, Article, ArticleSummary, Block, Comment, Contributor, Correction, Image, Role, Section,
    Video,
};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} already exists")]
    Conflict(String),
    #[error("{0} not found")]
    Missing(String),
    /// A save based on an old revision: someone else saved since.
    #[error("the story was saved by someone else since (now at revision {current})")]
    Stale { current: i64 },
    #[error("stored data is malformed: {0}")]
    Corrupt(String),
    /// The data directory cannot be made or used: a setting to fix.
    #[error("cannot use the data directory {}: {source}", path.display())]
    DataDir {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// An article to be stored. Its section and contributors are found by slug
/// and created when they do not exist yet.
#[derive(Debug, Clone, Deserialize)]
pub struct NewArticle {
    pub slug: String,
    pub headline: String,
    pub subheadline: Option<String>,
    pub summary: Option<String>,
    pub section: Section,
    pub credits: Vec<(Contributor, Role)>,
    pub sources: Vec<String>,
    pub dateline: Option<String>,
    pub published_at: i64,
    pub updated_at: Option<i64>,
    pub body: Vec<Block>,
    pub featured_image: Option<Image>,
    pub access: Access,
    pub comments: Vec<NewComment>,
    #[serde(default)]
    pub seo_title: Option<String>,
    #[serde(default)]
    pub social_title: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub corrections: Vec<Correction>,
}

impl NewArticle {
    /// A public story in `section` with nothing else yet: credits, body and
    /// the rest are added with the builder methods below (tests, benches
    /// and importers start here instead of spelling every field).
    pub fn new(slug: &str, headline: &str, section: (&str, &str), published_at: i64) -> NewArticle {
        NewArticle {
            slug: slug.into(),
            headline: headline.into(),
            subheadline: None,
            summary: None,
            section: Section {
                slug: section.0.into(),
                name: section.1.into(),
                description: String::new(),
                parent: None,
            },
            credits: Vec::new(),
            sources: Vec::new(),
            dateline: None,
            published_at,
            updated_at: None,
            body: Vec::new(),
            featured_image: None,
            access: Access::Public,
            comments: Vec::new(),
            seo_title: None,
            social_title: None,
            tags: Vec::new(),
            corrections: Vec::new(),
        }
    }

    /// Credit a contributor (found or created by slug) in a role.
    pub fn credit(mut self, slug: &str, name: &str, role: Role) -> NewArticle {
        self.credits.push((
            Contributor {
                slug: slug.into(),
                name: name.into(),
                bio: String::new(),
                photo: None,
            },
            role,
        ));
        self
    }

    pub fn paragraph(mut self, text: &str) -> NewArticle {
        self.body.push(Block::Paragraph { text: text.into() });
        self
    }

    /// The whole body at once (replacing what was added).
    pub fn with_body(mut self, body: Vec<Block>) -> NewArticle {
        self.body = body;
        self
    }

    pub fn published(mut self, at: i64) -> NewArticle {
        self.published_at = at;
        self
    }

    pub fn block(mut self, b: Block) -> NewArticle {
        self.body.push(b);
        self
    }

    pub fn access(mut self, a: Access) -> NewArticle {
        self.access = a;
        self
    }

    pub fn summary(mut self, s: &str) -> NewArticle {
        self.summary = Some(s.into());
        self
    }

    pub fn source(mut self, s: &str) -> NewArticle {
        self.sources.push(s.into());
        self
    }

    pub fn dateline(mut self, d: &str) -> NewArticle {
        self.dateline = Some(d.into());
        self
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct NewComment {
    pub author: String,
    pub body: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct NewVideo {
    pub slug: String,
    pub title: String,
    pub description: String,
    pub source_url: String,
    pub thumbnail: String,
    pub duration_secs: u32,
    pub section: String,
    pub published_at: i64,
}

/// Everything the demo loader writes, stored in one transaction.
#[derive(Debug, Clone, Default)]
pub struct ContentBundle {
    pub sections: Vec<Section>,
    pub contributors: Vec<Contributor>,
    pub videos: Vec<NewVideo>,
    pub articles: Vec<NewArticle>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub sections: i64,
    pub contributors: i64,
    pub articles: i64,
    pub videos: i64,
    pub comments: i64,
}

/// Which published articles to list, newest first.
#[derive(Debug, Clone, Default)]
pub struct ArticleQuery {
    pub section: Option<String>,
    /// With `section`: also the sections under it.
    pub with_children: bool,
    pub contributor: Option<String>,
    pub exclude_id: Option<i64>,
    /// Only the story with this address (the front page's pinned lead).
    pub slug: Option<String>,
    pub limit: i64,
    pub offset: i64,
    /// Only what is published at or before this time is listed.
    pub now: i64,
    /// Count all matches (for page numbers); otherwise `total` is the
    /// number of items returned.
    pub count_total: bool,
}

#[derive(Debug, Clone, Default)]
pub struct VideoQuery {
    pub section: Option<String>,
    pub exclude_id: Option<i64>,
    pub limit: i64,
    pub offset: i64,
    pub now: i64,
    pub count_total: bool,
}

#[derive(Debug, Clone)]
pub struct Listing<T> {
    pub items: Vec<T>,
    pub total: i64,
}

/// A stored article's current headline and place, to link to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleRef {
    pub slug: String,
    pub headline: String,
    pub section_slug: String,
}

/// Open the store: PostgreSQL when a `postgres://` URL is given, else the
/// embedded SQLite database in `data_dir`. Migrations are run.
pub async fn open(
    database_url: Option<&str>,
    data_dir: &std::path::Path,
) -> Result<std::sync::Arc<dyn Backend>> {
    let store: std::sync::Arc<dyn Backend> = match database_url.filter(|u| !u.is_empty()) {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            std::sync::Arc::new(postgres::PgStore::connect(url).await?)
        }
        Some(url) if url.starts_with("sqlite:") => {
            let path = url
                .trim_start_matches("sqlite://")
                .trim_start_matches("sqlite:");
            std::sync::Arc::new(sqlite::SqliteStore::open_dir(std::path::Path::new(path)).await?)
        }
        Some(other) => {
            return Err(StoreError::Db(sqlx::Error::Configuration(
                format!("unsupported database URL {other:?}: use postgres://... or leave it unset for SQLite").into(),
            )));
        }
        None => std::sync::Arc::new(sqlite::SqliteStore::open_dir(data_dir).await?),
    };
    let applied = store.migrate().await?;
    if !applied.is_empty() {
        tracing::info!(?applied, "schema migrations applied");
    }
    Ok(store)
}

/// What to do when the content changed; false when nobody listens any
/// more (the listener then stops).
pub type ChangeHook = std::sync::Arc<dyn Fn() -> bool + Send + Sync>;

/// A backend that stores both content and readers.
pub trait Backend:
    Store
    + readers::ReaderStore
    + newsroom::NewsroomStore
    + newsroom::StaffStore
    + newsroom::WebhookStore
    + payments::PaymentStore
    + mail::MailStore
    + mail::DeviceStore
    + events::EventStore
    + search::SearchStore
    + discovery::DiscoveryStore
    + pages::PageStore
    + front_page::FrontPageStore
{
}
impl<
    T: Store
        + readers::ReaderStore
        + newsroom::NewsroomStore
        + newsroom::StaffStore
        + newsroom::WebhookStore
        + payments::PaymentStore
        + mail::MailStore
        + mail::DeviceStore
        + events::EventStore
        + search::SearchStore
        + discovery::DiscoveryStore
        + pages::PageStore
        + front_page::FrontPageStore,
> Backend for T
{
}

#[async_trait]
pub trait Store: Send + Sync {
    /// Bring the schema up to date; returns the versions applied now.
    async fn migrate(&self) -> Result<Vec<i64>>;
    async fn counts(&self) -> Result<Counts>;
    async fn load_bundle(&self, bundle: &ContentBundle) -> Result<Counts>;
    /// Fresh table statistics after a bulk write (a demo, an import, a
    /// reindex), so the query planner does not plan for an empty store.
    async fn refresh_planner_stats(&self) -> Result<()>;
    /// Store one article with its credits and comments, all or nothing.
    async fn insert_article(&self, article: &NewArticle) -> Result<i64>;
    async fn article_slug_taken(&self, slug: &str) -> Result<bool>;
    /// A published article (published at or before `now`).
    async fn article(&self, slug: &str, now: i64) -> Result<Option<Article>>;
    async fn articles(&self, q: &ArticleQuery) -> Result<Listing<ArticleSummary>>;
    /// Current headlines of published articles, for read-also links.
    async fn article_refs(&self, slugs: &[String], now: i64)
    -> Result<HashMap<String, ArticleRef>>;
    /// The newest published article with exactly this headline.
    async fn find_by_headline(&self, headline: &str, now: i64) -> Result<Option<ArticleRef>>;
    async fn sections(&self) -> Result<Vec<Section>>;
    async fn section(&self, slug: &str) -> Result<Option<Section>>;
    async fn contributor(&self, slug: &str) -> Result<Option<Contributor>>;
    async fn videos(&self, q: &VideoQuery) -> Result<Listing<Video>>;
    async fn video(&self, slug: &str, now: i64) -> Result<Option<Video>>;
    async fn comments(&self, article_id: i64) -> Result<Vec<Comment>>;
    /// A number that changes whenever published content or comments change,
    /// from any process: the page cache's freshness check.
    async fn content_version(&self) -> Result<i64>;
    /// Stories whose comments changed after change `after`, and the last
    /// change's number (`after` when there is none): a node forgets just
    /// those stories' pages.
    async fn comment_changes(&self, after: i64) -> Result<(i64, Vec<String>)>;
    /// Published stories edited in place (same address, time and section)
    /// after edit `after`, and the last edit's number.
    async fn article_edits(&self, after: i64) -> Result<(i64, Vec<String>)>;
    /// Keep the comment change log short (the newest 10,000).
    async fn prune_comment_changes(&self) -> Result<()>;
    /// Call `on_change` whenever any process changes content, as the
    /// database announces it (PostgreSQL LISTEN/NOTIFY; after a lost
    /// connection, once more on reconnect, since changes may have been
    /// missed). False when the backend cannot announce (SQLite: nodes
    /// poll the content version instead).
    async fn listen_for_changes(&self, on_change: ChangeHook) -> Result<bool>;
    /// Record one attempt under each key unless any key already has `max`
    /// attempts in the last `window` seconds; false when refused (and then
    /// nothing is recorded). Shared by every node on the database.
    async fn rate_hit(&self, keys: &[String], max: i64, window: i64, now: i64) -> Result<bool>;
    async fn rate_reset(&self, key: &str) -> Result<()>;
    /// Count an ad impression or click for `slot` on `day` (YYYY-MM-DD).
    async fn count_ad(&self, slot: &str, day: &str, click: bool) -> Result<()>;
    /// (slot, day, impressions, clicks), newest day first.
    async fn ad_stats(&self, days: i64) -> Result<Vec<(String, String, i64, i64)>>;
    /// "/section/slug" of an article by id, published or not.
    async fn article_path_by_id(&self, id: i64) -> Result<Option<String>>;
}
