//! Search: Indonesian words found in every form, the same stories on both
//! backends, members-only text never matched or shown, edits searchable at
//! once, and any query answered without a server error.

use std::sync::Arc;

use crate::common::{Client, NOW, PgDatabase, api_token, demo_site};
use serde_json::json;
use warta::domain::{Access, Role};
use warta::store::search::SearchQuery;
use warta::store::sqlite::SqliteStore;
use warta::store::{Backend, NewArticle};

/// Fictional stories written for these tests.
/// A story in Nasional by Tari Wulan, an hour old.
fn story(slug: &str, title: &str, body: &[&str]) -> NewArticle {
    let mut a = NewArticle::new(slug, title, ("nasional", "Nasional"), NOW - 3600).credit(
        "tari-wulan",
        "Tari Wulan",
        Role::Writer,
    );
    for p in body {
        a = a.paragraph(p);
    }
    a
}

fn corpus() -> Vec<NewArticle> {
    vec![
        story(
            "pemilihan-kepala-daerah-tavora",
            "Pemilihan Kepala Daerah Tavora Digelar Serentak",
            &["Komisi pemilu menyiapkan seribu tempat pemungutan suara di kota pesisir itu."],
        ),
        story(
            "warga-memilih-sejak-pagi",
            "Warga Tavora Memilih Sejak Pagi",
            &["Antrean panjang terlihat di balai kelurahan sebelum pukul tujuh."],
        ),
        story(
            "calon-yang-dipilih-partai",
            "Calon Wali Kota yang Dipilih Partai Diumumkan",
            &["Partai koalisi mengumumkan nama calon setelah rapat semalam."],
        ),
        story(
            "anak-anak-kembali-ke-sekolah",
            "Anak-anak Kembali ke Sekolah Setelah Libur Panjang",
            &["Guru menyambut murid di gerbang dengan lagu daerah."],
        ),
        story(
            "kebanjiran-di-pesisir-utara",
            "Ratusan Rumah Kebanjiran di Pesisir Utara",
            &["Air rob naik setinggi lutut orang dewasa sejak subuh."],
        ),
        story(
            "menteri-bantah-berita-impor",
            "Menteri Bantah Berita Impor Beras",
            &["Kementerian menyebut stok gudang cukup hingga akhir tahun."],
        ),
        story(
            "perayaan-tahun-baru-sederhana",
            "Perayaan Tahun Baru Digelar Sederhana",
            &["Pemerintah kota meniadakan pesta kembang api."],
        ),
        story(
            "laporan-khusus-anggaran",
            "Laporan Khusus Anggaran Pelabuhan",
            &[
                "Paragraf pertama menyebut dermaga baru di Teluk Sirah.",
                "Paragraf kedua tentang pelelangan ikan.",
                "Paragraf ketiga tentang jalan akses.",
                "Hanya anggota membaca kata rahasiakuantum di paragraf keempat.",
            ],
        )
        .access(Access::Members),
    ]
}

/// (query, the stories it finds)
const GOLDEN: &[(&str, &[&str])] = &[
    (
        "pemilihan",
        &[
            "pemilihan-kepala-daerah-tavora",
            "warga-memilih-sejak-pagi",
            "calon-yang-dipilih-partai",
        ],
    ),
    (
        "memilih",
        &[
            "pemilihan-kepala-daerah-tavora",
            "warga-memilih-sejak-pagi",
            "calon-yang-dipilih-partai",
        ],
    ),
    (
        "terpilih",
        &[
            "pemilihan-kepala-daerah-tavora",
            "warga-memilih-sejak-pagi",
            "calon-yang-dipilih-partai",
        ],
    ),
    ("anak", &["anak-anak-kembali-ke-sekolah"]),
    ("anak-anak", &["anak-anak-kembali-ke-sekolah"]),
    ("banjir", &["kebanjiran-di-pesisir-utara"]),
    ("berita", &["menteri-bantah-berita-impor"]),
    ("menteri", &["menteri-bantah-berita-impor"]),
    ("tahun baru", &["perayaan-tahun-baru-sederhana"]),
    (
        "Tavora pemilihan",
        &["pemilihan-kepala-daerah-tavora", "warga-memilih-sejak-pagi"],
    ),
    ("dermaga", &["laporan-khusus-anggaran"]),
    ("rahasiakuantum", &[]),
    (
        "tari wulan",
        &[
            "pemilihan-kepala-daerah-tavora",
            "warga-memilih-sejak-pagi",
            "calon-yang-dipilih-partai",
            "anak-anak-kembali-ke-sekolah",
            "kebanjiran-di-pesisir-utara",
            "menteri-bantah-berita-impor",
            "perayaan-tahun-baru-sederhana",
            "laporan-khusus-anggaran",
        ],
    ),
];

