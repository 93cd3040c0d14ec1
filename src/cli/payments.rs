//! Payments: check every payment against its stored events.

use std::process::ExitCode;

use clap::Subcommand;

use super::{StoreArgs, open};

#[derive(Subcommand)]
pub enum PaymentsCommand {
    /// Fold every payment's stored provider events through the payment rules
    /// again and name each payment whose state differs (exit 1 if any).
    Check {
        #[command(flatten)]
        store: StoreArgs,
    },
}

pub async fn payments(c: PaymentsCommand) -> anyhow::Result<ExitCode> {
    match c {
        PaymentsCommand::Check { store } => {
            let (_, st) = open(&store).await?;
            let mut differ = 0;
            let mut n = 0;
            for p in st.recent_payments(i64::MAX).await? {
                n += 1;
                let rebuilt = warta::services::payments::rebuilt_state(st.as_ref(), &p).await?;
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
    }
}
