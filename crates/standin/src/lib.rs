//! A stand-in for Stripe and Midtrans, for tests and for trying payments
//! on a laptop (`warta-standin`, this crate's binary): it answers the requests Warta
//! makes in the shapes the providers document, shows a checkout page a
//! browser can click through, and sends webhooks and notifications to the
//! site signed exactly as the providers sign them. Never for production:
//! it takes no money and trusts whoever clicks.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::{Digest, Sha256, Sha512};

pub struct Settings {
    /// Warta's base URL, where webhooks and notifications go.
    pub site: String,
    pub stripe_secret_key: String,
    pub stripe_webhook_secret: String,
    pub midtrans_server_key: String,
    /// The time events are signed with (tests pin the site's clock).
    pub now: Arc<dyn Fn() -> i64 + Send + Sync>,
}

#[derive(Clone, Debug)]
struct Session {
    id: String,
    subscription: bool,
    order_id: String,
    amount: i64,
    currency: String,
    name: String,
    success_url: String,
    cancel_url: String,
    customer: String,
    paid: bool,
}

#[derive(Clone, Debug)]
struct Txn {
    order_id: String,
    transaction_id: String,
    gross: String,
    /// What the status API answers (Midtrans's own record).
    status: String,
    channels: Vec<String>,
    finish: String,
}

pub struct StandIn {
    pub base: String,
    settings: Settings,
    n: AtomicU64,
    sessions: Mutex<HashMap<String, Session>>,
    /// Snap token -> transaction.
    txns: Mutex<HashMap<String, Txn>>,
    /// What was sent to the site: (event type or status, HTTP status).
    sent: Mutex<Vec<(String, u16)>>,
    http: reqwest::Client,
}

type Shared = Arc<StandIn>;

/// Serve the stand-in on `addr` ("127.0.0.1:0" for any free port).
pub async fn spawn(addr: &str, settings: Settings) -> std::io::Result<Shared> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let base = format!("http://{}", listener.local_addr()?);
    let me = Arc::new(StandIn {
        base,
        settings,
        n: AtomicU64::new(0),
        sessions: Mutex::default(),
        txns: Mutex::default(),
        sent: Mutex::default(),
        http: reqwest::Client::new(),
    });
    let app = Router::new()
        .route("/v1/checkout/sessions", post(stripe_session))
        .route("/checkout/{id}", get(checkout_page).post(checkout_pay))
        .route(
            "/v1/subscriptions/{id}",
            post(stripe_cancel).delete(stripe_delete),
        )
        .route("/v1/refunds", post(stripe_refund))
        .route("/v1/billing_portal/sessions", post(stripe_portal))
        .route(
            "/portal",
            get(|| async { Html(page("Portal", "<p>Stand-in billing portal.</p>")) }),
        )
        .route("/snap/v1/transactions", post(snap_create))
        .route("/snap/{token}", get(snap_page).post(snap_paid))
        .route("/v2/{order}/refund", post(midtrans_refund))
        .route("/v2/{order}/status", get(midtrans_status))
        .route("/control/midtrans/{order}/{status}", post(control_midtrans))
        .route("/control/stripe/{sub}/{what}", post(control_stripe))
        .with_state(me.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(me)
}

impl StandIn {
    fn next(&self, prefix: &str) -> String {
        format!(
            "{prefix}_test_{}",
            self.n.fetch_add(1, Ordering::Relaxed) + 1
        )
    }

    /// What was sent to the site so far.
    pub fn sent(&self) -> Vec<(String, u16)> {
        self.sent.lock().unwrap().clone()
    }

    /// A `Stripe-Signature` header for `body` at time `t`.
    pub fn stripe_signature(&self, body: &str, t: i64) -> String {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(
            self.settings.stripe_webhook_secret.as_bytes(),
        )
        .expect("any key length");
        mac.update(format!("{t}.{body}").as_bytes());
        let sig: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        format!("t={t},v1={sig}")
    }

    /// A Stripe event as Stripe sends it.
    pub fn stripe_event(&self, kind: &str, object: Value) -> String {
        json!({
            "id": self.next("evt"),
            "object": "event",
            "type": kind,
            "created": (self.settings.now)(),
            "data": { "object": object },
        })
        .to_string()
    }

