//! Stripe: Checkout sessions (subscriptions for monthly and yearly plans,
//! one payment for passes), signed webhooks, cancelling at the period's
//! end, refunds and the customer portal. Requests are form-encoded with the
//! secret key as Bearer, as Stripe's API documents.

use serde_json::Value;

use super::{PaymentError, Reading, Started, answer, http};
use crate::config::{Plan, StripeConfig};
use crate::core::Core;
use crate::domain::payment::{StripeFacts, stripe_event, stripe_signature_ok};
use crate::store::payments::{NewPaymentEvent, Payment};
use crate::store::readers::Account;

fn config(core: &Core) -> Result<&StripeConfig, PaymentError> {
    core.cfg
        .payments
        .stripe
        .as_ref()
        .ok_or(PaymentError::NotEnabled("Stripe"))
}

async fn post(
    core: &Core,
    path: &str,
    form: &[(String, String)],
    idempotency_key: Option<&str>,
) -> Result<Value, PaymentError> {
    let cfg = config(core)?;
    let mut req = http()
        .post(format!("{}{path}", cfg.api_base.trim_end_matches('/')))
        .bearer_auth(cfg.secret_key())
        .form(form);
    // Stripe makes a retried POST with the same key a no-op.
    if let Some(key) = idempotency_key {
        req = req.header("Idempotency-Key", key);
    }
    answer(req.send().await).await
}

const ZERO_DECIMAL: &[&str] = &["JPY", "KRW", "VND", "CLP", "PYG", "UGX", "XAF", "XOF"];

/// Stripe counts most currencies (IDR included) in hundredths.
fn hundredths(currency: &str) -> bool {
    !ZERO_DECIMAL.contains(&currency.to_uppercase().as_str())
}

fn minor_units(plan: &Plan) -> u64 {
    if hundredths(&plan.currency) {
        plan.price_idr * 100
    } else {
        plan.price_idr
    }
}

pub async fn start_checkout(
    core: &Core,
    order_id: &str,
    plan: &Plan,
    reader: &Account,
) -> Result<Started, PaymentError> {
    let base = &core.cfg.base_url;
    let recurring = plan.recurring();
    let mut form: Vec<(String, String)> = vec![
        (
            "mode".into(),
            if recurring { "subscription" } else { "payment" }.into(),
        ),
        (
            "success_url".into(),
            format!("{base}/plus/return?order={order_id}"),
        ),
        ("cancel_url".into(), format!("{base}/plus?cancelled=1")),
        ("client_reference_id".into(), order_id.into()),
        ("customer_email".into(), reader.email.clone()),
        ("metadata[order_id]".into(), order_id.into()),
        ("line_items[0][quantity]".into(), "1".into()),
        (
            "locale".into(),
            if core.cfg.locale == "en" { "en" } else { "id" }.into(),
        ),
    ];
    match &plan.stripe_price {
        Some(price) => form.push(("line_items[0][price]".into(), price.clone())),
        None => {
            let p = "line_items[0][price_data]";
            form.push((format!("{p}[currency]"), plan.currency.to_lowercase()));
            form.push((format!("{p}[unit_amount]"), minor_units(plan).to_string()));
            form.push((
                format!("{p}[product_data][name]"),
                format!("{} {}", core.cfg.membership_name(), plan.name),
            ));
            if recurring {
                form.push((format!("{p}[recurring][interval]"), plan.period.clone()));
            }
        }
    }
    // Events about the subscription and its invoices carry the order too.
    if recurring {
        form.push((
            "subscription_data[metadata][order_id]".into(),
            order_id.into(),
        ));
    } else {
        form.push((
            "payment_intent_data[metadata][order_id]".into(),
            order_id.into(),
        ));
    }
    let session = post(core, "/v1/checkout/sessions", &form, Some(order_id)).await?;
    let (Some(id), Some(url)) = (
        session.get("id").and_then(Value::as_str),
        session.get("url").and_then(Value::as_str),
    ) else {
        return Err(PaymentError::Provider(
            "Checkout session without id or url".into(),
        ));
    };
    Ok(Started {
        reference: id.into(),
        url: url.into(),
    })
}

