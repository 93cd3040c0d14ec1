//! Readers' comments: post, reply (one level), edit within a window,
//! delete their own, report others'; and the moderation queue for staff.
//! Comment text is plain text: it is stored as typed, escaped when shown,
//! and only http(s) links become anchors, with rel="nofollow ugc".

use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::AppState;
use super::auth::{Ctx, check_csrf};
use super::view::article_path;
use crate::domain::access::decide;
use crate::domain::comment::needs_review;
use crate::error::AppError;
use crate::store::readers::{CommentRow, CommentStatus, NewReaderComment};

#[derive(Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    body: String,
    parent_id: Option<String>,
}

/// A comment as typed, cleaned, or a 400 saying why not.
fn clean_body(raw: &str, max_chars: usize) -> Result<String, AppError> {
    crate::domain::comment::clean_body(raw, max_chars)
        .map_err(|e| AppError::BadRequest(e.to_string()))
}

pub async fn post(
    State(app): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((section, slug)): Path<(String, String)>,
    Form(f): Form<CommentForm>,
) -> Result<Response, AppError> {
    check_csrf(&app, &headers, &f.csrf)?;
    let here = format!("{}#komentar", article_path(&section, &slug));
    let Some(acct) = ctx.viewer.account.as_ref() else {
        return Ok(
            Redirect::to(&format!("/login?next={}", article_path(&section, &slug))).into_response(),
        );
    };
    let now = app.clock.now();
    let article = app
        .store
        .article(&slug, now)
        .await?
        .ok_or(AppError::NotFound)?;
    let decision = decide(ctx.viewer.reader, article.access);
    let parent_id = match f.parent_id.as_deref().filter(|p| !p.is_empty()) {
        None => None,
        Some(p) => Some(
            p.parse::<i64>()
                .map_err(|_| AppError::BadRequest("bad parent".into()))?,
        ),
    };
    let allowed = if parent_id.is_some() {
        decision.can_reply
    } else {
        decision.can_comment
    };
    if !allowed {
        return Err(AppError::Forbidden);
    }
    let body = clean_body(&f.body, app.cfg.comments.max_chars)?;
    if let Some(pid) = parent_id {
        // One level of replies: a reply answers a top-level comment of this story.
        let parent = app
            .readers
            .comment(pid)
            .await?
            .ok_or(AppError::BadRequest("no such comment".into()))?;
        if parent.article_id != article.id
            || parent.parent_id.is_some()
            || parent.status != CommentStatus::Visible
        {
            return Err(AppError::BadRequest("cannot reply there".into()));
        }
    }
    if !app
        .limits
        .comments
        .allow(&app, &format!("reader:{}", acct.id))
        .await
    {
        return Err(AppError::TooManyRequests);
    }
    let status = if needs_review(
        &body,
        app.cfg.comments.premoderation,
        &app.cfg.comments.blocked_words,
    ) {
        CommentStatus::Pending
    } else {
        CommentStatus::Visible
    };
    app.readers
        .add_comment(&NewReaderComment {
            article_id: article.id,
            parent_id,
            reader_id: acct.id,
            // A reader without a display name is "Pembaca" (in the site's
            // language), never a piece of their e-mail address.
            author: if acct.display_name.trim().is_empty() {
                app.views
                    .catalog
                    .strings(&app.cfg.locale)
                    .get("comment_reader")
                    .cloned()
                    .unwrap_or_else(|| "Pembaca".into())
            } else {
                acct.display_name.trim().to_string()
            },
            body,
            status,
            created_at: now,
        })
        .await?;
    app.cache.recheck();
    let to = if status == CommentStatus::Pending {
        format!(
            "{}?notice=comment_pending#komentar",
            article_path(&section, &slug)
        )
    } else {
        here
    };
    Ok(Redirect::to(&to).into_response())
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
    // Comments hang off stories; find the story's address for the redirect.
    let path = app
        .store
        .article_path_by_id(article_id)
        .await?
        .unwrap_or_else(|| "/".to_string());
    Ok(Redirect::to(&format!("{path}#komentar")).into_response())
}