    /// Post a Stripe event body to the site, signed now.
    pub async fn send_stripe(&self, body: &str) -> u16 {
        let sig = self.stripe_signature(body, (self.settings.now)());
        self.deliver(
            &format!("{}/payments/stripe/webhook", self.settings.site),
            "stripe-signature",
            &sig,
            body.to_string(),
            &kind_of(body),
        )
        .await
    }

    /// A Midtrans notification for `order_id`, signed with the server key.
    pub fn midtrans_notification(
        &self,
        txn: &str,
        order_id: &str,
        status: &str,
        gross: &str,
    ) -> String {
        let code = match status {
            "settlement" | "capture" | "refund" => "200",
            "pending" => "201",
            _ => "202",
        };
        let signature = hex(&Sha512::digest(format!(
            "{order_id}{code}{gross}{}",
            self.settings.midtrans_server_key
        )));
        json!({
            "transaction_time": "2026-11-27 12:00:00",
            "transaction_status": status,
            "transaction_id": txn,
            "status_message": "midtrans payment notification",
            "status_code": code,
            "signature_key": signature,
            "payment_type": "qris",
            "order_id": order_id,
            "merchant_id": "STANDIN",
            "gross_amount": gross,
            "fraud_status": "accept",
            "currency": "IDR",
        })
        .to_string()
    }

    pub async fn send_midtrans(&self, body: &str) -> u16 {
        let status = serde_json::from_str::<Value>(body)
            .ok()
            .and_then(|v| {
                v.get("transaction_status")
                    .and_then(Value::as_str)
                    .map(String::from)
            })
            .unwrap_or_default();
        self.deliver(
            &format!("{}/payments/midtrans/notification", self.settings.site),
            "x-standin",
            "1",
            body.to_string(),
            &status,
        )
        .await
    }

    /// Set what Midtrans's status API says of `order_id` (its status, and
    /// the amount when given), as a payment moving at Midtrans would.
    pub fn set_midtrans(&self, order_id: &str, status: &str, gross: Option<&str>) {
        for t in self.txns.lock().unwrap().values_mut() {
            if t.order_id == order_id {
                t.status = status.to_string();
                if let Some(g) = gross {
                    t.gross = g.to_string();
                }
            }
        }
    }

    /// Tell the site `status` about the Snap order `order_id` (and record
    /// it as the order's status first, as Midtrans would).
    pub async fn notify_midtrans(&self, order_id: &str, status: &str) -> u16 {
        self.set_midtrans(order_id, status, None);
        let Some(t) = self.txn_of(order_id) else {
            return 404;
        };
        let body = self.midtrans_notification(&t.transaction_id, order_id, status, &t.gross);
        self.send_midtrans(&body).await
    }

    async fn deliver(&self, url: &str, name: &str, value: &str, body: String, label: &str) -> u16 {
        let status = match self
            .http
            .post(url)
            .header(name, value)
            .header(header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
        {
            Ok(r) => r.status().as_u16(),
            Err(_) => 0,
        };
        self.sent.lock().unwrap().push((label.to_string(), status));
        status
    }

    fn txn_of(&self, order_id: &str) -> Option<Txn> {
        self.txns
            .lock()
            .unwrap()
            .values()
            .find(|t| t.order_id == order_id)
            .cloned()
    }

    /// The subscription a paid Checkout session made.
    pub fn subscription_of(&self, order_id: &str) -> Option<String> {
        self.sessions
            .lock()
            .unwrap()
            .values()
            .find(|s| s.order_id == order_id && s.subscription && s.paid)
            .map(|s| sub_id(&s.id))
    }

    fn session_by_sub(&self, sub: &str) -> Option<Session> {
        self.sessions
            .lock()
            .unwrap()
            .values()
            .find(|s| sub_id(&s.id) == sub)
            .cloned()
    }

    fn check_bearer(&self, h: &HeaderMap) -> bool {
        h.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok())
            == Some(&format!("Bearer {}", self.settings.stripe_secret_key))
    }

