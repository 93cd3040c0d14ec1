//! The newsroom's SQL, written once for both backends like `sql.rs`, and
//! stamped out in the same module (it uses that macro's helpers).

#[macro_export]
macro_rules! sql_newsroom {
    ($Store:ident, $Db:ty, $Row:ty) => {
        use $crate::domain::newsroom::{StaffRole, StoryStatus};
        use $crate::domain::story::StoryDoc;
        use $crate::store::newsroom::{
            Actor, ApiToken, AuditEntry, AuditFilter, Delivery, Live, MediaItem, NewsroomStore, RevisionInfo, StaffMember,
            Story, StoryQuery, StorySummary, StoryWrite,
        };

        const STORY_COLS: &str = "id, slug, status, revision, doc, publish_at, unpublish_at, created_by, \
             created_at, updated_by, updated_at, status_by, status_at";

        fn status_of(raw: &str) -> Result<StoryStatus> {
            StoryStatus::parse(raw).ok_or_else(|| StoreError::Corrupt(format!("story status {raw:?}")))
        }

        fn story_of(r: &$Row) -> Result<Story> {
            Ok(Story {
                id: r.get("id"),
                slug: r.get("slug"),
                status: status_of(&r.get::<String, _>("status"))?,
                revision: r.get("revision"),
                doc: json("story", &r.get::<String, _>("doc"))?,
                publish_at: r.get("publish_at"),
                unpublish_at: r.get("unpublish_at"),
                created_by: r.get("created_by"),
                created_at: r.get("created_at"),
                updated_by: r.get("updated_by"),
                updated_at: r.get("updated_at"),
                status_by: r.get("status_by"),
                status_at: r.get("status_at"),
            })
        }

        const MEDIA_COLS: &str = "id, src, width, height, widths, webp_widths, bytes, content_type, alt, caption, \
             credit, copyright, uploaded_by, created_at";

        fn media_of(r: &$Row) -> Result<MediaItem> {
            Ok(MediaItem {
                id: r.get("id"),
                stored: $crate::media::Stored {
                    src: r.get("src"),
                    width: r.get::<i64, _>("width") as u32,
                    height: r.get::<i64, _>("height") as u32,
                    widths: json("widths", &r.get::<String, _>("widths"))?,
                    webp_widths: json("webp_widths", &r.get::<String, _>("webp_widths"))?,
                    bytes: r.get::<i64, _>("bytes") as usize,
                    content_type: r.get("content_type"),
                    meta: $crate::media::Meta {
                        caption: r.get("caption"),
                        credit: r.get("credit"),
                        copyright: r.get("copyright"),
                    },
                },
                alt: r.get("alt"),
                uploaded_by: r.get("uploaded_by"),
                created_at: r.get("created_at"),
            })
        }

        fn token_of(r: &$Row) -> Result<ApiToken> {
            Ok(ApiToken {
                id: r.get("id"),
                name: r.get("name"),
                scopes: json("scopes", &r.get::<String, _>("scopes"))?,
                created_at: r.get("created_at"),
                revoked_at: r.get("revoked_at"),
                last_used_at: r.get("last_used_at"),
            })
        }

        async fn audit_tx(
            tx: &mut Transaction<'_, $Db>,
            actor: &Actor,
            action: &str,
            target: &str,
            detail: &str,
            now: i64,
        ) -> Result<()> {
            sqlx::query(
                "INSERT INTO audit_log (at, actor, action, target, detail) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(now)
            .bind(&actor.label)
            .bind(action)
            .bind(target)
            .bind(detail)
            .execute(&mut **tx)
            .await?;
            Ok(())
        }

        /// Write the readers' copy: replace the stored article of this slug
        /// (keeping its id, comments and first publication time) or add it.
        async fn upsert_article_tx(
            tx: &mut Transaction<'_, $Db>,
            a: &NewArticle,
            search: &$crate::store::search::SearchSettings,
        ) -> Result<i64> {
            let section = section_id(tx, &a.section).await?;
            let existing: Option<i64> = sqlx::query_scalar(
                "UPDATE articles SET headline = $2, subheadline = $3, summary = $4, section_id = $5, \
                 sources = $6, dateline = $7, status = 'published', updated_at = $8, body = $9, \
                 featured_image = $10, access = $11, seo_title = $12, social_title = $13, tags = $14, \
                 corrections = $15 WHERE slug = $1 RETURNING id",
            )
            .bind(&a.slug)
            .bind(&a.headline)
            .bind(&a.subheadline)
            .bind(&a.summary)
            .bind(section)
            .bind(to_json(&a.sources))
            .bind(&a.dateline)
            .bind(a.updated_at)
            .bind(to_json(&a.body))
            .bind(a.featured_image.as_ref().map(to_json))
            .bind(a.access.as_str())
            .bind(&a.seo_title)
            .bind(&a.social_title)
            .bind(to_json(&a.tags))
            .bind(to_json(&a.corrections))
            .fetch_optional(&mut **tx)
            .await?;
            let Some(id) = existing else {
                return insert_article_tx(tx, a, search).await;
            };
            $Store::index_tx(tx, id, &search.document(a)).await?;
            // Credits are rewritten only when they changed: an edit to the
            // text alone then touches no other table (see migration 0013).
            let current: Vec<(String, String)> = sqlx::query(
                "SELECT c.slug, ac.role FROM article_contributors ac JOIN contributors c ON c.id = ac.contributor_id \
                 WHERE ac.article_id = $1 ORDER BY ac.position",
            )
            .bind(id)
            .fetch_all(&mut **tx)
            .await?
            .iter()
            .map(|r| (r.get("slug"), r.get("role")))
            .collect();
            let wanted: Vec<(String, String)> = a
                .credits
                .iter()
                .map(|(c, role)| (c.slug.clone(), role.as_str().to_string()))
                .collect();
            if current == wanted {
                return Ok(id);
            }
            sqlx::query("DELETE FROM article_contributors WHERE article_id = $1")
                .bind(id)
                .execute(&mut **tx)
                .await?;
            insert_credits_tx(tx, id, &a.credits).await?;
            Ok(id)
        }

        /// Change what readers see, and record the article event for
        /// webhooks in the same transaction.
        async fn apply_live(
            tx: &mut Transaction<'_, $Db>,
            slug: &str,
            live: Live<'_>,
            now: i64,
            search: &$crate::store::search::SearchSettings,
        ) -> Result<()> {
            let was: Option<String> = sqlx::query_scalar("SELECT status FROM articles WHERE slug = $1")
                .bind(slug)
                .fetch_optional(&mut **tx)
                .await?;
            let was_live = was.as_deref() == Some("published");
            let event = match live {
                Live::Keep => None,
                Live::Publish(a) => {
                    upsert_article_tx(tx, a, search).await?;
                    Some(if was_live { "article.updated" } else { "article.published" })
                }
                Live::Unpublish => {
                    let id: Option<i64> =
                        sqlx::query_scalar("UPDATE articles SET status = 'draft' WHERE slug = $1 RETURNING id")
                            .bind(slug)
                            .fetch_optional(&mut **tx)
                            .await?;
                    if let Some(id) = id {
                        $Store::unindex_tx(tx, id).await?;
                    }
                    was_live.then_some("article.unpublished")
                }
            };
            if let Some(event) = event {
                sqlx::query("INSERT INTO events (event, slug, created_at) VALUES ($1, $2, $3)")
                    .bind(event)
                    .bind(slug)
                    .bind(now)
                    .execute(&mut **tx)
                    .await?;
            }
            Ok(())
        }

        async fn story_tx(tx: &mut Transaction<'_, $Db>, id: i64) -> Result<Story> {
            let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {STORY_COLS} FROM stories WHERE id = $1")))
                .bind(id)
                .fetch_one(&mut **tx)
                .await?;
            story_of(&row)
        }

        async fn keep_revision(
            tx: &mut Transaction<'_, $Db>,
            id: i64,
            revision: i64,
            doc: &str,
            author: &str,
            now: i64,
        ) -> Result<()> {
            sqlx::query(
                "INSERT INTO story_revisions (story_id, revision, doc, author, created_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(revision)
            .bind(doc)
            .bind(author)
            .bind(now)
            .execute(&mut **tx)
            .await?;
            Ok(())
        }

        #[async_trait]
        impl NewsroomStore for $Store {
            async fn create_story(&self, w: &StoryWrite<'_>, live: Live<'_>, now: i64) -> Result<Story> {
                let mut tx = self.begin_write().await?;
                let taken: i64 = sqlx::query_scalar(
                    "SELECT (SELECT COUNT(*) FROM stories WHERE slug = $1) + \
                     (SELECT COUNT(*) FROM articles WHERE slug = $1 AND NOT $2)",
                )
                .bind(&w.doc.slug)
                .bind(w.adopting)
                .fetch_one(&mut *tx)
                .await?;
                if taken > 0 {
                    return Err(StoreError::Conflict(format!("story {}", w.doc.slug)));
                }
                let doc = to_json(w.doc);
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO stories (slug, headline, section_slug, status, revision, doc, publish_at, \
                     unpublish_at, created_by, created_at, updated_by, updated_at, status_by, status_at) \
                     VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $8, $9, $10, $9, $10, $9) RETURNING id",
                )
                .bind(&w.doc.slug)
                .bind(&w.doc.title)
                .bind(&w.doc.section.slug)
                .bind(w.status.as_str())
                .bind(&doc)
                .bind(w.publish_at)
                .bind(w.unpublish_at)
                .bind(w.actor.reader_id)
                .bind(now)
                .bind(&w.actor.label)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| conflict_on_unique(e, &format!("story {}", w.doc.slug)))?;
                keep_revision(&mut tx, id, 1, &doc, &w.actor.label, now).await?;
                apply_live(&mut tx, &w.doc.slug, live, now, &self.search_settings()).await?;
                audit_tx(&mut tx, w.actor, w.action, &format!("story:{}", w.doc.slug), &w.detail, now).await?;
                let story = story_tx(&mut tx, id).await?;
                tx.commit().await?;
                Ok(story)
            }

            async fn update_story(
                &self,
                id: i64,
                base_revision: i64,
                w: &StoryWrite<'_>,
                live: Live<'_>,
                now: i64,
            ) -> Result<Story> {
                let mut tx = self.begin_write().await?;
                let next = if w.new_revision { base_revision + 1 } else { base_revision };
                let doc = to_json(w.doc);
                // The revision check and the write are one statement: two
                // saves from the same base cannot both succeed.
                let slug: Option<String> = sqlx::query_scalar(
                    "UPDATE stories SET headline = $3, section_slug = $4, status = $5, revision = $6, doc = $7, \
                     publish_at = $8, unpublish_at = $9, updated_by = $10, updated_at = $11, \
                     status_by = CASE WHEN status = $5 THEN status_by ELSE $10 END, \
                     status_at = CASE WHEN status = $5 THEN status_at ELSE $11 END \
                     WHERE id = $1 AND revision = $2 AND ($12 = '' OR status = $12) RETURNING slug",
                )
                .bind(id)
                .bind(base_revision)
                .bind(&w.doc.title)
                .bind(&w.doc.section.slug)
                .bind(w.status.as_str())
                .bind(next)
                .bind(&doc)
                .bind(w.publish_at)
                .bind(w.unpublish_at)
                .bind(&w.actor.label)
                .bind(now)
                .bind(w.from.map(|s| s.as_str()).unwrap_or(""))
                .fetch_optional(&mut *tx)
                .await?;
                let Some(slug) = slug else {
                    let current: Option<i64> =
                        sqlx::query_scalar("SELECT revision FROM stories WHERE id = $1")
                            .bind(id)
                            .fetch_optional(&mut *tx)
                            .await?;
                    return Err(match current {
                        Some(current) => StoreError::Stale { current },
                        None => StoreError::Missing(format!("story {id}")),
                    });
                };
                if w.new_revision {
                    keep_revision(&mut tx, id, next, &doc, &w.actor.label, now).await?;
                }
                apply_live(&mut tx, &slug, live, now, &self.search_settings()).await?;
                audit_tx(&mut tx, w.actor, w.action, &format!("story:{slug}"), &w.detail, now).await?;
                let story = story_tx(&mut tx, id).await?;
                tx.commit().await?;
                Ok(story)
            }

            async fn story(&self, id: i64) -> Result<Option<Story>> {
                sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {STORY_COLS} FROM stories WHERE id = $1")))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?
                    .as_ref()
                    .map(story_of)
                    .transpose()
            }

            async fn story_by_slug(&self, slug: &str) -> Result<Option<Story>> {
                sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {STORY_COLS} FROM stories WHERE slug = $1")))
                    .bind(slug)
                    .fetch_optional(&self.pool)
                    .await?
                    .as_ref()
                    .map(story_of)
                    .transpose()
            }

            async fn stories(&self, q: &StoryQuery) -> Result<Vec<StorySummary>> {
                let mut sql = String::from(
                    "SELECT id, slug, headline, section_slug, status, revision, created_by, updated_by, \
                     updated_at, publish_at FROM stories WHERE 1 = 1",
                );
                let mut n = 0;
                let mut next = || {
                    n += 1;
                    n
                };
                if q.status.is_some() {
                    sql += &format!(" AND status = ${}", next());
                }
                if q.created_by.is_some() {
                    sql += &format!(" AND created_by = ${}", next());
                }
                if q.text.is_some() {
                    sql += &format!(" AND LOWER(headline) LIKE ${}", next());
                }
                if !q.sections.is_empty() {
                    let marks: Vec<String> = q.sections.iter().map(|_| format!("${}", next())).collect();
                    sql += &format!(" AND section_slug IN ({})", marks.join(", "));
                }
                sql += &format!(" ORDER BY updated_at DESC, id DESC LIMIT ${}", next());
                let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
                if let Some(s) = q.status {
                    query = query.bind(s.as_str());
                }
                if let Some(c) = q.created_by {
                    query = query.bind(c);
                }
                if let Some(t) = &q.text {
                    query = query.bind(format!("%{}%", t.to_lowercase()));
                }
                for s in &q.sections {
                    query = query.bind(s);
                }
                query = query.bind(q.limit.max(1));
                query
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map(|r| {
                        Ok(StorySummary {
                            id: r.get("id"),
                            slug: r.get("slug"),
                            headline: r.get("headline"),
                            section_slug: r.get("section_slug"),
                            status: status_of(&r.get::<String, _>("status"))?,
                            revision: r.get("revision"),
                            created_by: r.get("created_by"),
                            updated_by: r.get("updated_by"),
                            updated_at: r.get("updated_at"),
                            publish_at: r.get("publish_at"),
                        })
                    })
                    .collect()
            }

            async fn revisions(&self, story_id: i64) -> Result<Vec<RevisionInfo>> {
                Ok(sqlx::query(
                    "SELECT revision, author, created_at FROM story_revisions WHERE story_id = $1 \
                     ORDER BY revision DESC",
                )
                .bind(story_id)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| RevisionInfo {
                    revision: r.get("revision"),
                    author: r.get("author"),
                    created_at: r.get("created_at"),
                })
                .collect())
            }

            async fn revision(
                &self,
                story_id: i64,
                revision: i64,
            ) -> Result<Option<(RevisionInfo, StoryDoc)>> {
                let Some(r) = sqlx::query(
                    "SELECT revision, author, created_at, doc FROM story_revisions \
                     WHERE story_id = $1 AND revision = $2",
                )
                .bind(story_id)
                .bind(revision)
                .fetch_optional(&self.pool)
                .await?
                else {
                    return Ok(None);
                };
                Ok(Some((
                    RevisionInfo {
                        revision: r.get("revision"),
                        author: r.get("author"),
                        created_at: r.get("created_at"),
                    },
                    json("revision", &r.get::<String, _>("doc"))?,
                )))
            }

            async fn due_stories(&self, now: i64) -> Result<Vec<Story>> {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT {STORY_COLS} FROM stories WHERE (status = 'scheduled' AND publish_at <= $1) \
                     OR (status = 'published' AND unpublish_at <= $1) ORDER BY id"
                )))
                .bind(now)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(story_of)
                .collect()
            }

            async fn audit(
                &self,
                actor: &Actor,
                action: &str,
                target: &str,
                detail: &str,
                now: i64,
            ) -> Result<()> {
                let mut tx = self.begin_write().await?;
                audit_tx(&mut tx, actor, action, target, detail, now).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn audit_log(&self, f: &AuditFilter) -> Result<Vec<AuditEntry>> {
                let mut sql =
                    String::from("SELECT id, at, actor, action, target, detail FROM audit_log WHERE 1 = 1");
                let mut binds: Vec<String> = Vec::new();
                if let Some(a) = &f.actor {
                    binds.push(format!("%{}%", a.to_lowercase()));
                    sql += &format!(" AND LOWER(actor) LIKE ${}", binds.len());
                }
                if let Some(a) = &f.action {
                    binds.push(format!("{a}%"));
                    sql += &format!(" AND action LIKE ${}", binds.len());
                }
                if let Some(t) = &f.target {
                    binds.push(t.clone());
                    sql += &format!(" AND target = ${}", binds.len());
                }
                sql += &format!(" ORDER BY at DESC, id DESC LIMIT {}", f.limit.clamp(1, 1000));
                let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
                for b in &binds {
                    query = query.bind(b);
                }
                Ok(query
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map(|r| AuditEntry {
                        id: r.get("id"),
                        at: r.get("at"),
                        actor: r.get("actor"),
                        action: r.get("action"),
                        target: r.get("target"),
                        detail: r.get("detail"),
                    })
                    .collect())
            }

            async fn create_preview_link(
                &self,
                hash: &str,
                story_id: i64,
                by: &str,
                now: i64,
                expires_at: i64,
            ) -> Result<()> {
                sqlx::query(
                    "INSERT INTO preview_links (token_hash, story_id, created_by, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(hash)
                .bind(story_id)
                .bind(by)
                .bind(now)
                .bind(expires_at)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn preview_story(&self, hash: &str, now: i64) -> Result<Option<Story>> {
                let cols = STORY_COLS
                    .split(", ")
                    .map(|c| format!("s.{c}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT {cols} FROM preview_links p JOIN stories s ON s.id = p.story_id \
                     WHERE p.token_hash = $1 AND p.revoked_at IS NULL AND p.expires_at > $2"
                )))
                .bind(hash)
                .bind(now)
                .fetch_optional(&self.pool)
                .await?
                .as_ref()
                .map(story_of)
                .transpose()
            }

            async fn revoke_preview_links(&self, story_id: i64, now: i64) -> Result<u64> {
                Ok(sqlx::query(
                    "UPDATE preview_links SET revoked_at = $2 WHERE story_id = $1 AND revoked_at IS NULL",
                )
                .bind(story_id)
                .bind(now)
                .execute(&self.pool)
                .await?
                .rows_affected())
            }

            async fn preview_links(&self, story_id: i64, now: i64) -> Result<i64> {
                Ok(sqlx::query_scalar(
                    "SELECT COUNT(*) FROM preview_links WHERE story_id = $1 AND revoked_at IS NULL \
                     AND expires_at > $2",
                )
                .bind(story_id)
                .bind(now)
                .fetch_one(&self.pool)
                .await?)
            }

            async fn touch_presence(
                &self,
                story_id: i64,
                reader_id: i64,
                name: &str,
                now: i64,
            ) -> Result<Vec<String>> {
                sqlx::query(
                    "INSERT INTO story_presence (story_id, reader_id, name, seen_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (story_id, reader_id) DO UPDATE SET seen_at = excluded.seen_at, name = excluded.name",
                )
                .bind(story_id)
                .bind(reader_id)
                .bind(name)
                .bind(now)
                .execute(&self.pool)
                .await?;
                Ok(sqlx::query_scalar(
                    "SELECT name FROM story_presence WHERE story_id = $1 AND reader_id <> $2 \
                     AND seen_at > $3 ORDER BY name",
                )
                .bind(story_id)
                .bind(reader_id)
                .bind(now - 60)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn add_media(
                &self,
                m: &$crate::media::Stored,
                alt: &str,
                actor: &Actor,
                now: i64,
            ) -> Result<MediaItem> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO media (src, width, height, widths, webp_widths, bytes, content_type, alt, caption, \
                     credit, copyright, uploaded_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (src) DO NOTHING",
                )
                .bind(&m.src)
                .bind(i64::from(m.width))
                .bind(i64::from(m.height))
                .bind(to_json(&m.widths))
                .bind(to_json(&m.webp_widths))
                .bind(m.bytes as i64)
                .bind(&m.content_type)
                .bind(alt)
                .bind(&m.meta.caption)
                .bind(&m.meta.credit)
                .bind(&m.meta.copyright)
                .bind(&actor.label)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                audit_tx(&mut tx, actor, "media.upload", &format!("media:{}", m.src), &format!("{}x{}", m.width, m.height), now)
                    .await?;
                let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {MEDIA_COLS} FROM media WHERE src = $1")))
                    .bind(&m.src)
                    .fetch_one(&mut *tx)
                    .await?;
                tx.commit().await?;
                media_of(&row)
            }

            async fn media_by_src(&self, src: &str) -> Result<Option<MediaItem>> {
                sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {MEDIA_COLS} FROM media WHERE src = $1")))
                    .bind(src)
                    .fetch_optional(&self.pool)
                    .await?
                    .as_ref()
                    .map(media_of)
                    .transpose()
            }

            async fn media_list(&self, text: Option<&str>, limit: i64) -> Result<Vec<MediaItem>> {
                let rows = match text.filter(|t| !t.trim().is_empty()) {
                    Some(t) => {
                        sqlx::query(sqlx::AssertSqlSafe(format!(
                            "SELECT {MEDIA_COLS} FROM media WHERE LOWER(alt || ' ' || COALESCE(caption, '') || ' ' || \
                             COALESCE(credit, '')) LIKE $1 ORDER BY created_at DESC, id DESC LIMIT $2"
                        )))
                        .bind(format!("%{}%", t.trim().to_lowercase()))
                        .bind(limit)
                        .fetch_all(&self.pool)
                        .await?
                    }
                    None => {
                        sqlx::query(sqlx::AssertSqlSafe(format!(
                            "SELECT {MEDIA_COLS} FROM media ORDER BY created_at DESC, id DESC LIMIT $1"
                        )))
                        .bind(limit)
                        .fetch_all(&self.pool)
                        .await?
                    }
                };
                rows.iter().map(media_of).collect()
            }

            async fn save_section(&self, sec: &$crate::domain::Section, actor: &Actor, now: i64) -> Result<()> {
                let mut tx = self.begin_write().await?;
                let parent: Option<i64> = match &sec.parent {
                    Some(p) => Some(
                        sqlx::query_scalar("SELECT id FROM sections WHERE slug = $1")
                            .bind(p)
                            .fetch_optional(&mut *tx)
                            .await?
                            .ok_or_else(|| StoreError::Missing(format!("section {p}")))?,
                    ),
                    None => None,
                };
                sqlx::query(
                    "INSERT INTO sections (slug, name, description, parent_id, position) \
                     VALUES ($1, $2, $3, $4, (SELECT COALESCE(MAX(position), 0) + 1 FROM sections)) \
                     ON CONFLICT (slug) DO UPDATE SET name = excluded.name, description = excluded.description, \
                     parent_id = excluded.parent_id",
                )
                .bind(&sec.slug)
                .bind(&sec.name)
                .bind(&sec.description)
                .bind(parent)
                .execute(&mut *tx)
                .await?;
                audit_tx(&mut tx, actor, "section.save", &format!("section:{}", sec.slug), &sec.name, now).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn save_contributor(&self, c: &$crate::domain::Contributor, actor: &Actor, now: i64) -> Result<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO contributors (slug, name, bio, photo) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (slug) DO UPDATE SET name = excluded.name, bio = excluded.bio, photo = excluded.photo",
                )
                .bind(&c.slug)
                .bind(&c.name)
                .bind(&c.bio)
                .bind(&c.photo)
                .execute(&mut *tx)
                .await?;
                audit_tx(&mut tx, actor, "contributor.save", &format!("contributor:{}", c.slug), &c.name, now).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn contributors(&self) -> Result<Vec<$crate::domain::Contributor>> {
                Ok(sqlx::query("SELECT slug, name, bio, photo FROM contributors ORDER BY name")
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map(|r| $crate::domain::Contributor {
                        slug: r.get("slug"),
                        name: r.get("name"),
                        bio: r.get("bio"),
                        photo: r.get("photo"),
                    })
                    .collect())
            }

            async fn search_refs(&self, text: &str, limit: i64, now: i64) -> Result<Vec<ArticleRef>> {
                Ok(sqlx::query(
                    "SELECT a.slug, a.headline, s.slug AS s_slug FROM articles a JOIN sections s ON s.id = a.section_id \
                     WHERE a.status = 'published' AND a.published_at <= $1 AND LOWER(a.headline) LIKE $2 \
                     ORDER BY a.published_at DESC LIMIT $3",
                )
                .bind(now)
                .bind(format!("%{}%", text.to_lowercase()))
                .bind(limit)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| ArticleRef {
                    slug: r.get("slug"),
                    headline: r.get("headline"),
                    section_slug: r.get("s_slug"),
                })
                .collect())
            }
        }
    };
}
