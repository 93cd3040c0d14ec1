//! The PostgreSQL store, for sites that run several nodes on one database.
//! Same SQL as SQLite (see `sql.rs`), its own migrations.

use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

pub struct PgStore {
    pub(super) pool: PgPool,
    pub(super) search: std::sync::RwLock<std::sync::Arc<super::search::SearchSettings>>,
}

impl PgStore {
    /// A transaction that will write: PostgreSQL's row locks (`FOR UPDATE`
    /// where the SQL asks for them) order concurrent writers.
    pub(super) async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        Ok(self.pool.begin().await?)
    }

    /// After a bulk write (a demo or an import, a reindex): fresh table
    /// statistics, so the planner does not plan for the empty store (a
    /// search then walked every article: seconds instead of milliseconds).
    pub(super) async fn refresh_planner_stats(&self) -> Result<()> {
        sqlx::query("ANALYZE").execute(&self.pool).await?;
        Ok(())
    }

    /// Connect to `url` (postgres://user:pass@host:port/db). A server that
    /// is restarting is waited for briefly rather than failing at once.
    pub async fn connect(url: &str) -> Result<PgStore> {
        let opts: PgConnectOptions = url.parse()?;
        let mut last = None;
        for attempt in 0..10 {
            match PgPoolOptions::new()
                .max_connections(16)
                .min_connections(1)
                .acquire_timeout(Duration::from_secs(5))
                // A connection the server dropped (57P01 after a restart) is
                // found here and replaced, not handed to a request.
                .test_before_acquire(true)
                .connect_with(opts.clone())
                .await
            {
                Ok(pool) => {
                    return Ok(PgStore {
                        pool,
                        search: Default::default(),
                    });
                }
                Err(e) => {
                    last = Some(e);
                    tokio::time::sleep(Duration::from_millis(200 * (attempt + 1))).await;
                }
            }
        }
        Err(StoreError::Db(last.expect("at least one attempt")))
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// LISTEN on `warta_content` (raised by the content triggers) in a task
    /// of its own, reconnecting with backoff.
    async fn listen_impl(&self, on_change: super::ChangeHook) -> Result<bool> {
        let pool = self.pool.clone();
        tokio::spawn(async move {
            let mut backoff = Duration::from_millis(100);
            loop {
                match sqlx::postgres::PgListener::connect_with(&pool).await {
                    Ok(mut l) => {
                        if l.listen("warta_content").await.is_ok() {
                            backoff = Duration::from_millis(100);
                            // Whatever happened while we were away counts as a change.
                            if !on_change() {
                                return;
                            }
                            while l.try_recv().await.ok().flatten().is_some() {
                                if !on_change() {
                                    return;
                                }
                            }
                        }
                        tracing::warn!("lost the PostgreSQL change notifications; reconnecting");
                    }
                    Err(e) => tracing::warn!(error = %e, "cannot LISTEN for changes"),
                }
                if !on_change() {
                    return;
                }
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(5));
            }
        });
        Ok(true)
    }
}

crate::sql_store!(PgStore, sqlx::Postgres, sqlx::postgres::PgRow, MIGRATOR);

/// Search on PostgreSQL: a weighted `tsvector` of analysed words built with
/// `array_to_tsvector` (no parser of PostgreSQL's between our analysis and
/// the index), a GIN index, and `ts_rank` with the same weights' order as
/// SQLite's bm25.
impl PgStore {
    pub(super) async fn index_tx(
        tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
        article_id: i64,
        d: &crate::domain::search::SearchDoc,
    ) -> Result<()> {
        let [a, b, c, dd] = super::search::tsvector_parts(d);
        sqlx::query(
            "INSERT INTO search_docs (article_id, tsv) VALUES ($1, \
             setweight(array_to_tsvector($2::text[]), 'A') || setweight(array_to_tsvector($3::text[]), 'B') || \
             setweight(array_to_tsvector($4::text[]), 'C') || setweight(array_to_tsvector($5::text[]), 'D')) \
             ON CONFLICT (article_id) DO UPDATE SET tsv = excluded.tsv",
        )
        .bind(article_id)
        .bind(a)
        .bind(b)
        .bind(c)
        .bind(dd)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    pub(super) async fn unindex_tx(
        tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
        article_id: i64,
    ) -> Result<()> {
        sqlx::query("DELETE FROM search_docs WHERE article_id = $1")
            .bind(article_id)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    pub(super) async fn search_impl(
        &self,
        q: &super::search::SearchQuery,
    ) -> Result<Vec<super::search::SearchHit>> {
        use sqlx::Row;
        let rows = sqlx::query(
            "SELECT a.id, a.slug, a.published_at, \
             CAST(ts_rank('{0.1, 0.3, 0.6, 1.0}', d.tsv, CAST($1 AS tsquery)) AS DOUBLE PRECISION) AS relevance \
             FROM search_docs d JOIN articles a ON a.id = d.article_id \
             WHERE d.tsv @@ CAST($1 AS tsquery) AND a.status = 'published' AND a.published_at <= $2 \
             AND (CAST($3 AS BIGINT) IS NULL OR a.published_at >= $3) \
             AND (CAST($4 AS BIGINT) IS NULL OR a.published_at < $4) \
             ORDER BY d.article_id DESC LIMIT $5",
        )
        .bind(super::search::tsquery(q))
        .bind(q.now)
        .bind(q.from)
        .bind(q.to)
        .bind(q.candidates)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| super::search::SearchHit {
                article_id: r.get("id"),
                slug: r.get("slug"),
                published_at: r.get("published_at"),
                relevance: r.get("relevance"),
            })
            .collect())
    }
}
