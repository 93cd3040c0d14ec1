//! What search shares between the backends (settings, reindexing); the
//! index itself is each backend's (`SqliteStore::index_tx`,
//! `PgStore::index_tx`), stamped out by `sql_store!`.

#[macro_export]
macro_rules! sql_search {
    ($Store:ident, $Db:ty, $Row:ty) => {
        use $crate::store::search::{SearchHit, SearchQuery, SearchSettings, SearchStore};

        #[async_trait]
        impl SearchStore for $Store {
            fn configure_search(&self, settings: SearchSettings) {
                *self.search.write().expect("search settings lock") = std::sync::Arc::new(settings);
            }

            fn search_settings(&self) -> std::sync::Arc<SearchSettings> {
                self.search.read().expect("search settings lock").clone()
            }

            async fn search(&self, q: &SearchQuery) -> Result<Vec<SearchHit>> {
                self.search_impl(q).await
            }

            async fn reindex(&self) -> Result<usize> {
                let settings = self.search_settings();
                let slugs: Vec<String> = sqlx::query_scalar(
                    "SELECT slug FROM articles WHERE status = 'published' ORDER BY id",
                )
                .fetch_all(&self.pool)
                .await?;
                let mut n = 0;
                for batch in slugs.chunks(500) {
                    let mut tx = self.begin_write().await?;
                    for slug in batch {
                        if let Some(a) = self.article(slug, i64::MAX).await? {
                            let doc =
                                settings
                                    .analyzer
                                    .document(&$crate::store::search::article_text(
                                        &a,
                                        settings.preview_paragraphs,
                                    ));
                            $Store::index_tx(&mut tx, a.id, &doc).await?;
                            n += 1;
                        }
                    }
                    tx.commit().await?;
                }
                self.refresh_planner_stats().await?;
                Ok(n)
            }
        }
    };
}
