//! PostgreSQL goes away under read load and Warta recovers by itself: first
//! every connection is killed (what a restart does to clients, SQLSTATE
//! 57P01), then the server itself is restarted. This binary has one test,
//! so nothing else runs while the server restarts.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::common::{NOW, PgDatabase};

struct Load {
    ok: AtomicUsize,
    failed: AtomicUsize,
    stop: AtomicBool,
}

/// Wait until 20 requests in a row succeed; how long it took.
async fn recovered(http: &reqwest::Client, base: &str) -> Duration {
    let start = Instant::now();
    let mut streak = 0;
    while streak < 20 {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "Warta did not recover"
        );
        let ok = http
            .get(format!("{base}/api/v1/articles?limit=3"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success());
        streak = if ok { streak + 1 } else { 0 };
        if !ok {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    start.elapsed()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn warta_recovers_when_postgresql_restarts_under_load() {
    let db = PgDatabase::create().await;
    let store: Arc<dyn warta::store::Backend> = Arc::new(
        warta::store::postgres::PgStore::connect(&db.url)
            .await
            .unwrap(),
    );
    store.migrate().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    warta::demo::load(store.as_ref(), dir.path(), NOW)
        .await
        .unwrap();
    // Every request reaches the database: no page cache.
    let cfg = warta::config::Config {
        page_cache: false,
        ..Default::default()
    };
    let app = warta::server::build_app(cfg, store, dir.path().to_path_buf()).unwrap();
    app.clock.set(NOW);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = warta::http::router(app.clone());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });

    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let load = Arc::new(Load {
        ok: AtomicUsize::new(0),
        failed: AtomicUsize::new(0),
        stop: AtomicBool::new(false),
    });
    let mut readers = Vec::new();
    for i in 0..4 {
        let (http, base, load) = (http.clone(), base.clone(), load.clone());
        readers.push(tokio::spawn(async move {
            let paths = [
                "/api/v1/articles?limit=5",
                "/nasional",
                "/",
                "/api/v1/articles?section=ekonomi",
            ];
            while !load.stop.load(Ordering::Relaxed) {
                let ok = http
                    .get(format!("{base}{}", paths[i % paths.len()]))
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success());
                let counter = if ok { &load.ok } else { &load.failed };
                counter.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(load.ok.load(Ordering::Relaxed) > 0, "the load runs");
    assert_eq!(load.failed.load(Ordering::Relaxed), 0);

    // 1. Every connection of Warta's is terminated (57P01), as a restart does.
    let name = db.url.rsplit('/').next().unwrap().to_string();
    let mut admin =
        <sqlx::PgConnection as sqlx::Connection>::connect(&crate::common::pg_admin_url())
            .await
            .unwrap();
    let killed: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
    )
    .bind(&name)
    .fetch_all(&mut admin)
    .await
    .unwrap();
    assert!(!killed.is_empty(), "Warta had connections to kill");
    let took = recovered(&http, &base).await;
    let failed_kill = load.failed.swap(0, Ordering::Relaxed);
    eprintln!(
        "connections killed: {} failed requests, recovered in {took:?}",
        failed_kill
    );
    // At most the requests in flight at that instant fail: not a stream of 500s.
    assert!(
        failed_kill <= 4,
        "{failed_kill} requests failed after the connections were killed"
    );

    // 2. The server itself restarts (a real restart: refused connections
    // for a moment).
    let version = std::fs::read_dir("/etc/postgresql")
        .ok()
        .and_then(|mut d| d.next())
        .and_then(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string());
    match version {
        Some(v) if std::path::Path::new("/usr/bin/pg_ctlcluster").exists() => {
            drop(admin);
            let st = std::process::Command::new("pg_ctlcluster")
                .args([
                    "--skip-systemctl-redirect",
                    &v,
                    "main",
                    "restart",
                    "-m",
                    "fast",
                ])
                .status()
                .unwrap();
            assert!(st.success(), "pg_ctlcluster restart");
            let took = recovered(&http, &base).await;
            eprintln!(
                "server restarted: {} failed requests, recovered in {took:?}",
                load.failed.load(Ordering::Relaxed)
            );
            assert!(took < Duration::from_secs(15));
        }
        _ => eprintln!(
            "no local cluster to restart (pg_ctlcluster): only the connection kill was tested"
        ),
    }
    load.stop.store(true, Ordering::Relaxed);
    for r in readers {
        r.await.unwrap();
    }
    assert!(load.ok.load(Ordering::Relaxed) > 50);
}
