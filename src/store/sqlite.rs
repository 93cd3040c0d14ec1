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
        Ok(SqliteStore { pool })
    }
}

crate::sql_store!(SqliteStore, sqlx::Sqlite, sqlx::sqlite::SqliteRow, MIGRATOR);