/// Comment `id`, if it is the signed-in reader's own.
async fn own_comment(app: &AppState, ctx: &Ctx, id: i64) -> Result<CommentRow, AppError> {
    let acct = ctx.viewer.account.as_ref().ok_or(AppError::Unauthorized)?;
    let c = app.readers.comment(id).await?.ok_or(AppError::NotFound)?;
    if c.reader_id != Some(acct.id) {
        return Err(AppError::Forbidden);
    }
    Ok(c)
}

pub async fn edit(
    State(app): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<ActionForm>,
) -> Result<Response, AppError> {
    check_csrf(&app, &headers, &f.csrf)?;
    let c = own_comment(&app, &ctx, id).await?;
    let now = app.clock.now();
    if c.status == CommentStatus::Deleted
        || now - c.created_at >= app.cfg.comments.edit_minutes * 60
    {
        return Err(AppError::Forbidden);
    }
    let body = clean_body(&f.body, app.cfg.comments.max_chars)?;
    app.readers.edit_comment(id, &body, now).await?;
    if needs_review(&body, false, &app.cfg.comments.blocked_words) {
        app.readers
            .set_comment_status(id, CommentStatus::Pending)
            .await?;
    }
    // After both writes, so no page is cached in between.
    app.cache.recheck();
    back_to_article(&app, c.article_id).await
}

pub async fn delete(
    State(app): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<ActionForm>,
) -> Result<Response, AppError> {
    check_csrf(&app, &headers, &f.csrf)?;
    let c = own_comment(&app, &ctx, id).await?;
    app.readers
        .set_comment_status(id, CommentStatus::Deleted)
        .await?;
    app.cache.recheck();
    back_to_article(&app, c.article_id).await
}

pub async fn report(
    State(app): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<ActionForm>,
) -> Result<Response, AppError> {
    check_csrf(&app, &headers, &f.csrf)?;
    let acct = ctx.viewer.account.as_ref().ok_or(AppError::Unauthorized)?;
    if !decide(ctx.viewer.reader, crate::domain::Access::Public).can_report {
        return Err(AppError::Forbidden);
    }
    let c = app.readers.comment(id).await?.ok_or(AppError::NotFound)?;
    let reason: String = f.reason.trim().chars().take(500).collect();
    let reason = if reason.is_empty() {
        "-".to_string()
    } else {
        reason
    };
    app.readers
        .report_comment(id, acct.id, &reason, app.clock.now())
        .await?;
    back_to_article(&app, c.article_id).await
}

/// Moderation is for editors and admins (see the role matrix).
async fn require_staff(app: &AppState, ctx: &Ctx) -> Result<(), AppError> {
    let Some(a) = &ctx.viewer.account else {
        return Err(AppError::Unauthorized);
    };
    match app.backend.staff_role(a.id).await? {
        Some((role, sections)) => {
            let staff = crate::domain::newsroom::Staff {
                reader_id: a.id,
                name: a.public_name(),
                role,
                sections,
            };
            if staff.may(crate::domain::newsroom::Action::Moderate, None) {
                Ok(())
            } else {
                Err(AppError::Forbidden)
            }
        }
        None => Err(AppError::Forbidden),
    }
}

pub async fn queue(
    State(app): State<AppState>,
    ctx: Ctx,
    uri: axum::http::Uri,
) -> Result<Response, AppError> {
    require_staff(&app, &ctx).await?;
    let items = app.readers.moderation_queue(100).await?;
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
    require_staff(&app, &ctx).await?;
    let c = app.readers.comment(id).await?.ok_or(AppError::NotFound)?;
    match f.action.as_str() {
        "approve" => {
            app.readers
                .set_comment_status(id, CommentStatus::Visible)
                .await?
        }
        "hide" => {
            app.readers
                .set_comment_status(id, CommentStatus::Hidden)
                .await?
        }
        "delete" => {
            app.readers
                .set_comment_status(id, CommentStatus::Deleted)
                .await?
        }
        "ban" => {
            app.readers
                .set_comment_status(id, CommentStatus::Hidden)
                .await?;
            if let Some(r) = c.reader_id {
                app.readers.set_comment_banned(r, true).await?;
            }
        }
        _ => return Err(AppError::BadRequest("unknown action".into())),
    }
    app.cache.recheck();
    Ok(Redirect::to("/moderation").into_response())
}
