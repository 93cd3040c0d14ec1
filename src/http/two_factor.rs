//! Two-factor login for staff: after the right password, a staff member
//! who turned TOTP on must give a code before a session exists; and the
//! page where they turn it on and off.

use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::AppState;
use super::auth::{self, Ctx, check_csrf};
use super::backoffice::{StaffCtx, render};
use super::view::Chrome;
use crate::domain::account::{new_token, token_hash};
use crate::domain::totp;
use crate::error::AppError;

pub const CHALLENGE_COOKIE: &str = "warta_2fa";
/// Minutes to enter the code after the password.
const CHALLENGE_SECS: i64 = 300;

/// Whether this account must give a code to sign in.
pub async fn required(app: &AppState, reader_id: i64) -> Result<bool, AppError> {
    Ok(app.backend.staff_totp(reader_id).await?.0.is_some())
}

/// The password was right: hold the sign-in until the code comes.
pub async fn challenge(app: &AppState, reader_id: i64, next: &str) -> Result<Response, AppError> {
    let token = new_token();
    app.backend
        .create_login_challenge(
            &token_hash(&token),
            reader_id,
            next,
            app.clock.now() + CHALLENGE_SECS,
        )
        .await?;
    let mut res = Redirect::to("/login/2fa").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        auth::set_cookie(app, CHALLENGE_COOKIE, &token, CHALLENGE_SECS),
    );
    Ok(res)
}

/// Wrong codes in `TOTP_LOCK_SECS` that lock two-step sign-in for the
/// account: a guesser who has the password gets five tries in 15 minutes.
const TOTP_FAILURES: i64 = 5;
const TOTP_LOCK_SECS: i64 = 900;

/// Check a code for `reader_id` now: right, and not used before. After
/// `TOTP_FAILURES` wrong ones the account's codes are refused for
/// `TOTP_LOCK_SECS` (a right one too), and its owner is told by e-mail
/// and the audit log: someone has their password.
pub async fn check_code(app: &AppState, reader_id: i64, code: &str) -> Result<bool, AppError> {
    let now = app.clock.now();
    let failures = format!("totp-fail:{reader_id}");
    if app
        .backend
        .rate_count(&failures, TOTP_LOCK_SECS, now)
        .await?
        >= TOTP_FAILURES
        || !app
            .limits
            .login_email
            .allow(app, &format!("2fa:{reader_id}"))
            .await
    {
        return Err(AppError::TooManyRequests);
    }
    let Some(secret) = app.backend.staff_totp(reader_id).await?.0 else {
        return Ok(false);
    };
    if let Some(step) = totp::matching_step(&secret, code, now)
        && app.backend.use_totp_step(reader_id, step).await?
    {
        return Ok(true);
    }
    app.store
        .rate_hit(
            std::slice::from_ref(&failures),
            i64::MAX,
            TOTP_LOCK_SECS,
            now,
        )
        .await?;
    if app
        .backend
        .rate_count(&failures, TOTP_LOCK_SECS, now)
        .await?
        == TOTP_FAILURES
    {
        lockout_alert(app, reader_id, now).await;
    }
    Ok(false)
}

/// Two-step sign-in just locked: the owner hears of it, and so does the log.
async fn lockout_alert(app: &AppState, reader_id: i64, now: i64) {
    let Ok(Some(acct)) = app.readers.reader(reader_id).await else {
        return;
    };
    let actor = crate::store::newsroom::Actor {
        reader_id: None,
        label: "security".into(),
    };
    if let Err(e) = app
        .backend
        .audit(
            &actor,
            "security.totp_locked",
            &format!("reader:{}", acct.email),
            &format!("{TOTP_FAILURES} wrong two-step codes; locked for 15 minutes"),
            now,
        )
        .await
    {
        tracing::error!(error = %e, "audit entry not written");
    }
    tracing::warn!(reader_id, "two-step sign-in locked after wrong codes");
    super::accounts::send_mail(
        app,
        &acct.email,
        &app.cfg.locale,
        "totp_locked",
        "/admin/security",
        &[],
    )
    .await;
}

async fn page(
    app: &AppState,
    ctx: &Ctx,
    uri: &Uri,
    status: StatusCode,
    error: bool,
) -> Result<Response, AppError> {
    let c = Chrome::build(app, ctx, uri).await?;
    render(
        app,
        "login_code.html",
        status,
        crate::view! { site => &c, t => &*c.t, error },
    )
}

