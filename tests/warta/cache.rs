//! The page cache and HTTP caching: anonymous pages are shared and
//! compressed, pages that know the reader never are, and a change to the
//! content reaches readers within a second.

use crate::common::{Client, NOW, add_reader, demo_site};

#[tokio::test]
async fn anonymous_pages_are_cached_compressed_and_revalidated() {
    let site = demo_site().await;
    let first = site.get("/").await;
    assert_eq!(first.header("x-warta-cache"), "miss");
    assert!(first.header("cache-control").contains("s-maxage=60"));
    assert!(
        first
            .header("cache-control")
            .contains("stale-while-revalidate")
    );
    assert!(
        first.headers.get("set-cookie").is_none(),
        "a reading page sets no cookie"
    );
    assert_eq!(first.header("surrogate-key"), "warta home");
    let second = site.get("/").await;
    assert_eq!(second.header("x-warta-cache"), "hit");
    assert_eq!(second.body, first.body);
    let etag = first.header("etag").to_string();
    let not_modified = site.get_with("/", &[("if-none-match", &etag)]).await;
    assert_eq!(not_modified.status, 304);
    assert!(not_modified.body.is_empty());
    let gz = site.get_with("/", &[("accept-encoding", "gzip")]).await;
    assert_eq!(gz.header("content-encoding"), "gzip");
    let br = site.get_with("/", &[("accept-encoding", "gzip, br")]).await;
    assert_eq!(br.header("content-encoding"), "br");
    assert!(br.header("vary").contains("Accept-Encoding"));
    let a = site.rich_article().await;
    let url = format!(
        "/{}/{}",
        a["section"]["slug"].as_str().unwrap(),
        a["slug"].as_str().unwrap()
    );
    let p = site.get(&url).await;
    assert!(
        p.header("surrogate-key")
            .contains(&format!("article:{}", a["slug"].as_str().unwrap()))
    );
}

#[tokio::test]
async fn a_members_page_never_reaches_an_anonymous_reader_and_back() {
    let site = demo_site().await;
    let id = add_reader(&site, "m@contoh.id", "rahasia-mmmm", true).await;
    warta::services::memberships::start(
        site.app.store.as_ref(),
        id,
        "monthly",
        warta::domain::membership::Source::Payment,
        30,
        "t",
        NOW - 1,
    )
    .await
    .unwrap();
    let mut member = Client::new(&site);
    member
        .post(
            "/login",
            &[("email", "m@contoh.id"), ("password", "rahasia-mmmm")],
        )
        .await;
    let a = site.rich_article().await;
    let url = format!(
        "/{}/{}",
        a["section"]["slug"].as_str().unwrap(),
        a["slug"].as_str().unwrap()
    );
    // The member asks first: their page is private and not stored.
    let mine = member.get(&url).await;
    assert_eq!(mine.header("cache-control"), "private, no-store");
    assert!(!mine.body.contains("data-ad-slot"));
    assert!(mine.body.contains("m</a>") || mine.body.contains("account-link"));
    let anon = Client::new(&site).get(&url).await;
    assert!(
        anon.body.contains("data-ad-slot"),
        "the anonymous reader gets the ad variant"
    );
    assert!(!anon.body.contains("account-link"), "and no one's name");
    // Now the anonymous page is cached; the member still gets their own.
    assert_eq!(
        Client::new(&site).get(&url).await.header("x-warta-cache"),
        "hit"
    );
    let again = member.get(&url).await;
    assert!(!again.body.contains("data-ad-slot"));
    assert_eq!(again.header("cache-control"), "private, no-store");
}

