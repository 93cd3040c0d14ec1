//! The store and its content: demo, migrate, backup, restore, import.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

use warta::config::Config;

use super::{StoreArgs, open};

#[derive(Subcommand)]
pub enum ImportCommand {
    /// Import the text of article pages as a browser copies them.
    PageText {
        #[command(flatten)]
        store: StoreArgs,
        /// Section slug for articles whose text does not name one.
        #[arg(long, default_value = "berita")]
        section: String,
        /// A site profile (TOML) to use instead of the built-in ones.
        #[arg(long)]
        profile: Option<PathBuf>,
        /// Print one JSON object per file instead of URL paths.
        #[arg(long)]
        json: bool,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

pub async fn demo(store: StoreArgs, articles: usize) -> anyhow::Result<ExitCode> {
    let (_cfg, st) = open(&store).await?;
    let now = warta::domain::time::now();
    let mut c = warta::demo::load(st.as_ref(), &store.data, now).await?;
    if articles > 0 {
        c = warta::demo::synthetic::generate(st.as_ref(), articles, now).await?;
    }
    st.refresh_planner_stats().await?;
    println!(
        "loaded demo content into {}: {} sections, {} contributors, {} articles, {} videos, {} comments",
        store.data.display(),
        c.sections,
        c.contributors,
        c.articles,
        c.videos,
        c.comments
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn migrate(store: StoreArgs) -> anyhow::Result<ExitCode> {
    Config::load(store.config.as_deref())?;
    let st = warta::store::open(store.database_url.as_deref(), &store.data).await?;
    // open() has migrated; say where things stand.
    println!(
        "schema is up to date ({} articles)",
        st.counts().await?.articles
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn backup(store: StoreArgs, to: PathBuf) -> anyhow::Result<ExitCode> {
    warta::ops::backup(store.database_url.as_deref(), &store.data, &to).await?;
    println!("backup written to {}", to.display());
    Ok(ExitCode::SUCCESS)
}

pub async fn restore(store: StoreArgs, from: PathBuf, force: bool) -> anyhow::Result<ExitCode> {
    warta::ops::restore(store.database_url.as_deref(), &store.data, &from, force).await?;
    let st = warta::store::open(store.database_url.as_deref(), &store.data).await?;
    println!(
        "restored {}: {} articles",
        from.display(),
        st.counts().await?.articles
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn import(c: ImportCommand) -> anyhow::Result<ExitCode> {
    match c {
        ImportCommand::PageText {
            store,
            section,
            profile,
            json,
            files,
        } => {
            if !warta::domain::slug::is_valid(&section) {
                anyhow::bail!(
                    "--section {section:?} is not a valid slug (lowercase letters, digits, hyphens)"
                );
            }
            let profiles = match profile {
                Some(p) => vec![warta::import::profile_from_file(&p)?],
                None => warta::import::builtin_profiles()?,
            };
            let (_cfg, st) = open(&store).await?;
            let mut failed = 0;
            for f in &files {
                let r = warta::import::import_page_text(
                    st.as_ref(),
                    &profiles,
                    f,
                    &section,
                    warta::domain::time::now(),
                )
                .await;
                match (r, json) {
                    (Ok(i), false) => println!("{}", i.path),
                    (Ok(i), true) => println!(
                        "{}",
                        serde_json::json!({ "file": f.display().to_string(), "slug": i.slug, "url": i.path })
                    ),
                    (Err(e), false) => {
                        failed += 1;
                        eprintln!("warta: {e}");
                    }
                    (Err(e), true) => {
                        failed += 1;
                        println!(
                            "{}",
                            serde_json::json!({ "file": f.display().to_string(), "error": e.to_string() })
                        );
                    }
                }
            }
            if files.len() > 100 {
                st.refresh_planner_stats().await?;
            }
            Ok(if failed == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
    }
}
