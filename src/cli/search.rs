//! Search: rebuild the index (after the analysis or its settings changed).

use std::process::ExitCode;

use clap::Subcommand;

use super::{StoreArgs, open};

#[derive(Subcommand)]
pub enum SearchCommand {
    /// Analyse and index every published story again.
    Reindex {
        #[command(flatten)]
        store: StoreArgs,
    },
}

pub async fn search(c: SearchCommand) -> anyhow::Result<ExitCode> {
    match c {
        SearchCommand::Reindex { store } => {
            let (_cfg, st) = open(&store).await?;
            let started = std::time::Instant::now();
            let n = st.reindex().await?;
            println!(
                "{n} published stories indexed in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
