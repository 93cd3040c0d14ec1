//! The importer against the fixtures in `tests/fixtures/import/`, and the
//! seed page when `../shared/seed` is there.

use super::*;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/import/");

/// Fixtures in the seed portal's page shape that must parse with its profile.
const GOOD: &[&str] = &[
    "full_page.txt",
    "glued_labels.txt",
    "label_before_name.txt",
    "label_after_name.txt",
    "credits_one_line.txt",
    "read_also_variants.txt",
    "label_words_in_body.txt",
    "no_dateline.txt",
    "crlf_no_blank_lines.txt",
    "updated_wit.txt",
    "short_lines.txt",
    "source_on_next_line.txt",
];

/// Chrome of the seed portal's page shape: none may show up as article content.
const CHROME: &[&str] = &[
    "Baca berita tanpa iklan",
    "Halaman:",
    "Video rekomendasi",
    "Video lainnya",
    "Terkini Lainnya",
    "Global",
    "Regional",
    "Komentar",
    "Close Ads",
    "Bagikan artikel ini melalui",
    "Oke",
    "Login untuk",
];

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

fn seed_profile() -> SiteProfile {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/profiles/kompas-com.toml");
    SiteProfile::from_toml(&read(path)).expect("seed portal profile loads")
}

fn example() -> SiteProfile {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/import/example-profile.toml"
    );
    SiteProfile::from_toml(&read(path)).expect("example profile loads")
}

fn fixture(name: &str) -> String {
    read(&format!("{FIXTURES}{name}"))
}

fn parse_fixture(name: &str) -> ImportedArticle {
    parse(&fixture(name), &seed_profile()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn at(year: i16, month: i8, day: i8, hour: i8, minute: i8) -> LocalDateTime {
    LocalDateTime {
        year,
        month,
        day,
        hour,
        minute,
    }
}

fn text(b: &ImportedBlock) -> &str {
    match b {
        ImportedBlock::Paragraph(t) | ImportedBlock::Heading(t) | ImportedBlock::ReadAlso(t) => t,
    }
}

/// Block kinds in order: P paragraph, H heading, R read-also.
fn shape(a: &ImportedArticle) -> String {
    a.body
        .iter()
        .map(|b| match b {
            ImportedBlock::Paragraph(_) => 'P',
            ImportedBlock::Heading(_) => 'H',
            ImportedBlock::ReadAlso(_) => 'R',
        })
        .collect()
}

fn paragraphs(a: &ImportedArticle) -> Vec<&str> {
    a.body
        .iter()
        .filter_map(|b| match b {
            ImportedBlock::Paragraph(t) => Some(t.as_str()),
            _ => None,
        })
        .collect()
}

fn headings(a: &ImportedArticle) -> Vec<&str> {
    a.body
        .iter()
        .filter_map(|b| match b {
            ImportedBlock::Heading(t) => Some(t.as_str()),
            _ => None,
        })
        .collect()
}

fn read_alsos(a: &ImportedArticle) -> Vec<&str> {
    a.body
        .iter()
        .filter_map(|b| match b {
            ImportedBlock::ReadAlso(t) => Some(t.as_str()),
            _ => None,
        })
        .collect()
}

fn people(a: &ImportedArticle) -> Vec<(&str, ImportedRole)> {
    a.contributors
        .iter()
        .map(|(n, r)| (n.as_str(), *r))
        .collect()
}

fn assert_no_chrome(a: &ImportedArticle) {
    for chrome in CHROME {
        assert!(
            !a.headline.starts_with(chrome),
            "headline is chrome {chrome:?}"
        );
        for b in &a.body {
            assert!(
                !text(b).starts_with(chrome),
                "chrome {chrome:?} in body: {b:?}"
            );
        }
    }
}

#[test]
fn seed_page_gives_the_article_and_no_chrome() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/seed/000_6c20b73a237de7b4.txt"
    );
    let Ok(seed) = std::fs::read_to_string(path) else {
        eprintln!("skipping: seed not found at {path}");
        return;
    };
    let a = parse(&seed, &seed_profile()).expect("the seed page parses");

    // Expected text comes from the seed's own lines at known positions, so
    // no article text is copied into this file.
    let lines: Vec<&str> = seed
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(a.headline, lines[1]);
    assert_eq!(a.published, at(2022, 1, 11, 16, 45));
    assert_eq!(a.zone, "WIB");
    assert_eq!(a.updated, None);
    assert_eq!(lines[4], "Penulis");
    assert_eq!(people(&a), vec![(lines[3], ImportedRole::Writer)]);
    assert_eq!(
        lines[5].split_once(' ').map(|(label, _)| label),
        Some("Sumber")
    );
    assert_eq!(a.sources, vec![&lines[5]["Sumber ".len()..]]);

    assert_eq!(paragraphs(&a).len(), 15);
    assert_eq!(headings(&a).len(), 1);
    assert_eq!(read_alsos(&a).len(), 2);
    assert_eq!(shape(&a), "PPPRPPPPPPRPPPHPPP");

    // Block by block, the body is exactly the article lines between the
    // credits and "Halaman:", minus the dateline prefix and "Baca juga: ".
    let end = lines
        .iter()
        .position(|l| *l == "Halaman:")
        .expect("seed has Halaman:");
    let article = &lines[6..end];
    assert_eq!(a.body.len(), article.len());
    let lede = text(&a.body[0]);
    let (city, _) = article[0].split_once(", ").expect("seed dateline");
    assert!(city.chars().all(|c| c.is_uppercase() || c == '-'));
    assert_eq!(a.dateline.as_deref(), Some(city));
    assert!(article[0].ends_with(lede) && lede.len() < article[0].len());
    assert!(!lede.starts_with(city) && starts_upper(lede));
    for (block, line) in a.body[1..].iter().zip(&article[1..]) {
        match block {
            ImportedBlock::ReadAlso(title) => assert_eq!(format!("Baca juga: {title}"), *line),
            other => assert_eq!(text(other), *line),
        }
    }
    let heading = headings(&a)[0];
    assert!(
        heading.starts_with('“') && heading.ends_with('”'),
        "curly quotes kept: {heading}"
    );

    // Not one line of chrome: no line above the headline or from "Halaman:"
    // on (membership pitch, videos, latest news and its titles, comments,
    // ads, share dialog, login prompt) shows up in the body.
    assert_no_chrome(&a);
    for chrome in lines[..1].iter().chain(&lines[end..]) {
        for b in &a.body {
            assert_ne!(text(b), *chrome);
            assert!(
                chrome.len() < 12 || !text(b).contains(chrome),
                "{chrome:?} in {b:?}"
            );
        }
    }
}

