//! The newsroom: Admin API tokens and staff roles.

use std::process::ExitCode;

use clap::Subcommand;

use super::{StoreArgs, cli_actor, open, parse_role};

#[derive(Subcommand)]
pub enum TokenCommand {
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
pub enum StaffCommand {
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

pub async fn token(c: TokenCommand) -> anyhow::Result<ExitCode> {
    match c {
        TokenCommand::Create {
            store,
            name,
            scopes,
        } => {
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
        TokenCommand::Revoke { store, name } => {
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
        TokenCommand::List { store } => {
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
    }
}

pub async fn staff(c: StaffCommand) -> anyhow::Result<ExitCode> {
    match c {
        StaffCommand::Set {
            store,
            email,
            role,
            sections,
        } => {
            let role = parse_role(&role)?;
            let core = super::core(&store).await?;
            let acct = find_account(&*core.store, &email).await?;
            // The same service as the back office's staff page.
            warta::services::staff::set_role(
                &core,
                &cli_actor(),
                &acct.email,
                Some(role),
                &sections,
                None,
            )
            .await?;
            println!("{} is now {}", acct.email, role.as_str());
            Ok(ExitCode::SUCCESS)
        }
        StaffCommand::Remove { store, email } => {
            let core = super::core(&store).await?;
            let acct = find_account(&*core.store, &email).await?;
            // Losing the role ends every session: the service does that.
            warta::services::staff::set_role(&core, &cli_actor(), &acct.email, None, &[], None)
                .await?;
            println!(
                "{} has no newsroom role now (signed out everywhere)",
                acct.email
            );
            Ok(ExitCode::SUCCESS)
        }
        StaffCommand::List { store } => {
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
    }
}

async fn find_account(
    st: &dyn warta::store::Backend,
    email: &str,
) -> anyhow::Result<warta::store::readers::Account> {
    let normalized = warta::domain::account::normalize_email(email)
        .map_err(|_| anyhow::anyhow!("--email {email:?} is not a valid e-mail address"))?;
    st.reader_by_email(&normalized)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no account with e-mail {normalized}"))
}