    fn check_basic(&self, h: &HeaderMap) -> bool {
        use base64::Engine;
        let want = base64::engine::general_purpose::STANDARD
            .encode(format!("{}:", self.settings.midtrans_server_key));
        h.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) == Some(&format!("Basic {want}"))
    }

    /// The objects a paid session's events carry.
    fn invoice(&self, s: &Session, reason: &str) -> Value {
        let now = (self.settings.now)();
        json!({
            "id": self.next("in"), "object": "invoice", "billing_reason": reason,
            "subscription": sub_id(&s.id), "customer": s.customer,
            "payment_intent": self.next("pi"), "amount_paid": s.amount, "currency": s.currency,
            "subscription_details": { "metadata": { "order_id": s.order_id } },
            "lines": { "data": [{ "period": { "start": now, "end": now + 30 * 86_400 } }] },
        })
    }
}

fn sub_id(session: &str) -> String {
    session.replacen("cs_", "sub_", 1)
}

fn kind_of(body: &str) -> String {
    serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v.get("type").and_then(Value::as_str).map(String::from))
        .unwrap_or_default()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <meta name=\"viewport\" content=\"width=device-width\"></head><body><main>\
         <p><strong>Payment stand-in</strong>: no money moves here.</p>{body}</main></body></html>"
    )
}

fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        axum::Json(json!({"error": {"message": "Invalid API Key provided"}})),
    )
        .into_response()
}

async fn stripe_session(
    State(me): State<Shared>,
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    if !me.check_bearer(&headers) {
        return unauthorized();
    }
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let id = me.next("cs");
    let amount = get("line_items[0][price_data][unit_amount]")
        .parse()
        .unwrap_or(0);
    let s = Session {
        id: id.clone(),
        subscription: get("mode") == "subscription",
        order_id: get("client_reference_id"),
        amount,
        currency: get("line_items[0][price_data][currency]"),
        name: get("line_items[0][price_data][product_data][name]"),
        success_url: get("success_url"),
        cancel_url: get("cancel_url"),
        customer: me.next("cus"),
        paid: false,
    };
    if s.order_id.is_empty() || s.success_url.is_empty() {
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({"error": {"message": "Missing required param"}})),
        )
            .into_response();
    }
    me.sessions.lock().unwrap().insert(id.clone(), s);
    axum::Json(json!({
        "id": id, "object": "checkout.session",
        "url": format!("{}/checkout/{id}", me.base),
    }))
    .into_response()
}

async fn checkout_page(State(me): State<Shared>, Path(id): Path<String>) -> Response {
    let Some(s) = me.sessions.lock().unwrap().get(&id).cloned() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    Html(page(
        "Card checkout",
        &format!(
            "<h1>{}</h1><p class=\"amount\">{} {}</p>\
             <form method=\"post\"><label>Card number <input name=\"card\" value=\"4242 4242 4242 4242\"></label>\
             <button type=\"submit\" id=\"pay\">Pay</button></form><p><a href=\"{}\" id=\"cancel\">Cancel</a></p>",
            esc(&s.name),
            s.amount / 100,
            esc(&s.currency.to_uppercase()),
            esc(&s.cancel_url)
        ),
    ))
    .into_response()
}

/// The card is "charged": Stripe's events go to the site, then the reader
/// goes back to it, as Checkout does.
async fn checkout_pay(State(me): State<Shared>, Path(id): Path<String>) -> Response {
    let Some(s) = me.sessions.lock().unwrap().get_mut(&id).map(|s| {
        s.paid = true;
        s.clone()
    }) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let session = json!({
        "id": s.id, "object": "checkout.session", "client_reference_id": s.order_id,
        "mode": if s.subscription { "subscription" } else { "payment" },
        "payment_status": "paid", "customer": s.customer,
        "amount_total": s.amount, "currency": s.currency,
        "subscription": if s.subscription { Value::String(sub_id(&s.id)) } else { Value::Null },
        "payment_intent": if s.subscription { Value::Null } else { Value::String(me.next("pi")) },
        "metadata": { "order_id": s.order_id },
    });
    let body = me.stripe_event("checkout.session.completed", session);
    me.send_stripe(&body).await;
    if s.subscription {
        let body = me.stripe_event("invoice.paid", me.invoice(&s, "subscription_create"));
        me.send_stripe(&body).await;
    }
    Redirect::to(&s.success_url).into_response()
}