#[test]
fn full_page_with_all_chrome() {
    let a = parse_fixture("full_page.txt");
    assert_eq!(
        a.headline,
        "Jembatan Gantung Desa Sukamaju Akhirnya Dibuka untuk Warga"
    );
    assert_eq!(a.published, at(2023, 3, 4, 9, 15));
    assert_eq!(a.zone, "WIB");
    assert_eq!(a.updated, None);
    assert_eq!(people(&a), vec![("Dewi Anggraini", ImportedRole::Writer)]);
    assert_eq!(a.sources, vec!["Antara"]);
    assert_eq!(a.dateline.as_deref(), Some("GARUT"));
    // The membership pitch between two paragraphs is dropped.
    assert_eq!(shape(&a), "PPPRPPHPRP");
    let p = paragraphs(&a);
    assert!(p[0].starts_with("Jembatan gantung sepanjang 120 meter"));
    assert!(p[0].ends_with("pada Sabtu (4/3/2023)."));
    assert_eq!(
        *p.last().unwrap(),
        "Warga juga diminta tidak melintas secara bersamaan dalam jumlah besar, terutama saat hujan deras."
    );
    assert_eq!(headings(&a), vec!["“Perawatan dan pengawasan”"]);
    assert_eq!(
        read_alsos(&a),
        vec![
            "Banjir Bandang Rendam Tiga Kecamatan di Garut Selatan",
            "Dana Desa Tahun Ini Diprioritaskan untuk Infrastruktur Dasar"
        ]
    );
    assert_no_chrome(&a);
    for b in &a.body {
        assert!(!text(b).starts_with("Harga Cabai") && !text(b).starts_with("Festival Layang"));
    }
}

#[test]
fn labels_glued_to_names_and_en_dash_dateline() {
    let a = parse_fixture("glued_labels.txt");
    assert_eq!(
        people(&a),
        vec![
            ("Rahmat Hidayat", ImportedRole::Writer),
            ("Sinta Maharani", ImportedRole::Editor),
            ("Yudha Prasetya", ImportedRole::Photographer),
        ]
    );
    assert!(a.sources.is_empty());
    assert_eq!(a.dateline.as_deref(), Some("JAKARTA"));
    assert!(paragraphs(&a)[0].starts_with("Pemerintah kota menambah 40 bus listrik"));
    assert_eq!(shape(&a), "PPPP");
    assert_no_chrome(&a);
}