async fn found(st: &dyn Backend, q: &str) -> Vec<String> {
    let terms = st.search_settings().analyzer.query(q).unwrap();
    let mut slugs: Vec<String> = st
        .search(&SearchQuery {
            terms,
            sections: Vec::new(),
            author: None,
            from: None,
            to: None,
            now: NOW,
            candidates: 1000,
        })
        .await
        .unwrap()
        .into_iter()
        .map(|h| h.slug)
        .collect();
    slugs.sort();
    slugs
}

/// The golden queries, on SQLite and PostgreSQL, find the same stories.
#[tokio::test]
async fn golden_queries_find_the_same_stories_on_both_backends() {
    let sqlite: Arc<dyn Backend> = Arc::new(SqliteStore::in_memory().await.unwrap());
    let db = PgDatabase::create().await;
    let pg: Arc<dyn Backend> = Arc::new(
        warta::store::postgres::PgStore::connect(&db.url)
            .await
            .unwrap(),
    );
    for st in [&sqlite, &pg] {
        st.migrate().await.unwrap();
        for a in corpus() {
            st.insert_article(&a).await.unwrap();
        }
    }
    for (q, want) in GOLDEN {
        let mut want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
        want.sort();
        let (a, b) = (found(&*sqlite, q).await, found(&*pg, q).await);
        assert_eq!(a, want, "SQLite: {q:?}");
        assert_eq!(b, want, "PostgreSQL: {q:?}");
    }
    // Filters narrow by section and author the same way on both.
    let other = NewArticle::new(
        "pemilihan-ketua-rt",
        "Pemilihan Ketua RT di Lereng Merapi",
        ("regional", "Regional"),
        NOW - 7200,
    )
    .credit("budi-santoso", "Budi Santoso", Role::Writer)
    .paragraph("Warga memilih ketua baru.");
    for st in [&sqlite, &pg] {
        st.insert_article(&other).await.unwrap();
        let filtered = |sections: &[&str], author: Option<&str>| {
            let st = st.clone();
            let sections: Vec<String> = sections.iter().map(|s| s.to_string()).collect();
            let author = author.map(str::to_string);
            async move {
                let terms = st.search_settings().analyzer.query("pemilihan").unwrap();
                let q = SearchQuery {
                    terms,
                    sections,
                    author,
                    from: None,
                    to: None,
                    now: NOW,
                    candidates: 1000,
                };
                st.search(&q)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|h| h.slug)
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(filtered(&[], None).await.len(), 4);
        assert_eq!(filtered(&["regional"], None).await, ["pemilihan-ketua-rt"]);
        assert_eq!(
            filtered(&["global", "regional"], None).await,
            ["pemilihan-ketua-rt"]
        );
        assert_eq!(filtered(&["nasional"], None).await.len(), 3);
        assert_eq!(
            filtered(&[], Some("budi-santoso")).await,
            ["pemilihan-ketua-rt"]
        );
        assert!(
            filtered(&["nasional"], Some("budi-santoso"))
                .await
                .is_empty()
        );
        assert!(filtered(&[], Some("no-one")).await.is_empty());
    }
    // Reindexing changes nothing that is found.
    assert_eq!(pg.reindex().await.unwrap(), corpus().len() + 1);
    assert_eq!(found(&*pg, "memilih").await.len(), 4);
    assert_eq!(found(&*sqlite, "memilih").await.len(), 4);
}

#[tokio::test]
async fn readers_search_from_the_header_and_find_every_form_of_a_word() {
    let site = demo_site().await;
    for a in corpus() {
        site.app.store.insert_article(&a).await.unwrap();
    }
    let home = site.get("/").await;
    assert!(
        home.body.contains("action=\"/cari\""),
        "a search form in the header"
    );
    assert!(
        home.body
            .contains("<link rel=\"search\" type=\"application/opensearchdescription+xml\"")
    );
    let p = site.get("/cari?q=dipilih").await;
    assert_eq!(p.status, 200);
    assert!(p.body.contains("noindex"));
    for slug in ["pemilihan-kepala-daerah-tavora", "warga-memilih-sejak-pagi"] {
        assert!(p.body.contains(&format!("/nasional/{slug}")), "{slug}");
    }
    // The matched words are marked in the snippet and in the title's form.
    assert!(p.body.contains("<mark>"), "{}", p.body);
    // The JSON answer.
    let j = site.get("/api/v1/search?q=kebanjiran").await.json();
    assert_eq!(j["results"][0]["slug"], "kebanjiran-di-pesisir-utara");
    let title = &j["results"][0]["title_parts"];
    assert!(
        title
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["mark"] == true && s["text"] == "Kebanjiran"),
        "{title}"
    );
    // Filters: section, date range.
    let none = site
        .get("/api/v1/search?q=lutut&section=ekonomi")
        .await
        .json();
    assert_eq!(none["total"], 0);
    let dated = site
        .get("/api/v1/search?q=lutut&from=2026-11-27&to=2026-11-27")
        .await
        .json();
    assert_eq!(dated["total"], 1);
    let later = site
        .get("/api/v1/search?q=lutut&from=2026-11-28")
        .await
        .json();
    assert_eq!(later["total"], 0);
    // The OpenSearch description points back here.
    let os = site.get("/opensearch.xml").await;
    assert!(
        os.header("content-type")
            .starts_with("application/opensearchdescription+xml")
    );
    assert!(
        os.body
            .contains("template=\"http://127.0.0.1:8080/cari?q={searchTerms}\"")
    );
}

