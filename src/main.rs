//! The `warta` command.

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
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct StoreArgs {
    /// Directory holding the SQLite database and uploaded files.
    #[arg(long, env = "WARTA_DATA", default_value = "./warta-data")]
    data: PathBuf,
    /// TOML configuration file.
    #[arg(long, env = "WARTA_CONFIG")]
    config: Option<PathBuf>,
    /// postgres://user:pass@host/db to run on PostgreSQL instead of SQLite.
    #[arg(long, env = "WARTA_DATABASE_URL")]
    database_url: Option<String>,
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
        #[arg(long, env = "WARTA_DEMO")]
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
    Import(ImportCommand),
    /// Reader accounts.
    #[command(subcommand)]
    Reader(ReaderCommand),
    /// Memberships.
    #[command(subcommand)]
    Membership(MembershipCommand),
    /// Redeem codes for the membership.
    #[command(subcommand)]
    Code(CodeCommand),
    /// Admin API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Newsroom roles.
    #[command(subcommand)]
    Staff(StaffCommand),
    /// Payments: check them against their events, or run a providers' stand-in.
    #[command(subcommand)]
    Payments(PaymentsCommand),
}

#[derive(Subcommand)]
enum PaymentsCommand {
    /// Fold every payment's stored provider events through the payment rules
    /// again and name each payment whose state differs (exit 1 if any).
    Check {
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Run a stand-in for Stripe and Midtrans, to try payments without an
    /// account with either (it takes no money). Point the site at it with
    /// examples/payments-standin.toml.
    Standin {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8090")]
        listen: String,
        /// The site's base URL, where webhooks and notifications go.
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        site: String,
        #[arg(long, env = "STRIPE_SECRET_KEY", default_value = "sk_test_standin")]
        stripe_secret_key: String,
        #[arg(long, env = "STRIPE_WEBHOOK_SECRET", default_value = "whsec_standin")]
        stripe_webhook_secret: String,
        #[arg(
            long,
            env = "MIDTRANS_SERVER_KEY",
            default_value = "SB-Mid-server-standin"
        )]
        midtrans_server_key: String,
    },
}

#[derive(Subcommand)]
enum ReaderCommand {
    /// Create a reader; the password is read from standard input.
    Add {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long)]
        email: String,
        /// Read the password from standard input (one line).
        #[arg(long, required = true)]
        password_stdin: bool,
        /// Mark the address as verified.
        #[arg(long)]
        verified: bool,
        /// Give the account staff rights (the editor role, every section).
        #[arg(long)]
        staff: bool,
        /// Give the account a newsroom role: contributor, writer, editor or admin.
        #[arg(long)]
        role: Option<String>,
        /// The sections an editor works in (comma-separated; default all).
        #[arg(long, value_delimiter = ',')]
        sections: Vec<String>,
        #[arg(long, default_value = "")]
        name: String,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create an Admin API token and print it (shown this once only).
    Create {
        #[command(flatten)]
        store: StoreArgs,
        /// What the token is for, e.g. the integration's name.
        #[arg(long)]
        name: String,
        /// What it may do: articles:read, articles:write, articles:publish,
        /// media:write, taxonomy:write.
        #[arg(long = "scope", num_args = 1.., required = true)]
        scopes: Vec<String>,
    },
    /// Revoke every token with this name.
    Revoke {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long)]
        name: String,
    },
    /// List tokens (never their secrets).
    List {
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Subcommand)]
enum StaffCommand {
    /// Give an existing account a newsroom role.
    Set {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long)]
        email: String,
        /// contributor, writer, editor or admin.
        #[arg(long)]
        role: String,
        /// The sections an editor works in (comma-separated; default all).
        #[arg(long, value_delimiter = ',')]
        sections: Vec<String>,
    },
    /// Take an account's newsroom role away.
    Remove {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long)]
        email: String,
    },
    /// List the newsroom.
    List {
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Subcommand)]
enum MembershipCommand {
    /// Grant a complimentary membership for a number of days.
    Grant {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long)]
        email: String,
        #[arg(long)]
        days: u32,
        /// Plan id from the configuration.
        #[arg(long, default_value = "monthly")]
        plan: String,
    },
}

