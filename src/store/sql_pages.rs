//! The SQL of the site's own pages, stamped out by `sql_store!`.

#[macro_export]
macro_rules! sql_pages {
    ($Store:ident, $Db:ty, $Row:ty) => {
        use $crate::store::pages::{PageStore, SitePage};

        fn site_page_of(r: &$Row) -> Result<SitePage> {
            Ok(SitePage {
                slug: r.get("slug"),
                title: r.get("title"),
                body: json("site page body", &r.get::<String, _>("body"))?,
                position: r.get("position"),
                in_footer: r.get::<i64, _>("in_footer") != 0,
                updated_at: r.get("updated_at"),
            })
        }

        #[async_trait]
        impl PageStore for $Store {
            async fn site_pages(&self) -> Result<Vec<SitePage>> {
                sqlx::query(
                    "SELECT slug, title, body, position, in_footer, updated_at FROM site_pages \
                     ORDER BY position, title",
                )
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(site_page_of)
                .collect()
            }

            async fn site_page(&self, slug: &str) -> Result<Option<SitePage>> {
                sqlx::query(
                    "SELECT slug, title, body, position, in_footer, updated_at FROM site_pages \
                     WHERE slug = $1",
                )
                .bind(slug)
                .fetch_optional(&self.pool)
                .await?
                .as_ref()
                .map(site_page_of)
                .transpose()
            }

            async fn footer_pages(&self) -> Result<Vec<(String, String)>> {
                Ok(sqlx::query(
                    "SELECT slug, title FROM site_pages WHERE in_footer = 1 ORDER BY position, title",
                )
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| (format!("/{}", r.get::<String, _>("slug")), r.get("title")))
                .collect())
            }

            async fn save_site_page(&self, p: &SitePage) -> Result<()> {
                sqlx::query(
                    "INSERT INTO site_pages (slug, title, body, position, in_footer, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (slug) DO UPDATE SET \
                     title = excluded.title, body = excluded.body, position = excluded.position, \
                     in_footer = excluded.in_footer, updated_at = excluded.updated_at",
                )
                .bind(&p.slug)
                .bind(&p.title)
                .bind(to_json(&p.body))
                .bind(p.position)
                .bind(i64::from(p.in_footer))
                .bind(p.updated_at)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn delete_site_page(&self, slug: &str) -> Result<bool> {
                let r = sqlx::query("DELETE FROM site_pages WHERE slug = $1")
                    .bind(slug)
                    .execute(&self.pool)
                    .await?;
                Ok(r.rows_affected() > 0)
            }
        }
    };
}
