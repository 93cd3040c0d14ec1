//! The site's own pages: written by editors and admins (those who manage
//! sections), served at the site's top level beside the sections, so a page
//! may not take a section's address or one the site uses itself.

use crate::domain::newsroom::Action;
use crate::domain::story::FieldError;
use crate::domain::{Block, body_text, slug};
use crate::error::AppError;
use crate::services::newsroom::Principal;
use crate::store::Backend;
use crate::store::pages::SitePage;

/// A page as the form sends it.
#[derive(Debug, Clone, Default)]
pub struct PageDraft {
    pub slug: String,
    pub title: String,
    /// The same markup as a story's body.
    pub body: String,
    /// The block editor's JSON, which wins over `body` when sent.
    pub body_blocks: String,
    pub position: i64,
    pub in_footer: bool,
}

pub async fn save(
    store: &dyn Backend,
    who: &Principal,
    d: PageDraft,
    now: i64,
) -> Result<SitePage, AppError> {
    who.require(Action::ManageTaxonomy, None)?;
    let slug = d.slug.trim().to_string();
    let title = d.title.trim().to_string();
    let mut errs = Vec::new();
    if !slug::is_valid(&slug) {
        errs.push(FieldError::new(
            "slug",
            "lowercase letters, digits and single hyphens only",
        ));
    } else if slug::RESERVED.contains(&slug.as_str()) {
        errs.push(FieldError::new(
            "slug",
            "this address is used by the site itself",
        ));
    } else if store.section(&slug).await?.is_some() {
        errs.push(FieldError::new("slug", "a section has this address"));
    }
    if title.is_empty() {
        errs.push(FieldError::new("title", "a page needs a title"));
    }
    let body: Vec<Block> = match body_text::from_form(&d.body, &d.body_blocks) {
        Ok(b) => b,
        Err(e) => {
            errs.push(e);
            Vec::new()
        }
    };
    if errs.is_empty() && body.is_empty() {
        errs.push(FieldError::new("body", "write the page's text"));
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    let page = SitePage {
        slug,
        title,
        body,
        position: d.position,
        in_footer: d.in_footer,
        updated_at: now,
    };
    store.save_site_page(&page).await?;
    store
        .audit(&who.actor(), "page.save", &page.slug, &page.title, now)
        .await?;
    Ok(page)
}

pub async fn delete(
    store: &dyn Backend,
    who: &Principal,
    slug: &str,
    now: i64,
) -> Result<(), AppError> {
    who.require(Action::ManageTaxonomy, None)?;
    if store.delete_site_page(slug).await? {
        store
            .audit(&who.actor(), "page.delete", slug, "", now)
            .await?;
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}
