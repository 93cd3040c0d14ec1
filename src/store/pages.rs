//! The site's own pages: about, masthead, the cyber-media reporting code,
//! contact, privacy, terms, corrections. Blocks like a story's body.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::Result;
use crate::domain::Block;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SitePage {
    pub slug: String,
    pub title: String,
    pub body: Vec<Block>,
    /// Order in the footer, smallest first.
    pub position: i64,
    pub in_footer: bool,
    pub updated_at: i64,
}

#[async_trait]
pub trait PageStore: Send + Sync {
    /// Every page, in footer order.
    async fn site_pages(&self) -> Result<Vec<SitePage>>;
    async fn site_page(&self, slug: &str) -> Result<Option<SitePage>>;
    /// What the footer links (on every page): address and title of the
    /// pages shown there, in order; no bodies read.
    async fn footer_pages(&self) -> Result<Vec<(String, String)>>;
    /// Add a page or replace the one with the same slug.
    async fn save_site_page(&self, p: &SitePage) -> Result<()>;
    /// Whether there was one to delete.
    async fn delete_site_page(&self, slug: &str) -> Result<bool>;
}
