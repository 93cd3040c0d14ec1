//! The site's own pages: a list, one form to add or change a page (the
//! same body markup as stories), and deleting.

use super::*;
use crate::services::pages::{self, PageDraft};
use stories::CsrfOnly;

#[derive(Deserialize, Default, Serialize)]
#[serde(default)]
pub struct PageForm {
    #[serde(skip_serializing)]
    csrf: String,
    slug: String,
    title: String,
    body: String,
    body_blocks: String,
    position: i64,
    in_footer: Option<String>,
}

pub async fn pages_page(
    State(app): State<AppState>,
    s: StaffCtx,
    uri: Uri,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    if !s.staff.may(Action::ManageTaxonomy, None) {
        return Err(AppError::Forbidden);
    }
    let form = match params.get("edit") {
        Some(slug) => {
            let p = app.store.site_page(slug).await?.ok_or(AppError::NotFound)?;
            PageForm {
                csrf: String::new(),
                slug: p.slug,
                title: p.title,
                body: crate::domain::body_text::format(&p.body),
                body_blocks: serde_json::to_string(&p.body).unwrap_or_default(),
                position: p.position,
                in_footer: p.in_footer.then(|| "1".into()),
            }
        }
        None => PageForm {
            in_footer: Some("1".into()),
            ..Default::default()
        },
    };
    let editing = params.contains_key("edit");
    pages_view(&app, &s, &uri, form, editing, Vec::new(), StatusCode::OK).await
}

async fn pages_view(
    app: &AppState,
    s: &StaffCtx,
    uri: &Uri,
    f: PageForm,
    editing: bool,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let chrome = Chrome::build(app, &s.ctx, uri).await?;
    let page = render(
        app,
        "admin/pages.html",
        status,
        crate::view! {
            site => &chrome, t => &*chrome.t, me => &s.staff, errors, editing,
            pages => app.store.site_pages().await?,
            f,
        },
    )?;
    Ok(super::with_editor_policy(app, page))
}

pub async fn pages_save(
    State(app): State<AppState>,
    s: StaffCtx,
    headers: HeaderMap,
    uri: Uri,
    Form(f): Form<PageForm>,
) -> Result<Response, AppError> {
    check_csrf(&app, &headers, &f.csrf)?;
    let draft = PageDraft {
        slug: f.slug.clone(),
        title: f.title.clone(),
        body: f.body.clone(),
        body_blocks: f.body_blocks.clone(),
        position: f.position,
        in_footer: f.in_footer.is_some(),
    };
    match pages::save(&*app.store, &s.principal(), draft, app.clock.now()).await {
        Ok(p) => {
            // The footer is on every page.
            app.cache.invalidate();
            Ok(see_other(&format!("/admin/pages?edit={}", p.slug)))
        }
        Err(AppError::Invalid(errors)) => {
            pages_view(
                &app,
                &s,
                &uri,
                f,
                false,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

pub async fn pages_delete(
    State(app): State<AppState>,
    s: StaffCtx,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, AppError> {
    check_csrf(&app, &headers, &f.csrf)?;
    pages::delete(&*app.store, &s.principal(), &slug, app.clock.now()).await?;
    app.cache.invalidate();
    Ok(see_other("/admin/pages"))
}
