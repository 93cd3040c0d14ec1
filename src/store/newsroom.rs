//! The newsroom side of the store: staff roles, stories with their
//! revisions and workflow status, the audit log, Admin API tokens, preview
//! links and who has a story open.
//!
//! A story is the newsroom's working copy; `articles` holds only what
//! readers see. Publishing writes the reader copy in the same transaction
//! as the story's new status, so a reader never sees a half-published
//! story and a scheduled story is published exactly once, whichever node
//! gets there first.

use async_trait::async_trait;

use super::{ArticleRef, NewArticle, Result};
use crate::domain::newsroom::{StaffRole, StoryStatus};
use crate::domain::story::StoryDoc;

#[derive(Debug, Clone, PartialEq)]
pub struct Story {
    pub id: i64,
    pub slug: String,
    pub status: StoryStatus,
    pub revision: i64,
    pub doc: StoryDoc,
    pub publish_at: Option<i64>,
    pub unpublish_at: Option<i64>,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub updated_by: String,
    pub updated_at: i64,
    pub status_by: String,
    pub status_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorySummary {
    pub id: i64,
    pub slug: String,
    pub headline: String,
    pub section_slug: String,
    pub status: StoryStatus,
    pub revision: i64,
    pub created_by: Option<i64>,
    pub updated_by: String,
    pub updated_at: i64,
    pub publish_at: Option<i64>,
}

#[derive(Debug, Clone, Default)]
pub struct StoryQuery {
    pub status: Option<StoryStatus>,
    /// Only these sections (empty: all).
    pub sections: Vec<String>,
    pub created_by: Option<i64>,
    /// Headline contains this text (case-insensitive).
    pub text: Option<String>,
    pub limit: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionInfo {
    pub revision: i64,
    pub author: String,
    pub created_at: i64,
}

/// Who did something, for the story's history and the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The staff account, when a person did it.
    pub reader_id: Option<i64>,
    /// "Rina Wulandari <rina@…>", "token cms-sync", "scheduler", "cli".
    pub label: String,
}

/// One change to a story: its new document and status, what happens to
/// the copy readers see, and the audit entry, written all at once.
#[derive(Debug, Clone)]
pub struct StoryWrite<'a> {
    pub doc: &'a StoryDoc,
    pub status: StoryStatus,
    pub publish_at: Option<i64>,
    pub unpublish_at: Option<i64>,
    pub actor: &'a Actor,
    /// The audit log's action name, e.g. "story.save", "story.publish".
    pub action: &'a str,
    pub detail: String,
    /// Keep a new revision of the document (false for a status change
    /// that leaves the text as it was).
    pub new_revision: bool,
    /// The status the change was decided from: the write happens only if
    /// the story is still there, so a move (which keeps the revision) is
    /// made once even when two nodes decide it at the same moment.
    pub from: Option<StoryStatus>,
    /// Taking a published article that has no story yet into the newsroom
    /// (its slug is, of course, taken by that article).
    pub adopting: bool,
}

#[derive(Debug, Clone)]
pub enum Live<'a> {
    /// Readers' copy unchanged.
    Keep,
    /// Write (or replace) the readers' copy.
    Publish(&'a NewArticle),
    /// Take it off the site.
    Unpublish,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: String,
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    /// Action prefix, e.g. "story." or "token.create".
    pub action: Option<String>,
    pub target: Option<String>,
    pub limit: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub scopes: Vec<String>,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    pub reader_id: i64,
    pub email: String,
    pub name: String,
    pub role: StaffRole,
    pub sections: Vec<String>,
}

/// An image in the media library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaItem {
    pub id: i64,
    pub stored: crate::media::Stored,
    pub alt: String,
    pub uploaded_by: String,
    pub created_at: i64,
}

/// A webhook delivery claimed by this node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub event_id: i64,
    pub url: String,
    /// Attempts so far, including this one.
    pub attempts: i64,
    pub event: String,
    pub slug: String,
    pub created_at: i64,
}

#[async_trait]
pub trait NewsroomStore: Send + Sync {
    /// Give a reader a staff role (None takes it away), with the audit entry.
    /// A new story (revision 1). `Conflict` when the slug is taken by a
    /// story or a published article.
    async fn create_story(&self, w: &StoryWrite<'_>, live: Live<'_>, now: i64) -> Result<Story>;
    /// Change a story that is still at `base_revision`; `Stale` otherwise,
    /// and nothing is written.
    async fn update_story(
        &self,
        id: i64,
        base_revision: i64,
        w: &StoryWrite<'_>,
        live: Live<'_>,
        now: i64,
    ) -> Result<Story>;
    async fn story(&self, id: i64) -> Result<Option<Story>>;
    async fn story_by_slug(&self, slug: &str) -> Result<Option<Story>>;
    async fn stories(&self, q: &StoryQuery) -> Result<Vec<StorySummary>>;
    async fn revisions(&self, story_id: i64) -> Result<Vec<RevisionInfo>>;
    async fn revision(
        &self,
        story_id: i64,
        revision: i64,
    ) -> Result<Option<(RevisionInfo, StoryDoc)>>;
    /// Scheduled stories whose time has come, and published ones whose
    /// unpublishing time has.
    async fn due_stories(&self, now: i64) -> Result<Vec<Story>>;

