//! Paying for the membership through the providers' stand-in: Warta's real
//! HTTP clients talk to it, and it sends webhooks and notifications signed
//! exactly as Stripe and Midtrans sign them. Each provider's lifecycle is a
//! table of steps and what the reader is after each; then the abuse cases
//! (forged, replayed, duplicated, out of order, the wrong amount) and a
//! crash between storing an event and applying it.

use crate::common::{Client, NOW, PaySite, TestSite, add_reader, mails, pay_site};
use warta::domain::newsroom::StaffRole;
use warta::store::payments::NewPaymentEvent;

const PW: &str = "kata-sandi-rahasia";
const DAY: i64 = 86_400;

async fn signed_in<'a>(site: &'a TestSite, email: &str) -> Client<'a> {
    add_reader(site, email, PW, true).await;
    crate::common::log_in(site, email, PW).await
}

async fn admin<'a>(site: &'a TestSite) -> Client<'a> {
    let id = add_reader(site, "admin@contoh.id", PW, true).await;
    crate::common::set_role(site, id, StaffRole::Admin, &[]).await;
    let mut c = Client::new(site);
    let p = c
        .post("/login", &[("email", "admin@contoh.id"), ("password", PW)])
        .await;
    assert_eq!(p.status, 303, "admin login");
    c
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Start a checkout from the plans page; returns the order and the
/// provider's page it sent the reader to.
async fn join(c: &mut Client<'_>, plan: &str, method: &str) -> (String, String) {
    let p = c
        .post("/plus/checkout", &[("plan", plan), ("method", method)])
        .await;
    assert_eq!(p.status, 303, "checkout {plan} {method}: {}", p.body);
    let to = p.header("location").to_string();
    let order = c.site.app.store.recent_payments(1).await.unwrap()[0]
        .order_id
        .clone();
    let account = c.get("/account").await.body;
    assert!(account.contains("data-state=\"new\""), "{account}");
    (order, to)
}

/// The reader clicks the provider page's button; it answers with a
/// redirect back to our return page.
async fn click_pay(provider_page: &str) -> String {
    let res = http().post(provider_page).send().await.unwrap();
    assert_eq!(res.status(), 303, "{provider_page}");
    res.headers()["location"].to_str().unwrap().to_string()
}

async fn member(site: &TestSite, email: &str) -> bool {
    let r = site
        .app
        .store
        .reader_by_email(email)
        .await
        .unwrap()
        .unwrap();
    let ms = site.app.store.memberships(r.id).await.unwrap();
    let now = site.app.clock.now();
    ms.iter().any(|m| m.in_period(now) || m.in_grace(now))
}

async fn periods(site: &TestSite, email: &str) -> usize {
    let r = site
        .app
        .store
        .reader_by_email(email)
        .await
        .unwrap()
        .unwrap();
    site.app.store.memberships(r.id).await.unwrap().len()
}

async fn payment(site: &TestSite, order: &str) -> warta::store::payments::Payment {
    site.app
        .store
        .payment_by_order(order)
        .await
        .unwrap()
        .unwrap()
}

async fn state(site: &TestSite, order: &str) -> String {
    payment(site, order).await.state
}

/// The stored events, folded again, lead to the stored state.
async fn assert_rebuilt(site: &TestSite, order: &str, name: &str) {
    let p = payment(site, order).await;
    let rebuilt = warta::services::payments::rebuilt_state(site.app.store.as_ref(), &p)
        .await
        .unwrap();
    assert_eq!(rebuilt, p.state, "{name}: rebuilt from events");
}

/// An admin refunds through the provider; the provider's own notice of it
/// follows (and must change nothing).
async fn refund_as_admin(ps: &PaySite, order: &str, sent: usize, notices: usize) {
    let id = payment(&ps.site, order).await.id;
    let mut a = admin(&ps.site).await;
    let p = a.post(&format!("/admin/payments/{id}/refund"), &[]).await;
    assert_eq!(
        p.header("location"),
        "/admin/payments?notice=refunded",
        "{}",
        p.body
    );
    settle(ps, sent, notices).await;
}

