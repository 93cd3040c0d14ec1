//! How editors arranged the front page, and the menu order of sections.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::Result;

/// What editors chose; the default is the automatic front page (newest
/// story leads, every section has its block).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrontPagePlan {
    /// The story pinned as the lead, by address.
    pub lead_slug: Option<String>,
    /// Sections whose blocks the front page leaves off.
    pub hidden: Vec<String>,
    pub updated_by: String,
    pub updated_at: i64,
}

#[async_trait]
pub trait FrontPageStore: Send + Sync {
    async fn front_page_plan(&self) -> Result<FrontPagePlan>;
    /// Save the plan and the sections' order (menu and blocks) together.
    async fn save_front_page(&self, plan: &FrontPagePlan, order: &[(String, i64)]) -> Result<()>;
}
