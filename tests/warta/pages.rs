//! The site's own pages: the demo's (Redaksi, Pedoman Pemberitaan Media
//! Siber, ...) in the footer, and an editor writing one in the back office.

use crate::common::{Client, TestSite, add_reader, demo_site, log_in, set_role};
use warta::domain::newsroom::StaffRole;

const PW: &str = "kata-sandi-rahasia";

async fn staff<'a>(site: &'a TestSite, email: &str, role: StaffRole) -> Client<'a> {
    let id = add_reader(site, email, PW, true).await;
    set_role(site, id, role, &[]).await;
    log_in(site, email, PW).await
}

#[tokio::test]
async fn the_demo_publishes_its_masthead_and_reporting_code_linked_from_the_footer() {
    let site = demo_site().await;
    let home = site.get("/").await;
    let footer = &home.body[home.body.find("class=\"site-footer\"").unwrap()..];
    for (path, title) in [
        ("/tentang-kami", "Tentang Kami"),
        ("/redaksi", "Redaksi"),
        ("/pedoman-media-siber", "Pedoman Pemberitaan Media Siber"),
        ("/kontak", "Kontak"),
        ("/kebijakan-privasi", "Kebijakan Privasi"),
        ("/koreksi", "Koreksi"),
    ] {
        assert!(
            footer.contains(&format!("<a href=\"{path}\">{title}</a>")),
            "footer lacks {path}"
        );
        let p = site.get(path).await;
        assert_eq!(p.status, 200, "{path}");
        assert!(
            p.body
                .contains(&format!("<h1 class=\"headline\">{title}</h1>"))
        );
    }
    // The header's menu lists them too, in the editors' order.
    let menu = &home.body[home.body.find("class=\"menu-pages\"").unwrap()..];
    assert!(menu.find("href=\"/tentang-kami\"").unwrap() < menu.find("href=\"/koreksi\"").unwrap());
    let p = site.get("/redaksi").await;
    assert!(p.body.contains("<h2>Pemimpin Redaksi</h2>"));
    assert!(p.header("cache-control").contains("public"));
    // An address that is neither a section nor a page is still a 404.
    assert_eq!(site.get("/tidak-ada-halaman").await.status, 404);
}

#[tokio::test]
async fn an_editor_writes_changes_and_deletes_a_page_and_a_writer_may_not() {
    let site = demo_site().await;
    let mut editor = staff(&site, "editor@contoh.id", StaffRole::Editor).await;
    assert_eq!(editor.get("/admin/pages").await.status, 200);
    let fields = |slug: &'static str, title: &'static str, body: &'static str| {
        vec![
            ("slug", slug),
            ("title", title),
            ("body", body),
            ("position", "9"),
            ("in_footer", "1"),
        ]
    };
    let p = editor
        .post(
            "/admin/pages",
            &fields(
                "pedoman-komentar",
                "Pedoman Komentar",
                "Tulis komentar dengan sopan.\n\n## Yang dihapus\n\n- fitnah\n- ujaran kebencian",
            ),
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let page = site.get("/pedoman-komentar").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<li>ujaran kebencian</li>"));
    // The footer shows it at once (the page cache was emptied).
    assert!(
        site.get("/")
            .await
            .body
            .contains("<a href=\"/pedoman-komentar\">Pedoman Komentar</a>")
    );
    // A section's address, a reserved one, an empty body: refused, named.
    for (slug, body, field) in [
        ("nasional", "Teks.", "a section has this address"),
        ("admin", "Teks.", "used by the site itself"),
        ("halaman-kosong", "", "write the page"),
    ] {
        let p = editor
            .post("/admin/pages", &fields(slug, "Judul", body))
            .await;
        assert_eq!(p.status, 422, "{slug}");
        assert!(p.body.contains(field), "{slug}: {}", p.body);
    }
    assert_eq!(
        site.get("/nasional").await.status,
        200,
        "the section still answers"
    );
    // Nor may a new section take a page's address.
    let p = editor
        .post(
            "/admin/taxonomy",
            &[
                ("kind", "section"),
                ("slug", "redaksi"),
                ("name", "Redaksi"),
                ("description", ""),
                ("parent", ""),
            ],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("a site page has this address"));
    // Changing it keeps its address; deleting it ends it.
    let p = editor
        .post(
            "/admin/pages",
            &fields("pedoman-komentar", "Pedoman Komentar", "Teks baru."),
        )
        .await;
    assert_eq!(p.status, 303);
    assert!(
        site.get("/pedoman-komentar")
            .await
            .body
            .contains("Teks baru.")
    );
    let p = editor
        .post("/admin/pages/pedoman-komentar/delete", &[])
        .await;
    assert_eq!(p.status, 303);
    assert_eq!(site.get("/pedoman-komentar").await.status, 404);
    // Who wrote and who deleted it is in the audit log.
    let log = site
        .app
        .store
        .audit_log(&warta::store::newsroom::AuditFilter {
            action: Some("page.".into()),
            limit: 50,
            ..Default::default()
        })
        .await
        .unwrap();
    let actions: Vec<(&str, &str)> = log
        .iter()
        .map(|e| (e.action.as_str(), e.target.as_str()))
        .collect();
    assert!(
        actions.contains(&("page.save", "pedoman-komentar")),
        "{actions:?}"
    );
    assert!(
        actions.contains(&("page.delete", "pedoman-komentar")),
        "{actions:?}"
    );

    // Writers write stories, not the site's pages.
    let mut writer = staff(&site, "penulis@contoh.id", StaffRole::Writer).await;
    assert_eq!(writer.get("/admin/pages").await.status, 403);
    let p = writer
        .post("/admin/pages", &fields("coba", "Coba", "Teks."))
        .await;
    assert_eq!(p.status, 403);
    assert_eq!(site.get("/coba").await.status, 404);
}

