//! Who is asking: the session cookie, the reader's access state, CSRF
//! protection and the client's address for rate limits.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use crate::domain::access::{Reader, ReaderState};
use crate::domain::account::{new_token, secrets_equal, token_hash};
use crate::domain::membership::{AccountFacts, Membership, reader_state};
use crate::error::AppError;
use crate::store::readers::Account;

pub const SESSION_COOKIE: &str = "warta_session";
pub const CSRF_COOKIE: &str = "warta_csrf";

/// The reader behind a request.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub account: Option<Account>,
    pub session_hash: Option<String>,
    pub memberships: Vec<Membership>,
    pub reader: Reader,
}

impl Viewer {
    pub fn anonymous() -> Viewer {
        Viewer {
            account: None,
            session_hash: None,
            memberships: Vec::new(),
            reader: Reader::ANONYMOUS,
        }
    }

    pub fn state(&self) -> ReaderState {
        self.reader.state
    }
}

/// The CSRF token of this request, put there by `csrf_cookie`.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|s| s.split(';'))
        .find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == name && !v.is_empty()).then(|| v.to_string())
        })
}

pub fn set_cookie(app: &AppState, name: &str, value: &str, max_age: i64) -> HeaderValue {
    let secure = if app.cfg.https() { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}"
    ))
    .expect("cookie values are base64url")
}

pub fn clear_cookie(app: &AppState, name: &str) -> HeaderValue {
    set_cookie(app, name, "", 0)
}

/// Look up the session cookie; an unknown or expired one is anonymous.
pub async fn viewer(app: &AppState, headers: &HeaderMap) -> Result<Viewer, AppError> {
    let Some(token) = cookie(headers, SESSION_COOKIE) else {
        return Ok(Viewer::anonymous());
    };
    let hash = token_hash(&token);
    let now = app.clock.now();
    if let Some(known) = app.reader_cache.session(&hash, now) {
        return Ok(match known {
            Some((account, memberships)) => viewer_from(app, account, Some(hash), memberships),
            None => Viewer::anonymous(),
        });
    }
    let Some(account) = app.readers.session_account(&hash, now).await? else {
        app.reader_cache.put_session(&hash, None, now);
        return Ok(Viewer::anonymous());
    };
    let v = viewer_of(app, account, Some(hash.clone())).await?;
    if let Some(a) = &v.account {
        app.reader_cache
            .put_session(&hash, Some((a.clone(), v.memberships.clone())), now);
    }
    Ok(v)
}

/// The viewer for an account already looked up: its memberships decide
/// the reader's state.
pub async fn viewer_of(
    app: &AppState,
    account: Account,
    session_hash: Option<String>,
) -> Result<Viewer, AppError> {
    let memberships = app.readers.memberships(account.id).await?;
    Ok(viewer_from(app, account, session_hash, memberships))
}

/// The viewer for an account and its memberships, as of the app's clock.
fn viewer_from(
    app: &AppState,
    account: Account,
    session_hash: Option<String>,
    memberships: Vec<Membership>,
) -> Viewer {
    let state = reader_state(
        AccountFacts {
            verified: account.verified,
            staff: account.staff,
        },
        &memberships,
        app.clock.now(),
    );
    Viewer {
        reader: Reader {
            state,
            comment_banned: account.comment_banned,
        },
        account: Some(account),
        session_hash,
        memberships,
    }
}

/// Start a session for `reader_id`: a fresh random id every time (so a
/// session id planted before login is worthless), stored hashed.
pub async fn start_session(
    app: &AppState,
    reader_id: i64,
    headers: &HeaderMap,
) -> Result<HeaderValue, AppError> {
    let token = new_token();
    let now = app.clock.now();
    let ua = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let max_age = app.cfg.session_days * 86_400;
    app.readers
        .create_session(&token_hash(&token), reader_id, now, now + max_age, ua)
        .await?;
    Ok(set_cookie(app, SESSION_COOKIE, &token, max_age))
}

/// Pages whose forms an anonymous visitor may send.
const FORM_PAGES: &[&str] = &[
    "/login",
    "/login/2fa",
    "/register",
    "/forgot",
    "/reset",
    "/plus",
];