#[test]
fn labels_before_names_wita_updated_on_kicker_line_em_dash() {
    let a = parse_fixture("label_before_name.txt");
    assert_eq!(
        a.headline,
        "Ribuan Penari Meriahkan Festival Pesisir di Pantai Losari"
    );
    assert_eq!(a.published, at(2023, 7, 21, 19, 5));
    assert_eq!(a.zone, "WITA");
    assert_eq!(a.updated, Some(at(2023, 7, 21, 21, 40)));
    assert_eq!(
        people(&a),
        vec![
            ("Andi Nurul Fadillah", ImportedRole::Writer),
            ("Sinta Maharani", ImportedRole::Editor),
            ("Muh. Rizal", ImportedRole::Contributor),
            ("Yudha Prasetya", ImportedRole::Photographer),
        ]
    );
    assert_eq!(a.sources, vec!["AFP", "Reuters"]);
    assert_eq!(a.dateline.as_deref(), Some("MAKASSAR"));
    assert!(paragraphs(&a)[0].starts_with("Sekitar dua ribu penari"));
    assert_eq!(shape(&a), "PPP");
}

#[test]
fn labels_after_names_and_two_source_lines() {
    let a = parse_fixture("label_after_name.txt");
    assert_eq!(
        people(&a),
        vec![
            ("Galih Permana", ImportedRole::Writer),
            ("Sinta Maharani", ImportedRole::Editor),
            ("Teguh Wibisono", ImportedRole::Contributor),
        ]
    );
    assert_eq!(a.sources, vec!["Antara", "Reuters"]);
    assert_eq!(a.dateline.as_deref(), Some("TEMANGGUNG"));
    assert_eq!(shape(&a), "PPP");
}

#[test]
fn credits_on_one_line_and_source_with_colon() {
    let a = parse_fixture("credits_one_line.txt");
    assert_eq!(
        people(&a),
        vec![
            ("Rahmat Hidayat", ImportedRole::Writer),
            ("Sinta Maharani", ImportedRole::Editor)
        ]
    );
    assert_eq!(a.sources, vec!["Antara"]);
    assert_eq!(a.dateline.as_deref(), Some("PURWOREJO"));
    assert_eq!(shape(&a), "PPP");
}

#[test]
fn read_also_spacing_case_and_title_on_next_line() {
    let a = parse_fixture("read_also_variants.txt");
    assert_eq!(a.dateline.as_deref(), Some("SEMARANG"));
    assert!(paragraphs(&a)[0].starts_with("Dinas kesehatan kota"));
    assert_eq!(shape(&a), "PRPRPRPRP");
    assert_eq!(
        read_alsos(&a),
        vec![
            "Kasus Gigitan Anjing Meningkat di Kawasan Perbukitan",
            "Warga Diminta Mendata Hewan Peliharaan ke Kelurahan",
            "Klinik Hewan Keliling Sambangi Pasar Tradisional",
            "Tips Merawat Kucing Setelah Vaksinasi",
        ]
    );
    assert_no_chrome(&a);
}

#[test]
fn paragraphs_starting_with_label_words_stay_in_the_body() {
    let a = parse_fixture("label_words_in_body.txt");
    assert_eq!(people(&a), vec![("Galih Permana", ImportedRole::Writer)]);
    assert_eq!(a.sources, vec!["Antara"]);
    assert_eq!(shape(&a), "PPPPPP");
    let p = paragraphs(&a);
    assert!(p[1].starts_with("Sumber-sumber di kementerian menyebutkan"));
    assert!(p[2].starts_with("Editor senior itu"));
    assert!(p[3].starts_with("Penulis buku itu"));
    assert!(p[4].starts_with("Sumber dana penerbitan"));
    assert!(p[5].starts_with("Kontributor ilustrasi"));
}

#[test]
fn without_dateline_the_body_starts_after_the_credits() {
    let a = parse_fixture("no_dateline.txt");
    assert_eq!(
        a.headline,
        "Editor Senior Pensiun setelah 30 Tahun Mengabdi di Ruang Redaksi"
    );
    assert_eq!(a.dateline, None);
    assert_eq!(people(&a), vec![("Sinta Maharani", ImportedRole::Editor)]);
    assert_eq!(shape(&a), "PPP");
    // A lede that begins with a label word is not a credit.
    assert!(paragraphs(&a)[0].starts_with("Editor senior sebuah harian"));
    assert_no_chrome(&a);
}

