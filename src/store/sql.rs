//! The SQL behind the store, written once for both backends. SQLite and
//! PostgreSQL agree on this SQL (`$n` parameters, RETURNING, ON CONFLICT);
//! the macro stamps it out for each pool type, so the two implementations
//! cannot drift apart.

/// Implement `Store` and `ReaderStore` for `$Store` (a struct with a
/// `pool: sqlx::Pool<$Db>` field), running `$migrator` for migrations.
#[macro_export]
macro_rules! sql_store {
    ($Store:ident, $Db:ty, $Row:ty, $migrator:path) => {
        use std::collections::HashMap;

        use async_trait::async_trait;
        use sqlx::{Row, Transaction};

        use $crate::domain::membership::{self, Membership, RedeemCode, RedeemError, Source, Status};
        use $crate::domain::{
            Access, Article, ArticleSummary, Block, Comment, Contributor, Credit, Image, Role, Section, Video,
        };
        use $crate::store::readers::{
            Account, CommentRow, CommentStatus, NewMembership, NewReaderComment, ReaderStore, SessionInfo,
            TokenPurpose,
        };
        use $crate::store::{
            ArticleQuery, ArticleRef, ContentBundle, Counts, Listing, NewArticle, Result, Store, StoreError,
            VideoQuery,
        };

        const SUMMARY_COLUMNS: &str = "a.id, a.slug, a.headline, a.summary, a.published_at, a.featured_image, \
             s.slug AS s_slug, s.name AS s_name, s.description AS s_description, \
             (SELECT COUNT(*) FROM comments c WHERE c.article_id = a.id AND c.status = 'visible') AS comment_count";

        fn json<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> Result<T> {
            serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
        }

        fn to_json<T: serde::Serialize>(v: &T) -> String {
            serde_json::to_string(v).expect("domain types always serialize")
        }

        fn section_of(row: &$Row) -> Section {
            Section {
                slug: row.get("s_slug"),
                name: row.get("s_name"),
                description: row.get("s_description"),
                // Only the section queries ask for the parent.
                parent: row.try_get("s_parent").ok().flatten(),
            }
        }

        fn image_of(row: &$Row, col: &str) -> Result<Option<Image>> {
            let raw: Option<String> = row.get(col);
            raw.map(|t| json("featured_image", &t)).transpose()
        }

        fn summary_of(row: &$Row) -> Result<ArticleSummary> {
            Ok(ArticleSummary {
                id: row.get("id"),
                slug: row.get("slug"),
                headline: row.get("headline"),
                summary: row.get("summary"),
                section: section_of(row),
                published_at: row.get("published_at"),
                featured_image: image_of(row, "featured_image")?,
                comment_count: row.get("comment_count"),
            })
        }

        fn video_of(row: &$Row) -> Video {
            Video {
                id: row.get("id"),
                slug: row.get("slug"),
                title: row.get("title"),
                description: row.get("description"),
                source_url: row.get("source_url"),
                thumbnail: row.get("thumbnail"),
                duration_secs: row.get::<i64, _>("duration_secs") as u32,
                section: section_of(row),
                published_at: row.get("published_at"),
            }
        }

        async fn section_id(tx: &mut Transaction<'_, $Db>, s: &Section) -> Result<i64> {
            if let Some(id) = sqlx::query_scalar::<_, i64>("SELECT id FROM sections WHERE slug = $1")
                .bind(&s.slug)
                .fetch_optional(&mut **tx)
                .await?
            {
                return Ok(id);
            }
            let id = sqlx::query_scalar(
                "INSERT INTO sections (slug, name, description, position) \
                 VALUES ($1, $2, $3, (SELECT COALESCE(MAX(position), 0) + 1 FROM sections)) RETURNING id",
            )
            .bind(&s.slug)
            .bind(&s.name)
            .bind(&s.description)
            .fetch_one(&mut **tx)
            .await?;
            Ok(id)
        }

        async fn contributor_id(tx: &mut Transaction<'_, $Db>, c: &Contributor) -> Result<i64> {
            if let Some(id) = sqlx::query_scalar::<_, i64>("SELECT id FROM contributors WHERE slug = $1")
                .bind(&c.slug)
                .fetch_optional(&mut **tx)
                .await?
            {
                return Ok(id);
            }
            let id = sqlx::query_scalar(
                "INSERT INTO contributors (slug, name, bio) VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(&c.slug)
            .bind(&c.name)
            .bind(&c.bio)
            .fetch_one(&mut **tx)
            .await?;
            Ok(id)
        }

        async fn insert_credits_tx(
            tx: &mut Transaction<'_, $Db>,
            article_id: i64,
            credits: &[(Contributor, Role)],
        ) -> Result<()> {
            for (pos, (c, role)) in credits.iter().enumerate() {
                let cid = contributor_id(tx, c).await?;
                sqlx::query(
                    "INSERT INTO article_contributors (article_id, contributor_id, role, position) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                )
                .bind(article_id)
                .bind(cid)
                .bind(role.as_str())
                .bind(pos as i64)
                .execute(&mut **tx)
                .await?;
            }
            Ok(())
        }

        /// Read a change log (`comment_changes`, `article_edits`) after entry
        /// `after`: the last entry's number and the slugs named. On a first
        /// look (`i64::MIN`) only where the log stands.
        async fn change_log(
            pool: &sqlx::Pool<$Db>,
            table: &str,
            column: &str,
            after: i64,
        ) -> Result<(i64, Vec<String>)> {
            if after == i64::MIN {
                let newest: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "SELECT COALESCE(MAX(id), 0) FROM {table}"
                )))
                .fetch_one(pool)
                .await?;
                return Ok((newest, Vec::new()));
            }
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT id, {column} AS slug FROM {table} WHERE id > $1 ORDER BY id LIMIT 1000"
            )))
            .bind(after)
            .fetch_all(pool)
            .await?;
            let last = rows.last().map(|r| r.get::<i64, _>("id")).unwrap_or(after);
            let mut slugs: Vec<String> = rows.iter().map(|r| r.get("slug")).collect();
            slugs.sort();
            slugs.dedup();
            Ok((last, slugs))
        }

        async fn insert_article_tx(tx: &mut Transaction<'_, $Db>, a: &NewArticle) -> Result<i64> {
            let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM articles WHERE slug = $1")
                .bind(&a.slug)
                .fetch_optional(&mut **tx)
                .await?;
            if taken.is_some() {
                return Err(StoreError::Conflict(format!("article {}", a.slug)));
            }
            let section = section_id(tx, &a.section).await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO articles (slug, headline, subheadline, summary, section_id, sources, dateline, \
                 status, published_at, updated_at, body, featured_image, access, seo_title, social_title, \
                 tags, corrections) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'published', $8, $9, $10, $11, $12, $13, $14, $15, $16) \
                 RETURNING id",
            )
            .bind(&a.slug)
            .bind(&a.headline)
            .bind(&a.subheadline)
            .bind(&a.summary)
            .bind(section)
            .bind(to_json(&a.sources))
            .bind(&a.dateline)
            .bind(a.published_at)
            .bind(a.updated_at)
            .bind(to_json(&a.body))
            .bind(a.featured_image.as_ref().map(to_json))
            .bind(a.access.as_str())
            .bind(&a.seo_title)
            .bind(&a.social_title)
            .bind(to_json(&a.tags))
            .bind(to_json(&a.corrections))
            .fetch_one(&mut **tx)
            .await?;
            insert_credits_tx(tx, id, &a.credits).await?;
            for c in &a.comments {
                sqlx::query(
                    "INSERT INTO comments (article_id, author, body, created_at) VALUES ($1, $2, $3, $4)",
                )
                .bind(id)
                .bind(&c.author)
                .bind(&c.body)
                .bind(c.created_at)
                .execute(&mut **tx)
                .await?;
            }
            Ok(id)
        }

        #[async_trait]
        impl Store for $Store {
            async fn migrate(&self) -> Result<Vec<i64>> {
                // Before the first migration the bookkeeping table does not exist.
                let before: Vec<i64> =
                    sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
                        .fetch_all(&self.pool)
                        .await
                        .unwrap_or_default();
                $migrator.run(&self.pool).await?;
                Ok(MIGRATOR
                    .iter()
                    .map(|m| m.version)
                    .filter(|v| !before.contains(v))
                    .collect())
            }

            async fn counts(&self) -> Result<Counts> {
                let row = sqlx::query(
                    "SELECT (SELECT COUNT(*) FROM sections) AS s, (SELECT COUNT(*) FROM contributors) AS c, \
                     (SELECT COUNT(*) FROM articles) AS a, (SELECT COUNT(*) FROM videos) AS v, \
                     (SELECT COUNT(*) FROM comments) AS m",
                )
                .fetch_one(&self.pool)
                .await?;
                Ok(Counts {
                    sections: row.get("s"),
                    contributors: row.get("c"),
                    articles: row.get("a"),
                    videos: row.get("v"),
                    comments: row.get("m"),
                })
            }

            async fn load_bundle(&self, b: &ContentBundle) -> Result<Counts> {
                let mut tx = self.pool.begin().await?;
                for s in &b.sections {
                    section_id(&mut tx, s).await?;
                }
                for c in &b.contributors {
                    contributor_id(&mut tx, c).await?;
                }
                for v in &b.videos {
                    let sid: i64 = sqlx::query_scalar("SELECT id FROM sections WHERE slug = $1")
                        .bind(&v.section)
                        .fetch_optional(&mut *tx)
                        .await?
                        .ok_or_else(|| StoreError::Missing(format!("section {}", v.section)))?;
                    sqlx::query(
                        "INSERT INTO videos (slug, title, description, source_url, thumbnail, duration_secs, \
                         section_id, published_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(&v.slug)
                    .bind(&v.title)
                    .bind(&v.description)
                    .bind(&v.source_url)
                    .bind(&v.thumbnail)
                    .bind(v.duration_secs as i64)
                    .bind(sid)
                    .bind(v.published_at)
                    .execute(&mut *tx)
                    .await?;
                }
                for a in &b.articles {
                    insert_article_tx(&mut tx, a).await?;
                }
                tx.commit().await?;
                self.counts().await
            }

            async fn insert_article(&self, a: &NewArticle) -> Result<i64> {
                let mut tx = self.pool.begin().await?;
                let id = insert_article_tx(&mut tx, a).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn article_slug_taken(&self, slug: &str) -> Result<bool> {
                let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM articles WHERE slug = $1")
                    .bind(slug)
                    .fetch_one(&self.pool)
                    .await?;
                Ok(n > 0)
            }

            async fn article(&self, slug: &str, now: i64) -> Result<Option<Article>> {
                let Some(row) = sqlx::query(
                    "SELECT a.*, s.slug AS s_slug, s.name AS s_name, s.description AS s_description \
                     FROM articles a JOIN sections s ON s.id = a.section_id \
                     WHERE a.slug = $1 AND a.status = 'published' AND a.published_at <= $2",
                )
                .bind(slug)
                .bind(now)
                .fetch_optional(&self.pool)
                .await?
                else {
                    return Ok(None);
                };
                let id: i64 = row.get("id");
                let credits = sqlx::query(
                    "SELECT c.slug, c.name, ac.role FROM article_contributors ac \
                     JOIN contributors c ON c.id = ac.contributor_id \
                     WHERE ac.article_id = $1 ORDER BY ac.position",
                )
                .bind(id)
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map(|r| {
                    let role: String = r.get("role");
                    Ok(Credit {
                        slug: r.get("slug"),
                        name: r.get("name"),
                        role: Role::parse(&role)
                            .ok_or_else(|| StoreError::Corrupt(format!("role {role:?}")))?,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
                let access: String = row.get("access");
                Ok(Some(Article {
                    id,
                    slug: row.get("slug"),
                    headline: row.get("headline"),
                    subheadline: row.get("subheadline"),
                    summary: row.get("summary"),
                    section: section_of(&row),
                    credits,
                    sources: json("sources", &row.get::<String, _>("sources"))?,
                    dateline: row.get("dateline"),
                    published_at: row.get("published_at"),
                    updated_at: row.get("updated_at"),
                    body: json::<Vec<Block>>("body", &row.get::<String, _>("body"))?,
                    featured_image: image_of(&row, "featured_image")?,
                    access: Access::parse(&access)
                        .ok_or_else(|| StoreError::Corrupt(format!("access {access:?}")))?,
                    seo_title: row.get("seo_title"),
                    social_title: row.get("social_title"),
                    tags: json("tags", &row.get::<String, _>("tags"))?,
                    corrections: json("corrections", &row.get::<String, _>("corrections"))?,
                }))
            }

            async fn articles(&self, q: &ArticleQuery) -> Result<Listing<ArticleSummary>> {
                // Only the filters asked for go into the SQL, so the planner
                // can walk the (section_id,) published_at, id index in order
                // and stop at LIMIT, whatever the size of the archive.
                // Conditions on `a` only: the count needs no join.
                let mut filter = String::from("WHERE a.status = 'published' AND a.published_at <= $1");
                let mut n = 1;
                if q.section.is_some() {
                    n += 1;
                    // A parent section lists its children's stories too; a
                    // leaf keeps the equality the index walk needs.
                    filter.push_str(&if q.with_children {
                        format!(
                            " AND a.section_id IN (SELECT id FROM sections WHERE slug = ${n} \
                             OR parent_id = (SELECT id FROM sections WHERE slug = ${n}))"
                        )
                    } else {
                        format!(" AND a.section_id = (SELECT id FROM sections WHERE slug = ${n})")
                    });
                }
                if q.contributor.is_some() {
                    n += 1;
                    filter.push_str(&format!(
                        " AND a.id IN (SELECT ac.article_id FROM article_contributors ac \
                         JOIN contributors c ON c.id = ac.contributor_id WHERE c.slug = ${n})"
                    ));
                }
                if q.exclude_id.is_some() {
                    n += 1;
                    filter.push_str(&format!(" AND a.id <> ${n}"));
                }
                let list_sql = format!(
                    "SELECT {SUMMARY_COLUMNS} FROM articles a JOIN sections s ON s.id = a.section_id {filter} \
                     ORDER BY a.published_at DESC, a.id DESC LIMIT ${} OFFSET ${}",
                    n + 1,
                    n + 2
                );
                let mut list = sqlx::query(sqlx::AssertSqlSafe(list_sql)).bind(q.now);
                let count_sql = format!("SELECT COUNT(*) FROM articles a {filter}");
                let mut count = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(count_sql)).bind(q.now);
                if let Some(v) = &q.section {
                    list = list.bind(v.clone());
                    count = count.bind(v.clone());
                }
                if let Some(v) = &q.contributor {
                    list = list.bind(v.clone());
                    count = count.bind(v.clone());
                }
                if let Some(v) = q.exclude_id {
                    list = list.bind(v);
                    count = count.bind(v);
                }
                let rows = list.bind(q.limit).bind(q.offset).fetch_all(&self.pool).await?;
                let items = rows.iter().map(summary_of).collect::<Result<Vec<_>>>()?;
                let total = if q.count_total {
                    count.fetch_one(&self.pool).await?
                } else {
                    items.len() as i64
                };
                Ok(Listing { items, total })
            }

            async fn article_refs(
                &self,
                slugs: &[String],
                now: i64,
            ) -> Result<HashMap<String, ArticleRef>> {
                let mut out = HashMap::new();
                for slug in slugs {
                    if out.contains_key(slug) {
                        continue;
                    }
                    if let Some(row) = sqlx::query(
                        "SELECT a.slug, a.headline, s.slug AS s_slug FROM articles a \
                         JOIN sections s ON s.id = a.section_id \
                         WHERE a.slug = $1 AND a.status = 'published' AND a.published_at <= $2",
                    )
                    .bind(slug)
                    .bind(now)
                    .fetch_optional(&self.pool)
                    .await?
                    {
                        out.insert(
                            slug.clone(),
                            ArticleRef {
                                slug: row.get("slug"),
                                headline: row.get("headline"),
                                section_slug: row.get("s_slug"),
                            },
                        );
                    }
                }
                Ok(out)
            }

            async fn find_by_headline(&self, headline: &str, now: i64) -> Result<Option<ArticleRef>> {
                let row = sqlx::query(
                    "SELECT a.slug, a.headline, s.slug AS s_slug FROM articles a \
                     JOIN sections s ON s.id = a.section_id \
                     WHERE a.headline = $1 AND a.status = 'published' AND a.published_at <= $2 \
                     ORDER BY a.published_at DESC LIMIT 1",
                )
                .bind(headline.trim())
                .bind(now)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(|row| ArticleRef {
                    slug: row.get("slug"),
                    headline: row.get("headline"),
                    section_slug: row.get("s_slug"),
                }))
            }

            async fn sections(&self) -> Result<Vec<Section>> {
                let rows = sqlx::query(
                    "SELECT s.slug AS s_slug, s.name AS s_name, s.description AS s_description, p.slug AS s_parent \
                     FROM sections s LEFT JOIN sections p ON p.id = s.parent_id ORDER BY s.position, s.name",
                )
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.iter().map(section_of).collect())
            }

            async fn section(&self, slug: &str) -> Result<Option<Section>> {
                let row = sqlx::query(
                    "SELECT s.slug AS s_slug, s.name AS s_name, s.description AS s_description, p.slug AS s_parent \
                     FROM sections s LEFT JOIN sections p ON p.id = s.parent_id WHERE s.slug = $1",
                )
                .bind(slug)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.as_ref().map(section_of))
            }

            async fn contributor(&self, slug: &str) -> Result<Option<Contributor>> {
                let row = sqlx::query("SELECT slug, name, bio, photo FROM contributors WHERE slug = $1")
                    .bind(slug)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(row.map(|r| Contributor {
                    slug: r.get("slug"),
                    name: r.get("name"),
                    bio: r.get("bio"),
                    photo: r.get("photo"),
                }))
            }

            async fn videos(&self, q: &VideoQuery) -> Result<Listing<Video>> {
                const FILTER: &str = "FROM videos v JOIN sections s ON s.id = v.section_id \
                    WHERE v.published_at <= $1 AND ($2 IS NULL OR s.slug = $2) AND ($3 IS NULL OR v.id <> $3)";
                let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT v.*, s.slug AS s_slug, s.name AS s_name, s.description AS s_description {FILTER} \
                     ORDER BY v.published_at DESC, v.id DESC LIMIT $4 OFFSET $5"
                )))
                .bind(q.now)
                .bind(&q.section)
                .bind(q.exclude_id)
                .bind(q.limit)
                .bind(q.offset)
                .fetch_all(&self.pool)
                .await?;
                let items: Vec<Video> = rows.iter().map(video_of).collect();
                let total: i64 = if q.count_total {
                    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) {FILTER}")))
                        .bind(q.now)
                        .bind(&q.section)
                        .bind(q.exclude_id)
                        .fetch_one(&self.pool)
                        .await?
                } else {
                    items.len() as i64
                };
                Ok(Listing { items, total })
            }

            async fn video(&self, slug: &str, now: i64) -> Result<Option<Video>> {
                let row = sqlx::query(
                    "SELECT v.*, s.slug AS s_slug, s.name AS s_name, s.description AS s_description \
                     FROM videos v JOIN sections s ON s.id = v.section_id \
                     WHERE v.slug = $1 AND v.published_at <= $2",
                )
                .bind(slug)
                .bind(now)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.as_ref().map(video_of))
            }

            async fn comments(&self, article_id: i64) -> Result<Vec<Comment>> {
                let rows = sqlx::query(
                    "SELECT id, parent_id, reader_id, author, body, created_at, edited_at FROM comments \
                     WHERE article_id = $1 AND status = 'visible' ORDER BY created_at, id",
                )
                .bind(article_id)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|r| Comment {
                        id: r.get("id"),
                        parent_id: r.get("parent_id"),
                        reader_id: r.get("reader_id"),
                        author: r.get("author"),
                        body: r.get("body"),
                        created_at: r.get("created_at"),
                        edited_at: r.get("edited_at"),
                    })
                    .collect())
            }

            async fn article_path_by_id(&self, id: i64) -> Result<Option<String>> {
                let row = sqlx::query(
                    "SELECT a.slug, s.slug AS s_slug FROM articles a JOIN sections s ON s.id = a.section_id WHERE a.id = $1",
                )
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(|r| {
                    format!(
                        "/{}/{}",
                        r.get::<String, _>("s_slug"),
                        r.get::<String, _>("slug")
                    )
                }))
            }

            async fn content_version(&self) -> Result<i64> {
            Ok(sqlx::query_scalar("SELECT version FROM content_version WHERE id = 1")
                .fetch_one(&self.pool)
                .await?)
        }

            async fn comment_changes(&self, after: i64) -> Result<(i64, Vec<String>)> {
                change_log(&self.pool, "comment_changes", "article_slug", after).await
            }

            async fn article_edits(&self, after: i64) -> Result<(i64, Vec<String>)> {
                change_log(&self.pool, "article_edits", "slug", after).await
            }

            async fn prune_comment_changes(&self) -> Result<()> {
                for table in ["comment_changes", "article_edits"] {
                    sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DELETE FROM {table} WHERE id < (SELECT COALESCE(MAX(id), 0) - 10000 FROM {table})"
                    )))
                    .execute(&self.pool)
                    .await?;
                }
                Ok(())
            }

        async fn listen_for_changes(&self, on_change: $crate::store::ChangeHook) -> Result<bool> {
            self.listen_impl(on_change).await
        }

        async fn rate_hit(&self, keys: &[String], max: i64, window: i64, now: i64) -> Result<bool> {
            let mut tx = self.pool.begin().await?;
            if now % 64 == 0 {
                // Now and then, forget attempts older than a day for all keys.
                sqlx::query("DELETE FROM rate_events WHERE at <= $1")
                    .bind(now - 86_400)
                    .execute(&mut *tx)
                    .await?;
            }
            let mut allowed = true;
            for k in keys {
                sqlx::query("DELETE FROM rate_events WHERE key = $1 AND at <= $2")
                    .bind(k)
                    .bind(now - window)
                    .execute(&mut *tx)
                    .await?;
                let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rate_events WHERE key = $1")
                    .bind(k)
                    .fetch_one(&mut *tx)
                    .await?;
                if n >= max {
                    allowed = false;
                }
            }
            if allowed {
                for k in keys {
                    sqlx::query("INSERT INTO rate_events (key, at) VALUES ($1, $2)")
                        .bind(k)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            tx.commit().await?;
            Ok(allowed)
        }

        async fn rate_reset(&self, key: &str) -> Result<()> {
            sqlx::query("DELETE FROM rate_events WHERE key = $1")
                .bind(key)
                .execute(&self.pool)
                .await?;
            Ok(())
        }

        async fn count_ad(&self, slot: &str, day: &str, click: bool) -> Result<()> {
                sqlx::query(
                    "INSERT INTO ad_stats (slot, day, impressions, clicks) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (slot, day) DO UPDATE SET impressions = ad_stats.impressions + excluded.impressions, \
                     clicks = ad_stats.clicks + excluded.clicks",
                )
                .bind(slot)
                .bind(day)
                .bind(i64::from(!click))
                .bind(i64::from(click))
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn ad_stats(&self, days: i64) -> Result<Vec<(String, String, i64, i64)>> {
                let rows = sqlx::query(
                    "SELECT slot, day, impressions, clicks FROM ad_stats \
                     WHERE day IN (SELECT DISTINCT day FROM ad_stats ORDER BY day DESC LIMIT $1) \
                     ORDER BY day DESC, slot",
                )
                .bind(days)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .iter()
                    .map(|r| {
                        (
                            r.get("slot"),
                            r.get("day"),
                            r.get("impressions"),
                            r.get("clicks"),
                        )
                    })
                    .collect())
            }
        }

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
                let mut tx = self.pool.begin().await?;
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
                let mut tx = self.pool.begin().await?;
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
                let mut tx = self.pool.begin().await?;
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
                let mut tx = self.pool.begin().await?;
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
