//! Comments by readers: who may post, replies, editing, deleting,
//! reporting, safety of the text, floods, and moderation.

use crate::common::{Client, NOW, TestSite, add_reader, demo_site, demo_site_with};

async fn article_url(site: &TestSite) -> String {
    let a = site.rich_article().await;
    format!(
        "/{}/{}",
        a["section"]["slug"].as_str().unwrap(),
        a["slug"].as_str().unwrap()
    )
}

async fn signed_in<'a>(site: &'a TestSite, email: &str, verified: bool) -> Client<'a> {
    add_reader(site, email, "rahasia-panjang", verified).await;
    crate::common::log_in(site, email, "rahasia-panjang").await
}

#[tokio::test]
async fn only_verified_readers_comment() {
    let site = demo_site().await;
    let url = article_url(&site).await;
    let mut anon = Client::new(&site);
    let page = anon.get(&url).await;
    assert!(
        !page.body.contains("name=\"body\""),
        "no form for anonymous readers"
    );
    let p = anon
        .post(&format!("{url}/comments"), &[("body", "Halo")])
        .await;
    assert_eq!(p.status, 303);
    assert!(p.header("location").starts_with("/login?next="));
    let mut unverified = signed_in(&site, "belum@contoh.id", false).await;
    assert!(
        unverified
            .get(&url)
            .await
            .body
            .contains("Verifikasi alamat e-mail Anda untuk ikut berkomentar.")
    );
    assert_eq!(
        unverified
            .post(&format!("{url}/comments"), &[("body", "Halo")])
            .await
            .status,
        403
    );
    let mut ok = signed_in(&site, "sudah@contoh.id", true).await;
    let page = ok.get(&url).await;
    assert!(page.body.contains("name=\"body\""));
    assert!(page.body.contains("Berkomentarlah secara bijaksana"));
    let p = ok
        .post(
            &format!("{url}/comments"),
            &[("body", "Liputan yang jernih, terima kasih.")],
        )
        .await;
    assert_eq!(p.status, 303);
    let after = Client::new(&site).get(&url).await;
    assert!(after.body.contains("Liputan yang jernih, terima kasih."));
    // Without a display name the reader is "Pembaca", never a piece of
    // their e-mail address.
    assert!(
        after.body.contains("<strong>Pembaca</strong>"),
        "shown as a reader"
    );
    assert!(!after.body.contains("<strong>sudah</strong>"));
}

#[tokio::test]
async fn script_is_shown_as_text_and_links_are_nofollow_ugc() {
    let site = demo_site().await;
    let url = article_url(&site).await;
    let mut c = signed_in(&site, "rina@contoh.id", true).await;
    c.post(
        &format!("{url}/comments"),
        &[("body", "<script>alert('x')</script> <img src=x onerror=alert(1)> lihat https://contoh.id/data?a=1&b=2 ya")],
    )
    .await;
    let page = Client::new(&site).get(&url).await;
    assert!(!page.body.contains("<script>alert"));
    assert!(!page.body.contains("<img src=x"));
    assert!(
        page.body
            .contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;")
    );
    assert!(
        page.body.contains(
            "<a href=\"https://contoh.id/data?a=1&amp;b=2\" rel=\"nofollow ugc noopener\""
        )
    );
}