#[test]
fn ledes_that_begin_with_label_words_are_not_credits() {
    let profile = seed_profile();
    for lede in [
        "Penulis muda itu meluncurkan novel pertamanya di toko buku kecil.",
        "Penulisan ulang sejarah desa melibatkan para tetua adat.",
        "Editor itu mengatakan naskah harus selesai pekan depan.",
        "Sumbernya belum diketahui hingga Senin malam.",
        "Sumber di lapangan menyebutkan api sudah padam.",
        "Kontributor lepas di daerah kini mendapat asuransi.",
    ] {
        let page = format!(
            "Judul Berita\nNusawarta.test - 01/02/2024, 10:00 WIB\nDewi Anggraini\nPenulis\n{lede}\nParagraf kedua.\nHalaman:"
        );
        let a = parse(&page, &profile).unwrap_or_else(|e| panic!("{lede}: {e}"));
        assert_eq!(
            people(&a),
            vec![("Dewi Anggraini", ImportedRole::Writer)],
            "{lede}"
        );
        assert!(a.sources.is_empty(), "{lede}");
        assert_eq!(paragraphs(&a), vec![lede, "Paragraf kedua."]);
    }
}

#[test]
fn windows_line_endings_without_blank_lines() {
    let a = parse_fixture("crlf_no_blank_lines.txt");
    assert_eq!(
        a.headline,
        "Hujan Deras, Tiga Kelurahan di Kota Bogor Tergenang"
    );
    assert_eq!(
        people(&a),
        vec![
            ("Rahmat Hidayat", ImportedRole::Writer),
            ("Sinta Maharani", ImportedRole::Editor)
        ]
    );
    assert_eq!(a.dateline.as_deref(), Some("BOGOR"));
    assert_eq!(shape(&a), "PPRPHP");
    assert_eq!(headings(&a), vec!["Warga diminta tetap waspada"]);
    assert!(a.body.iter().all(|b| !text(b).contains('\r')));
    assert_no_chrome(&a);
    assert!(a.body.iter().all(|b| !text(b).starts_with("Harga Beras")));
}

#[test]
fn updated_time_on_its_own_line_in_wit() {
    let a = parse_fixture("updated_wit.txt");
    assert_eq!(a.published, at(2024, 3, 11, 7, 50));
    assert_eq!(a.zone, "WIT");
    assert_eq!(a.updated, Some(at(2024, 3, 12, 8, 5)));
    assert_eq!(
        people(&a),
        vec![
            ("Yohanes Wenda", ImportedRole::Contributor),
            ("Sinta Maharani", ImportedRole::Editor)
        ]
    );
    assert_eq!(a.dateline.as_deref(), Some("JAYAPURA"));
    assert_eq!(shape(&a), "PPP");
}

#[test]
fn source_list_on_the_line_after_its_label_and_caption_dropped() {
    let a = parse_fixture("source_on_next_line.txt");
    assert_eq!(people(&a), vec![("Yohanes Wenda", ImportedRole::Writer)]);
    assert_eq!(a.sources, vec!["Antara", "Reuters"]);
    assert_eq!(a.dateline.as_deref(), Some("WAMENA"));
    // The photo caption between the credits and the dateline is not body.
    assert_eq!(shape(&a), "PP");
    assert!(paragraphs(&a)[0].starts_with("Bandara perintis di pegunungan tengah"));
}

#[test]
fn dateline_shaped_line_deep_in_the_body_is_just_a_paragraph() {
    let page = "Judul Berita\nNusawarta.test - 01/02/2024, 10:00 WIB\nDewi Anggraini\nPenulis\n\
        Paragraf pertama.\nParagraf kedua.\nParagraf ketiga.\nParagraf keempat.\n\
        BOGOR, NUSAWARTA.test - Paragraf kelima.\nHalaman:";
    let a = parse(page, &seed_profile()).unwrap();
    assert_eq!(a.dateline, None);
    assert_eq!(paragraphs(&a).len(), 5);
    assert_eq!(paragraphs(&a)[0], "Paragraf pertama.");
}

