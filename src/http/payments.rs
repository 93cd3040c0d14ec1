//! Paying for the membership on the web: checkout from the plans page, the
//! page the provider sends the reader back to, the providers' webhooks,
//! cancelling from the account page, and the operators' payments page.

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

use super::AppState;
use super::accounts::render as render_page;
use super::auth::{Ctx, check_csrf};
use super::backoffice::{StaffCtx, render};
use super::view::Chrome;
use crate::domain::newsroom::Action;
use crate::error::AppError;
use crate::services::payments::{self, PaymentError, Received};
use crate::store::payments::Payment;

#[derive(Deserialize)]
pub struct CheckoutForm {
    csrf: String,
    plan: String,
    method: String,
}

/// The plans page's join button: off to the provider's checkout.
pub async fn checkout(
    State(app): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Form(f): Form<CheckoutForm>,
) -> Result<Response, AppError> {
    check_csrf(&app, &headers, &f.csrf)?;
    let Some(acct) = ctx.viewer.account.as_ref() else {
        return Ok(super::auth::sign_in_first("/plus"));
    };
    // Each checkout asks a provider for a session: limited like sign-ups.
    if !app
        .limits
        .redeem
        .allow(&app, &format!("pay:{}", acct.id))
        .await
    {
        return Err(AppError::TooManyRequests);
    }
    let p = payments::checkout(&app, acct, &f.plan, &f.method).await?;
    Ok(Redirect::to(&p.checkout_url).into_response())
}

/// A payment as pages show it.
fn view(app: &AppState, p: &Payment) -> serde_json::Value {
    json!({
        "id": p.id,
        "order_id": p.order_id,
        "plan": app.cfg.plan(&p.plan_id).map(|pl| pl.name.clone()).unwrap_or_else(|| p.plan_id.clone()),
        "method": p.method,
        "provider": p.provider,
        "amount": p.amount,
        "currency": p.currency,
        "recurring": p.recurring,
        "state": p.state,
        "period_end": p.period_end,
        "provider_ref": p.provider_ref,
        "created_at": p.created_at,
        "can_cancel": payments::can_cancel(p),
        "can_resume": payments::can_resume(p, app.clock.now()),
        "can_manage": p.provider == "stripe" && p.customer_ref.is_some(),
        "can_refund": payments::can_refund(p),
    })
}

/// A reader's payments, for the account page.
pub async fn of_reader(app: &AppState, reader_id: i64) -> Result<Vec<serde_json::Value>, AppError> {
    Ok(app
        .store
        .payments_of(reader_id)
        .await?
        .iter()
        .map(|p| view(app, p))
        .collect())
}