/// Check a webhook's `Stripe-Signature` and read the event it carries.
pub fn verify(core: &Core, signature: &str, body: &[u8]) -> Result<NewPaymentEvent, PaymentError> {
    let cfg = config(core)?;
    stripe_signature_ok(
        signature,
        body,
        &cfg.webhook_secret(),
        core.clock.now(),
        cfg.tolerance_seconds,
    )
    .map_err(|e| PaymentError::Signature(e.to_string()))?;
    let v: Value =
        serde_json::from_slice(body).map_err(|e| PaymentError::Malformed(e.to_string()))?;
    let (Some(id), Some(kind)) = (
        v.get("id").and_then(Value::as_str),
        v.get("type").and_then(Value::as_str),
    ) else {
        return Err(PaymentError::Malformed("an event needs id and type".into()));
    };
    let reading = read(&v);
    Ok(NewPaymentEvent {
        provider: "stripe".into(),
        event_id: id.into(),
        kind: kind.into(),
        order_id: reading.order_id,
        payload: String::from_utf8_lossy(body).into_owned(),
    })
}

fn text(v: &Value, pointer: &str) -> Option<String> {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// What an event (or an API answer stored as one) says. Stripe has put
/// the subscription and its metadata in a few places over API versions;
/// each is looked at.
pub fn read(event: &Value) -> Reading {
    let kind = event.get("type").and_then(Value::as_str).unwrap_or("");
    let o = event.pointer("/data/object").unwrap_or(&Value::Null);
    let object = o.get("object").and_then(Value::as_str).unwrap_or("");
    let order_id = text(o, "/client_reference_id")
        .or_else(|| text(o, "/metadata/order_id"))
        .or_else(|| text(o, "/subscription_details/metadata/order_id"))
        .or_else(|| text(o, "/parent/subscription_details/metadata/order_id"));
    let subscription = if object == "subscription" {
        text(o, "/id")
    } else {
        text(o, "/subscription").or_else(|| text(o, "/parent/subscription_details/subscription"))
    };
    let period_end = o
        .pointer("/lines/data/0/period/end")
        .and_then(Value::as_i64);
    // What was paid, in the order's units: a session's total, an invoice's
    // amount paid. (A refund's amount is what went back: not compared.)
    let paid = match object {
        "checkout.session" => o.get("amount_total"),
        "invoice" => o.get("amount_paid"),
        _ => None,
    }
    .and_then(Value::as_i64);
    let currency = o.get("currency").and_then(Value::as_str).unwrap_or("idr");
    let amount = paid.map(|a| if hundredths(currency) { a / 100 } else { a });
    let facts = StripeFacts {
        kind,
        billing_reason: o.get("billing_reason").and_then(Value::as_str),
        payment_status: o.get("payment_status").and_then(Value::as_str),
        cancel_at_period_end: o
            .get("cancel_at_period_end")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        was_cancelling: event
            .pointer("/data/previous_attributes/cancel_at_period_end")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        // A charge says whether all of it went back; our own refund (a
        // refund object) is always of the whole amount.
        fully_refunded: o
            .get("refunded")
            .and_then(Value::as_bool)
            .unwrap_or(object == "refund"),
    };
    Reading {
        event: stripe_event(facts),
        order_id,
        provider_ref: subscription,
        customer_ref: text(o, "/customer"),
        // Newer API versions list an invoice's payments instead.
        charge_ref: text(o, "/payment_intent")
            .or_else(|| text(o, "/payments/data/0/payment/payment_intent")),
        period_end,
        amount,
        created: event.get("created").and_then(Value::as_i64),
        checkout_session: (object == "checkout.session")
            .then(|| text(o, "/id"))
            .flatten(),
    }
}

/// Stop renewing at the period's end (or take that back); the answer (the
/// updated subscription) is stored as the event Stripe would send about it.
pub async fn set_cancel_at_period_end(
    core: &Core,
    p: &Payment,
    cancel: bool,
) -> Result<NewPaymentEvent, PaymentError> {
    let Some(sub) = &p.provider_ref else {
        return Err(PaymentError::NotAllowed(
            "changed before Stripe confirms the subscription",
        ));
    };
    let answer = post(
        core,
        &format!("/v1/subscriptions/{sub}"),
        &[("cancel_at_period_end".into(), cancel.to_string())],
        None,
    )
    .await?;
    let what = if cancel { "cancel" } else { "resume" };
    let mut e = api_event(
        p,
        "customer.subscription.updated",
        &format!("api:{what}:{sub}:{}", p.version),
        core.clock.now(),
        answer,
    );
    if !cancel {
        // Said the way Stripe says it: what the change replaced.
        let mut body: Value = serde_json::from_str(&e.payload).expect("we just wrote it");
        body["data"]["previous_attributes"] = serde_json::json!({ "cancel_at_period_end": true });
        e.payload = body.to_string();
    }
    Ok(e)
}

pub async fn refund(core: &Core, p: &Payment) -> Result<NewPaymentEvent, PaymentError> {
    let Some(intent) = &p.charge_ref else {
        return Err(PaymentError::NotAllowed("refunded: no charge is known yet"));
    };
    let answer = post(
        core,
        "/v1/refunds",
        &[("payment_intent".into(), intent.clone())],
        Some(&format!("refund-{}", p.order_id)),
    )
    .await?;
    let id = answer
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or(intent)
        .to_string();
    Ok(api_event(
        p,
        "charge.refunded",
        &format!("api:refund:{id}"),
        core.clock.now(),
        answer,
    ))
}

/// End a subscription now (after a refund: no further charges).
pub async fn end_now(core: &Core, p: &Payment) -> Result<NewPaymentEvent, PaymentError> {
    let cfg = config(core)?;
    let Some(sub) = &p.provider_ref else {
        return Err(PaymentError::NotAllowed("ended: no subscription is known"));
    };
    let res = http()
        .delete(format!(
            "{}/v1/subscriptions/{sub}",
            cfg.api_base.trim_end_matches('/')
        ))
        .bearer_auth(cfg.secret_key())
        .send()
        .await;
    let answer = answer(res).await?;
    Ok(api_event(
        p,
        "customer.subscription.deleted",
        &format!("api:end:{sub}"),
        core.clock.now(),
        answer,
    ))
}

pub async fn portal(core: &Core, p: &Payment) -> Result<String, PaymentError> {
    let Some(customer) = &p.customer_ref else {
        return Err(PaymentError::NotAllowed(
            "managed before Stripe confirms it",
        ));
    };
    let answer = post(
        core,
        "/v1/billing_portal/sessions",
        &[
            ("customer".into(), customer.clone()),
            (
                "return_url".into(),
                format!("{}/account", core.cfg.base_url),
            ),
        ],
        None,
    )
    .await?;
    answer
        .get("url")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| PaymentError::Provider("portal session without url".into()))
}

/// An API answer, wrapped as the event Stripe would send about it, so it
/// is stored and applied like one.
fn api_event(p: &Payment, kind: &str, id: &str, now: i64, mut object: Value) -> NewPaymentEvent {
    if let Some(o) = object.as_object_mut() {
        o.entry("metadata")
            .or_insert_with(|| serde_json::json!({}))
            .as_object_mut()
            .map(|m| m.insert("order_id".into(), Value::String(p.order_id.clone())));
    }
    let body = serde_json::json!({
        "id": id, "type": kind, "created": now, "data": { "object": object },
    });
    NewPaymentEvent {
        provider: "stripe".into(),
        event_id: id.into(),
        kind: kind.into(),
        order_id: Some(p.order_id.clone()),
        payload: body.to_string(),
    }
}
