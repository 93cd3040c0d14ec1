//! The demo newsroom: fictional, original Indonesian news written for the
//! project (demo/content.json), loaded into an empty store with times
//! relative to now so "latest" always reads as latest.

mod illustration;

use std::path::Path;

use serde::Deserialize;

use crate::domain::{Access, Block, Contributor, Image, Role, Section};
use crate::store::{ContentBundle, Counts, NewArticle, NewComment, NewVideo, Store, StoreError};

const CONTENT: &str = include_str!("../../demo/content.json");
const PAGES: &str = include_str!("../../demo/pages.json");

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("the store already holds {0} articles; the demo loads only into an empty store")]
    NotEmpty(i64),
    #[error("demo content is malformed: {0}")]
    Content(String),
    #[error("cannot write demo images under {path}: {source}")]
    Media {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Deserialize)]
struct DemoFile {
    sections: Vec<Section>,
    contributors: Vec<Contributor>,
    videos: Vec<DemoVideo>,
    articles: Vec<DemoArticle>,
}

#[derive(Deserialize)]
struct DemoVideo {
    slug: String,
    title: String,
    section: String,
    duration_secs: u32,
    description: String,
    hours_ago: f64,
}

#[derive(Deserialize)]
struct DemoCredit {
    slug: String,
    role: Role,
}

#[derive(Deserialize)]
struct DemoComment {
    author: String,
    text: String,
    minutes_after: i64,
}

#[derive(Deserialize)]
struct DemoArticle {
    slug: String,
    headline: String,
    subheadline: Option<String>,
    summary: Option<String>,
    section: String,
    dateline: Option<String>,
    contributors: Vec<DemoCredit>,
    #[serde(default)]
    sources: Vec<String>,
    hours_ago: f64,
    updated_hours_ago: Option<f64>,
    body: Vec<DemoBlock>,
    #[serde(default)]
    comments: Vec<DemoComment>,
}

/// Demo body blocks: like `Block`, but images are generated and read-also
/// links name their target by slug only.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum DemoBlock {
    Paragraph { text: String },
    Heading { text: String },
    Quote { text: String, cite: Option<String> },
    List { ordered: bool, items: Vec<String> },
    Image { caption: String, credit: String },
    Video { video: String },
    ReadAlso { slug: String },
    PageBreak,
}

/// Load the demo into `store`, writing its generated images under
/// `data_dir/media/demo`. Refuses a store that already has articles.
pub async fn load(
    store: &dyn crate::store::Backend,
    data_dir: &Path,
    now: i64,
) -> Result<Counts, DemoError> {
    let existing = store.counts().await?.articles;
    if existing > 0 {
        return Err(DemoError::NotEmpty(existing));
    }
    let file: DemoFile =
        serde_json::from_str(CONTENT).map_err(|e| DemoError::Content(e.to_string()))?;
    let (bundle, images) = bundle(&file, now)?;
    let dir = data_dir.join("media").join("demo");
    std::fs::create_dir_all(&dir).map_err(|source| DemoError::Media {
        path: dir.display().to_string(),
        source,
    })?;
    for (name, svg) in images {
        let p = dir.join(name);
        std::fs::write(&p, svg).map_err(|source| DemoError::Media {
            path: p.display().to_string(),
            source,
        })?;
    }
    let counts = store.load_bundle(&bundle).await?;
    for p in site_pages(now)? {
        store.save_site_page(&p).await?;
    }
    Ok(counts)
}

/// The site's own pages (about, masthead, the reporting code, contact,
/// privacy, terms, corrections), written for the demo (demo/pages.json).
fn site_pages(now: i64) -> Result<Vec<crate::store::pages::SitePage>, DemoError> {
    #[derive(Deserialize)]
    struct DemoPage {
        slug: String,
        title: String,
        position: i64,
        body: String,
    }
    let pages: Vec<DemoPage> =
        serde_json::from_str(PAGES).map_err(|e| DemoError::Content(format!("pages.json: {e}")))?;
    pages
        .into_iter()
        .map(|p| {
            let body = crate::domain::body_text::parse(&p.body)
                .map_err(|e| DemoError::Content(format!("pages.json {}: {e}", p.slug)))?;
            Ok(crate::store::pages::SitePage {
                slug: p.slug,
                title: p.title,
                body,
                position: p.position,
                in_footer: true,
                updated_at: now,
            })
        })
        .collect()
}

