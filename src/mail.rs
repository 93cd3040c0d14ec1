//! Outgoing e-mail: over SMTP when configured; otherwise each message is
//! written to `<data>/mail/` and logged, so development needs no server.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("bad address {0:?}")]
    Address(String),
    #[error("cannot build message: {0}")]
    Build(String),
    #[error("SMTP: {0}")]
    Smtp(String),
    #[error("cannot write mail file: {0}")]
    File(#[from] std::io::Error),
}

pub enum Mailer {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: String,
    },
    Folder {
        dir: PathBuf,
        from: String,
        seq: AtomicU64,
    },
}

impl Mailer {
    /// `smtp://host:port` (plain, for local relays and tests),
    /// `smtps://user:pass@host` or `smtp://user:pass@host?tls=required`.
    pub fn smtp(url: &str, from: &str) -> Result<Mailer, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailError::Smtp(e.to_string()))?
            .build();
        Ok(Mailer::Smtp {
            transport,
            from: from.to_string(),
        })
    }

    pub fn folder(dir: PathBuf, from: &str) -> Mailer {
        Mailer::Folder {
            dir,
            from: from.to_string(),
            seq: AtomicU64::new(0),
        }
    }

    pub async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), MailError> {
        let from = match self {
            Mailer::Smtp { from, .. } | Mailer::Folder { from, .. } => from,
        };
        let msg = Message::builder()
            .from(from.parse().map_err(|_| MailError::Address(from.clone()))?)
            .to(to.parse().map_err(|_| MailError::Address(to.to_string()))?)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_string())
            .map_err(|e| MailError::Build(e.to_string()))?;
        match self {
            Mailer::Smtp { transport, .. } => {
                transport
                    .send(msg)
                    .await
                    .map_err(|e| MailError::Smtp(e.to_string()))?;
                tracing::info!(%subject, "mail sent");
            }
            Mailer::Folder { dir, seq, .. } => {
                tokio::fs::create_dir_all(dir).await?;
                let n = seq.fetch_add(1, Ordering::Relaxed);
                let path = dir.join(format!("{}-{n:04}.eml", crate::domain::time::now()));
                tokio::fs::write(&path, msg.formatted()).await?;
                tracing::info!(path = %path.display(), %subject, "mail written (no SMTP configured)");
            }
        }
        Ok(())
    }
}

/// How long a node holds a message it is sending.
const LEASE: i64 = 120;
/// Tries before a message is given up (the last one about a day later).
pub const MAX_ATTEMPTS: i64 = 10;

/// Seconds before the next try after `attempts` failed ones: 30 s, 1 min,
/// 2 min, … at most 4 h.
pub fn retry_after(attempts: i64) -> i64 {
    (30i64 << (attempts.clamp(1, 16) - 1)).min(4 * 3600)
}

/// Send what is due in the queue now; returns how many went out. Called by
/// every node's sender, woken by a request that queued mail, and every few
/// seconds for retries.
pub async fn deliver_due(
    store: &dyn crate::store::mail::MailStore,
    mailer: &Mailer,
    now: i64,
) -> usize {
    let mut sent = 0;
    loop {
        let m = match store.claim_mail(now, LEASE).await {
            Ok(Some(m)) => m,
            Ok(None) => break,
            Err(e) => {
                tracing::error!(error = %e, "mail queue unreadable");
                break;
            }
        };
        let result = mailer.send(&m.to, &m.subject, &m.body).await;
        let (ok, error, next_at) = match &result {
            Ok(()) => (true, None, now),
            // A message that cannot be built never will be: give it up now.
            Err(e @ (MailError::Address(_) | MailError::Build(_))) => {
                (false, Some(e.to_string()), i64::MAX)
            }
            Err(e) if m.attempts >= MAX_ATTEMPTS => (false, Some(e.to_string()), i64::MAX),
            Err(e) => (false, Some(e.to_string()), now + retry_after(m.attempts)),
        };
        if let Some(e) = &error {
            // The operator sees why; the reader's page said the same either way.
            tracing::error!(error = %e, id = m.id, attempts = m.attempts, "mail not sent");
        }
        sent += usize::from(ok);
        if let Err(e) = store
            .finish_mail(m.id, ok, error.as_deref(), next_at, now)
            .await
        {
            tracing::error!(error = %e, id = m.id, "mail outcome not recorded");
        }
    }
    sent
}

#[cfg(test)]
mod tests {
    #[test]
    fn retries_back_off_to_four_hours() {
        assert_eq!(super::retry_after(1), 30);
        assert_eq!(super::retry_after(2), 60);
        assert_eq!(super::retry_after(5), 480);
        assert_eq!(super::retry_after(20), 4 * 3600);
    }
}
