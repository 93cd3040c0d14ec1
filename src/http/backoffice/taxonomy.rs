//! Sections and contributor profiles.

use super::*;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TaxonomyForm {
    csrf: String,
    kind: String,
    slug: String,
    name: String,
    description: String,
    parent: String,
    bio: String,
    photo: String,
}

/// Sections (one level of nesting) and contributor profiles.
pub async fn taxonomy_page(
    State(app): State<AppState>,
    s: StaffCtx,
    uri: Uri,
) -> Result<Response, AppError> {
    taxonomy_view(&app, &s, &uri, Vec::new(), StatusCode::OK).await
}

async fn taxonomy_view(
    app: &AppState,
    s: &StaffCtx,
    uri: &Uri,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> Result<Response, AppError> {
    if !s.staff.may(Action::ManageTaxonomy, None) {
        return Err(AppError::Forbidden);
    }
    let chrome = Chrome::build(app, &s.ctx, uri).await?;
    render(
        app,
        "admin/taxonomy.html",
        status,
        crate::view! {
            site => &chrome, t => &*chrome.t, me => &s.staff, errors,
            sections => app.store.sections().await?, contributors => app.store.contributors().await?,
        },
    )
}

pub async fn taxonomy_save(
    State(app): State<AppState>,
    s: StaffCtx,
    headers: HeaderMap,
    uri: Uri,
    Form(f): Form<TaxonomyForm>,
) -> Result<Response, AppError> {
    check_csrf(&app, &headers, &f.csrf)?;
    let d = desk(&app);
    let who = s.principal();
    let result = if f.kind == "contributor" {
        d.save_contributor(
            &who,
            crate::domain::Contributor {
                slug: f.slug,
                name: f.name,
                bio: f.bio,
                photo: Some(f.photo),
            },
        )
        .await
    } else {
        d.save_section(
            &who,
            crate::domain::Section {
                slug: f.slug,
                name: f.name,
                description: f.description,
                parent: Some(f.parent),
            },
        )
        .await
    };
    match result {
        Ok(()) => {
            app.cache.recheck();
            Ok(see_other("/admin/taxonomy"))
        }
        Err(AppError::Invalid(errors)) => {
            taxonomy_view(&app, &s, &uri, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e),
    }
}
