//! The readers' SQL (accounts, sessions, single-use links, memberships and
//! the one period writer, redeem codes, readers' comments and moderation),
//! stamped out by `sql_store!` in the same module (it uses that macro's
//! imports and helpers).

#[macro_export]
macro_rules! sql_readers {
    ($Store:ident, $Db:ty, $Row:ty) => {
        /// Sessions are touched at most this often, so reading pages does not
        /// turn into a write per request.
        const TOUCH_EVERY: i64 = 300;

        fn account_of(r: &$Row) -> Account {
            Account {
                id: r.get("id"),
                email: r.get("email"),
                password_hash: r.get("password_hash"),
                display_name: r.get("display_name"),
                verified: r.get::<Option<i64>, _>("verified_at").is_some(),
                staff: r.get::<i64, _>("is_staff") != 0,
                comment_banned: r.get::<i64, _>("comment_banned") != 0,
                created_at: r.get("created_at"),
            }
        }

        /// The one place a membership row is written (grants, codes, payments).
        /// A domain event, in the same transaction as the change it tells of.
        async fn event_tx(
            tx: &mut Transaction<'static, $Db>,
            kind: &str,
            subject: &str,
            payload: &serde_json::Value,
            now: i64,
        ) -> Result<()> {
            sqlx::query("INSERT INTO events (event, slug, payload, created_at) VALUES ($1, $2, $3, $4)")
                .bind(kind)
                .bind(subject)
                .bind(payload.to_string())
                .bind(now)
                .execute(&mut **tx)
                .await?;
            Ok(())
        }

        /// The period writer, inside the caller's transaction: the reader's
        /// row is the lock (portable: an update to itself, which holds the
        /// row on PostgreSQL and the database's write lock on SQLite); then
        /// their periods are read and the new one placed after them.
        async fn add_period_tx(
            tx: &mut Transaction<'static, $Db>,
            reader_id: i64,
            req: &$crate::domain::membership::PeriodRequest,
            now: i64,
        ) -> Result<Membership> {
            let locked = sqlx::query("UPDATE readers SET id = id WHERE id = $1")
                .bind(reader_id)
                .execute(&mut **tx)
                .await?
                .rows_affected();
            if locked == 0 {
                return Err(StoreError::Missing(format!("reader {reader_id}")));
            }
            let existing: Vec<Membership> = sqlx::query("SELECT * FROM memberships WHERE reader_id = $1")
                .bind(reader_id)
                .fetch_all(&mut **tx)
                .await?
                .iter()
                .map(membership_of)
                .collect::<Result<_>>()?;
            let (starts_at, ends_at) = membership::place_period(&existing, now, req);
            let payload = serde_json::json!({
                "plan": req.plan_id, "source": req.source.as_str(), "starts_at": starts_at,
                "ends_at": ends_at, "reference": req.reference,
            });
            event_tx(tx, "membership.started", &format!("reader:{reader_id}"), &payload, now).await?;
            let row = insert_membership(
                &mut **tx,
                reader_id,
                &NewMembership {
                    plan_id: req.plan_id.clone(),
                    source: req.source,
                    status: Status::Active,
                    starts_at,
                    ends_at,
                    reference: req.reference.clone(),
                },
                now,
            )
            .await?;
            membership_of(&row)
        }

        async fn insert_membership<'e, E: sqlx::Executor<'e, Database = $Db>>(
            ex: E,
            reader_id: i64,
            m: &NewMembership,
            now: i64,
        ) -> Result<$Row> {
            Ok(sqlx::query(
                "INSERT INTO memberships (reader_id, plan_id, source, status, starts_at, ends_at, reference, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *",
            )
            .bind(reader_id)
            .bind(&m.plan_id)
            .bind(m.source.as_str())
            .bind(m.status.as_str())
            .bind(m.starts_at)
            .bind(m.ends_at)
            .bind(&m.reference)
            .bind(now)
            .fetch_one(ex)
            .await?)
        }

        fn membership_of(r: &$Row) -> Result<Membership> {
            let source: String = r.get("source");
            let status: String = r.get("status");
            Ok(Membership {
                id: r.get("id"),
                plan_id: r.get("plan_id"),
                source: Source::parse(&source)
                    .ok_or_else(|| StoreError::Corrupt(format!("source {source:?}")))?,
                status: Status::parse(&status)
                    .ok_or_else(|| StoreError::Corrupt(format!("status {status:?}")))?,
                starts_at: r.get("starts_at"),
                ends_at: r.get("ends_at"),
                grace_until: r.get("grace_until"),
                reference: r.get("reference"),
                created_at: r.get("created_at"),
            })
        }

        fn comment_of(r: &$Row) -> Result<CommentRow> {
            let status: String = r.get("status");
            Ok(CommentRow {
                id: r.get("id"),
                article_id: r.get("article_id"),
                parent_id: r.get("parent_id"),
                reader_id: r.get("reader_id"),
                author: r.get("author"),
                body: r.get("body"),
                status: CommentStatus::parse(&status)
                    .ok_or_else(|| StoreError::Corrupt(format!("comment status {status:?}")))?,
                created_at: r.get("created_at"),
                reports: r.get("reports"),
            })
        }

        fn conflict_on_unique(e: sqlx::Error, what: &str) -> StoreError {
            match &e {
                sqlx::Error::Database(d) if d.is_unique_violation() => {
                    StoreError::Conflict(what.to_string())
                }
                _ => StoreError::Db(e),
            }
        }

        const ACCOUNT_COLS: &str =
            "id, email, password_hash, display_name, verified_at, is_staff, comment_banned, created_at";
        const COMMENT_COLS: &str = "c.id, c.article_id, c.parent_id, c.reader_id, c.author, c.body, c.status, c.created_at, \
             (SELECT COUNT(*) FROM comment_reports r WHERE r.comment_id = c.id) AS reports";

        #[async_trait]
        impl ReaderStore for $Store {
            async fn create_reader(
                &self,
                email: &str,
                password_hash: &str,
                display_name: &str,
                verified_at: Option<i64>,
                now: i64,
            ) -> Result<i64> {
                sqlx::query_scalar(
                    "INSERT INTO readers (email, password_hash, display_name, verified_at, created_at) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(email)
                .bind(password_hash)
                .bind(display_name)
                .bind(verified_at)
                .bind(now)
                .fetch_one(&self.pool)
                .await
                .map_err(|e| conflict_on_unique(e, "reader"))
            }

            async fn reader_by_email(&self, email: &str) -> Result<Option<Account>> {
                let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT {ACCOUNT_COLS} FROM readers WHERE email = $1 AND deleted_at IS NULL"
                )))
                .bind(email)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.as_ref().map(account_of))
            }

            async fn reader(&self, id: i64) -> Result<Option<Account>> {
                let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT {ACCOUNT_COLS} FROM readers WHERE id = $1 AND deleted_at IS NULL"
                )))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.as_ref().map(account_of))
            }

            async fn mark_verified(&self, id: i64, now: i64) -> Result<()> {
                sqlx::query("UPDATE readers SET verified_at = COALESCE(verified_at, $2) WHERE id = $1")
                    .bind(id)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn set_password(&self, id: i64, password_hash: &str) -> Result<()> {
                sqlx::query("UPDATE readers SET password_hash = $2 WHERE id = $1")
                    .bind(id)
                    .bind(password_hash)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn set_email(&self, id: i64, email: &str) -> Result<()> {
                sqlx::query("UPDATE readers SET email = $2 WHERE id = $1")
                    .bind(id)
                    .bind(email)
                    .execute(&self.pool)
                    .await
                    .map_err(|e| conflict_on_unique(e, "reader"))?;
                Ok(())
            }

            async fn set_comment_banned(&self, id: i64, banned: bool) -> Result<()> {
                sqlx::query("UPDATE readers SET comment_banned = $2 WHERE id = $1")
                    .bind(id)
                    .bind(i64::from(banned))
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn delete_reader(&self, id: i64, now: i64) -> Result<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "UPDATE readers SET email = 'deleted-' || id || '@deleted.invalid', password_hash = '', \
                     display_name = '', deleted_at = $2 WHERE id = $1",
                )
                .bind(id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                sqlx::query("DELETE FROM sessions WHERE reader_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM email_tokens WHERE reader_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                // The words stay (a thread keeps its sense); the name goes.
                sqlx::query("UPDATE comments SET author = '' WHERE reader_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn create_session(
                &self,
                token_hash: &str,
                reader_id: i64,
                now: i64,
                expires_at: i64,
                user_agent: &str,
            ) -> Result<()> {
                sqlx::query(
                    "INSERT INTO sessions (token_hash, reader_id, created_at, last_seen_at, expires_at, user_agent) \
                     VALUES ($1, $2, $3, $3, $4, $5)",
                )
                .bind(token_hash)
                .bind(reader_id)
                .bind(now)
                .bind(expires_at)
                .bind(user_agent.chars().take(200).collect::<String>())
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn session_account(&self, token_hash: &str, now: i64) -> Result<Option<Account>> {
                let row = sqlx::query(
                    "SELECT r.id, r.email, r.password_hash, r.display_name, r.verified_at, r.is_staff, \
                     r.comment_banned, r.created_at, s.last_seen_at FROM sessions s JOIN readers r ON r.id = s.reader_id \
                     WHERE s.token_hash = $1 AND s.expires_at > $2 AND r.deleted_at IS NULL",
                )
                .bind(token_hash)
                .bind(now)
                .fetch_optional(&self.pool)
                .await?;
                let Some(row) = row else { return Ok(None) };
                if now - row.get::<i64, _>("last_seen_at") > TOUCH_EVERY {
                    sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1")
                        .bind(token_hash)
                        .bind(now)
                        .execute(&self.pool)
                        .await?;
                }
                Ok(Some(account_of(&row)))
            }

            async fn delete_session(&self, token_hash: &str) -> Result<()> {
                sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                    .bind(token_hash)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn delete_reader_sessions(&self, reader_id: i64, keep: Option<&str>) -> Result<u64> {
                let r = sqlx::query(
                    "DELETE FROM sessions WHERE reader_id = $1 AND ($2 IS NULL OR token_hash <> $2)",
                )
                .bind(reader_id)
                .bind(keep)
                .execute(&self.pool)
                .await?;
                Ok(r.rows_affected())
            }

            async fn reader_sessions(&self, reader_id: i64, now: i64) -> Result<Vec<SessionInfo>> {
                let rows = sqlx::query(
                    "SELECT token_hash, created_at, last_seen_at, expires_at, user_agent FROM sessions \
                     WHERE reader_id = $1 AND expires_at > $2 ORDER BY last_seen_at DESC",
                )
                .bind(reader_id)
                .bind(now)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .iter()
                    .map(|r| SessionInfo {
                        token_hash: r.get("token_hash"),
                        created_at: r.get("created_at"),
                        last_seen_at: r.get("last_seen_at"),
                        expires_at: r.get("expires_at"),
                        user_agent: r.get("user_agent"),
                    })
                    .collect())
            }

            async fn create_email_token(
                &self,
                token_hash: &str,
                reader_id: i64,
                purpose: TokenPurpose,
                new_email: Option<&str>,
                now: i64,
                expires_at: i64,
            ) -> Result<()> {
                sqlx::query(
                    "INSERT INTO email_tokens (token_hash, reader_id, purpose, new_email, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(token_hash)
                .bind(reader_id)
                .bind(purpose.as_str())
                .bind(new_email)
                .bind(now)
                .bind(expires_at)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn use_email_token(
                &self,
                token_hash: &str,
                purpose: TokenPurpose,
                now: i64,
            ) -> Result<Option<(i64, Option<String>)>> {
                // One statement: two clicks racing on the same link cannot both win.
                let row = sqlx::query(
                    "UPDATE email_tokens SET used_at = $3 WHERE token_hash = $1 AND purpose = $2 \
                     AND used_at IS NULL AND expires_at > $3 RETURNING reader_id, new_email",
                )
                .bind(token_hash)
                .bind(purpose.as_str())
                .bind(now)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(|r| (r.get("reader_id"), r.get("new_email"))))
            }

            async fn memberships(&self, reader_id: i64) -> Result<Vec<Membership>> {
                let rows = sqlx::query(
                    "SELECT * FROM memberships WHERE reader_id = $1 ORDER BY starts_at DESC, id DESC",
                )
                .bind(reader_id)
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(membership_of).collect()
            }

            async fn add_period(
                &self,
                reader_id: i64,
                req: &$crate::domain::membership::PeriodRequest,
                now: i64,
            ) -> Result<Membership> {
                let mut tx = self.begin_write().await?;
                let m = add_period_tx(&mut tx, reader_id, req, now).await?;
                tx.commit().await?;
                Ok(m)
            }

            async fn create_redeem_code(&self, c: &RedeemCode, created_by: &str, now: i64) -> Result<()> {
                sqlx::query(
                    "INSERT INTO redeem_codes (code, plan_id, days, max_uses, uses, expires_at, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, 0, $5, $6, $7)",
                )
                .bind(&c.code)
                .bind(&c.plan_id)
                .bind(i64::from(c.days))
                .bind(i64::from(c.max_uses))
                .bind(c.expires_at)
                .bind(created_by)
                .bind(now)
                .execute(&self.pool)
                .await
                .map_err(|e| conflict_on_unique(e, "redeem code"))?;
                Ok(())
            }

            async fn redeem(
                &self,
                code: &str,
                reader_id: i64,
                now: i64,
            ) -> Result<std::result::Result<Membership, RedeemError>> {
                // The reader's row first: it is the lock every period writer
                // takes (on SQLite it takes the write lock before any read,
                // so two writers never deadlock upgrading), and the use count
                // is checked again inside it.
                let mut tx = self.begin_write().await?;
                sqlx::query("UPDATE readers SET id = id WHERE id = $1")
                    .bind(reader_id)
                    .execute(&mut *tx)
                    .await?;
                let Some(row) = sqlx::query("SELECT * FROM redeem_codes WHERE code = $1")
                    .bind(code)
                    .fetch_optional(&mut *tx)
                    .await?
                else {
                    return Ok(Err(RedeemError::Unknown));
                };
                let rc = RedeemCode {
                    code: row.get("code"),
                    plan_id: row.get("plan_id"),
                    days: row.get::<i64, _>("days") as u32,
                    max_uses: row.get::<i64, _>("max_uses") as u32,
                    uses: row.get::<i64, _>("uses") as u32,
                    expires_at: row.get("expires_at"),
                };
                let already: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM redemptions WHERE code = $1 AND reader_id = $2",
                )
                .bind(code)
                .bind(reader_id)
                .fetch_one(&mut *tx)
                .await?;
                if let Err(e) = membership::check_redeem(&rc, now, already > 0) {
                    return Ok(Err(e));
                }
                let bumped = sqlx::query(
                    "UPDATE redeem_codes SET uses = uses + 1 WHERE code = $1 AND uses < max_uses",
                )
                .bind(code)
                .execute(&mut *tx)
                .await?;
                if bumped.rows_affected() == 0 {
                    return Ok(Err(RedeemError::UsedUp));
                }
                sqlx::query("INSERT INTO redemptions (code, reader_id, redeemed_at) VALUES ($1, $2, $3)")
                    .bind(code)
                    .bind(reader_id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                let req = membership::PeriodRequest::new(
                    &rc.plan_id,
                    Source::Redeem,
                    rc.days,
                    &format!("code:{code}"),
                );
                let m = add_period_tx(&mut tx, reader_id, &req, now).await?;
                tx.commit().await?;
                Ok(Ok(m))
            }

            async fn add_comment(&self, c: &NewReaderComment) -> Result<i64> {
                let mut tx = self.begin_write().await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO comments (article_id, parent_id, reader_id, author, body, status, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(c.article_id)
                .bind(c.parent_id)
                .bind(c.reader_id)
                .bind(&c.author)
                .bind(&c.body)
                .bind(c.status.as_str())
                .bind(c.created_at)
                .fetch_one(&mut *tx)
                .await?;
                let payload = serde_json::json!({
                    "comment_id": id, "article_id": c.article_id, "parent_id": c.parent_id,
                    "status": c.status.as_str(),
                });
                event_tx(&mut tx, "comment.posted", &format!("comment:{id}"), &payload, c.created_at).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn has_commented(&self, reader_id: i64, article_slug: &str) -> Result<bool> {
                let n: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM comments c JOIN articles a ON a.id = c.article_id \
                     WHERE a.slug = $1 AND c.reader_id = $2",
                )
                .bind(article_slug)
                .bind(reader_id)
                .fetch_one(&self.pool)
                .await?;
                Ok(n > 0)
            }

            async fn comment(&self, id: i64) -> Result<Option<CommentRow>> {
                let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT {COMMENT_COLS} FROM comments c WHERE c.id = $1"
                )))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
                row.as_ref().map(comment_of).transpose()
            }

            async fn edit_comment(&self, id: i64, body: &str, now: i64) -> Result<()> {
                sqlx::query("UPDATE comments SET body = $2, edited_at = $3 WHERE id = $1")
                    .bind(id)
                    .bind(body)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn set_comment_status(&self, id: i64, status: CommentStatus) -> Result<()> {
                sqlx::query("UPDATE comments SET status = $2 WHERE id = $1")
                    .bind(id)
                    .bind(status.as_str())
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn report_comment(
                &self,
                id: i64,
                reader_id: i64,
                reason: &str,
                now: i64,
            ) -> Result<bool> {
                let r = sqlx::query(
                    "INSERT INTO comment_reports (comment_id, reader_id, reason, created_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT DO NOTHING",
                )
                .bind(id)
                .bind(reader_id)
                .bind(reason)
                .bind(now)
                .execute(&self.pool)
                .await?;
                Ok(r.rows_affected() > 0)
            }

            async fn moderation_queue(&self, limit: i64) -> Result<Vec<CommentRow>> {
                let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT {COMMENT_COLS} FROM comments c WHERE c.status = 'pending' \
                     OR (c.status = 'visible' AND EXISTS (SELECT 1 FROM comment_reports r WHERE r.comment_id = c.id)) \
                     ORDER BY c.created_at LIMIT $1"
                )))
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(comment_of).collect()
            }
        }
    };
}