/// The position of `needle` in `hay`, for "comes before" checks.
fn at(hay: &str, needle: &str) -> usize {
    hay.find(needle)
        .unwrap_or_else(|| panic!("{needle} is not on the page"))
}

/// An editor pins an older story as the lead, leaves a section's block
/// off and moves a section to the front of the menu; readers see it at
/// once. A writer may not; a story that is not published cannot lead.
#[tokio::test]
async fn editors_arrange_the_front_page() {
    let site = demo_site().await;
    let pinned = "banjir-rob-rendam-ratusan-rumah-di-pesisir-pekalongan";
    let sections = site.app.store.sections().await.unwrap();
    let (first, last) = (&sections[0], sections.last().unwrap());
    let home = site.get("/").await;
    let lead = &home.body[at(&home.body, "class=\"lead\"")..at(&home.body, "class=\"latest\"")];
    assert!(
        !lead.contains(pinned),
        "the automatic lead is the newest story"
    );
    assert!(home.body.contains(&format!("id=\"sec-{}\"", first.slug)));

    let mut writer = staff(&site, "penulis@example.com", StaffRole::Writer).await;
    assert_eq!(writer.get("/admin/front").await.status, 403);
    let p = writer.post("/admin/front", &[("lead", pinned)]).await;
    assert_eq!(p.status, 403);

    let mut editor = staff(&site, "editor@example.com", StaffRole::Editor).await;
    let form = editor.get("/admin/front").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("name=\"lead\""));
    let mut fields: Vec<(String, String)> = vec![("lead".into(), pinned.into())];
    for (i, s) in sections.iter().enumerate() {
        // The last section goes first; the first loses its block.
        let place = if s.slug == last.slug {
            0
        } else {
            (i as i64 + 1) * 10
        };
        fields.push((format!("place.{}", s.slug), place.to_string()));
        if s.slug != first.slug {
            fields.push((format!("block.{}", s.slug), "1".into()));
        }
    }
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let p = editor.post("/admin/front", &refs).await;
    assert_eq!(p.status, 303, "{}", p.body);

    let home = site.get("/").await;
    let lead = &home.body[at(&home.body, "class=\"lead\"")..at(&home.body, "class=\"latest\"")];
    assert!(lead.contains(pinned), "the pinned story leads");
    assert_eq!(
        home.body.matches(&format!("/{pinned}\"")).count(),
        lead.matches(&format!("/{pinned}\"")).count(),
        "and appears nowhere else on the page"
    );
    assert!(
        !home.body.contains(&format!("id=\"sec-{}\"", first.slug)),
        "a section left off has no block"
    );
    let nav = &home.body[at(&home.body, "class=\"sections-nav\"")..];
    assert!(
        at(nav, &format!("href=\"/{}\"", last.slug))
            < at(nav, &format!("href=\"/{}\"", first.slug)),
        "the menu follows the editors' order"
    );
    let audit = site
        .app
        .store
        .audit_log(&warta::store::newsroom::AuditFilter {
            limit: 50,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(audit.iter().any(|e| e.action == "front_page.arrange"));

    // Not published: refused, nothing changed.
    let p = editor
        .post("/admin/front", &[("lead", "tidak-ada-berita-ini")])
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("tidak-ada-berita-ini"));
    let plan = site.app.store.front_page_plan().await.unwrap();
    assert_eq!(plan.lead_slug.as_deref(), Some(pinned));
}
