//! Arranging the front page: editors and admins (those who manage
//! sections) pin the lead story, leave section blocks off, and set the
//! order of the sections (the menu and the blocks follow it).

use crate::domain::newsroom::Action;
use crate::domain::story::FieldError;
use crate::error::AppError;
use crate::services::newsroom::Principal;
use crate::store::front_page::FrontPagePlan;
use crate::store::{ArticleQuery, Backend};

/// The arrangement as the form sends it.
#[derive(Debug, Clone, Default)]
pub struct Arrangement {
    /// The pinned lead's address; empty for the newest story.
    pub lead_slug: String,
    /// Every section's place, smallest first, and whether its block shows.
    pub sections: Vec<(String, i64, bool)>,
}

pub async fn save(
    store: &dyn Backend,
    who: &Principal,
    a: Arrangement,
    now: i64,
) -> Result<FrontPagePlan, AppError> {
    who.require(Action::ManageTaxonomy, None)?;
    let mut errs = Vec::new();
    let lead = a.lead_slug.trim().to_string();
    if !lead.is_empty() {
        let published = store
            .articles(&ArticleQuery {
                slug: Some(lead.clone()),
                limit: 1,
                now,
                ..Default::default()
            })
            .await?;
        if published.items.is_empty() {
            errs.push(FieldError::new(
                "lead",
                format!("no published story at {lead:?}"),
            ));
        }
    }
    let known: Vec<String> = store
        .sections()
        .await?
        .into_iter()
        .map(|s| s.slug)
        .collect();
    for (slug, position, _) in &a.sections {
        if !known.contains(slug) {
            errs.push(FieldError::new("sections", format!("no section {slug:?}")));
        } else if !(0..=10_000).contains(position) {
            errs.push(FieldError::new(
                format!("position.{slug}"),
                "a place from 0 to 10000",
            ));
        }
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    let actor = who.actor();
    let plan = FrontPagePlan {
        lead_slug: (!lead.is_empty()).then_some(lead),
        hidden: a
            .sections
            .iter()
            .filter(|(_, _, shown)| !shown)
            .map(|(s, _, _)| s.clone())
            .collect(),
        updated_by: actor.label.clone(),
        updated_at: now,
    };
    let order: Vec<(String, i64)> = a.sections.iter().map(|(s, p, _)| (s.clone(), *p)).collect();
    store.save_front_page(&plan, &order).await?;
    let detail = format!(
        "lead: {}; without blocks: {}",
        plan.lead_slug.as_deref().unwrap_or("(newest)"),
        if plan.hidden.is_empty() {
            "-".to_string()
        } else {
            plan.hidden.join(", ")
        }
    );
    store
        .audit(&actor, "front_page.arrange", "front page", &detail, now)
        .await?;
    Ok(plan)
}