/// Give visitors who may send a form a CSRF cookie, and every request its
/// token. Plain reading pages set no cookie, so a CDN may cache them.
pub async fn csrf_cookie(State(app): State<AppState>, mut req: Request, next: Next) -> Response {
    let existing = cookie(req.headers(), CSRF_COOKIE);
    let needs =
        cookie(req.headers(), SESSION_COOKIE).is_some() || FORM_PAGES.contains(&req.uri().path());
    // A token is made only for a visitor who may send a form.
    let token = match (&existing, needs) {
        (Some(t), _) => t.clone(),
        (None, true) => new_token(),
        (None, false) => String::new(),
    };
    req.extensions_mut().insert(CsrfToken(token.clone()));
    let mut res = next.run(req).await;
    if existing.is_none() && needs {
        res.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(&app, CSRF_COOKIE, &token, 365 * 86_400),
        );
    }
    res
}

/// Refuse state-changing requests sent from another site: the browser's
/// Sec-Fetch-Site and Origin headers say where a request comes from.
pub async fn same_origin_only(State(app): State<AppState>, req: Request, next: Next) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        && !same_origin(&app, req.headers())
    {
        return AppError::Forbidden.into_response();
    }
    next.run(req).await
}

fn same_origin(app: &AppState, h: &HeaderMap) -> bool {
    if let Some(site) = h.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    let Some(origin) = h.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        // Old browsers and non-browser clients send no Origin; the form
        // token (or, for the JSON API, the JSON content type) still guards.
        return true;
    };
    if origin == app.cfg.base_url {
        return true;
    }
    let host = h
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    origin == format!("http://{host}") || origin == format!("https://{host}")
}

/// The token a form sent must match the visitor's CSRF cookie.
pub fn check_csrf(headers: &HeaderMap, sent: &str) -> Result<(), AppError> {
    match cookie(headers, CSRF_COOKIE) {
        Some(c) if !sent.is_empty() && secrets_equal(&c, sent) => Ok(()),
        _ => Err(AppError::Forbidden),
    }
}

/// The client's address for rate limits.
pub fn client_ip(
    app: &AppState,
    headers: &HeaderMap,
    peer: Option<std::net::SocketAddr>,
) -> String {
    if app.cfg.trust_forwarded_for
        && let Some(first) = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
    {
        return first.trim().to_string();
    }
    peer.map(|p| p.ip().to_string())
        .unwrap_or_else(|| "local".into())
}

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
    pub async fn allow(&self, app: &AppState, key: &str) -> bool {
        let k = format!("{}:{key}", self.name);
        app.store
            .rate_hit(&[k], self.max, self.window, app.clock.now())
            .await
            .unwrap_or(false)
    }

    pub async fn reset(&self, app: &AppState, key: &str) {
        let _ = app.store.rate_reset(&format!("{}:{key}", self.name)).await;
    }
}

/// The rate limits readers meet. Chosen so a person never notices them and
/// a script guessing passwords or spamming gets nowhere.
pub struct Limits {
    /// 10 attempts per address per 15 minutes.
    pub login_email: RateLimit,
    /// 30 attempts per IP per 15 minutes.
    pub login_ip: RateLimit,
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
            signup_ip: RateLimit::new("signup-ip", 5, 3600),
            mail_email: RateLimit::new("mail-email", 3, 3600),
            mail_ip: RateLimit::new("mail-ip", 10, 3600),
            redeem: RateLimit::new("redeem", 10, 900),
            comments: RateLimit::new("comment", 5, 600),
        }
    }
}

/// Everything a page handler needs to know about the request's reader.
pub struct Ctx {
    pub viewer: Viewer,
    pub csrf: String,
    pub locale: &'static str,
    pub peer: Option<std::net::SocketAddr>,
    /// The page is rendered once for every reader in the same state: the
    /// reader's name and CSRF token are placeholders the cache fills in.
    pub shared: bool,
}

/// Marks a request whose page the cache will share between readers.
#[derive(Clone, Copy)]
pub struct SharedRender;

pub const NAME_SLOT: &str = "\u{E000}warta:name\u{E000}";
pub const CSRF_SLOT: &str = "\u{E000}warta:csrf\u{E000}";

impl axum::extract::FromRequestParts<AppState> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        app: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // The page cache may have looked the reader up already.
        let viewer = match parts.extensions.get::<Viewer>() {
            Some(v) => v.clone(),
            None => viewer(app, &parts.headers).await?,
        };
        let csrf = parts
            .extensions
            .get::<CsrfToken>()
            .map(|t| t.0.clone())
            .unwrap_or_default();
        let locale = super::view::reader_locale(app, parts.uri.query(), &parts.headers);
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0);
        let shared = parts.extensions.get::<SharedRender>().is_some();
        Ok(Ctx {
            viewer,
            csrf,
            locale,
            peer,
            shared,
        })
    }
}
