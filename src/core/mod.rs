//! The core: what every use case needs, whoever asks for it (the web
//! layer, the CLI, the background jobs). It knows nothing of HTTP: the web
//! layer's state (`http::App`) is this core plus what only the web needs
//! (the page and reader caches, the content security policy).

pub mod limits;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use crate::config::Config;
use crate::domain::time::SiteZone;
use crate::mail::Mailer;
use crate::media::DecodeBudget;
use crate::render::{Theme, Views};
use crate::store::Backend;

pub use limits::{Limits, RateLimit};

/// A clock the tests can pin; production reads the system time.
#[derive(Default)]
pub struct Clock {
    fixed: AtomicI64,
}

impl Clock {
    pub fn now(&self) -> i64 {
        match self.fixed.load(Ordering::Relaxed) {
            0 => crate::domain::time::now(),
            t => t,
        }
    }

    pub fn set(&self, t: i64) {
        self.fixed.store(t, Ordering::Relaxed);
    }
}

pub struct Core {
    pub cfg: Config,
    pub zone: SiteZone,
    /// The one store: content, readers, newsroom, payments, mail, events.
    pub store: Arc<dyn Backend>,
    /// Templates and interface strings (pages, mail, feeds).
    pub views: Views,
    /// Uploaded media and development mail live under it.
    pub data_dir: PathBuf,
    pub clock: Clock,
    pub mailer: Mailer,
    /// Wakes this node's mail sender when something was queued.
    pub mail_wake: tokio::sync::Notify,
    pub limits: Limits,
    /// Megapixels decoded at once by uploads on this node.
    pub decode_budget: DecodeBudget,
}

impl Core {
    /// The core for `cfg` over `store`, with media and development mail
    /// under `data_dir`.
    pub fn new(cfg: Config, store: Arc<dyn Backend>, data_dir: PathBuf) -> anyhow::Result<Core> {
        let zone = SiteZone::new(&cfg.time_zone)?;
        let views = Views::new(
            Theme::new(cfg.theme_dir.clone()),
            zone.clone(),
            &cfg.site_name,
            &cfg.membership_name(),
        )?;
        views.check()?;
        store.configure_search(cfg.search_settings());
        let mailer = match &cfg.mail.smtp_url {
            Some(url) => Mailer::smtp(url, &cfg.mail.from)?,
            None => Mailer::folder(data_dir.join("mail"), &cfg.mail.from),
        };
        Ok(Core {
            limits: Limits::from_config(&cfg),
            decode_budget: DecodeBudget::new(
                cfg.media_decode_megapixels.min(u64::from(u32::MAX)) as u32
            ),
            zone,
            store,
            views,
            data_dir,
            clock: Clock::default(),
            mailer,
            mail_wake: tokio::sync::Notify::new(),
            cfg,
        })
    }
}
