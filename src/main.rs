//! The `warta` command: logging, then the command line (`cli/`).

mod cli;

use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = cli::Cli::parse();
    match cli::run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("warta: {}", message(&e));
            // Configuration mistakes (the file, a setting, the data
            // directory) get EX_CONFIG so scripts can tell them apart.
            let config = e.downcast_ref::<warta::config::ConfigError>().is_some()
                || matches!(
                    e.downcast_ref::<warta::store::StoreError>(),
                    Some(warta::store::StoreError::DataDir { .. })
                );
            if config {
                ExitCode::from(78)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

/// The error and its causes, each said once: many errors already include
/// their cause in their own message, so a cause is added only when it is
/// news.
fn message(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if !out.contains(&text) {
            if !out.is_empty() {
                out.push_str(": ");
            }
            out.push_str(&text);
        }
    }
    out
}
