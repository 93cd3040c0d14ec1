//! Micro-benchmarks: rendering an article page from the store with the page
//! cache off (the "cold render"), serving it from the cache, and importing a
//! copied page. `cargo bench` prints mean and median time per operation.
//! No benchmark framework: a loop and a clock are enough for these numbers.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use tower::ServiceExt;

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let mean = samples.iter().sum::<Duration>() / samples.len() as u32;
    let median = samples[samples.len() / 2];
    let p99 = samples[samples.len() * 99 / 100];
    println!(
        "{name:<40} mean {:>8.1} µs   median {:>8.1} µs   p99 {:>8.1} µs   ({} runs)",
        mean.as_secs_f64() * 1e6,
        median.as_secs_f64() * 1e6,
        p99.as_secs_f64() * 1e6,
        samples.len()
    );
}

async fn site(cache: bool) -> (axum::Router, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = warta::store::sqlite::SqliteStore::open_dir(dir.path())
        .await
        .unwrap();
    warta::store::Store::migrate(&store).await.unwrap();
    let now = warta::domain::time::now();
    warta::demo::load(&store, dir.path(), now).await.unwrap();
    let cfg = warta::config::Config {
        page_cache: cache,
        ..Default::default()
    };
    let app = warta::server::build_app(cfg, Arc::new(store), dir.path().to_path_buf()).unwrap();
    // The demo's 15-paragraph wire story.
    let a = app
        .store
        .article(
            "krisis-politik-tavora-memanas-ribuan-warga-tuntut-pemilu-ulang",
            now,
        )
        .await
        .unwrap()
        .unwrap();
    let path = format!("/{}/{}", a.section.slug, a.slug);
    (warta::http::router(app), path, dir)
}

async fn time_requests(router: &axum::Router, path: &str, n: usize) -> Vec<Duration> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let req = Request::get(path).body(Body::empty()).unwrap();
        let t = Instant::now();
        let res = router.clone().oneshot(req).await.unwrap();
        let _ = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        out.push(t.elapsed());
    }
    out
}

fn main() {
    // `cargo test --all-targets` runs bench binaries too; only `cargo bench` measures.
    if !std::env::args().any(|a| a == "--bench") {
        println!("benches/render: run with `cargo bench`");
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (cold, path, _d1) = site(false).await;
        time_requests(&cold, &path, 50).await;
        report(
            "article page, cold render",
            time_requests(&cold, &path, 2000).await,
        );
        let (warm, path, _d2) = site(true).await;
        time_requests(&warm, &path, 50).await;
        report(
            "article page, from the page cache",
            time_requests(&warm, &path, 20000).await,
        );
    });
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/import/full_page.txt"
    ))
    .unwrap();
    let profile = warta::import::builtin_profiles()
        .unwrap()
        .into_iter()
        .find(|p| p.matches(&text))
        .unwrap();
    let mut samples = Vec::with_capacity(5000);
    for _ in 0..5000 {
        let t = Instant::now();
        let a = warta::import::page_text::parse(&text, &profile).unwrap();
        std::hint::black_box(a);
        samples.push(t.elapsed());
    }
    report("import a copied page (parse)", samples);
}
