//! The members part of the API, for apps and scripts on the same origin:
//! sign in and out with the same session cookie as the login form, and ask
//! who is signed in and what the access engine grants them.

use axum::extract::{Json, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::AppState;
use super::auth::{self, Ctx, SESSION_COOKIE, Viewer, client_ip};
use crate::domain::Access;
use crate::domain::access::{decide, decide_page};
use crate::domain::time::rfc3339_utc;
use crate::error::{ApiError, AppError};
use crate::services::accounts::check_login;

#[derive(Deserialize)]
pub struct Credentials {
    email: String,
    password: String,
    /// The two-factor code, for staff who turned it on.
    #[serde(default)]
    code: Option<String>,
}

pub fn me_json(app: &AppState, v: &Viewer) -> serde_json::Value {
    let now = app.clock.now();
    let page = decide_page(v.reader);
    let members = decide(v.reader, Access::Members);
    let summary = super::view::membership_summary(app, v, now);
    json!({
        "signed_in": v.account.is_some(),
        "email": v.account.as_ref().map(|a| a.email.clone()),
        "name": v.account.as_ref().map(|a| a.public_name()),
        "verified": v.account.as_ref().map(|a| a.verified),
        "state": v.state(),
        "membership": {
            "active": summary.active,
            "plan": summary.plan,
            "ends_at": summary.ends_at.map(rfc3339_utc),
        },
        "access": {
            "ads": page.ads,
            "membership_cta": page.membership_cta,
            "one_page": page.one_page,
            "members_only_articles": members.body,
            "can_comment": page.can_comment,
            "can_reply": page.can_reply,
            "can_report": page.can_report,
        },
    })
}

pub async fn sign_in(
    State(app): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    body: Result<Json<Credentials>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    // JSON only: a cross-site form cannot send it without a CORS preflight.
    let Json(c) = body.map_err(|e| ApiError(AppError::BadRequest(e.body_text())))?;
    let ip = client_ip(&app, &headers, ctx.peer);
    let device = auth::known_device(&app, &headers).await;
    let Some(id) = check_login(&app, &c.email, &c.password, &ip, device).await? else {
        return Ok(crate::error::json_error(
            StatusCode::UNAUTHORIZED,
            "wrong e-mail or password",
            json!({}),
        ));
    };
    if super::two_factor::required(&app, id).await?
        && !super::two_factor::check_code(&app, id, c.code.as_deref().unwrap_or("")).await?
    {
        return Ok(crate::error::json_error(
            StatusCode::UNAUTHORIZED,
            "two-factor code required",
            json!({ "two_factor": true }),
        ));
    }
    if let Some(old) = &ctx.viewer.session_hash {
        app.store.delete_session(old).await?;
    }
    let cookie = auth::start_session(&app, id, &headers).await?;
    let account = app
        .store
        .reader(id)
        .await?
        .ok_or(ApiError(AppError::Unauthorized))?;
    let v = auth::viewer_of(&app, account, None).await?;
    let mut res = Json(me_json(&app, &v)).into_response();
    res.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(res)
}

pub async fn sign_out(State(app): State<AppState>, ctx: Ctx) -> Result<Response, ApiError> {
    if let Some(h) = &ctx.viewer.session_hash {
        app.store.delete_session(h).await?;
    }
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut()
        .append(header::SET_COOKIE, auth::clear_cookie(&app, SESSION_COOKIE));
    Ok(res)
}

pub async fn me(State(app): State<AppState>, ctx: Ctx) -> Response {
    let mut res = Json(me_json(&app, &ctx.viewer)).into_response();
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        "private, no-store".parse().expect("header"),
    );
    res
}
