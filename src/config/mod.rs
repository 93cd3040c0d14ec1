//! All settings in one struct: defaults, then a TOML file, then `WARTA_*`
//! environment variables for the few an operator sets per process.

use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("setting {key}: {message}")]
    Invalid { key: &'static str, message: String },
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Shown in the kicker, titles and prompts.
    pub site_name: String,
    /// Upper-case form used in datelines ("JAKARTA, WARTA - ").
    pub dateline_name: Option<String>,
    /// The membership's name; defaults to "<site_name>+".
    pub membership_name: Option<String>,
    /// Default interface language: "id" or "en".
    pub locale: String,
    /// IANA zone the site's times are shown in.
    pub time_zone: String,
    /// Absolute base for canonical URLs and links that leave the site.
    pub base_url: String,
    /// Directory whose templates/, static/ and locales/ override the built-in theme.
    pub theme_dir: Option<PathBuf>,
    pub articles_per_page: i64,
    pub latest_count: i64,
    pub ads: Vec<AdSlot>,
    /// Served as /ads.txt when set.
    pub ads_txt: Option<String>,
    /// Origins an ad network's snippet loads script from (added to the CSP).
    pub ad_script_sources: Vec<String>,
    pub plans: Vec<Plan>,
    pub mail: MailConfig,
    /// How long a sign-in lasts without use.
    pub session_days: i64,
    /// Paragraphs a non-member sees of a members-only story.
    pub preview_paragraphs: usize,
    pub comments: CommentsConfig,
    /// Take the client address from X-Forwarded-For (only behind a proxy you run).
    pub trust_forwarded_for: bool,
    /// Keep rendered pages for anonymous readers in memory.
    pub page_cache: bool,
    /// Memory the page cache may hold, in MiB (pages, their compressed
    /// copies and keys); the oldest pages make room.
    pub page_cache_mb: usize,
    /// Answer `x-warta-cache: hit|miss` on shared pages. Off by default: it
    /// tells anyone what is cached; turn it on to watch the cache work.
    pub cache_status_header: bool,
    /// Connections and timeouts of the HTTP server.
    pub server: ServerConfig,
    /// Search: words the stemmer must leave whole.
    pub search: SearchConfig,
    /// Feeds, sitemaps, robots.txt and the pings sent on publishing.
    pub discovery: DiscoveryConfig,
    /// Megapixels of images decoded at once, across all uploads on a node
    /// (an image decodes to 4 bytes a pixel, and its sizes need more).
    pub media_decode_megapixels: u64,
    /// URLs told when an article is published, updated or unpublished.
    pub webhooks: Vec<Webhook>,
    /// How long a node remembers who a session cookie belongs to (ms; 0:
    /// ask the database every time). Bounds how late a change made
    /// elsewhere (a revoked session, a new membership) is seen.
    pub reader_cache_ms: u64,
    /// Staff must turn on two-step verification before using the newsroom
    /// (they are sent to /admin/security until they do).
    pub staff_require_totp: bool,
    /// Providers readers pay through; none set: the plans page shows prices
    /// and redeem codes only.
    pub payments: PaymentsConfig,
}

