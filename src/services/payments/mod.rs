//! Paying for the membership: checkout with a provider, then the provider's
//! signed events, each stored before it is acted on and applied exactly
//! once through `domain::payment::apply`, into the same memberships that
//! grants and redeem codes make.
//!
//! Stripe takes cards (recurring plans become subscriptions); Midtrans Snap
//! takes QRIS, e-wallets and bank transfers, paid once per period.

pub mod midtrans;
pub mod stripe;

use crate::core::Core;
use crate::domain::membership::{PeriodRequest, Source, latest_end};
use crate::domain::payment::{self, Effect, Event, State};
use crate::services::mail::send as send_mail;
use crate::store::StoreError;
use crate::store::payments::{
    MembershipChange, NewPayment, NewPaymentEvent, Payment, PaymentEvent, PaymentStep,
    PaymentUpdate, RefColumn, StepResult,
};
use crate::store::readers::Account;

#[derive(Debug, thiserror::Error)]
pub enum PaymentError {
    #[error("{0} payments are not enabled")]
    NotEnabled(&'static str),
    #[error("no plan {0:?}")]
    UnknownPlan(String),
    #[error("{0:?} is not a payment method here")]
    UnknownMethod(String),
    #[error("this payment cannot be {0}")]
    NotAllowed(&'static str),
    /// A notification that does not prove it comes from the provider.
    #[error("signature refused: {0}")]
    Signature(String),
    #[error("malformed notification: {0}")]
    Malformed(String),
    #[error("the provider refused: {0}")]
    Provider(String),
    #[error("the provider cannot be reached: {0}")]
    Unreachable(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The ways to pay, as the plans page offers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Card,
    Qris,
    Ewallet,
    BankTransfer,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Card => "card",
            Method::Qris => "qris",
            Method::Ewallet => "ewallet",
            Method::BankTransfer => "bank_transfer",
        }
    }

    pub fn parse(s: &str) -> Option<Method> {
        [
            Method::Card,
            Method::Qris,
            Method::Ewallet,
            Method::BankTransfer,
        ]
        .into_iter()
        .find(|m| m.as_str() == s)
    }

    pub fn provider(self) -> &'static str {
        match self {
            Method::Card => "stripe",
            _ => "midtrans",
        }
    }
}

/// The methods enabled by the settings, in the order readers see them:
/// the Indonesian rails first.
pub fn methods(core: &Core) -> Vec<Method> {
    let mut out = Vec::new();
    if let Some(m) = &core.cfg.payments.midtrans {
        for name in &m.methods {
            if let Some(method) = Method::parse(name) {
                out.push(method);
            }
        }
    }
    if core.cfg.payments.stripe.is_some() {
        out.push(Method::Card);
    }
    out
}

fn new_order_id(now: i64) -> String {
    let mut buf = [0u8; 6];
    getrandom::fill(&mut buf).expect("the OS has randomness");
    let tail: String = buf.iter().map(|b| format!("{b:02x}")).collect();
    format!("W{now}-{tail}")
}

/// Start paying for `plan_id` with `method`: the provider's checkout page
/// to send the reader to, and the payment row that waits for its events.
pub async fn checkout(
    core: &Core,
    reader: &Account,
    plan_id: &str,
    method: &str,
) -> Result<Payment, PaymentError> {
    let plan = core
        .cfg
        .plan(plan_id)
        .ok_or_else(|| PaymentError::UnknownPlan(plan_id.to_string()))?
        .clone();
    let method = Method::parse(method)
        .filter(|m| methods(core).contains(m))
        .ok_or_else(|| PaymentError::UnknownMethod(method.to_string()))?;
    let now = core.clock.now();
    let order_id = new_order_id(now);
    let started = match method {
        Method::Card => stripe::start_checkout(core, &order_id, &plan, reader).await?,
        other => midtrans::start_checkout(core, &order_id, &plan, other, reader).await?,
    };
    let payment = core
        .store
        .create_payment(
            &NewPayment {
                order_id,
                reader_id: reader.id,
                provider: method.provider().into(),
                method: method.as_str().into(),
                plan_id: plan.id.clone(),
                amount: plan.price_idr as i64,
                currency: plan.currency.clone(),
                // Midtrans is paid once: a monthly plan bought there is a
                // month, reminded before it ends.
                recurring: method == Method::Card && plan.recurring(),
                checkout_ref: started.reference,
                checkout_url: started.url,
            },
            now,
        )
        .await?;
    Ok(payment)
}

