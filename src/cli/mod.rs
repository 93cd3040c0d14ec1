//! The `warta` command line: one file per command group. Each command
//! parses its arguments, calls the same services the web layer calls, and
//! prints what happened; errors become a message and an exit code in
//! `main`.

mod accounts;
mod content;
mod newsroom;
mod payments;
mod search;
mod serve;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};

use warta::config::Config;
use warta::store::Backend;

#[derive(Parser)]
#[command(
    name = "warta",
    version,
    about = "A news publishing platform in one binary"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
pub struct StoreArgs {
    /// Directory holding the SQLite database and uploaded files.
    #[arg(long, env = "WARTA_DATA", default_value = "./warta-data")]
    pub data: PathBuf,
    /// TOML configuration file.
    #[arg(long, env = "WARTA_CONFIG")]
    pub config: Option<PathBuf>,
    /// postgres://user:pass@host/db to run on PostgreSQL instead of SQLite.
    #[arg(long, env = "WARTA_DATABASE_URL")]
    pub database_url: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the site.
    Serve {
        #[command(flatten)]
        store: StoreArgs,
        /// Address to listen on.
        #[arg(long, env = "WARTA_ADDR", default_value = "127.0.0.1:8080")]
        addr: String,
        /// Load the demo content into an empty store before serving.
        /// WARTA_DEMO takes 1/0, true/false, yes/no or on/off, like the
        /// other switches in the environment.
        #[arg(long, env = "WARTA_DEMO", value_parser = clap::builder::BoolishValueParser::new())]
        demo: bool,
    },
    /// Load the demo content into an empty store.
    Demo {
        #[command(flatten)]
        store: StoreArgs,
        /// Also add this many generated articles (for load tests).
        #[arg(long, default_value_t = 0)]
        articles: usize,
    },
    /// Bring the store's schema up to date.
    Migrate {
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Write a consistent copy of the live store to a new file.
    Backup {
        #[command(flatten)]
        store: StoreArgs,
        /// The backup file to create.
        #[arg(long)]
        to: PathBuf,
    },
    /// Bring a backup back (stop the site first).
    Restore {
        #[command(flatten)]
        store: StoreArgs,
        /// The backup file.
        #[arg(long)]
        from: PathBuf,
        /// Replace an existing database.
        #[arg(long)]
        force: bool,
    },
    /// Import articles from outside material.
    #[command(subcommand)]
    Import(content::ImportCommand),
    /// Reader accounts.
    #[command(subcommand)]
    Reader(accounts::ReaderCommand),
    /// Memberships.
    #[command(subcommand)]
    Membership(accounts::MembershipCommand),
    /// Redeem codes for the membership.
    #[command(subcommand)]
    Code(accounts::CodeCommand),
    /// Admin API tokens.
    #[command(subcommand)]
    Token(newsroom::TokenCommand),
    /// Newsroom roles.
    #[command(subcommand)]
    Staff(newsroom::StaffCommand),
    /// Payments: check them against their events.
    #[command(subcommand)]
    Payments(payments::PaymentsCommand),
    /// Search: rebuild the index.
    #[command(subcommand)]
    Search(search::SearchCommand),
}

/// Open the configuration and the store the arguments name.
pub async fn open(args: &StoreArgs) -> anyhow::Result<(Config, Arc<dyn Backend>)> {
    let cfg = Config::load(args.config.as_deref())?;
    let store = warta::store::open(args.database_url.as_deref(), &args.data).await?;
    // What is indexed for search before the core exists (the demo) is
    // analysed as the site's settings say.
    store.configure_search(cfg.search_settings());
    Ok((cfg, store))
}

/// The core for the arguments' configuration and store: what the CLI's
/// commands call services with.
pub async fn core(args: &StoreArgs) -> anyhow::Result<warta::core::Core> {
    let (cfg, st) = open(args).await?;
    warta::core::Core::new(cfg, st, args.data.clone())
}

pub fn parse_role(r: &str) -> anyhow::Result<warta::domain::newsroom::StaffRole> {
    warta::domain::newsroom::StaffRole::parse(r).ok_or_else(|| {
        anyhow::anyhow!("--role {r:?} is not a role; use contributor, writer, editor or admin")
    })
}

/// Who the audit log names for a change made from the command line.
pub fn cli_actor() -> warta::store::newsroom::Actor {
    warta::store::newsroom::Actor {
        reader_id: None,
        label: "cli".into(),
    }
}

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve { store, addr, demo } => serve::serve(store, addr, demo).await,
        Command::Demo { store, articles } => content::demo(store, articles).await,
        Command::Migrate { store } => content::migrate(store).await,
        Command::Backup { store, to } => content::backup(store, to).await,
        Command::Restore { store, from, force } => content::restore(store, from, force).await,
        Command::Import(c) => content::import(c).await,
        Command::Reader(c) => accounts::reader(c).await,
        Command::Membership(c) => accounts::membership(c).await,
        Command::Code(c) => accounts::code(c).await,
        Command::Token(c) => newsroom::token(c).await,
        Command::Staff(c) => newsroom::staff(c).await,
        Command::Payments(c) => payments::payments(c).await,
        Command::Search(c) => search::search(c).await,
    }
}