/// A secret given in the file, or (better) named by an environment variable.
fn secret_from(value: &str, env: &str) -> String {
    if value.is_empty() {
        std::env::var(env).unwrap_or_default()
    } else {
        value.to_string()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PaymentsConfig {
    pub stripe: Option<StripeConfig>,
    pub midtrans: Option<MidtransConfig>,
    /// Days a member keeps reading after a renewal fails.
    pub grace_days: u32,
    /// Days before a pass (or a one-off payment) ends that the reader is
    /// reminded by e-mail.
    pub reminder_days: u32,
}

impl Default for PaymentsConfig {
    fn default() -> Self {
        PaymentsConfig {
            stripe: None,
            midtrans: None,
            grace_days: 7,
            reminder_days: 3,
        }
    }
}

/// Stripe: Checkout for cards, recurring plans as subscriptions.
#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StripeConfig {
    pub api_base: String,
    /// Prefer `secret_key_env`; a key here is used as is.
    pub secret_key: String,
    pub secret_key_env: String,
    pub webhook_secret: String,
    pub webhook_secret_env: String,
    /// How old a signed webhook may be (seconds) before it is taken for a replay.
    pub tolerance_seconds: i64,
}

impl Default for StripeConfig {
    fn default() -> Self {
        StripeConfig {
            api_base: "https://api.stripe.com".into(),
            secret_key: String::new(),
            secret_key_env: "STRIPE_SECRET_KEY".into(),
            webhook_secret: String::new(),
            webhook_secret_env: "STRIPE_WEBHOOK_SECRET".into(),
            tolerance_seconds: 300,
        }
    }
}

impl StripeConfig {
    pub fn secret_key(&self) -> String {
        secret_from(&self.secret_key, &self.secret_key_env)
    }
    pub fn webhook_secret(&self) -> String {
        secret_from(&self.webhook_secret, &self.webhook_secret_env)
    }
}

impl std::fmt::Debug for StripeConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeConfig")
            .field("api_base", &self.api_base)
            .field("secret_key_env", &self.secret_key_env)
            .field("webhook_secret_env", &self.webhook_secret_env)
            .finish_non_exhaustive()
    }
}

/// Midtrans Snap: QRIS, e-wallets and bank transfers, paid once.
#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MidtransConfig {
    /// Where Snap transactions are made (sandbox: https://app.sandbox.midtrans.com).
    pub snap_base: String,
    /// The Core API, for refunds (sandbox: https://api.sandbox.midtrans.com).
    pub api_base: String,
    pub server_key: String,
    pub server_key_env: String,
    /// Which of "qris", "ewallet", "bank_transfer" readers may choose.
    pub methods: Vec<String>,
}

impl Default for MidtransConfig {
    fn default() -> Self {
        MidtransConfig {
            snap_base: "https://app.midtrans.com".into(),
            api_base: "https://api.midtrans.com".into(),
            server_key: String::new(),
            server_key_env: "MIDTRANS_SERVER_KEY".into(),
            methods: vec!["qris".into(), "ewallet".into(), "bank_transfer".into()],
        }
    }
}

impl MidtransConfig {
    pub fn server_key(&self) -> String {
        secret_from(&self.server_key, &self.server_key_env)
    }
}

impl std::fmt::Debug for MidtransConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MidtransConfig")
            .field("snap_base", &self.snap_base)
            .field("api_base", &self.api_base)
            .field("server_key_env", &self.server_key_env)
            .field("methods", &self.methods)
            .finish_non_exhaustive()
    }
}

/// One webhook: where to send, the HMAC secret, and which events
/// (`article.published`, `article.updated`, `article.unpublished`; empty:
/// all). The secret may be given as `secret_env`, the name of an
/// environment variable, to keep it out of the file.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Webhook {
    pub url: String,
    #[serde(default)]
    pub secret: String,
    #[serde(default)]
    pub secret_env: Option<String>,
    #[serde(default)]
    pub events: Vec<String>,
}

impl Webhook {
    pub fn secret(&self) -> String {
        match &self.secret_env {
            Some(var) => std::env::var(var).unwrap_or_default(),
            None => self.secret.clone(),
        }
    }
}

// The secret is never printed.
impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook")
            .field("url", &self.url)
            .field("events", &self.events)
            .finish_non_exhaustive()
    }
}

/// How the site is found: crawlers refused in robots.txt, and who is told
/// when a story is published.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DiscoveryConfig {
    /// User agents refused everything in robots.txt (AI crawlers such as
    /// "GPTBot", "CCBot", "Google-Extended"). Empty by default.
    pub refuse_crawlers: Vec<String>,
    /// WebSub hubs told when a feed changes (and named in the feeds).
    pub websub_hubs: Vec<String>,
    /// IndexNow: the key (served at /indexnow.txt) and where to send
    /// published and updated addresses. No key: no IndexNow.
    pub indexnow_key: Option<String>,
    pub indexnow_endpoint: String,
}

