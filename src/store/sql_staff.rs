//! The SQL of the newsroom's people and keys (roles, Admin API tokens,
//! two-step sign-in) and of webhook deliveries, stamped out by `sql_store!`
//! in the same module (it uses the newsroom macro's imports and helpers).

#[macro_export]
macro_rules! sql_staff {
    ($Store:ident, $Db:ty, $Row:ty) => {
        use $crate::store::newsroom::{StaffStore, WebhookStore};

        #[async_trait]
        impl StaffStore for $Store {
            async fn staff_role(&self, reader_id: i64) -> Result<Option<(StaffRole, Vec<String>)>> {
                let Some(r) = sqlx::query("SELECT role, sections FROM staff WHERE reader_id = $1")
                    .bind(reader_id)
                    .fetch_optional(&self.pool)
                    .await?
                else {
                    return Ok(None);
                };
                let role: String = r.get("role");
                Ok(Some((
                    StaffRole::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("role {role:?}")))?,
                    json("sections", &r.get::<String, _>("sections"))?,
                )))
            }

            async fn set_staff_role(
                &self,
                reader_id: i64,
                role: Option<(StaffRole, &[String])>,
                actor: &Actor,
                now: i64,
            ) -> Result<()> {
                let mut tx = self.begin_write().await?;
                let detail = match role {
                    Some((r, sections)) => {
                        sqlx::query(
                            "INSERT INTO staff (reader_id, role, sections, created_at) VALUES ($1, $2, $3, $4) \
                             ON CONFLICT (reader_id) DO UPDATE SET role = excluded.role, sections = excluded.sections",
                        )
                        .bind(reader_id)
                        .bind(r.as_str())
                        .bind(to_json(&sections))
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                        format!("{} {}", r.as_str(), sections.join(","))
                    }
                    None => {
                        sqlx::query("DELETE FROM staff WHERE reader_id = $1")
                            .bind(reader_id)
                            .execute(&mut *tx)
                            .await?;
                        "none".to_string()
                    }
                };
                sqlx::query("UPDATE readers SET is_staff = $2 WHERE id = $1")
                    .bind(reader_id)
                    .bind(role.is_some() as i64)
                    .execute(&mut *tx)
                    .await?;
                audit_tx(&mut tx, actor, "staff.role", &format!("reader:{reader_id}"), &detail, now).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn staff_members(&self) -> Result<Vec<StaffMember>> {
                sqlx::query(
                    "SELECT s.reader_id, r.email, r.display_name, s.role, s.sections FROM staff s \
                     JOIN readers r ON r.id = s.reader_id ORDER BY r.display_name, r.email",
                )
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| {
                    let role: String = r.get("role");
                    Ok(StaffMember {
                        reader_id: r.get("reader_id"),
                        email: r.get("email"),
                        name: r.get("display_name"),
                        role: StaffRole::parse(&role)
                            .ok_or_else(|| StoreError::Corrupt(format!("role {role:?}")))?,
                        sections: json("sections", &r.get::<String, _>("sections"))?,
                    })
                })
                .collect()
            }

            async fn create_api_token(
                &self,
                name: &str,
                hash: &str,
                scopes: &[String],
                now: i64,
            ) -> Result<i64> {
                let mut tx = self.begin_write().await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO api_tokens (name, token_hash, scopes, created_at) VALUES ($1, $2, $3, $4) \
                     RETURNING id",
                )
                .bind(name)
                .bind(hash)
                .bind(to_json(&scopes))
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                let cli = Actor { reader_id: None, label: "cli".into() };
                audit_tx(&mut tx, &cli, "token.create", &format!("token:{name}"), &scopes.join(" "), now)
                    .await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn api_token(&self, hash: &str, now: i64) -> Result<Option<ApiToken>> {
                sqlx::query(
                    "UPDATE api_tokens SET last_used_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL \
                     RETURNING id, name, scopes, created_at, revoked_at, last_used_at",
                )
                .bind(hash)
                .bind(now)
                .fetch_optional(&self.pool)
                .await?
                .as_ref()
                .map(token_of)
                .transpose()
            }

            async fn api_tokens(&self) -> Result<Vec<ApiToken>> {
                sqlx::query(
                    "SELECT id, name, scopes, created_at, revoked_at, last_used_at FROM api_tokens ORDER BY id",
                )
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(token_of)
                .collect()
            }

            async fn revoke_api_token(&self, name: &str, now: i64) -> Result<u64> {
                let mut tx = self.begin_write().await?;
                let n = sqlx::query(
                    "UPDATE api_tokens SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL",
                )
                .bind(name)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                let cli = Actor { reader_id: None, label: "cli".into() };
                audit_tx(&mut tx, &cli, "token.revoke", &format!("token:{name}"), &format!("{n} revoked"), now)
                    .await?;
                tx.commit().await?;
                Ok(n)
            }

            async fn staff_totp(&self, reader_id: i64) -> Result<(Option<String>, Option<String>)> {
                let row = sqlx::query("SELECT totp_secret, totp_pending FROM staff WHERE reader_id = $1")
                    .bind(reader_id)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(row
                    .map(|r| (r.get("totp_secret"), r.get("totp_pending")))
                    .unwrap_or((None, None)))
            }

            async fn set_totp_pending(&self, reader_id: i64, secret: Option<&str>) -> Result<()> {
                sqlx::query("UPDATE staff SET totp_pending = $2 WHERE reader_id = $1")
                    .bind(reader_id)
                    .bind(secret)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn set_totp(&self, reader_id: i64, secret: Option<&str>, actor: &Actor, now: i64) -> Result<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "UPDATE staff SET totp_secret = $2, totp_pending = NULL, totp_last_step = NULL WHERE reader_id = $1",
                )
                .bind(reader_id)
                .bind(secret)
                .execute(&mut *tx)
                .await?;
                let action = if secret.is_some() { "staff.totp.enable" } else { "staff.totp.disable" };
                audit_tx(&mut tx, actor, action, &format!("reader:{reader_id}"), "", now).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn use_totp_step(&self, reader_id: i64, step: i64) -> Result<bool> {
                let n = sqlx::query(
                    "UPDATE staff SET totp_last_step = $2 WHERE reader_id = $1 \
                     AND (totp_last_step IS NULL OR totp_last_step < $2)",
                )
                .bind(reader_id)
                .bind(step)
                .execute(&self.pool)
                .await?
                .rows_affected();
                Ok(n == 1)
            }

            async fn create_login_challenge(
                &self,
                hash: &str,
                reader_id: i64,
                next: &str,
                expires_at: i64,
            ) -> Result<()> {
                sqlx::query(
                    "INSERT INTO login_challenges (token_hash, reader_id, next, expires_at) VALUES ($1, $2, $3, $4)",
                )
                .bind(hash)
                .bind(reader_id)
                .bind(next)
                .bind(expires_at)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn login_challenge(&self, hash: &str, now: i64) -> Result<Option<(i64, String)>> {
                Ok(sqlx::query(
                    "SELECT reader_id, next FROM login_challenges WHERE token_hash = $1 AND expires_at > $2",
                )
                .bind(hash)
                .bind(now)
                .fetch_optional(&self.pool)
                .await?
                .map(|r| (r.get("reader_id"), r.get("next"))))
            }

            async fn delete_login_challenge(&self, hash: &str) -> Result<()> {
                sqlx::query("DELETE FROM login_challenges WHERE token_hash = $1")
                    .bind(hash)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }
        }

        #[async_trait]
        impl WebhookStore for $Store {
            async fn queue_webhook_deliveries(
                &self,
                url: &str,
                after: i64,
                through: i64,
                now: i64,
            ) -> Result<u64> {
                let mut tx = self.begin_write().await?;
                let newest = through;
                sqlx::query(
                    "INSERT INTO webhook_marks (url, last_event_id) VALUES ($1, $2) ON CONFLICT (url) DO NOTHING",
                )
                .bind(url)
                .bind(after)
                .execute(&mut *tx)
                .await?;
                let mark: i64 = sqlx::query_scalar("SELECT last_event_id FROM webhook_marks WHERE url = $1")
                    .bind(url)
                    .fetch_one(&mut *tx)
                    .await?;
                let n = sqlx::query(
                    "INSERT INTO webhook_deliveries (event_id, url, next_at) \
                     SELECT id, $1, $2 FROM events WHERE id > $3 AND id <= $4 AND event LIKE 'article.%' \
                     ON CONFLICT (event_id, url) DO NOTHING",
                )
                .bind(url)
                .bind(now)
                .bind(mark)
                .bind(newest)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                sqlx::query("UPDATE webhook_marks SET last_event_id = $2 WHERE url = $1 AND last_event_id < $2")
                    .bind(url)
                    .bind(newest)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(n)
            }

            async fn claim_delivery(&self, now: i64, lease: i64) -> Result<Option<Delivery>> {
                loop {
                    let Some(row) = sqlx::query(
                        "SELECT d.event_id, d.url, d.attempts, d.next_at FROM webhook_deliveries d \
                         WHERE d.delivered_at IS NULL AND d.next_at <= $1 ORDER BY d.next_at, d.event_id LIMIT 1",
                    )
                    .bind(now)
                    .fetch_optional(&self.pool)
                    .await?
                    else {
                        return Ok(None);
                    };
                    let (event_id, url, seen_next): (i64, String, i64) =
                        (row.get("event_id"), row.get("url"), row.get("next_at"));
                    // Claimed only if no other node moved it since we looked.
                    let claimed = sqlx::query(
                        "UPDATE webhook_deliveries SET next_at = $4, attempts = attempts + 1 \
                         WHERE event_id = $1 AND url = $2 AND next_at = $3 AND delivered_at IS NULL",
                    )
                    .bind(event_id)
                    .bind(&url)
                    .bind(seen_next)
                    .bind(now + lease)
                    .execute(&self.pool)
                    .await?
                    .rows_affected();
                    if claimed == 0 {
                        continue;
                    }
                    let e = sqlx::query(
                        "SELECT e.event, e.slug, e.created_at, d.attempts FROM events e \
                         JOIN webhook_deliveries d ON d.event_id = e.id AND d.url = $2 WHERE e.id = $1",
                    )
                    .bind(event_id)
                    .bind(&url)
                    .fetch_one(&self.pool)
                    .await?;
                    return Ok(Some(Delivery {
                        event_id,
                        url,
                        attempts: e.get("attempts"),
                        event: e.get("event"),
                        slug: e.get("slug"),
                        created_at: e.get("created_at"),
                    }));
                }
            }

            async fn finish_delivery(
                &self,
                d: &Delivery,
                delivered: bool,
                status: Option<i64>,
                error: Option<&str>,
                next_at: i64,
                now: i64,
            ) -> Result<()> {
                sqlx::query(
                    "UPDATE webhook_deliveries SET delivered_at = $3, last_status = $4, last_error = $5, next_at = $6 \
                     WHERE event_id = $1 AND url = $2",
                )
                .bind(d.event_id)
                .bind(&d.url)
                .bind(delivered.then_some(now))
                .bind(status)
                .bind(error)
                .bind(next_at)
                .execute(&self.pool)
                .await?;
                Ok(())
            }
        }
    };
}
