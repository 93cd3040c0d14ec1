//! What feeds and sitemaps read: published stories by time, and when
//! sections and authors last changed.

use async_trait::async_trait;

use super::Result;

/// A published story, as a sitemap lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleStamp {
    pub slug: String,
    pub section_slug: String,
    pub headline: String,
    pub published_at: i64,
    /// When it last changed (its update, or its publication).
    pub changed_at: i64,
    /// Its lead image's address, when it has one.
    pub image: Option<String>,
}

#[async_trait]
pub trait DiscoveryStore: Send + Sync {
    /// Stories published in `[from, to)` (and by `now`), oldest first.
    async fn article_stamps(
        &self,
        from: i64,
        to: i64,
        now: i64,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<ArticleStamp>>;
    /// How many stories were published in `[from, to)`, and when the last
    /// of them changed.
    async fn published_stats(&self, from: i64, to: i64, now: i64) -> Result<(i64, Option<i64>)>;
    /// When the first story was published.
    async fn first_published(&self, now: i64) -> Result<Option<i64>>;
    /// Each section with a published story, and when its stories last changed.
    async fn section_changes(&self, now: i64) -> Result<Vec<(String, i64)>>;
    /// Each credited contributor, and when their stories last changed.
    async fn author_changes(&self, now: i64) -> Result<Vec<(String, i64)>>;
}
