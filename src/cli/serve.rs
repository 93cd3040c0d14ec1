//! `warta serve`: the site, with the demo content loaded into an empty store.

use std::process::ExitCode;

use warta::config::Config;

use super::{StoreArgs, open};

pub async fn serve(store: StoreArgs, addr: String, demo: bool) -> anyhow::Result<ExitCode> {
    let (mut cfg, st) = open(&store).await?;
    if cfg.base_url == Config::default().base_url {
        // No base URL set: links point where this process listens.
        cfg.base_url = format!("http://{addr}");
    }
    if demo && st.counts().await?.articles == 0 {
        let c = warta::demo::load(st.as_ref(), &store.data, warta::domain::time::now()).await?;
        tracing::info!(
            articles = c.articles,
            videos = c.videos,
            "demo content loaded"
        );
    }
    let app = warta::server::build_app(cfg, st, store.data.clone())?;
    warta::server::serve(app, &addr).await?;
    Ok(ExitCode::SUCCESS)
}
