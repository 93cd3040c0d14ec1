//! The newsroom and paying readers in the browser: writing and publishing,
//! the editor's safety net, axe over the back office, joining by card and
//! by QRIS.

#![allow(unused_imports)]
use super::*;

pub(super) async fn log_in(b: &Browser, email: &str, password: &str) {
    let c = &b.client;
    c.delete_all_cookies().await.unwrap();
    c.goto(&format!("{}/login", b.base)).await.unwrap();
    fill(c, "#email", email).await;
    fill(c, "#password", password).await;
    click(c, "form[action='/login'] button[type=submit]").await;
    wait_path(c, "/").await;
}

pub(super) async fn make_staff(
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

/// Keys as WebDriver sends them.
const ENTER: &str = "\u{E007}";
const TAB: &str = "\u{E004}";

/// Type where the caret is, as the writer would: key presses sent to the
/// page, not to an element (which WebDriver would focus anew first).
async fn keys(c: &Client, text: &str) {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    let mut typing = KeyActions::new("keyboard".into());
    for ch in text.chars() {
        typing = typing
            .then(KeyAction::Down { value: ch })
            .then(KeyAction::Up { value: ch });
    }
    c.perform_actions(typing).await.unwrap();
    tokio::time::sleep(Duration::from_millis(120)).await;
}

/// Wait until the block editor has replaced the text form.
async fn editor_ready(c: &Client) {
    wait_displayed(c, "[data-block-editor][data-ready]", true).await;
}

/// On an empty line: "/" opens the blocks, a few letters find one, Tab
/// moves onto it and Enter inserts it; all from the keyboard.
async fn insert_block(c: &Client, name: &str) {
    // The caret must be on a new, empty line first (the editor makes it
    // after Enter or Tab, a moment later).
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let on_empty_line = c
            .execute(
                "var e = document.activeElement; return !!e && e.classList.contains('ce-paragraph') && e.textContent === ''",
                vec![],
            )
            .await
            .unwrap();
        if on_empty_line == json!(true) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no empty line to insert {name} on"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    keys(c, "/").await;
    let deadline = Instant::now() + Duration::from_secs(5);
    while !displayed(c, ".ce-popover--opened").await {
        if Instant::now() > deadline {
            if let Ok(png) = c.screenshot().await {
                let _ = std::fs::write(std::env::temp_dir().join("warta-blocks-menu.png"), png);
            }
            panic!("the blocks menu did not open for {name}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    keys(c, name).await;
    keys(c, TAB).await;
    keys(c, ENTER).await;
}

/// What the editor sends as the body, once its last change has landed
/// (Editor.js reports a change a moment after the key; `data-unsynced`
/// is on the editor until the blocks are in the form).
async fn sent_blocks(c: &Client) -> serde_json::Value {
    tokio::time::sleep(Duration::from_millis(300)).await;
    wait_displayed(c, "[data-block-editor]:not([data-unsynced])", true).await;
    let v = c
        .execute(
            "return document.querySelector('input[name=body_blocks]').value",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_str(v.as_str().unwrap()).unwrap()
}

/// A picture file on disk, for the upload button.
fn picture_file(dir: &std::path::Path) -> std::path::PathBuf {
    let img = image::RgbImage::from_fn(900, 500, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 140])
    });
    let path = dir.join("perbatasan.png");
    img.save(&path).unwrap();
    path
}

/// Search a headline in the read-also block and pick the first result.
async fn pick_read_also(c: &Client, query: &str) -> String {
    let inputs = c
        .find_all(Locator::Css("[data-read-also-q]"))
        .await
        .unwrap();
    let input = inputs.last().unwrap().clone();
    input.click().await.unwrap();
    input.send_keys(query).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    let button = loop {
        if let Ok(list) = c
            .find_all(Locator::Css(".blk-read-also .ra-results button"))
            .await
            && let Some(b) = list.into_iter().next()
        {
            break b;
        }
        assert!(Instant::now() < deadline, "no read-also result for {query}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let slug = button.attr("data-slug").await.unwrap().unwrap();
    // Scrolled to the middle first, as a reader's click: the sticky
    // buttons bar covers the bottom of the screen.
    c.execute(
        "arguments[0].scrollIntoView({block: 'center'});",
        vec![serde_json::to_value(&button).unwrap()],
    )
    .await
    .unwrap();
    button.click().await.unwrap();
    // Back in the block's search field, where the keyboard left off.
    input.click().await.unwrap();
    slug
}

/// A writer writes a two-page story in the block editor without seeing
/// any markup (paragraphs, a subheading, a quote, a list, an uploaded
/// picture with its caption and credit, a page break, read-also links
/// picked by search), an editor publishes it, a reader reads it, and the
/// stored blocks are exactly those the Admin API stores for the same body.
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
    let files = tempfile::tempdir().unwrap();
    let picture = picture_file(files.path());

    // The writer writes a two-page story from nothing.
    log_in(&b, "dimas@redaksi.id", "kata-sandi-redaksi").await;
    c.goto(&format!("{}/admin/stories/new", b.base))
        .await
        .unwrap();
    editor_ready(c).await;
    assert!(
        !displayed(c, "#body").await,
        "the text form gives way to the block editor"
    );
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

    click(c, ".ce-paragraph").await;
    keys(
        c,
        "Presiden Tavora mengatakan pasukan akan mulai ditarik pekan ini & <b>segera</b>.",
    )
    .await;
    keys(c, ENTER).await;
    insert_block(c, "Sub").await;
    keys(c, "Tahap pertama").await;
    keys(c, ENTER).await;
    keys(c, "Sekitar 400 personel akan kembali lebih dulu.").await;
    keys(c, ENTER).await;
    insert_block(c, "Kutip").await;
    keys(c, "Kami pulang dengan kepala tegak.").await;
    keys(c, TAB).await;
    keys(c, "Komandan kontingen").await;
    keys(c, TAB).await;
    insert_block(c, "bernomor").await;
    keys(c, "Kontingen medis").await;
    keys(c, ENTER).await;
    keys(c, "Kontingen zeni").await;
    keys(c, ENTER).await;
    keys(c, ENTER).await;
    insert_block(c, "Gambar").await;
    c.find(Locator::Css(".blk-image input[type=file]"))
        .await
        .unwrap()
        .send_keys(&picture.display().to_string())
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let src = c
            .find(Locator::Css("[data-image-src]"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default();
        if src.starts_with("/media/up/") {
            break;
        }
        assert!(Instant::now() < deadline, "the picture was not uploaded");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    click(c, "[data-image-alt]").await;
    keys(c, "Truk pasukan di perbatasan").await;
    keys(c, TAB).await;
    keys(c, "Suasana di perbatasan").await;
    keys(c, TAB).await;
    keys(c, "Dok. Redaksi").await;
    keys(c, TAB).await;
    insert_block(c, "Baca").await;
    let first = pick_read_also(c, "Banjir rob").await;
    // Tab from the last block's last field starts a new line; a page break
    // there starts page two.
    keys(c, TAB).await;
    insert_block(c, "Halaman").await;
    keys(c, "Pemerintah menyiapkan pengamanan pengganti.").await;
    keys(c, ENTER).await;
    insert_block(c, "Baca").await;
    let second = pick_read_also(c, "Harga beras").await;
    let sent = sent_blocks(c).await;
    let kinds: Vec<&str> = sent
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "paragraph",
            "heading",
            "paragraph",
            "quote",
            "list",
            "image",
            "read_also",
            "page_break",
            "paragraph",
            "read_also"
        ],
        "{sent}"
    );
    click(c, "button[value=submit]").await;
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if let Ok(e) = c.find(Locator::Css(".form-errors")).await {
            panic!(
                "the story was refused: {}",
                e.text().await.unwrap_or_default()
            );
        }
        if let Ok(e) = c.find(Locator::Css(".story-state")).await
            && e.text().await.unwrap_or_default().contains("Diajukan")
        {
            break;
        }
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
    editor_ready(c).await;
    assert_eq!(
        sent_blocks(c).await,
        sent,
        "the stored story opens in the editor as it was written"
    );
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
    assert!(
        body.contains("& <b>segera</b>"),
        "typed text stays text: {body}"
    );
    assert!(body.contains("Tahap pertama"));
    assert!(body.contains("Kontingen zeni"));
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

    // The same body sent through the Admin API is stored as the same blocks.
    let site = &b._site;
    let token = crate::common::api_token(site, "cms", &["articles:read", "articles:write"]).await;
    let auth = format!("Bearer {token}");
    let api = |method: &'static str, uri: String, body: Option<serde_json::Value>| {
        let auth = auth.clone();
        async move {
            crate::common::Client::new(site)
                .send(
                    method,
                    &uri,
                    body.map(|b| ("application/json", b.to_string())),
                    &[("authorization", auth.as_str())],
                )
                .await
        }
    };
    let browser_story = api("GET", format!("/api/v1/admin/articles/{slug}"), None)
        .await
        .json();
    let image_src = browser_story["body"][5]["src"]
        .as_str()
        .unwrap()
        .to_string();
    let typed = json!([
        {"type": "paragraph", "text": "Presiden Tavora mengatakan pasukan akan mulai ditarik pekan ini & <b>segera</b>."},
        {"type": "heading", "text": "Tahap pertama"},
        {"type": "paragraph", "text": "Sekitar 400 personel akan kembali lebih dulu."},
        {"type": "quote", "text": "Kami pulang dengan kepala tegak.", "cite": "Komandan kontingen"},
        {"type": "list", "ordered": true, "items": ["Kontingen medis", "Kontingen zeni"]},
        {"type": "image", "src": image_src, "alt": "Truk pasukan di perbatasan", "caption": "Suasana di perbatasan", "credit": "Dok. Redaksi"},
        {"type": "read_also", "slug": first},
        {"type": "page_break"},
        {"type": "paragraph", "text": "Pemerintah menyiapkan pengamanan pengganti."},
        {"type": "read_also", "slug": second},
    ]);
    let created = api(
        "POST",
        "/api/v1/admin/articles".into(),
        Some(json!({"title": "Salinan lewat API", "section": "global", "body": typed})),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(
        created.json()["body"],
        browser_story["body"],
        "the browser and the Admin API store the same blocks"
    );
    b.close().await;
}

/// Typed text survives a lost page: the editor keeps a copy in the browser
/// and offers it back, into the block editor.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs chromium and chromium-driver; run with --include-ignored (CI does)"]
async fn the_editor_never_loses_typed_text() {
    use warta::domain::newsroom::StaffRole;
    let b = staff_browser("rina@redaksi.id", "Rina Wulandari", StaffRole::Writer).await;
    let c = &b.client;
    c.goto(&format!("{}/admin/stories/new", b.base))
        .await
        .unwrap();
    editor_ready(c).await;
    fill(c, "#title", "Naskah yang Belum Disimpan").await;
    click(c, ".ce-paragraph").await;
    keys(c, "Paragraf pertama yang diketik sebelum koneksi putus.").await;
    assert!(
        sent_blocks(c)
            .await
            .to_string()
            .contains("Paragraf pertama yang diketik"),
        "the typed text reached the form (and the browser's copy)"
    );
    // The page goes away without a save (a crash, a closed tab, a lost network).
    c.goto(&format!("{}/admin/stories/new", b.base))
        .await
        .unwrap();
    editor_ready(c).await;
    wait_displayed(c, "[data-restore-local]", true).await;
    click(c, "[data-restore-local]").await;
    let title = c
        .find(Locator::Css("#title"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(title.as_deref(), Some("Naskah yang Belum Disimpan"));
    let deadline = Instant::now() + Duration::from_secs(5);
    while !text(c, ".codex-editor")
        .await
        .contains("Paragraf pertama yang diketik")
    {
        assert!(
            Instant::now() < deadline,
            "the body was not put back in the editor"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    b.close().await;
}

/// The block editor's own stylesheets run under the page's policy (each
/// is allowed by hash); a vendored upgrade that changes them fails here.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs chromium and chromium-driver; run with --include-ignored (CI does)"]
async fn the_block_editor_runs_under_the_content_security_policy() {
    use warta::domain::newsroom::StaffRole;
    let b = staff_browser("admin@redaksi.id", "Admin Redaksi", StaffRole::Admin).await;
    let c = &b.client;
    for path in [
        "/admin/stories/new".to_string(),
        "/admin/articles/banjir-rob-rendam-ratusan-rumah-di-pesisir-pekalongan".to_string(),
        "/admin/pages?edit=redaksi".to_string(),
    ] {
        c.goto(&format!("{}{path}", b.base)).await.unwrap();
        editor_ready(c).await;
        // Open the blocks menu too: its styles load with it.
        click(c, ".ce-paragraph").await;
        let blocked = c
            .execute(
                "return Array.from(document.querySelectorAll('style')).filter(s => !s.sheet).length",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(blocked, json!(0), "{path}: a stylesheet was refused");
        let styles = c
            .execute("return document.querySelectorAll('style').length", vec![])
            .await
            .unwrap();
        assert!(styles.as_u64().unwrap() >= 5, "{path}: {styles}");
    }
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
        format!("{}/admin/front", b.base),
        format!("{}/admin/pages?edit=redaksi", b.base),
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