/// Where the provider sends the reader back: says honestly whether the
/// money has arrived. While it has not, the page looks again by itself.
pub async fn return_page(
    State(app): State<AppState>,
    ctx: Ctx,
    uri: Uri,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    // Snap adds its own `order_id` to the finish URL; ours is `order`.
    let order = q.get("order").or_else(|| q.get("order_id"));
    let Some(acct) = ctx.viewer.account.as_ref() else {
        // Back here after signing in (an order id that is not one is dropped).
        let order = order
            .filter(|o| o.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
            .map(|o| format!("?order={o}"))
            .unwrap_or_default();
        return Ok(super::auth::sign_in_first(&format!("/plus/return{order}")));
    };
    let p = match order {
        Some(o) => app.store.payment_by_order(o).await?,
        None => None,
    };
    let Some(p) = p.filter(|p| p.reader_id == acct.id) else {
        return Err(AppError::NotFound);
    };
    let waiting = payments::is_waiting(&p);
    render_page(
        &app,
        &ctx,
        &uri,
        StatusCode::OK,
        "payment.html",
        minijinja::context! { payment => minijinja::value::Serde(view(&app, &p)), waiting },
    )
    .await
}

/// Stripe's webhook: verified, stored, applied; a duplicate is answered
/// 200 so Stripe stops resending it.
pub async fn stripe_webhook(
    State(app): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let sig = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let verified = payments::stripe::verify(&app, sig, &body);
    answer(&app, verified).await
}

/// Midtrans' HTTP notification, the same way.
pub async fn midtrans_notification(State(app): State<AppState>, body: Bytes) -> Response {
    let verified = payments::midtrans::verify(&app, &body).await;
    answer(&app, verified).await
}

async fn answer(
    app: &AppState,
    verified: Result<crate::store::payments::NewPaymentEvent, PaymentError>,
) -> Response {
    let e = match verified {
        Ok(e) => e,
        Err(err) => {
            tracing::warn!(error = %err, "payment notification refused");
            let status = match err {
                PaymentError::NotEnabled(_) => StatusCode::NOT_FOUND,
                // The provider could not confirm it now: it sends again later.
                PaymentError::Unreachable(_) | PaymentError::Provider(_) => {
                    StatusCode::SERVICE_UNAVAILABLE
                }
                _ => StatusCode::BAD_REQUEST,
            };
            return error_json(status, &err.to_string());
        }
    };
    match payments::receive(app, e).await {
        Ok(Received::Stored(_)) => Json(json!({ "received": true })).into_response(),
        Ok(Received::Duplicate) => {
            Json(json!({ "received": true, "duplicate": true })).into_response()
        }
        // Stored but not applied: the provider retries, the scheduler too.
        Err(err) => {
            tracing::error!(error = %err, "payment event stored, not applied yet");
            error_json(StatusCode::SERVICE_UNAVAILABLE, "not applied yet")
        }
    }
}

/// The API's one error shape, `{"error": {"status", "message"}}`, for the
/// providers' webhooks too.
fn error_json(status: StatusCode, message: &str) -> Response {
    crate::error::json_error(status, message, json!({}))
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    csrf: String,
}

/// A signed-in reader's form on their account page: who, once the token checks.
fn reader_form(
    app: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    csrf: &str,
) -> Result<Option<i64>, AppError> {
    check_csrf(app, headers, csrf)?;
    Ok(ctx.viewer.account.as_ref().map(|a| a.id))
}

/// Stop a subscription from renewing (the paid period stays), or take
/// that back: `/account/payments/{id}/cancel` and `…/resume`.
pub async fn renewal(
    State(app): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((id, action)): Path<(i64, String)>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, AppError> {
    let Some(reader) = reader_form(&app, &ctx, &headers, &f.csrf)? else {
        return Ok(super::auth::sign_in_first("/account"));
    };
    let notice = match action.as_str() {
        "cancel" => {
            payments::cancel(&app, reader, id).await?;
            "subscription_cancelled"
        }
        "resume" => {
            payments::resume(&app, reader, id).await?;
            "subscription_resumed"
        }
        _ => return Err(AppError::NotFound),
    };
    Ok(Redirect::to(&format!("/account?notice={notice}")).into_response())
}

/// Off to Stripe's customer portal (change the card, see invoices).
pub async fn portal(
    State(app): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, AppError> {
    let Some(reader) = reader_form(&app, &ctx, &headers, &f.csrf)? else {
        return Ok(super::auth::sign_in_first("/account"));
    };
    let url = payments::portal_url(&app, reader, id).await?;
    Ok(Redirect::to(&url).into_response())
}

/// The operators' list: recent payments, each with its provider events.
pub async fn admin_list(
    State(app): State<AppState>,
    s: StaffCtx,
    uri: Uri,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    if !s.staff.may(Action::ManageSettings, None) {
        return Err(AppError::Forbidden);
    }
    let mut list = Vec::new();
    for p in app.store.recent_payments(100).await? {
        let reader = app.store.reader(p.reader_id).await?;
        let events: Vec<_> = app
            .store
            .payment_events_of(&p.order_id)
            .await?
            .into_iter()
            .map(|e| json!({ "kind": e.kind, "event_id": e.event_id, "received_at": e.received_at, "applied_at": e.applied_at, "outcome": e.outcome }))
            .collect();
        let mut v = view(&app, &p);
        v["email"] = json!(reader.map(|r| r.email).unwrap_or_default());
        v["events"] = json!(events);
        list.push(v);
    }
    let chrome = Chrome::build(&app, &s.ctx, &uri).await?;
    let notice = q.get("notice").cloned().unwrap_or_default();
    render(
        &app,
        "admin/payments.html",
        StatusCode::OK,
        crate::view! { site => &chrome, t => &*chrome.t, me => &s.staff, payments => list, plans => &app.cfg.plans, notice },
    )
}

/// Payments are the admins' (the role that manages settings), by form only.
fn admin_form(
    app: &AppState,
    s: &StaffCtx,
    headers: &HeaderMap,
    csrf: &str,
) -> Result<(), AppError> {
    check_csrf(app, headers, csrf)?;
    if s.staff.may(Action::ManageSettings, None) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

pub async fn admin_refund(
    State(app): State<AppState>,
    s: StaffCtx,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, AppError> {
    admin_form(&app, &s, &headers, &f.csrf)?;
    payments::refund(&app, id).await?;
    let now = app.clock.now();
    app.store
        .audit(
            &s.principal().actor(),
            "payment.refund",
            &format!("payment:{id}"),
            "",
            now,
        )
        .await?;
    Ok(Redirect::to("/admin/payments?notice=refunded").into_response())
}

#[derive(Deserialize)]
pub struct GrantForm {
    csrf: String,
    email: String,
    plan: String,
    days: u32,
}

/// Give a reader a membership without payment (a complaint, a partner).
pub async fn admin_grant(
    State(app): State<AppState>,
    s: StaffCtx,
    headers: HeaderMap,
    Form(f): Form<GrantForm>,
) -> Result<Response, AppError> {
    admin_form(&app, &s, &headers, &f.csrf)?;
    use crate::services::memberships::{MembershipError, grant};
    match grant(&app, &s.principal().actor(), &f.email, &f.plan, f.days).await {
        Ok(_) => {}
        Err(MembershipError::NoReader(_)) => {
            return Ok(Redirect::to("/admin/payments?notice=no_reader").into_response());
        }
        Err(MembershipError::Grant(e)) => return Err(AppError::BadRequest(e.to_string())),
        Err(MembershipError::Store(e)) => return Err(e.into()),
    }
    Ok(Redirect::to("/admin/payments?notice=granted").into_response())
}