/// What a provider's checkout answered.
pub struct Started {
    pub reference: String,
    pub url: String,
}

/// What Warta reads of one stored event, whatever the provider.
#[derive(Debug, Default)]
pub struct Reading {
    pub event: Option<Event>,
    pub order_id: Option<String>,
    pub provider_ref: Option<String>,
    pub customer_ref: Option<String>,
    pub charge_ref: Option<String>,
    /// Where the provider says the paid period ends, when it says.
    pub period_end: Option<i64>,
    /// The amount the provider says was paid, checked against the order.
    pub amount: Option<i64>,
    /// When the provider made the event.
    pub created: Option<i64>,
    /// The Checkout session an event is about (it must be the order's own).
    pub checkout_session: Option<String>,
}

fn read(ev: &PaymentEvent) -> Result<Reading, PaymentError> {
    let body: serde_json::Value = serde_json::from_str(&ev.payload)
        .map_err(|e| PaymentError::Malformed(format!("stored event {}: {e}", ev.id)))?;
    Ok(match ev.provider.as_str() {
        "stripe" => stripe::read(&body),
        _ => midtrans::read(&body),
    })
}

async fn find_payment(
    core: &Core,
    provider: &str,
    r: &Reading,
) -> Result<Option<Payment>, StoreError> {
    if let Some(order) = &r.order_id {
        // Another provider's order is not this event's to move.
        return Ok(core
            .store
            .payment_by_order(order)
            .await?
            .filter(|p| p.provider == provider));
    }
    // Midtrans always names the order; its other fields are not signed.
    if provider != "stripe" {
        return Ok(None);
    }
    for (column, value) in [
        (RefColumn::Provider, &r.provider_ref),
        (RefColumn::Charge, &r.charge_ref),
        (RefColumn::Customer, &r.customer_ref),
    ] {
        if let Some(v) = value
            && let Some(p) = core.store.payment_by_ref(provider, column, v).await?
        {
            return Ok(Some(p));
        }
    }
    Ok(None)
}

/// Store a verified event and apply it. A duplicate (same provider id) is
/// stored once and applied once: a second delivery only finishes applying
/// it if a crash stopped the first.
pub async fn receive(core: &Core, mut e: NewPaymentEvent) -> Result<Received, PaymentError> {
    let now = core.clock.now();
    let (mut id, mut fresh) = core.store.record_payment_event(&e, now).await?;
    if !fresh
        && let Some(prev) = core.store.payment_event(id).await?
        && prev.outcome.starts_with("refused")
        && prev.payload != e.payload
    {
        // A refused event is no precedent: news under the same id but with
        // other content (the amount corrected, say) is stored and judged
        // on its own. The same content again is still a duplicate.
        e.event_id = format!("{}#{}", e.event_id, short_digest(&e.payload));
        (id, fresh) = core.store.record_payment_event(&e, now).await?;
    }
    apply_stored(core, id).await?;
    Ok(if fresh {
        Received::Stored(id)
    } else {
        Received::Duplicate
    })
}

