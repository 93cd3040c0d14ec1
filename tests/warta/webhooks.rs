//! Webhooks against a local receiver: signed, retried with backoff after a
//! failure, each event delivered once, in order.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::{Client, NOW, TestSite};
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};

#[derive(Default)]
struct Receiver {
    got: Vec<(HeaderMap, String)>,
    /// Statuses to answer with, in order; then 200.
    answers: Vec<u16>,
}

async fn receiver() -> (String, Arc<Mutex<Receiver>>) {
    let state = Arc::new(Mutex::new(Receiver::default()));
    let s = state.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let s = s.clone();
            async move {
                let mut r = s.lock().unwrap();
                r.got.push((headers, body));
                let code = if r.answers.is_empty() {
                    200
                } else {
                    r.answers.remove(0)
                };
                StatusCode::from_u16(code).unwrap()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, state)
}

async fn site_with_hook(url: &str) -> TestSite {
    let cfg: warta::config::Config = toml::from_str(&format!(
        "[[webhooks]]\nurl = \"{url}\"\nsecret = \"rahasia-webhook\"\n"
    ))
    .unwrap();
    crate::common::demo_site_with(cfg).await
}

async fn token(site: &TestSite) -> String {
    crate::common::api_token(site, "cms", &["articles:write", "articles:publish"]).await
}

/// Run deliveries (the background loop may also be sending) until the
/// receiver has `n` requests.
async fn wait_for(site: &TestSite, rx: &Arc<Mutex<Receiver>>, n: usize) {
    let http = warta::services::webhooks::client();
    let deadline = Instant::now() + Duration::from_secs(10);
    while rx.lock().unwrap().got.len() < n {
        warta::services::webhooks::run_once(&site.app, &http).await;
        assert!(Instant::now() < deadline, "expected {n} webhook requests");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn article_events_are_signed_retried_and_delivered_once() {
    let (url, rx) = receiver().await;
    rx.lock().unwrap().answers = vec![500];
    let site = site_with_hook(&url).await;
    let t = token(&site).await;
    let auth = format!("Bearer {t}");
    let p = Client::new(&site)
        .post_json(
            "/api/v1/admin/articles",
            json!({
                "title": "Webhook Pertama",
                "section": "nasional",
                "status": "published",
                "contributors": [{"name": "Rina", "role": "writer"}],
                "body": [{"type": "paragraph", "text": "Isi."}]
            }),
            &[("authorization", auth.as_str())],
        )
        .await;
    assert_eq!(p.status, 201, "{}", p.body);

    // The first attempt fails (500); nothing more until the backoff passes.
    wait_for(&site, &rx, 1).await;
    let http = warta::services::webhooks::client();
    for _ in 0..3 {
        warta::services::webhooks::run_once(&site.app, &http).await;
    }
    assert_eq!(
        rx.lock().unwrap().got.len(),
        1,
        "not retried before its time"
    );
    site.app
        .clock
        .set(NOW + warta::services::webhooks::backoff(1) + 1);
    wait_for(&site, &rx, 2).await;

    let (headers, body) = rx.lock().unwrap().got[1].clone();
    assert_eq!(headers["warta-event"], "article.published");
    let sig = headers["warta-signature"].to_str().unwrap().to_string();
    let (t_part, v1) = sig.split_once(",v1=").unwrap();
    let ts: i64 = t_part.trim_start_matches("t=").parse().unwrap();
    assert_eq!(ts, NOW + warta::services::webhooks::backoff(1) + 1);
    assert_eq!(
        v1,
        warta::services::webhooks::sign("rahasia-webhook", ts, &body),
        "signed over t.body"
    );
    assert_ne!(v1, warta::services::webhooks::sign("tebakan", ts, &body));
    let event: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(event["event"], "article.published");
    assert_eq!(event["article"]["slug"], "webhook-pertama");
    assert_eq!(
        event["article"]["url"],
        "http://127.0.0.1:8080/nasional/webhook-pertama"
    );

    // An update and an unpublish: two more events, in order, once each.
    let uri = "/api/v1/admin/articles/webhook-pertama";
    let mut c = Client::new(&site);
    let body = json!({"title": "Webhook Pertama (Diperbarui)"}).to_string();
    let p = c
        .send(
            "PATCH",
            uri,
            Some(("application/json", body)),
            &[("authorization", auth.as_str()), ("if-match", "*")],
        )
        .await;
    assert_eq!(p.status, 200, "{}", p.body);
    let body = json!({"status": "unpublished"}).to_string();
    let p = c
        .send(
            "PATCH",
            uri,
            Some(("application/json", body)),
            &[("authorization", auth.as_str()), ("if-match", "*")],
        )
        .await;
    assert_eq!(p.status, 200, "{}", p.body);
    wait_for(&site, &rx, 4).await;
    for _ in 0..3 {
        warta::services::webhooks::run_once(&site.app, &http).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let got = rx.lock().unwrap();
    let events: Vec<String> = got
        .got
        .iter()
        .map(|(h, _)| h["warta-event"].to_str().unwrap().to_string())
        .collect();
    assert_eq!(
        events,
        [
            "article.published",
            "article.published",
            "article.updated",
            "article.unpublished"
        ],
        "one retry, then each event once"
    );
}
