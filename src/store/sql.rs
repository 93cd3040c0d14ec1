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

        /// Store an article (and index its words for search, in the same
        /// transaction).
        async fn insert_article_tx(
            tx: &mut Transaction<'_, $Db>,
            a: &NewArticle,
            search: &$crate::store::search::SearchSettings,
        ) -> Result<i64> {
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
            $Store::index_tx(tx, id, &search.document(a)).await?;
            Ok(id)
        }

        $crate::sql_content!($Store, $Db, $Row, $migrator);
        $crate::sql_readers!($Store, $Db, $Row);
        $crate::sql_newsroom!($Store, $Db, $Row);
        $crate::sql_staff!($Store, $Db, $Row);
        $crate::sql_payments!($Store, $Db, $Row);
        $crate::sql_mail!($Store, $Db, $Row);
        $crate::sql_events!($Store, $Db, $Row);
        $crate::sql_search!($Store, $Db, $Row);
        $crate::sql_discovery!($Store, $Db, $Row);
        $crate::sql_pages!($Store, $Db, $Row);
        $crate::sql_front_page!($Store, $Db, $Row);
    };
}