/// Wait until the stand-in's asynchronous webhooks have been answered.
async fn settle(ps: &PaySite, sent_before: usize, expect: usize) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while ps.standin.sent().len() < sent_before + expect {
        assert!(
            std::time::Instant::now() < deadline,
            "stand-in sent {:?}",
            ps.standin.sent()
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

async fn control(ps: &PaySite, path: &str) {
    let res = http()
        .post(format!("{}/control/{path}", ps.standin.base))
        .send()
        .await
        .unwrap();
    let text = res.text().await.unwrap();
    assert!(text.contains("site answered 200"), "{path}: {text}");
}

#[derive(Debug, Clone, Copy)]
enum Step {
    /// Checkout, then pay on the provider's page.
    Join,
    Renew,
    FailRenewal,
    /// The reader stops renewal on the account page.
    Cancel,
    /// ... and takes that back.
    Resume,
    /// Stripe ends the subscription.
    End,
    /// An admin refunds through the provider.
    Refund,
    /// Midtrans: the QRIS is scanned but the money is not there yet.
    PayLater,
    Settle,
    Expire,
    Days(i64),
}

/// A step, then the payment's state, whether the reader is a member, and
/// how many membership periods they have.
type Row = (Step, &'static str, bool, usize);

#[tokio::test]
async fn stripe_lifecycles_over_signed_webhooks() {
    use Step::*;
    #[rustfmt::skip]
    let cases: &[(&str, &[Row])] = &[
        // step, payment state after it, member?, membership periods
        ("new and renewed", &[(Join, "active", true, 1), (Renew, "active", true, 2), (Days(45), "active", true, 2), (Days(20), "active", false, 2)]),
        ("failed, grace, paid", &[(Join, "active", true, 1), (Days(33), "active", false, 1), (FailRenewal, "grace", true, 1), (Days(5), "grace", true, 1), (Renew, "active", true, 2)]),
        ("failed, grace runs out", &[(Join, "active", true, 1), (Days(33), "active", false, 1), (FailRenewal, "grace", true, 1), (Days(8), "grace", false, 1), (End, "ended", false, 1)]),
        ("cancelled keeps the period", &[(Join, "active", true, 1), (Cancel, "cancelled", true, 1), (Days(29), "cancelled", true, 1), (End, "ended", true, 1), (Days(4), "ended", false, 1)]),
        ("cancelled, then resumed", &[(Join, "active", true, 1), (Cancel, "cancelled", true, 1), (Resume, "active", true, 1), (Cancel, "cancelled", true, 1), (Resume, "active", true, 1), (Renew, "active", true, 2)]),
        ("refunded", &[(Join, "active", true, 1), (Refund, "refunded", false, 1), (Renew, "refunded", false, 1)]),
        ("refunded during grace", &[(Join, "active", true, 1), (Days(33), "active", false, 1), (FailRenewal, "grace", true, 1), (Refund, "refunded", false, 1)]),
    ];
    for (name, steps) in cases {
        let ps = pay_site().await;
        let site = &ps.site;
        let email = "kartu@contoh.id";
        let mut c = signed_in(site, email).await;
        let mut order = String::new();
        for (i, (step, want_state, want_member, want_periods)) in steps.iter().enumerate() {
            let sent = ps.standin.sent().len();
            match step {
                Join => {
                    let (o, page) = join(&mut c, "monthly", "card").await;
                    order = o;
                    assert!(!member(site, email).await, "{name}: a member before paying");
                    let back = click_pay(&page).await;
                    assert_eq!(back, format!("{}/plus/return?order={order}", ps.base));
                    let p = c.get(&format!("/plus/return?order={order}")).await;
                    assert!(p.body.contains("data-state=\"active\""), "{name}");
                }
                Renew | FailRenewal | End => {
                    let sub = ps.standin.subscription_of(&order).unwrap();
                    let what = match step {
                        Renew => "renew",
                        FailRenewal => "fail",
                        _ => "end",
                    };
                    control(&ps, &format!("stripe/{sub}/{what}")).await;
                }
                Cancel | Resume => {
                    let id = payment(site, &order).await.id;
                    let (what, notice) = match step {
                        Cancel => ("cancel", "cancelled"),
                        _ => ("resume", "resumed"),
                    };
                    let acct = c.get("/account").await.body;
                    assert!(
                        acct.contains(&format!("id=\"{what}-{id}\"")),
                        "{name}: no {what} button"
                    );
                    let p = c.post(&format!("/account/payments/{id}/{what}"), &[]).await;
                    assert_eq!(
                        p.header("location"),
                        format!("/account?notice=subscription_{notice}")
                    );
                    // Stripe also sends the same news as a webhook: no change.
                    settle(&ps, sent, 1).await;
                }
                Refund => {
                    refund_as_admin(&ps, &order, sent, 2).await;
                }
                Days(n) => site.app.clock.set(site.app.clock.now() + n * DAY),
                PayLater | Settle | Expire => unreachable!(),
            }
            let seen = (
                state(site, &order).await,
                member(site, email).await,
                periods(site, email).await,
            );
            let want = (want_state.to_string(), *want_member, *want_periods);
            assert_eq!(seen, want, "{name}, step {i} {step:?}");
        }
        assert_rebuilt(site, &order, name).await;
        // Every event the stand-in sent was answered 200.
        for (kind, status) in ps.standin.sent() {
            assert_eq!(status, 200, "{name}: {kind}");
        }
    }
}

#[tokio::test]
async fn midtrans_lifecycles_over_signed_notifications() {
    use Step::*;
    #[rustfmt::skip]
    let cases: &[(&str, &str, &[Row])] = &[
        ("QRIS settling later", "qris", &[(Join, "new", false, 0), (PayLater, "pending", false, 0), (Settle, "active", true, 1), (Days(31), "active", false, 1)]),
        ("bank transfer expired, paid on a new try", "bank_transfer", &[(Join, "new", false, 0), (PayLater, "pending", false, 0), (Expire, "expired", false, 0), (Days(1), "expired", false, 0), (Settle, "active", true, 1)]),
        ("e-wallet refunded", "ewallet", &[(Join, "new", false, 0), (Settle, "active", true, 1), (Refund, "refunded", false, 1), (Settle, "refunded", false, 1)]),
    ];
    for (name, method, steps) in cases {
        let ps = pay_site().await;
        let site = &ps.site;
        let email = "qris@contoh.id";
        let mut c = signed_in(site, email).await;
        let mut order = String::new();
        let mut snap = String::new();
        for (i, (step, want_state, want_member, want_periods)) in steps.iter().enumerate() {
            let sent = ps.standin.sent().len();
            match step {
                Join => (order, snap) = join(&mut c, "pass30", method).await,
                PayLater => {
                    let back = click_pay(&snap).await;
                    assert!(
                        back.starts_with(&format!("{}/plus/return?order={order}", ps.base)),
                        "{back}"
                    );
                    let p = c
                        .get(&format!(
                            "/plus/return?order={order}&order_id={order}&transaction_status=pending"
                        ))
                        .await;
                    assert!(
                        p.body.contains("http-equiv=\"refresh\""),
                        "{name}: the waiting page looks again"
                    );
                    let says = if *method == "bank_transfer" {
                        "beberapa jam"
                    } else {
                        "diperbarui sendiri"
                    };
                    assert!(p.body.contains(says), "{name}: {}", p.body);
                }
                Settle => control(&ps, &format!("midtrans/{order}/settlement")).await,
                Expire => control(&ps, &format!("midtrans/{order}/expire")).await,
                Refund => {
                    // Midtrans notifies the refund too: the same event id, a duplicate.
                    refund_as_admin(&ps, &order, sent, 1).await;
                }
                Days(n) => site.app.clock.set(site.app.clock.now() + n * DAY),
                _ => unreachable!(),
            }
            let seen = (
                state(site, &order).await,
                member(site, email).await,
                periods(site, email).await,
            );
            let want = (want_state.to_string(), *want_member, *want_periods);
            assert_eq!(seen, want, "{name}, step {i} {step:?}");
        }
        assert_rebuilt(site, &order, name).await;
    }
}

#[tokio::test]
async fn a_settled_payment_is_mailed_and_the_reader_is_reminded_once_before_it_ends() {
    let ps = pay_site().await;
    let site = &ps.site;
    let mut c = signed_in(site, "ingat@contoh.id").await;
    let (order, snap) = join(&mut c, "pass30", "qris").await;
    click_pay(&snap).await;
    let before = mails(site).await.len();
    control(&ps, &format!("midtrans/{order}/settlement")).await;
    let all = mails(site).await;
    assert_eq!(all.len(), before + 1);
    assert!(
        all.last()
            .unwrap()
            .contains("Pembayaran Anda sudah kami terima")
    );
    // The account page shows the payment, when it ends, and no cancel button
    // (a pass does not renew).
    let acct = c.get("/account").await.body;
    assert!(acct.contains("data-state=\"active\""));
    assert!(acct.contains("berakhir"), "{acct}");
    assert!(!acct.contains("Hentikan perpanjangan"));
    // Two days before the end: one reminder, however often the scheduler runs.
    site.app.clock.set(NOW + 28 * DAY);
    warta::server::run_scheduled(&site.app).await;
    warta::server::run_scheduled(&site.app).await;
    let all = mails(site).await;
    assert_eq!(all.len(), before + 2);
    assert!(
        all.last().unwrap().contains("segera berakhir"),
        "{}",
        all.last().unwrap()
    );
    assert!(all.last().unwrap().contains("/plus"));
}

#[tokio::test]
async fn members_read_without_ads_once_paid() {
    let ps = pay_site().await;
    let site = &ps.site;
    let a = site.rich_article().await;
    let url = format!(
        "/{}/{}",
        a["section"]["slug"].as_str().unwrap(),
        a["slug"].as_str().unwrap()
    );
    let mut c = signed_in(site, "iklan@contoh.id").await;
    assert!(c.get(&url).await.body.contains("data-ad-slot="));
    let (_, page) = join(&mut c, "yearly", "card").await;
    assert!(
        c.get(&url).await.body.contains("data-ad-slot="),
        "not before paying"
    );
    click_pay(&page).await;
    assert!(!c.get(&url).await.body.contains("data-ad-slot="));
}

/// Post a Stripe event signed at `t`; the site's answer.
async fn stripe_status(ps: &PaySite, body: &str, t: i64) -> u16 {
    stripe_post(ps, body, t)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Sign a Stripe event body as Stripe does, at time `t`.
fn stripe_post(ps: &PaySite, body: &str, t: i64) -> reqwest::RequestBuilder {
    http()
        .post(format!("{}/payments/stripe/webhook", ps.base))
        .header("stripe-signature", ps.standin.stripe_signature(body, t))
        .body(body.to_string())
}

#[tokio::test]
async fn forged_replayed_duplicated_and_out_of_order_events_change_nothing() {
    let ps = pay_site().await;
    let site = &ps.site;
    let email = "nakal@contoh.id";
    let mut c = signed_in(site, email).await;
    let (order, _) = join(&mut c, "monthly", "card").await;
    let session = payment(site, &order).await.checkout_ref;
    let checkout = |id: &str, session: &str, total: i64| {
        serde_json::json!({
            "id": id, "type": "checkout.session.completed",
            "data": {"object": {"object": "checkout.session", "id": session, "client_reference_id": order,
                "payment_status": "paid", "subscription": "sub_x", "customer": "cus_x",
                "amount_total": total, "currency": "idr"}}
        })
        .to_string()
    };
    // Monthly is Rp 30.000, which Stripe counts in hundredths.
    let completed = |id: &str| checkout(id, &session, 3_000_000);
    let now = site.app.clock.now();
    // Forged: signed with another secret.
    let body = completed("evt_forged");
    let forged = http()
        .post(format!("{}/payments/stripe/webhook", ps.base))
        .header(
            "stripe-signature",
            format!("t={now},v1={}", "ab".repeat(32)),
        )
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 400);
    // A real signature over another body.
    let tampered = http()
        .post(format!("{}/payments/stripe/webhook", ps.base))
        .header(
            "stripe-signature",
            ps.standin.stripe_signature(&completed("evt_other"), now),
        )
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(tampered.status(), 400);
    // Replayed: a good signature from six minutes ago.
    let replay = stripe_post(&ps, &body, now - 360).send().await.unwrap();
    assert_eq!(replay.status(), 400);
    assert!(!member(site, email).await);
    assert_eq!(state(site, &order).await, "new");
    assert!(
        site.app
            .store
            .payment_events_of(&order)
            .await
            .unwrap()
            .is_empty(),
        "refused events are not stored"
    );

    // Out of order: the first invoice before the completed session; then the
    // session, delivered twice. One period, not two or three.
    let invoice = serde_json::json!({
        "id": "evt_inv", "type": "invoice.paid",
        "data": {"object": {"object": "invoice", "billing_reason": "subscription_create",
            "subscription": "sub_x", "customer": "cus_x", "payment_intent": "pi_x",
            "subscription_details": {"metadata": {"order_id": order}}}}
    })
    .to_string();
    assert_eq!(stripe_status(&ps, &invoice, now).await, 200);
    assert!(
        !member(site, email).await,
        "the first invoice alone does not grant"
    );
    // Signed by Stripe, but another Checkout naming our order (a cheap
    // payment link with our client_reference_id), or ours for less money:
    // kept, refused, nothing granted.
    let link = checkout("evt_link", "cs_link", 3_000_000);
    assert_eq!(stripe_status(&ps, &link, now).await, 200);
    let cheap = checkout("evt_cheap", &session, 100_000);
    assert_eq!(stripe_status(&ps, &cheap, now).await, 200);
    assert!(
        !member(site, email).await,
        "a link or a cheaper checkout grants nothing"
    );
    let outcomes: Vec<String> = site
        .app
        .store
        .payment_events_of(&order)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.outcome)
        .collect();
    assert!(
        outcomes
            .iter()
            .any(|o| o.contains("checkout cs_link is not this order's")),
        "{outcomes:?}"
    );
    assert!(
        outcomes
            .iter()
            .any(|o| o.contains("refused: amount 1000 is not the order's 30000")),
        "{outcomes:?}"
    );
    let good = completed("evt_good");
    assert_eq!(stripe_status(&ps, &good, now).await, 200);
    let again = stripe_post(&ps, &good, now + 5).send().await.unwrap();
    assert_eq!(again.status(), 200);
    assert_eq!(
        again.json::<serde_json::Value>().await.unwrap()["duplicate"],
        true
    );
    assert!(member(site, email).await);
    assert_eq!(periods(site, email).await, 1);
    let p = site
        .app
        .store
        .payment_by_order(&order)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        p.charge_ref.as_deref(),
        Some("pi_x"),
        "refs from the early invoice were kept"
    );
    assert_eq!(p.provider_ref.as_deref(), Some("sub_x"));
    // Stop and resume come as subscription updates. A resume made before
    // the stop but delivered after it is stale and changes nothing.
    let updated = |id: &str, cancel: bool, created: i64| {
        serde_json::json!({
            "id": id, "type": "customer.subscription.updated", "created": created,
            "data": {"object": {"object": "subscription", "id": "sub_x", "cancel_at_period_end": cancel},
                     "previous_attributes": {"cancel_at_period_end": !cancel}}
        })
        .to_string()
    };
    let stop = updated("evt_stop", true, now);
    assert_eq!(stripe_status(&ps, &stop, now).await, 200);
    assert_eq!(state(site, &order).await, "cancelled");
    let old_resume = updated("evt_old_resume", false, now - 60);
    assert_eq!(stripe_status(&ps, &old_resume, now).await, 200);
    assert_eq!(state(site, &order).await, "cancelled", "a stale resume");
    let resume = updated("evt_resume", false, now + 1);
    assert_eq!(stripe_status(&ps, &resume, now).await, 200);
    assert_eq!(state(site, &order).await, "active");
    assert_eq!(periods(site, email).await, 1);

    // Midtrans: a bad signature_key, then a correctly signed notification
    // whose amount is not the order's.
    let (m_order, _) = join(&mut c, "pass30", "qris").await;
    let before = periods(site, email).await;
    let mut bad: serde_json::Value = serde_json::from_str(&ps.standin.midtrans_notification(
        "txn_1",
        &m_order,
        "settlement",
        "35000.00",
    ))
    .unwrap();
    bad["signature_key"] = "0".repeat(128).into();
    assert_eq!(ps.standin.send_midtrans(&bad.to_string()).await, 400);
    // The signature does not cover the status: a signed notification that
    // says "settlement" for an order Midtrans has as pending is taken as
    // Midtrans's own answer (pending), and grants nothing.
    let forged = ps
        .standin
        .midtrans_notification("txn_1", &m_order, "settlement", "35000.00");
    assert_eq!(ps.standin.send_midtrans(&forged).await, 200);
    assert_ne!(state(site, &m_order).await, "active");
    let events = site.app.store.payment_events_of(&m_order).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, "pending", "{}", events[0].payload);
    // Midtrans has the order settled for 1000: refused, whatever the
    // notification said.
    ps.standin
        .set_midtrans(&m_order, "settlement", Some("1000.00"));
    assert_eq!(ps.standin.send_midtrans(&forged).await, 200);
    assert_ne!(state(site, &m_order).await, "active");
    let events = site.app.store.payment_events_of(&m_order).await.unwrap();
    let refused = events.iter().find(|e| e.kind == "settlement").unwrap();
    assert!(
        refused.outcome.starts_with("refused: amount 1000"),
        "{}",
        refused.outcome
    );
    assert_eq!(periods(site, email).await, before);
    // A refused event is no precedent: the same status with the right
    // amount is not a duplicate of it, and is applied.
    ps.standin
        .set_midtrans(&m_order, "settlement", Some("35000.00"));
    assert_eq!(ps.standin.send_midtrans(&forged).await, 200);
    assert_eq!(state(site, &m_order).await, "active");
    assert_eq!(periods(site, email).await, before + 1);
    // Settlement before the pending that preceded it: pending changes nothing.
    let m_order2 = join(&mut c, "pass30", "ewallet").await.0;
    ps.standin.set_midtrans(&m_order2, "settlement", None);
    let settled = ps
        .standin
        .midtrans_notification("txn_2", &m_order2, "settlement", "35000.00");
    let pending = ps
        .standin
        .midtrans_notification("txn_2", &m_order2, "pending", "35000.00");
    assert_eq!(ps.standin.send_midtrans(&settled).await, 200);
    assert_eq!(ps.standin.send_midtrans(&pending).await, 200);
    assert_eq!(ps.standin.send_midtrans(&settled).await, 200);
    assert_eq!(state(site, &m_order2).await, "active");
    assert_eq!(
        periods(site, email).await,
        before + 2,
        "one period for each payment"
    );
    // A replayed settlement with a new transaction id (outside the
    // signature) is the same event: no second period for one pass.
    let replayed =
        ps.standin
            .midtrans_notification("txn_other", &m_order2, "settlement", "35000.00");
    assert_eq!(ps.standin.send_midtrans(&replayed).await, 200);
    assert_eq!(
        periods(site, email).await,
        before + 2,
        "a replay buys nothing"
    );
    // An order Midtrans does not know: refused, nothing stored or granted.
    let stranger =
        ps.standin
            .midtrans_notification("txn_3", "W1-000000000000", "settlement", "35000.00");
    assert_eq!(ps.standin.send_midtrans(&stranger).await, 400);
    assert!(
        site.app
            .store
            .payment_events_of("W1-000000000000")
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn an_event_stored_before_a_crash_is_applied_once_after_restart() {
    let ps = pay_site().await;
    let site = &ps.site;
    let email = "crash@contoh.id";
    let mut c = signed_in(site, email).await;
    let (order, _) = join(&mut c, "pass30", "qris").await;
    // The node verified and stored the settlement, then died before applying it.
    ps.standin.set_midtrans(&order, "settlement", None);
    let body = ps
        .standin
        .midtrans_notification("txn_9", &order, "settlement", "35000.00");
    let (id, fresh) = site
        .app
        .store
        .record_payment_event(
            &NewPaymentEvent {
                provider: "midtrans".into(),
                event_id: format!("{order}:settlement"),
                kind: "settlement".into(),
                order_id: Some(order.clone()),
                payload: body.clone(),
            },
            NOW,
        )
        .await
        .unwrap();
    assert!(fresh);
    // Two new processes on the same store race to apply what waits (their
    // schedulers, and these explicit calls), while Midtrans retries the
    // notification: it is applied once.
    let restart = || {
        let app = warta::server::build_app(
            site.app.cfg.clone(),
            site.app.store.clone(),
            site.dir.path().to_path_buf(),
        )
        .unwrap();
        app.clock.set(NOW);
        app
    };
    let (one, two) = (restart(), restart());
    let (a, b, retry) = tokio::join!(
        warta::services::payments::apply_stored(&one, id),
        warta::services::payments::apply_stored(&two, id),
        ps.standin.send_midtrans(&body)
    );
    let applied = [a.unwrap(), b.unwrap()]
        .iter()
        .filter(|r| **r == warta::store::payments::StepResult::Applied)
        .count();
    assert!(applied <= 1, "applied {applied} times");
    assert_eq!(retry, 200);
    assert_eq!(warta::services::payments::apply_pending(&one).await, 0);
    assert!(member(site, email).await);
    assert_eq!(periods(site, email).await, 1);
    assert_eq!(state(site, &order).await, "active");
    let events = site.app.store.payment_events_of(&order).await.unwrap();
    assert_eq!(events.len(), 1, "the retry was not stored again");
    assert!(events[0].applied_at.is_some());
}

#[tokio::test]
async fn operators_see_payments_with_their_events_and_can_grant() {
    let ps = pay_site().await;
    let site = &ps.site;
    let mut c = signed_in(site, "lihat@contoh.id").await;
    let (order, page) = join(&mut c, "monthly", "card").await;
    click_pay(&page).await;
    // A card subscriber manages the card in Stripe's customer portal.
    let id = payment(site, &order).await.id;
    let portal = c.post(&format!("/account/payments/{id}/portal"), &[]).await;
    assert_eq!(
        portal.header("location"),
        format!("{}/portal", ps.standin.base)
    );
    // Someone else's order is nobody's business; a signed-out reader comes
    // back to it after signing in.
    let mut other = signed_in(site, "lain@contoh.id").await;
    assert_eq!(
        other
            .get(&format!("/plus/return?order={order}"))
            .await
            .status,
        404
    );
    let anon = Client::new(site)
        .get(&format!("/plus/return?order={order}"))
        .await;
    assert_eq!(
        anon.header("location"),
        format!("/login?next=%2Fplus%2Freturn%3Forder%3D{order}")
    );
    // Readers cannot see the operators' page.
    assert_eq!(c.get("/admin/payments").await.status, 403);
    let mut a = admin(site).await;
    let list = a.get("/admin/payments").await.body;
    assert!(list.contains(&order));
    assert!(list.contains("checkout.session.completed"));
    assert!(
        list.contains("paid: new -&gt; active, period granted"),
        "{list}"
    );
    add_reader(site, "hadiah@contoh.id", PW, true).await;
    let p = a
        .post(
            "/admin/payments/grant",
            &[
                ("email", "hadiah@contoh.id"),
                ("plan", "monthly"),
                ("days", "14"),
            ],
        )
        .await;
    assert_eq!(p.header("location"), "/admin/payments?notice=granted");
    assert!(member(site, "hadiah@contoh.id").await);
    let audit = a.get("/admin/audit?action=membership").await.body;
    assert!(audit.contains("membership.grant"), "{audit}");
    // A subscriber who deletes their account is not charged again.
    let gone = c.post("/account/delete", &[("password", PW)]).await;
    assert_eq!(gone.status, 303, "{}", gone.body);
    assert_eq!(state(site, &order).await, "ended");
}

#[tokio::test]
async fn an_unreachable_provider_is_a_clear_error_and_charges_nothing() {
    let mut cfg = warta::config::Config::default();
    cfg.payments.stripe = Some(warta::config::StripeConfig {
        api_base: "http://127.0.0.1:9".into(),
        secret_key: "sk".into(),
        ..Default::default()
    });
    let site = crate::common::demo_site_with(cfg).await;
    let mut c = signed_in(&site, "putus@contoh.id").await;
    let plans = c.get("/plus").await.body;
    assert!(plans.contains("id=\"join-monthly\""));
    let p = c
        .post("/plus/checkout", &[("plan", "monthly"), ("method", "card")])
        .await;
    assert_eq!(p.status, 502);
    assert!(p.body.contains("Anda tidak ditagih"), "{}", p.body);
    assert!(site.app.store.recent_payments(10).await.unwrap().is_empty());
    // A method that is not enabled is refused, not guessed.
    let p = c
        .post("/plus/checkout", &[("plan", "monthly"), ("method", "qris")])
        .await;
    assert_eq!(p.status, 400);
}

#[tokio::test]
async fn the_check_command_names_payments_their_events_disagree_with() {
    use warta::store::payments::{NewPayment, PaymentStep, PaymentUpdate};
    let data = tempfile::tempdir().unwrap();
    let st = warta::store::sqlite::SqliteStore::open_dir(data.path())
        .await
        .unwrap();
    use warta::store::Store;
    st.migrate().await.unwrap();
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_warta"))
            .args(["payments", "check", "--data"])
            .arg(data.path())
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };
    let reader =
        warta::store::readers::ReaderStore::create_reader(&st, "cek@x.id", "h", "", Some(NOW), NOW)
            .await
            .unwrap();
    let p = warta::store::payments::PaymentStore::create_payment(
        &st,
        &NewPayment {
            order_id: "W1-cek".into(),
            reader_id: reader,
            provider: "midtrans".into(),
            method: "qris".into(),
            plan_id: "pass30".into(),
            amount: 35_000,
            currency: "IDR".into(),
            recurring: false,
            checkout_ref: String::new(),
            checkout_url: String::new(),
        },
        NOW,
    )
    .await
    .unwrap();
    let ok = run();
    assert!(ok.status.success());
    assert!(String::from_utf8_lossy(&ok.stdout).contains("1 payments checked, 0 differ"));
    // The provider said "expire", yet the row says active.
    let (id, _) = warta::store::payments::PaymentStore::record_payment_event(
        &st,
        &NewPaymentEvent {
            provider: "midtrans".into(),
            event_id: "t:expire".into(),
            kind: "expire".into(),
            order_id: Some("W1-cek".into()),
            payload: r#"{"order_id":"W1-cek","transaction_status":"expire"}"#.into(),
        },
        NOW,
    )
    .await
    .unwrap();
    warta::store::payments::PaymentStore::commit_payment_step(
        &st,
        &PaymentStep {
            event: id,
            outcome: "tampered".into(),
            order_id: None,
            update: Some(PaymentUpdate {
                payment_id: p.id,
                expected_version: 0,
                state: "active".into(),
                ..PaymentUpdate::default()
            }),
        },
        NOW,
    )
    .await
    .unwrap();
    let bad = run();
    assert_eq!(bad.status.code(), Some(1));
    let out = String::from_utf8_lossy(&bad.stdout);
    assert!(
        out.contains("W1-cek: stored active, its events say expired"),
        "{out}"
    );
}

#[tokio::test]
async fn two_passes_settled_at_once_queue_one_after_the_other() {
    let ps = pay_site().await;
    let site = &ps.site;
    let email = "dua-pass@contoh.id";
    let mut c = signed_in(site, email).await;
    let (one, _) = join(&mut c, "pass30", "qris").await;
    let (two, _) = join(&mut c, "pass30", "ewallet").await;
    let (a, b) = (
        format!("midtrans/{one}/settlement"),
        format!("midtrans/{two}/settlement"),
    );
    tokio::join!(control(&ps, &a), control(&ps, &b));
    let reader = site
        .app
        .store
        .reader_by_email(email)
        .await
        .unwrap()
        .unwrap();
    let mut ms = site.app.store.memberships(reader.id).await.unwrap();
    ms.sort_by_key(|m| m.starts_at);
    assert_eq!(ms.len(), 2);
    assert_eq!(ms[0].starts_at, NOW);
    assert_eq!(ms[1].starts_at, ms[0].ends_at, "no paid day overlaps");
    assert_eq!(ms[1].ends_at, NOW + 60 * DAY);
}
