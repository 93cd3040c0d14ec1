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
    let no_staff = st.staff_members().await?.is_empty();
    let base = cfg.base_url.clone();
    let app = warta::server::build_app(cfg, st, store.data.clone())?;
    // What a newcomer needs next, on the terminal they started from.
    println!("Warta: the site is at {base}/ and the newsroom at {base}/admin");
    if no_staff {
        let data = if store.database_url.is_some() {
            String::new()
        } else {
            format!(" --data {}", store.data.display())
        };
        println!(
            "No one works in the newsroom yet. To make yourself its administrator:\n  \
             warta reader add --email you@example.com --password-stdin --verified --role admin{data}\n\
             then sign in at {base}/login (an existing reader: warta staff set --email E --role editor{data})"
        );
    }
    warta::server::serve(app, &addr).await?;
    Ok(ExitCode::SUCCESS)
}
