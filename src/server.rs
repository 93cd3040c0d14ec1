//! Putting the app together and running it.

use std::path::PathBuf;
use std::sync::Arc;

use crate::config::Config;
use crate::core::Core;
use crate::http::{App, AppState};
use crate::store::Backend;

pub fn build_app(
    cfg: Config,
    backend: Arc<dyn Backend>,
    data_dir: PathBuf,
) -> anyhow::Result<AppState> {
    let core = Core::new(cfg, backend, data_dir)?;
    let cfg = &core.cfg;
    let app = Arc::new(App {
        cache: crate::http::cache::PageCache::with_budget(
            cfg.page_cache,
            cfg.page_cache_mb * 1024 * 1024,
            cfg.cache_status_header,
        ),
        reader_cache: crate::http::reader_cache::ReaderCache::new(
            std::time::Duration::from_millis(cfg.reader_cache_ms),
        ),
        csp: crate::http::content_security_policy(cfg),
        search_limiter: crate::http::search::SearchLimiter::new(cfg.search.per_minute),
        share_image: std::sync::OnceLock::new(),
        core,
    });
    // Changes announced by the database empty this node's page cache at once.
    if tokio::runtime::Handle::try_current().is_ok() {
        let weak = Arc::downgrade(&app);
        let store = app.store.clone();
        tokio::spawn(async move {
            // Changes come in bursts (a desk publishing, an import): the
            // first empties the cache at once, the rest of a 100 ms window
            // once at its end, so readers are not left with no cache at all.
            let window = Arc::new(std::sync::atomic::AtomicBool::new(false));
            let dirty = Arc::new(std::sync::atomic::AtomicBool::new(false));
            let hook: crate::store::ChangeHook = Arc::new(move || match weak.upgrade() {
                Some(app) => {
                    use std::sync::atomic::Ordering::AcqRel;
                    if window.swap(true, AcqRel) {
                        dirty.store(true, std::sync::atomic::Ordering::Release);
                        return true;
                    }
                    app.cache.invalidate();
                    let (window, dirty, weak) =
                        (window.clone(), dirty.clone(), Arc::downgrade(&app));
                    tokio::spawn(async move {
                        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                        window.store(false, std::sync::atomic::Ordering::Release);
                        if dirty.swap(false, AcqRel)
                            && let Some(app) = weak.upgrade()
                        {
                            app.cache.invalidate();
                        }
                    });
                    true
                }
                None => false,
            });
            if let Err(e) = store.listen_for_changes(hook).await {
                tracing::warn!(error = %e, "change notifications unavailable; polling only");
            }
        });
    }
    // Webhooks: every node sends what is due; deliveries are leased.
    if tokio::runtime::Handle::try_current().is_ok() && !app.cfg.webhooks.is_empty() {
        let weak = Arc::downgrade(&app);
        tokio::spawn(async move {
            let http = crate::services::webhooks::client();
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(2));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let Some(app) = weak.upgrade() else { break };
                crate::services::webhooks::run_once(&app, &http).await;
            }
        });
    }
    // Mail: sent after the request that queued it has been answered, by
    // whichever node takes it first; failures are retried.
    if tokio::runtime::Handle::try_current().is_ok() {
        let weak = Arc::downgrade(&app);
        tokio::spawn(async move {
            loop {
                let Some(app) = weak.upgrade() else { break };
                crate::mail::deliver_due(&*app.store, &app.mailer, app.clock.now()).await;
                let woken = async { app.mail_wake.notified().await };
                let _ = tokio::time::timeout(std::time::Duration::from_secs(2), woken).await;
            }
        });
    }
    // Pings on publishing (IndexNow, WebSub), when the settings ask for them.
    if tokio::runtime::Handle::try_current().is_ok()
        && crate::services::pings::Pings::wanted(&app.core)
    {
        let weak = Arc::downgrade(&app);
        tokio::spawn(async move {
            let pings = crate::services::pings::Pings::default();
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(3));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let Some(app) = weak.upgrade() else { break };
                if let Err(e) = crate::services::events::run(&app.core, &pings).await {
                    tracing::warn!(error = %e, "pings not sent");
                }
            }
        });
    }
    // The scheduler: every few seconds on every node; each change is made
    // once (see `Desk::run_due`).
    if tokio::runtime::Handle::try_current().is_ok() {
        let weak = Arc::downgrade(&app);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(5));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let Some(app) = weak.upgrade() else { break };
                run_scheduled(&app).await;
            }
        });
    }
    Ok(app)
}

/// Publish what is scheduled and take down what expired, as of the app's
/// clock; this node's page cache is emptied when anything moved (other
/// nodes hear of it from the database). Returns the slugs moved.
pub async fn run_scheduled(app: &App) -> Vec<String> {
    if let Err(e) = app.store.prune_comment_changes().await {
        tracing::warn!(error = %e, "comment change log not pruned");
    }
    // Provider events stored by a node that died before applying them.
    let applied = crate::services::payments::apply_pending(app).await;
    if applied > 0 {
        tracing::info!(applied, "stored payment events applied");
    }
    crate::services::payments::send_reminders(app).await;
    let desk = crate::services::newsroom::Desk {
        store: &*app.store,
        now: app.clock.now(),
    };
    match desk.run_due().await {
        Ok(moved) => {
            if !moved.is_empty() {
                tracing::info!(?moved, "scheduled changes made");
                app.cache.recheck();
            }
            moved
        }
        Err(e) => {
            tracing::error!(error = %e, "scheduler run failed");
            Vec::new()
        }
    }
}

/// Serve until SIGINT or SIGTERM, letting requests in flight finish.
pub async fn serve(app: AppState, addr: &str) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
    tracing::info!("serving on http://{}", listener.local_addr()?);
    let limits = app.cfg.server.clone();
    crate::transport::serve(
        listener,
        crate::http::router(app),
        &limits,
        shutdown_signal(),
    )
    .await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