#[tokio::test]
async fn members_share_a_render_but_each_sees_only_their_own_name_and_token() {
    let site = demo_site().await;
    let mut clients = Vec::new();
    for (email, name) in [
        ("a@contoh.id", "Anggota Satu"),
        ("b@contoh.id", "Anggota Dua"),
    ] {
        let hash = warta::domain::account::hash_password("rahasia-panjang");
        let id = site
            .app
            .store
            .create_reader(email, &hash, name, Some(NOW), NOW)
            .await
            .unwrap();
        warta::services::memberships::start(
            site.app.store.as_ref(),
            id,
            "monthly",
            warta::domain::membership::Source::Payment,
            30,
            "t",
            NOW - 1,
        )
        .await
        .unwrap();
        let mut c = Client::new(&site);
        c.post(
            "/login",
            &[("email", email), ("password", "rahasia-panjang")],
        )
        .await;
        clients.push(c);
    }
    let a = site.rich_article().await;
    let url = format!(
        "/{}/{}",
        a["section"]["slug"].as_str().unwrap(),
        a["slug"].as_str().unwrap()
    );
    let first = clients[0].get(&url).await;
    assert_eq!(first.header("x-warta-cache"), "miss-shared");
    let second = clients[1].get(&url).await;
    assert_eq!(
        second.header("x-warta-cache"),
        "hit-shared",
        "one render serves both members"
    );
    assert!(first.body.contains("Anggota Satu") && !first.body.contains("Anggota Dua"));
    assert!(second.body.contains("Anggota Dua") && !second.body.contains("Anggota Satu"));
    let token = |c: &Client, p: &crate::common::Page| {
        let t = c.cookies["warta_csrf"].clone();
        assert!(
            p.body.contains(&format!("name=\"csrf\" value=\"{t}\"")),
            "the reader's own token is in the forms"
        );
        t
    };
    let ta = token(&clients[0], &first);
    let tb = token(&clients[1], &second);
    assert_ne!(ta, tb);
    assert!(!second.body.contains(&ta));
    assert!(!second.body.contains('\u{E000}'), "no placeholder left");
    // Once a member has commented, their copy of the story is their own.
    let p = clients[1]
        .post(
            &format!("{url}/comments"),
            &[("body", "Komentar anggota dua")],
        )
        .await;
    assert_eq!(p.status, 303);
    let own = clients[1].get(&url).await;
    assert!(own.headers.get("x-warta-cache").is_none());
    assert!(
        own.body.contains("/delete\""),
        "their comment has its delete control"
    );
    let other = clients[0].get(&url).await;
    assert!(other.body.contains("Komentar anggota dua"));
    assert!(!other.body.contains("/delete\""), "no one else gets it");
}

