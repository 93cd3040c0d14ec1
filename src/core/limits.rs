//! Rate limits, counted in the database so every node shares them. The
//! keys (an address, an IP, an account) are the caller's.

use super::Core;

/// One rate limit: at most `max` attempts per key in `window` seconds,
/// counted in the database so every node shares it.
pub struct RateLimit {
    name: &'static str,
    max: i64,
    window: i64,
}

impl RateLimit {
    pub const fn new(name: &'static str, max: i64, window: i64) -> RateLimit {
        RateLimit { name, max, window }
    }

    /// Record an attempt for `key`; false when over the limit. A store
    /// error refuses too: better a retry than an unlimited guesser.
    pub async fn allow(&self, core: &Core, key: &str) -> bool {
        let k = format!("{}:{key}", self.name);
        core.store
            .rate_hit(&[k], self.max, self.window, core.clock.now())
            .await
            .unwrap_or(false)
    }

    pub async fn reset(&self, core: &Core, key: &str) {
        let _ = core.store.rate_reset(&format!("{}:{key}", self.name)).await;
    }
}

/// The rate limits readers meet. Chosen so a person never notices them and
/// a script guessing passwords or spamming gets nowhere.
pub struct Limits {
    /// 10 attempts per address per 15 minutes.
    pub login_email: RateLimit,
    /// 30 attempts per IP per 15 minutes.
    pub login_ip: RateLimit,
    /// 10 attempts per account per 15 minutes from browsers that signed
    /// in to it before, once the address is locked.
    pub login_device: RateLimit,
    /// 5 sign-ups per IP per hour.
    pub signup_ip: RateLimit,
    /// 3 reset or verification e-mails per address per hour, 10 per IP.
    pub mail_email: RateLimit,
    pub mail_ip: RateLimit,
    /// 10 redeem attempts per account per 15 minutes.
    pub redeem: RateLimit,
    /// 5 comments per reader per 10 minutes (a setting).
    pub comments: RateLimit,
}

impl Limits {
    pub fn from_config(cfg: &crate::config::Config) -> Limits {
        Limits {
            comments: RateLimit::new("comment", cfg.comments.per_ten_minutes.max(1) as i64, 600),
            ..Limits::default()
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            login_email: RateLimit::new("login-email", 10, 900),
            login_ip: RateLimit::new("login-ip", 30, 900),
            login_device: RateLimit::new("login-device", 10, 900),
            signup_ip: RateLimit::new("signup-ip", 5, 3600),
            mail_email: RateLimit::new("mail-email", 3, 3600),
            mail_ip: RateLimit::new("mail-ip", 10, 3600),
            redeem: RateLimit::new("redeem", 10, 900),
            comments: RateLimit::new("comment", 5, 600),
        }
    }
}
