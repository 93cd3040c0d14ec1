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
