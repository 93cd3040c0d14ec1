//! Readers' comments over HTTP: post, reply (one level), edit within a
//! window, delete their own, report others'; and the moderation queue for
//! staff. The rules are `services::comments`; these handlers parse the
//! form, call, and send the reader back to the story.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::AppState;
use super::auth::{Ctx, check_csrf};
use super::view::article_path;
use crate::error::AppError;
use crate::services::comments::{self, Commenter, Moderation};
use crate::store::readers::CommentStatus;

#[derive(Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    body: String,
    parent_id: Option<String>,
}

fn commenter(ctx: &Ctx) -> Result<Commenter<'_>, AppError> {
    let account = ctx.viewer.account.as_ref().ok_or(AppError::Unauthorized)?;
    Ok(Commenter {
        account,
        reader: ctx.viewer.reader,
    })
}

pub async fn post(
    State(app): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((section, slug)): Path<(String, String)>,
    Form(f): Form<CommentForm>,
) -> Result<Response, AppError> {
    check_csrf(&app, &headers, &f.csrf)?;
    let path = article_path(&section, &slug);
    if ctx.viewer.account.is_none() {
        return Ok(super::auth::sign_in_first(&path));
    }
    let parent = match f.parent_id.as_deref().filter(|p| !p.is_empty()) {
        None => None,
        Some(p) => Some(
            p.parse::<i64>()
                .map_err(|_| AppError::BadRequest("bad parent".into()))?,
        ),
    };
    let status = comments::post(&app, commenter(&ctx)?, &slug, &f.body, parent).await?;
    app.cache.recheck();
    Ok(Redirect::to(&if status == CommentStatus::Pending {
        format!("{path}?notice=comment_pending#komentar")
    } else {
        format!("{path}#komentar")
    })
    .into_response())
}

#[derive(Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    action: String,
}

async fn back_to_article(app: &AppState, article_id: i64) -> Result<Response, AppError> {
    // A change to comments: this node's cached pages of the story go.
    app.cache.recheck();
    let path = app
        .store
        .article_path_by_id(article_id)
        .await?
        .unwrap_or_else(|| "/".to_string());
    Ok(Redirect::to(&format!("{path}#komentar")).into_response())
}

pub async fn edit(
    State(app): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<ActionForm>,
) -> Result<Response, AppError> {
    check_csrf(&app, &headers, &f.csrf)?;
    let article = comments::edit(&app, commenter(&ctx)?.account, id, &f.body).await?;
    back_to_article(&app, article).await
}

pub async fn delete(
    State(app): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<ActionForm>,
) -> Result<Response, AppError> {
    check_csrf(&app, &headers, &f.csrf)?;
    let article = comments::delete(&app, commenter(&ctx)?.account, id).await?;
    back_to_article(&app, article).await
}

pub async fn report(
    State(app): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<ActionForm>,
) -> Result<Response, AppError> {
    check_csrf(&app, &headers, &f.csrf)?;
    let article = comments::report(&app, commenter(&ctx)?, id, &f.reason).await?;
    back_to_article(&app, article).await
}

/// The signed-in staff member, if they may moderate (editors and admins).
async fn moderator(app: &AppState, ctx: &Ctx) -> Result<crate::domain::newsroom::Staff, AppError> {
    let Some(a) = &ctx.viewer.account else {
        return Err(AppError::Unauthorized);
    };
    let Some((role, sections)) = app.store.staff_role(a.id).await? else {
        return Err(AppError::Forbidden);
    };
    let staff = crate::domain::newsroom::Staff {
        reader_id: a.id,
        name: a.public_name(),
        role,
        sections,
    };
    if comments::may_moderate(&staff) {
        Ok(staff)
    } else {
        Err(AppError::Forbidden)
    }
}

pub async fn queue(
    State(app): State<AppState>,
    ctx: Ctx,
    uri: axum::http::Uri,
) -> Result<Response, AppError> {
    moderator(&app, &ctx).await?;
    let items = app.store.moderation_queue(100).await?;
    let items: Vec<_> = items
        .into_iter()
        .map(|c| {
            minijinja::context! {
                id => c.id, author => c.author, body => c.body, status => c.status.as_str(),
                reports => c.reports, created_at => c.created_at, reader_id => c.reader_id,
            }
        })
        .collect();
    let chrome = super::view::Chrome::build(&app, &ctx, &uri).await?;
    let html = app.views.render(
        "moderation.html",
        crate::view! { site => &chrome, t => &*chrome.t, items },
    )?;
    Ok(axum::response::Html(html).into_response())
}

pub async fn moderate(
    State(app): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<ActionForm>,
) -> Result<Response, AppError> {
    check_csrf(&app, &headers, &f.csrf)?;
    let staff = moderator(&app, &ctx).await?;
    let what = Moderation::parse(&f.action)
        .ok_or_else(|| AppError::BadRequest("unknown action".into()))?;
    comments::moderate(&app, &staff, id, what).await?;
    app.cache.recheck();
    Ok(Redirect::to("/moderation").into_response())
}
