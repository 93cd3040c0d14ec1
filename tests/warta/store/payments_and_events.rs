//! The store's payments, its one period writer under concurrency, and the
//! event stream, on both backends.

#![allow(unused_imports)]
use super::*;

#[tokio::test]
async fn payments_events_are_stored_once_and_applied_once() {
    use warta::store::payments::{
        MembershipChange, NewPayment, NewPaymentEvent, PaymentStep, PaymentUpdate, StepResult,
    };
    for (name, st, _db) in backends().await {
        let reader = st
            .create_reader("bayar@x.id", "h", "", Some(NOW), NOW)
            .await
            .unwrap();
        let p = st
            .create_payment(
                &NewPayment {
                    order_id: "W1-aaaa".into(),
                    reader_id: reader,
                    provider: "midtrans".into(),
                    method: "qris".into(),
                    plan_id: "pass30".into(),
                    amount: 35_000,
                    currency: "IDR".into(),
                    recurring: false,
                    checkout_ref: "snap_1".into(),
                    checkout_url: "https://snap/1".into(),
                },
                NOW,
            )
            .await
            .unwrap();
        assert_eq!((p.state.as_str(), p.version), ("new", 0), "{name}");
        let e = NewPaymentEvent {
            provider: "midtrans".into(),
            event_id: "txn_1:settlement".into(),
            kind: "settlement".into(),
            order_id: None,
            payload: "{}".into(),
        };
        let (id, fresh) = st.record_payment_event(&e, NOW).await.unwrap();
        assert!(fresh, "{name}");
        assert_eq!(
            st.record_payment_event(&e, NOW + 1).await.unwrap(),
            (id, false),
            "{name}: a duplicate is the same row"
        );
        assert_eq!(st.unapplied_payment_events(10).await.unwrap().len(), 1);
        let grant = |version| PaymentStep {
            event: id,
            outcome: "paid".into(),
            order_id: Some("W1-aaaa".into()),
            update: Some(PaymentUpdate {
                payment_id: p.id,
                expected_version: version,
                state: "active".into(),
                period_end: Some(NOW + 30 * 86_400),
                change: Some(MembershipChange::Grant(
                    warta::domain::membership::PeriodRequest::new(
                        "pass30",
                        Source::Payment,
                        30,
                        "W1-aaaa",
                    ),
                )),
                ..PaymentUpdate::default()
            }),
        };
        // Decided on an old version: refused whole, the event stays unapplied.
        assert_eq!(
            st.commit_payment_step(&grant(7), NOW).await.unwrap(),
            StepResult::Moved,
            "{name}"
        );
        assert!(st.memberships(reader).await.unwrap().is_empty(), "{name}");
        assert_eq!(st.unapplied_payment_events(10).await.unwrap().len(), 1);
        // A period added since the step was decided (a grant, say) is not
        // overlapped: the paid one is placed after it when it is written.
        let granted = st
            .add_period(
                reader,
                &warta::domain::membership::PeriodRequest::new("monthly", Source::Grant, 5, "t"),
                NOW,
            )
            .await
            .unwrap();
        assert_eq!(
            st.commit_payment_step(&grant(0), NOW).await.unwrap(),
            StepResult::Applied
        );
        assert_eq!(
            st.commit_payment_step(&grant(1), NOW).await.unwrap(),
            StepResult::AlreadyApplied,
            "{name}: applied once"
        );
        let periods = st.memberships(reader).await.unwrap();
        assert_eq!(periods.len(), 2, "{name}");
        let paid = periods
            .iter()
            .find(|m| m.source == Source::Payment)
            .unwrap();
        assert_eq!(
            paid.starts_at, granted.ends_at,
            "{name}: queued after the grant"
        );
        assert_eq!(
            st.payment(p.id).await.unwrap().unwrap().period_end,
            Some(paid.ends_at),
            "{name}: the payment knows where its period ends"
        );
        let ev = st.payment_events_of("W1-aaaa").await.unwrap();
        assert_eq!(ev.len(), 1, "{name}: the event now names its order");
        assert_eq!(ev[0].applied_at, Some(NOW));
        let p = st.payment(p.id).await.unwrap().unwrap();
        assert_eq!((p.state.as_str(), p.version), ("active", 1), "{name}");
        // Grace, cancel and revoke act on the payment's period.
        for (i, (change, status)) in [
            (
                MembershipChange::Grace {
                    until: NOW + 40 * 86_400,
                },
                "grace",
            ),
            (MembershipChange::Cancel, "cancelled"),
            (MembershipChange::Revoke, "revoked"),
        ]
        .into_iter()
        .enumerate()
        {
            let (eid, _) = st
                .record_payment_event(
                    &NewPaymentEvent {
                        event_id: format!("e{i}"),
                        ..e.clone()
                    },
                    NOW,
                )
                .await
                .unwrap();
            let step = PaymentStep {
                event: eid,
                outcome: status.into(),
                order_id: None,
                update: Some(PaymentUpdate {
                    payment_id: p.id,
                    expected_version: 1 + i as i64,
                    state: status.into(),
                    change: Some(change),
                    ..PaymentUpdate::default()
                }),
            };
            assert_eq!(
                st.commit_payment_step(&step, NOW).await.unwrap(),
                StepResult::Applied,
                "{name} {status}"
            );
            let m = &st.memberships(reader).await.unwrap()[0];
            assert_eq!(m.status.as_str(), status, "{name}");
        }
        assert_eq!(
            st.payment_by_ref("midtrans", warta::store::payments::RefColumn::Provider, "x")
                .await
                .unwrap(),
            None
        );
    }
}

