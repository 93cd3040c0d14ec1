//! Midtrans Snap: a transaction per purchase (QRIS, e-wallets, bank
//! transfers), HTTP notifications proven by their SHA-512 `signature_key`,
//! and refunds through the Core API. Requests carry the server key as HTTP
//! Basic user, as Midtrans documents.

use serde_json::{Value, json};

use super::{Method, PaymentError, Reading, Started, answer, http};
use crate::config::{MidtransConfig, Plan};
use crate::core::Core;
use crate::domain::payment::{midtrans_event, midtrans_signature_ok};
use crate::store::payments::{NewPaymentEvent, Payment};
use crate::store::readers::Account;

fn config(core: &Core) -> Result<&MidtransConfig, PaymentError> {
    core.cfg
        .payments
        .midtrans
        .as_ref()
        .ok_or(PaymentError::NotEnabled("Midtrans"))
}

/// Snap's names for the channels behind each method.
fn enabled_payments(method: Method) -> Vec<&'static str> {
    match method {
        Method::Qris => vec!["other_qris"],
        Method::Ewallet => vec!["gopay", "shopeepay"],
        Method::BankTransfer => vec![
            "bca_va",
            "bni_va",
            "bri_va",
            "permata_va",
            "echannel",
            "other_va",
        ],
        Method::Card => vec![],
    }
}

pub async fn start_checkout(
    core: &Core,
    order_id: &str,
    plan: &Plan,
    method: Method,
    reader: &Account,
) -> Result<Started, PaymentError> {
    let cfg = config(core)?;
    if plan.currency != "IDR" {
        return Err(PaymentError::NotAllowed("paid in rupiah only"));
    }
    let body = json!({
        "transaction_details": { "order_id": order_id, "gross_amount": plan.price_idr },
        "item_details": [{
            "id": plan.id,
            "price": plan.price_idr,
            "quantity": 1,
            "name": format!("{} {}", core.cfg.membership_name(), plan.name),
        }],
        "customer_details": { "email": reader.email },
        "enabled_payments": enabled_payments(method),
        "callbacks": { "finish": format!("{}/plus/return?order={order_id}", core.cfg.base_url) },
    });
    let res = http()
        .post(format!(
            "{}/snap/v1/transactions",
            cfg.snap_base.trim_end_matches('/')
        ))
        .basic_auth(cfg.server_key(), Some(""))
        .json(&body)
        .send()
        .await;
    let v = answer(res).await?;
    let (Some(token), Some(url)) = (
        v.get("token").and_then(Value::as_str),
        v.get("redirect_url").and_then(Value::as_str),
    ) else {
        return Err(PaymentError::Provider(
            "Snap answered without token or redirect_url".into(),
        ));
    };
    Ok(Started {
        reference: token.into(),
        url: url.into(),
    })
}

fn field<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// Check an HTTP notification's `signature_key`, then ask Midtrans for the
/// order's status and read that answer as the event, identified by the
/// order and its status (Midtrans resends a status until it is answered
/// 200). The signature covers the order, status code and amount, but not
/// `transaction_status` or `transaction_id`: a signed notification only
/// says "look at this order", and what is applied is Midtrans's own word.
pub async fn verify(core: &Core, body: &[u8]) -> Result<NewPaymentEvent, PaymentError> {
    let (order_id, _) = signed_notification(core, body)?;
    let status = status_of(core, &order_id).await?;
    let api_status = field(&status, "transaction_status");
    if field(&status, "order_id") != order_id || api_status.is_empty() {
        return Err(PaymentError::Provider(format!(
            "the status API answered for another order or without a status: {}",
            field(&status, "status_message")
        )));
    }
    Ok(NewPaymentEvent {
        provider: "midtrans".into(),
        event_id: format!("{order_id}:{api_status}"),
        kind: api_status.into(),
        order_id: Some(order_id),
        payload: status.to_string(),
    })
}

