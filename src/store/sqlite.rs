//! The embedded store: one SQLite file under the data directory, in WAL mode
//! so readers never wait for the writer.

use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;

use async_trait::async_trait;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{Row, Sqlite, Transaction};

use super::{
    ArticleQuery, ArticleRef, ContentBundle, Counts, Listing, NewArticle, Result, Store,
    StoreError, VideoQuery,
};
use crate::domain::{
    Access, Article, ArticleSummary, Block, Comment, Contributor, Credit, Image, Role, Section,
    Video,
};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");

pub struct SqliteStore {
    pub(super) pool: SqlitePool,
}

impl SqliteStore {
    /// Open (creating if needed) `warta.db` in `dir`.
    pub async fn open_dir(dir: &Path) -> Result<SqliteStore> {
        std::fs::create_dir_all(dir).map_err(|e| {
            StoreError::Db(sqlx::Error::Configuration(
                format!("cannot create data directory {}: {e}", dir.display()).into(),
            ))
        })?;
        let opts = SqliteConnectOptions::new()
            .filename(dir.join("warta.db"))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(std::time::Duration::from_secs(5));
        Self::connect(opts, 8).await
    }

    /// A private in-memory database, for tests.
    pub async fn in_memory() -> Result<SqliteStore> {
        let opts = SqliteConnectOptions::from_str("sqlite::memory:")?.foreign_keys(true);
        // One connection: each in-memory connection would be its own database.
        Self::connect(opts, 1).await
    }

    async fn connect(opts: SqliteConnectOptions, max: u32) -> Result<SqliteStore> {
        let pool = SqlitePoolOptions::new()
            .max_connections(max)
            .min_connections(1)
            .connect_with(opts)
            .await?;
        Ok(SqliteStore { pool })
    }
}

const SUMMARY_COLUMNS: &str = "a.id, a.slug, a.headline, a.summary, a.published_at, a.featured_image, \
     s.slug AS s_slug, s.name AS s_name, s.description AS s_description, \
     (SELECT COUNT(*) FROM comments c WHERE c.article_id = a.id AND c.status = 'visible') AS comment_count";

fn json<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("domain types always serialize")
}

fn section_of(row: &SqliteRow) -> Section {
    Section {
        slug: row.get("s_slug"),
        name: row.get("s_name"),
        description: row.get("s_description"),
    }
}

fn image_of(row: &SqliteRow, col: &str) -> Result<Option<Image>> {
    let raw: Option<String> = row.get(col);
    raw.map(|t| json("featured_image", &t)).transpose()
}

fn summary_of(row: &SqliteRow) -> Result<ArticleSummary> {
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

fn video_of(row: &SqliteRow) -> Video {
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

async fn section_id(tx: &mut Transaction<'_, Sqlite>, s: &Section) -> Result<i64> {
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

async fn contributor_id(tx: &mut Transaction<'_, Sqlite>, c: &Contributor) -> Result<i64> {
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

async fn insert_article_tx(tx: &mut Transaction<'_, Sqlite>, a: &NewArticle) -> Result<i64> {
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
         status, published_at, updated_at, body, featured_image, access) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'published', $8, $9, $10, $11, $12) RETURNING id",
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
    .fetch_one(&mut **tx)
    .await?;
    for (pos, (c, role)) in a.credits.iter().enumerate() {
        let cid = contributor_id(tx, c).await?;
        sqlx::query(
            "INSERT OR IGNORE INTO article_contributors (article_id, contributor_id, role, position) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(cid)
        .bind(role.as_str())
        .bind(pos as i64)
        .execute(&mut **tx)
        .await?;
    }
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
impl Store for SqliteStore {
    async fn migrate(&self) -> Result<Vec<i64>> {
        // Before the first migration the bookkeeping table does not exist.
        let before: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success = 1")
                .fetch_all(&self.pool)
                .await
                .unwrap_or_default();
        MIGRATOR.run(&self.pool).await?;
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
        }))
    }

    async fn articles(&self, q: &ArticleQuery) -> Result<Listing<ArticleSummary>> {
        const FILTER: &str = "FROM articles a JOIN sections s ON s.id = a.section_id \
            WHERE a.status = 'published' AND a.published_at <= $1 \
            AND ($2 IS NULL OR s.slug = $2) \
            AND ($3 IS NULL OR a.id IN (SELECT ac.article_id FROM article_contributors ac \
                 JOIN contributors c ON c.id = ac.contributor_id WHERE c.slug = $3)) \
            AND ($4 IS NULL OR a.id <> $4)";
        let list_sql = sqlx::AssertSqlSafe(format!(
            "SELECT {SUMMARY_COLUMNS} {FILTER} ORDER BY a.published_at DESC, a.id DESC LIMIT $5 OFFSET $6"
        ));
        let rows = sqlx::query(list_sql)
            .bind(q.now)
            .bind(&q.section)
            .bind(&q.contributor)
            .bind(q.exclude_id)
            .bind(q.limit)
            .bind(q.offset)
            .fetch_all(&self.pool)
            .await?;
        let items = rows.iter().map(summary_of).collect::<Result<Vec<_>>>()?;
        let total: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) {FILTER}")))
                .bind(q.now)
                .bind(&q.section)
                .bind(&q.contributor)
                .bind(q.exclude_id)
                .fetch_one(&self.pool)
                .await?;
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
            "SELECT slug AS s_slug, name AS s_name, description AS s_description \
             FROM sections ORDER BY position, name",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(section_of).collect())
    }

    async fn section(&self, slug: &str) -> Result<Option<Section>> {
        let row = sqlx::query(
            "SELECT slug AS s_slug, name AS s_name, description AS s_description \
             FROM sections WHERE slug = $1",
        )
        .bind(slug)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(section_of))
    }

    async fn contributor(&self, slug: &str) -> Result<Option<Contributor>> {
        let row = sqlx::query("SELECT slug, name, bio FROM contributors WHERE slug = $1")
            .bind(slug)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| Contributor {
            slug: r.get("slug"),
            name: r.get("name"),
            bio: r.get("bio"),
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
        let total: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) {FILTER}")))
                .bind(q.now)
                .bind(&q.section)
                .bind(q.exclude_id)
                .fetch_one(&self.pool)
                .await?;
        Ok(Listing {
            items: rows.iter().map(video_of).collect(),
            total,
        })
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

    async fn count_ad(&self, slot: &str, day: &str, click: bool) -> Result<()> {
        sqlx::query(
            "INSERT INTO ad_stats (slot, day, impressions, clicks) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (slot, day) DO UPDATE SET impressions = impressions + excluded.impressions, \
             clicks = clicks + excluded.clicks",
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