/// The one period writer: a payment settling, a code redeemed and a grant,
/// for one reader at the same instant, leave three periods one after
/// another, on both backends (SQLite as a file, so the writers really run
/// on separate connections).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_payment_a_code_and_a_grant_at_once_queue_one_after_another() {
    use warta::domain::membership::PeriodRequest;
    use warta::store::payments::{
        MembershipChange, NewPayment, NewPaymentEvent, PaymentStep, PaymentUpdate, StepResult,
    };
    let dir = tempfile::tempdir().unwrap();
    let file: Arc<dyn Backend> = Arc::new(SqliteStore::open_dir(dir.path()).await.unwrap());
    let db = PgDatabase::create().await;
    let pg: Arc<dyn Backend> = Arc::new(
        warta::store::postgres::PgStore::connect(&db.url)
            .await
            .unwrap(),
    );
    for (name, st) in [("sqlite file", file), ("postgres", pg)] {
        st.migrate().await.unwrap();
        for round in 0..5 {
            let reader = st
                .create_reader(&format!("antre{round}@x.id"), "h", "", Some(NOW), NOW)
                .await
                .unwrap();
            let code = format!("ANTRE{round}");
            st.create_redeem_code(
                &RedeemCode {
                    code: code.clone(),
                    plan_id: "pass30".into(),
                    days: 30,
                    max_uses: 1,
                    uses: 0,
                    expires_at: NOW + 60,
                },
                "test",
                NOW,
            )
            .await
            .unwrap();
            let order = format!("W1-antre{round}");
            let p = st
                .create_payment(
                    &NewPayment {
                        order_id: order.clone(),
                        reader_id: reader,
                        provider: "midtrans".into(),
                        method: "qris".into(),
                        plan_id: "pass30".into(),
                        amount: 35_000,
                        currency: "IDR".into(),
                        recurring: false,
                        checkout_ref: format!("snap_{round}"),
                        checkout_url: "https://snap/x".into(),
                    },
                    NOW,
                )
                .await
                .unwrap();
            let (event, _) = st
                .record_payment_event(
                    &NewPaymentEvent {
                        provider: "midtrans".into(),
                        event_id: format!("{order}:settlement"),
                        kind: "settlement".into(),
                        order_id: Some(order.clone()),
                        payload: "{}".into(),
                    },
                    NOW,
                )
                .await
                .unwrap();
            let step = PaymentStep {
                event,
                outcome: "paid".into(),
                order_id: Some(order.clone()),
                update: Some(PaymentUpdate {
                    payment_id: p.id,
                    expected_version: 0,
                    state: "active".into(),
                    change: Some(MembershipChange::Grant(PeriodRequest::new(
                        "pass30",
                        Source::Payment,
                        30,
                        &order,
                    ))),
                    ..PaymentUpdate::default()
                }),
            };
            let (a, b, c) = tokio::join!(
                tokio::spawn({
                    let st = st.clone();
                    async move { st.commit_payment_step(&step, NOW).await }
                }),
                tokio::spawn({
                    let st = st.clone();
                    let code = code.clone();
                    async move { st.redeem(&code, reader, NOW).await }
                }),
                tokio::spawn({
                    let st = st.clone();
                    async move {
                        st.add_period(
                            reader,
                            &PeriodRequest::new("monthly", Source::Grant, 30, "redaksi"),
                            NOW,
                        )
                        .await
                    }
                }),
            );
            assert_eq!(a.unwrap().unwrap(), StepResult::Applied, "{name}");
            assert!(b.unwrap().unwrap().is_ok(), "{name}");
            c.unwrap().unwrap();
            let mut periods = st.memberships(reader).await.unwrap();
            periods.sort_by_key(|m| m.starts_at);
            assert_eq!(periods.len(), 3, "{name}");
            assert_eq!(periods[0].starts_at, NOW, "{name}");
            for w in periods.windows(2) {
                assert_eq!(
                    w[0].ends_at, w[1].starts_at,
                    "{name} round {round}: {:?} overlaps or leaves a gap before {:?}",
                    w[0], w[1]
                );
            }
            assert_eq!(periods[2].ends_at, NOW + 90 * 86_400, "{name}");
        }
    }
}

