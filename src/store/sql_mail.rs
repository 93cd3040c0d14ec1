//! The mail queue's and known devices' SQL, written once for both backends
//! and stamped out in the same module as `sql_store!` (it uses that macro's
//! imports).

#[macro_export]
macro_rules! sql_mail {
    ($Store:ident, $Db:ty, $Row:ty) => {
        use $crate::store::mail::{DeviceStore, MailStore, QueuedMail};

        #[async_trait]
        impl MailStore for $Store {
            async fn enqueue_mail(&self, to: &str, subject: &str, body: &str, now: i64) -> Result<i64> {
                Ok(sqlx::query_scalar(
                    "INSERT INTO mail_queue (to_addr, subject, body, created_at, next_at) \
                     VALUES ($1, $2, $3, $4, $4) RETURNING id",
                )
                .bind(to)
                .bind(subject)
                .bind(body)
                .bind(now)
                .fetch_one(&self.pool)
                .await?)
            }

            async fn claim_mail(&self, now: i64, lease: i64) -> Result<Option<QueuedMail>> {
                loop {
                    let Some(row) = sqlx::query(
                        "SELECT id, next_at FROM mail_queue WHERE sent_at IS NULL AND next_at <= $1 \
                         ORDER BY next_at, id LIMIT 1",
                    )
                    .bind(now)
                    .fetch_optional(&self.pool)
                    .await?
                    else {
                        return Ok(None);
                    };
                    let (id, seen_next): (i64, i64) = (row.get("id"), row.get("next_at"));
                    // Taken only if no other node moved it since we looked.
                    let Some(m) = sqlx::query(
                        "UPDATE mail_queue SET next_at = $3, attempts = attempts + 1 \
                         WHERE id = $1 AND next_at = $2 AND sent_at IS NULL \
                         RETURNING id, to_addr, subject, body, attempts",
                    )
                    .bind(id)
                    .bind(seen_next)
                    .bind(now + lease)
                    .fetch_optional(&self.pool)
                    .await?
                    else {
                        continue;
                    };
                    return Ok(Some(QueuedMail {
                        id: m.get("id"),
                        to: m.get("to_addr"),
                        subject: m.get("subject"),
                        body: m.get("body"),
                        attempts: m.get("attempts"),
                    }));
                }
            }

            async fn finish_mail(
                &self,
                id: i64,
                sent: bool,
                error: Option<&str>,
                next_at: i64,
                now: i64,
            ) -> Result<()> {
                sqlx::query(
                    "UPDATE mail_queue SET sent_at = $2, last_error = $3, next_at = $4 WHERE id = $1",
                )
                .bind(id)
                .bind(sent.then_some(now))
                .bind(error)
                .bind(next_at)
                .execute(&self.pool)
                .await?;
                if sent && now % 16 == 0 {
                    // Now and then, forget what went out more than a week ago.
                    sqlx::query("DELETE FROM mail_queue WHERE sent_at IS NOT NULL AND sent_at <= $1")
                        .bind(now - 7 * 86_400)
                        .execute(&self.pool)
                        .await?;
                }
                Ok(())
            }

            async fn mail_unsent(&self) -> Result<i64> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM mail_queue WHERE sent_at IS NULL")
                    .fetch_one(&self.pool)
                    .await?)
            }
        }

        #[async_trait]
        impl DeviceStore for $Store {
            async fn add_known_device(&self, token_hash: &str, reader_id: i64, now: i64) -> Result<()> {
                sqlx::query(
                    "INSERT INTO known_devices (token_hash, reader_id, created_at, last_used_at) \
                     VALUES ($1, $2, $3, $3) ON CONFLICT (token_hash) DO UPDATE SET last_used_at = $3",
                )
                .bind(token_hash)
                .bind(reader_id)
                .bind(now)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn known_device(&self, token_hash: &str, now: i64) -> Result<Option<i64>> {
                Ok(sqlx::query_scalar(
                    "UPDATE known_devices SET last_used_at = $2 WHERE token_hash = $1 RETURNING reader_id",
                )
                .bind(token_hash)
                .bind(now)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn rate_count(&self, key: &str, window: i64, now: i64) -> Result<i64> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM rate_events WHERE key = $1 AND at > $2")
                    .bind(key)
                    .bind(now - window)
                    .fetch_one(&self.pool)
                    .await?)
            }
        }
    };
}
