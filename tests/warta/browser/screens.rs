//! The look, held still: Chromium screenshots of the reader pages and the
//! editor on a phone (390 px) and a desktop (1366 px), compared with the
//! references in `tests/screens/`. The site's clock is fixed and the demo
//! content is ours, so a page only looks different when its layout does;
//! anti-aliasing and caret blinks are what the tolerance is for.
//!
//! After a deliberate change of the look, write new references with
//! `WARTA_UPDATE_SCREENS=1` (and look at them before committing). The
//! screenshots of a failed comparison are left in `target/screens/`.

use super::staff_and_members::{log_in, make_staff};
use super::*;

/// A pixel differs when a channel moves by more than this (of 255).
const CHANNEL_TOLERANCE: u8 = 48;
/// A screen differs when more than this share of its pixels do.
const SHARE_TOLERANCE: f64 = 0.015;

fn reference_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/screens")
}

fn failure_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
        .join("screens")
}

/// The share of pixels that differ, or None when the sizes differ.
fn difference(a: &image::RgbaImage, b: &image::RgbaImage) -> Option<f64> {
    if a.dimensions() != b.dimensions() {
        return None;
    }
    let differ = a
        .pixels()
        .zip(b.pixels())
        .filter(|(p, q)| {
            p.0.iter()
                .zip(q.0.iter())
                .any(|(x, y)| x.abs_diff(*y) > CHANNEL_TOLERANCE)
        })
        .count();
    Some(differ as f64 / f64::from(a.width() * a.height()))
}

/// Wait until the page and its pictures have loaded and nothing moves.
async fn settled(c: &Client) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let done = c
            .execute(
                "return document.readyState === 'complete' && Array.from(document.images).every(i => i.complete || i.loading === 'lazy') && (!document.querySelector('[data-block-editor]') || document.querySelector('[data-block-editor][data-ready]') !== null || document.querySelector('[data-block-editor]').hidden)",
                vec![],
            )
            .await
            .unwrap();
        if done == json!(true) {
            break;
        }
        assert!(Instant::now() < deadline, "the page did not settle");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Fonts, and the editor's first layout.
    tokio::time::sleep(Duration::from_millis(400)).await;
}

/// Compare the screen with its reference; Err names what differs.
async fn check_screen(c: &Client, name: &str) -> Result<(), String> {
    let png = c.screenshot().await.unwrap();
    let shot = image::load_from_memory(&png).unwrap().to_rgba8();
    let reference = reference_dir().join(format!("{name}.png"));
    if std::env::var_os("WARTA_UPDATE_SCREENS").is_some() {
        std::fs::create_dir_all(reference_dir()).unwrap();
        shot.save(&reference).unwrap();
        eprintln!("wrote {}", reference.display());
        return Ok(());
    }
    let Ok(want) = image::open(&reference) else {
        return Err(format!(
            "{name}: no reference at {} (make it with WARTA_UPDATE_SCREENS=1)",
            reference.display()
        ));
    };
    let want = want.to_rgba8();
    let verdict = match difference(&shot, &want) {
        None => Some(format!(
            "{name}: {:?} against the reference's {:?}",
            shot.dimensions(),
            want.dimensions()
        )),
        Some(share) if share > SHARE_TOLERANCE => Some(format!(
            "{name}: {:.1}% of the pixels differ (at most {:.1}%)",
            share * 100.0,
            SHARE_TOLERANCE * 100.0
        )),
        Some(_) => None,
    };
    match verdict {
        None => Ok(()),
        Some(why) => {
            let dir = failure_dir();
            std::fs::create_dir_all(&dir).unwrap();
            shot.save(dir.join(format!("{name}.png"))).unwrap();
            Err(format!("{why}; this run's screen is in {}", dir.display()))
        }
    }
}

#[test]
fn the_comparison_sees_a_moved_block_and_forgives_a_few_pixels() {
    let page = image::RgbaImage::from_fn(200, 100, |x, _| {
        if (40..80).contains(&x) {
            image::Rgba([20, 20, 20, 255])
        } else {
            image::Rgba([250, 250, 250, 255])
        }
    });
    let moved = image::RgbaImage::from_fn(200, 100, |x, _| {
        if (60..100).contains(&x) {
            image::Rgba([20, 20, 20, 255])
        } else {
            image::Rgba([250, 250, 250, 255])
        }
    });
    let mut caret = page.clone();
    for y in 10..30 {
        caret.put_pixel(150, y, image::Rgba([0, 0, 0, 255]));
    }
    assert!(difference(&page, &moved).unwrap() > SHARE_TOLERANCE);
    assert!(difference(&page, &caret).unwrap() <= SHARE_TOLERANCE);
    assert_eq!(difference(&page, &image::RgbaImage::new(10, 10)), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs chromium and chromium-driver; run with --include-ignored (CI does)"]
async fn pages_look_as_their_references_on_a_phone_and_a_desktop() {
    use warta::domain::newsroom::StaffRole;
    let b = browser().await;
    let c = &b.client;
    let article = article_url(&b, false).await;
    let reader = [
        ("home", format!("{}/", b.base)),
        ("section", format!("{}/nasional", b.base)),
        ("article", article),
        ("search", format!("{}/cari?q=banjir", b.base)),
        ("plans", format!("{}/plus", b.base)),
    ];
    let mut failures = Vec::new();
    for (w, h) in [(390u32, 1400u32), (1366, 1400)] {
        c.set_window_size(w, h).await.unwrap();
        for (name, url) in &reader {
            c.goto(url).await.unwrap();
            settled(c).await;
            if let Err(e) = check_screen(c, &format!("{name}-{w}")).await {
                failures.push(e);
            }
        }
    }
    make_staff(&b._site, "tata@redaksi.id", "Tata Letak", StaffRole::Editor).await;
    log_in(&b, "tata@redaksi.id", "kata-sandi-redaksi").await;
    for (w, h) in [(390u32, 1400u32), (1366, 1400)] {
        c.set_window_size(w, h).await.unwrap();
        c.goto(&format!(
            "{}/admin/articles/banjir-rob-rendam-ratusan-rumah-di-pesisir-pekalongan",
            b.base
        ))
        .await
        .unwrap();
        settled(c).await;
        if let Err(e) = check_screen(c, &format!("editor-{w}")).await {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    b.close().await;
}
