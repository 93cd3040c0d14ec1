//! The SQL feeds and sitemaps read, stamped out by `sql_store!` (it uses
//! that macro's imports and helpers).

#[macro_export]
macro_rules! sql_discovery {
    ($Store:ident, $Db:ty, $Row:ty) => {
        use $crate::store::discovery::{ArticleStamp, DiscoveryStore};

        #[async_trait]
        impl DiscoveryStore for $Store {
            async fn article_stamps(
                &self,
                from: i64,
                to: i64,
                now: i64,
                limit: i64,
                offset: i64,
            ) -> Result<Vec<ArticleStamp>> {
                let rows = sqlx::query(
                    "SELECT a.slug, s.slug AS s_slug, a.headline, a.published_at, \
                     COALESCE(a.updated_at, a.published_at) AS changed_at, a.featured_image \
                     FROM articles a JOIN sections s ON s.id = a.section_id \
                     WHERE a.status = 'published' AND a.published_at >= $1 AND a.published_at < $2 \
                     AND a.published_at <= $3 ORDER BY a.published_at, a.id LIMIT $4 OFFSET $5",
                )
                .bind(from)
                .bind(to)
                .bind(now)
                .bind(limit)
                .bind(offset)
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|r| {
                        Ok(ArticleStamp {
                            slug: r.get("slug"),
                            section_slug: r.get("s_slug"),
                            headline: r.get("headline"),
                            published_at: r.get("published_at"),
                            changed_at: r.get("changed_at"),
                            image: image_of(r, "featured_image")?.map(|i| i.src),
                        })
                    })
                    .collect()
            }

            async fn published_stats(&self, from: i64, to: i64, now: i64) -> Result<(i64, Option<i64>)> {
                let r = sqlx::query(
                    "SELECT COUNT(*) AS n, MAX(COALESCE(updated_at, published_at)) AS changed FROM articles \
                     WHERE status = 'published' AND published_at >= $1 AND published_at < $2 AND published_at <= $3",
                )
                .bind(from)
                .bind(to)
                .bind(now)
                .fetch_one(&self.pool)
                .await?;
                Ok((r.get("n"), r.get("changed")))
            }

            async fn first_published(&self, now: i64) -> Result<Option<i64>> {
                Ok(sqlx::query_scalar(
                    "SELECT MIN(published_at) FROM articles WHERE status = 'published' AND published_at <= $1",
                )
                .bind(now)
                .fetch_one(&self.pool)
                .await?)
            }

            async fn section_changes(&self, now: i64) -> Result<Vec<(String, i64)>> {
                let rows = sqlx::query(
                    "SELECT s.slug, MAX(COALESCE(a.updated_at, a.published_at)) AS changed \
                     FROM sections s JOIN articles a ON a.section_id = s.id \
                     WHERE a.status = 'published' AND a.published_at <= $1 GROUP BY s.slug ORDER BY s.slug",
                )
                .bind(now)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.iter().map(|r| (r.get("slug"), r.get("changed"))).collect())
            }

            async fn author_changes(&self, now: i64) -> Result<Vec<(String, i64)>> {
                let rows = sqlx::query(
                    "SELECT c.slug, MAX(COALESCE(a.updated_at, a.published_at)) AS changed \
                     FROM contributors c JOIN article_contributors ac ON ac.contributor_id = c.id \
                     JOIN articles a ON a.id = ac.article_id \
                     WHERE a.status = 'published' AND a.published_at <= $1 GROUP BY c.slug ORDER BY c.slug",
                )
                .bind(now)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.iter().map(|r| (r.get("slug"), r.get("changed"))).collect())
            }
        }
    };
}
