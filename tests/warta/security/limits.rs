#![allow(unused_imports)]
use super::*;
use crate::common::{
    Client, NOW, TestSite, add_reader, demo_site, demo_site_with, set_role, test_config,
};
use serde_json::{Value, json};
use std::time::Duration;
use warta::config::Config;
use warta::domain::newsroom::{SCOPES, StaffRole, StoryStatus};
use warta::services::newsroom::{Change, Desk, Principal, Timing};

// ---- 6. Transport ----

#[tokio::test]
async fn https_sites_send_hsts_and_host_only_cookies() {
    let cfg = Config {
        base_url: "https://kabar.example".into(),
        ..test_config()
    };
    let site = demo_site_with(cfg).await;
    let mut c = Client::new(&site);
    let p = c.get("/login").await;
    assert!(
        p.header("strict-transport-security")
            .starts_with("max-age=")
    );
    let cookies: Vec<&str> = p
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert!(
        cookies.iter().any(|c| c.starts_with("__Host-warta_csrf=")
            && c.contains("Secure")
            && c.contains("Path=/")),
        "{cookies:?}"
    );
    let p = c.get("/?lang=en").await;
    let lang = p.header("set-cookie");
    assert!(
        lang.starts_with("lang=en") && lang.contains("Secure"),
        "{lang}"
    );
    // Plain http sites (development) keep plain names and no HSTS.
    let plain = demo_site().await;
    let p = Client::new(&plain).get("/login").await;
    assert_eq!(p.header("strict-transport-security"), "");
    assert!(p.header("set-cookie").starts_with("warta_csrf="));
}

/// 200 slowloris connections used to stay open for ever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_are_dropped_and_connections_are_limited() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let site = demo_site().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let limits = warta::config::ServerConfig {
        header_timeout_secs: 1,
        idle_timeout_secs: 2,
        request_timeout_secs: 5,
        max_connections: 60,
    };
    let router = site.router.clone();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        warta::transport::serve(listener, router, &limits, async {
            let _ = stop_rx.await;
        })
        .await
    });
    // 50 clients send a request line and then a header byte every 300 ms.
    let mut slow = Vec::new();
    for _ in 0..50 {
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").await.unwrap();
        slow.push(s);
    }
    let start = std::time::Instant::now();
    let mut closed = 0;
    while start.elapsed() < Duration::from_secs(4) && closed < slow.len() {
        closed = 0;
        for s in &mut slow {
            if s.write_all(b"X-Slow: 1\r\n").await.is_err() {
                closed += 1;
                continue;
            }
            let mut buf = [0u8; 512];
            match tokio::time::timeout(Duration::from_millis(5), s.read(&mut buf)).await {
                Ok(Ok(0)) | Ok(Err(_)) => closed += 1,
                Ok(Ok(_)) => {} // an error answer; the close follows
                Err(_) => {}
            }
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert_eq!(closed, slow.len(), "every slow client was dropped");
    // The slots they held are free again: a normal request is answered.
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut out = String::new();
    tokio::time::timeout(Duration::from_secs(5), s.read_to_string(&mut out))
        .await
        .unwrap()
        .unwrap();
    assert!(out.starts_with("HTTP/1.1 200"), "{out}");
    // A connection that is idle between requests is closed too.
    let mut idle = tokio::net::TcpStream::connect(addr).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = vec![0u8; 4096];
    let n = idle.read(&mut buf).await.unwrap();
    assert!(n > 0);
    let rest = tokio::time::timeout(Duration::from_secs(5), idle.read(&mut buf)).await;
    assert!(
        matches!(rest, Ok(Ok(0)) | Ok(Err(_))),
        "an idle connection is closed: {rest:?}"
    );
    let _ = stop_tx.send(());
    server.await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_past_the_limit_wait_for_a_free_slot() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let site = demo_site().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let limits = warta::config::ServerConfig {
        header_timeout_secs: 30,
        idle_timeout_secs: 30,
        request_timeout_secs: 30,
        max_connections: 2,
    };
    let router = site.router.clone();
    tokio::spawn(async move {
        warta::transport::serve(listener, router, &limits, std::future::pending()).await
    });
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        let mut buf = [0u8; 1024];
        assert!(s.read(&mut buf).await.unwrap() > 0);
        held.push(s);
    }
    // Both slots are held by kept-alive connections: a third waits.
    let mut third = tokio::net::TcpStream::connect(addr).await.unwrap();
    third
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut out = String::new();
    let waited =
        tokio::time::timeout(Duration::from_millis(500), third.read_to_string(&mut out)).await;
    assert!(waited.is_err(), "served past the limit: {out}");
    drop(held.pop());
    tokio::time::timeout(Duration::from_secs(5), third.read_to_string(&mut out))
        .await
        .unwrap()
        .unwrap();
    assert!(out.starts_with("HTTP/1.1 200"), "{out}");
}

// ---- 7. Media decoding within a budget ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_uploads_decode_within_the_pixel_budget() {
    let cfg = Config {
        media_decode_megapixels: 40,
        ..test_config()
    };
    let site = demo_site_with(cfg).await;
    // A 4000x3000 PNG of one colour: a few kilobytes that decode to 48 MB.
    let img = image::RgbImage::from_pixel(4000, 3000, image::Rgb([40, 90, 160]));
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    assert!(png.len() < 200_000);
    let t = token(&site, &["media:write"]).await;
    let auth = format!("Bearer {t}");
    let uploads = (0..6).map(|i| {
        let site = &site;
        let auth = auth.clone();
        // Six distinct files (the library stores by content).
        let mut body = png.clone();
        body.extend_from_slice(format!("warta-{i}").as_bytes());
        async move {
            let req = axum::http::Request::post("/api/v1/admin/media?alt=Biru")
                .header("authorization", auth.as_str())
                .header("content-type", "image/png")
                .body(axum::body::Body::from(body))
                .unwrap();
            tower::ServiceExt::oneshot(site.router.clone(), req)
                .await
                .unwrap()
                .status()
        }
    });
    let statuses = futures_join_all(uploads).await;
    assert!(statuses.iter().all(|s| s.as_u16() == 201), "{statuses:?}");
    let high = site.app.decode_budget.high_water();
    assert!(high <= 40, "decoded {high} MP at once");
    assert!(high >= 12, "something was decoded");
}

async fn futures_join_all<F: std::future::Future>(fs: impl Iterator<Item = F>) -> Vec<F::Output> {
    let handles: Vec<_> = fs.collect();
    let mut out = Vec::new();
    // Run them together: poll all futures concurrently on this task.
    let mut pinned: Vec<std::pin::Pin<Box<F>>> = handles.into_iter().map(Box::pin).collect();
    let mut done: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in pinned.iter_mut().enumerate() {
            if done[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => done[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    for d in done {
        out.push(d.unwrap());
    }
    out
}