#[derive(Subcommand)]
enum CodeCommand {
    /// Create a redeem code and print it.
    Create {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long, default_value = "pass30")]
        plan: String,
        /// Days of membership the code gives.
        #[arg(long, default_value_t = 30)]
        days: u32,
        /// How many readers may redeem it.
        #[arg(long, default_value_t = 1)]
        uses: u32,
        /// Days until the code expires.
        #[arg(long, default_value_t = 90)]
        expires_in_days: u32,
        /// Use this code instead of a random one.
        #[arg(long)]
        code: Option<String>,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
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

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("warta: {e:#}");
            // Configuration mistakes get EX_CONFIG so scripts can tell them apart.
            if e.downcast_ref::<warta::config::ConfigError>().is_some() {
                ExitCode::from(78)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

fn parse_role(r: &str) -> anyhow::Result<warta::domain::newsroom::StaffRole> {
    warta::domain::newsroom::StaffRole::parse(r).ok_or_else(|| {
        anyhow::anyhow!("--role {r:?} is not a role; use contributor, writer, editor or admin")
    })
}

fn cli_actor() -> warta::store::newsroom::Actor {
    warta::store::newsroom::Actor {
        reader_id: None,
        label: "cli".into(),
    }
}

async fn find_account(
    st: &dyn Backend,
    email: &str,
) -> anyhow::Result<warta::store::readers::Account> {
    let normalized = warta::domain::account::normalize_email(email)
        .map_err(|_| anyhow::anyhow!("--email {email:?} is not a valid e-mail address"))?;
    st.reader_by_email(&normalized)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no account with e-mail {normalized}"))
}

async fn open(args: &StoreArgs) -> anyhow::Result<(Config, Arc<dyn Backend>)> {
    let cfg = Config::load(args.config.as_deref())?;
    let store = warta::store::open(args.database_url.as_deref(), &args.data).await?;
    Ok((cfg, store))
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve { store, addr, demo } => {
            let (mut cfg, st) = open(&store).await?;
            if cfg.base_url == Config::default().base_url {
                // No base URL set: links point where this process listens.
                cfg.base_url = format!("http://{addr}");
            }
            if demo && st.counts().await?.articles == 0 {
                let c =
                    warta::demo::load(st.as_ref(), &store.data, warta::domain::time::now()).await?;
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
        Command::Payments(PaymentsCommand::Check { store }) => {
            let (_, st) = open(&store).await?;
            let mut differ = 0;
            let mut n = 0;
            for p in st.recent_payments(i64::MAX).await? {
                n += 1;
                let rebuilt = warta::payments::rebuilt_state(st.as_ref(), &p).await?;
                if rebuilt != p.state {
                    differ += 1;
                    println!(
                        "{}: stored {}, its events say {rebuilt}",
                        p.order_id, p.state
                    );
                }
            }
            println!("{n} payments checked, {differ} differ from their events");
            Ok(if differ == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Payments(PaymentsCommand::Standin {
            listen,
            site,
            stripe_secret_key,
            stripe_webhook_secret,
            midtrans_server_key,
        }) => {
            let standin = warta::payments::standin::spawn(
                &listen,
                warta::payments::standin::Settings {
                    site: site.trim_end_matches('/').to_string(),
                    stripe_secret_key,
                    stripe_webhook_secret,
                    midtrans_server_key,
                    now: Arc::new(warta::domain::time::now),
                },
            )
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {listen}: {e}"))?;
            eprintln!(
                "payment stand-in on {}; webhooks go to {site}\n\
                 settle a Snap order:   curl -X POST {0}/control/midtrans/<order>/settlement\n\
                 renew a subscription:  curl -X POST {0}/control/stripe/<sub>/renew",
                standin.base
            );
            tokio::signal::ctrl_c().await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo { store, articles } => {
            let (_cfg, st) = open(&store).await?;
            let now = warta::domain::time::now();
            let mut c = warta::demo::load(st.as_ref(), &store.data, now).await?;
            if articles > 0 {
                c = warta::demo::synthetic::generate(st.as_ref(), articles, now).await?;
            }
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
        Command::Backup { store, to } => {
            warta::ops::backup(store.database_url.as_deref(), &store.data, &to).await?;
            println!("backup written to {}", to.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Restore { store, from, force } => {
            warta::ops::restore(store.database_url.as_deref(), &store.data, &from, force).await?;
            let st = warta::store::open(store.database_url.as_deref(), &store.data).await?;
            println!(
                "restored {}: {} articles",
                from.display(),
                st.counts().await?.articles
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate { store } => {
            Config::load(store.config.as_deref())?;
            let st = warta::store::open(store.database_url.as_deref(), &store.data).await?;
            // open() has migrated; say where things stand.
            println!(
                "schema is up to date ({} articles)",
                st.counts().await?.articles
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Reader(ReaderCommand::Add {
            store,
            email,
            password_stdin: _,
            verified,
            staff,
            role,
            sections,
            name,
        }) => {
            use warta::domain::account;
            let role = match (role.as_deref(), staff) {
                (Some(r), _) => Some(parse_role(r)?),
                (None, true) => Some(warta::domain::newsroom::StaffRole::Editor),
                (None, false) => None,
            };
            let email = account::normalize_email(&email)
                .map_err(|_| anyhow::anyhow!("--email {email:?} is not a valid e-mail address"))?;
            let mut password = String::new();
            std::io::stdin().read_line(&mut password)?;
            let password = password.trim_end_matches(['\r', '\n']);
            account::check_password(password)
                .map_err(|e| anyhow::anyhow!("password on standard input: {e}"))?;
            let name =
                account::check_display_name(&name).map_err(|e| anyhow::anyhow!("--name: {e}"))?;
            let (_cfg, st) = open(&store).await?;
            let now = warta::domain::time::now();
            let hash = account::hash_password(password);
            let id = match st
                .create_reader(&email, &hash, &name, verified.then_some(now), now)
                .await
            {
                Ok(id) => id,
                Err(warta::store::StoreError::Conflict(_)) => {
                    anyhow::bail!("a reader with e-mail {email} already exists")
                }
                Err(e) => return Err(e.into()),
            };
            if let Some(role) = role {
                st.set_staff_role(id, Some((role, &sections)), &cli_actor(), now)
                    .await?;
            }
            println!(
                "reader {id} created: {email}{}",
                if verified { " (verified)" } else { "" }
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Membership(MembershipCommand::Grant {
            store,
            email,
            days,
            plan,
        }) => {
            let (cfg, st) = open(&store).await?;
            if cfg.plan(&plan).is_none() {
                anyhow::bail!("--plan {plan:?} is not a plan in the configuration");
            }
            if days == 0 {
                anyhow::bail!("--days must be at least 1");
            }
            let email = warta::domain::account::normalize_email(&email)
                .map_err(|_| anyhow::anyhow!("--email {email:?} is not a valid e-mail address"))?;
            let Some(reader) = st.reader_by_email(&email).await? else {
                anyhow::bail!("no reader with e-mail {email}");
            };
            let now = warta::domain::time::now();
            let m = warta::membership::start(
                st.as_ref(),
                reader.id,
                &plan,
                warta::domain::membership::Source::Grant,
                days,
                "cli",
                now,
            )
            .await?;
            println!(
                "{email}: complimentary {plan} membership from {} to {}",
                warta::domain::time::rfc3339_utc(m.starts_at),
                warta::domain::time::rfc3339_utc(m.ends_at)
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Code(CodeCommand::Create {
            store,
            plan,
            days,
            uses,
            expires_in_days,
            code,
        }) => {
            let (cfg, st) = open(&store).await?;
            if cfg.plan(&plan).is_none() {
                anyhow::bail!("--plan {plan:?} is not a plan in the configuration");
            }
            if days == 0 || uses == 0 || expires_in_days == 0 {
                anyhow::bail!("--days, --uses and --expires-in-days must be at least 1");
            }
            let code = code
                .map(|c| c.trim().to_uppercase())
                .unwrap_or_else(warta::domain::membership::new_redeem_code);
            let now = warta::domain::time::now();
            let rc = warta::domain::membership::RedeemCode {
                code: code.clone(),
                plan_id: plan,
                days,
                max_uses: uses,
                uses: 0,
                expires_at: now + i64::from(expires_in_days) * 86_400,
            };
            match st.create_redeem_code(&rc, "cli", now).await {
                Ok(()) => {}
                Err(warta::store::StoreError::Conflict(_)) => {
                    anyhow::bail!("code {code} already exists")
                }
                Err(e) => return Err(e.into()),
            }
            println!("{code}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Token(TokenCommand::Create {
            store,
            name,
            scopes,
        }) => {
            let name = name.trim().to_string();
            if name.is_empty() {
                anyhow::bail!("--name must not be empty");
            }
            for s in &scopes {
                if !warta::domain::newsroom::SCOPES.contains(&s.as_str()) {
                    anyhow::bail!(
                        "--scope {s:?} is not a scope; use {}",
                        warta::domain::newsroom::SCOPES.join(", ")
                    );
                }
            }
            let (_cfg, st) = open(&store).await?;
            let token = format!("wt_{}", warta::domain::account::new_token());
            let hash = warta::domain::account::token_hash(&token);
            st.create_api_token(&name, &hash, &scopes, warta::domain::time::now())
                .await?;
            println!("{token}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Token(TokenCommand::Revoke { store, name }) => {
            let (_cfg, st) = open(&store).await?;
            let n = st
                .revoke_api_token(name.trim(), warta::domain::time::now())
                .await?;
            if n == 0 {
                anyhow::bail!("no live token named {name:?}");
            }
            println!("{n} token(s) named {name:?} revoked");
            Ok(ExitCode::SUCCESS)
        }
        Command::Token(TokenCommand::List { store }) => {
            let (_cfg, st) = open(&store).await?;
            for t in st.api_tokens().await? {
                println!(
                    "{}\t{}\t{}\t{}",
                    t.name,
                    t.scopes.join(" "),
                    warta::domain::time::rfc3339_utc(t.created_at),
                    match t.revoked_at {
                        Some(r) => format!("revoked {}", warta::domain::time::rfc3339_utc(r)),
                        None => "live".into(),
                    }
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Staff(StaffCommand::Set {
            store,
            email,
            role,
            sections,
        }) => {
            let role = parse_role(&role)?;
            let (_cfg, st) = open(&store).await?;
            let acct = find_account(&*st, &email).await?;
            st.set_staff_role(
                acct.id,
                Some((role, &sections)),
                &cli_actor(),
                warta::domain::time::now(),
            )
            .await?;
            println!("{} is now {}", acct.email, role.as_str());
            Ok(ExitCode::SUCCESS)
        }
        Command::Staff(StaffCommand::Remove { store, email }) => {
            let (_cfg, st) = open(&store).await?;
            let acct = find_account(&*st, &email).await?;
            st.set_staff_role(acct.id, None, &cli_actor(), warta::domain::time::now())
                .await?;
            st.delete_reader_sessions(acct.id, None).await?;
            println!(
                "{} has no newsroom role now (signed out everywhere)",
                acct.email
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Staff(StaffCommand::List { store }) => {
            let (_cfg, st) = open(&store).await?;
            for m in st.staff_members().await? {
                println!(
                    "{}\t{}\t{}\t{}",
                    m.email,
                    m.name,
                    m.role.as_str(),
                    if m.sections.is_empty() {
                        "all sections".to_string()
                    } else {
                        m.sections.join(",")
                    }
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Import(ImportCommand::PageText {
            store,
            section,
            profile,
            json,
            files,
        }) => {
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
            Ok(if failed == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
    }
}
