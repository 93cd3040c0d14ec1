//! Payment rules, before any provider is wired (issue #6): checking that a
//! notification really comes from the provider, reading provider events as
//! a few kinds Warta cares about, and how each kind moves a payment, so
//! that duplicates, replays and out-of-order deliveries change nothing.
//! Plain functions; `crate::services::payments` drives them.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256, Sha512};
use subtle::ConstantTimeEq;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Midtrans HTTP notifications carry `signature_key` =
/// SHA-512(order_id + status_code + gross_amount + server_key), hex.
pub fn midtrans_signature_ok(
    order_id: &str,
    status_code: &str,
    gross_amount: &str,
    server_key: &str,
    signature_key: &str,
) -> bool {
    // Without a key anyone could compute the digest.
    if server_key.is_empty() {
        return false;
    }
    let digest = Sha512::digest(format!("{order_id}{status_code}{gross_amount}{server_key}"));
    same(&hex(&digest), &signature_key.to_ascii_lowercase())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the signature header cannot be read")]
    Malformed,
    #[error("the signature is older than the tolerance (a replay?)")]
    Stale,
    #[error("the signature does not match")]
    Mismatch,
}

/// Stripe's `Stripe-Signature: t=<unix>,v1=<hex>[,v1=…]`: HMAC-SHA256 of
/// "<t>.<payload>" with the endpoint secret, and `t` within `tolerance`
/// seconds of now.
pub fn stripe_signature_ok(
    header: &str,
    payload: &[u8],
    secret: &str,
    now: i64,
    tolerance: i64,
) -> Result<(), SignatureError> {
    let mut t = None;
    let mut sigs = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = v.parse::<i64>().ok(),
            Some(("v1", v)) => sigs.push(v.to_string()),
            _ => {}
        }
    }
    let t = t.ok_or(SignatureError::Malformed)?;
    if sigs.is_empty() {
        return Err(SignatureError::Malformed);
    }
    // Any t from the header, however wild, is compared without overflow.
    if now
        .checked_sub(t)
        .is_none_or(|d| d.unsigned_abs() > tolerance.unsigned_abs())
    {
        return Err(SignatureError::Stale);
    }
    // An empty secret would let anyone sign.
    if secret.is_empty() {
        return Err(SignatureError::Mismatch);
    }
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(payload);
    let expected = hex(&mac.finalize().into_bytes());
    if sigs.iter().any(|s| same(s, &expected)) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// What a provider event means for a membership.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// Waiting for the money (a bank transfer, a QRIS not yet scanned).
    Pending,
    /// Money received: a new period (first payment or renewal).
    Paid,
    /// A renewal failed: the member keeps reading during grace.
    RenewalFailed,
    /// The reader asked to stop renewing: the paid period runs to its end.
    Cancelled,
    /// The reader took that back before the period ended.
    Resumed,
    /// The subscription is over for good (Stripe deleted it).
    Ended,
    /// The money went back: the membership ends now.
    Refunded,
    /// A pending payment was never made.
    Expired,
}

/// Midtrans `transaction_status` (and `fraud_status` for cards).
pub fn midtrans_event(transaction_status: &str, fraud_status: Option<&str>) -> Option<Event> {
    match transaction_status {
        "settlement" => Some(Event::Paid),
        "capture" if fraud_status.is_none_or(|f| f == "accept") => Some(Event::Paid),
        "capture" => Some(Event::Pending),
        "pending" => Some(Event::Pending),
        "expire" | "cancel" | "deny" | "failure" => Some(Event::Expired),
        // A partial refund is goodwill, not the end of the membership.
        "refund" | "chargeback" => Some(Event::Refunded),
        _ => None,
    }
}

