//! The PostgreSQL store, for sites that run several nodes on one database.
//! Same SQL as SQLite (see `sql.rs`), its own migrations.

use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

pub struct PgStore {
    pub(super) pool: PgPool,
}

impl PgStore {
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
                Ok(pool) => return Ok(PgStore { pool }),
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
