//! The embedded store: one SQLite file under the data directory, in WAL mode
//! so readers never wait for the writer.

use std::path::Path;
use std::str::FromStr;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");

pub struct SqliteStore {
    pub(super) pool: SqlitePool,
    pub(super) search: std::sync::RwLock<std::sync::Arc<super::search::SearchSettings>>,
}

impl SqliteStore {
    /// Open (creating if needed) `warta.db` in `dir`.
    pub async fn open_dir(dir: &Path) -> Result<SqliteStore> {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::DataDir {
            path: dir.to_path_buf(),
            source,
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

    /// A transaction that will write. `BEGIN IMMEDIATE` takes the write lock
    /// at the start: a deferred transaction that reads and then writes cannot
    /// wait for the lock (SQLite answers "database is locked" at once), while
    /// one that starts by asking for it waits its turn (busy_timeout).
    pub(super) async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// After a bulk write (a demo or an import, a reindex): fresh table
    /// statistics, so the planner does not plan for the empty store.
    pub(super) async fn refresh_planner_stats(&self) -> Result<()> {
        sqlx::query("PRAGMA optimize").execute(&self.pool).await?;
        Ok(())
    }

    /// SQLite cannot announce changes to other processes.
    async fn listen_impl(&self, _on_change: super::ChangeHook) -> Result<bool> {
        Ok(false)
    }

    /// A consistent copy of the live database in a new file.
    pub async fn vacuum_into(&self, to: &Path) -> Result<()> {
        let path = to.to_string_lossy().to_string();
        sqlx::query("VACUUM INTO $1")
            .bind(path)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// `PRAGMA integrity_check` of this database: "ok" when sound.
    pub async fn integrity_check(&self) -> Result<String> {
        Ok(sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&self.pool)
            .await?)
    }

    /// Open a database file read-only and check that it is sound and Warta's.
    pub async fn check_file(file: &Path) -> Result<()> {
        let opts = SqliteConnectOptions::new().filename(file).read_only(true);
        let st = Self::connect(opts, 1).await?;
        let ok = st.integrity_check().await?;
        if ok != "ok" {
            return Err(StoreError::Corrupt(ok));
        }
        let _: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM articles")
            .fetch_one(&st.pool)
            .await?;
        Ok(())
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
        Ok(SqliteStore {
            pool,
            search: Default::default(),
        })
    }
}

crate::sql_store!(SqliteStore, sqlx::Sqlite, sqlx::sqlite::SqliteRow, MIGRATOR);

/// Search on SQLite: an FTS5 table of analysed words, `rowid` = the
/// article's id; relevance is FTS5's bm25 with the headline weighing most
/// and words as written above their stems.
impl SqliteStore {
    pub(super) async fn index_tx(
        tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
        article_id: i64,
        d: &crate::domain::search::SearchDoc,
    ) -> Result<()> {
        Self::unindex_tx(tx, article_id).await?;
        let meta = format!("{} {}", d.meta_exact, d.meta_stem);
        sqlx::query(
            "INSERT INTO search_fts (rowid, title_exact, title_stem, lead_exact, lead_stem, body_exact, \
             body_stem, meta, facets) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(article_id)
        .bind(&d.title_exact)
        .bind(&d.title_stem)
        .bind(&d.lead_exact)
        .bind(&d.lead_stem)
        .bind(&d.body_exact)
        .bind(&d.body_stem)
        .bind(meta)
        .bind(&d.facets)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    pub(super) async fn unindex_tx(
        tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
        article_id: i64,
    ) -> Result<()> {
        sqlx::query("DELETE FROM search_fts WHERE rowid = $1")
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
        // CROSS JOIN fixes the order: the full-text match first, then each
        // match's article. Left to itself the planner may walk every
        // published article and run the match once per row (seconds on a
        // 100,000-story archive, where the match alone takes milliseconds).
        let rows = sqlx::query(
            "SELECT a.id, a.slug, a.published_at, \
             -bm25(search_fts, 10.0, 5.0, 4.0, 2.0, 2.0, 1.0, 1.5, 0.0) AS relevance \
             FROM search_fts CROSS JOIN articles a ON a.id = search_fts.rowid \
             WHERE search_fts MATCH $1 AND a.status = 'published' AND a.published_at <= $2 \
             AND ($3 IS NULL OR a.published_at >= $3) AND ($4 IS NULL OR a.published_at < $4) \
             ORDER BY search_fts.rowid DESC LIMIT $5",
        )
        .bind(super::search::fts5_match(q))
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