pub async fn code_page(
    State(app): State<AppState>,
    ctx: Ctx,
    uri: Uri,
) -> Result<Response, AppError> {
    page(&app, &ctx, &uri, StatusCode::OK, false).await
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
}

pub async fn code_submit(
    State(app): State<AppState>,
    ctx: Ctx,
    uri: Uri,
    headers: HeaderMap,
    Form(f): Form<CodeForm>,
) -> Result<Response, AppError> {
    check_csrf(&app, &headers, &f.csrf)?;
    let Some(token) = auth::read_cookie(&app, &headers, CHALLENGE_COOKIE) else {
        return Ok(Redirect::to("/login").into_response());
    };
    let hash = token_hash(&token);
    let Some((reader_id, next)) = app.backend.login_challenge(&hash, app.clock.now()).await? else {
        return Ok(Redirect::to("/login").into_response());
    };
    if !check_code(&app, reader_id, &f.code).await? {
        return page(&app, &ctx, &uri, StatusCode::UNAUTHORIZED, true).await;
    }
    app.backend.delete_login_challenge(&hash).await?;
    if let Some(old) = &ctx.viewer.session_hash {
        app.readers.delete_session(old).await?;
    }
    let session = auth::start_session(&app, reader_id, &headers).await?;
    // Stored from a checked `next`; checked again on the way out all the same.
    let next = crate::domain::redirect::local_or_home(Some(&next));
    let mut res = Redirect::to(&next).into_response();
    res.headers_mut().append(header::SET_COOKIE, session);
    if let Some(d) = auth::remember_device(&app, reader_id, &headers).await? {
        res.headers_mut().append(header::SET_COOKIE, d);
    }
    res.headers_mut().append(
        header::SET_COOKIE,
        auth::clear_cookie(&app, CHALLENGE_COOKIE),
    );
    Ok(res)
}

// ---- turning it on and off ----

async fn security_view(
    app: &AppState,
    s: &StaffCtx,
    uri: &Uri,
    status: StatusCode,
    error: Option<&str>,
) -> Result<Response, AppError> {
    let (secret, pending) = app.backend.staff_totp(s.staff.reader_id).await?;
    let c = Chrome::build(app, &s.ctx, uri).await?;
    let url = pending
        .as_deref()
        .map(|p| totp::otpauth_url(&app.cfg.site_name, &s.email, p));
    render(
        app,
        "admin/security.html",
        status,
        crate::view! {
            site => &c, t => &*c.t, me => &s.staff, enabled => secret.is_some(),
            pending => pending, otpauth => url, error => error,
        },
    )
}

pub async fn security_page(
    State(app): State<AppState>,
    s: StaffCtx,
    uri: Uri,
) -> Result<Response, AppError> {
    security_view(&app, &s, &uri, StatusCode::OK, None).await
}

#[derive(Deserialize)]
pub struct SecurityForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    code: String,
}

pub async fn security_submit(
    State(app): State<AppState>,
    s: StaffCtx,
    uri: Uri,
    headers: HeaderMap,
    Form(f): Form<SecurityForm>,
) -> Result<Response, AppError> {
    check_csrf(&app, &headers, &f.csrf)?;
    let id = s.staff.reader_id;
    let actor = s.principal().actor();
    let (secret, pending) = app.backend.staff_totp(id).await?;
    match f.action.as_str() {
        "start" if secret.is_none() => {
            app.backend
                .set_totp_pending(id, Some(&totp::new_secret()))
                .await?;
        }
        "enable" => {
            let Some(p) = pending else {
                return Err(AppError::BadRequest("start first".into()));
            };
            let ok = totp::matching_step(&p, &f.code, app.clock.now());
            match ok {
                Some(step) => {
                    app.backend
                        .set_totp(id, Some(&p), &actor, app.clock.now())
                        .await?;
                    app.backend.use_totp_step(id, step).await?;
                }
                None => {
                    return security_view(
                        &app,
                        &s,
                        &uri,
                        StatusCode::UNPROCESSABLE_ENTITY,
                        Some("code"),
                    )
                    .await;
                }
            }
        }
        "disable" if secret.is_some() => {
            if !check_code(&app, id, &f.code).await? {
                return security_view(
                    &app,
                    &s,
                    &uri,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Some("code"),
                )
                .await;
            }
            app.backend
                .set_totp(id, None, &actor, app.clock.now())
                .await?;
        }
        _ => return Err(AppError::BadRequest("unknown action".into())),
    }
    Ok(Redirect::to("/admin/security").into_response())
}
