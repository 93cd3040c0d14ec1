//! Importers: turning outside material into stored articles.

pub mod page_text;

use std::path::{Path, PathBuf};

use crate::domain::time::SiteZone;
use crate::domain::{Access, Block, Contributor, Role, Section, slug};
use crate::store::{NewArticle, Store, StoreError};
use page_text::{ImportedBlock, ImportedRole, SiteProfile};

/// Site profiles shipped with Warta; a site can pass its own with `--profile`.
#[derive(rust_embed::RustEmbed)]
#[folder = "profiles"]
struct BuiltinProfiles;

#[derive(Debug, thiserror::Error)]
pub enum ImportFileError {
    #[error("{file}: cannot read: {source}")]
    Read {
        file: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{file}: the file is empty or blank: it should hold the text of one article page, \
         as a browser copies it (headline, time, credits, paragraphs)"
    )]
    Empty { file: PathBuf },
    #[error("{file}: no site profile recognises this page (tried: {tried})")]
    NoProfile { file: PathBuf, tried: String },
    #[error("{file}: {source}")]
    Parse {
        file: PathBuf,
        source: page_text::ImportError,
    },
    #[error("{file}: time zone {zone:?} is not WIB, WITA or WIT")]
    Zone { file: PathBuf, zone: String },
    #[error("{file}: publication time does not exist: {message}")]
    Time { file: PathBuf, message: String },
    #[error("{file}: {source}")]
    Store { file: PathBuf, source: StoreError },
}

#[derive(Debug, thiserror::Error)]
pub enum ProfileLoadError {
    #[error("profile {name}: {message}")]
    Bad { name: String, message: String },
}

pub fn builtin_profiles() -> Result<Vec<SiteProfile>, ProfileLoadError> {
    let mut out = Vec::new();
    for name in BuiltinProfiles::iter() {
        if !name.ends_with(".toml") {
            continue;
        }
        let Some(f) = BuiltinProfiles::get(&name) else {
            continue;
        };
        let text = String::from_utf8_lossy(&f.data);
        out.push(
            SiteProfile::from_toml(&text).map_err(|e| ProfileLoadError::Bad {
                name: name.to_string(),
                message: e.to_string(),
            })?,
        );
    }
    Ok(out)
}

pub fn profile_from_file(path: &Path) -> Result<SiteProfile, ProfileLoadError> {
    let bad = |message: String| ProfileLoadError::Bad {
        name: path.display().to_string(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
    SiteProfile::from_toml(&text).map_err(|e| bad(e.to_string()))
}

#[derive(Debug, Clone)]
pub struct Imported {
    pub slug: String,
    pub path: String,
}

/// Import one copied page as a published article. Nothing is stored unless
/// the whole article is.
pub async fn import_page_text(
    store: &dyn Store,
    profiles: &[SiteProfile],
    file: &Path,
    section_slug: &str,
    now: i64,
) -> Result<Imported, ImportFileError> {
    let text = std::fs::read_to_string(file).map_err(|source| ImportFileError::Read {
        file: file.to_path_buf(),
        source,
    })?;
    if text.trim().is_empty() {
        return Err(ImportFileError::Empty {
            file: file.to_path_buf(),
        });
    }
    let profile =
        profiles
            .iter()
            .find(|p| p.matches(&text))
            .ok_or_else(|| ImportFileError::NoProfile {
                file: file.to_path_buf(),
                tried: profiles
                    .iter()
                    .map(|p| p.name().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
    let parsed = page_text::parse(&text, profile).map_err(|source| ImportFileError::Parse {
        file: file.to_path_buf(),
        source,
    })?;
    let zone = SiteZone::from_label(&parsed.zone).ok_or_else(|| ImportFileError::Zone {
        file: file.to_path_buf(),
        zone: parsed.zone.clone(),
    })?;
    let utc = |t: &page_text::LocalDateTime| {
        zone.to_utc(t.year, t.month, t.day, t.hour, t.minute)
            .map_err(|e| ImportFileError::Time {
                file: file.to_path_buf(),
                message: e.to_string(),
            })
    };
    let published_at = utc(&parsed.published)?;
    let updated_at = parsed.updated.as_ref().map(utc).transpose()?;
    let store_err = |source| ImportFileError::Store {
        file: file.to_path_buf(),
        source,
    };

    let mut body = Vec::new();
    for b in parsed.body {
        body.push(match b {
            ImportedBlock::Paragraph(text) => Block::Paragraph { text },
            ImportedBlock::Heading(text) => Block::Heading { text },
            ImportedBlock::ReadAlso(title) => {
                let found = store
                    .find_by_headline(&title, now)
                    .await
                    .map_err(store_err)?;
                Block::ReadAlso {
                    title,
                    slug: found.map(|r| r.slug),
                }
            }
        });
    }
    let credits = parsed
        .contributors
        .into_iter()
        .map(|(name, role)| {
            let role = match role {
                ImportedRole::Writer => Role::Writer,
                ImportedRole::Editor => Role::Editor,
                ImportedRole::Contributor => Role::Contributor,
                ImportedRole::Photographer => Role::Photographer,
            };
            (
                Contributor {
                    slug: slug::slugify(&name, 60),
                    name,
                    bio: String::new(),
                    photo: None,
                },
                role,
            )
        })
        .filter(|(c, _)| !c.slug.is_empty())
        .collect();

    let base = slug::slugify(&parsed.headline, 80);
    let base = if base.is_empty() {
        "artikel".to_string()
    } else {
        base
    };
    let mut article_slug = base.clone();
    let mut n = 2;
    while store
        .article_slug_taken(&article_slug)
        .await
        .map_err(store_err)?
    {
        article_slug = format!("{base}-{n}");
        n += 1;
    }
    let section = store
        .section(section_slug)
        .await
        .map_err(store_err)?
        .unwrap_or_else(|| Section {
            slug: section_slug.to_string(),
            name: title_case(section_slug),
            description: String::new(),
            parent: None,
        });
    let section_path = section.slug.clone();
    let article = NewArticle {
        slug: article_slug.clone(),
        headline: parsed.headline,
        subheadline: None,
        summary: None,
        section,
        credits,
        sources: parsed.sources,
        dateline: parsed.dateline,
        published_at,
        updated_at,
        body,
        featured_image: None,
        access: Access::Public,
        seo_title: None,
        social_title: None,
        tags: Vec::new(),
        corrections: Vec::new(),
        comments: Vec::new(),
    };
    store.insert_article(&article).await.map_err(store_err)?;
    Ok(Imported {
        path: format!("/{section_path}/{article_slug}"),
        slug: article_slug,
    })
}

fn title_case(slug: &str) -> String {
    slug.split('-')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
