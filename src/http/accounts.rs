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
use crate::domain::account::{self, new_token, token_hash};
use crate::error::AppError;
use crate::membership;
use crate::store::StoreError;
use crate::store::readers::TokenPurpose;

const VERIFY_HOURS: i64 = 48;
const RESET_HOURS: i64 = 1;

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

async fn hash_off_thread(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || account::hash_password(&password))
        .await
        .map_err(|_| AppError::BadRequest("hashing failed".into()))
}

async fn verify_off_thread(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || account::verify_password(&password, &hash))
        .await
        .unwrap_or(false)
}

async fn send_link(app: &AppState, to: &str, locale: &str, kind: &str, path: &str) {
    send_mail(app, to, locale, kind, path, &[]).await;
}

/// A mail of the `mail_{kind}_subject`/`_body` strings, `{name}`s in the
/// body filled from `vars`, with a link to `path` on this site. It is
/// queued, and sent after the request is answered, so an answer takes as
/// long whether or not a mail went (no account enumeration by timing).
/// A failure to queue is logged (and answered false).
pub(crate) async fn send_mail(
    app: &crate::http::App,
    to: &str,
    locale: &str,
    kind: &str,
    path: &str,
    vars: &[(&str, &str)],
) -> bool {
    let t = app.views.catalog.strings(locale);
    let get = |k: &str| t.get(k).cloned().unwrap_or_default();
    let url = format!("{}{path}", app.cfg.base_url);
    let mut text = get(&format!("mail_{kind}_body"));
    for (name, value) in vars {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    let body = format!("{text}\n\n{url}\n\n{}\n", get("mail_footer"));
    let subject = get(&format!("mail_{kind}_subject"));
    match app
        .backend
        .enqueue_mail(to, &subject, &body, app.clock.now())
        .await
    {
        Ok(_) => {
            app.mail_wake.notify_one();
            true
        }
        Err(e) => {
            tracing::error!(error = %e, kind, "could not queue mail");
            false
        }
    }
}

/// Invite someone to the newsroom: a link to choose their password.
pub async fn send_invite(
    app: &AppState,
    reader_id: i64,
    email: &str,
    locale: &str,
) -> Result<(), AppError> {
    let token = new_token();
    let now = app.clock.now();
    app.readers
        .create_email_token(
            &token_hash(&token),
            reader_id,
            TokenPurpose::Reset,
            None,
            now,
            now + 72 * 3600,
        )
        .await?;
    send_link(
        app,
        email,
        locale,
        "invite",
        &format!("/reset?token={token}"),
    )
    .await;
    Ok(())
}

async fn send_verification(
    app: &AppState,
    reader_id: i64,
    email: &str,
    locale: &str,
) -> Result<(), AppError> {
    let token = new_token();
    let now = app.clock.now();
    app.readers
        .create_email_token(
            &token_hash(&token),
            reader_id,
            TokenPurpose::Verify,
            None,
            now,
            now + VERIFY_HOURS * 3600,
        )
        .await?;
    send_link(
        app,
        email,
        locale,
        "verify",
        &format!("/verify?token={token}"),
    )
    .await;
    Ok(())
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
    let form_error = |key: &str| minijinja::context! { error => key.to_string(), email => f.email.clone(), name => f.name.clone() };
    let email = match account::normalize_email(&f.email) {
        Ok(e) => e,
        Err(_) => {
            return render(
                &app,
                &ctx,
                &uri,
                StatusCode::UNPROCESSABLE_ENTITY,
                "register.html",
                form_error("bad_email"),
            )
            .await;
        }
    };
    if let Err(e) = account::check_password(&f.password) {
        let key = match e {
            account::AccountError::PasswordTooLong => "password_long",
            _ => "password_short",
        };
        return render(
            &app,
            &ctx,
            &uri,
            StatusCode::UNPROCESSABLE_ENTITY,
            "register.html",
            form_error(key),
        )
        .await;
    }
    let Ok(name) = account::check_display_name(&f.name) else {
        return render(
            &app,
            &ctx,
            &uri,
            StatusCode::UNPROCESSABLE_ENTITY,
            "register.html",
            form_error("name_long"),
        )
        .await;
    };
    let now = app.clock.now();
    if !app.limits.signup_ip.allow(&app, &format!("ip:{ip}")).await {
        return Err(AppError::TooManyRequests);
    }
    let hash = hash_off_thread(f.password.clone()).await?;
    match app
        .readers
        .create_reader(&email, &hash, &name, None, now)
        .await
    {
        Ok(id) => send_verification(&app, id, &email, ctx.locale).await?,
        Err(StoreError::Conflict(_)) => {
            // Same answer as for a new address; the owner learns by e-mail.
            send_link(&app, &email, ctx.locale, "exists", "/forgot").await;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(see_other("/login?notice=registered"))
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
pub async fn verify(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<TokenQuery>,
) -> Result<Response, AppError> {
    let now = app.clock.now();
    let Some((reader_id, _)) = app
        .readers
        .use_email_token(&token_hash(&q.token), TokenPurpose::Verify, now)
        .await?
    else {
        return Err(AppError::BadRequest("invalid or expired link".into()));
    };
    app.readers.mark_verified(reader_id, now).await?;
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

/// Check a login; `Ok(None)` for a wrong address or password (the same
/// answer, after the same work), `Err(TooManyRequests)` past the limits.
/// `device` is the account this browser signed in to before: when wrong
/// guesses (anyone's) have locked the address, its owner may still try
/// from such a browser, within a limit of its own.
pub async fn check_login(
    app: &AppState,
    email_raw: &str,
    password: &str,
    ip: &str,
    device: Option<i64>,
) -> Result<Option<i64>, AppError> {
    let email =
        account::normalize_email(email_raw).unwrap_or_else(|_| email_raw.trim().to_lowercase());
    if !app.limits.login_ip.allow(app, &format!("ip:{ip}")).await {
        return Err(AppError::TooManyRequests);
    }
    let acct = app.readers.reader_by_email(&email).await?;
    let locked = !app
        .limits
        .login_email
        .allow(app, &format!("email:{email}"))
        .await;
    if locked {
        let owners_browser = match (&acct, device) {
            (Some(a), Some(d)) if a.id == d => {
                app.limits
                    .login_device
                    .allow(app, &format!("reader:{d}"))
                    .await
            }
            _ => false,
        };
        if !owners_browser {
            return Err(AppError::TooManyRequests);
        }
    }
    let hash = acct
        .as_ref()
        .map(|a| a.password_hash.clone())
        .unwrap_or_else(|| account::dummy_hash().to_string());
    let ok = verify_off_thread(password.to_string(), hash).await;
    Ok(match acct {
        Some(a) if ok => {
            // The owner's browser got in past a lock: the lock stays for
            // everyone else.
            if !locked {
                app.limits
                    .login_email
                    .reset(app, &format!("email:{email}"))
                    .await;
            }
            Some(a.id)
        }
        _ => None,
    })
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
    match check_login(&app, &f.email, &f.password, &ip, device).await? {
        Some(id) if super::two_factor::required(&app, id).await? => {
            // Staff with two-factor: no session until the code comes.
            super::two_factor::challenge(&app, id, &next).await
        }
        Some(id) => {
            // A session the browser had before is replaced, never reused.
            if let Some(old) = &ctx.viewer.session_hash {
                app.readers.delete_session(old).await?;
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
        app.readers.delete_session(h).await?;
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
    app.readers.delete_reader_sessions(acct.id, None).await?;
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
    app.readers
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
    let now = app.clock.now();
    let email = account::normalize_email(&f.email).unwrap_or_default();
    if !app.limits.mail_ip.allow(&app, &format!("ip:{ip}")).await
        || !app
            .limits
            .mail_email
            .allow(&app, &format!("email:{email}"))
            .await
    {
        return Err(AppError::TooManyRequests);
    }
    if let Some(acct) = app.readers.reader_by_email(&email).await? {
        let token = new_token();
        app.readers
            .create_email_token(
                &token_hash(&token),
                acct.id,
                TokenPurpose::Reset,
                None,
                now,
                now + RESET_HOURS * 3600,
            )
            .await?;
        send_link(
            &app,
            &acct.email,
            ctx.locale,
            "reset",
            &format!("/reset?token={token}"),
        )
        .await;
    }
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
    if account::check_password(&f.password).is_err() {
        return render(
            &app,
            &ctx,
            &uri,
            StatusCode::UNPROCESSABLE_ENTITY,
            "reset.html",
            minijinja::context! { token => f.token.clone(), error => "password_short" },
        )
        .await;
    }
    let now = app.clock.now();
    let Some((reader_id, _)) = app
        .readers
        .use_email_token(&token_hash(&f.token), TokenPurpose::Reset, now)
        .await?
    else {
        return Err(AppError::BadRequest("invalid or expired link".into()));
    };
    let hash = hash_off_thread(f.password.clone()).await?;
    app.readers.set_password(reader_id, &hash).await?;
    // Whoever knew the old password is signed out everywhere.
    app.readers.delete_reader_sessions(reader_id, None).await?;
    // The link reached their inbox: that proves the address too.
    app.readers.mark_verified(reader_id, now).await?;
    Ok(see_other("/login?notice=password_reset"))
}

// ---- the account page ----

pub async fn account_page(
    State(app): State<AppState>,
    ctx: Ctx,
    uri: Uri,
) -> Result<Response, AppError> {
    let Some(acct) = ctx.viewer.account.clone() else {
        return Ok(see_other("/login?next=/account"));
    };
    let now = app.clock.now();
    let sessions: Vec<_> = app
        .readers
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
    let status = membership::describe(&app, &ctx.viewer, now);
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
    if !app
        .limits
        .mail_email
        .allow(&app, &format!("email:{}", acct.email))
        .await
    {
        return Err(AppError::TooManyRequests);
    }
    if !acct.verified {
        send_verification(&app, acct.id, &acct.email, ctx.locale).await?;
    }
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
    if account::check_password(&f.password).is_err() {
        return Err(AppError::BadRequest("password too short".into()));
    }
    if !verify_off_thread(f.current.clone(), acct.password_hash.clone()).await {
        return Err(AppError::Forbidden);
    }
    let hash = hash_off_thread(f.password.clone()).await?;
    app.readers.set_password(acct.id, &hash).await?;
    app.readers
        .delete_reader_sessions(acct.id, ctx.viewer.session_hash.as_deref())
        .await?;
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
    let email = account::normalize_email(&f.email)
        .map_err(|_| AppError::BadRequest("invalid e-mail".into()))?;
    if !verify_off_thread(f.password.clone(), acct.password_hash.clone()).await {
        return Err(AppError::Forbidden);
    }
    let now = app.clock.now();
    if !app
        .limits
        .mail_email
        .allow(&app, &format!("email:{email}"))
        .await
    {
        return Err(AppError::TooManyRequests);
    }
    let token = new_token();
    app.readers
        .create_email_token(
            &token_hash(&token),
            acct.id,
            TokenPurpose::ChangeEmail,
            Some(&email),
            now,
            now + VERIFY_HOURS * 3600,
        )
        .await?;
    // The new address must prove itself before it replaces the old one.
    send_link(
        &app,
        &email,
        ctx.locale,
        "change_email",
        &format!("/account/email/confirm?token={token}"),
    )
    .await;
    Ok(see_other("/account?notice=email_sent"))
}

pub async fn confirm_email(
    State(app): State<AppState>,
    Query(q): Query<TokenQuery>,
) -> Result<Response, AppError> {
    let now = app.clock.now();
    let Some((reader_id, Some(email))) = app
        .readers
        .use_email_token(&token_hash(&q.token), TokenPurpose::ChangeEmail, now)
        .await?
    else {
        return Err(AppError::BadRequest("invalid or expired link".into()));
    };
    match app.readers.set_email(reader_id, &email).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => return Err(AppError::BadRequest("address taken".into())),
        Err(e) => return Err(e.into()),
    }
    app.readers.mark_verified(reader_id, now).await?;
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
    if !verify_off_thread(f.password.clone(), acct.password_hash.clone()).await {
        return Err(AppError::Forbidden);
    }
    // No charges after the account is gone: its subscriptions end first
    // (if a provider cannot be reached, the account stays and they can retry).
    crate::payments::end_subscriptions(&app, acct.id).await?;
    app.readers.delete_reader(acct.id, app.clock.now()).await?;
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
        return Ok(see_other("/login?next=/plus"));
    };
    // Guessing codes is as limited as guessing passwords.
    if !app.limits.redeem.allow(&app, &format!("{}", acct.id)).await {
        return Err(AppError::TooManyRequests);
    }
    let code = f.code.trim().to_uppercase();
    match membership::redeem(&app, acct.id, &code).await? {
        Ok(_) => Ok(see_other("/account?notice=redeemed")),
        Err(e) => {
            let key = match e {
                crate::domain::membership::RedeemError::Unknown => "redeem_unknown",
                crate::domain::membership::RedeemError::Expired => "redeem_expired",
                crate::domain::membership::RedeemError::UsedUp => "redeem_used",
                crate::domain::membership::RedeemError::AlreadyRedeemed => "redeem_again",
            };
            let c = Chrome::build(&app, &ctx, &uri).await?;
            let plans = &app.cfg.plans;
            let methods = super::site::pay_methods(&app);
            let ctx_v = crate::view! { site => &c, t => &*c.t, plans, methods, error => key, code => f.code.clone() };
            let html = app.views.render("plans.html", ctx_v)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
        }
    }
}
