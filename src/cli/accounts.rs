//! Readers and memberships: add a reader, grant a membership, make a
//! redeem code.

use std::process::ExitCode;

use clap::Subcommand;

use super::{StoreArgs, cli_actor, open, parse_role};

#[derive(Subcommand)]
pub enum ReaderCommand {
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
pub enum MembershipCommand {
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
pub enum CodeCommand {
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

pub async fn reader(c: ReaderCommand) -> anyhow::Result<ExitCode> {
    match c {
        ReaderCommand::Add {
            store,
            email,
            password_stdin: _,
            verified,
            staff,
            role,
            sections,
            name,
        } => {
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
            let core = super::core(&store).await?;
            let st = &core.store;
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
                warta::services::staff::set_role(
                    &core,
                    &cli_actor(),
                    &email,
                    Some(role),
                    &sections,
                    None,
                )
                .await?;
            }
            println!(
                "reader {id} created: {email}{}",
                if verified { " (verified)" } else { "" }
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub async fn membership(c: MembershipCommand) -> anyhow::Result<ExitCode> {
    match c {
        MembershipCommand::Grant {
            store,
            email,
            days,
            plan,
        } => {
            let core = super::core(&store).await?;
            // The same service as the back office: checked and audited alike.
            let m = warta::services::memberships::grant(&core, &cli_actor(), &email, &plan, days)
                .await
                .map_err(|e| match e {
                    warta::services::memberships::MembershipError::Grant(g) => {
                        anyhow::anyhow!("--days/--plan: {g}")
                    }
                    other => anyhow::anyhow!("{other}"),
                })?;
            println!(
                "{email}: complimentary {plan} membership from {} to {}",
                warta::domain::time::rfc3339_utc(m.starts_at),
                warta::domain::time::rfc3339_utc(m.ends_at)
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub async fn code(c: CodeCommand) -> anyhow::Result<ExitCode> {
    match c {
        CodeCommand::Create {
            store,
            plan,
            days,
            uses,
            expires_in_days,
            code,
        } => {
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
    }
}
