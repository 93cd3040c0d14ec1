//! `warta-standin`: both providers' stand-in on a port of its own. Point a
//! site at it with examples/payments-standin.toml.

use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;

/// Run a stand-in for Stripe and Midtrans, to try payments without an
/// account with either (it takes no money; never use it in production).
#[derive(Parser)]
#[command(name = "warta-standin", version)]
struct Args {
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
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[tokio::main]
async fn main() -> ExitCode {
    let a = Args::parse();
    let site = a.site.trim_end_matches('/').to_string();
    let standin = match warta_standin::spawn(
        &a.listen,
        warta_standin::Settings {
            site: site.clone(),
            stripe_secret_key: a.stripe_secret_key,
            stripe_webhook_secret: a.stripe_webhook_secret,
            midtrans_server_key: a.midtrans_server_key,
            now: Arc::new(now),
        },
    )
    .await
    {
        Ok(s) => s,
        Err(e) => {
            eprintln!("warta-standin: cannot listen on {}: {e}", a.listen);
            return ExitCode::FAILURE;
        }
    };
    eprintln!(
        "payment stand-in on {}; webhooks go to {site}\n\
         settle a Snap order:   curl -X POST {0}/control/midtrans/<order>/settlement\n\
         renew a subscription:  curl -X POST {0}/control/stripe/<sub>/renew",
        standin.base
    );
    let _ = tokio::signal::ctrl_c().await;
    ExitCode::SUCCESS
}
