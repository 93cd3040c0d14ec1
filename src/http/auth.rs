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
/// A browser that signed in before (see `remember_device`).
pub const DEVICE_COOKIE: &str = "warta_device";
const DEVICE_DAYS: i64 = 400;

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

/// A cookie's name on this site: over https it carries the `__Host-`
/// prefix, so the browser takes it only from this host, over TLS, for the
/// whole site (a sibling subdomain cannot plant one).
pub fn cookie_name(app: &crate::http::App, base: &str) -> String {
    if app.cfg.https() {
        format!("__Host-{base}")
    } else {
        base.to_string()
    }
}

/// One of our cookies from a request, under this site's name for it.
pub fn read_cookie(app: &crate::http::App, headers: &HeaderMap, base: &str) -> Option<String> {
    cookie(headers, &cookie_name(app, base))
}

pub fn set_cookie(app: &AppState, name: &str, value: &str, max_age: i64) -> HeaderValue {
    let secure = if app.cfg.https() { "; Secure" } else { "" };
    let name = cookie_name(app, name);
    // Values are ours (base64url tokens); anything else would be a bug.
    let value: String = value
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .collect();
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}"
    ))
    .expect("cookie values are base64url")
}

/// Whether a value has the shape of the tokens Warta issues (32 random
/// bytes, base64url): a planted cookie of any other shape is never used.
pub fn token_shaped(v: &str) -> bool {
    v.len() == 43
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

pub fn clear_cookie(app: &AppState, name: &str) -> HeaderValue {
    set_cookie(app, name, "", 0)
}

/// Look up the session cookie; an unknown or expired one is anonymous.
pub async fn viewer(app: &AppState, headers: &HeaderMap) -> Result<Viewer, AppError> {
    let Some(token) = read_cookie(app, headers, SESSION_COOKIE).filter(|t| token_shaped(t)) else {
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
    let Some(account) = app.store.session_account(&hash, now).await? else {
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
    let memberships = app.store.memberships(account.id).await?;
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

/// Start a session for `reader_id` (a fresh random id every time, stored
/// hashed: `services::accounts::start_session`) and the cookie that holds it.
pub async fn start_session(
    app: &AppState,
    reader_id: i64,
    headers: &HeaderMap,
) -> Result<HeaderValue, AppError> {
    let ua = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let (token, max_age) = crate::services::accounts::start_session(app, reader_id, ua).await?;
    Ok(set_cookie(app, SESSION_COOKIE, &token, max_age))
}

/// The account this browser signed in to before, if its device cookie is
/// one we issued and still know.
pub async fn known_device(app: &AppState, headers: &HeaderMap) -> Option<i64> {
    let token = read_cookie(app, headers, DEVICE_COOKIE).filter(|t| token_shaped(t))?;
    crate::services::accounts::known_device(app, &token).await
}

/// Remember this browser for `reader_id` after a sign-in, so that when
/// someone else's wrong guesses lock the address, its owner can still sign
/// in from here (OWASP's "device cookies"). The cookie to set, unless the
/// browser already carries one of this account's.
pub async fn remember_device(
    app: &AppState,
    reader_id: i64,
    headers: &HeaderMap,
) -> Result<Option<HeaderValue>, AppError> {
    if known_device(app, headers).await == Some(reader_id) {
        return Ok(None);
    }
    let token = crate::services::accounts::remember_device(app, reader_id).await?;
    Ok(Some(set_cookie(
        app,
        DEVICE_COOKIE,
        &token,
        DEVICE_DAYS * 86_400,
    )))
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
    let raw = read_cookie(&app, req.headers(), CSRF_COOKIE);
    // Only a token of our own shape is used; anything else is replaced,
    // never written into a form.
    let planted = raw.as_deref().is_some_and(|t| !token_shaped(t));
    let existing = raw.filter(|t| token_shaped(t));
    let needs = planted
        || read_cookie(&app, req.headers(), SESSION_COOKIE).is_some()
        || FORM_PAGES.contains(&req.uri().path());
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
        // API clients read JSON errors; readers get the page.
        if req.uri().path().starts_with("/api/") {
            return crate::error::ApiError(AppError::Forbidden).into_response();
        }
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
pub fn check_csrf(app: &crate::http::App, headers: &HeaderMap, sent: &str) -> Result<(), AppError> {
    match read_cookie(app, headers, CSRF_COOKIE) {
        Some(c) if token_shaped(&c) && secrets_equal(&c, sent) => Ok(()),
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

/// Everything a page handler needs to know about the request's reader.
pub struct Ctx {
    pub viewer: Viewer,
    pub csrf: String,
    pub locale: &'static str,
    pub peer: Option<std::net::SocketAddr>,
    /// The page is rendered once for every reader in the same state: the
    /// reader's name and CSRF token are these placeholders, which the cache
    /// fills in.
    pub shared: Option<Slots>,
}

/// Marks a request whose page the cache will share between readers.
#[derive(Clone)]
pub struct SharedRender(pub Slots);

/// The placeholders of one shared render: random each time, so nothing a
/// reader or writer types can match them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slots {
    pub name: String,
    pub csrf: String,
}

impl Slots {
    pub fn new() -> Slots {
        let nonce = new_token();
        Slots {
            name: format!("warta-name-{nonce}"),
            csrf: format!("warta-csrf-{nonce}"),
        }
    }
}

impl Default for Slots {
    fn default() -> Self {
        Slots::new()
    }
}

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
        let shared = parts.extensions.get::<SharedRender>().map(|s| s.0.clone());
        Ok(Ctx {
            viewer,
            csrf,
            locale,
            peer,
            shared,
        })
    }
}

/// The sign-in form, coming back to `next` (a local path, with its query)
/// after it: every "sign in first" on the site goes through here.
pub fn sign_in_first(next: &str) -> Response {
    let q = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
    axum::response::Redirect::to(&format!("/login?{q}")).into_response()
}