#[test]
fn short_lines_become_headings_only_between_paragraphs() {
    let a = parse_fixture("short_lines.txt");
    assert_eq!(
        headings(&a),
        vec!["Persiapan sejak awal tahun", "Hadiah yang diperebutkan"]
    );
    // A heading may be followed by a read-also; a lead-in ending in ":", a
    // run of short list lines and a short last line stay paragraphs.
    assert_eq!(shape(&a), "PPHPPHRPPPPPP");
    let p = paragraphs(&a);
    assert!(p.contains(&"Kategori yang dilombakan:"));
    assert!(p.contains(&"Perahu 10 pendayung") && p.contains(&"Perahu 20 pendayung"));
    assert_eq!(
        *p.last().unwrap(),
        "Info lebih lanjut hubungi panitia di kantor kecamatan"
    );
}

#[test]
fn line_ending_and_spacing_variants_give_the_same_article() {
    let profile = seed_profile();
    for name in GOOD {
        let original = fixture(name);
        let lf = original.replace("\r\n", "\n");
        let expected = parse(&lf, &profile).unwrap_or_else(|e| panic!("{name}: {e}"));
        let variants = [
            lf.replace('\n', "\r\n"),
            lf.lines()
                .filter(|l| !l.trim().is_empty())
                .collect::<Vec<_>>()
                .join("\n"),
            lf.lines()
                .map(|l| format!("  {l}\u{a0} "))
                .collect::<Vec<_>>()
                .join("\n"),
            format!("\u{feff}{lf}"),
        ];
        for (i, v) in variants.iter().enumerate() {
            assert_eq!(
                parse(v, &profile).as_ref(),
                Ok(&expected),
                "{name}, variant {i}"
            );
        }
        assert!(profile.matches(&original), "{name}");
    }
}

#[test]
fn refuses_empty_text() {
    assert_eq!(parse("", &seed_profile()), Err(ImportError::Empty));
    assert_eq!(
        parse(&fixture("refuse_empty.txt"), &seed_profile()),
        Err(ImportError::Empty)
    );
}

#[test]
fn refuses_text_without_kicker() {
    let profile = seed_profile();
    let missing = Err(ImportError::NoPublicationTime {
        profile: profile.name().to_string(),
    });
    assert_eq!(parse(&fixture("refuse_no_kicker.txt"), &profile), missing);
    assert_eq!(
        parse(&fixture("refuse_random_prose.txt"), &profile),
        missing
    );
    assert!(!profile.matches(&fixture("refuse_random_prose.txt")));
}

#[test]
fn refuses_headline_without_body() {
    assert_eq!(
        parse(&fixture("refuse_no_body.txt"), &seed_profile()),
        Err(ImportError::NoBody)
    );
}

#[test]
fn refuses_kicker_without_headline() {
    assert_eq!(
        parse(&fixture("refuse_no_headline.txt"), &seed_profile()),
        Err(ImportError::NoHeadline)
    );
}

#[test]
fn refuses_impossible_date() {
    assert_eq!(
        parse(&fixture("refuse_bad_date.txt"), &seed_profile()),
        Err(ImportError::InvalidPublicationTime(
            "Nusawarta.test - 30/02/2024, 03:12 WIB".to_string()
        ))
    );
}

#[test]
fn error_messages_say_what_is_missing() {
    assert_eq!(ImportError::Empty.to_string(), "the text is empty");
    let no_time = ImportError::NoPublicationTime {
        profile: "Warta Contoh".into(),
    };
    assert!(no_time.to_string().starts_with("no publication time"));
    assert!(no_time.to_string().contains("`Warta Contoh`"));
    assert!(
        ImportError::NoHeadline
            .to_string()
            .starts_with("no headline")
    );
    assert!(ImportError::NoBody.to_string().starts_with("no body"));
    assert!(
        ImportError::InvalidUpdatedTime("x".into())
            .to_string()
            .contains("updated time")
    );
}

