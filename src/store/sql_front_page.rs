//! The SQL of the front page's arrangement, stamped out by `sql_store!`.

#[macro_export]
macro_rules! sql_front_page {
    ($Store:ident, $Db:ty, $Row:ty) => {
        use $crate::store::front_page::{FrontPagePlan, FrontPageStore};

        #[async_trait]
        impl FrontPageStore for $Store {
            async fn front_page_plan(&self) -> Result<FrontPagePlan> {
                let row = sqlx::query(
                    "SELECT lead_slug, hidden, updated_by, updated_at FROM front_page WHERE id = 1",
                )
                .fetch_optional(&self.pool)
                .await?;
                Ok(match row {
                    None => FrontPagePlan::default(),
                    Some(r) => FrontPagePlan {
                        lead_slug: r.get("lead_slug"),
                        hidden: json("front page hidden sections", &r.get::<String, _>("hidden"))?,
                        updated_by: r.get("updated_by"),
                        updated_at: r.get("updated_at"),
                    },
                })
            }

            async fn save_front_page(
                &self,
                plan: &FrontPagePlan,
                order: &[(String, i64)],
            ) -> Result<()> {
                let mut tx = self.begin_write().await?;
                for (slug, position) in order {
                    sqlx::query("UPDATE sections SET position = $1 WHERE slug = $2")
                        .bind(*position)
                        .bind(slug)
                        .execute(&mut *tx)
                        .await?;
                }
                sqlx::query(
                    "INSERT INTO front_page (id, lead_slug, hidden, updated_by, updated_at) \
                     VALUES (1, $1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET \
                     lead_slug = excluded.lead_slug, hidden = excluded.hidden, \
                     updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                )
                .bind(&plan.lead_slug)
                .bind(to_json(&plan.hidden))
                .bind(&plan.updated_by)
                .bind(plan.updated_at)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }
        }
    };
}
