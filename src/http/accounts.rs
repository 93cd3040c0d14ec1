//! Reader accounts in the browser: sign up, verify, log in and out, reset
//! a forgotten password, the account page and what it can change, and
//! redeeming a code for the membership. Every form carries the CSRF token;
//! sign-up, login and reset answer the same whether the address exists.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::AppState;
use super::auth::{self, Ctx, SESSION_COOKIE, check_csrf, client_ip};
use super::view::Chrome;
use crate::domain::account::AccountError;
use crate::error::AppError;
use crate::services::accounts::{self, AccountsError};
use crate::services::memberships;

/// Notices a redirect may ask a page to show (`?notice=`); only these keys.
const NOTICES: &[&str] = &[
    "registered",
    "verified",
    "logged_out",
    "reset_sent",
    "password_reset",
    "password_changed",
    "email_sent",
    "email_changed",
    "account_deleted",
    "sessions_revoked",
    "redeemed",
    "verification_sent",
    "subscription_cancelled",
    "subscription_resumed",
];

fn notice_of(uri: &Uri) -> Option<&'static str> {
    let q = uri.query()?;
    let key = q.split('&').find_map(|p| p.strip_prefix("notice="))?;
    NOTICES.iter().copied().find(|k| *k == key)
}

pub(super) async fn render(
    app: &AppState,
    ctx: &Ctx,
    uri: &Uri,
    status: StatusCode,
    name: &str,
    extra: minijinja::Value,
) -> Result<Response, AppError> {
    let c = Chrome::build(app, ctx, uri).await?;
    let notice = notice_of(uri).map(|k| c.tr(&format!("notice_{k}")));
    let ctx_v = minijinja::context! { ..extra, ..crate::view! { site => &c, t => &*c.t, notice } };
    let html = app.views.render(name, ctx_v)?;
    let mut res = (status, Html(html)).into_response();
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(res)
}

/// A form page with nothing filled in yet.
async fn form_page(app: &AppState, ctx: &Ctx, uri: &Uri, name: &str) -> Result<Response, AppError> {
    render(app, ctx, uri, StatusCode::OK, name, minijinja::context! {}).await
}

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Only local paths are followed after login: no open redirect.
fn safe_next(next: Option<&str>) -> String {
    crate::domain::redirect::local_or_home(next)
}

fn accounts_error_key(e: &AccountsError) -> Option<&'static str> {
    match e {
        AccountsError::Invalid(AccountError::BadEmail) => Some("bad_email"),
        AccountsError::Invalid(AccountError::PasswordTooLong) => Some("password_long"),
        AccountsError::Invalid(AccountError::PasswordTooShort) => Some("password_short"),
        AccountsError::Invalid(AccountError::NameTooLong) => Some("name_long"),
        _ => None,
    }
}

// ---- sign up ----

#[derive(Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    name: String,
}

pub async fn register_page(
    State(app): State<AppState>,
    ctx: Ctx,
    uri: Uri,
) -> Result<Response, AppError> {
    form_page(&app, &ctx, &uri, "register.html").await
}

pub async fn register(
    State(app): State<AppState>,
    ctx: Ctx,
    uri: Uri,
    headers: HeaderMap,
    Form(f): Form<RegisterForm>,
) -> Result<Response, AppError> {
    check_csrf(&app, &headers, &f.csrf)?;
    let ip = client_ip(&app, &headers, ctx.peer);
    let r = accounts::register(
        &app,
        accounts::Registration {
            email: &f.email,
            password: &f.password,
            name: &f.name,
            locale: ctx.locale,
            ip: &ip,
        },
    )
    .await;
    match r {
        Ok(()) => Ok(see_other("/login?notice=registered")),
        Err(e) => match accounts_error_key(&e) {
            Some(key) => {
                render(
                    &app,
                    &ctx,
                    &uri,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "register.html",
                    minijinja::context! { error => key, email => f.email.clone(), name => f.name.clone() },
                )
                .await
            }
            None => Err(e.into()),
        },
    }
}

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// The mailed link proves the address; it signs nobody in. Whoever opens
/// it may not be its owner (a link sent to a victim, or an attacker's own
/// link opened in the victim's browser to sign them in to the attacker's
/// account): a browser already signed in to that account goes to the
/// account page, any other to the login form.
/// The mailed link proves the address; it signs nobody in. Whoever opens
/// it may not be its owner (a link sent to a victim, or an attacker's own
/// link opened in the victim's browser to sign them in to the attacker's
/// account): a browser already signed in to that account goes to the
/// account page, any other to the login form.
pub async fn verify(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<TokenQuery>,
) -> Result<Response, AppError> {
    let reader_id = accounts::verify(&app, &q.token).await?;
    if ctx.viewer.account.as_ref().map(|a| a.id) == Some(reader_id) {
        return Ok(see_other("/account?notice=verified"));
    }
    Ok(see_other("/login?notice=verified"))
}

// ---- log in and out ----

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