impl Default for DiscoveryConfig {
    fn default() -> Self {
        DiscoveryConfig {
            refuse_crawlers: Vec::new(),
            websub_hubs: Vec::new(),
            indexnow_key: None,
            indexnow_endpoint: "https://api.indexnow.org/indexnow".into(),
        }
    }
}

/// Search settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SearchConfig {
    /// Words the stemmer over-cuts (beside the built-in list): they are
    /// their own stem. Run `warta search reindex` after changing it.
    pub stem_exclusions: Vec<String>,
    /// Searches one client may run a minute on one node.
    pub per_minute: u32,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            stem_exclusions: Vec::new(),
            per_minute: 30,
        }
    }
}

/// How long the server waits for clients, and how many it serves at once.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Seconds a client has to send a request's headers, from its first
    /// byte (a slow sender holds a connection no longer).
    pub header_timeout_secs: u64,
    /// Seconds a kept-alive connection may sit idle between requests.
    pub idle_timeout_secs: u64,
    /// Seconds a request may take, body included, before it is answered 408
    /// (uploads of 15 MB on a slow phone need a while).
    pub request_timeout_secs: u64,
    /// Connections served at once on this node; more wait until one closes.
    pub max_connections: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            header_timeout_secs: 10,
            idle_timeout_secs: 60,
            request_timeout_secs: 120,
            max_connections: 4096,
        }
    }
}

#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailConfig {
    pub from: String,
    /// smtp://host:port, smtps://user:pass@host; unset: mail is written to <data>/mail.
    pub smtp_url: Option<String>,
}

impl Default for MailConfig {
    fn default() -> Self {
        MailConfig {
            from: "Warta <noreply@localhost>".into(),
            smtp_url: None,
        }
    }
}

// The SMTP URL may carry a password: never print it.
impl std::fmt::Debug for MailConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailConfig")
            .field("from", &self.from)
            .field("smtp_url", &self.smtp_url.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CommentsConfig {
    /// Hold every comment for a moderator before it is shown.
    pub premoderation: bool,
    /// A comment containing one of these (case-insensitive) waits for review.
    pub blocked_words: Vec<String>,
    pub edit_minutes: i64,
    pub max_chars: usize,
    /// Comments one reader may post in 10 minutes.
    pub per_ten_minutes: usize,
}

impl Default for CommentsConfig {
    fn default() -> Self {
        CommentsConfig {
            premoderation: false,
            blocked_words: Vec::new(),
            edit_minutes: 15,
            max_chars: 2000,
            per_ten_minutes: 5,
        }
    }
}

/// A house ad in a named slot. Slots: "top", "in_article", "sidebar", "sticky".
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct AdSlot {
    pub slot: String,
    /// A house ad: image, link and alt text.
    #[serde(default)]
    pub image: String,
    #[serde(default)]
    pub link: String,
    #[serde(default)]
    pub alt: String,
    pub width: u32,
    pub height: u32,
    /// An ad network's HTML snippet instead of a house ad, set by an admin
    /// and inserted as is. Its script hosts go in `ad_script_sources`.
    #[serde(default)]
    pub snippet: Option<String>,
}

impl AdSlot {
    /// Whether the slot has something to show: a house ad's image or an
    /// ad network's snippet.
    pub fn fills(&self) -> bool {
        !self.image.trim().is_empty()
            || self
                .snippet
                .as_deref()
                .is_some_and(|s| !s.trim().is_empty())
    }
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    pub id: String,
    pub name: String,
    pub price_idr: u64,
    /// "month", "year" or "pass".
    pub period: String,
    #[serde(default)]
    pub days: Option<u32>,
    #[serde(default)]
    pub benefits: Vec<String>,
    /// ISO 4217 code of `price_idr`'s currency (the field keeps its name;
    /// Midtrans takes only IDR).
    #[serde(default = "idr")]
    pub currency: String,
    /// A Stripe Price id for this plan; without it Checkout is given the
    /// price and period inline.
    #[serde(default)]
    pub stripe_price: Option<String>,
}

fn idr() -> String {
    "IDR".into()
}

impl Plan {
    /// Renews by itself (through Stripe); a pass is paid once.
    pub fn recurring(&self) -> bool {
        matches!(self.period.as_str(), "month" | "year")
    }

    /// Days one payment buys.
    pub fn days(&self) -> u32 {
        self.days.unwrap_or(match self.period.as_str() {
            "year" => 365,
            _ => 30,
        })
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            site_name: "Warta".into(),
            dateline_name: None,
            membership_name: None,
            locale: "id".into(),
            time_zone: "Asia/Jakarta".into(),
            base_url: "http://127.0.0.1:8080".into(),
            theme_dir: None,
            articles_per_page: 12,
            latest_count: 10,
            ads: default_ads(),
            ads_txt: None,
            ad_script_sources: Vec::new(),
            plans: default_plans(),
            mail: MailConfig::default(),
            session_days: 30,
            preview_paragraphs: 3,
            comments: CommentsConfig::default(),
            trust_forwarded_for: false,
            page_cache: true,
            page_cache_mb: 128,
            cache_status_header: false,
            server: ServerConfig::default(),
            search: SearchConfig::default(),
            discovery: DiscoveryConfig::default(),
            media_decode_megapixels: 60,
            webhooks: Vec::new(),
            reader_cache_ms: 1000,
            staff_require_totp: false,
            payments: PaymentsConfig::default(),
        }
    }
}