fn ago(now: i64, hours: f64) -> i64 {
    now - (hours * 3600.0).round() as i64
}

type Images = Vec<(String, String)>;

fn bundle(f: &DemoFile, now: i64) -> Result<(ContentBundle, Images), DemoError> {
    let section = |slug: &str| {
        f.sections
            .iter()
            .find(|s| s.slug == slug)
            .cloned()
            .ok_or_else(|| DemoError::Content(format!("unknown section {slug}")))
    };
    let headline_of = |slug: &str| {
        f.articles
            .iter()
            .find(|a| a.slug == slug)
            .map(|a| a.headline.clone())
            .ok_or_else(|| DemoError::Content(format!("read_also to unknown article {slug}")))
    };
    let mut images = Vec::new();
    let mut videos = Vec::new();
    for (i, v) in f.videos.iter().enumerate() {
        let s = section(&v.section)?;
        let thumb = format!("video-{}.svg", v.slug);
        images.push((thumb.clone(), illustration::picture(&s.name, i, true)));
        videos.push(NewVideo {
            slug: v.slug.clone(),
            title: v.title.clone(),
            description: v.description.clone(),
            // Demo videos have no footage of their own; the source is an
            // address a real newsroom would replace with its player or file.
            source_url: format!("https://video.example.org/{}.mp4", v.slug),
            thumbnail: format!("/media/demo/{thumb}"),
            duration_secs: v.duration_secs,
            section: v.section.clone(),
            published_at: ago(now, v.hours_ago),
        });
    }
    let mut articles = Vec::new();
    for (i, a) in f.articles.iter().enumerate() {
        let s = section(&a.section)?;
        let mut credits = Vec::new();
        for c in &a.contributors {
            let person = f
                .contributors
                .iter()
                .find(|p| p.slug == c.slug)
                .cloned()
                .ok_or_else(|| DemoError::Content(format!("unknown contributor {}", c.slug)))?;
            credits.push((person, c.role));
        }
        let name = format!("{}.svg", a.slug);
        images.push((name.clone(), illustration::picture(&s.name, i, false)));
        let featured = Image {
            src: format!("/media/demo/{name}"),
            alt: format!("Ilustrasi {}", s.name),
            caption: Some(format!("Ilustrasi untuk berita {}.", s.name)),
            credit: Some("Tim Grafis Redaksi".into()),
            width: Some(1200),
            height: Some(675),
            widths: Vec::new(),
            webp_widths: Vec::new(),
        };
        let mut body = Vec::new();
        let mut n_img = 0;
        for b in &a.body {
            body.push(match b {
                DemoBlock::Paragraph { text } => Block::Paragraph { text: text.clone() },
                DemoBlock::Heading { text } => Block::Heading { text: text.clone() },
                DemoBlock::Quote { text, cite } => Block::Quote {
                    text: text.clone(),
                    cite: cite.clone(),
                },
                DemoBlock::List { ordered, items } => Block::List {
                    ordered: *ordered,
                    items: items.clone(),
                },
                DemoBlock::Image { caption, credit } => {
                    n_img += 1;
                    let file = format!("{}-{n_img}.svg", a.slug);
                    images.push((
                        file.clone(),
                        illustration::picture(&s.name, i + n_img * 13, false),
                    ));
                    Block::Image(Image {
                        src: format!("/media/demo/{file}"),
                        alt: caption.clone(),
                        caption: Some(caption.clone()),
                        credit: Some(credit.clone()),
                        width: Some(1200),
                        height: Some(675),
                        widths: Vec::new(),
                        webp_widths: Vec::new(),
                    })
                }
                DemoBlock::Video { video } => Block::Video {
                    video: video.clone(),
                },
                DemoBlock::ReadAlso { slug } => Block::ReadAlso {
                    title: headline_of(slug)?,
                    slug: Some(slug.clone()),
                },
                DemoBlock::PageBreak => Block::PageBreak,
            });
        }
        let published_at = ago(now, a.hours_ago);
        articles.push(NewArticle {
            slug: a.slug.clone(),
            headline: a.headline.clone(),
            subheadline: a.subheadline.clone(),
            summary: a.summary.clone(),
            section: s,
            credits,
            sources: a.sources.clone(),
            dateline: a.dateline.clone(),
            published_at,
            updated_at: a.updated_hours_ago.map(|h| ago(now, h)),
            body,
            featured_image: Some(featured),
            access: Access::Public,
            seo_title: None,
            social_title: None,
            tags: Vec::new(),
            corrections: Vec::new(),
            comments: a
                .comments
                .iter()
                .map(|c| NewComment {
                    author: c.author.clone(),
                    body: c.text.clone(),
                    created_at: (published_at + c.minutes_after * 60).min(now),
                })
                .collect(),
        });
    }
    Ok((
        ContentBundle {
            sections: f.sections.clone(),
            contributors: f.contributors.clone(),
            videos,
            articles,
        },
        images,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_ships_the_pages_an_indonesian_news_site_publishes() {
        let pages = site_pages(0).unwrap();
        let slugs: Vec<&str> = pages.iter().map(|p| p.slug.as_str()).collect();
        for s in [
            "tentang-kami",
            "redaksi",
            "pedoman-media-siber",
            "kontak",
            "kebijakan-privasi",
            "syarat-dan-ketentuan",
            "koreksi",
        ] {
            assert!(slugs.contains(&s), "{s}");
        }
        assert!(pages.iter().all(|p| p.body.len() >= 2 && p.in_footer));
    }

    #[test]
    fn demo_content_meets_the_promised_amounts() {
        let f: DemoFile = serde_json::from_str(CONTENT).unwrap();
        let (b, images) = bundle(&f, 2_000_000_000).unwrap();
        assert!(b.articles.len() >= 40);
        assert!(b.sections.len() >= 5);
        assert!(b.contributors.len() >= 6);
        assert!(b.videos.len() >= 6);
        let paged = b
            .articles
            .iter()
            .filter(|a| a.body.iter().any(Block::is_page_break))
            .count();
        assert!(paged >= 3);
        assert!(b.articles.iter().filter(|a| !a.sources.is_empty()).count() >= 3);
        assert!(
            b.articles
                .iter()
                .any(|a| a.body.iter().any(|x| matches!(x, Block::ReadAlso { .. })))
        );
        assert!(b.articles.iter().filter(|a| !a.comments.is_empty()).count() >= 3);
        let times: std::collections::BTreeSet<i64> =
            b.articles.iter().map(|a| a.published_at).collect();
        assert_eq!(
            times.len(),
            b.articles.len(),
            "publication times are distinct"
        );
        assert!(images.len() > b.articles.len());
    }
}

/// Synthetic articles for load tests: original text assembled from word
/// lists by a seeded generator, so every run makes the same store.
pub mod synthetic {
    use super::*;

    const PLACES: &[&str] = &[
        "JAKARTA",
        "SURABAYA",
        "BANDUNG",
        "MEDAN",
        "MAKASSAR",
        "SEMARANG",
        "DENPASAR",
        "PALEMBANG",
        "PONTIANAK",
        "KUPANG",
        "AMBON",
        "JAYAPURA",
        "PADANG",
        "MATARAM",
        "BALIKPAPAN",
        "MANADO",
    ];
    const SUBJECTS: &[&str] = &[
        "Pemerintah kota",
        "Warga desa",
        "Dinas perhubungan",
        "Para nelayan",
        "Pengusaha muda",
        "Tim peneliti",
        "Panitia festival",
        "Petugas kesehatan",
        "Komunitas relawan",
        "Pengelola pasar",
        "Sekolah negeri",
        "Perajin batik",
        "Badan cuaca",
        "Petani kopi",
        "Operator kereta",
    ];
    const VERBS: &[&str] = &[
        "menyiapkan",
        "meninjau",
        "membuka",
        "menunda",
        "memperluas",
        "mengumumkan",
        "menguji",
        "memperbaiki",
        "membahas",
        "mengevaluasi",
        "meresmikan",
        "mendata",
    ];
    const OBJECTS: &[&str] = &[
        "jalur sepeda baru",
        "program beasiswa",
        "pasar tradisional",
        "layanan air bersih",
        "jembatan penghubung",
        "panen raya",
        "sistem antrean daring",
        "taman kota",
        "armada bus listrik",
        "posko siaga banjir",
        "pelatihan digital",
        "rute pelayaran perintis",
    ];
    const TAILS: &[&str] = &[
        "pada pekan ini",
        "sejak pagi tadi",
        "menjelang akhir tahun",
        "setelah rapat panjang",
        "dengan anggaran terbatas",
        "bersama warga sekitar",
        "untuk pertama kalinya",
        "secara bertahap",
    ];

    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            // xorshift64*: enough for picking words.
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
        fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
            xs[(self.next() % xs.len() as u64) as usize]
        }
    }

    fn sentence(r: &mut Rng) -> String {
        format!(
            "{} {} {} {}.",
            r.pick(SUBJECTS),
            r.pick(VERBS),
            r.pick(OBJECTS),
            r.pick(TAILS)
        )
    }

    /// Add `n` generated articles to the store, in transactions of 500.
    pub async fn generate(store: &dyn Store, n: usize, now: i64) -> Result<Counts, DemoError> {
        let sections: Vec<Section> = [
            "nasional",
            "regional",
            "ekonomi",
            "tekno",
            "megapolitan",
            "global",
        ]
        .iter()
        .map(|s| Section {
            slug: s.to_string(),
            name: {
                let mut c = s.chars();
                c.next()
                    .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                    .unwrap_or_default()
            },
            description: String::new(),
            parent: None,
        })
        .collect();
        let writers: Vec<Contributor> = (1..=40)
            .map(|i| Contributor {
                slug: format!("penulis-sintetis-{i}"),
                name: format!("Penulis Sintetis {i}"),
                bio: String::new(),
                photo: None,
            })
            .collect();
        let mut r = Rng(0x9e37_79b9_7f4a_7c15);
        let mut done = 0;
        while done < n {
            let batch = (n - done).min(500);
            let mut articles = Vec::with_capacity(batch);
            for i in done..done + batch {
                let headline = format!(
                    "{} {} {} di {} ({})",
                    r.pick(SUBJECTS),
                    r.pick(VERBS),
                    r.pick(OBJECTS),
                    r.pick(PLACES).to_lowercase(),
                    i + 1
                );
                let body: Vec<Block> = (0..8)
                    .map(|_| Block::Paragraph {
                        text: format!(
                            "{} {} {}",
                            sentence(&mut r),
                            sentence(&mut r),
                            sentence(&mut r)
                        ),
                    })
                    .collect();
                articles.push(NewArticle {
                    slug: format!("sintetis-{}", i + 1),
                    headline,
                    subheadline: None,
                    summary: None,
                    section: sections[i % sections.len()].clone(),
                    credits: vec![(writers[i % writers.len()].clone(), Role::Writer)],
                    sources: Vec::new(),
                    dateline: Some(r.pick(PLACES).to_string()),
                    // Older than the demo's stories, one a minute back in time.
                    published_at: now - 6 * 86_400 - (i as i64) * 60,
                    updated_at: None,
                    body,
                    featured_image: None,
                    access: Access::Public,
                    seo_title: None,
                    social_title: None,
                    tags: Vec::new(),
                    corrections: Vec::new(),
                    comments: Vec::new(),
                });
            }
            store
                .load_bundle(&ContentBundle {
                    sections: if done == 0 {
                        sections.clone()
                    } else {
                        Vec::new()
                    },
                    contributors: if done == 0 {
                        writers.clone()
                    } else {
                        Vec::new()
                    },
                    videos: Vec::new(),
                    articles,
                })
                .await?;
            done += batch;
        }
        Ok(store.counts().await?)
    }

    #[cfg(test)]
    mod tests {
        #[tokio::test]
        async fn generates_distinct_published_articles() {
            let st = crate::store::sqlite::SqliteStore::in_memory()
                .await
                .unwrap();
            crate::store::Store::migrate(&st).await.unwrap();
            let c = super::generate(&st, 1200, 2_000_000_000).await.unwrap();
            assert_eq!(c.articles, 1200);
            let a = crate::store::Store::article(&st, "sintetis-700", 2_000_000_000)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(a.body.len(), 8);
            assert!(a.headline.ends_with("(700)"));
        }
    }
}
