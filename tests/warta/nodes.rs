//! Several Warta nodes on one database behave as one site: a story stored
//! through one node (or any other process) is on every node's pages within
//! a second, though each node keeps its own page cache; a session made on
//! one node is good on the other.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::common::{Client, NOW, PgDatabase, TestSite, story};
use warta::store::Backend;

async fn node(store: Arc<dyn Backend>, dir: tempfile::TempDir) -> TestSite {
    let app = warta::server::build_app(
        crate::common::test_config(),
        store,
        dir.path().to_path_buf(),
    )
    .unwrap();
    app.clock.set(NOW);
    let router = warta::http::router(app.clone());
    TestSite {
        app,
        router,
        dir,
        pg: None,
    }
}

async fn two_nodes_act_as_one(a: TestSite, b: TestSite, label: &str) {
    warta::demo::load(a.app.store.as_ref(), a.dir.path(), NOW)
        .await
        .unwrap();
    // Both nodes have the home page cached. The demo's own change notices
    // reach B in coalesced batches a little later and may empty its cache
    // once more, so B is asked until its page stays cached.
    a.get("/").await;
    let settle = Instant::now();
    loop {
        b.get("/").await;
        if b.get("/").await.header("x-warta-cache") == "hit" {
            break;
        }
        assert!(
            settle.elapsed() < Duration::from_secs(3),
            "{label}: node B never kept its home page cached"
        );
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    a.app
        .store
        .insert_article(&story("dari-node-a", "Terbit Lewat Node A"))
        .await
        .unwrap();
    let start = Instant::now();
    loop {
        if b.get("/").await.body.contains("Terbit Lewat Node A") {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(1),
            "{label}: node B still stale after a second"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    println!(
        "{label}: visible on node B after {} ms",
        start.elapsed().as_millis()
    );
    // A session started on A is known to B.
    crate::common::add_reader(&a, "dua@contoh.id", "rahasia-dua-node", true).await;
    let mut c = Client::new(&a);
    c.post(
        "/login",
        &[("email", "dua@contoh.id"), ("password", "rahasia-dua-node")],
    )
    .await;
    let cookies = c.cookies.clone();
    let mut on_b = Client::new(&b);
    on_b.cookies = cookies;
    assert_eq!(on_b.get("/account").await.status, 200, "{label}");
    // Signed out on A: B, which remembers readers for a second, follows
    // within that second.
    c.post("/logout", &[]).await;
    let start = std::time::Instant::now();
    while on_b.get("/account").await.status == 200 {
        assert!(
            start.elapsed() < std::time::Duration::from_millis(1500),
            "{label}: node B still honours a revoked session"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    println!(
        "{label}: session revoked on A refused by B after {} ms",
        start.elapsed().as_millis()
    );
    // Password guessing is limited across the site, not per node.
    let mut guess_a = Client::new(&a);
    let mut guess_b = Client::new(&b);
    for i in 0..10 {
        let c = if i % 2 == 0 {
            &mut guess_a
        } else {
            &mut guess_b
        };
        let p = c
            .post(
                "/login",
                &[("email", "dua@contoh.id"), ("password", "tebakan-salah")],
            )
            .await;
        assert_eq!(p.status, 401, "{label}: attempt {i}");
    }
    assert_eq!(
        guess_a
            .post(
                "/login",
                &[("email", "dua@contoh.id"), ("password", "tebakan-salah")]
            )
            .await
            .status,
        429,
        "{label}"
    );
    assert_eq!(
        guess_b
            .post(
                "/login",
                &[("email", "dua@contoh.id"), ("password", "rahasia-dua-node")]
            )
            .await
            .status,
        429,
        "{label}: the other node refuses too"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_on_postgresql() {
    let db = PgDatabase::create().await;
    let sa: Arc<dyn Backend> = Arc::new(
        warta::store::postgres::PgStore::connect(&db.url)
            .await
            .unwrap(),
    );
    let sb: Arc<dyn Backend> = Arc::new(
        warta::store::postgres::PgStore::connect(&db.url)
            .await
            .unwrap(),
    );
    sa.migrate().await.unwrap();
    sb.migrate().await.unwrap();
    let a = node(sa, tempfile::tempdir().unwrap()).await;
    let b = node(sb, tempfile::tempdir().unwrap()).await;
    two_nodes_act_as_one(a, b, "postgres").await;
    drop(db);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_one_sqlite_file() {
    let data = tempfile::tempdir().unwrap();
    let sa: Arc<dyn Backend> = Arc::new(
        warta::store::sqlite::SqliteStore::open_dir(data.path())
            .await
            .unwrap(),
    );
    let sb: Arc<dyn Backend> = Arc::new(
        warta::store::sqlite::SqliteStore::open_dir(data.path())
            .await
            .unwrap(),
    );
    sa.migrate().await.unwrap();
    let a = node(sa, tempfile::tempdir().unwrap()).await;
    let b = node(sb, tempfile::tempdir().unwrap()).await;
    two_nodes_act_as_one(a, b, "sqlite").await;
}
