//! Every reader-facing route, over HTTP, as a browser would ask.

use crate::common::{Client, Page, demo_site, demo_site_with};
use warta::config::Config;

#[tokio::test]
async fn health_check_answers_when_ready() {
    let site = demo_site().await;
    let p = site.get("/healthz").await;
    assert_eq!(p.status, 200);
}

#[tokio::test]
async fn home_has_lead_latest_section_blocks_and_videos() {
    let site = demo_site().await;
    let p = site.get("/").await;
    assert_eq!(p.status, 200);
    assert!(p.header("content-type").starts_with("text/html"));
    for s in [
        "Berita Utama",
        "Berita Terkini",
        "Nasional",
        "Global",
        "Tekno",
        "Video",
    ] {
        assert!(p.body.contains(s), "home lacks {s:?}");
    }
    // The newest demo article is the lead.
    let newest = site.get("/api/v1/articles?limit=1").await.json();
    let title = newest["articles"][0]["title"].as_str().unwrap();
    let lead = p.pos("class=\"lead\"");
    assert!(p.body[lead..].contains(&escape(title)));
    assert!(p.body.contains("href=\"/video/"));
    assert!(p.body.contains("lang=\"id\""));
}

#[tokio::test]
async fn article_page_shows_the_seed_elements_in_the_seed_order() {
    let site = demo_site().await;
    let a = site.rich_article().await;
    let url = format!(
        "/{}/{}",
        a["section"]["slug"].as_str().unwrap(),
        a["slug"].as_str().unwrap()
    );
    let p = site.get(&url).await;
    assert_eq!(p.status, 200, "{url}");
    let headline = escape(a["title"].as_str().unwrap());
    let writer = a["contributors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["role"] == "writer")
        .unwrap();
    let dateline = a["dateline"].as_str().unwrap().to_uppercase();
    let order = [
        p.pos("Baca berita tanpa iklan. Gabung Warta+"),
        p.pos(&format!(
            "<h1 class=\"headline\" lang=\"id\">{headline}</h1>"
        )),
        p.pos("Warta - <time"),
        p.pos(&format!(
            ">{}</a> <span class=\"role\">Penulis</span>",
            escape(writer["name"].as_str().unwrap())
        )),
        p.pos(&format!("{dateline}, WARTA - ")),
        p.pos("<strong>Baca juga:</strong> <a href="),
        p.pos("Video rekomendasi"),
        p.pos("Video lainnya"),
        p.pos("Komentar"),
        p.pos("Login untuk memaksimalkan pengalaman mengakses Warta"),
        p.pos("Terkini Lainnya"),
        p.pos("Close Ads"),
    ];
    let mut sorted = order;
    sorted.sort();
    assert_eq!(order, sorted, "elements out of order: {order:?}");
    // The seed-like article the demo offers names an agency.
    let src = a["sources"]
        .as_array()
        .unwrap()
        .first()
        .expect("an agency source");
    assert!(
        p.body
            .contains(&format!("Sumber {}", src.as_str().unwrap()))
    );
    assert!(p.body.contains("Bagikan artikel ini melalui"));
    for net in [
        "wa.me",
        "facebook.com/sharer",
        "x.com/intent",
        "t.me/share",
        "line.me",
        "mailto:",
    ] {
        assert!(p.body.contains(net), "share lacks {net}");
    }
    assert!(p.body.contains(">Oke</button>"));
    // Kicker format: DD/MM/YYYY, HH:MM WIB.
    let k = p.pos("Warta - <time");
    let kicker = &p.body[k..k + 120];
    let re = regex::Regex::new(r">\d{2}/\d{2}/\d{4}, \d{2}:\d{2} WIB</time>").unwrap();
    assert!(re.is_match(kicker), "{kicker}");
    // The writer links to their page, which lists this article.
    let author = site
        .get(&format!("/author/{}", writer["slug"].as_str().unwrap()))
        .await;
    assert_eq!(author.status, 200);
    assert!(author.body.contains(&headline));
    // Ad slots are marked for counting.
    assert!(p.body.contains("data-ad-slot=\"sticky\""));
    assert!(p.body.contains("data-ad-slot=\"top\""));
}

#[tokio::test]
async fn latest_list_excludes_the_article_being_read() {
    let site = demo_site().await;
    let newest = site.get("/api/v1/articles?limit=2").await.json();
    let first = &newest["articles"][0];
    let second = &newest["articles"][1];
    let p = site
        .get(&format!(
            "/{}/{}",
            first["section"]["slug"].as_str().unwrap(),
            first["slug"].as_str().unwrap()
        ))
        .await;
    let latest = &p.body[p.pos("Terkini Lainnya")..];
    let list_end = latest.find("</ul>").unwrap();
    let latest = &latest[..list_end];
    assert!(!latest.contains(&escape(first["title"].as_str().unwrap())));
    assert!(latest.contains(&escape(second["title"].as_str().unwrap())));
    // Each item has a thumbnail whose alt is the headline, and a section label.
    assert!(latest.contains(&format!(
        "alt=\"{}\"",
        escape(second["title"].as_str().unwrap())
    )));
    assert!(latest.contains(&format!(
        ">{}</a>",
        second["section"]["name"].as_str().unwrap()
    )));
}

#[tokio::test]
async fn multi_page_article_pages_and_show_all() {
    let site = demo_site().await;
    let (section, slug) = site.paged_article().await;
    let base = format!("/{section}/{slug}");
    let one = site.get(&base).await;
    assert_eq!(one.status, 200);
    assert!(one.body.contains("Halaman:"));
    assert!(one.body.contains(&format!(
        "<link rel=\"canonical\" href=\"http://127.0.0.1:8080{base}\">"
    )));
    assert!(one.body.contains(&format!(
        "<link rel=\"next\" href=\"http://127.0.0.1:8080{base}?page=2\">"
    )));
    assert!(!one.body.contains("<link rel=\"prev\""));

    let two = site.get(&format!("{base}?page=2")).await;
    assert_eq!(two.status, 200);
    assert!(two.body.contains(&format!(
        "<link rel=\"canonical\" href=\"http://127.0.0.1:8080{base}?page=2\">"
    )));
    assert!(two.body.contains(&format!(
        "<link rel=\"prev\" href=\"http://127.0.0.1:8080{base}\">"
    )));
    assert!(two.body.contains("aria-current=\"page\">2<"));
    // The dateline opens page 1 only.
    assert!(one.body.contains(", WARTA - "));
    assert!(!two.body.contains(", WARTA - "));

    let all = site.get(&format!("{base}?page=all")).await;
    assert_eq!(all.status, 200);
    assert!(
        all.body
            .contains(&format!("href=\"http://127.0.0.1:8080{base}?page=all\""))
    );
    // Show-all holds every paragraph of pages 1 and 2.
    let para = |p: &Page| {
        let b = p.pos("<div class=\"body\"");
        let e = p.body[b..].find("<nav class=\"pager").unwrap() + b;
        p.body[b..e].matches("<p>").count()
    };
    assert!(para(&all) >= para(&one) + para(&two));

    for bad in ["0", "99", "dua", "-1", "1.5", "", "%201"] {
        let p = site.get(&format!("{base}?page={bad}")).await;
        assert_eq!(p.status, 404, "page={bad}");
        assert!(p.body.contains("Halaman tidak ditemukan"), "page={bad}");
    }
}

#[tokio::test]
async fn article_under_the_wrong_section_redirects_to_its_address() {
    let site = demo_site().await;
    let a = site.rich_article().await;
    let slug = a["slug"].as_str().unwrap();
    let wrong = if a["section"]["slug"] == "tekno" {
        "global"
    } else {
        "tekno"
    };
    let p = site.get(&format!("/{wrong}/{slug}?page=all")).await;
    assert_eq!(p.status, 301);
    assert_eq!(
        p.header("location"),
        format!(
            "/{}/{slug}?page=all",
            a["section"]["slug"].as_str().unwrap()
        )
    );
}

#[tokio::test]
async fn article_carries_seo_and_social_metadata() {
    let site = demo_site().await;
    let a = site.rich_article().await;
    let url = format!(
        "/{}/{}",
        a["section"]["slug"].as_str().unwrap(),
        a["slug"].as_str().unwrap()
    );
    let p = site.get(&url).await;
    let title = escape(a["title"].as_str().unwrap());
    assert!(p.body.contains(&format!("<title>{title} - Warta</title>")));
    assert!(p.body.contains("<meta name=\"description\" content=\""));
    assert!(
        p.body
            .contains(&format!("<meta property=\"og:title\" content=\"{title}\">"))
    );
    assert!(
        p.body
            .contains("<meta property=\"og:image\" content=\"http://127.0.0.1:8080/media/demo/")
    );
    assert!(
        p.body
            .contains("<meta name=\"twitter:card\" content=\"summary_large_image\">")
    );
    let start = p.pos("<script type=\"application/ld+json\">")
        + "<script type=\"application/ld+json\">".len();
    let end = start + p.body[start..].find("</script>").unwrap();
    let ld: serde_json::Value = serde_json::from_str(&p.body[start..end]).unwrap();
    assert_eq!(ld["@type"], "NewsArticle");
    assert_eq!(ld["headline"], a["title"]);
    assert!(ld["datePublished"].as_str().unwrap().ends_with("+07:00"));
    assert!(ld["dateModified"].as_str().unwrap().ends_with("+07:00"));
    assert_eq!(ld["author"][0]["@type"], "Person");
    assert_eq!(ld["publisher"]["name"], "Warta");
    assert_eq!(ld["articleSection"], a["section"]["name"]);
    assert_eq!(ld["locationCreated"]["name"], a["dateline"]);
    assert!(
        ld["image"][0]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:8080/")
    );
}

#[tokio::test]
async fn section_and_author_pages_paginate() {
    let cfg = Config {
        articles_per_page: 3,
        ..Config::default()
    };
    let site = demo_site_with(cfg).await;
    let p = site.get("/nasional").await;
    assert_eq!(p.status, 200);
    assert!(p.body.contains("<h1 class=\"page-title\">Nasional</h1>"));
    assert_eq!(p.body.matches("class=\"teaser\"").count(), 3);
    assert!(p.body.contains("href=\"/nasional?page=2\""));
    let two = site.get("/nasional?page=2").await;
    assert_eq!(two.status, 200);
    assert!(
        two.body
            .contains("<link rel=\"prev\" href=\"http://127.0.0.1:8080/nasional\">")
    );
    for bad in ["0", "999", "x"] {
        assert_eq!(
            site.get(&format!("/nasional?page={bad}")).await.status,
            404,
            "page={bad}"
        );
    }
    let list = site.get("/api/v1/articles?limit=1").await.json();
    let writer = list["articles"][0]["contributors"][0]["slug"]
        .as_str()
        .unwrap()
        .to_string();
    let a = site.get(&format!("/author/{writer}")).await;
    assert_eq!(a.status, 200);
    assert!(a.body.contains("Tulisan "));
    assert_eq!(site.get("/author/tidak-ada").await.status, 404);
}

#[tokio::test]
async fn unknown_addresses_get_a_404_in_the_readers_language() {
    let site = demo_site().await;
    for path in [
        "/tidak-ada",
        "/nasional/tidak-ada",
        "/video/tidak-ada",
        "/a/b/c",
        "/Nasional",
    ] {
        let p = site.get(path).await;
        assert_eq!(p.status, 404, "{path}");
        assert!(p.body.contains("Halaman tidak ditemukan"), "{path}");
        assert!(p.body.contains("<html lang=\"id\">"), "{path}");
    }
    let en = site.get("/tidak-ada?lang=en").await;
    assert_eq!(en.status, 404);
    assert!(en.body.contains("Page not found"));
    assert!(en.body.contains("<html lang=\"en\">"));
    // The language choice sticks through a cookie.
    let again = site.get_with("/tidak-ada", &[("cookie", "lang=en")]).await;
    assert!(again.body.contains("Page not found"));
}

#[tokio::test]
async fn unreadable_addresses_get_a_400_page_in_the_readers_language() {
    let site = demo_site().await;
    for path in ["/nasional/%FF%FE", "/%C3%28", "/author/%FF", "/video/%FF"] {
        let p = site.get(path).await;
        assert_eq!(p.status, 400, "{path}");
        assert!(p.body.contains("Permintaan tidak valid"), "{path}");
    }
    let en = site.get("/nasional/%FF?lang=en").await;
    assert!(en.body.contains("Bad request"));
}

#[tokio::test]
async fn english_interface_on_request() {
    let site = demo_site().await;
    let a = site.rich_article().await;
    let url = format!(
        "/{}/{}?lang=en",
        a["section"]["slug"].as_str().unwrap(),
        a["slug"].as_str().unwrap()
    );
    let p = site.get(&url).await;
    assert_eq!(p.status, 200);
    assert!(p.body.contains("Read the news without ads. Join Warta+"));
    assert!(p.body.contains("Share this article via"));
    assert!(p.body.contains("<span class=\"role\">Writer</span>"));
    assert!(p.header("set-cookie").starts_with("lang=en"));
}

#[tokio::test]
async fn videos_have_a_list_and_pages() {
    let site = demo_site().await;
    let list = site.get("/video").await;
    assert_eq!(list.status, 200);
    let href = list.pos("href=\"/video/") + 6;
    let end = href + list.body[href..].find('"').unwrap();
    let path = list.body[href..end].to_string();
    let v = site.get(&path).await;
    assert_eq!(v.status, 200, "{path}");
    assert!(v.body.contains("<video class=\"player\""));
    assert!(v.body.contains("\"@type\": \"VideoObject\""));
    assert!(v.body.contains("Video lainnya"));
}

#[tokio::test]
async fn plans_page_lists_prices_in_rupiah() {
    let site = demo_site().await;
    let p = site.get("/plus").await;
    assert_eq!(p.status, 200);
    assert!(p.body.contains("Gabung Warta+"));
    assert!(p.body.contains("Rp30.000"));
    assert!(p.body.contains("Baca berita tanpa iklan, di semua halaman"));
    // No ads and no call to join pointing at this very page.
    assert!(!p.body.contains("data-ad-slot"), "{}", p.body);
    assert!(!p.body.contains("data-cta=\"top\""));
    // Without payment providers it says how to join, not only prices.
    assert!(p.body.contains("mintalah kode langganan kepada redaksi"));
}

/// Each story's address as the home page links it from a headline.
fn headline_links(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    for marker in [
        "class=\"teaser-title\"><a href=\"",
        "class=\"latest-title\" href=\"",
    ] {
        for (i, _) in body.match_indices(marker) {
            let rest = &body[i + marker.len()..];
            out.push(rest[..rest.find('"').unwrap()].to_string());
        }
    }
    out
}

#[tokio::test]
async fn no_story_appears_twice_on_the_home_page() {
    let site = demo_site().await;
    let p = site.get("/").await;
    let links = headline_links(&p.body);
    assert!(links.len() > 20, "{links:?}");
    let mut seen = std::collections::HashSet::new();
    for l in &links {
        assert!(seen.insert(l), "{l} twice on the home page");
    }
    // The page still has its parts: the lead, four under it, the latest
    // list and the section blocks.
    assert_eq!(p.body.matches("teaser teaser-lead").count(), 1);
    let secondary = p.pos("class=\"secondary\"");
    let latest = p.pos("class=\"latest-list\"");
    assert_eq!(
        p.body[secondary..latest]
            .matches("class=\"teaser\"")
            .count(),
        4
    );
    assert_eq!(
        p.body[latest..].matches("class=\"latest-title\"").count(),
        8
    );
    assert!(p.body.contains("class=\"section-block\""));
}

#[tokio::test]
async fn the_site_has_an_icon_and_a_web_app_manifest() {
    let site = demo_site().await;
    let home = site.get("/").await;
    assert!(
        home.body
            .contains("<link rel=\"icon\" href=\"/favicon.svg\"")
    );
    assert!(
        home.body
            .contains("<link rel=\"manifest\" href=\"/manifest.webmanifest\">")
    );
    assert!(home.body.contains("<meta name=\"theme-color\""));
    let icon = site.get("/favicon.svg").await;
    assert_eq!(icon.status, 200);
    assert_eq!(icon.header("content-type"), "image/svg+xml");
    assert!(icon.body.contains(">W</text>"), "the site's initial");
    let m = site.get("/manifest.webmanifest").await;
    assert_eq!(m.header("content-type"), "application/manifest+json");
    let m = m.json();
    assert_eq!(m["name"], "Warta");
    assert_eq!(m["start_url"], "/");
    assert_eq!(m["icons"][0]["src"], "/favicon.svg");
    let ico = site.get("/favicon.ico").await;
    assert_eq!(ico.status, 308);
    assert_eq!(ico.header("location"), "/favicon.svg");
}

/// A story without a picture still gets a large share card: the site's
/// default picture, drawn from its name; the front page uses it too.
#[tokio::test]
async fn stories_without_a_picture_share_the_sites_default_picture() {
    let site = demo_site().await;
    let card = site.get("/share.png").await;
    assert_eq!(card.status, 200);
    assert_eq!(card.header("content-type"), "image/png");
    assert!(card.body.contains("PNG") && card.body.contains("IHDR"));
    site.app
        .store
        .insert_article(&crate::common::story("tanpa-gambar", "Berita Tanpa Gambar"))
        .await
        .unwrap();
    site.app.cache.invalidate();
    let page = site.get("/nasional/tanpa-gambar").await;
    assert_eq!(page.status, 200);
    let og = &page.body[page.body.find("og:image").unwrap()..];
    assert!(og[..200].contains("/share.png\">"), "{}", &og[..200]);
    assert!(page.body.contains("content=\"summary_large_image\""));
    // A story with a picture shares its own.
    let rich = site.rich_article().await;
    let url = format!(
        "/{}/{}",
        rich["section"]["slug"].as_str().unwrap(),
        rich["slug"].as_str().unwrap()
    );
    let page = site.get(&url).await;
    let og = &page.body[page.body.find("og:image").unwrap()..];
    assert!(!og[..200].contains("/share.png"), "{}", &og[..200]);
    assert!(site.get("/").await.body.contains("/share.png\">"));
}

#[tokio::test]
async fn site_and_membership_names_are_settings() {
    let cfg = Config {
        site_name: "Kabar Nusantara".into(),
        membership_name: Some("Kabar Premium".into()),
        ..Config::default()
    };
    let site = demo_site_with(cfg).await;
    let a = site.rich_article().await;
    let p = site
        .get(&format!(
            "/{}/{}",
            a["section"]["slug"].as_str().unwrap(),
            a["slug"].as_str().unwrap()
        ))
        .await;
    assert!(
        p.body
            .contains("Baca berita tanpa iklan. Gabung Kabar Premium")
    );
    assert!(p.body.contains("Kabar Nusantara - <time"));
    assert!(p.body.contains(", KABAR NUSANTARA - "));
    assert!(p.body.contains("mengakses Kabar Nusantara"));
    assert!(!p.body.contains("Warta"));
}

#[tokio::test]
async fn static_assets_are_hashed_and_cached_forever() {
    let site = demo_site().await;
    let home = site.get("/").await;
    let at =
        home.pos("<link rel=\"stylesheet\" href=\"") + "<link rel=\"stylesheet\" href=\"".len();
    let css = &home.body[at..at + home.body[at..].find('"').unwrap()];
    assert!(
        regex::Regex::new(r"^/static/app\.[0-9a-f]{8}\.css$")
            .unwrap()
            .is_match(css),
        "{css}"
    );
    let p = site.get(css).await;
    assert_eq!(p.status, 200);
    assert_eq!(
        p.header("cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert!(p.header("content-type").starts_with("text/css"));
    assert_eq!(site.get("/static/nope.css").await.status, 404);
    // Compressed once, chosen per request.
    let plain = p.body.clone();
    let br = Client::new(&site)
        .send("GET", css, None, &[("accept-encoding", "gzip, br")])
        .await;
    assert_eq!(br.header("content-encoding"), "br");
    assert_eq!(br.header("vary"), "Accept-Encoding");
    let gz = Client::new(&site)
        .send("GET", css, None, &[("accept-encoding", "gzip")])
        .await;
    assert_eq!(gz.header("content-encoding"), "gzip");
    assert_ne!(gz.body, plain, "the gzip form is sent, not the plain one");
}

#[tokio::test]
async fn media_files_are_served_but_never_outside_the_media_folder() {
    let site = demo_site().await;
    let a = site.rich_article().await;
    let src = a["featured_image"]["src"].as_str().unwrap().to_string();
    let p = site.get(&src).await;
    assert_eq!(p.status, 200);
    assert_eq!(p.header("content-type"), "image/svg+xml");
    assert!(p.header("content-security-policy").contains("sandbox"));
    std::fs::write(site.dir.path().join("secret.txt"), "x").unwrap();
    for bad in [
        "/media/../secret.txt",
        "/media/%2e%2e/secret.txt",
        "/media/demo/../../secret.txt",
        "/media/.hidden",
    ] {
        assert_eq!(site.get(bad).await.status, 404, "{bad}");
    }
}

#[tokio::test]
async fn pages_carry_security_headers() {
    let site = demo_site().await;
    let p = site.get("/").await;
    assert_eq!(p.header("x-content-type-options"), "nosniff");
    assert!(
        p.header("content-security-policy")
            .contains("script-src 'self'")
    );
}

#[tokio::test]
async fn article_page_weighs_under_60_kb_with_its_css_and_js() {
    let site = demo_site().await;
    let mut heaviest = 0;
    let list = site.get("/api/v1/articles?limit=50").await.json();
    for a in list["articles"].as_array().unwrap() {
        let url = format!(
            "/{}/{}",
            a["section"]["slug"].as_str().unwrap(),
            a["slug"].as_str().unwrap()
        );
        let p = site.get(&url).await;
        heaviest = heaviest.max(p.body.len());
    }
    let home = site.get("/").await;
    let asset = |tag: &str| {
        let at = home.pos(tag) + tag.len();
        home.body[at..at + home.body[at..].find('"').unwrap()].to_string()
    };
    let css = site
        .get(&asset("<link rel=\"stylesheet\" href=\""))
        .await
        .body
        .len();
    let js = site.get(&asset("<script src=\"")).await.body.len();
    let total = heaviest + css + js;
    println!("heaviest article page {heaviest} B + css {css} B + js {js} B = {total} B");
    assert!(total < 60 * 1024, "{total} bytes");
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
}

#[tokio::test]
async fn read_also_links_sit_where_the_article_puts_them() {
    let site = demo_site().await;
    let a = site.rich_article().await;
    let body = a["body"].as_array().unwrap();
    // The paragraph right before the first read-also link, in the data...
    let i = body.iter().position(|b| b["type"] == "read_also").unwrap();
    let before = body[..i]
        .iter()
        .rev()
        .find(|b| b["type"] == "paragraph")
        .unwrap()["text"]
        .as_str()
        .unwrap();
    let after = body[i..].iter().find(|b| b["type"] == "paragraph").unwrap()["text"]
        .as_str()
        .unwrap();
    let url = format!(
        "/{}/{}?page=all",
        a["section"]["slug"].as_str().unwrap(),
        a["slug"].as_str().unwrap()
    );
    let p = site.get(&url).await;
    // ...comes right before it on the page, and the next paragraph after it.
    let link = p.pos("<strong>Baca juga:</strong>");
    let b = p.pos(&escape(&before[..before.len().min(60)]));
    let n = p.body[link..]
        .find(&escape(&after[..after.len().min(60)]))
        .map(|x| x + link);
    assert!(b < link, "read-also comes after its paragraph");
    assert!(n.is_some(), "and before the next one");
}

#[tokio::test]
async fn a_site_theme_overrides_templates_and_strings_without_recompiling() {
    let theme = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(theme.path().join("templates")).unwrap();
    std::fs::create_dir_all(theme.path().join("locales")).unwrap();
    std::fs::write(
        theme.path().join("templates/plans.html"),
        "{% extends \"base.html\" %}{% block main %}<p id=\"custom\">Paket khusus situs ini</p>{% endblock %}",
    )
    .unwrap();
    let id = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/themes/default/locales/id.toml"
    ))
    .unwrap();
    std::fs::write(
        theme.path().join("locales/id.toml"),
        id.replace(
            "latest_other = \"Terkini Lainnya\"",
            "latest_other = \"Kabar Terbaru Lainnya\"",
        ),
    )
    .unwrap();
    let cfg = Config {
        theme_dir: Some(theme.path().to_path_buf()),
        ..Config::default()
    };
    let site = demo_site_with(cfg).await;
    assert!(
        site.get("/plus")
            .await
            .body
            .contains("<p id=\"custom\">Paket khusus situs ini</p>")
    );
    let a = site.rich_article().await;
    let p = site
        .get(&format!(
            "/{}/{}",
            a["section"]["slug"].as_str().unwrap(),
            a["slug"].as_str().unwrap()
        ))
        .await;
    assert!(p.body.contains("Kabar Terbaru Lainnya"));
    assert!(!p.body.contains("Terkini Lainnya"));
}
