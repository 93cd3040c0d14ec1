//! `warta import page-text` as an operator or a script runs it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use warta::store::Store;
use warta::store::sqlite::SqliteStore;

const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/seed/000_6c20b73a237de7b4.txt"
);

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

fn warta(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_warta"))
        .args(["import", "page-text", "--data"])
        .arg(data)
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("warta runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

async fn store(data: &Path) -> SqliteStore {
    SqliteStore::open_dir(data).await.unwrap()
}

#[tokio::test]
async fn the_seed_imports_with_every_field_and_no_chrome() {
    if !Path::new(SEED).exists() {
        eprintln!("skipping: seed not found at {SEED}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = warta(dir.path(), &["--section", "global", SEED]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = stdout(&out).trim().to_string();
    assert_eq!(
        path,
        "/global/pasukan-rusia-akan-tinggalkan-kazakhstan-dalam-2-hari"
    );

    let st = store(dir.path()).await;
    let a = st
        .article(
            "pasukan-rusia-akan-tinggalkan-kazakhstan-dalam-2-hari",
            i64::MAX,
        )
        .await
        .unwrap()
        .expect("stored");
    assert_eq!(
        a.headline,
        "Pasukan Rusia Akan Tinggalkan Kazakhstan dalam 2 Hari"
    );
    // 16:45 WIB is 09:45 UTC.
    assert_eq!(
        warta::domain::time::rfc3339_utc(a.published_at),
        "2022-01-11T09:45:00Z"
    );
    assert_eq!(a.credits.len(), 1);
    assert_eq!(a.credits[0].name, "Irawan Sapto Adhi");
    assert_eq!(a.credits[0].role, warta::domain::Role::Writer);
    assert_eq!(a.sources, vec!["AFP".to_string()]);
    assert_eq!(a.dateline.as_deref(), Some("NUR-SULTAN"));
    use warta::domain::Block;
    let paragraphs: Vec<&str> = a
        .body
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph { text } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(paragraphs.len(), 15);
    assert!(
        paragraphs[0].starts_with("Presiden Kazakhstan"),
        "dateline is not in the text"
    );
    let headings: Vec<_> = a
        .body
        .iter()
        .filter(|b| matches!(b, Block::Heading { .. }))
        .collect();
    assert_eq!(headings.len(), 1);
    let read_also: Vec<_> = a
        .body
        .iter()
        .filter_map(|b| match b {
            Block::ReadAlso { title, slug } => Some((title.clone(), slug.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(read_also.len(), 2);
    assert!(read_also[0].0.starts_with("Kronologi Kerusuhan Kazakhstan"));
    assert!(read_also[1].0.starts_with("Rusia Kirim Pasukan"));
    // Nothing in the store links them: kept as unresolved references.
    assert!(read_also.iter().all(|(_, s)| s.is_none()));
    let all_text = serde_json::to_string(&a.body).unwrap();
    for chrome in [
        "Gabung",
        "Halaman",
        "Video rekomendasi",
        "Video lainnya",
        "Terkini Lainnya",
        "Komentar",
        "Close Ads",
        "Bagikan",
        "Oke",
        "Login untuk",
        "Serangan Ukraina di Belgorod",
    ] {
        assert!(
            !all_text.contains(chrome),
            "chrome {chrome:?} leaked into the body"
        );
    }
}

#[tokio::test]
async fn read_also_links_resolve_to_stored_articles() {
    let dir = tempfile::tempdir().unwrap();
    let target = fixture("read_also_target.txt");
    let page = fixture("full_page.txt");
    let out = warta(
        dir.path(),
        &[
            "--section",
            "regional",
            target.to_str().unwrap(),
            page.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let paths: Vec<String> = stdout(&out).lines().map(str::to_string).collect();
    assert_eq!(paths.len(), 2);
    let slug = paths[1].rsplit('/').next().unwrap();
    let st = store(dir.path()).await;
    let a = st.article(slug, i64::MAX).await.unwrap().unwrap();
    let resolved: Vec<Option<String>> = a
        .body
        .iter()
        .filter_map(|b| match b {
            warta::domain::Block::ReadAlso { slug, .. } => Some(slug.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        resolved,
        vec![
            Some("banjir-bandang-rendam-tiga-kecamatan-di-garut-selatan".to_string()),
            None
        ]
    );
}

#[tokio::test]
async fn json_output_reports_each_file_and_bad_files_store_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let good = fixture("glued_labels.txt");
    let bad = fixture("refuse_no_body.txt");
    let missing = dir.path().join("nope.txt");
    let out = warta(
        dir.path(),
        &[
            "--json",
            good.to_str().unwrap(),
            bad.to_str().unwrap(),
            missing.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "a failed file fails the run");
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["file"], good.to_str().unwrap());
    assert!(
        lines[0]["slug"].is_string() && lines[0]["url"].as_str().unwrap().starts_with("/berita/")
    );
    assert!(lines[0].get("error").is_none());
    let err = lines[1]["error"].as_str().unwrap();
    assert!(
        err.contains("refuse_no_body.txt") && err.contains("no body"),
        "{err}"
    );
    assert!(lines[2]["error"].as_str().unwrap().contains("cannot read"));
    let st = store(dir.path()).await;
    assert_eq!(
        st.counts().await.unwrap().articles,
        1,
        "only the good file is stored"
    );
}

#[tokio::test]
async fn refused_texts_name_the_file_and_what_is_missing() {
    for (name, expect) in [
        ("refuse_empty.txt", "empty"),
        ("refuse_no_headline.txt", "no headline"),
        ("refuse_random_prose.txt", "no site profile recognises"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let f = fixture(name);
        let out = warta(dir.path(), &[f.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(name) && err.contains(expect), "{name}: {err}");
        let st = store(dir.path()).await;
        assert_eq!(
            st.counts().await.unwrap().articles,
            0,
            "{name} stored nothing"
        );
    }
}

#[test]
fn an_empty_or_blank_file_says_what_it_should_hold() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [("kosong.txt", ""), ("spasi.txt", " \n\n\t\n")] {
        let f = dir.path().join(name);
        std::fs::write(&f, text).unwrap();
        let out = warta(&dir.path().join("data"), &[f.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(name) && err.contains("empty or blank") && err.contains("article page"),
            "{name}: {err}"
        );
    }
}

#[tokio::test]
async fn importing_the_same_page_twice_keeps_both_under_distinct_slugs() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture("label_after_name.txt");
    let a = stdout(&warta(dir.path(), &[f.to_str().unwrap()]));
    let b = stdout(&warta(dir.path(), &[f.to_str().unwrap()]));
    assert_ne!(a.trim(), b.trim());
    assert!(b.trim().ends_with("-2"), "{b}");
}

#[test]
fn a_bad_section_slug_is_refused_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture("glued_labels.txt");
    let out = warta(
        dir.path(),
        &["--section", "Bad Section", f.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--section"));
}

#[test]
fn a_site_profile_file_adds_another_portal_without_code() {
    let dir = tempfile::tempdir().unwrap();
    let page = fixture("example_portal.txt");
    // The built-in profiles do not know this portal...
    let out = warta(dir.path(), &[page.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    // ...its own profile does.
    let profile = fixture("example-profile.toml");
    let out = warta(
        dir.path(),
        &[
            "--profile",
            profile.to_str().unwrap(),
            page.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