fn short_digest(s: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(s.as_bytes())[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Received {
    Stored(i64),
    Duplicate,
}

/// How long an event that matches no payment is retried before it is
/// recorded as unmatched.
const UNMATCHED_WAIT: i64 = 86_400;

/// Subscriptions renew at the period's end, and the renewal's payment
/// arrives an hour or more later (days, after retries): paid periods last
/// this much longer, so a renewing member never sees a gap.
const RENEWAL_SLACK: i64 = 2 * 86_400;

/// Apply one stored event, exactly once across nodes and restarts.
pub async fn apply_stored(core: &Core, id: i64) -> Result<StepResult, PaymentError> {
    // A few tries: another event for the same payment may move it between
    // our read and our write; we then decide again on what it became.
    for _ in 0..5 {
        let now = core.clock.now();
        let Some(ev) = core.store.payment_event(id).await? else {
            return Err(StoreError::Missing(format!("payment event {id}")).into());
        };
        if ev.applied_at.is_some() {
            return Ok(StepResult::AlreadyApplied);
        }
        let reading = read(&ev)?;
        let payment = find_payment(core, &ev.provider, &reading).await?;
        // Webhooks arrive out of order: news of a subscription or charge
        // not known yet waits (the scheduler retries) for a day.
        if payment.is_none() && now - ev.received_at < UNMATCHED_WAIT {
            return Ok(StepResult::Waiting);
        }
        let (step, granted) = match &payment {
            None => (
                PaymentStep {
                    event: id,
                    outcome: "no matching payment".into(),
                    order_id: None,
                    update: None,
                },
                false,
            ),
            Some(p) => decide(core, id, p, &reading, now).await?,
        };
        match core.store.commit_payment_step(&step, now).await? {
            StepResult::Moved => continue,
            StepResult::Applied => {
                tracing::info!(event = id, kind = %ev.kind, outcome = %step.outcome, "payment event applied");
                if let (Some(p), true) = (&payment, granted) {
                    // The period's end, as the store placed it.
                    if let Some(ends_at) =
                        core.store.payment(p.id).await?.and_then(|p| p.period_end)
                    {
                        mail_paid(core, p, ends_at).await;
                    }
                }
                return Ok(StepResult::Applied);
            }
            other => return Ok(other),
        }
    }
    Err(StoreError::Conflict(format!("payment event {id} kept moving")).into())
}

/// How an event moves a payment: the step to commit, and whether it grants
/// a period (for the confirmation mail).
async fn decide(
    core: &Core,
    event: i64,
    p: &Payment,
    r: &Reading,
    now: i64,
) -> Result<(PaymentStep, bool), PaymentError> {
    let mut update = PaymentUpdate {
        payment_id: p.id,
        expected_version: p.version,
        state: p.state.clone(),
        provider_ref: r.provider_ref.clone(),
        customer_ref: r.customer_ref.clone(),
        charge_ref: r.charge_ref.clone(),
        period_end: None,
        toggled_at: None,
        change: None,
    };
    // A step that grants nothing: refused (no update) or only noting refs.
    let only = |outcome: String, update: Option<PaymentUpdate>| {
        Ok((
            PaymentStep {
                event,
                outcome,
                order_id: Some(p.order_id.clone()),
                update,
            },
            false,
        ))
    };
    if let Some(session) = &r.checkout_session
        && *session != p.checkout_ref
    {
        // Signed by Stripe, but about a Checkout (a payment link, say) that
        // is not the one this order made.
        return only(
            format!("refused: checkout {session} is not this order's"),
            None,
        );
    }
    if let Some(paid) = r.amount
        && paid != p.amount
    {
        // Signed by the provider, yet not what this order costs: kept for
        // the operator, never granted.
        return only(
            format!("refused: amount {paid} is not the order's {}", p.amount),
            None,
        );
    }
    let Some(e) = r.event else {
        return only("noted".into(), Some(update));
    };
    // A stop or resume older than the last one decided is stale news
    // (webhooks can arrive late): it must not undo the newer one.
    if matches!(e, Event::Cancelled | Event::Resumed) {
        if let (Some(at), Some(last)) = (r.created, p.toggled_at)
            && at < last
        {
            let outcome = format!(
                "{}: older than the last stop or resume, ignored",
                e.as_str()
            );
            return only(outcome, Some(update));
        }
        update.toggled_at = r.created;
    }
    let (next, effect) = payment::apply(State::parse(&p.state), e, p.recurring);
    update.state = next.as_str().into();
    let mut granted = false;
    update.change = match effect {
        Effect::None => None,
        Effect::GrantPeriod => {
            let days = core.cfg.plan(&p.plan_id).map(|pl| pl.days()).unwrap_or(30);
            // Where it goes is decided by the store, with the reader's row
            // locked (the one period writer).
            granted = true;
            Some(MembershipChange::Grant(PeriodRequest {
                slack: if p.recurring { RENEWAL_SLACK } else { 0 },
                provider_end: r.period_end,
                ..PeriodRequest::new(&p.plan_id, Source::Payment, days, &p.order_id)
            }))
        }
        Effect::StartGrace => {
            let from = p.period_end.unwrap_or(now).max(now);
            Some(MembershipChange::Grace {
                until: from + i64::from(core.cfg.payments.grace_days) * 86_400,
            })
        }
        Effect::EndAtPeriodEnd => Some(MembershipChange::Cancel),
        Effect::Resume => Some(MembershipChange::Resume),
        Effect::Revoke => Some(MembershipChange::Revoke),
    };
    let outcome = format!(
        "{}: {} -> {}{}",
        e.as_str(),
        p.state,
        next.as_str(),
        match effect {
            Effect::None => " (no change)",
            Effect::GrantPeriod => ", period granted",
            Effect::StartGrace => ", grace started",
            Effect::EndAtPeriodEnd => ", ends at period end",
            Effect::Resume => ", renews again",
            Effect::Revoke => ", membership revoked",
        }
    );
    Ok((
        PaymentStep {
            event,
            outcome,
            order_id: Some(p.order_id.clone()),
            update: Some(update),
        },
        granted,
    ))
}

async fn mail_paid(core: &Core, p: &Payment, ends_at: i64) {
    if let Ok(Some(reader)) = core.store.reader(p.reader_id).await {
        let until = core.zone.long_date(ends_at, &core.cfg.locale);
        let vars = [("until", until.as_str())];
        send_mail(
            core,
            &reader.email,
            &core.cfg.locale,
            "paid",
            "/account",
            &vars,
        )
        .await;
    }
}

/// Apply what was stored but not applied (a node that died in between);
/// run by the scheduler on every node.
pub async fn apply_pending(core: &Core) -> usize {
    let events = match core.store.unapplied_payment_events(100).await {
        Ok(list) => list,
        Err(e) => {
            tracing::warn!(error = %e, "cannot list payment events");
            return 0;
        }
    };
    let mut applied = 0;
    for ev in events {
        match apply_stored(core, ev.id).await {
            Ok(StepResult::Applied) => applied += 1,
            Ok(_) => {}
            Err(e) => tracing::warn!(event = ev.id, error = %e, "payment event not applied"),
        }
    }
    applied
}

/// Mail readers whose one-off payment ends within the reminder window, once.
pub async fn send_reminders(core: &Core) -> usize {
    let now = core.clock.now();
    let before = now + i64::from(core.cfg.payments.reminder_days) * 86_400;
    let due = match core.store.payments_to_remind(before, now).await {
        Ok(d) => d,
        Err(e) => {
            tracing::warn!(error = %e, "cannot list payments to remind");
            return 0;
        }
    };
    let mut sent = 0;
    for p in due {
        if !matches!(core.store.mark_reminded(p.id, now).await, Ok(true)) {
            continue;
        }
        let Ok(Some(reader)) = core.store.reader(p.reader_id).await else {
            continue;
        };
        // Already renewed (a newer pass, a code): nothing to remind of.
        let ends = p.period_end.unwrap_or(now);
        let memberships = core
            .store
            .memberships(p.reader_id)
            .await
            .unwrap_or_default();
        if latest_end(&memberships, now).is_some_and(|end| end > ends) {
            continue;
        }
        let until = core.zone.long_date(ends, &core.cfg.locale);
        let vars = [("until", until.as_str())];
        if send_mail(
            core,
            &reader.email,
            &core.cfg.locale,
            "reminder",
            "/plus",
            &vars,
        )
        .await
        {
            sent += 1;
        }
    }
    sent
}

/// The reader stops a subscription: it runs to the end of the paid period.
pub async fn cancel(core: &Core, reader_id: i64, payment_id: i64) -> Result<(), PaymentError> {
    let p = owned(core, reader_id, payment_id).await?;
    if !can_cancel(&p) {
        return Err(PaymentError::NotAllowed("cancelled"));
    }
    let e = stripe::set_cancel_at_period_end(core, &p, true).await?;
    receive(core, e).await?;
    Ok(())
}

/// The reader takes a cancel back before the paid period ends.
pub async fn resume(core: &Core, reader_id: i64, payment_id: i64) -> Result<(), PaymentError> {
    let p = owned(core, reader_id, payment_id).await?;
    if !can_resume(&p, core.clock.now()) {
        return Err(PaymentError::NotAllowed("resumed"));
    }
    let e = stripe::set_cancel_at_period_end(core, &p, false).await?;
    receive(core, e).await?;
    Ok(())
}

/// A running subscription Stripe has confirmed.
pub fn can_cancel(p: &Payment) -> bool {
    p.recurring && matches!(p.state.as_str(), "active" | "grace") && p.provider_ref.is_some()
}

/// Paid for, and not given back yet.
pub fn can_refund(p: &Payment) -> bool {
    matches!(p.state.as_str(), "active" | "grace" | "cancelled" | "ended")
}

/// A stopped subscription whose paid period is still running.
pub fn can_resume(p: &Payment, now: i64) -> bool {
    p.recurring
        && p.state == "cancelled"
        && p.provider_ref.is_some()
        && p.period_end.is_some_and(|end| end > now)
}

/// An operator gives the money back through the provider; the membership
/// ends when the provider confirms (its answer is stored as an event).
pub async fn refund(core: &Core, payment_id: i64) -> Result<(), PaymentError> {
    let p = core
        .store
        .payment(payment_id)
        .await?
        .ok_or_else(|| StoreError::Missing(format!("payment {payment_id}")))?;
    if !can_refund(&p) {
        return Err(PaymentError::NotAllowed("refunded"));
    }
    let e = match p.provider.as_str() {
        "stripe" => stripe::refund(core, &p).await?,
        _ => midtrans::refund(core, &p).await?,
    };
    receive(core, e).await?;
    // Money back, and no more charges: a refunded subscription ends now.
    if p.recurring && p.provider_ref.is_some() && p.state != "ended" {
        let end = stripe::end_now(core, &p).await?;
        receive(core, end).await?;
    }
    Ok(())
}

/// End every subscription of a reader who deletes their account.
pub async fn end_subscriptions(core: &Core, reader_id: i64) -> Result<(), PaymentError> {
    for p in core.store.payments_of(reader_id).await? {
        if p.recurring
            && p.provider_ref.is_some()
            && matches!(p.state.as_str(), "active" | "grace" | "cancelled")
        {
            let e = stripe::end_now(core, &p).await?;
            receive(core, e).await?;
        }
    }
    Ok(())
}

/// Where a Stripe subscriber manages their card.
pub async fn portal_url(
    core: &Core,
    reader_id: i64,
    payment_id: i64,
) -> Result<String, PaymentError> {
    let p = owned(core, reader_id, payment_id).await?;
    stripe::portal(core, &p).await
}

async fn owned(core: &Core, reader_id: i64, payment_id: i64) -> Result<Payment, PaymentError> {
    match core.store.payment(payment_id).await? {
        Some(p) if p.reader_id == reader_id => Ok(p),
        _ => Err(StoreError::Missing(format!("payment {payment_id}")).into()),
    }
}

/// The one HTTP client payments use: short timeouts, no redirects.
pub fn http() -> &'static reqwest::Client {
    static CLIENT: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    CLIENT.get_or_init(|| {
        reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(15))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("Warta-Payments/1")
            .build()
            .expect("a TLS client can be built")
    })
}

