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

/// The password was right: hold the sign-in until the code comes.
pub async fn challenge(app: &AppState, reader_id: i64, next: &str) -> Result<Response, AppError> {
    let token = new_token();
    app.store
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

pub use crate::services::two_factor::{check_code, required};

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
    let Some((reader_id, next)) = app.store.login_challenge(&hash, app.clock.now()).await? else {
        return Ok(Redirect::to("/login").into_response());
    };
    if !check_code(&app, reader_id, &f.code).await? {
        return page(&app, &ctx, &uri, StatusCode::UNAUTHORIZED, true).await;
    }
    app.store.delete_login_challenge(&hash).await?;
    if let Some(old) = &ctx.viewer.session_hash {
        app.store.delete_session(old).await?;
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
    let (secret, pending) = app.store.staff_totp(s.staff.reader_id).await?;
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
    let (secret, pending) = app.store.staff_totp(id).await?;
    match f.action.as_str() {
        "start" if secret.is_none() => {
            app.store
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
                    app.store
                        .set_totp(id, Some(&p), &actor, app.clock.now())
                        .await?;
                    app.store.use_totp_step(id, step).await?;
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
            app.store
                .set_totp(id, None, &actor, app.clock.now())
                .await?;
        }
        _ => return Err(AppError::BadRequest("unknown action".into())),
    }
    Ok(Redirect::to("/admin/security").into_response())
}
