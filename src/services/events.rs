//! Consumers of the domain event stream. Each has a name and a mark in the
//! store; `run` feeds it what is new in batches, leased to one node at a
//! time, and moves its mark only after it handled a batch, so a consumer
//! resumes where it stopped after a restart or on another node and sees
//! every event at least once, in order. Webhooks are the first consumer;
//! search indexing, CDN purges, newsletters and push hang off the same
//! stream.

use async_trait::async_trait;

use crate::core::Core;
use crate::error::AppError;
use crate::store::events::Event;

/// How long a node holds a consumer while it works through a batch.
pub const LEASE: i64 = 60;
/// Events handed to a consumer at once.
pub const BATCH: i64 = 200;

#[async_trait]
pub trait Consumer: Send + Sync {
    /// The consumer's mark in the store: never change it once in use.
    fn name(&self) -> &str;
    /// Whether a new consumer starts from the first event ever (an index to
    /// build) rather than from the next one (a notification).
    fn starts_at_first_event(&self) -> bool {
        false
    }
    /// Handle a batch, in order. An error leaves the mark where it was: the
    /// same events come again, so handling must be safe to repeat.
    async fn handle(&self, core: &Core, events: &[Event]) -> Result<(), AppError>;
}

/// Feed `consumer` what is new, batch after batch; how many events it
/// handled (0 when nothing was new or another node holds it now).
pub async fn run(core: &Core, consumer: &dyn Consumer) -> Result<usize, AppError> {
    let mut handled = 0;
    loop {
        let events = core
            .store
            .claim_events(
                consumer.name(),
                consumer.starts_at_first_event(),
                core.clock.now(),
                LEASE,
                BATCH,
            )
            .await?;
        let Some(last) = events.last().map(|e| e.id) else {
            return Ok(handled);
        };
        if let Err(e) = consumer.handle(core, &events).await {
            core.store.release_events(consumer.name()).await?;
            return Err(e);
        }
        core.store.ack_events(consumer.name(), last).await?;
        handled += events.len();
        if events.len() < BATCH as usize {
            return Ok(handled);
        }
    }
}