/// Stop renewing at the period's end, or take that back.
async fn stripe_cancel(
    State(me): State<Shared>,
    headers: HeaderMap,
    Path(sub): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    if !me.check_bearer(&headers) {
        return unauthorized();
    }
    let Some(s) = me.session_by_sub(&sub) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let cancel = f.get("cancel_at_period_end").map(String::as_str) == Some("true");
    let object = json!({
        "id": sub, "object": "subscription", "customer": s.customer,
        "cancel_at_period_end": cancel, "metadata": { "order_id": s.order_id },
    });
    // Stripe also tells the webhook; the site must take it as the same news.
    let mut event: Value =
        serde_json::from_str(&me.stripe_event("customer.subscription.updated", object.clone()))
            .expect("we just wrote it");
    event["data"]["previous_attributes"] = json!({ "cancel_at_period_end": !cancel });
    let body = event.to_string();
    let me2 = me.clone();
    tokio::spawn(async move {
        me2.send_stripe(&body).await;
    });
    axum::Json(object).into_response()
}

/// End a subscription now.
async fn stripe_delete(
    State(me): State<Shared>,
    headers: HeaderMap,
    Path(sub): Path<String>,
) -> Response {
    if !me.check_bearer(&headers) {
        return unauthorized();
    }
    let Some(s) = me.session_by_sub(&sub) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let object = json!({
        "id": sub, "object": "subscription", "customer": s.customer, "status": "canceled",
        "metadata": { "order_id": s.order_id },
    });
    let body = me.stripe_event("customer.subscription.deleted", object.clone());
    let me2 = me.clone();
    tokio::spawn(async move {
        me2.send_stripe(&body).await;
    });
    axum::Json(object).into_response()
}

async fn stripe_refund(
    State(me): State<Shared>,
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    if !me.check_bearer(&headers) {
        return unauthorized();
    }
    let intent = f.get("payment_intent").cloned().unwrap_or_default();
    let refund = json!({
        "id": me.next("re"), "object": "refund", "payment_intent": intent, "status": "succeeded",
    });
    let charge = json!({
        "id": me.next("ch"), "object": "charge", "payment_intent": intent, "refunded": true,
    });
    let body = me.stripe_event("charge.refunded", charge);
    let me2 = me.clone();
    tokio::spawn(async move {
        me2.send_stripe(&body).await;
    });
    axum::Json(refund).into_response()
}

async fn stripe_portal(State(me): State<Shared>, headers: HeaderMap) -> Response {
    if !me.check_bearer(&headers) {
        return unauthorized();
    }
    axum::Json(json!({"object": "billing_portal.session", "url": format!("{}/portal", me.base)}))
        .into_response()
}

async fn snap_create(
    State(me): State<Shared>,
    headers: HeaderMap,
    axum::Json(v): axum::Json<Value>,
) -> Response {
    if !me.check_basic(&headers) {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(
                json!({"error_messages": ["Access denied due to unauthorized transaction"]}),
            ),
        )
            .into_response();
    }
    let order_id = v
        .pointer("/transaction_details/order_id")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let gross = v
        .pointer("/transaction_details/gross_amount")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    if order_id.is_empty() || gross <= 0 {
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({"error_messages": ["transaction_details.gross_amount is required"]})),
        )
            .into_response();
    }
    let token = me.next("snap");
    let txn = Txn {
        order_id,
        transaction_id: me.next("txn"),
        gross: format!("{gross}.00"),
        status: "pending".into(),
        channels: v
            .get("enabled_payments")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default(),
        finish: v
            .pointer("/callbacks/finish")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
    };
    me.txns.lock().unwrap().insert(token.clone(), txn);
    (
        StatusCode::CREATED,
        axum::Json(json!({"token": token, "redirect_url": format!("{}/snap/{token}", me.base)})),
    )
        .into_response()
}