#[tokio::test]
async fn replies_are_one_level_deep() {
    let site = demo_site().await;
    let url = article_url(&site).await;
    let mut c = signed_in(&site, "rina@contoh.id", true).await;
    c.post(&format!("{url}/comments"), &[("body", "Komentar induk")])
        .await;
    let page = c.get(&url).await;
    let re = regex::Regex::new(r#"name="parent_id" value="(\d+)""#).unwrap();
    let ids: Vec<String> = re
        .captures_iter(&page.body)
        .map(|c| c[1].to_string())
        .collect();
    let parent = ids.last().unwrap().clone();
    let p = c
        .post(
            &format!("{url}/comments"),
            &[("body", "Balasan pertama"), ("parent_id", &parent)],
        )
        .await;
    assert_eq!(p.status, 303);
    let page = c.get(&url).await;
    let reply_at = page.pos("Balasan pertama");
    let replies_at = page.body[..reply_at]
        .rfind("<ol class=\"replies\">")
        .expect("inside a replies list");
    assert!(page.body[..replies_at].contains("Komentar induk"));
    // A reply to a reply is refused, as is a reply to another story's comment.
    let rows: Vec<i64> = regex::Regex::new(r#"id="c(\d+)""#)
        .unwrap()
        .captures_iter(&page.body)
        .map(|c| c[1].parse().unwrap())
        .collect();
    let reply = *rows.iter().max().unwrap();
    let p = c
        .post(
            &format!("{url}/comments"),
            &[
                ("body", "Balasan bertingkat"),
                ("parent_id", &reply.to_string()),
            ],
        )
        .await;
    assert_eq!(p.status, 400);
    assert_eq!(
        c.post(
            &format!("{url}/comments"),
            &[("body", "x"), ("parent_id", "abc")]
        )
        .await
        .status,
        400
    );
}

#[tokio::test]
async fn edit_within_the_window_delete_own_never_others() {
    let site = demo_site().await;
    let url = article_url(&site).await;
    let mut a = signed_in(&site, "a@contoh.id", true).await;
    a.post(&format!("{url}/comments"), &[("body", "Tulisan awal")])
        .await;
    let page = a.get(&url).await;
    let id: i64 = regex::Regex::new(r#"action="/comments/(\d+)/edit""#)
        .unwrap()
        .captures(&page.body)
        .unwrap()[1]
        .parse()
        .unwrap();
    assert_eq!(
        a.post(
            &format!("/comments/{id}/edit"),
            &[("body", "Tulisan diperbaiki")]
        )
        .await
        .status,
        303
    );
    let page = a.get(&url).await;
    assert!(page.body.contains("Tulisan diperbaiki") && page.body.contains("(diubah)"));
    let mut b = signed_in(&site, "b@contoh.id", true).await;
    assert_eq!(
        b.post(&format!("/comments/{id}/edit"), &[("body", "Dibajak")])
            .await
            .status,
        403
    );
    assert_eq!(
        b.post(&format!("/comments/{id}/delete"), &[]).await.status,
        403
    );
    // Past the edit window (15 minutes) even the author cannot edit.
    site.app.clock.set(NOW + 16 * 60);
    assert_eq!(
        a.post(&format!("/comments/{id}/edit"), &[("body", "Terlambat")])
            .await
            .status,
        403
    );
    // An anonymous reader has the page with the comment (cached)...
    assert!(
        Client::new(&site)
            .get(&url)
            .await
            .body
            .contains("Tulisan diperbaiki")
    );
    assert_eq!(
        a.post(&format!("/comments/{id}/delete"), &[]).await.status,
        303
    );
    assert!(!a.get(&url).await.body.contains("Tulisan diperbaiki"));
    // ...and loses it the moment it is deleted.
    assert!(
        !Client::new(&site)
            .get(&url)
            .await
            .body
            .contains("Tulisan diperbaiki")
    );
}

#[tokio::test]
async fn a_flood_of_comments_is_stopped() {
    let site = demo_site().await;
    let url = article_url(&site).await;
    let mut c = signed_in(&site, "banjir@contoh.id", true).await;
    for i in 0..5 {
        let p = c
            .post(
                &format!("{url}/comments"),
                &[("body", &format!("Komentar {i}"))],
            )
            .await;
        assert_eq!(p.status, 303, "comment {i}");
    }
    let p = c
        .post(&format!("{url}/comments"), &[("body", "Komentar keenam")])
        .await;
    assert_eq!(p.status, 429);
    assert!(p.body.contains("Terlalu banyak percobaan"));
    assert!(!c.get(&url).await.body.contains("Komentar keenam"));
}

#[tokio::test]
async fn empty_and_overlong_comments_are_refused() {
    let site = demo_site().await;
    let url = article_url(&site).await;
    let mut c = signed_in(&site, "rina@contoh.id", true).await;
    assert_eq!(
        c.post(&format!("{url}/comments"), &[("body", "   ")])
            .await
            .status,
        400
    );
    assert_eq!(
        c.post(&format!("{url}/comments"), &[("body", &"x".repeat(2001))])
            .await
            .status,
        400
    );
}

#[tokio::test]
async fn blocked_words_and_premoderation_hold_comments_for_staff() {
    let mut cfg = warta::config::Config::default();
    cfg.comments.blocked_words = vec!["judi".into()];
    let site = demo_site_with(cfg).await;
    let url = article_url(&site).await;
    let mut c = signed_in(&site, "pembaca@contoh.id", true).await;
    let p = c
        .post(
            &format!("{url}/comments"),
            &[("body", "Ayo main JUDI daring di sini")],
        )
        .await;
    assert!(p.header("location").contains("notice=comment_pending"));
    assert!(
        !Client::new(&site)
            .get(&url)
            .await
            .body
            .contains("Ayo main JUDI")
    );
    // Readers cannot see the queue; staff can, and approve or ban.
    assert_eq!(c.get("/moderation").await.status, 403);
    let staff_id = add_reader(&site, "redaksi@contoh.id", "rahasia-panjang", true).await;
    crate::common::set_role(
        &site,
        staff_id,
        warta::domain::newsroom::StaffRole::Editor,
        &[],
    )
    .await;
    let mut s = Client::new(&site);
    s.post(
        "/login",
        &[
            ("email", "redaksi@contoh.id"),
            ("password", "rahasia-panjang"),
        ],
    )
    .await;
    let q = s.get("/moderation").await;
    assert_eq!(q.status, 200);
    assert!(q.body.contains("Ayo main JUDI"));
    let id: i64 = regex::Regex::new(r#"action="/moderation/(\d+)""#)
        .unwrap()
        .captures(&q.body)
        .unwrap()[1]
        .parse()
        .unwrap();
    s.post(&format!("/moderation/{id}"), &[("action", "approve")])
        .await;
    assert!(
        Client::new(&site)
            .get(&url)
            .await
            .body
            .contains("Ayo main JUDI")
    );
    s.post(&format!("/moderation/{id}"), &[("action", "ban")])
        .await;
    assert!(
        !Client::new(&site)
            .get(&url)
            .await
            .body
            .contains("Ayo main JUDI")
    );
    assert_eq!(
        c.post(&format!("{url}/comments"), &[("body", "Masih bisa?")])
            .await
            .status,
        403,
        "banned"
    );
    let mut cfg = warta::config::Config::default();
    cfg.comments.premoderation = true;
    let site = demo_site_with(cfg).await;
    let url = article_url(&site).await;
    let mut c = signed_in(&site, "pembaca@contoh.id", true).await;
    c.post(&format!("{url}/comments"), &[("body", "Komentar biasa")])
        .await;
    assert!(
        !Client::new(&site)
            .get(&url)
            .await
            .body
            .contains("Komentar biasa")
    );
}

#[tokio::test]
async fn reports_reach_the_moderation_queue() {
    let site = demo_site().await;
    let url = article_url(&site).await;
    let mut a = signed_in(&site, "a@contoh.id", true).await;
    a.post(
        &format!("{url}/comments"),
        &[("body", "Komentar yang dipersoalkan")],
    )
    .await;
    let mut b = signed_in(&site, "b@contoh.id", true).await;
    let page = b.get(&url).await;
    let ids: Vec<i64> = regex::Regex::new(r#"action="/comments/(\d+)/report""#)
        .unwrap()
        .captures_iter(&page.body)
        .map(|c| c[1].parse().unwrap())
        .collect();
    let target = *ids.iter().max().unwrap();
    assert_eq!(
        b.post(
            &format!("/comments/{target}/report"),
            &[("reason", "Menyerang pribadi")]
        )
        .await
        .status,
        303
    );
    let queue = site.app.store.moderation_queue(10).await.unwrap();
    assert!(queue.iter().any(|c| c.id == target && c.reports == 1));
    // Reporting twice counts once.
    b.post(&format!("/comments/{target}/report"), &[("reason", "Lagi")])
        .await;
    let queue = site.app.store.moderation_queue(10).await.unwrap();
    assert_eq!(queue.iter().find(|c| c.id == target).unwrap().reports, 1);
}