/// What Warta reads of a Stripe event: its type and the few fields of its
/// object that change what it means.
#[derive(Debug, Clone, Copy, Default)]
pub struct StripeFacts<'a> {
    pub kind: &'a str,
    /// On invoices: `subscription_create` for the first one.
    pub billing_reason: Option<&'a str>,
    /// On Checkout sessions: `paid`, or `unpaid` for a method that settles later.
    pub payment_status: Option<&'a str>,
    /// On subscriptions: the reader asked to stop at the period's end.
    pub cancel_at_period_end: bool,
    /// On an updated subscription: it was set to stop before this change.
    pub was_cancelling: bool,
    /// On a refunded charge: all of it went back (not a partial refund).
    pub fully_refunded: bool,
}

/// Stripe event types Warta acts on. The first period of a subscription
/// is paid by the completed Checkout session; the invoice Stripe sends for
/// it too is not counted again.
pub fn stripe_event(f: StripeFacts<'_>) -> Option<Event> {
    match f.kind {
        "checkout.session.completed" if f.payment_status == Some("unpaid") => Some(Event::Pending),
        "checkout.session.completed" | "checkout.session.async_payment_succeeded" => {
            Some(Event::Paid)
        }
        // A renewal; the first invoice is the checkout's, and prorations or
        // manual invoices (plan changes in the portal) buy no new period.
        "invoice.paid" if matches!(f.billing_reason, None | Some("subscription_cycle")) => {
            Some(Event::Paid)
        }
        "invoice.payment_failed" => Some(Event::RenewalFailed),
        "customer.subscription.updated" if f.cancel_at_period_end => Some(Event::Cancelled),
        "customer.subscription.updated" if f.was_cancelling => Some(Event::Resumed),
        "customer.subscription.deleted" => Some(Event::Ended),
        "charge.refunded" if f.fully_refunded => Some(Event::Refunded),
        "checkout.session.expired" | "checkout.session.async_payment_failed" => {
            Some(Event::Expired)
        }
        _ => None,
    }
}

/// Where one payment (a pass, or a subscription) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Pending,
    Active,
    Grace,
    /// Will not renew (the reader may still take that back).
    Cancelled,
    /// Over: no renewal, no resuming.
    Ended,
    Refunded,
    Expired,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Active => "active",
            State::Grace => "grace",
            State::Cancelled => "cancelled",
            State::Ended => "ended",
            State::Refunded => "refunded",
            State::Expired => "expired",
        }
    }

    /// `None` for a payment no provider has told us of yet ("new").
    pub fn parse(s: &str) -> Option<State> {
        [
            State::Pending,
            State::Active,
            State::Grace,
            State::Cancelled,
            State::Ended,
            State::Refunded,
            State::Expired,
        ]
        .into_iter()
        .find(|st| st.as_str() == s)
    }
}

impl Event {
    pub fn as_str(self) -> &'static str {
        match self {
            Event::Pending => "pending",
            Event::Paid => "paid",
            Event::RenewalFailed => "renewal_failed",
            Event::Cancelled => "cancelled",
            Event::Resumed => "resumed",
            Event::Ended => "ended",
            Event::Refunded => "refunded",
            Event::Expired => "expired",
        }
    }
}

/// What to do to the membership.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    None,
    /// Start (or extend by) one paid period.
    GrantPeriod,
    /// Keep benefits during the grace period.
    StartGrace,
    /// Let the current period run out; no renewal.
    EndAtPeriodEnd,
    /// The current period renews again.
    Resume,
    /// End the membership now.
    Revoke,
}

