//! The event stream's SQL, written once for both backends and stamped out
//! by `sql_store!` (it uses that macro's imports).

#[macro_export]
macro_rules! sql_events {
    ($Store:ident, $Db:ty, $Row:ty) => {
        use $crate::store::events::{Event, EventStore};

        #[async_trait]
        impl EventStore for $Store {
            async fn record_event(
                &self,
                kind: &str,
                subject: &str,
                payload: &str,
                now: i64,
            ) -> Result<i64> {
                Ok(sqlx::query_scalar(
                    "INSERT INTO events (event, slug, payload, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .bind(kind)
                .bind(subject)
                .bind(payload)
                .bind(now)
                .fetch_one(&self.pool)
                .await?)
            }

            async fn claim_events(
                &self,
                consumer: &str,
                from_start: bool,
                now: i64,
                lease: i64,
                limit: i64,
            ) -> Result<Vec<Event>> {
                sqlx::query(
                    "INSERT INTO event_consumers (name, last_event_id) \
                     SELECT $1, CASE WHEN $2 THEN 0 ELSE COALESCE(MAX(id), 0) END FROM events \
                     WHERE true ON CONFLICT (name) DO NOTHING",
                )
                .bind(consumer)
                .bind(from_start)
                .execute(&self.pool)
                .await?;
                // The lease: only one node works through a consumer's events.
                let Some(mark): Option<i64> = sqlx::query_scalar(
                    "UPDATE event_consumers SET lease_until = $3 WHERE name = $1 AND lease_until <= $2 \
                     RETURNING last_event_id",
                )
                .bind(consumer)
                .bind(now)
                .bind(now + lease)
                .fetch_optional(&self.pool)
                .await?
                else {
                    return Ok(Vec::new());
                };
                let events: Vec<Event> = sqlx::query(
                    "SELECT id, event, slug, payload, created_at FROM events WHERE id > $1 ORDER BY id LIMIT $2",
                )
                .bind(mark)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| Event {
                    id: r.get("id"),
                    kind: r.get("event"),
                    subject: r.get("slug"),
                    payload: r.get("payload"),
                    created_at: r.get("created_at"),
                })
                .collect();
                if events.is_empty() {
                    self.release_events(consumer).await?;
                }
                Ok(events)
            }

            async fn ack_events(&self, consumer: &str, through: i64) -> Result<()> {
                sqlx::query(
                    "UPDATE event_consumers SET last_event_id = CASE WHEN last_event_id < $2 THEN $2 \
                     ELSE last_event_id END, lease_until = 0 WHERE name = $1",
                )
                .bind(consumer)
                .bind(through)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn release_events(&self, consumer: &str) -> Result<()> {
                sqlx::query("UPDATE event_consumers SET lease_until = 0 WHERE name = $1")
                    .bind(consumer)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn consumer_mark(&self, consumer: &str) -> Result<Option<i64>> {
                Ok(sqlx::query_scalar("SELECT last_event_id FROM event_consumers WHERE name = $1")
                    .bind(consumer)
                    .fetch_optional(&self.pool)
                    .await?)
            }
        }
    };
}
