//! The site in real headless Chromium, used as a reader would: look at an
//! article, open and close the share dialog, close the sticky ad, go to
//! page 2, and let axe-core check accessibility.
//!
//! Needs Debian's `chromium` and `chromium-driver` and `npm ci` in
//! tests/browser (the README's test command does all of it). A plain
//! `cargo test` reports them as ignored; `--include-ignored` runs them, and
//! then they fail, rather than skip, when the browser is missing, so CI
//! (which always passes it) can never pass without running them.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

const AXE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/browser/node_modules/axe-core/axe.min.js"
);

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

struct Browser {
    client: Client,
    base: String,
    _driver: Driver,
    _profile: tempfile::TempDir,
    _site: crate::common::TestSite,
}

impl Browser {
    async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Serve a fresh demo site on a real socket and open Chromium on it.
async fn browser() -> Browser {
    let site = crate::common::demo_site().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = site.router.clone();
    tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
    });
    open(site, base).await
}

/// Open Chromium on a site already served at `base`.
async fn open(site: crate::common::TestSite, base: String) -> Browser {
    let chromedriver = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .expect("chromedriver not found: apt-get install chromium chromium-driver (or run the README's test command)");

    let port = free_port();
    let driver = Driver(
        Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
    );
    let webdriver = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let profile = tempfile::tempdir().unwrap();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
                "--window-size=1280,900",
                format!("--user-data-dir={}", profile.path().display()),
            ],
        }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let mut client = None;
    for _ in 0..3 {
        match ClientBuilder::new(connector.clone())
            .capabilities(caps.clone())
            .connect(&webdriver)
            .await
        {
            Ok(c) => {
                client = Some(c);
                break;
            }
            Err(e) => {
                eprintln!("chromium session failed, retrying: {e}");
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
    }
    Browser {
        client: client.expect("a Chromium session"),
        base,
        _driver: driver,
        _profile: profile,
        _site: site,
    }
}

async fn displayed(c: &Client, css: &str) -> bool {
    match c.find(Locator::Css(css)).await {
        Ok(e) => e.is_displayed().await.unwrap_or(false),
        Err(_) => false,
    }
}

/// Wait (up to 5 s) until `css` is shown or hidden as wanted.
async fn wait_displayed(c: &Client, css: &str, want: bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while displayed(c, css).await != want {
        assert!(
            Instant::now() < deadline,
            "{css} displayed should be {want}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Click as a reader would: scrolled to the middle of the screen first, so a
/// sticky bar at the bottom is not in the way.
async fn click(c: &Client, css: &str) {
    let e = c
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("{css} is on the page"));
    c.execute(
        "arguments[0].scrollIntoView({block: 'center'});",
        vec![serde_json::to_value(&e).unwrap()],
    )
    .await
    .unwrap();
    e.click().await.unwrap();
}

/// The text of `css`, waiting (up to 5 s) while a navigation replaces the page.
async fn text(c: &Client, css: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if let Ok(e) = c.find(Locator::Css(css)).await
            && let Ok(t) = e.text().await
        {
            return t;
        }
        assert!(Instant::now() < deadline, "{css} is on the page");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn article_url(b: &Browser, paged: bool) -> String {
    if paged {
        let (s, slug) = b._site.paged_article().await;
        format!("{}/{s}/{slug}", b.base)
    } else {
        let a = b._site.rich_article().await;
        format!(
            "{}/{}/{}",
            b.base,
            a["section"]["slug"].as_str().unwrap(),
            a["slug"].as_str().unwrap()
        )
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs chromium and chromium-driver; run with --include-ignored (CI does)"]
async fn article_page_shows_each_seed_element() {
    let b = browser().await;
    let c = &b.client;
    c.goto(&article_url(&b, false).await).await.unwrap();
    assert!(
        text(c, ".plus-cta")
            .await
            .starts_with("Baca berita tanpa iklan. Gabung Warta+")
    );
    assert!(!text(c, "h1.headline").await.is_empty());
    let kicker = text(c, ".kicker").await;
    assert!(
        regex::Regex::new(r"^Warta - \d{2}/\d{2}/\d{4}, \d{2}:\d{2} WIB")
            .unwrap()
            .is_match(&kicker),
        "{kicker}"
    );
    assert!(text(c, ".credits").await.contains("Penulis"));
    assert!(
        text(c, ".body p:first-child .dateline")
            .await
            .ends_with(", WARTA -")
    );
    assert!(text(c, ".read-also").await.starts_with("Baca juga:"));
    assert!(displayed(c, ".read-also a").await);
    assert_eq!(text(c, "#vrec").await.to_lowercase(), "video rekomendasi");
    assert!(
        text(c, ".videos")
            .await
            .to_lowercase()
            .contains("video lainnya")
    );
    assert!(
        text(c, "#latest-h")
            .await
            .to_lowercase()
            .contains("terkini lainnya")
    );
    let latest = c.find_all(Locator::Css(".latest-thumbs li")).await.unwrap();
    assert!(latest.len() >= 5);
    assert!(
        text(c, "#comments-h")
            .await
            .to_lowercase()
            .starts_with("komentar")
    );
    assert_eq!(
        text(c, ".login-prompt").await,
        "Login untuk memaksimalkan pengalaman mengakses Warta"
    );
    assert_eq!(text(c, "[data-close-ad]").await, "Close Ads");
    assert!(displayed(c, ".share summary").await);
    // Following the writer's name leads to their page.
    click(c, ".credit-writer a").await;
    let deadline = Instant::now() + Duration::from_secs(5);
    while !c
        .current_url()
        .await
        .unwrap()
        .path()
        .starts_with("/author/")
    {
        assert!(Instant::now() < deadline, "writer link did not navigate");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs chromium and chromium-driver; run with --include-ignored (CI does)"]
async fn share_dialog_opens_and_oke_closes_it() {
    let b = browser().await;
    let c = &b.client;
    c.goto(&article_url(&b, false).await).await.unwrap();
    assert!(!displayed(c, ".share-panel").await);
    click(c, ".share summary").await;
    wait_displayed(c, ".share-panel", true).await;
    assert_eq!(text(c, ".share-title").await, "Bagikan artikel ini melalui");
    let panel = text(c, ".share-panel").await;
    for net in [
        "WhatsApp",
        "Facebook",
        "X",
        "Telegram",
        "LINE",
        "E-mail",
        "Salin tautan",
    ] {
        assert!(panel.contains(net), "share panel lacks {net}");
    }
    c.find(Locator::Css("[data-share-ok]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_displayed(c, ".share-panel", false).await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs chromium and chromium-driver; run with --include-ignored (CI does)"]
async fn close_ads_hides_the_sticky_ad_for_the_visit() {
    let b = browser().await;
    let c = &b.client;
    let url = article_url(&b, false).await;
    c.goto(&url).await.unwrap();
    wait_displayed(c, "#sticky-ad", true).await;
    c.find(Locator::Css("[data-close-ad]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_displayed(c, "#sticky-ad", false).await;
    // Still closed on the next page of the same visit.
    c.goto(&format!("{}/", b.base)).await.unwrap();
    wait_displayed(c, "#sticky-ad", false).await;
    b.close().await;
}

/// The box of `css` on screen: (x, y, width, height) in CSS pixels.
async fn rect(c: &Client, css: &str) -> (f64, f64, f64, f64) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("{css} is on the page"))
        .rectangle()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs chromium and chromium-driver; run with --include-ignored (CI does)"]
async fn on_a_phone_the_menu_opens_and_the_headline_is_on_the_first_screen() {
    let b = browser().await;
    let c = &b.client;
    c.set_window_size(390, 844).await.unwrap();
    c.goto(&format!("{}/", b.base)).await.unwrap();
    // The header's search box folds into the menu on a phone.
    assert!(!displayed(c, ".header-search").await);
    assert!(!displayed(c, ".menu-panel").await);
    click(c, ".menu summary").await;
    wait_displayed(c, ".menu-panel a[href='/tekno']", true).await;
    assert!(displayed(c, ".menu-panel a[href='/video']").await);
    fill(c, "#menu-q", "banjir").await;
    click(c, ".menu-search button").await;
    wait_path(c, "/cari").await;
    // An article: the headline shows on the first screen, below the top
    // ad, and "Close Ads" is a target a thumb can hit (24 px at least)
    // sitting on the sticky ad.
    let url = article_url(&b, false).await;
    c.goto(&url).await.unwrap();
    let (_, y, _, h) = rect(c, "h1.headline").await;
    assert!(y + h.min(80.0) < 844.0, "headline at {y}");
    let (cx, cy, cw, ch) = rect(c, "[data-close-ad]").await;
    assert!(cw >= 24.0 && ch >= 24.0, "Close Ads is {cw}x{ch}");
    let (_, ay, _, ah) = rect(c, "#sticky-ad").await;
    assert!(
        cy + ch >= ay - 1.0 && cy <= ay + ah,
        "Close Ads at {cy}, the ad at {ay}"
    );
    assert!(cx + cw <= 390.0);
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs chromium and chromium-driver; run with --include-ignored (CI does)"]
async fn page_two_of_a_multi_page_article_loads() {
    let b = browser().await;
    let c = &b.client;
    c.goto(&article_url(&b, true).await).await.unwrap();
    let first = text(c, ".body p").await;
    click(c, ".article-pager a[href$='?page=2']").await;
    let deadline = Instant::now() + Duration::from_secs(5);
    while c.current_url().await.unwrap().query() != Some("page=2") {
        assert!(Instant::now() < deadline, "did not reach page 2");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(text(c, ".article-pager .current").await, "2");
    let second = text(c, ".body p").await;
    assert_ne!(first, second, "page 2 shows other paragraphs");
    click(c, ".article-pager a.all").await;
    let deadline = Instant::now() + Duration::from_secs(5);
    while c.current_url().await.unwrap().query() != Some("page=all") {
        assert!(Instant::now() < deadline, "did not reach the show-all view");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let all = text(c, ".body").await;
    assert!(all.contains(&first) && all.contains(&second));
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs chromium and chromium-driver; run with --include-ignored (CI does)"]
async fn axe_finds_no_accessibility_violations() {
    let b = browser().await;
    let c = &b.client;
    let pages = [
        format!("{}/", b.base),
        format!("{}/nasional", b.base),
        article_url(&b, false).await,
        article_url(&b, true).await,
        format!("{}/login", b.base),
        format!("{}/register", b.base),
        format!("{}/plus", b.base),
        format!("{}/video", b.base),
        format!("{}/redaksi", b.base),
        format!("{}/cari?q=banjir", b.base),
        format!("{}/author/rina-maharani", b.base),
        format!("{}/video/banjir-rob-pesisir-utara", b.base),
        format!("{}/forgot", b.base),
        format!("{}/halaman-yang-tidak-ada", b.base),
    ];
    axe_check(c, &pages).await;
    b.close().await;
}

async fn fill(c: &Client, css: &str, text: &str) {
    let e = c
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("{css} is on the page"));
    e.clear().await.ok();
    e.send_keys(text).await.unwrap();
}

async fn wait_path(c: &Client, want: &str) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let u = c.current_url().await.unwrap();
        if u.path() == want {
            return;
        }
        assert!(Instant::now() < deadline, "expected {want}, at {u}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs chromium and chromium-driver; run with --include-ignored (CI does)"]
async fn a_reader_signs_up_verifies_comments_replies_and_joins_by_code() {
    let b = browser().await;
    let c = &b.client;
    // Sign up.
    c.goto(&format!("{}/register", b.base)).await.unwrap();
    fill(c, "#name", "Dewi Lestari").await;
    fill(c, "#email", "dewi@contoh.id").await;
    fill(c, "#password", "rahasia-dewi-123").await;
    click(c, "form[action='/register'] button[type=submit]").await;
    wait_path(c, "/login").await;
    assert!(text(c, ".notice").await.contains("Periksa e-mail"));
    // Verify through the e-mailed link: it proves the address and signs
    // nobody in (whoever opens a link may not be its owner).
    let mails = crate::common::mails(&b._site).await;
    let link = crate::common::link_in(mails.last().expect("a verification mail"));
    c.goto(&format!("{}{link}", b.base)).await.unwrap();
    wait_path(c, "/login").await;
    assert!(text(c, ".notice").await.contains("sudah diverifikasi"));
    fill(c, "#email", "dewi@contoh.id").await;
    fill(c, "#password", "rahasia-dewi-123").await;
    click(c, "form[action='/login'] button[type=submit]").await;
    wait_path(c, "/").await;
    c.goto(&format!("{}/account", b.base)).await.unwrap();
    assert!(
        text(c, ".account")
            .await
            .contains("Alamat e-mail sudah diverifikasi")
    );
    // Log out, then log in again with the form.
    click(c, "#logout").await;
    wait_path(c, "/").await;
    c.goto(&format!("{}/login", b.base)).await.unwrap();
    fill(c, "#email", "dewi@contoh.id").await;
    fill(c, "#password", "rahasia-dewi-123").await;
    click(c, "form[action='/login'] button[type=submit]").await;
    wait_path(c, "/").await;
    assert_eq!(text(c, ".account-link").await, "Dewi Lestari");
    // Comment on a story, then reply to that comment.
    let url = article_url(&b, true).await;
    c.goto(&url).await.unwrap();
    assert!(
        !displayed(c, ".login-prompt").await,
        "no login invitation once signed in"
    );
    fill(c, "#comment-body", "Terima kasih atas liputannya.").await;
    click(c, ".comment-form button[type=submit]").await;
    let deadline = Instant::now() + Duration::from_secs(5);
    while !text(c, ".comment-list")
        .await
        .contains("Terima kasih atas liputannya.")
    {
        assert!(Instant::now() < deadline, "comment did not appear");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let last = c
        .find_all(Locator::Css(".comment-list > li.comment"))
        .await
        .unwrap();
    let mine = last.last().unwrap().clone();
    let summary = mine
        .find(Locator::Css("details.reply summary"))
        .await
        .unwrap();
    c.execute(
        "arguments[0].scrollIntoView({block: 'center'});",
        vec![serde_json::to_value(&summary).unwrap()],
    )
    .await
    .unwrap();
    summary.click().await.unwrap();
    let area = mine
        .find(Locator::Css("details.reply textarea"))
        .await
        .unwrap();
    area.send_keys("Saya menambahkan satu catatan.")
        .await
        .unwrap();
    mine.find(Locator::Css("details.reply button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while !text(c, ".comment-list")
        .await
        .contains("Saya menambahkan satu catatan.")
    {
        assert!(Instant::now() < deadline, "reply did not appear");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        text(c, ".replies")
            .await
            .contains("Saya menambahkan satu catatan.")
    );
    // The ads are there before joining.
    assert!(
        !c.find_all(Locator::Css("[data-ad-slot]"))
            .await
            .unwrap()
            .is_empty()
    );
    // Join by redeem code.
    b._site
        .app
        .store
        .create_redeem_code(
            &warta::domain::membership::RedeemCode {
                code: "TANPA-IKLAN".into(),
                plan_id: "pass30".into(),
                days: 30,
                max_uses: 10,
                uses: 0,
                expires_at: crate::common::NOW + 86_400,
            },
            "test",
            crate::common::NOW,
        )
        .await
        .unwrap();
    c.goto(&format!("{}/plus", b.base)).await.unwrap();
    fill(c, "#code", "TANPA-IKLAN").await;
    click(c, ".redeem button[type=submit]").await;
    wait_path(c, "/account").await;
    assert!(
        text(c, ".member-status")
            .await
            .contains("Keanggotaan aktif")
    );
    // The same story: no ad element in the DOM, no pitch, all on one page.
    c.goto(&url).await.unwrap();
    assert!(
        c.find_all(Locator::Css("[data-ad-slot]"))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        c.find_all(Locator::Css(".plus-cta, .plus-box"))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(text(c, ".article-pager .current").await, "Tampilkan semua");
    b.close().await;
}

/// Run axe-core on each page; any violation fails with the page named.
async fn axe_check(c: &Client, pages: &[String]) {
    let axe = std::fs::read_to_string(AXE)
        .unwrap_or_else(|e| panic!("{AXE}: {e}; run `npm ci --prefix tests/browser`"));
    for url in pages {
        c.goto(url).await.unwrap();
        c.execute(&axe, vec![]).await.unwrap();
        let r = c
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}}).then(r => done(r.violations.map(v =>
                   v.id + ' (' + v.impact + '): ' + v.help + ' @ ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))),
                   e => done(['axe failed: ' + e]));",
                vec![],
            )
            .await
            .unwrap();
        let violations: Vec<String> = serde_json::from_value(r).unwrap();
        assert!(violations.is_empty(), "{url}:\n{}", violations.join("\n"));
    }
}

mod screens;
mod staff_and_members;
