//! A story's history: revisions, restoring one, and corrections.

use super::*;

pub async fn revisions(
    State(app): State<AppState>,
    s: StaffCtx,
    uri: Uri,
    Path(id): Path<i64>,
    Query(params): Query<HashMap<String, i64>>,
) -> Result<Response, AppError> {
    let story = load(&app, id).await?;
    let list = app.store.revisions(id).await?;
    let newest = list.first().map(|r| r.revision).unwrap_or(1);
    let b = params.get("b").copied().unwrap_or(newest);
    let a = params.get("a").copied().unwrap_or((b - 1).max(1));
    let (old, new) = (
        app.store.revision(id, a).await?,
        app.store.revision(id, b).await?,
    );
    let lines = match (&old, &new) {
        (Some((_, o)), Some((_, n))) => diff(o, n),
        _ => return Err(AppError::NotFound),
    };
    let chrome = Chrome::build(&app, &s.ctx, &uri).await?;
    let list: Vec<_> = list
        .into_iter()
        .map(|r| json!({ "revision": r.revision, "author": r.author, "created_at": r.created_at }))
        .collect();
    render(
        &app,
        "admin/revisions.html",
        StatusCode::OK,
        crate::view! {
            site => &chrome, t => &*chrome.t, me => &s.staff,
            story_id => id, headline => &story.doc.title, revisions => list, a, b, diff => lines,
            can_restore => s.staff.may(Action::Edit, Some(facts(&story))),
        },
    )
}

#[derive(Deserialize)]
pub struct RestoreForm {
    #[serde(default)]
    csrf: String,
    revision: i64,
}

pub async fn restore(
    State(app): State<AppState>,
    s: StaffCtx,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<RestoreForm>,
) -> Result<Response, AppError> {
    check_csrf(&app, &headers, &f.csrf)?;
    let story = load(&app, id).await?;
    desk(&app)
        .restore(&s.principal(), &story, f.revision)
        .await?;
    app.cache.recheck();
    Ok(see_other(&format!("/admin/stories/{id}?done=restore")))
}

#[derive(Deserialize)]
pub struct CorrectionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    text: String,
}

pub async fn correct(
    State(app): State<AppState>,
    s: StaffCtx,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<CorrectionForm>,
) -> Result<Response, AppError> {
    check_csrf(&app, &headers, &f.csrf)?;
    let story = load(&app, id).await?;
    desk(&app).correct(&s.principal(), &story, &f.text).await?;
    app.cache.recheck();
    Ok(see_other(&format!("/admin/stories/{id}?done=correct")))
}
