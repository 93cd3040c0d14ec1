//! Arranging the front page: the pinned lead, the sections' order (menu
//! and blocks) and which sections have a block.

use super::*;
use crate::services::front_page::{self, Arrangement};

pub async fn front_page(
    State(app): State<AppState>,
    s: StaffCtx,
    uri: Uri,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    // Checked before anything is read.
    if !s.staff.may(Action::ManageTaxonomy, None) {
        return Err(AppError::Forbidden);
    }
    let notice = params.contains_key("saved").then_some("bo_front_saved");
    front_view(&app, &s, &uri, Vec::new(), notice, StatusCode::OK).await
}

async fn front_view(
    app: &AppState,
    s: &StaffCtx,
    uri: &Uri,
    errors: Vec<FieldError>,
    notice: Option<&str>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let chrome = Chrome::build(app, &s.ctx, uri).await?;
    let plan = app.store.front_page_plan().await?;
    let now = app.clock.now();
    let mut stories: Vec<(String, String)> = app
        .store
        .articles(&crate::store::ArticleQuery {
            limit: 60,
            now,
            ..Default::default()
        })
        .await?
        .items
        .into_iter()
        .map(|a| (a.slug, format!("{} · {}", a.headline, a.section.name)))
        .collect();
    if let Some(lead) = &plan.lead_slug
        && !stories.iter().any(|(slug, _)| slug == lead)
    {
        stories.insert(0, (lead.clone(), lead.clone()));
    }
    let sections: Vec<_> = app
        .store
        .sections()
        .await?
        .into_iter()
        .enumerate()
        .map(|(i, sec)| {
            let shown = crate::domain::front_page::shows_block(&sec.slug, &plan.hidden);
            json!({ "slug": sec.slug, "name": sec.name, "place": (i + 1) * 10, "shown": shown })
        })
        .collect();
    render(
        app,
        "admin/front.html",
        status,
        crate::view! {
            site => &chrome, t => &*chrome.t, me => &s.staff, errors, plan, stories, sections,
            notice => notice.map(|k| chrome.tr(k)),
        },
    )
}

pub async fn front_page_save(
    State(app): State<AppState>,
    s: StaffCtx,
    headers: HeaderMap,
    uri: Uri,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    check_csrf(&app, &headers, field("csrf").unwrap_or(""))?;
    let mut a = Arrangement {
        lead_slug: field("lead").unwrap_or("").to_string(),
        sections: Vec::new(),
    };
    let mut errors: Vec<FieldError> = Vec::new();
    for (k, v) in &fields {
        if let Some(slug) = k.strip_prefix("place.") {
            match v.trim().parse::<i64>() {
                Ok(place) => a.sections.push((
                    slug.to_string(),
                    place,
                    field(&format!("block.{slug}")).is_some(),
                )),
                Err(_) => errors.push(FieldError::new(k.clone(), "a whole number")),
            }
        }
    }
    // Unreadable numbers and the service's own refusals show the same way.
    let saved = if errors.is_empty() {
        front_page::save(&*app.store, &s.principal(), a, app.clock.now()).await
    } else {
        Err(AppError::Invalid(errors))
    };
    match saved {
        Ok(_) => {
            // The menu is on every page.
            app.cache.invalidate();
            Ok(see_other("/admin/front?saved=1"))
        }
        Err(AppError::Invalid(errors)) => {
            front_view(
                &app,
                &s,
                &uri,
                errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}
