//! The back office as the newsroom uses it: the role matrix over every
//! route, the workflow with its illegal moves, the stale-save conflict,
//! preview links, revisions and the audit log.

use crate::common::{Client, NOW, TestSite, add_reader, demo_site};
use warta::domain::newsroom::StaffRole;

const PW: &str = "kata-sandi-rahasia";

async fn staff(site: &TestSite, email: &str, role: StaffRole, sections: &[&str]) -> i64 {
    let id = add_reader(site, email, PW, true).await;
    crate::common::set_role(site, id, role, sections).await;
    id
}

async fn signed_in<'a>(site: &'a TestSite, email: &str) -> Client<'a> {
    crate::common::log_in(site, email, PW).await
}

/// The form fields of a two-page story with a read-also link and an image.
fn story_fields(title: &str) -> Vec<(&'static str, String)> {
    vec![
        ("title", title.to_string()),
        ("section", "global".into()),
        ("credits", "penulis: Dimas Pratama\neditor: Sari Lestari".into()),
        ("sources", "AFP".into()),
        ("dateline", "Lisboa".into()),
        (
            "body",
            "Presiden Tavora mengatakan pasukan mulai ditarik.\n\n[read-also: banjir-rob-rendam-ratusan-rumah-di-pesisir-pekalongan]\n\n## Tahap pertama\n\n[image: /static/logo.svg | Logo | Keterangan foto | Dok]\n\nSekitar 400 personel kembali lebih dulu.\n\n[page-break]\n\nPengamanan pengganti disiapkan."
                .into(),
        ),
        ("access", "public".into()),
    ]
}