fn default_ads() -> Vec<AdSlot> {
    let ad = |slot: &str, image: &str, w, h| AdSlot {
        slot: slot.into(),
        image: image.into(),
        link: "/plus".into(),
        alt: "Iklan".into(),
        width: w,
        height: h,
        snippet: None,
    };
    vec![
        ad("top", "/static/ads/leaderboard.svg", 728, 90),
        ad("in_article", "/static/ads/rectangle.svg", 300, 250),
        ad("sidebar", "/static/ads/rectangle.svg", 300, 250),
        ad("sticky", "/static/ads/sticky.svg", 320, 50),
    ]
}

fn default_plans() -> Vec<Plan> {
    vec![
        Plan {
            id: "monthly".into(),
            name: "Bulanan".into(),
            price_idr: 30_000,
            period: "month".into(),
            days: None,
            benefits: vec![],
            currency: idr(),
            stripe_price: None,
        },
        Plan {
            id: "yearly".into(),
            name: "Tahunan".into(),
            price_idr: 300_000,
            period: "year".into(),
            days: None,
            benefits: vec![],
            currency: idr(),
            stripe_price: None,
        },
        Plan {
            id: "pass30".into(),
            name: "Pass 30 hari".into(),
            price_idr: 35_000,
            period: "pass".into(),
            days: Some(30),
            benefits: vec![],
            currency: idr(),
            stripe_price: None,
        },
    ]
}

