//! The site in real headless Chromium, used as a reader would: look at an
//! article, open and close the share dialog, close the sticky ad, go to
//! page 2, and let axe-core check accessibility.
//!
//! Needs Debian's `chromium` and `chromium-driver` and `npm ci` in
//! tests/browser (the README's test command does all of it). These tests
//! fail, rather than skip, when the browser is missing, so CI can never
//! pass without running them; set WARTA_SKIP_BROWSER_TESTS=1 to skip on a
//! machine without a browser.

mod common;

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
    _site: common::TestSite,
}

impl Browser {
    async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

fn skip() -> bool {
    if std::env::var("WARTA_SKIP_BROWSER_TESTS").as_deref() == Ok("1") {
        eprintln!("skipping browser test: WARTA_SKIP_BROWSER_TESTS=1");
        return true;
    }
    false
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
    let site = common::demo_site().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = site.router.clone();
    tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
    });
    open(site, base).await
}

/// Open Chromium on a site already served at `base`.
async fn open(site: common::TestSite, base: String) -> Browser {
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
async fn article_page_shows_each_seed_element() {
    if skip() {
        return;
    }
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
async fn share_dialog_opens_and_oke_closes_it() {
    if skip() {
        return;
    }
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
async fn close_ads_hides_the_sticky_ad_for_the_visit() {
    if skip() {
        return;
    }
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_two_of_a_multi_page_article_loads() {
    if skip() {
        return;
    }
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
async fn axe_finds_no_accessibility_violations() {
    if skip() {
        return;
    }
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
async fn a_reader_signs_up_verifies_comments_replies_and_joins_by_code() {
    if skip() {
        return;
    }
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
    let mails = common::mails(&b._site).await;
    let link = common::link_in(mails.last().expect("a verification mail"));
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
                expires_at: common::NOW + 86_400,
            },
            "test",
            common::NOW,
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

async fn log_in(b: &Browser, email: &str, password: &str) {
    let c = &b.client;
    c.delete_all_cookies().await.unwrap();
    c.goto(&format!("{}/login", b.base)).await.unwrap();
    fill(c, "#email", email).await;
    fill(c, "#password", password).await;
    click(c, "form[action='/login'] button[type=submit]").await;
    wait_path(c, "/").await;
}

async fn make_staff(
    site: &common::TestSite,
    email: &str,
    name: &str,
    role: warta::domain::newsroom::StaffRole,
) {
    let hash = warta::domain::account::hash_password("kata-sandi-redaksi");
    let id = site
        .app
        .store
        .create_reader(email, &hash, name, Some(common::NOW), common::NOW)
        .await
        .unwrap();
    common::set_role(site, id, role, &[]).await;
}

/// A fresh site in Chromium, signed in as a new member of staff.
async fn staff_browser(
    email: &str,
    name: &str,
    role: warta::domain::newsroom::StaffRole,
) -> Browser {
    let b = browser().await;
    make_staff(&b._site, email, name, role).await;
    log_in(&b, email, "kata-sandi-redaksi").await;
    b
}

/// Type into the body at the caret, as the writer would.
async fn type_body(c: &Client, text: &str) {
    let e = c.find(Locator::Css("#body")).await.unwrap();
    e.send_keys(text).await.unwrap();
}

/// Search a headline in the read-also box and pick the first result.
async fn pick_read_also(c: &Client, query: &str) -> String {
    fill(c, "#ra-q", query).await;
    let deadline = Instant::now() + Duration::from_secs(5);
    let button = loop {
        if let Ok(b) = c
            .find(Locator::Css("[data-read-also-results] button"))
            .await
        {
            break b;
        }
        assert!(Instant::now() < deadline, "no read-also result for {query}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let slug = button.attr("data-slug").await.unwrap().unwrap();
    button.click().await.unwrap();
    slug
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_writer_writes_and_an_editor_publishes_in_the_browser() {
    use warta::domain::newsroom::StaffRole;
    if skip() {
        return;
    }
    let b = browser().await;
    let c = &b.client;
    make_staff(
        &b._site,
        "dimas@redaksi.id",
        "Dimas Pratama",
        StaffRole::Writer,
    )
    .await;
    make_staff(
        &b._site,
        "sari@redaksi.id",
        "Sari Lestari",
        StaffRole::Editor,
    )
    .await;

    // The writer writes a two-page story from nothing.
    log_in(&b, "dimas@redaksi.id", "kata-sandi-redaksi").await;
    c.goto(&format!("{}/admin/stories/new", b.base))
        .await
        .unwrap();
    fill(
        c,
        "#title",
        "Pasukan Penjaga Perdamaian Mulai Ditarik dari Tavora",
    )
    .await;
    c.find(Locator::Css("#section"))
        .await
        .unwrap()
        .select_by_value("global")
        .await
        .unwrap();
    fill(
        c,
        "#credits",
        "penulis: Dimas Pratama\neditor: Sari Lestari",
    )
    .await;
    fill(c, "#sources", "AFP").await;
    fill(c, "#dateline", "Lisboa").await;
    fill(
        c,
        "#body",
        "Presiden Tavora mengatakan pasukan akan mulai ditarik pekan ini.",
    )
    .await;
    let first = pick_read_also(c, "Banjir rob").await;
    click(c, "[data-insert='## ']").await;
    type_body(c, "Tahap pertama\n\nSekitar 400 personel akan kembali lebih dulu.\n\n[image: /static/logo.svg | Logo redaksi | Suasana di perbatasan | Dok. Redaksi]").await;
    click(c, "[data-insert='[page-break]']").await;
    type_body(c, "Pemerintah menyiapkan pengamanan pengganti.").await;
    let second = pick_read_also(c, "Harga beras").await;
    click(c, "button[value=submit]").await;
    let deadline = Instant::now() + Duration::from_secs(5);
    while !text(c, ".story-state").await.contains("Diajukan") {
        assert!(Instant::now() < deadline, "the story was not submitted");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        !displayed(c, "button[value=publish]").await,
        "a writer cannot publish"
    );
    let story_path = c.current_url().await.unwrap().path().to_string();

    // The editor finds it in the queue and publishes it.
    log_in(&b, "sari@redaksi.id", "kata-sandi-redaksi").await;
    c.goto(&format!("{}/admin", b.base)).await.unwrap();
    assert!(
        text(c, "#queue-h + table")
            .await
            .contains("Pasukan Penjaga Perdamaian")
    );
    click(c, &format!("a[href='{story_path}']")).await;
    wait_path(c, &story_path).await;
    click(c, "button[value=publish]").await;
    let deadline = Instant::now() + Duration::from_secs(5);
    while !text(c, ".story-state").await.contains("Terbit") {
        assert!(Instant::now() < deadline, "the story was not published");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // A reader reads it on the site.
    c.delete_all_cookies().await.unwrap();
    let slug = "pasukan-penjaga-perdamaian-mulai-ditarik-dari-tavora";
    c.goto(&format!("{}/global/{slug}", b.base)).await.unwrap();
    assert_eq!(
        text(c, "h1.headline").await,
        "Pasukan Penjaga Perdamaian Mulai Ditarik dari Tavora"
    );
    let credits = text(c, ".credits").await;
    assert!(
        credits.contains("Dimas Pratama") && credits.contains("Sari Lestari"),
        "{credits}"
    );
    assert!(text(c, ".sources").await.contains("AFP"));
    let body = text(c, ".body").await;
    assert!(body.starts_with("LISBOA"), "{body}");
    assert!(body.contains("Tahap pertama"));
    assert!(
        text(c, ".body figcaption")
            .await
            .contains("Suasana di perbatasan")
    );
    let links = c.find_all(Locator::Css(".read-also a")).await.unwrap();
    let mut hrefs = Vec::new();
    for l in links {
        hrefs.push(l.attr("href").await.unwrap().unwrap_or_default());
    }
    assert!(hrefs.iter().any(|h| h.ends_with(&first)), "{hrefs:?}");
    click(c, ".article-pager a[rel=next]").await;
    let deadline = Instant::now() + Duration::from_secs(5);
    while !text(c, ".body").await.contains("pengamanan pengganti") {
        assert!(Instant::now() < deadline, "page 2 did not load");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let links = c.find_all(Locator::Css(".read-also a")).await.unwrap();
    let mut hrefs = Vec::new();
    for l in links {
        hrefs.push(l.attr("href").await.unwrap().unwrap_or_default());
    }
    assert!(hrefs.iter().any(|h| h.ends_with(&second)), "{hrefs:?}");
    b.close().await;
}

/// Typed text survives a lost page: the editor keeps a copy in the browser
/// and offers it back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_editor_never_loses_typed_text() {
    use warta::domain::newsroom::StaffRole;
    if skip() {
        return;
    }
    let b = staff_browser("rina@redaksi.id", "Rina Wulandari", StaffRole::Writer).await;
    let c = &b.client;
    c.goto(&format!("{}/admin/stories/new", b.base))
        .await
        .unwrap();
    fill(c, "#title", "Naskah yang Belum Disimpan").await;
    fill(
        c,
        "#body",
        "Paragraf pertama yang diketik sebelum koneksi putus.",
    )
    .await;
    // The page goes away without a save (a crash, a closed tab, a lost network).
    c.goto(&format!("{}/admin/stories/new", b.base))
        .await
        .unwrap();
    wait_displayed(c, "[data-restore-local]", true).await;
    click(c, "[data-restore-local]").await;
    let title = c
        .find(Locator::Css("#title"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    let body = c
        .find(Locator::Css("#body"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(title.as_deref(), Some("Naskah yang Belum Disimpan"));
    assert_eq!(
        body.as_deref(),
        Some("Paragraf pertama yang diketik sebelum koneksi putus.")
    );
    b.close().await;
}

/// The newsroom is checked for accessibility like the reader site.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axe_finds_no_violations_in_the_newsroom() {
    use warta::domain::newsroom::StaffRole;
    if skip() {
        return;
    }
    let b = staff_browser("admin@redaksi.id", "Admin Redaksi", StaffRole::Admin).await;
    let c = &b.client;
    let story = format!(
        "{}/admin/articles/banjir-rob-rendam-ratusan-rumah-di-pesisir-pekalongan",
        b.base
    );
    let pages = [
        format!("{}/admin", b.base),
        format!("{}/admin/stories/new", b.base),
        story,
        format!("{}/admin/media", b.base),
        format!("{}/admin/taxonomy", b.base),
        format!("{}/admin/staff", b.base),
        format!("{}/admin/audit", b.base),
        format!("{}/admin/security", b.base),
    ];
    axe_check(c, &pages).await;
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
                 axe.run(document).then(r => done(r.violations.map(v =>
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

/// A reader on a site whose payments go to the stand-in, signed in.
async fn paying_reader(email: &str) -> (Browser, std::sync::Arc<warta_standin::StandIn>) {
    let ps = common::pay_site().await;
    let standin = ps.standin.clone();
    common::add_reader(&ps.site, email, "sandi-pembaca-1", true).await;
    let b = open(ps.site, ps.base).await;
    log_in(&b, email, "sandi-pembaca-1").await;
    (b, standin)
}

async fn ads_on_article(b: &Browser) -> usize {
    let url = article_url(b, false).await;
    b.client.goto(&url).await.unwrap();
    b.client
        .find_all(Locator::Css("[data-ad-slot]"))
        .await
        .unwrap()
        .len()
}

/// Wait for the next page to show `css`.
async fn arrive(c: &Client, css: &str) {
    c.wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("{css} never appeared"));
}

/// Wait (up to `secs`) until the page's text contains `needle`.
async fn wait_text(c: &Client, needle: &str, secs: u64) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let body = text(c, "main").await;
        if body.contains(needle) {
            return;
        }
        assert!(Instant::now() < deadline, "no {needle:?} in: {body}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_joins_by_card_and_the_ads_disappear() {
    if skip() {
        return;
    }
    let (b, _standin) = paying_reader("kartu@contoh.id").await;
    let c = &b.client;
    assert!(ads_on_article(&b).await > 0, "ads before joining");
    c.goto(&format!("{}/plus", b.base)).await.unwrap();
    click(c, "#pay-monthly-card").await;
    click(c, "#join-monthly").await;
    // The provider's (stand-in) card page, on its own origin.
    arrive(c, "#pay").await;
    click(c, "#pay").await;
    wait_path(c, "/plus/return").await;
    wait_text(c, "Selamat datang di", 5).await;
    assert_eq!(
        c.find(Locator::Css(".payment"))
            .await
            .unwrap()
            .attr("data-state")
            .await
            .unwrap()
            .as_deref(),
        Some("active")
    );
    assert_eq!(ads_on_article(&b).await, 0, "members read without ads");
    // The account page shows the subscription and a way to stop it.
    c.goto(&format!("{}/account", b.base)).await.unwrap();
    assert!(text(c, ".payments").await.contains("Aktif"));
    click(c, ".payments button[id^=cancel-]").await;
    wait_text(c, "Perpanjangan dihentikan", 5).await;
    assert_eq!(ads_on_article(&b).await, 0, "the paid period stays");
    // The payment pages pass axe too.
    let order = b._site.app.store.recent_payments(1).await.unwrap()[0]
        .order_id
        .clone();
    axe_check(
        c,
        &[
            format!("{}/plus", b.base),
            format!("{}/plus/return?order={order}", b.base),
            format!("{}/account", b.base),
        ],
    )
    .await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_joins_by_qris_that_settles_later() {
    if skip() {
        return;
    }
    let (b, standin) = paying_reader("qris@contoh.id").await;
    let c = &b.client;
    c.goto(&format!("{}/plus", b.base)).await.unwrap();
    click(c, "#pay-pass30-qris").await;
    click(c, "#join-pass30").await;
    // Snap's page (the stand-in's): the reader scans and comes back before
    // the money is there.
    arrive(c, "#paid").await;
    click(c, "#paid").await;
    wait_path(c, "/plus/return").await;
    wait_text(c, "Menunggu pembayaran", 5).await;
    assert!(ads_on_article(&b).await > 0, "not a member while pending");
    c.back().await.unwrap();
    wait_path(c, "/plus/return").await;
    // The money arrives; the waiting page sees it by itself.
    let order = b._site.app.store.recent_payments(1).await.unwrap()[0]
        .order_id
        .clone();
    assert_eq!(standin.notify_midtrans(&order, "settlement").await, 200);
    wait_text(c, "Selamat datang di", 12).await;
    assert_eq!(ads_on_article(&b).await, 0, "members read without ads");
    b.close().await;
}
