//! Outgoing mail waits in the database until a sender on any node takes it
//! (leased, so two nodes never send one twice at once), and is tried again
//! when the mail server fails.

use async_trait::async_trait;

use super::Result;

/// A message taken from the queue to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedMail {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub body: String,
    /// Tries so far, this one included.
    pub attempts: i64,
}

#[async_trait]
pub trait MailStore: Send + Sync {
    /// Queue a message to go at once.
    async fn enqueue_mail(&self, to: &str, subject: &str, body: &str, now: i64) -> Result<i64>;
    /// Take one message that is due, leased to this node until `now + lease`.
    async fn claim_mail(&self, now: i64, lease: i64) -> Result<Option<QueuedMail>>;
    /// Record how sending went: sent, or tried again at `next_at`.
    async fn finish_mail(
        &self,
        id: i64,
        sent: bool,
        error: Option<&str>,
        next_at: i64,
        now: i64,
    ) -> Result<()>;
    /// Messages not sent yet (waiting, or being retried).
    async fn mail_unsent(&self) -> Result<i64>;
}

/// Browsers that signed in to an account before (`known_devices`).
#[async_trait]
pub trait DeviceStore: Send + Sync {
    async fn add_known_device(&self, token_hash: &str, reader_id: i64, now: i64) -> Result<()>;
    /// The account a device token belongs to (its last use is noted).
    async fn known_device(&self, token_hash: &str, now: i64) -> Result<Option<i64>>;
    /// Attempts recorded under a rate-limit key in the last `window` seconds.
    async fn rate_count(&self, key: &str, window: i64, now: i64) -> Result<i64>;
}