#[tokio::test]
async fn a_new_story_shows_on_cached_pages_within_a_second() {
    let site = demo_site().await;
    let before = site.get("/").await;
    assert_eq!(site.get("/").await.header("x-warta-cache"), "hit");
    assert!(!before.body.contains("Berita Paling Baru Sekali"));
    // Written straight to the store, as another process or node would.
    site.app
        .store
        .insert_article(&crate::common::story(
            "berita-paling-baru",
            "Berita Paling Baru Sekali",
        ))
        .await
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
    loop {
        let p = site.get("/").await;
        if p.body.contains("Berita Paling Baru Sekali") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still stale after a second"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn language_and_error_pages_are_not_mixed_up() {
    let site = demo_site().await;
    let id = site.get("/nasional").await;
    assert!(id.body.contains("lang=\"id\""));
    let en = site.get_with("/nasional", &[("cookie", "lang=en")]).await;
    assert!(
        en.body.contains("<html lang=\"en\">"),
        "the English reader is not served the cached Indonesian page"
    );
    assert_eq!(site.get("/tidak-ada").await.header("x-warta-cache"), "");
}

/// A comment changes one story's page: that page is rendered again, every
/// other cached page stays (a busy comment section no longer empties the
/// cache of the whole site).
#[tokio::test]
async fn a_comment_forgets_only_its_story() {
    let site = demo_site().await;
    let (s, paged) = site.paged_article().await;
    let a = site.rich_article().await;
    let one = format!(
        "/{}/{}",
        a["section"]["slug"].as_str().unwrap(),
        a["slug"].as_str().unwrap()
    );
    let other = format!("/{s}/{paged}");
    assert_ne!(one, other);
    for p in ["/", one.as_str(), other.as_str()] {
        site.get(p).await;
        assert_eq!(site.get(p).await.header("x-warta-cache"), "hit", "{p}");
    }
    // Written straight to the store, as another node or process would.
    let reader = add_reader(&site, "komentar@contoh.id", "rahasia-komentar", true).await;
    let article = site
        .app
        .store
        .article(a["slug"].as_str().unwrap(), NOW)
        .await
        .unwrap()
        .unwrap();
    site.app
        .store
        .add_comment(&warta::store::readers::NewReaderComment {
            article_id: article.id,
            parent_id: None,
            reader_id: reader,
            author: "Pembaca Setia".into(),
            body: "Komentar dari simpul lain.".into(),
            status: warta::store::readers::CommentStatus::Visible,
            created_at: NOW,
        })
        .await
        .unwrap();
    let start = std::time::Instant::now();
    while !site
        .get(&one)
        .await
        .body
        .contains("Komentar dari simpul lain.")
    {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(1),
            "the comment shows within a second"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        site.get(&other).await.header("x-warta-cache"),
        "hit",
        "another story stays cached"
    );
    assert_eq!(
        site.get("/").await.header("x-warta-cache"),
        "hit",
        "the home page stays cached"
    );
}

/// A published story edited in place drops its own pages, the pages that
/// show it (read-also, the latest list) and the lists; an unrelated old
/// story's page stays cached.
#[tokio::test]
async fn an_edit_forgets_only_the_pages_that_show_the_story() {
    let site = demo_site().await;
    let token = format!("wt_{}", warta::domain::account::new_token());
    site.app
        .store
        .create_api_token(
            "t",
            &warta::domain::account::token_hash(&token),
            &["articles:write".into(), "articles:publish".into()],
            NOW,
        )
        .await
        .unwrap();
    // The oldest story: in no latest list. A second old story links to it.
    let all = site.get("/api/v1/articles?limit=50").await.json();
    let list = all["articles"].as_array().unwrap();
    let oldest = list.last().unwrap();
    let edited = oldest["slug"].as_str().unwrap().to_string();
    let edited_url = format!("/{}/{edited}", oldest["section"]["slug"].as_str().unwrap());
    let other = &list[list.len() - 2];
    let other_url = format!(
        "/{}/{}",
        other["section"]["slug"].as_str().unwrap(),
        other["slug"].as_str().unwrap()
    );
    let newest = &list[0];
    let newest_url = format!(
        "/{}/{}",
        newest["section"]["slug"].as_str().unwrap(),
        newest["slug"].as_str().unwrap()
    );
    let pages = [
        edited_url.as_str(),
        other_url.as_str(),
        newest_url.as_str(),
        "/",
    ];
    for p in pages {
        site.get(p).await;
        assert_eq!(site.get(p).await.header("x-warta-cache"), "hit", "{p}");
    }
    let auth = format!("Bearer {token}");
    let p = Client::new(&site)
        .send(
            "PATCH",
            &format!("/api/v1/admin/articles/{edited}"),
            Some((
                "application/json",
                r#"{"subtitle": "Subjudul yang diperbaiki"}"#.to_string(),
            )),
            &[("authorization", auth.as_str()), ("if-match", "*")],
        )
        .await;
    assert_eq!(p.status, 200, "{}", p.body);
    let page = site.get(&edited_url).await;
    assert!(
        page.body.contains("Subjudul yang diperbaiki"),
        "the edit shows at once"
    );
    assert_eq!(
        site.get(&other_url).await.header("x-warta-cache"),
        "hit",
        "an unrelated story stays cached"
    );
    assert_eq!(site.get(&newest_url).await.header("x-warta-cache"), "hit");
    assert_eq!(
        site.get("/").await.header("x-warta-cache"),
        "miss",
        "lists are drawn again"
    );
    // A new story changes every latest list: everything goes.
    let p = Client::new(&site)
        .post_json(
            "/api/v1/admin/articles",
            serde_json::json!({
                "title": "Berita Paling Baru", "section": "nasional", "status": "published",
                "contributors": [{"name": "Rina", "role": "writer"}],
                "body": [{"type": "paragraph", "text": "Isi."}]
            }),
            &[("authorization", auth.as_str())],
        )
        .await;
    assert_eq!(p.status, 201, "{}", p.body);
    assert_eq!(site.get(&other_url).await.header("x-warta-cache"), "miss");
}
