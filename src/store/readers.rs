//! The reader side of the store: accounts, sessions, e-mail links,
//! memberships, redeem codes, and readers' comments.

use async_trait::async_trait;

use super::Result;
use crate::domain::membership::{
    Membership, PeriodRequest, RedeemCode, RedeemError, Source, Status,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
    pub display_name: String,
    pub verified: bool,
    pub staff: bool,
    pub comment_banned: bool,
    pub created_at: i64,
}

impl Account {
    /// What to call them next to their comments.
    pub fn public_name(&self) -> String {
        if self.display_name.trim().is_empty() {
            self.email.split('@').next().unwrap_or("").to_string()
        } else {
            self.display_name.clone()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    pub token_hash: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub user_agent: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    Verify,
    Reset,
    ChangeEmail,
}

impl TokenPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::Verify => "verify",
            TokenPurpose::Reset => "reset",
            TokenPurpose::ChangeEmail => "change_email",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMembership {
    pub plan_id: String,
    pub source: Source,
    pub status: Status,
    pub starts_at: i64,
    pub ends_at: i64,
    pub reference: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentStatus {
    Visible,
    Pending,
    Hidden,
    Deleted,
}

impl CommentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CommentStatus::Visible => "visible",
            CommentStatus::Pending => "pending",
            CommentStatus::Hidden => "hidden",
            CommentStatus::Deleted => "deleted",
        }
    }

    pub fn parse(s: &str) -> Option<CommentStatus> {
        match s {
            "visible" => Some(CommentStatus::Visible),
            "pending" => Some(CommentStatus::Pending),
            "hidden" => Some(CommentStatus::Hidden),
            "deleted" => Some(CommentStatus::Deleted),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewReaderComment {
    pub article_id: i64,
    pub parent_id: Option<i64>,
    pub reader_id: i64,
    pub author: String,
    pub body: String,
    pub status: CommentStatus,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentRow {
    pub id: i64,
    pub article_id: i64,
    pub parent_id: Option<i64>,
    pub reader_id: Option<i64>,
    pub author: String,
    pub body: String,
    pub status: CommentStatus,
    pub created_at: i64,
    pub reports: i64,
}

#[async_trait]
pub trait ReaderStore: Send + Sync {
    /// A new account; `Conflict` if the address is taken.
    async fn create_reader(
        &self,
        email: &str,
        password_hash: &str,
        display_name: &str,
        verified_at: Option<i64>,
        now: i64,
    ) -> Result<i64>;
    async fn reader_by_email(&self, email: &str) -> Result<Option<Account>>;
    async fn reader(&self, id: i64) -> Result<Option<Account>>;
    async fn mark_verified(&self, id: i64, now: i64) -> Result<()>;
    async fn set_password(&self, id: i64, password_hash: &str) -> Result<()>;
    async fn set_email(&self, id: i64, email: &str) -> Result<()>;
    async fn set_comment_banned(&self, id: i64, banned: bool) -> Result<()>;
    /// Remove personal data; the reader's comments stay, shown as a deleted account.
    async fn delete_reader(&self, id: i64, now: i64) -> Result<()>;

    async fn create_session(
        &self,
        token_hash: &str,
        reader_id: i64,
        now: i64,
        expires_at: i64,
        user_agent: &str,
    ) -> Result<()>;
    /// The account behind a live session, refreshing its last-seen time.
    async fn session_account(&self, token_hash: &str, now: i64) -> Result<Option<Account>>;
    async fn delete_session(&self, token_hash: &str) -> Result<()>;
    /// Sign a reader out everywhere, except the session `keep` if given.
    async fn delete_reader_sessions(&self, reader_id: i64, keep: Option<&str>) -> Result<u64>;
    async fn reader_sessions(&self, reader_id: i64, now: i64) -> Result<Vec<SessionInfo>>;

    async fn create_email_token(
        &self,
        token_hash: &str,
        reader_id: i64,
        purpose: TokenPurpose,
        new_email: Option<&str>,
        now: i64,
        expires_at: i64,
    ) -> Result<()>;
    /// Use a link once: the reader and, for a change of address, the new one.
    async fn use_email_token(
        &self,
        token_hash: &str,
        purpose: TokenPurpose,
        now: i64,
    ) -> Result<Option<(i64, Option<String>)>>;

    async fn memberships(&self, reader_id: i64) -> Result<Vec<Membership>>;
    /// The one writer of membership periods (grants, codes and payments all
    /// come here): with the reader's row locked, find where their benefits
    /// end and add the period after it (`domain::membership::place_period`),
    /// so periods written at the same instant queue, never overlap.
    async fn add_period(&self, reader_id: i64, req: &PeriodRequest, now: i64)
    -> Result<Membership>;
    async fn create_redeem_code(&self, code: &RedeemCode, created_by: &str, now: i64)
    -> Result<()>;
    /// Redeem `code` for `reader_id`, all or nothing.
    async fn redeem(
        &self,
        code: &str,
        reader_id: i64,
        now: i64,
    ) -> Result<std::result::Result<Membership, RedeemError>>;

    async fn add_comment(&self, c: &NewReaderComment) -> Result<i64>;
    /// Whether the reader has a comment (any status) under the article at this slug.
    async fn has_commented(&self, reader_id: i64, article_slug: &str) -> Result<bool>;
    async fn comment(&self, id: i64) -> Result<Option<CommentRow>>;
    async fn edit_comment(&self, id: i64, body: &str, now: i64) -> Result<()>;
    async fn set_comment_status(&self, id: i64, status: CommentStatus) -> Result<()>;
    /// True when this reader had not reported the comment before.
    async fn report_comment(&self, id: i64, reader_id: i64, reason: &str, now: i64)
    -> Result<bool>;
    /// Comments waiting for a moderator: pending ones and reported visible ones.
    async fn moderation_queue(&self, limit: i64) -> Result<Vec<CommentRow>>;
}
