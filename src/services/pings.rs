//! Telling others a story is out: IndexNow (Bing, Yandex and others take
//! the addresses at once) and WebSub hubs (feed readers subscribed through
//! a hub hear of the feed's change). A consumer of the event stream, so a
//! publish on any node is pinged once; best effort: a ping that fails is
//! logged, not retried for ever.

use std::time::Duration;

use async_trait::async_trait;

use crate::core::Core;
use crate::error::AppError;
use crate::store::events::Event;

pub struct Pings {
    http: reqwest::Client,
}

impl Default for Pings {
    fn default() -> Self {
        Pings {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .redirect(reqwest::redirect::Policy::none())
                .user_agent("Warta-Pings/1")
                .build()
                .expect("a TLS client can be built"),
        }
    }
}

impl Pings {
    /// Whether the settings ask for any ping at all.
    pub fn wanted(core: &Core) -> bool {
        core.cfg.discovery.indexnow_key.is_some() || !core.cfg.discovery.websub_hubs.is_empty()
    }
}

#[async_trait]
impl super::events::Consumer for Pings {
    fn name(&self) -> &str {
        "pings"
    }

    async fn handle(&self, core: &Core, events: &[Event]) -> Result<(), AppError> {
        let now = core.clock.now();
        let base = &core.cfg.base_url;
        let mut urls = Vec::new();
        let mut feeds = vec![
            format!("{base}/feed.xml"),
            format!("{base}/feed.atom"),
            format!("{base}/feed.json"),
        ];
        for e in events
            .iter()
            .filter(|e| matches!(e.kind.as_str(), "article.published" | "article.updated"))
        {
            if let Some(a) = core.store.article(&e.subject, now).await? {
                let url = format!(
                    "{base}{}",
                    crate::domain::article::article_path(&a.section.slug, &a.slug)
                );
                if !urls.contains(&url) {
                    urls.push(url);
                }
                for ext in ["xml", "atom", "json"] {
                    let f = format!("{base}/{}/feed.{ext}", a.section.slug);
                    if !feeds.contains(&f) {
                        feeds.push(f);
                    }
                }
            }
        }
        if urls.is_empty() {
            return Ok(());
        }
        let d = &core.cfg.discovery;
        if let Some(key) = &d.indexnow_key {
            let host = base
                .split("://")
                .nth(1)
                .unwrap_or(base)
                .split('/')
                .next()
                .unwrap_or("");
            let body = serde_json::json!({
                "host": host,
                "key": key,
                "keyLocation": format!("{base}/indexnow.txt"),
                "urlList": urls,
            });
            match self
                .http
                .post(&d.indexnow_endpoint)
                .json(&body)
                .send()
                .await
            {
                Ok(r) if r.status().is_success() => {
                    tracing::info!(n = urls.len(), "IndexNow told");
                }
                Ok(r) => tracing::warn!(status = %r.status(), "IndexNow refused the ping"),
                Err(e) => tracing::warn!(error = %e.without_url(), "IndexNow not reached"),
            }
        }
        for hub in &d.websub_hubs {
            for feed in &feeds {
                let r = self
                    .http
                    .post(hub)
                    .form(&[("hub.mode", "publish"), ("hub.url", feed.as_str())])
                    .send()
                    .await;
                if let Err(e) = r {
                    tracing::warn!(error = %e.without_url(), "WebSub hub not reached");
                    break;
                }
            }
        }
        Ok(())
    }
}