#[tokio::test]
async fn members_only_text_is_never_matched_or_shown() {
    let site = demo_site().await;
    for a in corpus() {
        site.app.store.insert_article(&a).await.unwrap();
    }
    let hidden = site.get("/api/v1/search?q=rahasiakuantum").await.json();
    assert_eq!(hidden["total"], 0);
    let public = site.get("/api/v1/search?q=dermaga").await.json();
    assert_eq!(public["results"][0]["slug"], "laporan-khusus-anggaran");
    assert_eq!(public["results"][0]["access"], "members");
    let page = site.get("/cari?q=dermaga").await;
    assert!(!page.body.contains("rahasiakuantum"));
    assert!(!page.body.contains("paragraf keempat"));

    // A story for signed-in readers is found and shown by its preview only,
    // like a members' story: search pages are the same for everyone.
    let registered = story(
        "untuk-pembaca-terdaftar",
        "Catatan Pembaca Terdaftar dari Pelabuhan",
        &[
            "Paragraf pertama menyebut mercusuar tua.",
            "Paragraf kedua.",
            "Paragraf ketiga.",
            "Hanya pembaca masuk membaca kata rahasiaregistrasi di sini.",
        ],
    )
    .access(Access::Registered);
    site.app.store.insert_article(&registered).await.unwrap();
    let hidden = site.get("/api/v1/search?q=rahasiaregistrasi").await.json();
    assert_eq!(hidden["total"], 0);
    let shown = site.get("/api/v1/search?q=mercusuar").await.json();
    assert_eq!(shown["results"][0]["slug"], "untuk-pembaca-terdaftar");
    assert_eq!(shown["results"][0]["access"], "registered");
}