async fn post_story(
    c: &mut Client<'_>,
    uri: &str,
    fields: &[(&'static str, String)],
    extra: &[(&str, &str)],
) -> crate::common::Page {
    let mut all: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    all.extend_from_slice(extra);
    c.post(uri, &all).await
}

fn story_id(location: &str) -> i64 {
    location
        .trim_start_matches("/admin/stories/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn role_matrix_over_back_office_routes() {
    let site = demo_site().await;
    add_reader(&site, "pembaca@example.com", PW, true).await;
    let writer_id = staff(&site, "penulis@example.com", StaffRole::Writer, &[]).await;
    staff(
        &site,
        "kontributor@example.com",
        StaffRole::Contributor,
        &[],
    )
    .await;
    staff(&site, "editor@example.com", StaffRole::Editor, &["global"]).await;
    staff(
        &site,
        "editor-ekonomi@example.com",
        StaffRole::Editor,
        &["ekonomi"],
    )
    .await;
    staff(&site, "admin@example.com", StaffRole::Admin, &[]).await;

    // A submitted story in Global, by the writer.
    let mut w = signed_in(&site, "penulis@example.com").await;
    let p = post_story(
        &mut w,
        "/admin/stories",
        &story_fields("Berita Uji Peran"),
        &[("intent", "submit")],
    )
    .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let id = story_id(p.header("location"));
    let story = site.app.store.story(id).await.unwrap().unwrap();
    assert_eq!(story.created_by, Some(writer_id));
    let publish_uri = format!("/admin/stories/{id}");
    let rev = story.revision.to_string();

    // who: GET /admin, new story, audit log, staff, moderation, sections and
    // contributors, front page, media library, two-step settings; publish
    // the submitted story
    #[rustfmt::skip]
    let matrix: &[(&str, [u16; 10])] = &[
        ("",                            [303, 303, 303, 303, 303, 303, 303, 303, 303, 401]),
        ("pembaca@example.com",         [403, 403, 403, 403, 403, 403, 403, 403, 403, 403]),
        ("kontributor@example.com",     [200, 200, 403, 403, 403, 403, 403, 200, 200, 403]),
        ("penulis@example.com",         [200, 200, 403, 403, 403, 403, 403, 200, 200, 403]),
        ("editor-ekonomi@example.com",  [200, 200, 403, 403, 200, 200, 200, 200, 200, 403]),
        ("editor@example.com",          [200, 200, 403, 403, 200, 200, 200, 200, 200, 303]),
        ("admin@example.com",           [200, 200, 200, 200, 200, 200, 200, 200, 200, 303]),
    ];
    // Signed out, a newsroom page leads to the sign-in form, which comes
    // back to it; a form sent signed out is refused.
    let p = Client::new(&site).get("/admin/media?page=2").await;
    assert_eq!(
        p.header("location"),
        "/login?next=%2Fadmin%2Fmedia%3Fpage%3D2"
    );
    for (who, expect) in matrix {
        let mut c = if who.is_empty() {
            Client::new(&site)
        } else {
            signed_in(&site, who).await
        };
        let mut got = Vec::new();
        for uri in [
            "/admin",
            "/admin/stories/new",
            "/admin/audit",
            "/admin/staff",
            "/moderation",
            "/admin/taxonomy",
            "/admin/front",
            "/admin/media",
            "/admin/security",
        ] {
            got.push(c.get(uri).await.status.as_u16());
        }
        let current = site.app.store.story(id).await.unwrap().unwrap();
        let rev_now = current.revision.to_string();
        let mut fields = story_fields("Berita Uji Peran");
        fields.push(("base_revision", rev_now.clone()));
        let p = post_story(&mut c, &publish_uri, &fields, &[("intent", "publish")]).await;
        got.push(p.status.as_u16());
        assert_eq!(&got[..], &expect[..], "{who:?}");
        if p.status == 303 {
            // Put it back for the next row.
            let back = site.app.store.story(id).await.unwrap().unwrap();
            let mut f = story_fields("Berita Uji Peran");
            let r = back.revision.to_string();
            f.push(("base_revision", r));
            let mut admin = signed_in(&site, "admin@example.com").await;
            let u = post_story(&mut admin, &publish_uri, &f, &[("intent", "unpublish")]).await;
            assert_eq!(u.status, 303, "{}", u.body);
            let back = site.app.store.story(id).await.unwrap().unwrap();
            let mut f = story_fields("Berita Uji Peran");
            f.push(("base_revision", back.revision.to_string()));
            let u = post_story(&mut admin, &publish_uri, &f, &[("intent", "draft")]).await;
            assert_eq!(u.status, 303, "{}", u.body);
            let back = site.app.store.story(id).await.unwrap().unwrap();
            let mut f = story_fields("Berita Uji Peran");
            f.push(("base_revision", back.revision.to_string()));
            let u = post_story(&mut admin, &publish_uri, &f, &[("intent", "submit")]).await;
            assert_eq!(u.status, 303, "{}", u.body);
        }
    }
    let _ = rev;
    // A refused move changes nothing.
    let mut w = signed_in(&site, "penulis@example.com").await;
    let before = site.app.store.story(id).await.unwrap().unwrap();
    let mut f = story_fields("Judul yang Diubah Penulis");
    f.push(("base_revision", before.revision.to_string()));
    let p = post_story(&mut w, &publish_uri, &f, &[("intent", "publish")]).await;
    assert_eq!(p.status, 403);
    let after = site.app.store.story(id).await.unwrap().unwrap();
    assert_eq!(after, before);
    // Forms need the CSRF token.
    let p = w
        .post_raw(
            &publish_uri,
            &[("title", "x"), ("intent", "save"), ("base_revision", "1")],
        )
        .await;
    assert_eq!(p.status, 403);
}

#[tokio::test]
async fn writer_submits_editor_publishes_readers_read() {
    let site = demo_site().await;
    staff(&site, "penulis@example.com", StaffRole::Writer, &[]).await;
    staff(&site, "editor@example.com", StaffRole::Editor, &["global"]).await;
    let mut w = signed_in(&site, "penulis@example.com").await;
    let p = post_story(
        &mut w,
        "/admin/stories",
        &story_fields("Pasukan Mulai Ditarik dari Tavora"),
        &[("intent", "save")],
    )
    .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let id = story_id(p.header("location"));
    let page = w.get(p.header("location")).await;
    assert!(page.body.contains("Disimpan sebagai draf"), "{}", page.body);
    let slug = "pasukan-mulai-ditarik-dari-tavora";
    assert_eq!(
        site.get(&format!("/global/{slug}")).await.status,
        404,
        "a draft is not on the site"
    );

    // Submit: the editor of Global sees it in the queue.
    let mut f = story_fields("Pasukan Mulai Ditarik dari Tavora");
    f.push(("base_revision", "1".into()));
    let p = post_story(
        &mut w,
        &format!("/admin/stories/{id}"),
        &f,
        &[("intent", "submit")],
    )
    .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let mut e = signed_in(&site, "editor@example.com").await;
    let dash = e.get("/admin").await;
    assert!(
        dash.body.contains("Pasukan Mulai Ditarik dari Tavora"),
        "in the queue"
    );
    let editor_page = e.get(&format!("/admin/stories/{id}")).await;
    assert!(
        editor_page.body.contains("value=\"publish\""),
        "the editor may publish"
    );
    let rev = site.app.store.story(id).await.unwrap().unwrap().revision;
    let mut f = story_fields("Pasukan Mulai Ditarik dari Tavora");
    f.push(("base_revision", rev.to_string()));
    let p = post_story(
        &mut e,
        &format!("/admin/stories/{id}"),
        &f,
        &[("intent", "publish")],
    )
    .await;
    assert_eq!(p.status, 303, "{}", p.body);

    let page = site.get(&format!("/global/{slug}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Dimas Pratama") && page.body.contains("Sari Lestari"));
    assert!(page.body.contains("AFP") && page.body.contains("LISBOA"));
    assert!(page.body.contains("<h2>Tahap pertama</h2>"));
    assert!(
        page.body
            .contains("/regional/banjir-rob-rendam-ratusan-rumah-di-pesisir-pekalongan")
            || page
                .body
                .contains("banjir-rob-rendam-ratusan-rumah-di-pesisir-pekalongan")
    );
    assert!(page.body.contains("Keterangan foto"));
    let p2 = site.get(&format!("/global/{slug}?page=2")).await;
    assert!(p2.body.contains("Pengamanan pengganti disiapkan."));

    // The illegal move: a published story cannot go straight back to draft.
    let rev = site.app.store.story(id).await.unwrap().unwrap().revision;
    let mut f = story_fields("Pasukan Mulai Ditarik dari Tavora");
    f.push(("base_revision", rev.to_string()));
    let p = post_story(
        &mut e,
        &format!("/admin/stories/{id}"),
        &f,
        &[("intent", "draft")],
    )
    .await;
    assert_eq!(p.status, 422, "{}", p.body);
    assert_eq!(
        site.get(&format!("/global/{slug}")).await.status,
        200,
        "still live"
    );

    // The history names who moved it and when.
    let log = site
        .app
        .store
        .audit_log(&warta::store::newsroom::AuditFilter {
            target: Some(format!("story:{slug}")),
            limit: 20,
            ..Default::default()
        })
        .await
        .unwrap();
    let steps: Vec<(String, String)> = log
        .iter()
        .rev()
        .map(|e| {
            (
                e.action.clone(),
                e.actor.split(' ').next().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            ("story.create".to_string(), "penulis".to_string()),
            ("story.submit".into(), "penulis".into()),
            ("story.publish".into(), "editor".into()),
        ]
    );
}

#[tokio::test]
async fn a_stale_save_is_refused_with_a_choice() {
    let site = demo_site().await;
    staff(&site, "a@example.com", StaffRole::Editor, &[]).await;
    staff(&site, "b@example.com", StaffRole::Editor, &[]).await;
    let mut a = signed_in(&site, "a@example.com").await;
    let mut b = signed_in(&site, "b@example.com").await;
    let p = post_story(
        &mut a,
        "/admin/stories",
        &story_fields("Dua Editor Satu Berita"),
        &[("intent", "save")],
    )
    .await;
    let id = story_id(p.header("location"));
    let uri = format!("/admin/stories/{id}");
    // Both open revision 1; B sees that A has it open.
    a.get(&uri).await;
    let page = b.get(&uri).await;
    assert!(
        page.body.contains("data-presence-names>a<") || page.body.contains(">a</span>"),
        "B is told A has it open"
    );

    let mut fa = story_fields("Judul Versi A");
    fa.push(("base_revision", "1".into()));
    let p = post_story(&mut a, &uri, &fa, &[("intent", "save")]).await;
    assert_eq!(p.status, 303);
    let mut fb = story_fields("Judul Versi B");
    fb.push(("base_revision", "1".into()));
    let p = post_story(&mut b, &uri, &fb, &[("intent", "save")]).await;
    assert_eq!(p.status, 409, "{}", p.body);
    assert!(
        p.body.contains("Judul Versi B"),
        "B's text is still in the form"
    );
    assert!(
        p.body.contains("- title: Judul Versi A") && p.body.contains("+ title: Judul Versi B"),
        "the difference is shown"
    );
    assert!(
        p.body.contains("value=\"copy\""),
        "save as a copy is offered"
    );
    let story = site.app.store.story(id).await.unwrap().unwrap();
    assert_eq!(story.doc.title, "Judul Versi A", "never a silent overwrite");
    assert_eq!(story.revision, 2);

    // B saves their text as a copy: a new draft, A's story untouched.
    let mut fb = story_fields("Judul Versi B");
    fb.push(("base_revision", "1".into()));
    fb.push(("slug", "dua-editor-satu-berita".into()));
    let p = post_story(&mut b, "/admin/stories", &fb, &[("intent", "copy")]).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let copy = site
        .app
        .store
        .story(story_id(p.header("location")))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(copy.doc.title, "Judul Versi B");
    assert!(copy.slug.starts_with("dua-editor-satu-berita-salinan"));

    // Autosave answers in JSON, and is refused the same way when stale.
    let mut fb = story_fields("Judul Versi B lagi");
    fb.push(("base_revision", "1".into()));
    let p = post_story(&mut b, &uri, &fb, &[("intent", "autosave")]).await;
    assert_eq!(p.status, 409);
    assert_eq!(p.json()["current"], 2);
    let mut fa = story_fields("Judul Versi A2");
    fa.push(("base_revision", "2".into()));
    let p = post_story(&mut a, &uri, &fa, &[("intent", "autosave")]).await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert_eq!(p.json()["revision"], 3);
}

#[tokio::test]
async fn revisions_show_differences_and_restore() {
    let site = demo_site().await;
    staff(&site, "e@example.com", StaffRole::Editor, &[]).await;
    let mut e = signed_in(&site, "e@example.com").await;
    let p = post_story(
        &mut e,
        "/admin/stories",
        &story_fields("Judul Pertama"),
        &[("intent", "save")],
    )
    .await;
    let id = story_id(p.header("location"));
    let uri = format!("/admin/stories/{id}");
    let mut f = story_fields("Judul Kedua");
    f.push(("base_revision", "1".into()));
    assert_eq!(
        post_story(&mut e, &uri, &f, &[("intent", "save")])
            .await
            .status,
        303
    );
    let page = e.get(&format!("{uri}/revisions?a=1&b=2")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("- title: Judul Pertama") && page.body.contains("+ title: Judul Kedua")
    );
    let p = e
        .post(&format!("{uri}/restore"), &[("revision", "1")])
        .await;
    assert_eq!(p.status, 303);
    let s = site.app.store.story(id).await.unwrap().unwrap();
    assert_eq!((s.doc.title.as_str(), s.revision), ("Judul Pertama", 3));
}

#[tokio::test]
async fn preview_links_work_without_an_account_expire_and_can_be_revoked() {
    let site = demo_site().await;
    staff(&site, "e@example.com", StaffRole::Editor, &[]).await;
    let mut e = signed_in(&site, "e@example.com").await;
    let p = post_story(
        &mut e,
        "/admin/stories",
        &story_fields("Berita Pratinjau"),
        &[("intent", "save")],
    )
    .await;
    let id = story_id(p.header("location"));
    let page = e
        .post(
            &format!("/admin/stories/{id}/preview"),
            &[("action", "create")],
        )
        .await;
    assert_eq!(page.status, 200);
    let re = regex::Regex::new(r"http://127\.0\.0\.1:8080(/preview/[A-Za-z0-9_-]+)").unwrap();
    let path = re.captures(&page.body).expect("the link is shown")[1].to_string();
    let anon = site.get(&path).await;
    assert_eq!(anon.status, 200);
    assert!(anon.body.contains("Berita Pratinjau") && anon.body.contains("noindex"));
    assert_eq!(anon.header("cache-control"), "private, no-store");
    assert_eq!(
        site.get("/global/berita-pratinjau").await.status,
        404,
        "still not published"
    );
    // Expired after a week.
    site.app.clock.set(NOW + 8 * 86_400);
    assert_eq!(site.get(&path).await.status, 404);
    site.app.clock.set(NOW);
    assert_eq!(site.get(&path).await.status, 200);
    let p = e
        .post(
            &format!("/admin/stories/{id}/preview"),
            &[("action", "revoke")],
        )
        .await;
    assert_eq!(p.status, 303);
    assert_eq!(site.get(&path).await.status, 404);
}

#[tokio::test]
async fn scheduling_in_the_site_zone_and_the_audit_page() {
    let site = demo_site().await;
    staff(&site, "e@example.com", StaffRole::Editor, &[]).await;
    staff(&site, "admin@example.com", StaffRole::Admin, &[]).await;
    let mut e = signed_in(&site, "e@example.com").await;
    // NOW is 12:00 WIB; schedule for 15:00 WIB.
    let mut f = story_fields("Berita Terjadwal Sore");
    f.push(("publish_at", "2026-11-27T15:00".into()));
    let p = post_story(&mut e, "/admin/stories", &f, &[("intent", "schedule")]).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let id = story_id(p.header("location"));
    let s = site.app.store.story(id).await.unwrap().unwrap();
    assert_eq!(s.publish_at, Some(NOW + 3 * 3600));
    site.app.clock.set(NOW + 3 * 3600 - 1);
    assert!(warta::server::run_scheduled(&site.app).await.is_empty());
    assert_eq!(site.get("/global/berita-terjadwal-sore").await.status, 404);
    site.app.clock.set(NOW + 3 * 3600);
    assert_eq!(
        warta::server::run_scheduled(&site.app).await,
        ["berita-terjadwal-sore"]
    );
    assert_eq!(site.get("/global/berita-terjadwal-sore").await.status, 200);

    let mut admin = signed_in(&site, "admin@example.com").await;
    let page = admin.get("/admin/audit?action=story.").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("story.create") && page.body.contains("story.publish"));
    assert!(page.body.contains("scheduler"));
    let page = admin.get("/admin/audit?actor=nobody-like-this").await;
    assert!(!page.body.contains("story.create"), "the filter filters");
}

#[tokio::test]
async fn admins_invite_staff_by_mail() {
    let site = demo_site().await;
    staff(&site, "admin@example.com", StaffRole::Admin, &[]).await;
    let mut admin = signed_in(&site, "admin@example.com").await;
    let p = admin
        .post(
            "/admin/staff",
            &[
                ("email", "baru@example.com"),
                ("name", "Wartawan Baru"),
                ("role", "writer"),
                ("sections", ""),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let mail = crate::common::mails(&site)
        .await
        .pop()
        .expect("an invitation");
    assert!(mail.contains("baru@example.com"));
    let link = crate::common::link_in(&mail);
    assert!(link.starts_with("/reset?token="));
    let acct = site
        .app
        .store
        .reader_by_email("baru@example.com")
        .await
        .unwrap()
        .unwrap();
    let role = site.app.store.staff_role(acct.id).await.unwrap();
    assert_eq!(role.map(|r| r.0), Some(StaffRole::Writer));
    // Taking the role away signs them out everywhere.
    let p = admin
        .post(
            "/admin/staff",
            &[("email", "baru@example.com"), ("role", "none")],
        )
        .await;
    assert_eq!(p.status, 303);
    assert_eq!(site.app.store.staff_role(acct.id).await.unwrap(), None);
}

#[tokio::test]
async fn staff_two_factor_login() {
    use warta::domain::totp::code_at;
    let site = demo_site().await;
    staff(&site, "e@example.com", StaffRole::Editor, &[]).await;
    let mut e = signed_in(&site, "e@example.com").await;
    assert!(
        e.get("/admin/security")
            .await
            .body
            .contains("data-twofa=\"off\"")
    );
    assert_eq!(
        e.post("/admin/security", &[("action", "start")])
            .await
            .status,
        303
    );
    let page = e.get("/admin/security").await;
    let re = regex::Regex::new(r#"data-secret>([A-Z2-7]+)<"#).unwrap();
    let secret = re.captures(&page.body).expect("the key is shown")[1].to_string();
    assert!(page.body.contains("otpauth://totp/"));
    let p = e
        .post(
            "/admin/security",
            &[("action", "enable"), ("code", "000000")],
        )
        .await;
    assert_eq!(p.status, 422, "a wrong code does not turn it on");
    let code = code_at(&secret, NOW).unwrap();
    let p = e
        .post("/admin/security", &[("action", "enable"), ("code", &code)])
        .await;
    assert_eq!(p.status, 303);
    assert!(
        e.get("/admin/security")
            .await
            .body
            .contains("data-twofa=\"on\"")
    );

    // The password alone no longer signs in.
    let mut c = Client::new(&site);
    let p = c
        .post("/login", &[("email", "e@example.com"), ("password", PW)])
        .await;
    assert_eq!(p.status, 303);
    assert_eq!(p.header("location"), "/login/2fa");
    assert!(!c.signed_in());
    let p = c.get("/admin").await;
    assert_eq!(p.status, 303);
    assert_eq!(p.header("location"), "/login?next=%2Fadmin");
    let p = c.post("/login/2fa", &[("code", "123456")]).await;
    assert_eq!(p.status, 401);
    let p = c.post("/login/2fa", &[("code", &code)]).await;
    assert_eq!(p.status, 401, "a code is never accepted twice");
    site.app.clock.set(NOW + 30);
    let p = c
        .post(
            "/login/2fa",
            &[("code", &code_at(&secret, NOW + 30).unwrap())],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert!(c.signed_in());
    assert_eq!(c.get("/admin").await.status, 200);

    // The members API asks for the code too.
    let mut api = Client::new(&site);
    let p = api
        .post_json(
            "/api/v1/members/session",
            serde_json::json!({"email": "e@example.com", "password": PW}),
            &[],
        )
        .await;
    assert_eq!(p.status, 401);
    assert_eq!(p.json()["error"]["two_factor"], true);
    site.app.clock.set(NOW + 60);
    let p = api
        .post_json(
            "/api/v1/members/session",
            serde_json::json!({"email": "e@example.com", "password": PW, "code": code_at(&secret, NOW + 60).unwrap()}),
            &[],
        )
        .await;
    assert_eq!(p.status, 200, "{}", p.body);
    // Turning it on and off is in the audit log.
    let log = site
        .app
        .store
        .audit_log(&warta::store::newsroom::AuditFilter {
            action: Some("staff.totp".into()),
            limit: 5,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(log.len(), 1);
}

#[tokio::test]
async fn editors_open_published_stories_the_newsroom_never_touched() {
    let site = demo_site().await;
    staff(&site, "e@example.com", StaffRole::Editor, &[]).await;
    let mut e = signed_in(&site, "e@example.com").await;
    let dash = e.get("/admin?q=banjir").await;
    assert!(
        dash.body
            .contains("/admin/articles/banjir-rob-rendam-ratusan-rumah-di-pesisir-pekalongan"),
        "{}",
        dash.body
    );
    let p = e
        .get("/admin/articles/banjir-rob-rendam-ratusan-rumah-di-pesisir-pekalongan")
        .await;
    assert_eq!(p.status, 303);
    let page = e.get(p.header("location")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Banjir Rob"),
        "the story opens in the editor"
    );
    assert!(
        page.body.contains("Perbarui yang tayang"),
        "an editor may update it live"
    );
    assert_eq!(e.get("/admin/articles/tidak-ada").await.status, 404);
}

#[tokio::test]
async fn a_site_can_require_two_step_verification_for_staff() {
    use warta::domain::totp::code_at;
    let cfg = warta::config::Config {
        staff_require_totp: true,
        ..Default::default()
    };
    let site = crate::common::demo_site_with(cfg).await;
    staff(&site, "e@example.com", StaffRole::Editor, &[]).await;
    let mut e = signed_in(&site, "e@example.com").await;
    for uri in ["/admin", "/admin/stories/new", "/admin/media"] {
        let p = e.get(uri).await;
        assert_eq!(
            (p.status.as_u16(), p.header("location")),
            (303, "/admin/security"),
            "{uri}"
        );
    }
    assert_eq!(e.get("/admin/security").await.status, 200);
    e.post("/admin/security", &[("action", "start")]).await;
    let page = e.get("/admin/security").await;
    let re = regex::Regex::new(r#"data-secret>([A-Z2-7]+)<"#).unwrap();
    let secret = re.captures(&page.body).unwrap()[1].to_string();
    let p = e
        .post(
            "/admin/security",
            &[
                ("action", "enable"),
                ("code", &code_at(&secret, NOW).unwrap()),
            ],
        )
        .await;
    assert_eq!(p.status, 303);
    assert_eq!(e.get("/admin").await.status, 200, "open once it is on");
}

/// The story form takes the block editor's JSON (`body_blocks`) as the
/// body, exactly as the Admin API would store it, and the text form when
/// the browser ran no script; a bad block is named and nothing is stored.
#[tokio::test]
async fn the_form_takes_the_block_editors_json_or_the_text_form() {
    let site = demo_site().await;
    staff(&site, "editor@example.com", StaffRole::Editor, &[]).await;
    let mut e = signed_in(&site, "editor@example.com").await;
    let blocks = serde_json::json!([
        {"type": "paragraph", "text": "- ini paragraf, bukan daftar"},
        {"type": "heading", "text": "Tahap pertama"},
        {"type": "read_also", "slug": "banjir-rob-rendam-ratusan-rumah-di-pesisir-pekalongan"},
        {"type": "embed", "url": "https://contoh.id/pos/1"},
    ]);
    let mut f = story_fields("Blok dari Penyunting");
    f.retain(|(k, _)| *k != "body");
    f.push(("body_blocks", blocks.to_string()));
    let p = post_story(&mut e, "/admin/stories", &f, &[("intent", "save")]).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let story = site
        .app
        .store
        .story(story_id(p.header("location")))
        .await
        .unwrap()
        .unwrap();
    let stored = serde_json::to_value(&story.doc.body).unwrap();
    assert_eq!(stored[0]["type"], "paragraph", "{stored}");
    assert_eq!(stored[0]["text"], "- ini paragraf, bukan daftar");
    assert_eq!(
        stored[2]["title"], "Banjir Rob Rendam Ratusan Rumah di Pesisir Pekalongan",
        "a read-also link gets its headline, as through the API"
    );
    // The editor page hands the same blocks back to the block editor.
    let page = e.get(p.header("location")).await;
    assert!(page.body.contains("data-block-editor"), "{}", page.body);
    assert!(
        page.header("content-security-policy").contains("'sha256-"),
        "the editor's stylesheets are allowed by hash"
    );

    // Without script: the text form.
    let p = post_story(
        &mut e,
        "/admin/stories",
        &story_fields("Teks Tanpa Skrip"),
        &[("intent", "save")],
    )
    .await;
    assert_eq!(p.status, 303, "{}", p.body);

    // A bad block: 422 naming it, nothing stored.
    let before = site.app.store.stories(&all_stories()).await.unwrap().len();
    for (bad, field) in [
        (
            r#"[{"type":"paragraph","text":"a"},{"type":"embed","url":"http://["}]"#,
            "body[1].url",
        ),
        (r#"[{"type":"gambar"}]"#, "body[0]"),
        ("{", "body"),
    ] {
        let mut f = story_fields("Blok Rusak");
        f.retain(|(k, _)| *k != "body");
        f.push(("body_blocks", bad.to_string()));
        let p = post_story(&mut e, "/admin/stories", &f, &[("intent", "save")]).await;
        assert_eq!(p.status, 422, "{bad}: {}", p.body);
        assert!(p.body.contains(field), "{bad}: {field} named");
    }
    assert_eq!(
        site.app.store.stories(&all_stories()).await.unwrap().len(),
        before
    );

    // Site pages take the same JSON.
    let p = e
        .post(
            "/admin/pages",
            &[
                ("title", "Tentang Tim"),
                ("slug", "tentang-tim"),
                (
                    "body_blocks",
                    r#"[{"type":"paragraph","text":"Kami tim kecil."}]"#,
                ),
                ("position", "9"),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert!(
        site.get("/tentang-tim")
            .await
            .body
            .contains("Kami tim kecil.")
    );
}

fn all_stories() -> warta::store::newsroom::StoryQuery {
    warta::store::newsroom::StoryQuery {
        limit: 500,
        ..Default::default()
    }
}

/// The desk's search narrows by status and section, with or without words.
#[tokio::test]
async fn the_desk_filters_stories_by_status_and_section() {
    let site = demo_site().await;
    staff(&site, "editor@example.com", StaffRole::Editor, &[]).await;
    let mut e = signed_in(&site, "editor@example.com").await;
    let p = post_story(
        &mut e,
        "/admin/stories",
        &story_fields("Draf Rubrik Global"),
        &[("intent", "save")],
    )
    .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let mut f = story_fields("Naskah Diajukan Rubrik Ekonomi");
    for (k, v) in f.iter_mut() {
        if *k == "section" {
            *v = "ekonomi".into();
        }
    }
    let p = post_story(&mut e, "/admin/stories", &f, &[("intent", "submit")]).await;
    assert_eq!(p.status, 303, "{}", p.body);

    let found = |body: &str| -> (bool, bool) {
        let table = body
            .find("class=\"bo-search\"")
            .map(|i| &body[i..])
            .unwrap_or("");
        // What the search found, before the desk's own lists begin.
        let table = &table[..table.find("<section").unwrap_or(table.len())];
        (
            table.contains("Draf Rubrik Global"),
            table.contains("Naskah Diajukan Rubrik Ekonomi"),
        )
    };
    assert_eq!(
        found(&e.get("/admin?status=draft").await.body),
        (true, false)
    );
    assert_eq!(
        found(&e.get("/admin?section=ekonomi").await.body),
        (false, true)
    );
    assert_eq!(
        found(
            &e.get("/admin?q=Rubrik&status=submitted&section=ekonomi")
                .await
                .body
        ),
        (false, true)
    );
    assert_eq!(
        found(&e.get("/admin?q=Rubrik&section=global").await.body),
        (true, false)
    );
    let page = e.get("/admin?status=submitted").await.body;
    assert!(
        page.contains("<option value=\"submitted\" selected>"),
        "the filter is kept"
    );
}