/// How `event` moves a payment in `state` (None: nothing seen yet). A
/// duplicate delivery is recognised by event id before this is asked; this
/// handles the order: a late "pending" after "paid", or anything after a
/// refund, changes nothing.
///
/// `recurring`: a subscription, renewed by further payments. A one-off
/// payment (a pass) buys one period: a second "paid" for it is a replay.
pub fn apply(state: Option<State>, event: Event, recurring: bool) -> (State, Effect) {
    use Effect as F;
    use Event as E;
    use State as S;
    match (state, event) {
        (None, E::Pending) => (S::Pending, F::None),
        // Money taken buys a period, even after one attempt expired (Snap
        // lets the reader try again on the same order).
        (None | Some(S::Pending | S::Expired), E::Paid) => (S::Active, F::GrantPeriod),
        (None | Some(S::Pending), E::Expired) => (S::Expired, F::None),
        // A renewal, a late payment after grace, or a renewal charged after
        // a cancel whose taking-back we missed.
        (Some(S::Active | S::Grace | S::Cancelled), E::Paid) if recurring => {
            (S::Active, F::GrantPeriod)
        }
        (Some(S::Active), E::RenewalFailed) => (S::Grace, F::StartGrace),
        (Some(S::Active | S::Grace), E::Cancelled) => (S::Cancelled, F::EndAtPeriodEnd),
        (Some(S::Cancelled), E::Resumed) => (S::Active, F::Resume),
        (Some(S::Active | S::Grace | S::Cancelled), E::Ended) => (S::Ended, F::EndAtPeriodEnd),
        (Some(S::Active | S::Grace | S::Cancelled | S::Ended), E::Refunded) => {
            (S::Refunded, F::Revoke)
        }
        // Ended, refunded and expired are final; everything else is late or
        // repeated news.
        (Some(s), _) => (s, F::None),
        (None, _) => (S::Pending, F::None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn midtrans_signatures() {
        // SHA-512("order-1" "200" "30000.00" "SB-Mid-server-key"), computed
        // with Python's hashlib.
        let right = "5f970ec0cbf16500af4654f7958d4d4c823f7096abd72634858a91eb1c03e22b\
                     63f3327dcb29b0c00beb4b088760b8d8ea57198177836ea35b9437fee5d0ad9b";
        assert!(midtrans_signature_ok(
            "order-1",
            "200",
            "30000.00",
            "SB-Mid-server-key",
            right
        ));
        assert!(midtrans_signature_ok(
            "order-1",
            "200",
            "30000.00",
            "SB-Mid-server-key",
            &right.to_uppercase()
        ));
        // Any field changed breaks it: the amount, the status, the key.
        assert!(!midtrans_signature_ok(
            "order-1",
            "200",
            "3000.00",
            "SB-Mid-server-key",
            right
        ));
        assert!(!midtrans_signature_ok(
            "order-1",
            "201",
            "30000.00",
            "SB-Mid-server-key",
            right
        ));
        assert!(!midtrans_signature_ok(
            "order-1",
            "200",
            "30000.00",
            "other-key",
            right
        ));
        // With no key configured, a digest anyone can compute is refused.
        let keyless = hex(&Sha512::digest("order-1".to_string() + "200" + "30000.00"));
        assert!(!midtrans_signature_ok(
            "order-1", "200", "30000.00", "", &keyless
        ));
    }

    #[test]
    fn stripe_signatures_with_tolerance() {
        let payload = br#"{"id":"evt_1","type":"invoice.paid"}"#;
        let now = 1_795_755_600;
        let sign = |t: i64, secret: &str| {
            let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).unwrap();
            mac.update(format!("{t}.").as_bytes());
            mac.update(payload);
            hex(&mac.finalize().into_bytes())
        };
        // The same signature computed with Python's hmac, as Stripe signs.
        assert_eq!(
            sign(now, "whsec_test"),
            "ca83b847075315167b6c47a692a95608df808f3c9c3251e07d856a1d0a7a00b6"
        );
        let good = format!("t={now},v1={}", sign(now, "whsec_test"));
        assert_eq!(
            stripe_signature_ok(&good, payload, "whsec_test", now + 10, 300),
            Ok(())
        );
        // Several v1 values (a secret being rolled): one matching is enough.
        let rolled = format!("t={now},v1=00,v1={}", sign(now, "whsec_test"));
        assert_eq!(
            stripe_signature_ok(&rolled, payload, "whsec_test", now, 300),
            Ok(())
        );
        assert_eq!(
            stripe_signature_ok(&good, payload, "whsec_test", now + 301, 300),
            Err(SignatureError::Stale),
            "a replay after the tolerance"
        );
        assert_eq!(
            stripe_signature_ok(&good, payload, "whsec_other", now, 300),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            stripe_signature_ok(
                &good,
                br#"{"id":"evt_1","type":"charge.refunded"}"#,
                "whsec_test",
                now,
                300
            ),
            Err(SignatureError::Mismatch),
            "a forged body"
        );
        // No secret configured: even a signature made with the empty key fails.
        let empty = format!("t={now},v1={}", sign(now, ""));
        assert_eq!(
            stripe_signature_ok(&empty, payload, "", now, 300),
            Err(SignatureError::Mismatch)
        );
        // A timestamp at the edge of i64 is stale, not a panic.
        let wild = format!("t={},v1=00", i64::MIN);
        assert_eq!(
            stripe_signature_ok(&wild, payload, "whsec_test", now, 300),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            stripe_signature_ok("v1=abc", payload, "s", now, 300),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            stripe_signature_ok(&format!("t={now}"), payload, "s", now, 300),
            Err(SignatureError::Malformed)
        );
    }

    #[test]
    fn provider_events_read_as_warta_events() {
        assert_eq!(midtrans_event("settlement", None), Some(Event::Paid));
        assert_eq!(midtrans_event("capture", Some("accept")), Some(Event::Paid));
        assert_eq!(
            midtrans_event("capture", Some("challenge")),
            Some(Event::Pending)
        );
        assert_eq!(midtrans_event("pending", None), Some(Event::Pending));
        assert_eq!(midtrans_event("expire", None), Some(Event::Expired));
        assert_eq!(midtrans_event("refund", None), Some(Event::Refunded));
        assert_eq!(midtrans_event("partial_refund", None), None);
        assert_eq!(midtrans_event("authorize", None), None);
        let kind = |kind| StripeFacts {
            kind,
            ..StripeFacts::default()
        };
        assert_eq!(stripe_event(kind("invoice.paid")), Some(Event::Paid));
        assert_eq!(
            stripe_event(StripeFacts {
                billing_reason: Some("subscription_create"),
                ..kind("invoice.paid")
            }),
            None,
            "the first invoice is paid by the checkout session"
        );
        assert_eq!(
            stripe_event(kind("checkout.session.completed")),
            Some(Event::Paid)
        );
        assert_eq!(
            stripe_event(StripeFacts {
                payment_status: Some("unpaid"),
                ..kind("checkout.session.completed")
            }),
            Some(Event::Pending)
        );
        assert_eq!(
            stripe_event(kind("invoice.payment_failed")),
            Some(Event::RenewalFailed)
        );
        assert_eq!(stripe_event(kind("customer.subscription.updated")), None);
        assert_eq!(
            stripe_event(StripeFacts {
                cancel_at_period_end: true,
                ..kind("customer.subscription.updated")
            }),
            Some(Event::Cancelled)
        );
        assert_eq!(
            stripe_event(StripeFacts {
                was_cancelling: true,
                ..kind("customer.subscription.updated")
            }),
            Some(Event::Resumed)
        );
        assert_eq!(
            stripe_event(kind("customer.subscription.deleted")),
            Some(Event::Ended)
        );
        assert_eq!(
            stripe_event(StripeFacts {
                fully_refunded: true,
                ..kind("charge.refunded")
            }),
            Some(Event::Refunded)
        );
        assert_eq!(
            stripe_event(kind("charge.refunded")),
            None,
            "a partial refund"
        );
        assert_eq!(
            stripe_event(StripeFacts {
                billing_reason: Some("subscription_update"),
                ..kind("invoice.paid")
            }),
            None,
            "a proration buys no period"
        );
        assert_eq!(
            stripe_event(kind("checkout.session.expired")),
            Some(Event::Expired)
        );
        assert_eq!(stripe_event(kind("customer.created")), None);
    }

    type Case<'a> = (&'a str, &'a [Event], &'a [Effect], State);

    /// Play each case's events from nothing; check each effect and the end.
    fn run(cases: &[Case<'_>], recurring: bool) {
        for (name, events, effects, end) in cases {
            let mut state = None;
            let mut got = Vec::new();
            for e in *events {
                let (s, f) = apply(state, *e, recurring);
                state = Some(s);
                got.push(f);
            }
            assert_eq!(&got[..], *effects, "{name}");
            assert_eq!(state, Some(*end), "{name}");
        }
    }

    /// The lifecycle, as sequences of events and what each did.
    #[test]
    fn lifecycles() {
        use Effect as F;
        use Event as E;
        use State as S;
        #[rustfmt::skip]
        let cases: &[Case<'_>] = &[
            ("new",                       &[E::Paid],                               &[F::GrantPeriod],                       S::Active),
            ("QRIS that settles later",   &[E::Pending, E::Paid],                   &[F::None, F::GrantPeriod],              S::Active),
            ("renewed",                   &[E::Paid, E::Paid],                      &[F::GrantPeriod, F::GrantPeriod],       S::Active),
            ("failed, then grace",        &[E::Paid, E::RenewalFailed],             &[F::GrantPeriod, F::StartGrace],        S::Grace),
            ("paid during grace",         &[E::Paid, E::RenewalFailed, E::Paid],    &[F::GrantPeriod, F::StartGrace, F::GrantPeriod], S::Active),
            ("cancelled",                 &[E::Paid, E::Cancelled],                 &[F::GrantPeriod, F::EndAtPeriodEnd],    S::Cancelled),
            ("refunded",                  &[E::Paid, E::Refunded],                  &[F::GrantPeriod, F::Revoke],            S::Refunded),
            ("expired, never paid",       &[E::Pending, E::Expired],                &[F::None, F::None],                     S::Expired),
            ("late pending after paid",   &[E::Paid, E::Pending],                   &[F::GrantPeriod, F::None],              S::Active),
            ("expire after paid",         &[E::Paid, E::Expired],                   &[F::GrantPeriod, F::None],              S::Active),
            ("paid after refund",         &[E::Paid, E::Refunded, E::Paid],         &[F::GrantPeriod, F::Revoke, F::None],   S::Refunded),
            ("refund twice",              &[E::Paid, E::Refunded, E::Refunded],     &[F::GrantPeriod, F::Revoke, F::None],   S::Refunded),
            ("paid after an expired try", &[E::Pending, E::Expired, E::Paid],       &[F::None, F::None, F::GrantPeriod],     S::Active),
            ("cancelled, then resumed",   &[E::Paid, E::Cancelled, E::Resumed],     &[F::GrantPeriod, F::EndAtPeriodEnd, F::Resume], S::Active),
            ("renewed after a missed resume", &[E::Paid, E::Cancelled, E::Paid],    &[F::GrantPeriod, F::EndAtPeriodEnd, F::GrantPeriod], S::Active),
            ("cancelled, then ended",     &[E::Paid, E::Cancelled, E::Ended],       &[F::GrantPeriod, F::EndAtPeriodEnd, F::EndAtPeriodEnd], S::Ended),
            ("resumed after the end",     &[E::Paid, E::Ended, E::Resumed],         &[F::GrantPeriod, F::EndAtPeriodEnd, F::None], S::Ended),
            ("paid after the end",        &[E::Paid, E::Ended, E::Paid],            &[F::GrantPeriod, F::EndAtPeriodEnd, F::None], S::Ended),
            ("refunded after the end",    &[E::Paid, E::Ended, E::Refunded],        &[F::GrantPeriod, F::EndAtPeriodEnd, F::Revoke], S::Refunded),
        ];
        run(cases, true);
        // A pass is paid once: a second "paid" (a replayed notification)
        // buys nothing.
        #[rustfmt::skip]
        let passes: &[Case<'_>] = &[
            ("pass",                      &[E::Pending, E::Paid],                   &[F::None, F::GrantPeriod],              S::Active),
            ("pass paid twice",           &[E::Paid, E::Paid],                      &[F::GrantPeriod, F::None],              S::Active),
            ("pass refunded",             &[E::Paid, E::Refunded, E::Paid],         &[F::GrantPeriod, F::Revoke, F::None],   S::Refunded),
        ];
        run(passes, false);
    }
}
