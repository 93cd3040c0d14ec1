//! The publishing benchmark: 1,000 stories published through the store of
//! node A while readers load node B's home page, on SQLite (two stores on
//! one file) and on PostgreSQL (two pools on one database; set
//! WARTA_TEST_PG_URL to point elsewhere). Reports the readers' p50/p99
//! during publishing and how long each story took to appear on node B.
//! Readers pace themselves (about 8,000 reads/s in all) so the publisher
//! shares the machine with them rather than starving.
//! Readers pace themselves (about 8,000 reads/s in all) so the publisher
//! shares the machine with them rather than starving.
//! In process, no HTTP: `cargo bench --bench publish`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use tower::ServiceExt;
use warta::domain::Role;
use warta::store::Backend;

const STORIES: usize = 1000;
const READERS: usize = 8;

fn story(i: usize, now: i64) -> warta::store::NewArticle {
    warta::store::NewArticle::new(
        &format!("terbit-{i}"),
        &format!("Berita terbit nomor {i}"),
        ("nasional", "Nasional"),
        now - 1,
    )
    .credit("rina", "Rina", Role::Writer)
    .dateline("JAKARTA")
    .paragraph("Isi berita.")
}

fn pct(v: &mut [Duration], p: usize) -> f64 {
    v.sort();
    v[(v.len() * p / 100).min(v.len() - 1)].as_secs_f64() * 1e3
}

async fn run(label: &str, a: Arc<dyn Backend>, b: Arc<dyn Backend>, dir: &std::path::Path) {
    a.migrate().await.unwrap();
    let now = warta::domain::time::now();
    warta::demo::load(a.as_ref(), dir, now).await.unwrap();
    let node_b =
        warta::server::build_app(warta::config::Config::default(), b, dir.to_path_buf()).unwrap();
    let router = warta::http::router(node_b);
    let get = |router: axum::Router| async move {
        let res = router
            .oneshot(Request::get("/").body(Body::empty()).unwrap())
            .await
            .unwrap();
        String::from_utf8(
            axum::body::to_bytes(res.into_body(), usize::MAX)
                .await
                .unwrap()
                .to_vec(),
        )
        .unwrap()
    };
    get(router.clone()).await;
    // Readers on node B for as long as publishing lasts.
    let done = Arc::new(AtomicBool::new(false));
    let mut readers = Vec::new();
    for _ in 0..READERS {
        let (router, done) = (router.clone(), done.clone());
        readers.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            while !done.load(Ordering::Relaxed) {
                let t = Instant::now();
                let res = router
                    .clone()
                    .oneshot(Request::get("/").body(Body::empty()).unwrap())
                    .await
                    .unwrap();
                let _ = axum::body::to_bytes(res.into_body(), usize::MAX)
                    .await
                    .unwrap();
                lat.push(t.elapsed());
                // A steady load (about 1,000 reads/s per reader), not a spin
                // that would starve the publisher of the two cores.
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            lat
        }));
    }
    // Publish through node A; every 50th story, time its arrival on node B.
    let started = Instant::now();
    let mut visible = Vec::new();
    for i in 0..STORIES {
        a.insert_article(&story(i, now)).await.unwrap();
        if i % 50 == 49 {
            let t = Instant::now();
            let headline = format!("Berita terbit nomor {i}<");
            while !get(router.clone()).await.contains(&headline) {
                assert!(
                    t.elapsed() < Duration::from_secs(5),
                    "story {i} never appeared"
                );
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            visible.push(t.elapsed());
        }
    }
    let publishing = started.elapsed();
    done.store(true, Ordering::Relaxed);
    let mut lat: Vec<Duration> = Vec::new();
    for r in readers {
        lat.extend(r.await.unwrap());
    }
    println!(
        "{label:<10} {STORIES} publishes in {:.2} s ({:.0}/s); {} reads during it, p50 {:.2} ms, p99 {:.2} ms; \
         visible on node B after p50 {:.0} ms, max {:.0} ms",
        publishing.as_secs_f64(),
        STORIES as f64 / publishing.as_secs_f64(),
        lat.len(),
        pct(&mut lat, 50),
        pct(&mut lat, 99),
        pct(&mut visible, 50),
        pct(&mut visible, 100),
    );
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("benches/publish: run with `cargo bench --bench publish`");
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let a: Arc<dyn Backend> = Arc::new(
            warta::store::sqlite::SqliteStore::open_dir(dir.path())
                .await
                .unwrap(),
        );
        let b: Arc<dyn Backend> = Arc::new(
            warta::store::sqlite::SqliteStore::open_dir(dir.path())
                .await
                .unwrap(),
        );
        run("sqlite", a, b, dir.path()).await;

        let admin = std::env::var("WARTA_TEST_PG_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let name = format!("warta_publish_bench_{}", std::process::id());
        let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin)
            .await
            .unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .unwrap();
        let url = format!("{}/{name}", admin.rsplit_once('/').unwrap().0);
        let dir = tempfile::tempdir().unwrap();
        let a: Arc<dyn Backend> = Arc::new(
            warta::store::postgres::PgStore::connect(&url)
                .await
                .unwrap(),
        );
        let b: Arc<dyn Backend> = Arc::new(
            warta::store::postgres::PgStore::connect(&url)
                .await
                .unwrap(),
        );
        run("postgres", a, b, dir.path()).await;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .execute(&mut conn)
        .await
        .unwrap();
    });
}
