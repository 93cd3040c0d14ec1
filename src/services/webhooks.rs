//! Webhooks: every article event (published, updated, unpublished) is sent
//! to each configured URL as signed JSON, retried with backoff until it is
//! taken (any 2xx) or we give up. Events are written by the store in the
//! same transaction as the change, so none is lost to a crash; deliveries
//! are leased, so two nodes never send the same one at once.
//!
//! Signature: `Warta-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
//! "<t>.<body>" with the webhook's secret>`. Receivers should check it and
//! refuse a `t` far from their clock.

use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use serde_json::json;
use sha2::Sha256;

use crate::core::Core;
use crate::domain::article::article_path;
use crate::domain::time::rfc3339_utc;

/// Attempts before giving up on a delivery.
pub const MAX_ATTEMPTS: i64 = 8;
/// How long a node holds a delivery it is sending.
const LEASE: i64 = 60;

/// Seconds to wait after a failed attempt: 30 s, 1 min, 2 min, … at most 6 h.
pub fn backoff(attempts: i64) -> i64 {
    (30i64 << (attempts.clamp(1, 16) - 1)).min(6 * 3600)
}

pub fn sign(secret: &str, t: i64, body: &str) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(format!("{t}.{body}").as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("Warta-Webhooks/1")
        .build()
        .expect("a TLS client can be built")
}

/// The webhooks' consumer of the event stream: each article event becomes
/// a delivery to every configured URL (sent by `run_once`, retried there).
pub struct Queue;

#[async_trait::async_trait]
impl super::events::Consumer for Queue {
    fn name(&self) -> &str {
        "webhooks"
    }

    async fn handle(
        &self,
        core: &Core,
        events: &[crate::store::events::Event],
    ) -> Result<(), crate::error::AppError> {
        let (Some(first), Some(last)) = (events.first(), events.last()) else {
            return Ok(());
        };
        for hook in &core.cfg.webhooks {
            core.store
                .queue_webhook_deliveries(&hook.url, first.id - 1, last.id, core.clock.now())
                .await?;
        }
        Ok(())
    }
}

/// Queue what the event stream has new, and send whatever is due now;
/// returns how many were delivered.
pub async fn run_once(core: &Core, http: &reqwest::Client) -> usize {
    let now = core.clock.now();
    if let Err(e) = super::events::run(core, &Queue).await {
        tracing::error!(error = %e, "webhook queue failed");
        return 0;
    }
    let mut delivered = 0;
    loop {
        let d = match core.store.claim_delivery(now, LEASE).await {
            Ok(Some(d)) => d,
            Ok(None) => break,
            Err(e) => {
                tracing::error!(error = %e, "webhook claim failed");
                break;
            }
        };
        let hook = core.cfg.webhooks.iter().find(|h| h.url == d.url);
        let wanted = hook.is_some_and(|h| h.events.is_empty() || h.events.contains(&d.event));
        let outcome = match hook.filter(|_| wanted) {
            // No longer configured, or not an event it asked for: done.
            None => Ok(None),
            Some(h) => send(core, http, h, &d, now).await.map(Some),
        };
        let result = match outcome {
            Ok(status) => {
                delivered += usize::from(status.is_some());
                core.store
                    .finish_delivery(&d, true, status, None, now, now)
                    .await
            }
            Err((status, error)) => {
                let next = if d.attempts >= MAX_ATTEMPTS {
                    tracing::warn!(url = %d.url, event_id = d.event_id, "webhook given up after {MAX_ATTEMPTS} attempts");
                    i64::MAX / 2
                } else {
                    now + backoff(d.attempts)
                };
                core.store
                    .finish_delivery(&d, false, status, Some(&error), next, now)
                    .await
            }
        };
        if let Err(e) = result {
            tracing::error!(error = %e, "webhook bookkeeping failed");
            break;
        }
    }
    delivered
}

async fn send(
    core: &Core,
    http: &reqwest::Client,
    hook: &crate::config::Webhook,
    d: &crate::store::newsroom::Delivery,
    now: i64,
) -> Result<i64, (Option<i64>, String)> {
    let article = match core.store.article(&d.slug, now).await {
        Ok(Some(a)) if d.event != "article.unpublished" => json!({
            "slug": a.slug,
            "title": a.headline,
            "section": a.section.slug,
            "url": format!("{}{}", core.cfg.base_url, article_path(&a.section.slug, &a.slug)),
            "published_at": rfc3339_utc(a.published_at),
            "updated_at": a.updated_at.map(rfc3339_utc),
            "api_url": format!("{}/api/v1/articles/{}", core.cfg.base_url, a.slug),
        }),
        _ => json!({ "slug": d.slug }),
    };
    let body = json!({
        "id": d.event_id,
        "event": d.event,
        "created_at": rfc3339_utc(d.created_at),
        "article": article,
    })
    .to_string();
    let res = http
        .post(&hook.url)
        .header("content-type", "application/json")
        .header("warta-event", &d.event)
        .header("warta-delivery", d.event_id.to_string())
        .header(
            "warta-signature",
            format!("t={now},v1={}", sign(&hook.secret(), now, &body)),
        )
        .body(body)
        .send()
        .await
        .map_err(|e| (None, e.to_string()))?;
    let status = i64::from(res.status().as_u16());
    if res.status().is_success() {
        Ok(status)
    } else {
        Err((Some(status), format!("answered {status}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_six_hours() {
        assert_eq!(backoff(1), 30);
        assert_eq!(backoff(2), 60);
        assert_eq!(backoff(5), 480);
        assert_eq!(backoff(20), 6 * 3600);
    }

    #[test]
    fn signatures_follow_the_documented_scheme() {
        // HMAC-SHA256("key", "1700000000.{}"), computed with Python's hmac.
        let s = sign("key", 1_700_000_000, "{}");
        assert_eq!(
            s,
            "9d713ed406bb7076d4123f0dc2c39d2df5c654ed4b0cd56b52c8b4c940bd63ae"
        );
        assert_ne!(s, sign("other", 1_700_000_000, "{}"));
        assert_ne!(s, sign("key", 1_700_000_001, "{}"));
        assert_eq!(s, sign("key", 1_700_000_000, "{}"));
    }
}