impl Config {
    /// Defaults, then `file` if given, then the environment.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        let mut cfg = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.to_path_buf(),
                    source,
                })?;
                toml::from_str::<Config>(&text).map_err(|e| ConfigError::Parse {
                    path: path.to_path_buf(),
                    message: e.to_string(),
                })?
            }
            None => Config::default(),
        };
        cfg.apply_env(|k| std::env::var(k).ok());
        cfg.validate()?;
        Ok(cfg)
    }

    fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) {
        if let Some(v) = get("WARTA_SITE_NAME") {
            self.site_name = v;
        }
        if let Some(v) = get("WARTA_MEMBERSHIP_NAME") {
            self.membership_name = Some(v);
        }
        if let Some(v) = get("WARTA_LOCALE") {
            self.locale = v;
        }
        if let Some(v) = get("WARTA_TIME_ZONE") {
            self.time_zone = v;
        }
        if let Some(v) = get("WARTA_BASE_URL") {
            self.base_url = v;
        }
        if let Some(v) = get("WARTA_THEME_DIR") {
            self.theme_dir = Some(v.into());
        }
        if let Some(v) = get("WARTA_CACHE_STATUS_HEADER") {
            self.cache_status_header = switch(&v);
        }
        if let Some(v) = get("WARTA_PAGE_CACHE") {
            self.page_cache = switch(&v);
        }
        if let Some(v) = get("WARTA_SMTP_URL") {
            self.mail.smtp_url = Some(v);
        }
        if let Some(v) = get("WARTA_MAIL_FROM") {
            self.mail.from = v;
        }
    }

    pub fn validate(&mut self) -> Result<(), ConfigError> {
        if self.site_name.trim().is_empty() {
            return Err(ConfigError::Invalid {
                key: "site_name",
                message: "must not be empty".into(),
            });
        }
        if !crate::render::i18n::LOCALES.contains(&self.locale.as_str()) {
            return Err(ConfigError::Invalid {
                key: "locale",
                message: format!("{:?} is not one of id, en", self.locale),
            });
        }
        crate::domain::time::SiteZone::new(&self.time_zone).map_err(|e| ConfigError::Invalid {
            key: "time_zone",
            message: e.to_string(),
        })?;
        if let Err(e) = crate::domain::web_address::parse_http(&self.base_url) {
            return Err(ConfigError::Invalid {
                key: "base_url",
                message: format!("{:?}: {e}", self.base_url),
            });
        }
        self.base_url = self.base_url.trim_end_matches('/').to_string();
        if let Some(d) = &self.theme_dir
            && !d.is_dir()
        {
            return Err(ConfigError::Invalid {
                key: "theme_dir",
                message: format!("{} is not a directory", d.display()),
            });
        }
        if self.page_cache_mb == 0 {
            return Err(ConfigError::Invalid {
                key: "page_cache_mb",
                message: "must be at least 1 (turn the cache off with page_cache = false)".into(),
            });
        }
        if self.server.header_timeout_secs == 0
            || self.server.idle_timeout_secs == 0
            || self.server.request_timeout_secs == 0
            || self.server.max_connections == 0
        {
            return Err(ConfigError::Invalid {
                key: "server",
                message: "timeouts and max_connections must be at least 1".into(),
            });
        }
        if let Some(k) = &self.discovery.indexnow_key
            && (k.len() < 8
                || k.len() > 128
                || !k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        {
            return Err(ConfigError::Invalid {
                key: "discovery.indexnow_key",
                message: "8 to 128 letters, digits or hyphens".into(),
            });
        }
        for u in self
            .discovery
            .websub_hubs
            .iter()
            .chain([&self.discovery.indexnow_endpoint])
        {
            if let Err(e) = crate::domain::web_address::parse_http(u) {
                return Err(ConfigError::Invalid {
                    key: "discovery",
                    message: format!("{u:?}: {e}"),
                });
            }
        }
        for c in &self.discovery.refuse_crawlers {
            if c.trim().is_empty() || c.contains(['\n', '\r', ':']) {
                return Err(ConfigError::Invalid {
                    key: "discovery.refuse_crawlers",
                    message: format!("{c:?} is not a user agent name"),
                });
            }
        }
        if self.media_decode_megapixels < 40 {
            return Err(ConfigError::Invalid {
                key: "media_decode_megapixels",
                message: "must be at least 40 (the largest image accepted)".into(),
            });
        }
        if self.articles_per_page < 1 || self.articles_per_page > 100 {
            return Err(ConfigError::Invalid {
                key: "articles_per_page",
                message: "must be between 1 and 100".into(),
            });
        }
        for ad in &self.ads {
            if !["top", "in_article", "sidebar", "sticky"].contains(&ad.slot.as_str()) {
                return Err(ConfigError::Invalid {
                    key: "ads",
                    message: format!("unknown slot {:?}", ad.slot),
                });
            }
            if ad.snippet.is_none() && (ad.image.is_empty() || ad.link.is_empty()) {
                return Err(ConfigError::Invalid {
                    key: "ads",
                    message: format!("slot {:?} needs image and link, or a snippet", ad.slot),
                });
            }
        }
        for src in &self.ad_script_sources {
            if crate::domain::web_address::parse_https(src).is_err()
                || src.contains([' ', ';', '\'', '"', ','])
            {
                return Err(ConfigError::Invalid {
                    key: "ad_script_sources",
                    message: format!("{src:?} is not an https origin"),
                });
            }
        }
        for p in &self.plans {
            if !["month", "year", "pass"].contains(&p.period.as_str()) {
                return Err(ConfigError::Invalid {
                    key: "plans",
                    message: format!("plan {:?}: period must be month, year or pass", p.id),
                });
            }
            if p.currency.len() != 3 || !p.currency.chars().all(|c| c.is_ascii_uppercase()) {
                return Err(ConfigError::Invalid {
                    key: "plans",
                    message: format!("plan {:?}: currency must be like \"IDR\"", p.id),
                });
            }
        }
        // A provider without its secrets would take forged notifications
        // (an empty key signs for anyone): refuse to start.
        if let Some(st) = &self.payments.stripe
            && (st.secret_key().is_empty() || st.webhook_secret().is_empty())
        {
            return Err(ConfigError::Invalid {
                key: "payments.stripe",
                message: format!(
                    "needs its secret key and webhook secret (set {} and {})",
                    st.secret_key_env, st.webhook_secret_env
                ),
            });
        }
        if let Some(m) = &self.payments.midtrans
            && m.server_key().is_empty()
        {
            return Err(ConfigError::Invalid {
                key: "payments.midtrans",
                message: format!("needs its server key (set {})", m.server_key_env),
            });
        }
        if let Some(m) = &self.payments.midtrans {
            for method in &m.methods {
                if !["qris", "ewallet", "bank_transfer"].contains(&method.as_str()) {
                    return Err(ConfigError::Invalid {
                        key: "payments.midtrans.methods",
                        message: format!("{method:?} is not one of qris, ewallet, bank_transfer"),
                    });
                }
            }
        }
        Ok(())
    }

    /// How the store analyses what it indexes for search.
    pub fn search_settings(&self) -> crate::store::search::SearchSettings {
        crate::store::search::SearchSettings {
            analyzer: crate::domain::search::Analyzer::new(
                &self.locale,
                &self.search.stem_exclusions,
            ),
            preview_paragraphs: self.preview_paragraphs,
        }
    }

    pub fn plan(&self, id: &str) -> Option<&Plan> {
        self.plans.iter().find(|p| p.id == id)
    }

    /// Cookies get `Secure` when the site is served over TLS.
    pub fn https(&self) -> bool {
        self.base_url.starts_with("https://")
    }

    pub fn membership_name(&self) -> String {
        self.membership_name
            .clone()
            .unwrap_or_else(|| format!("{}+", self.site_name))
    }

    pub fn dateline_name(&self) -> String {
        self.dateline_name
            .clone()
            .unwrap_or_else(|| self.site_name.to_uppercase())
    }
}

/// A switch in the environment: 1, true, yes and on (any case) are on;
/// anything else is off. The same words as clap's `--demo`/`WARTA_DEMO`.
fn switch(v: &str) -> bool {
    matches!(
        v.trim().to_ascii_lowercase().as_str(),
        "1" | "true" | "yes" | "on" | "y"
    )
}

#[cfg(test)]
mod tests;