#[tokio::test]
async fn an_edit_is_searchable_at_once_and_an_unpublished_story_disappears() {
    let site = demo_site().await;
    let t = api_token(&site, "cari", &["articles:write", "articles:publish"]).await;
    let auth = format!("Bearer {t}");
    let send = |method: &'static str, uri: String, body: serde_json::Value| {
        let site = &site;
        let auth = auth.clone();
        async move {
            Client::new(site)
                .send(
                    method,
                    &uri,
                    Some(("application/json", body.to_string())),
                    &[("authorization", auth.as_str()), ("if-match", "*")],
                )
                .await
        }
    };
    let p = send(
        "POST",
        "/api/v1/admin/articles".into(),
        json!({
            "title": "Jembatan Gantung Selesai Diperbaiki",
            "section": "nasional", "status": "published",
            "contributors": [{"name": "Tari Wulan", "role": "writer"}],
            "body": [{"type": "paragraph", "text": "Perbaikan memakan waktu tiga bulan di desa Lembahhijau."}]
        }),
    )
    .await;
    assert_eq!(p.status, 201, "{}", p.body);
    let slug = p.json()["slug"].as_str().unwrap().to_string();
    let hits = |q: &'static str| {
        let site = &site;
        async move { site.get(&format!("/api/v1/search?q={q}")).await.json()["total"].clone() }
    };
    assert_eq!(hits("lembahhijau").await, 1);
    let p = send(
        "PATCH",
        format!("/api/v1/admin/articles/{slug}"),
        json!({"body": [{"type": "paragraph", "text": "Perbaikan selesai di desa Lerengbiru."}]}),
    )
    .await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert_eq!(hits("lembahhijau").await, 0, "the old words are gone");
    assert_eq!(
        hits("lerengbiru").await,
        1,
        "the new words are found at once"
    );
    let p = send(
        "PATCH",
        format!("/api/v1/admin/articles/{slug}"),
        json!({"status": "unpublished"}),
    )
    .await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert_eq!(hits("lerengbiru").await, 0, "unpublished: not found");
}

#[tokio::test]
async fn any_query_gets_an_answer_never_a_server_error() {
    let mut cfg = crate::common::test_config();
    cfg.search.per_minute = 1000;
    let site = crate::common::demo_site_with(cfg).await;
    let long = "banjir ".repeat(1500);
    let queries = [
        "\"banjir\"",
        "banjir*",
        "NEAR(banjir jakarta)",
        "-banjir",
        "banjir OR jakarta",
        "banjir AND NOT jakarta",
        "'; DROP TABLE articles; --",
        "%' OR '1'='1",
        "title_exact:banjir",
        "{title_exact}: x",
        "^banjir",
        "\\",
        "()",
        "\u{0}",
        "😀",
        "yang",
        "",
        &long,
    ];
    for q in queries {
        let enc: String = q.bytes().map(|b| format!("%{b:02X}")).collect();
        let page = site.get(&format!("/cari?q={enc}")).await;
        assert_eq!(page.status, 200, "page {q:?}");
        let api = site.get(&format!("/api/v1/search?q={enc}")).await;
        assert!(
            api.status == 200 || api.status == 400,
            "api {q:?}: {} {}",
            api.status,
            api.body
        );
    }
    assert!(site.get("/cari?q=yang").await.body.contains("kata sambung"));
    assert!(
        site.get(&format!("/cari?q={}", "x".repeat(300)))
            .await
            .body
            .contains("200 huruf")
    );
    assert_eq!(site.get("/cari?q=banjir&from=kemarin").await.status, 200);
    assert_eq!(
        site.get("/api/v1/search?q=banjir&from=kemarin")
            .await
            .status,
        400
    );
}

#[tokio::test]
async fn search_pages_are_cached_for_anonymous_readers_and_rate_limited() {
    let site = demo_site().await;
    site.get("/cari?q=banjir").await;
    assert_eq!(
        site.get("/cari?q=banjir&utm_source=x")
            .await
            .header("x-warta-cache"),
        "hit"
    );
    let mut limited = false;
    for i in 0..40 {
        let p = site.get(&format!("/cari?q=kata{i}")).await;
        if p.status == 429 {
            limited = true;
            break;
        }
    }
    assert!(limited, "one client cannot search without limit");
}