    async fn audit(
        &self,
        actor: &Actor,
        action: &str,
        target: &str,
        detail: &str,
        now: i64,
    ) -> Result<()>;
    async fn audit_log(&self, f: &AuditFilter) -> Result<Vec<AuditEntry>>;

    /// The live token with this hash (its last use is recorded).
    /// Revoke every live token with this name; how many were.
    async fn create_preview_link(
        &self,
        hash: &str,
        story_id: i64,
        by: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<()>;
    /// The story behind a live preview link.
    async fn preview_story(&self, hash: &str, now: i64) -> Result<Option<Story>>;
    async fn revoke_preview_links(&self, story_id: i64, now: i64) -> Result<u64>;
    /// Count of live preview links of a story.
    async fn preview_links(&self, story_id: i64, now: i64) -> Result<i64>;

    /// Note that `reader_id` has the story open; the names of the others
    /// who had it open in the last minute.
    async fn touch_presence(
        &self,
        story_id: i64,
        reader_id: i64,
        name: &str,
        now: i64,
    ) -> Result<Vec<String>>;

    /// Add an upload to the library (the same bytes again: the existing
    /// item), with the audit entry.
    async fn add_media(
        &self,
        m: &crate::media::Stored,
        alt: &str,
        actor: &Actor,
        now: i64,
    ) -> Result<MediaItem>;
    async fn media_by_src(&self, src: &str) -> Result<Option<MediaItem>>;
    /// Newest first; `text` matches alt text, caption or credit.
    async fn media_list(&self, text: Option<&str>, limit: i64) -> Result<Vec<MediaItem>>;

    /// Add or change a section (by slug) under `parent` (one level deep;
    /// checked by the caller), with the audit entry.
    async fn save_section(&self, s: &crate::domain::Section, actor: &Actor, now: i64)
    -> Result<()>;
    /// Add or change a contributor's profile (by slug), with the audit entry.
    async fn save_contributor(
        &self,
        c: &crate::domain::Contributor,
        actor: &Actor,
        now: i64,
    ) -> Result<()>;
    async fn contributors(&self) -> Result<Vec<crate::domain::Contributor>>;

    /// The staff member's two-factor state: (secret, pending secret).
    /// Turn two-factor on with the pending secret (or off, with None),
    /// with the audit entry.
    /// Accept a code's time step once: false when it (or a later one) was
    /// used already.
    /// The reader and destination of a live challenge.
    /// Queue the article events after `after` up to `through` that this
    /// URL has not been sent yet (a URL seen for the first time starts after
    /// `after`: it gets the events from then on); how many were queued.
    /// Take one due delivery, leased to this node until `now + lease`, so
    /// two nodes never send the same one at the same time.
    /// Record how a delivery went: delivered, or tried again at `next_at`.
    /// Published articles whose headline contains `text`, newest first:
    /// the editor's read-also search.
    async fn search_refs(&self, text: &str, limit: i64, now: i64) -> Result<Vec<ArticleRef>>;
}

/// The newsroom's people and keys: roles, Admin API tokens, two-step
/// sign-in and its held sign-ins.
#[async_trait]
pub trait StaffStore: Send + Sync {
    async fn staff_role(&self, reader_id: i64) -> Result<Option<(StaffRole, Vec<String>)>>;
    async fn set_staff_role(
        &self,
        reader_id: i64,
        role: Option<(StaffRole, &[String])>,
        actor: &Actor,
        now: i64,
    ) -> Result<()>;
    async fn staff_members(&self) -> Result<Vec<StaffMember>>;

    async fn create_api_token(
        &self,
        name: &str,
        hash: &str,
        scopes: &[String],
        now: i64,
    ) -> Result<i64>;
    async fn api_token(&self, hash: &str, now: i64) -> Result<Option<ApiToken>>;
    async fn api_tokens(&self) -> Result<Vec<ApiToken>>;
    async fn revoke_api_token(&self, name: &str, now: i64) -> Result<u64>;

    async fn staff_totp(&self, reader_id: i64) -> Result<(Option<String>, Option<String>)>;
    async fn set_totp_pending(&self, reader_id: i64, secret: Option<&str>) -> Result<()>;
    async fn set_totp(
        &self,
        reader_id: i64,
        secret: Option<&str>,
        actor: &Actor,
        now: i64,
    ) -> Result<()>;
    async fn use_totp_step(&self, reader_id: i64, step: i64) -> Result<bool>;
    async fn create_login_challenge(
        &self,
        hash: &str,
        reader_id: i64,
        next: &str,
        expires_at: i64,
    ) -> Result<()>;
    async fn login_challenge(&self, hash: &str, now: i64) -> Result<Option<(i64, String)>>;
    async fn delete_login_challenge(&self, hash: &str) -> Result<()>;
}

/// Webhook deliveries, fed by the event stream's `webhooks` consumer.
#[async_trait]
pub trait WebhookStore: Send + Sync {
    async fn queue_webhook_deliveries(
        &self,
        url: &str,
        after: i64,
        through: i64,
        now: i64,
    ) -> Result<u64>;
    async fn claim_delivery(&self, now: i64, lease: i64) -> Result<Option<Delivery>>;
    async fn finish_delivery(
        &self,
        d: &Delivery,
        delivered: bool,
        status: Option<i64>,
        error: Option<&str>,
        next_at: i64,
        now: i64,
    ) -> Result<()>;
}