/// A provider's JSON answer, or why there is none.
async fn answer(
    res: Result<reqwest::Response, reqwest::Error>,
) -> Result<serde_json::Value, PaymentError> {
    let res = res.map_err(|e| PaymentError::Unreachable(e.without_url().to_string()))?;
    let status = res.status();
    let body: serde_json::Value = res
        .json()
        .await
        .map_err(|e| PaymentError::Provider(format!("{status}: unreadable answer: {e}")))?;
    if !status.is_success() {
        // Providers explain refusals in the body; keys are never in it.
        let why = body
            .pointer("/error/message")
            .or_else(|| body.get("status_message"))
            .or_else(|| body.get("error_messages"))
            .map(|v| v.to_string())
            .unwrap_or_default();
        return Err(PaymentError::Provider(format!("{status} {why}")));
    }
    Ok(body)
}

/// The state a payment's stored events lead to, folded again through the
/// same rules: what it should be if its row were lost or doubted.
pub async fn rebuilt_state(
    store: &dyn crate::store::Backend,
    p: &Payment,
) -> Result<String, PaymentError> {
    let mut state: Option<State> = None;
    for ev in store.payment_events_of(&p.order_id).await? {
        // What was refused or ignored as stale did not move it then either.
        if ev.applied_at.is_none()
            || ev.outcome.starts_with("refused")
            || ev.outcome.contains("ignored")
        {
            continue;
        }
        if let Some(e) = read(&ev)?.event {
            state = Some(payment::apply(state, e, p.recurring).0);
        }
    }
    Ok(state.map_or("new", State::as_str).to_string())
}

/// What the return page says: still waiting, active, or over.
pub fn is_waiting(p: &Payment) -> bool {
    matches!(p.state.as_str(), "new" | "pending")
}