pub async fn login_page(
    State(app): State<AppState>,
    ctx: Ctx,
    uri: Uri,
    Query(q): Query<LoginQuery>,
) -> Result<Response, AppError> {
    let next = safe_next(q.next.as_deref());
    render(
        &app,
        &ctx,
        &uri,
        StatusCode::OK,
        "login.html",
        minijinja::context! { next },
    )
    .await
}

pub async fn login(
    State(app): State<AppState>,
    ctx: Ctx,
    uri: Uri,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Result<Response, AppError> {
    check_csrf(&app, &headers, &f.csrf)?;
    let ip = client_ip(&app, &headers, ctx.peer);
    let next = safe_next(f.next.as_deref());
    let device = auth::known_device(&app, &headers).await;
    match accounts::check_login(&app, &f.email, &f.password, &ip, device).await? {
        Some(id) if super::two_factor::required(&app, id).await? => {
            // Staff with two-factor: no session until the code comes.
            super::two_factor::challenge(&app, id, &next).await
        }
        Some(id) => {
            // A session the browser had before is replaced, never reused.
            if let Some(old) = &ctx.viewer.session_hash {
                app.store.delete_session(old).await?;
            }
            let cookie = auth::start_session(&app, id, &headers).await?;
            let mut res = see_other(&next);
            res.headers_mut().append(header::SET_COOKIE, cookie);
            if let Some(d) = auth::remember_device(&app, id, &headers).await? {
                res.headers_mut().append(header::SET_COOKIE, d);
            }
            Ok(res)
        }
        None => {
            render(
                &app,
                &ctx,
                &uri,
                StatusCode::UNAUTHORIZED,
                "login.html",
                minijinja::context! { error => "bad_login", email => f.email.clone(), next },
            )
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

pub async fn logout(
    State(app): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, AppError> {
    check_csrf(&app, &headers, &f.csrf)?;
    if let Some(h) = &ctx.viewer.session_hash {
        app.store.delete_session(h).await?;
    }
    let mut res = see_other("/?notice=logged_out");
    res.headers_mut()
        .append(header::SET_COOKIE, auth::clear_cookie(&app, SESSION_COOKIE));
    Ok(res)
}

pub async fn logout_all(
    State(app): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, AppError> {
    check_csrf(&app, &headers, &f.csrf)?;
    let acct = ctx.viewer.account.as_ref().ok_or(AppError::Unauthorized)?;
    app.store.delete_reader_sessions(acct.id, None).await?;
    let mut res = see_other("/?notice=logged_out");
    res.headers_mut()
        .append(header::SET_COOKIE, auth::clear_cookie(&app, SESSION_COOKIE));
    Ok(res)
}

pub async fn revoke_other_sessions(
    State(app): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, AppError> {
    check_csrf(&app, &headers, &f.csrf)?;
    let acct = ctx.viewer.account.as_ref().ok_or(AppError::Unauthorized)?;
    app.store
        .delete_reader_sessions(acct.id, ctx.viewer.session_hash.as_deref())
        .await?;
    Ok(see_other("/account?notice=sessions_revoked"))
}

// ---- forgotten password ----

#[derive(Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
}

pub async fn forgot_page(
    State(app): State<AppState>,
    ctx: Ctx,
    uri: Uri,
) -> Result<Response, AppError> {
    form_page(&app, &ctx, &uri, "forgot.html").await
}

pub async fn forgot(
    State(app): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Form(f): Form<EmailForm>,
) -> Result<Response, AppError> {
    check_csrf(&app, &headers, &f.csrf)?;
    let ip = client_ip(&app, &headers, ctx.peer);
    accounts::request_reset(&app, &f.email, ctx.locale, &ip).await?;
    Ok(see_other("/login?notice=reset_sent"))
}

pub async fn reset_page(
    State(app): State<AppState>,
    ctx: Ctx,
    uri: Uri,
    Query(q): Query<TokenQuery>,
) -> Result<Response, AppError> {
    render(
        &app,
        &ctx,
        &uri,
        StatusCode::OK,
        "reset.html",
        minijinja::context! { token => q.token },
    )
    .await
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
}

pub async fn reset(
    State(app): State<AppState>,
    ctx: Ctx,
    uri: Uri,
    headers: HeaderMap,
    Form(f): Form<ResetForm>,
) -> Result<Response, AppError> {
    check_csrf(&app, &headers, &f.csrf)?;
    match accounts::reset(&app, &f.token, &f.password).await {
        Ok(()) => Ok(see_other("/login?notice=password_reset")),
        Err(AccountsError::Invalid(_)) => {
            render(
                &app,
                &ctx,
                &uri,
                StatusCode::UNPROCESSABLE_ENTITY,
                "reset.html",
                minijinja::context! { token => f.token.clone(), error => "password_short" },
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

// ---- the account page ----

pub async fn account_page(
    State(app): State<AppState>,
    ctx: Ctx,
    uri: Uri,
) -> Result<Response, AppError> {
    let Some(acct) = ctx.viewer.account.clone() else {
        return Ok(super::auth::sign_in_first("/account"));
    };
    let now = app.clock.now();
    let sessions: Vec<_> = app
        .store
        .reader_sessions(acct.id, now)
        .await?
        .into_iter()
        .map(|s| {
            minijinja::context! {
                current => Some(&s.token_hash) == ctx.viewer.session_hash.as_ref(),
                last_seen_at => s.last_seen_at,
                created_at => s.created_at,
                user_agent => s.user_agent,
            }
        })
        .collect();
    let status = super::view::membership_summary(&app, &ctx.viewer, now);
    let history: Vec<_> = ctx
        .viewer
        .memberships
        .iter()
        .map(|m| {
            minijinja::context! {
                plan => app.cfg.plan(&m.plan_id).map(|p| p.name.clone()).unwrap_or_else(|| m.plan_id.clone()),
                source => m.source.as_str(),
                status => m.status.as_str(),
                starts_at => m.starts_at,
                ends_at => m.ends_at,
            }
        })
        .collect();
    render(
        &app,
        &ctx,
        &uri,
        StatusCode::OK,
        "account.html",
        minijinja::context! {
            email => acct.email.clone(),
            name => acct.display_name.clone(),
            verified => acct.verified,
            state => minijinja::value::Serde(ctx.viewer.state()),
            membership => minijinja::value::Serde(status),
            history,
            sessions,
            payments => minijinja::value::Serde(super::payments::of_reader(&app, acct.id).await?),
        },
    )
    .await
}

pub async fn resend_verification(
    State(app): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, AppError> {
    check_csrf(&app, &headers, &f.csrf)?;
    let acct = ctx.viewer.account.as_ref().ok_or(AppError::Unauthorized)?;
    accounts::resend_verification(&app, acct, ctx.locale).await?;
    Ok(see_other("/account?notice=verification_sent"))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
}

pub async fn change_password(
    State(app): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Form(f): Form<PasswordForm>,
) -> Result<Response, AppError> {
    check_csrf(&app, &headers, &f.csrf)?;
    let acct = ctx.viewer.account.as_ref().ok_or(AppError::Unauthorized)?;
    let keep = ctx.viewer.session_hash.as_deref();
    accounts::change_password(&app, acct, &f.current, &f.password, keep).await?;
    Ok(see_other("/account?notice=password_changed"))
}

#[derive(Deserialize)]
pub struct EmailChangeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

pub async fn change_email(
    State(app): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Form(f): Form<EmailChangeForm>,
) -> Result<Response, AppError> {
    check_csrf(&app, &headers, &f.csrf)?;
    let acct = ctx.viewer.account.as_ref().ok_or(AppError::Unauthorized)?;
    accounts::request_email_change(&app, acct, &f.email, &f.password, ctx.locale).await?;
    Ok(see_other("/account?notice=email_sent"))
}

pub async fn confirm_email(
    State(app): State<AppState>,
    Query(q): Query<TokenQuery>,
) -> Result<Response, AppError> {
    accounts::confirm_email(&app, &q.token).await?;
    Ok(see_other("/account?notice=email_changed"))
}

#[derive(Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    password: String,
}

pub async fn delete_account(
    State(app): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Form(f): Form<DeleteForm>,
) -> Result<Response, AppError> {
    check_csrf(&app, &headers, &f.csrf)?;
    let acct = ctx.viewer.account.as_ref().ok_or(AppError::Unauthorized)?;
    accounts::delete(&app, acct, &f.password).await?;
    // Their name leaves the comments shown on cached pages too.
    app.cache.invalidate();
    let mut res = see_other("/?notice=account_deleted");
    res.headers_mut()
        .append(header::SET_COOKIE, auth::clear_cookie(&app, SESSION_COOKIE));
    Ok(res)
}

#[derive(Deserialize)]
pub struct RedeemForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
}

pub async fn redeem(
    State(app): State<AppState>,
    ctx: Ctx,
    uri: Uri,
    headers: HeaderMap,
    Form(f): Form<RedeemForm>,
) -> Result<Response, AppError> {
    check_csrf(&app, &headers, &f.csrf)?;
    let Some(acct) = ctx.viewer.account.as_ref() else {
        return Ok(super::auth::sign_in_first("/plus"));
    };
    // Guessing codes is as limited as guessing passwords.
    if !app.limits.redeem.allow(&app, &format!("{}", acct.id)).await {
        return Err(AppError::TooManyRequests);
    }
    let code = f.code.trim().to_uppercase();
    match memberships::redeem(&app, acct.id, &code).await? {
        Ok(_) => Ok(see_other("/account?notice=redeemed")),
        Err(e) => {
            let key = match e {
                crate::domain::membership::RedeemError::Unknown => "redeem_unknown",
                crate::domain::membership::RedeemError::Expired => "redeem_expired",
                crate::domain::membership::RedeemError::UsedUp => "redeem_used",
                crate::domain::membership::RedeemError::AlreadyRedeemed => "redeem_again",
            };
            let c = Chrome::build(&app, &ctx, &uri).await?.for_plans();
            let plans = &app.cfg.plans;
            let methods = super::site::pay_methods(&app);
            let ctx_v = crate::view! { site => &c, t => &*c.t, plans, methods, error => key, code => f.code.clone() };
            let html = app.views.render("plans.html", ctx_v)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
        }
    }
}