/// The event stream: each consumer reads at its own pace from its own mark,
/// one node at a time (a lease), and resumes where it stopped, seeing a
/// batch again if it failed before saying it was done.
#[tokio::test]
async fn consumers_read_the_event_stream_at_their_own_pace() {
    for (name, st, _db) in backends().await {
        // A notifier starts from the next event; an index from the first.
        assert!(
            st.claim_events("notifier", false, NOW, 60, 10)
                .await
                .unwrap()
                .is_empty()
        );
        let mut ids = Vec::new();
        for i in 0..5 {
            ids.push(
                st.record_event("test.happened", &format!("s{i}"), "{}", NOW + i)
                    .await
                    .unwrap(),
            );
        }
        let first = st
            .claim_events("notifier", false, NOW, 60, 3)
            .await
            .unwrap();
        let subjects: Vec<&str> = first.iter().map(|e| e.subject.as_str()).collect();
        assert_eq!(subjects, ["s0", "s1", "s2"], "{name}");
        // Another node finds the consumer busy.
        assert!(
            st.claim_events("notifier", false, NOW, 60, 3)
                .await
                .unwrap()
                .is_empty(),
            "{name}: leased"
        );
        // Another consumer is not held back by it.
        let index = st.claim_events("index", true, NOW, 60, 100).await.unwrap();
        assert!(index.iter().any(|e| e.subject == "s4"), "{name}");
        st.ack_events("index", index.last().unwrap().id)
            .await
            .unwrap();
        st.ack_events("notifier", first[2].id).await.unwrap();
        // The rest; this node fails before saying it is done...
        let rest = st
            .claim_events("notifier", false, NOW, 60, 10)
            .await
            .unwrap();
        assert_eq!(rest.len(), 2, "{name}");
        st.release_events("notifier").await.unwrap();
        // ...so the same events come again (to whichever node asks).
        let again = st
            .claim_events("notifier", false, NOW + 1, 60, 10)
            .await
            .unwrap();
        assert_eq!(again, rest, "{name}: at least once");
        st.ack_events("notifier", again[1].id).await.unwrap();
        assert!(
            st.claim_events("notifier", false, NOW + 2, 60, 10)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(st.consumer_mark("notifier").await.unwrap(), Some(ids[4]));
        // A node that died holding the lease: after it runs out, the next
        // batch is taken from the mark.
        st.record_event("test.happened", "s5", "{}", NOW)
            .await
            .unwrap();
        let held = st
            .claim_events("notifier", false, NOW + 10, 60, 10)
            .await
            .unwrap();
        assert_eq!(held.len(), 1);
        assert!(
            st.claim_events("notifier", false, NOW + 30, 60, 10)
                .await
                .unwrap()
                .is_empty()
        );
        let taken_over = st
            .claim_events("notifier", false, NOW + 71, 60, 10)
            .await
            .unwrap();
        assert_eq!(taken_over, held, "{name}: another node takes over");
    }
}

/// Changes tell the stream in their own transaction: a membership period
/// and a comment each leave an event.
#[tokio::test]
async fn periods_and_comments_are_events() {
    for (name, st, _db) in backends().await {
        let reader = st
            .create_reader("peristiwa@x.id", "h", "", Some(NOW), NOW)
            .await
            .unwrap();
        st.claim_events("t", false, NOW, 60, 1).await.unwrap();
        st.add_period(
            reader,
            &warta::domain::membership::PeriodRequest::new("monthly", Source::Grant, 30, "t"),
            NOW,
        )
        .await
        .unwrap();
        let ev = st.claim_events("t", false, NOW, 60, 10).await.unwrap();
        assert_eq!(ev.len(), 1, "{name}");
        assert_eq!(ev[0].kind, "membership.started");
        assert_eq!(ev[0].subject, format!("reader:{reader}"));
        let payload: serde_json::Value = serde_json::from_str(&ev[0].payload).unwrap();
        assert_eq!(payload["plan"], "monthly");
        assert_eq!(payload["ends_at"], NOW + 30 * 86_400);
    }
}