async fn snap_page(State(me): State<Shared>, Path(token): Path<String>) -> Response {
    let Some(t) = me.txns.lock().unwrap().get(&token).cloned() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    Html(page(
        "Snap",
        &format!(
            "<h1>Rp {}</h1><p class=\"channels\">{}</p><p>Order {}</p>\
             <form method=\"post\"><button type=\"submit\" id=\"paid\">I have scanned / transferred</button></form>",
            esc(t.gross.trim_end_matches(".00")),
            esc(&t.channels.join(", ")),
            esc(&t.order_id)
        ),
    ))
    .into_response()
}

/// The reader says they paid: the money is not there yet (a QRIS or a bank
/// transfer settles later), so the site hears "pending" and the reader
/// goes back to it.
async fn snap_paid(State(me): State<Shared>, Path(token): Path<String>) -> Response {
    let Some(t) = me.txns.lock().unwrap().get(&token).cloned() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    me.notify_midtrans(&t.order_id, "pending").await;
    let sep = if t.finish.contains('?') { '&' } else { '?' };
    Redirect::to(&format!(
        "{}{sep}order_id={}&transaction_status=pending",
        t.finish, t.order_id
    ))
    .into_response()
}

async fn midtrans_refund(
    State(me): State<Shared>,
    headers: HeaderMap,
    Path(order): Path<String>,
) -> Response {
    if !me.check_basic(&headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let Some(t) = me.txn_of(&order) else {
        return axum::Json(
            json!({"status_code": "404", "status_message": "Transaction doesn't exist."}),
        )
        .into_response();
    };
    let answer = json!({
        "status_code": "200", "status_message": "Success, refund request is approved",
        "transaction_id": t.transaction_id, "order_id": order, "gross_amount": t.gross,
        "currency": "IDR", "transaction_status": "refund", "refund_amount": t.gross,
    });
    // Midtrans also notifies the refund; the site must take it as known news.
    let me2 = me.clone();
    tokio::spawn(async move {
        me2.notify_midtrans(&order, "refund").await;
    });
    axum::Json(answer).into_response()
}

/// Midtrans's Get Status API: the transaction as Midtrans has it.
async fn midtrans_status(
    State(me): State<Shared>,
    headers: HeaderMap,
    Path(order): Path<String>,
) -> Response {
    if !me.check_basic(&headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let Some(t) = me.txn_of(&order) else {
        return axum::Json(
            json!({"status_code": "404", "status_message": "Transaction doesn't exist."}),
        )
        .into_response();
    };
    let code = match t.status.as_str() {
        "settlement" | "capture" | "refund" => "200",
        "pending" => "201",
        _ => "202",
    };
    axum::Json(json!({
        "status_code": code, "status_message": "Success, transaction is found",
        "transaction_id": t.transaction_id, "order_id": t.order_id, "gross_amount": t.gross,
        "currency": "IDR", "payment_type": "qris", "transaction_status": t.status,
        "fraud_status": "accept", "transaction_time": "2026-11-27 12:00:00",
    }))
    .into_response()
}

async fn control_midtrans(
    State(me): State<Shared>,
    Path((order, status)): Path<(String, String)>,
) -> Response {
    let code = me.notify_midtrans(&order, &status).await;
    (StatusCode::OK, format!("site answered {code}\n")).into_response()
}

/// Drive a subscription: `renew`, `fail` (a renewal charge declined) or
/// `end` (Stripe gave up, or the period of a cancelled one ended).
async fn control_stripe(
    State(me): State<Shared>,
    Path((sub, what)): Path<(String, String)>,
) -> Response {
    let Some(s) = me.session_by_sub(&sub) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let body = match what.as_str() {
        "renew" => me.stripe_event("invoice.paid", me.invoice(&s, "subscription_cycle")),
        "fail" => me.stripe_event(
            "invoice.payment_failed",
            me.invoice(&s, "subscription_cycle"),
        ),
        "end" => me.stripe_event(
            "customer.subscription.deleted",
            json!({"id": sub, "object": "subscription", "customer": s.customer,
                   "metadata": {"order_id": s.order_id}}),
        ),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let code = me.send_stripe(&body).await;
    (StatusCode::OK, format!("site answered {code}\n")).into_response()
}