/// Midtrans's Get Status API for an order.
async fn status_of(core: &Core, order_id: &str) -> Result<Value, PaymentError> {
    let cfg = config(core)?;
    if !order_id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~'))
    {
        return Err(PaymentError::Malformed(format!("order id {order_id:?}")));
    }
    let res = http()
        .get(format!(
            "{}/v2/{order_id}/status",
            cfg.api_base.trim_end_matches('/')
        ))
        .basic_auth(cfg.server_key(), Some(""))
        .send()
        .await;
    let v = answer(res).await?;
    // The Core API answers 200 over HTTP and puts its own status in the body.
    if field(&v, "status_code") == "404" {
        return Err(PaymentError::Malformed(format!(
            "Midtrans knows no transaction {order_id}"
        )));
    }
    Ok(v)
}

/// The order a correctly signed notification names, and the notification.
fn signed_notification(core: &Core, body: &[u8]) -> Result<(String, Value), PaymentError> {
    let cfg = config(core)?;
    let v: Value =
        serde_json::from_slice(body).map_err(|e| PaymentError::Malformed(e.to_string()))?;
    let order_id = field(&v, "order_id");
    let status = field(&v, "transaction_status");
    if order_id.is_empty() || status.is_empty() {
        return Err(PaymentError::Malformed(
            "a notification needs order_id and transaction_status".into(),
        ));
    }
    if !midtrans_signature_ok(
        order_id,
        field(&v, "status_code"),
        field(&v, "gross_amount"),
        &cfg.server_key(),
        field(&v, "signature_key"),
    ) {
        return Err(PaymentError::Signature(
            "signature_key does not match".into(),
        ));
    }
    Ok((order_id.to_string(), v))
}

/// "35000.00" as whole rupiah; None when it has a fraction or is not a number.
fn rupiah(gross: &str) -> Option<i64> {
    let (whole, frac) = gross.split_once('.').unwrap_or((gross, ""));
    if !frac.chars().all(|c| c == '0') {
        return None;
    }
    whole.parse().ok()
}

pub fn read(v: &Value) -> Reading {
    let fraud = v.get("fraud_status").and_then(Value::as_str);
    let status = field(v, "transaction_status");
    let gross = field(v, "gross_amount");
    Reading {
        event: midtrans_event(status, fraud),
        order_id: Some(field(v, "order_id").to_string()).filter(|s| !s.is_empty()),
        provider_ref: Some(field(v, "transaction_id").to_string()).filter(|s| !s.is_empty()),
        customer_ref: None,
        charge_ref: None,
        period_end: None,
        // A refund names the refunded amount, not the order's.
        amount: if gross.is_empty() || status.contains("refund") {
            None
        } else {
            Some(rupiah(gross).unwrap_or(-1))
        },
        created: None,
        checkout_session: None,
    }
}

pub async fn refund(core: &Core, p: &Payment) -> Result<NewPaymentEvent, PaymentError> {
    let cfg = config(core)?;
    let res = http()
        .post(format!(
            "{}/v2/{}/refund",
            cfg.api_base.trim_end_matches('/'),
            p.order_id
        ))
        .basic_auth(cfg.server_key(), Some(""))
        .json(&json!({
            "refund_key": format!("refund-{}", p.order_id),
            "amount": p.amount,
            "reason": "refund by the newsroom",
        }))
        .send()
        .await;
    let mut v = answer(res).await?;
    // Core API answers 200 over HTTP and puts its own status in the body.
    if !field(&v, "status_code").starts_with('2') {
        return Err(PaymentError::Provider(format!(
            "{} {}",
            field(&v, "status_code"),
            field(&v, "status_message")
        )));
    }
    if let Some(o) = v.as_object_mut() {
        o.entry("order_id")
            .or_insert_with(|| Value::String(p.order_id.clone()));
        o.entry("transaction_status")
            .or_insert_with(|| Value::String("refund".into()));
    }
    // The same id the refund notification will have: it then changes nothing.
    Ok(NewPaymentEvent {
        provider: "midtrans".into(),
        event_id: format!("{}:{}", p.order_id, field(&v, "transaction_status")),
        kind: field(&v, "transaction_status").into(),
        order_id: Some(p.order_id.clone()),
        payload: v.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gross_amounts_read_as_whole_rupiah() {
        assert_eq!(rupiah("35000.00"), Some(35_000));
        assert_eq!(rupiah("35000"), Some(35_000));
        assert_eq!(rupiah("35000.50"), None);
        assert_eq!(rupiah("abc"), None);
    }
}
