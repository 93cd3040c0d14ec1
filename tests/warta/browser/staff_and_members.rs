//! The newsroom and paying readers in the browser: writing and publishing,
//! the editor's safety net, axe over the back office, joining by card and
//! by QRIS.

#![allow(unused_imports)]
use super::*;

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
    site: &crate::common::TestSite,
    email: &str,
    name: &str,
    role: warta::domain::newsroom::StaffRole,
) {
    let hash = warta::domain::account::hash_password("kata-sandi-redaksi");
    let id = site
        .app
        .store
        .create_reader(
            email,
            &hash,
            name,
            Some(crate::common::NOW),
            crate::common::NOW,
        )
        .await
        .unwrap();
    crate::common::set_role(site, id, role, &[]).await;
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
#[ignore = "needs chromium and chromium-driver; run with --include-ignored (CI does)"]
async fn a_writer_writes_and_an_editor_publishes_in_the_browser() {
    use warta::domain::newsroom::StaffRole;
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
#[ignore = "needs chromium and chromium-driver; run with --include-ignored (CI does)"]
async fn the_editor_never_loses_typed_text() {
    use warta::domain::newsroom::StaffRole;
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
#[ignore = "needs chromium and chromium-driver; run with --include-ignored (CI does)"]
async fn axe_finds_no_violations_in_the_newsroom() {
    use warta::domain::newsroom::StaffRole;
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

/// A reader on a site whose payments go to the stand-in, signed in.
async fn paying_reader(email: &str) -> (Browser, std::sync::Arc<warta_standin::StandIn>) {
    let ps = crate::common::pay_site().await;
    let standin = ps.standin.clone();
    crate::common::add_reader(&ps.site, email, "sandi-pembaca-1", true).await;
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
#[ignore = "needs chromium and chromium-driver; run with --include-ignored (CI does)"]
async fn a_reader_joins_by_card_and_the_ads_disappear() {
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
#[ignore = "needs chromium and chromium-driver; run with --include-ignored (CI does)"]
async fn a_reader_joins_by_qris_that_settles_later() {
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
