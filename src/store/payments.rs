//! The payment side of the store: checkouts, the provider events that move
//! them, and the one transaction that applies an event.

use async_trait::async_trait;

use super::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub id: i64,
    /// Ours, sent to the provider and returned in its events.
    pub order_id: String,
    pub reader_id: i64,
    /// "stripe" or "midtrans".
    pub provider: String,
    /// "card", "qris", "ewallet" or "bank_transfer".
    pub method: String,
    pub plan_id: String,
    pub amount: i64,
    pub currency: String,
    pub recurring: bool,
    /// A `domain::payment::State` name, or "new" before any event.
    pub state: String,
    /// Bumped by every applied event: applying is compare-and-set on it.
    pub version: i64,
    /// The provider's checkout (a Stripe session id, a Snap token).
    pub checkout_ref: String,
    pub checkout_url: String,
    /// Stripe subscription id, or the Midtrans transaction id.
    pub provider_ref: Option<String>,
    /// Stripe customer id (for the billing portal and refunds' events).
    pub customer_ref: Option<String>,
    /// Stripe payment intent of the last charge (what a refund refunds).
    pub charge_ref: Option<String>,
    /// Where the paid period ends.
    pub period_end: Option<i64>,
    pub reminded_at: Option<i64>,
    /// When the last stop or resume happened, by the provider's clock.
    pub toggled_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone)]
pub struct NewPayment {
    pub order_id: String,
    pub reader_id: i64,
    pub provider: String,
    pub method: String,
    pub plan_id: String,
    pub amount: i64,
    pub currency: String,
    pub recurring: bool,
    pub checkout_ref: String,
    pub checkout_url: String,
}

#[derive(Debug, Clone)]
pub struct NewPaymentEvent {
    pub provider: String,
    /// The provider's id for the event; a second event with it is a duplicate.
    pub event_id: String,
    /// The provider's type or status ("invoice.paid", "settlement").
    pub kind: String,
    pub order_id: Option<String>,
    /// The body as the provider sent it (verified).
    pub payload: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentEvent {
    pub id: i64,
    pub provider: String,
    pub event_id: String,
    pub kind: String,
    pub order_id: Option<String>,
    pub payload: String,
    pub received_at: i64,
    pub applied_at: Option<i64>,
    /// What applying it did, in words, for the operator.
    pub outcome: String,
}

/// What applying an event does to the payment's memberships.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MembershipChange {
    /// A new paid period, placed by the one period writer after whatever
    /// the reader has when it is written (so two payments never overlap).
    Grant(crate::domain::membership::PeriodRequest),
    /// The latest period goes into grace, lasting until the given time.
    Grace { until: i64 },
    /// The latest period will not renew; it runs to its end.
    Cancel,
    /// The latest period renews again after all.
    Resume,
    /// Every period not yet over is taken back now.
    Revoke,
}

/// The payment's side of a step.
#[derive(Debug, Clone, Default)]
pub struct PaymentUpdate {
    pub payment_id: i64,
    /// The version read before deciding: the step is refused if it moved.
    pub expected_version: i64,
    pub state: String,
    pub provider_ref: Option<String>,
    pub customer_ref: Option<String>,
    pub charge_ref: Option<String>,
    pub period_end: Option<i64>,
    pub toggled_at: Option<i64>,
    pub change: Option<MembershipChange>,
}

/// Applying one stored event, all or nothing.
#[derive(Debug, Clone)]
pub struct PaymentStep {
    pub event: i64,
    pub outcome: String,
    /// The order the event was matched to (kept on the event when the
    /// provider named only a subscription or a charge).
    pub order_id: Option<String>,
    pub update: Option<PaymentUpdate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepResult {
    Applied,
    /// Another node (or an earlier try) applied this event already.
    AlreadyApplied,
    /// The payment changed since it was read: read again and decide again.
    Moved,
    /// Nothing to apply it to yet (its subscription or charge is not known):
    /// left unapplied, to be tried again.
    Waiting,
}

#[async_trait]
pub trait PaymentStore: Send + Sync {
    async fn create_payment(&self, p: &NewPayment, now: i64) -> Result<Payment>;
    async fn payment(&self, id: i64) -> Result<Option<Payment>>;
    async fn payment_by_order(&self, order_id: &str) -> Result<Option<Payment>>;
    /// The newest payment whose subscription/transaction, charge or
    /// customer reference is `value`.
    async fn payment_by_ref(
        &self,
        provider: &str,
        column: RefColumn,
        value: &str,
    ) -> Result<Option<Payment>>;
    /// A reader's payments, newest first.
    async fn payments_of(&self, reader_id: i64) -> Result<Vec<Payment>>;
    async fn recent_payments(&self, limit: i64) -> Result<Vec<Payment>>;

    /// Store a verified provider event: its row id, and false if the
    /// provider's id was stored before (a duplicate delivery).
    async fn record_payment_event(&self, e: &NewPaymentEvent, now: i64) -> Result<(i64, bool)>;
    async fn payment_event(&self, id: i64) -> Result<Option<PaymentEvent>>;
    /// Events stored but not applied yet (a crash between the two), oldest first.
    async fn unapplied_payment_events(&self, limit: i64) -> Result<Vec<PaymentEvent>>;
    async fn payment_events_of(&self, order_id: &str) -> Result<Vec<PaymentEvent>>;
    /// Mark the event applied, move the payment and its memberships, in one
    /// transaction.
    async fn commit_payment_step(&self, step: &PaymentStep, now: i64) -> Result<StepResult>;

    /// Active one-off payments whose period ends before `before` and whose
    /// reader was not reminded yet.
    async fn payments_to_remind(&self, before: i64, now: i64) -> Result<Vec<Payment>>;
    /// True for the one caller that marks it (so one node sends the mail).
    async fn mark_reminded(&self, id: i64, now: i64) -> Result<bool>;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefColumn {
    Provider,
    Charge,
    Customer,
}

impl RefColumn {
    pub fn column(self) -> &'static str {
        match self {
            RefColumn::Provider => "provider_ref",
            RefColumn::Charge => "charge_ref",
            RefColumn::Customer => "customer_ref",
        }
    }
}
