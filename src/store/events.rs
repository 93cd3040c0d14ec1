//! The stream of domain events (`events`, an outbox written in the same
//! transaction as each change) and its consumers' marks. A consumer takes
//! the events after its mark, leased to one node at a time, and moves the
//! mark once it has handled them: at least once, in order, at its own pace.

use async_trait::async_trait;

use super::Result;

/// One domain event: `article.published`, `membership.started`, ...
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub id: i64,
    pub kind: String,
    /// What it is about: an article's slug, `reader:<id>`, ...
    pub subject: String,
    /// Details, as JSON.
    pub payload: String,
    pub created_at: i64,
}

#[async_trait]
pub trait EventStore: Send + Sync {
    /// Add an event outside any other change (most are written by the
    /// store in the change's own transaction).
    async fn record_event(&self, kind: &str, subject: &str, payload: &str, now: i64)
    -> Result<i64>;
    /// Up to `limit` events after `consumer`'s mark, leased to the caller
    /// until `now + lease`; empty when another node holds the lease or there
    /// is nothing new. A consumer seen for the first time starts after the
    /// newest event, or before the first with `from_start`.
    async fn claim_events(
        &self,
        consumer: &str,
        from_start: bool,
        now: i64,
        lease: i64,
        limit: i64,
    ) -> Result<Vec<Event>>;
    /// `consumer` has handled every event up to `through`: move its mark
    /// there and give the lease back.
    async fn ack_events(&self, consumer: &str, through: i64) -> Result<()>;
    /// Give the lease back without moving the mark (handling failed: the
    /// same events come again).
    async fn release_events(&self, consumer: &str) -> Result<()>;
    /// Where `consumer` stands, if it has started.
    async fn consumer_mark(&self, consumer: &str) -> Result<Option<i64>>;
}
