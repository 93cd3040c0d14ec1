//! The content's SQL (articles, sections, videos, comments as readers see
//! them, the content version, rate limits, ad counts), stamped out by
//! `sql_store!` in the same module (it uses that macro's imports and helpers).

#[macro_export]
macro_rules! sql_content {
    ($Store:ident, $Db:ty, $Row:ty, $migrator:path) => {
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

            async fn refresh_planner_stats(&self) -> Result<()> {
                $Store::refresh_planner_stats(self).await
            }

            async fn load_bundle(&self, b: &ContentBundle) -> Result<Counts> {
                let mut tx = self.begin_write().await?;
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
                    insert_article_tx(&mut tx, a, &self.search_settings()).await?;
                }
                tx.commit().await?;
                self.counts().await
            }

            async fn insert_article(&self, a: &NewArticle) -> Result<i64> {
                let mut tx = self.begin_write().await?;
                let id = insert_article_tx(&mut tx, a, &self.search_settings()).await?;
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
                if q.slug.is_some() {
                    n += 1;
                    filter.push_str(&format!(" AND a.slug = ${n}"));
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
                if let Some(v) = &q.slug {
                    list = list.bind(v.clone());
                    count = count.bind(v.clone());
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
            let mut tx = self.begin_write().await?;
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

    };
}
