//! The payments' SQL, written once for both backends and stamped out in the
//! same module as `sql_store!` (it uses that macro's imports).

#[macro_export]
macro_rules! sql_payments {
    ($Store:ident, $Db:ty, $Row:ty) => {
        use $crate::store::payments::{
            MembershipChange, NewPayment, NewPaymentEvent, Payment, PaymentEvent, PaymentStep, PaymentStore,
            RefColumn, StepResult,
        };

        fn payment_of(r: &$Row) -> Payment {
            Payment {
                id: r.get("id"),
                order_id: r.get("order_id"),
                reader_id: r.get("reader_id"),
                provider: r.get("provider"),
                method: r.get("method"),
                plan_id: r.get("plan_id"),
                amount: r.get("amount"),
                currency: r.get("currency"),
                recurring: r.get::<i64, _>("recurring") != 0,
                state: r.get("state"),
                version: r.get("version"),
                checkout_ref: r.get("checkout_ref"),
                checkout_url: r.get("checkout_url"),
                provider_ref: r.get("provider_ref"),
                customer_ref: r.get("customer_ref"),
                charge_ref: r.get("charge_ref"),
                period_end: r.get("period_end"),
                reminded_at: r.get("reminded_at"),
                toggled_at: r.get("toggled_at"),
                created_at: r.get("created_at"),
                updated_at: r.get("updated_at"),
            }
        }

        fn payment_event_of(r: &$Row) -> PaymentEvent {
            PaymentEvent {
                id: r.get("id"),
                provider: r.get("provider"),
                event_id: r.get("event_id"),
                kind: r.get("kind"),
                order_id: r.get("order_id"),
                payload: r.get("payload"),
                received_at: r.get("received_at"),
                applied_at: r.get("applied_at"),
                outcome: r.get("outcome"),
            }
        }

        /// The payment's current period: its latest membership not taken back.
        const LATEST_PERIOD: &str = "(SELECT id FROM memberships WHERE source = 'payment' AND reference = $2 \
             AND status <> 'revoked' ORDER BY ends_at DESC LIMIT 1)";

        #[async_trait]
        impl PaymentStore for $Store {
            async fn create_payment(&self, p: &NewPayment, now: i64) -> Result<Payment> {
                let row = sqlx::query(
                    "INSERT INTO payments (order_id, reader_id, provider, method, plan_id, amount, currency, \
                     recurring, checkout_ref, checkout_url, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING *",
                )
                .bind(&p.order_id)
                .bind(p.reader_id)
                .bind(&p.provider)
                .bind(&p.method)
                .bind(&p.plan_id)
                .bind(p.amount)
                .bind(&p.currency)
                .bind(i64::from(p.recurring))
                .bind(&p.checkout_ref)
                .bind(&p.checkout_url)
                .bind(now)
                .fetch_one(&self.pool)
                .await
                .map_err(|e| conflict_on_unique(e, "order"))?;
                Ok(payment_of(&row))
            }

            async fn payment(&self, id: i64) -> Result<Option<Payment>> {
                Ok(sqlx::query("SELECT * FROM payments WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?
                    .map(|r| payment_of(&r)))
            }

            async fn payment_by_order(&self, order_id: &str) -> Result<Option<Payment>> {
                Ok(sqlx::query("SELECT * FROM payments WHERE order_id = $1")
                    .bind(order_id)
                    .fetch_optional(&self.pool)
                    .await?
                    .map(|r| payment_of(&r)))
            }

            async fn payment_by_ref(&self, provider: &str, column: RefColumn, value: &str) -> Result<Option<Payment>> {
                // The column name is one of three constants, never input.
                let sql = format!(
                    "SELECT * FROM payments WHERE provider = $1 AND {} = $2 ORDER BY id DESC LIMIT 1",
                    column.column()
                );
                Ok(sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(provider)
                    .bind(value)
                    .fetch_optional(&self.pool)
                    .await?
                    .map(|r| payment_of(&r)))
            }

            async fn payments_of(&self, reader_id: i64) -> Result<Vec<Payment>> {
                Ok(sqlx::query("SELECT * FROM payments WHERE reader_id = $1 ORDER BY id DESC")
                    .bind(reader_id)
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map(payment_of)
                    .collect())
            }

            async fn recent_payments(&self, limit: i64) -> Result<Vec<Payment>> {
                Ok(sqlx::query("SELECT * FROM payments ORDER BY id DESC LIMIT $1")
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map(payment_of)
                    .collect())
            }

            async fn record_payment_event(&self, e: &NewPaymentEvent, now: i64) -> Result<(i64, bool)> {
                let fresh: Option<i64> = sqlx::query_scalar(
                    "INSERT INTO payment_events (provider, event_id, kind, order_id, payload, received_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (provider, event_id) DO NOTHING RETURNING id",
                )
                .bind(&e.provider)
                .bind(&e.event_id)
                .bind(&e.kind)
                .bind(&e.order_id)
                .bind(&e.payload)
                .bind(now)
                .fetch_optional(&self.pool)
                .await?;
                if let Some(id) = fresh {
                    return Ok((id, true));
                }
                let id: i64 = sqlx::query_scalar("SELECT id FROM payment_events WHERE provider = $1 AND event_id = $2")
                    .bind(&e.provider)
                    .bind(&e.event_id)
                    .fetch_one(&self.pool)
                    .await?;
                Ok((id, false))
            }

            async fn payment_event(&self, id: i64) -> Result<Option<PaymentEvent>> {
                Ok(sqlx::query("SELECT * FROM payment_events WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?
                    .map(|r| payment_event_of(&r)))
            }

            async fn unapplied_payment_events(&self, limit: i64) -> Result<Vec<PaymentEvent>> {
                Ok(sqlx::query("SELECT * FROM payment_events WHERE applied_at IS NULL ORDER BY id LIMIT $1")
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map(payment_event_of)
                    .collect())
            }

            async fn payment_events_of(&self, order_id: &str) -> Result<Vec<PaymentEvent>> {
                Ok(sqlx::query("SELECT * FROM payment_events WHERE order_id = $1 ORDER BY id")
                    .bind(order_id)
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map(payment_event_of)
                    .collect())
            }

            async fn commit_payment_step(&self, step: &PaymentStep, now: i64) -> Result<StepResult> {
                let mut tx = self.begin_write().await?;
                // Whoever marks the event first applies it; a second node (or
                // a retry after a crash) finds it marked and stops.
                let marked = sqlx::query(
                    "UPDATE payment_events SET applied_at = $2, outcome = $3, order_id = COALESCE(order_id, $4) \
                     WHERE id = $1 AND applied_at IS NULL",
                )
                .bind(step.event)
                .bind(now)
                .bind(&step.outcome)
                .bind(&step.order_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if marked == 0 {
                    return Ok(StepResult::AlreadyApplied);
                }
                if let Some(u) = &step.update {
                    let Some(row) = sqlx::query(
                        "UPDATE payments SET state = $1, version = version + 1, \
                         provider_ref = COALESCE($2, provider_ref), customer_ref = COALESCE($3, customer_ref), \
                         charge_ref = COALESCE($4, charge_ref), period_end = COALESCE($5, period_end), updated_at = $6, \
                         toggled_at = COALESCE($9, toggled_at) \
                         WHERE id = $7 AND version = $8 RETURNING reader_id, order_id",
                    )
                    .bind(&u.state)
                    .bind(&u.provider_ref)
                    .bind(&u.customer_ref)
                    .bind(&u.charge_ref)
                    .bind(u.period_end)
                    .bind(now)
                    .bind(u.payment_id)
                    .bind(u.expected_version)
                    .bind(u.toggled_at)
                    .fetch_optional(&mut *tx)
                    .await?
                    else {
                        return Ok(StepResult::Moved);
                    };
                    let (reader_id, order_id): (i64, String) = (row.get("reader_id"), row.get("order_id"));
                    match &u.change {
                        None => {}
                        Some(MembershipChange::Grant(req)) => {
                            // The one period writer; the payment remembers
                            // where the period it bought ends.
                            let m = add_period_tx(&mut tx, reader_id, req, now).await?;
                            sqlx::query("UPDATE payments SET period_end = $1 WHERE id = $2")
                                .bind(m.ends_at)
                                .bind(u.payment_id)
                                .execute(&mut *tx)
                                .await?;
                        }
                        Some(MembershipChange::Grace { until }) => {
                            sqlx::query(sqlx::AssertSqlSafe(format!(
                                "UPDATE memberships SET status = 'grace', grace_until = $1 WHERE id = {LATEST_PERIOD}"
                            )))
                            .bind(*until)
                            .bind(&order_id)
                            .execute(&mut *tx)
                            .await?;
                        }
                        Some(MembershipChange::Cancel) => {
                            sqlx::query(sqlx::AssertSqlSafe(format!(
                                "UPDATE memberships SET status = 'cancelled' WHERE status <> $1 AND id = {LATEST_PERIOD}"
                            )))
                            .bind("revoked")
                            .bind(&order_id)
                            .execute(&mut *tx)
                            .await?;
                        }
                        Some(MembershipChange::Resume) => {
                            sqlx::query(sqlx::AssertSqlSafe(format!(
                                "UPDATE memberships SET status = 'active' WHERE status = $1 AND id = {LATEST_PERIOD}"
                            )))
                            .bind("cancelled")
                            .bind(&order_id)
                            .execute(&mut *tx)
                            .await?;
                        }
                        Some(MembershipChange::Revoke) => {
                            sqlx::query(
                                "UPDATE memberships SET status = 'revoked' WHERE source = 'payment' AND reference = $1 \
                                 AND (ends_at > $2 OR grace_until > $2)",
                            )
                            .bind(&order_id)
                            .bind(now)
                            .execute(&mut *tx)
                            .await?;
                        }
                    }
                }
                tx.commit().await?;
                Ok(StepResult::Applied)
            }

            async fn payments_to_remind(&self, before: i64, now: i64) -> Result<Vec<Payment>> {
                Ok(sqlx::query(
                    "SELECT * FROM payments WHERE recurring = 0 AND state = 'active' AND reminded_at IS NULL \
                     AND period_end IS NOT NULL AND period_end <= $1 AND period_end > $2 ORDER BY id",
                )
                .bind(before)
                .bind(now)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(payment_of)
                .collect())
            }

            async fn mark_reminded(&self, id: i64, now: i64) -> Result<bool> {
                Ok(sqlx::query("UPDATE payments SET reminded_at = $2 WHERE id = $1 AND reminded_at IS NULL")
                    .bind(id)
                    .bind(now)
                    .execute(&self.pool)
                    .await?
                    .rows_affected()
                    == 1)
            }
        }
    };
}
