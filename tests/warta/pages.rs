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

    // Writers write stories, not the site's pages.
    let mut writer = staff(&site, "penulis@contoh.id", StaffRole::Writer).await;
    assert_eq!(writer.get("/admin/pages").await.status, 403);
    let p = writer
        .post("/admin/pages", &fields("coba", "Coba", "Teks."))
        .await;
    assert_eq!(p.status, 403);
    assert_eq!(site.get("/coba").await.status, 404);
}