#[test]
fn another_portal_is_just_another_profile() {
    let profile = example();
    assert_eq!(profile.name(), "Warta Contoh");
    let page = fixture("example_portal.txt");
    let a = parse(&page, &profile).expect("example page parses");
    assert_eq!(
        a.headline,
        "Gubernur Resmikan Pasar Ikan Higienis di Pesisir Timur"
    );
    assert_eq!(a.published, at(2023, 4, 3, 14, 20));
    assert_eq!(a.zone, "WITA");
    assert_eq!(a.updated, Some(at(2023, 4, 3, 16, 5)));
    assert_eq!(
        people(&a),
        vec![
            ("Made Suarjana", ImportedRole::Writer),
            ("Yohana Lestari", ImportedRole::Editor),
            ("Komang Adi", ImportedRole::Photographer),
        ]
    );
    assert_eq!(a.sources, vec!["Antara"]);
    assert_eq!(a.dateline.as_deref(), Some("DENPASAR"));
    assert_eq!(shape(&a), "PPRPHP");
    assert_eq!(headings(&a), vec!["Ruang pendingin bersama"]);
    assert_eq!(
        read_alsos(&a),
        vec!["Nelayan Keluhkan Harga Solar di Musim Angin Barat"]
    );
    assert!(
        a.body
            .iter()
            .all(|b| !text(b).starts_with("Festival Layangan"))
    );

    // Each profile recognises only its own portal's pages.
    let seed_portal = seed_profile();
    assert!(profile.matches(&page));
    assert!(!seed_portal.matches(&page));
    assert!(matches!(
        parse(&page, &seed_portal),
        Err(ImportError::NoPublicationTime { .. })
    ));
    for name in GOOD {
        assert!(!profile.matches(&fixture(name)), "{name}");
    }
}

const MINIMAL: &str = r#"
name = "Mini"
kicker = '^(?P<site>\S+) - (?P<d>\d+)/(?P<m>\d+)/(?P<y>\d+), (?P<H>\d+):(?P<M>\d+) (?P<zone>WIB)$'
"#;

#[test]
fn minimal_profile_loads_with_defaults() {
    let p = SiteProfile::from_toml(MINIMAL).expect("minimal profile");
    assert_eq!(p.name(), "Mini");
    let a = parse(
        "Judul\nMini - 01/02/2024, 10:00 WIB\nIsi berita pertama.",
        &p,
    )
    .unwrap();
    assert_eq!(a.headline, "Judul");
    assert_eq!(paragraphs(&a), vec!["Isi berita pertama."]);
}

#[test]
fn bad_profiles_are_refused_with_the_field_named() {
    let err = |extra: &str| SiteProfile::from_toml(&format!("{MINIMAL}{extra}")).unwrap_err();

    assert!(matches!(
        SiteProfile::from_toml("name = "),
        Err(ProfileError::Toml(_))
    ));
    assert!(matches!(err("colour = \"red\"\n"), ProfileError::Toml(_)));
    assert!(matches!(
        err("[roles]\nBos = \"boss\"\n"),
        ProfileError::Toml(_)
    ));

    let e = SiteProfile::from_toml("name = \"X\"\nkicker = '(unclosed'\n").unwrap_err();
    assert!(
        matches!(&e, ProfileError::Regex { field, .. } if field == "kicker"),
        "{e}"
    );
    assert!(e.to_string().contains("`kicker`"));

    let e = SiteProfile::from_toml(
        "name = \"X\"\nkicker = '(?P<d>..)(?P<m>..)(?P<y>..)(?P<H>..)(?P<M>..)'\n",
    )
    .unwrap_err();
    assert!(
        matches!(e, ProfileError::MissingGroup { group: "zone", .. }),
        "{e}"
    );

    let e = err("[chrome]\npatterns = ['ok', '[bad']\n");
    assert!(
        matches!(&e, ProfileError::Regex { field, .. } if field == "chrome.patterns[1]"),
        "{e}"
    );

    let e =
        err("dateline = '^(?P<city>[A-Z]+), (?P<rest>.*)$'\nupdated = 'Diperbarui (?P<d>\\d+)'\n");
    assert!(
        matches!(e, ProfileError::MissingGroup { group: "m", .. }),
        "{e}"
    );

    let e = SiteProfile::from_toml(
        "name = \"X\"\nkicker = '(?P<d>..)(?P<m>..)(?P<y>..)(?P<H>..)(?P<M>..)(?P<zone>WIB)'\ndateline = '^(?P<city>[A-Z]+), {site} - (?P<rest>.*)$'\n",
    )
    .unwrap_err();
    assert!(
        matches!(&e, ProfileError::Invalid { field, .. } if field == "dateline"),
        "{e}"
    );

    assert!(matches!(
        err("max_heading_chars = 0\n"),
        ProfileError::Invalid { .. }
    ));
    assert!(matches!(
        err("read_also_prefixes = ['']\n"),
        ProfileError::Invalid { .. }
    ));
}
