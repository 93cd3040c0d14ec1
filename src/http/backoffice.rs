//! The back office at /admin: the story list and review queue, the story
//! editor with its workflow buttons, revisions, corrections, preview links,
//! staff and the audit log. Handlers are thin: the rules are in
//! `domain::newsroom`, the use cases in `newsroom`.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::AppState;
use super::auth::{Ctx, check_csrf};
use super::story_form::{StoryForm, diff};
use super::view::{Chrome, article_path};
use crate::domain::account::{new_token, token_hash};
use crate::domain::newsroom::{Action, Staff, StaffRole, StoryFacts, StoryStatus};
use crate::domain::story::FieldError;
use crate::error::AppError;
use crate::services::newsroom::{Change, Desk, Principal, facts};
use crate::store::StoreError;
use crate::store::newsroom::{AuditFilter, Story, StoryQuery};

/// How long a preview link works.
const PREVIEW_DAYS: i64 = 7;

/// A signed-in staff member, or the request is refused: 401 for nobody,
/// 403 for a reader without a newsroom role.
pub struct StaffCtx {
    pub ctx: Ctx,
    pub staff: Staff,
    pub email: String,
}

impl StaffCtx {
    pub fn principal(&self) -> Principal {
        Principal::Staff(self.staff.clone(), self.email.clone())
    }
}

impl axum::extract::FromRequestParts<AppState> for StaffCtx {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        app: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ctx = Ctx::from_request_parts(parts, app)
            .await
            .map_err(IntoResponse::into_response)?;
        let Some(acct) = ctx.viewer.account.clone() else {
            return Err(AppError::Unauthorized.into_response());
        };
        let Some((role, sections)) = app
            .store
            .staff_role(acct.id)
            .await
            .map_err(|e| AppError::from(e).into_response())?
        else {
            return Err(AppError::Forbidden.into_response());
        };
        // Where the site requires it, the newsroom opens only after
        // two-step verification is on (its own page excepted).
        if app.cfg.staff_require_totp
            && parts.uri.path() != "/admin/security"
            && !super::two_factor::required(app, acct.id)
                .await
                .map_err(IntoResponse::into_response)?
        {
            return Err(see_other("/admin/security"));
        }
        Ok(StaffCtx {
            staff: Staff {
                reader_id: acct.id,
                name: acct.public_name(),
                role,
                sections,
            },
            email: acct.email,
            ctx,
        })
    }
}

fn desk(app: &AppState) -> Desk<'_> {
    Desk {
        store: &*app.store,
        now: app.clock.now(),
    }
}

pub(super) fn render(
    app: &AppState,
    name: &str,
    status: StatusCode,
    ctx: minijinja::Value,
) -> Result<Response, AppError> {
    let html = app.views.render(name, ctx)?;
    Ok((
        status,
        [(header::CACHE_CONTROL, "private, no-store")],
        Html(html),
    )
        .into_response())
}

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

#[derive(Serialize)]
struct Row {
    id: i64,
    headline: String,
    section: String,
    status: &'static str,
    updated_by: String,
    updated_at: i64,
    publish_at: Option<i64>,
}

fn rows(list: Vec<crate::store::newsroom::StorySummary>) -> Vec<Row> {
    list.into_iter()
        .map(|s| Row {
            id: s.id,
            headline: s.headline,
            section: s.section_slug,
            status: s.status.as_str(),
            updated_by: s.updated_by,
            updated_at: s.updated_at,
            publish_at: s.publish_at,
        })
        .collect()
}

/// The newsroom's front page: my stories, the review queue of my
/// sections, what is scheduled, and a search over all stories.
pub async fn dashboard(
    State(app): State<AppState>,
    s: StaffCtx,
    uri: Uri,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let editor = s.staff.may(Action::Publish, None);
    let sections = s.staff.sections.clone();
    let mine = app
        .store
        .stories(&StoryQuery {
            created_by: Some(s.staff.reader_id),
            limit: 20,
            ..Default::default()
        })
        .await?;
    let queue = if editor {
        app.store
            .stories(&StoryQuery {
                status: Some(StoryStatus::Submitted),
                sections: sections.clone(),
                limit: 50,
                ..Default::default()
            })
            .await?
    } else {
        Vec::new()
    };
    let scheduled = app
        .store
        .stories(&StoryQuery {
            status: Some(StoryStatus::Scheduled),
            sections: sections.clone(),
            limit: 20,
            ..Default::default()
        })
        .await?;
    let q = params
        .get("q")
        .map(|q| q.trim().to_string())
        .filter(|q| !q.is_empty());
    let status = params.get("status").and_then(|v| StoryStatus::parse(v));
    let found = if q.is_some() || status.is_some() {
        app.store
            .stories(&StoryQuery {
                text: q.clone(),
                status,
                limit: 50,
                ..Default::default()
            })
            .await?
    } else {
        Vec::new()
    };
    // Published stories the newsroom has not opened yet (imported, demo).
    let published: Vec<_> = match &q {
        Some(text) => app
            .store
            .search_refs(text, 20, app.clock.now())
            .await?
            .into_iter()
            .map(|r| json!({ "slug": r.slug, "headline": r.headline, "section": r.section_slug }))
            .collect(),
        None => Vec::new(),
    };
    let chrome = Chrome::build(&app, &s.ctx, &uri).await?;
    render(
        &app,
        "admin/dashboard.html",
        StatusCode::OK,
        crate::view! {
            site => &chrome, t => &*chrome.t, me => &s.staff,
            mine => rows(mine), queue => rows(queue), scheduled => rows(scheduled), found => rows(found), published,
            q => q.unwrap_or_default(), searched => params.contains_key("q") || status.is_some(),
            is_admin => s.staff.role == StaffRole::Admin, editor,
        },
    )
}

/// What the editor page shows besides the form.
#[derive(Default, Serialize)]
struct EditorExtras {
    errors: Vec<FieldError>,
    notice: Option<String>,
    /// The newer revision someone else saved, when a save was refused.
    conflict: Option<ConflictView>,
    preview_url: Option<String>,
}

#[derive(Serialize)]
struct ConflictView {
    revision: i64,
    by: String,
    diff: Vec<super::story_form::DiffLine>,
}

#[derive(Serialize)]
struct Buttons {
    save: bool,
    submit: bool,
    publish: bool,
    schedule: bool,
    unpublish: bool,
    back_to_draft: bool,
    preview: bool,
    correct: bool,
}

fn buttons(who: &Principal, story: Option<&Story>) -> Buttons {
    let f = story.map(facts);
    let status = story.map(|s| s.status).unwrap_or(StoryStatus::Draft);
    let can = |to: StoryStatus| {
        crate::domain::newsroom::transition(status, to).is_ok_and(|a| {
            who.may(
                a,
                f.or(Some(StoryFacts {
                    section: "",
                    status,
                    created_by: who.actor().reader_id,
                })),
            )
        })
    };
    let editable = match f {
        Some(f) => {
            who.may(Action::Edit, Some(f))
                && (status != StoryStatus::Published || who.may(Action::Publish, Some(f)))
        }
        None => who.may(Action::Create, None),
    };
    Buttons {
        save: editable,
        submit: can(StoryStatus::Submitted),
        publish: can(StoryStatus::Published),
        schedule: can(StoryStatus::Scheduled),
        unpublish: can(StoryStatus::Unpublished),
        back_to_draft: can(StoryStatus::Draft),
        preview: story.is_some() && who.may(Action::Preview, f),
        correct: status == StoryStatus::Published && who.may(Action::Publish, f),
    }
}

#[allow(clippy::too_many_arguments)]
async fn editor_page(
    app: &AppState,
    s: &StaffCtx,
    uri: &Uri,
    story: Option<&Story>,
    form: &StoryForm,
    extras: EditorExtras,
    status: StatusCode,
) -> Result<Response, AppError> {
    let chrome = Chrome::build(app, &s.ctx, uri).await?;
    let sections = app.store.sections().await?;
    let who = s.principal();
    let (others, revisions, previews) = match story {
        Some(st) => (
            app.store
                .touch_presence(st.id, s.staff.reader_id, &s.staff.name, app.clock.now())
                .await?,
            app.store.revisions(st.id).await?.len(),
            app.store.preview_links(st.id, app.clock.now()).await?,
        ),
        None => (Vec::new(), 0, 0),
    };
    let live_url = story
        .filter(|st| st.status == StoryStatus::Published)
        .map(|st| article_path(&st.doc.section.slug, &st.slug));
    let corrections: Vec<_> = story
        .map(|st| st.doc.corrections.clone())
        .unwrap_or_default();
    render(
        app,
        "admin/editor.html",
        status,
        crate::view! {
            site => &chrome, t => &*chrome.t, me => &s.staff,
            story_id => story.map(|st| st.id),
            status => story.map(|st| st.status.as_str()).unwrap_or("new"),
            status_by => story.map(|st| st.status_by.clone()),
            status_at => story.map(|st| st.status_at),
            updated_by => story.map(|st| st.updated_by.clone()),
            updated_at => story.map(|st| st.updated_at),
            revision => story.map(|st| st.revision).unwrap_or(0),
            revisions, previews, others, live_url, corrections,
            f => form, sections, buttons => buttons(&who, story),
            errors => &extras.errors, notice => extras.notice.map(|k| chrome.tr(&k)), conflict => extras.conflict,
            preview_url => extras.preview_url,
            autosave => story.is_some_and(|st| matches!(st.status, StoryStatus::Draft | StoryStatus::Submitted)),
            time_zone => app.zone.name(),
        },
    )
}

pub async fn new_story(
    State(app): State<AppState>,
    s: StaffCtx,
    uri: Uri,
) -> Result<Response, AppError> {
    if !s.staff.may(Action::Create, None) {
        return Err(AppError::Forbidden);
    }
    let form = StoryForm {
        access: "public".into(),
        // The byline starts with the writer, in the words the help text uses.
        credits: format!(
            "{}: {}",
            if s.ctx.locale == "id" {
                "penulis"
            } else {
                "writer"
            },
            s.staff.name
        ),
        section: s.staff.sections.first().cloned().unwrap_or_default(),
        ..Default::default()
    };
    editor_page(
        &app,
        &s,
        &uri,
        None,
        &form,
        EditorExtras::default(),
        StatusCode::OK,
    )
    .await
}

/// The form's intent as a status to move to (none: keep it).
fn intent_status(intent: &str, current: StoryStatus) -> Result<StoryStatus, AppError> {
    Ok(match intent {
        "" | "save" | "autosave" => current,
        "submit" => StoryStatus::Submitted,
        "publish" => StoryStatus::Published,
        "schedule" => StoryStatus::Scheduled,
        "unpublish" => StoryStatus::Unpublished,
        "draft" => StoryStatus::Draft,
        _ => return Err(AppError::BadRequest("unknown intent".into())),
    })
}

fn form_change(
    app: &AppState,
    form: &StoryForm,
    status: StoryStatus,
) -> Result<Change, Vec<FieldError>> {
    let doc = form.to_doc();
    let timing = form.timing(&app.zone);
    match (doc, timing) {
        (Ok(doc), Ok(timing)) => Ok(Change {
            doc,
            status,
            timing,
        }),
        (d, t) => Err(d
            .err()
            .into_iter()
            .flatten()
            .chain(t.err().into_iter().flatten())
            .collect()),
    }
}

pub async fn create_story(
    State(app): State<AppState>,
    s: StaffCtx,
    headers: HeaderMap,
    uri: Uri,
    Form(mut form): Form<StoryForm>,
) -> Result<Response, AppError> {
    check_csrf(&app, &headers, &form.csrf)?;
    let status = match form.intent.as_str() {
        // A copy made from a refused save starts as a draft of its own.
        "copy" => {
            form.slug = format!("{}-salinan-{}", form.slug.trim(), app.clock.now() % 100_000);
            StoryStatus::Draft
        }
        other => intent_status(other, StoryStatus::Draft)?,
    };
    let change = match form_change(&app, &form, status) {
        Ok(c) => c,
        Err(errors) => return invalid_form(&app, &s, &uri, None, &form, errors).await,
    };
    match desk(&app)
        .create(&s.principal(), change.doc, change.status, change.timing)
        .await
    {
        Ok(story) => {
            app.cache.recheck();
            Ok(see_other(&format!(
                "/admin/stories/{}?done={}",
                story.id,
                status.as_str()
            )))
        }
        Err(AppError::Invalid(errors)) => invalid_form(&app, &s, &uri, None, &form, errors).await,
        Err(AppError::Store(StoreError::Conflict(_))) => {
            let errors = vec![FieldError::new(
                "slug",
                "another story already has this address",
            )];
            invalid_form(&app, &s, &uri, None, &form, errors).await
        }
        Err(e) => Err(e),
    }
}

async fn invalid_form(
    app: &AppState,
    s: &StaffCtx,
    uri: &Uri,
    story: Option<&Story>,
    form: &StoryForm,
    errors: Vec<FieldError>,
) -> Result<Response, AppError> {
    let extras = EditorExtras {
        errors,
        ..Default::default()
    };
    editor_page(
        app,
        s,
        uri,
        story,
        form,
        extras,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

async fn load(app: &AppState, id: i64) -> Result<Story, AppError> {
    desk(app).story(id).await
}

pub async fn edit_story(
    State(app): State<AppState>,
    s: StaffCtx,
    uri: Uri,
    Path(id): Path<i64>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let story = load(&app, id).await?;
    // Everyone in the newsroom may read a story; changing it is checked.
    let form = StoryForm::from_story(&story, &app.zone);
    let notice = params.get("done").map(|d| format!("bo_done_{d}"));
    let extras = EditorExtras {
        notice,
        ..Default::default()
    };
    editor_page(&app, &s, &uri, Some(&story), &form, extras, StatusCode::OK).await
}

pub async fn save_story(
    State(app): State<AppState>,
    s: StaffCtx,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<i64>,
    Form(form): Form<StoryForm>,
) -> Result<Response, AppError> {
    check_csrf(&app, &headers, &form.csrf)?;
    let story = load(&app, id).await?;
    let autosave = form.intent == "autosave";
    let status = intent_status(&form.intent, story.status)?;
    let change = match form_change(&app, &form, status) {
        Ok(c) => c,
        Err(errors) if autosave => {
            return Ok(autosave_answer(
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({ "errors": errors }),
            ));
        }
        Err(errors) => return invalid_form(&app, &s, &uri, Some(&story), &form, errors).await,
    };
    let action = if autosave {
        "story.autosave"
    } else {
        "story.save"
    };
    let action = match status {
        _ if status == story.status => action,
        StoryStatus::Submitted => "story.submit",
        StoryStatus::Published => "story.publish",
        StoryStatus::Scheduled => "story.schedule",
        StoryStatus::Unpublished => "story.unpublish",
        StoryStatus::Draft => "story.return",
    };
    match desk(&app)
        .save(&s.principal(), &story, form.base_revision, change, action)
        .await
    {
        Ok(saved) => {
            app.cache.recheck();
            if autosave {
                return Ok(autosave_answer(
                    StatusCode::OK,
                    json!({ "revision": saved.revision, "saved_at": app.zone.kicker(saved.updated_at) }),
                ));
            }
            let done = if status == story.status {
                "save"
            } else {
                status.as_str()
            };
            Ok(see_other(&format!("/admin/stories/{id}?done={done}")))
        }
        Err(AppError::Store(StoreError::Stale { current })) => {
            if autosave {
                return Ok(autosave_answer(
                    StatusCode::CONFLICT,
                    json!({ "current": current }),
                ));
            }
            // Never a silent overwrite: show what changed and let them choose.
            let latest = load(&app, id).await?;
            let mine = form.to_doc().unwrap_or_else(|_| story.doc.clone());
            let extras = EditorExtras {
                conflict: Some(ConflictView {
                    revision: latest.revision,
                    by: latest.updated_by.clone(),
                    diff: diff(&latest.doc, &mine),
                }),
                ..Default::default()
            };
            editor_page(
                &app,
                &s,
                &uri,
                Some(&latest),
                &form,
                extras,
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(AppError::Invalid(errors)) if autosave => Ok(autosave_answer(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({ "errors": errors }),
        )),
        Err(AppError::Invalid(errors)) => {
            invalid_form(&app, &s, &uri, Some(&story), &form, errors).await
        }
        Err(e) => Err(e),
    }
}

fn autosave_answer(status: StatusCode, body: serde_json::Value) -> Response {
    (status, [(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

/// The editor's heartbeat: who else has this story open.
pub async fn presence(
    State(app): State<AppState>,
    s: StaffCtx,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, AppError> {
    check_csrf(&app, &headers, &f.csrf)?;
    let story = load(&app, id).await?;
    let others = app
        .store
        .touch_presence(id, s.staff.reader_id, &s.staff.name, app.clock.now())
        .await?;
    Ok(autosave_answer(
        StatusCode::OK,
        json!({ "others": others, "revision": story.revision }),
    ))
}

/// Read-also search as the editor types: published headlines.
pub async fn search_articles(
    State(app): State<AppState>,
    _s: StaffCtx,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let q = params.get("q").map(|q| q.trim()).unwrap_or("");
    let found = if q.chars().count() < 2 {
        Vec::new()
    } else {
        app.store.search_refs(q, 10, app.clock.now()).await?
    };
    Ok(autosave_answer(
        StatusCode::OK,
        json!({ "articles": found.iter().map(|r| json!({ "slug": r.slug, "title": r.headline, "section": r.section_slug })).collect::<Vec<_>>() }),
    ))
}

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

#[derive(Deserialize)]
pub struct PreviewForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
}

/// Make a preview link (shown once) or revoke them all.
pub async fn preview_link(
    State(app): State<AppState>,
    s: StaffCtx,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<i64>,
    Form(f): Form<PreviewForm>,
) -> Result<Response, AppError> {
    check_csrf(&app, &headers, &f.csrf)?;
    let story = load(&app, id).await?;
    if !s.staff.may(Action::Preview, Some(facts(&story))) {
        return Err(AppError::Forbidden);
    }
    let now = app.clock.now();
    let actor = s.principal().actor();
    if f.action == "revoke" {
        let n = app.store.revoke_preview_links(id, now).await?;
        app.store
            .audit(
                &actor,
                "preview.revoke",
                &format!("story:{}", story.slug),
                &format!("{n} revoked"),
                now,
            )
            .await?;
        return Ok(see_other(&format!(
            "/admin/stories/{id}?done=preview_revoked"
        )));
    }
    let token = new_token();
    app.store
        .create_preview_link(
            &token_hash(&token),
            id,
            &actor.label,
            now,
            now + PREVIEW_DAYS * 86_400,
        )
        .await?;
    app.store
        .audit(
            &actor,
            "preview.create",
            &format!("story:{}", story.slug),
            "",
            now,
        )
        .await?;
    let form = StoryForm::from_story(&story, &app.zone);
    let extras = EditorExtras {
        preview_url: Some(format!("{}/preview/{token}", app.cfg.base_url)),
        ..Default::default()
    };
    editor_page(&app, &s, &uri, Some(&story), &form, extras, StatusCode::OK).await
}

/// A story as it would look published, for anyone holding a live link;
/// never indexed, never cached.
pub async fn preview(
    State(app): State<AppState>,
    ctx: Ctx,
    uri: Uri,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let story = app
        .store
        .preview_story(&token_hash(&token), app.clock.now())
        .await?
        .ok_or(AppError::NotFound)?;
    let d = story.doc;
    let section = app
        .store
        .section(&d.section.slug)
        .await?
        .unwrap_or(crate::domain::Section {
            slug: d.section.slug.clone(),
            name: d.section.slug.clone(),
            description: String::new(),
            parent: None,
        });
    let article = crate::domain::Article {
        id: 0,
        slug: d.slug.clone(),
        headline: d.title.clone(),
        subheadline: d.subtitle.clone(),
        summary: d.summary.clone(),
        section,
        credits: d
            .contributors
            .iter()
            .map(|c| crate::domain::Credit {
                slug: c.slug.clone().unwrap_or_default(),
                name: c.name.clone(),
                role: c.role,
            })
            .collect(),
        sources: d.sources.clone(),
        dateline: d.dateline.clone(),
        published_at: story.publish_at.unwrap_or(app.clock.now()),
        updated_at: None,
        body: d.body.clone(),
        featured_image: d.featured_image.clone(),
        access: d.access,
        seo_title: d.seo_title.clone(),
        social_title: d.social_title.clone(),
        tags: d.tags.clone(),
        corrections: d.corrections.clone(),
    };
    // The whole story, and nothing to post to: it is not out yet.
    let mut decision = crate::domain::access::decide(
        crate::domain::access::Reader {
            state: crate::domain::access::ReaderState::Staff,
            comment_banned: true,
        },
        crate::domain::Access::Public,
    );
    decision.can_comment = false;
    decision.can_reply = false;
    decision.login_prompt = false;
    let c = Chrome::build_for(&app, &ctx, &uri, decision).await?;
    let page_param = uri
        .query()
        .and_then(|q| q.split('&').find_map(|p| p.strip_prefix("page=")));
    let view = super::article_page::build(&app, &c, &ctx, decision, article, page_param).await?;
    let html = app.views.render(
        "article.html",
        crate::view! { site => &c, t => &*c.t, article => view, preview_notice => true },
    )?;
    Ok((
        [
            (header::CACHE_CONTROL, "private, no-store"),
            (
                header::HeaderName::from_static("x-robots-tag"),
                "noindex, nofollow",
            ),
        ],
        Html(html),
    )
        .into_response())
}

pub async fn audit(
    State(app): State<AppState>,
    s: StaffCtx,
    uri: Uri,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    if !s.staff.may(Action::ReadAudit, None) {
        return Err(AppError::Forbidden);
    }
    let get = |k: &str| {
        params
            .get(k)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let entries = app
        .store
        .audit_log(&AuditFilter {
            actor: get("actor"),
            action: get("action"),
            target: get("target"),
            limit: 200,
        })
        .await?;
    let entries: Vec<_> = entries
        .into_iter()
        .map(|e| json!({ "at": e.at, "actor": e.actor, "action": e.action, "target": e.target, "detail": e.detail }))
        .collect();
    let chrome = Chrome::build(&app, &s.ctx, &uri).await?;
    render(
        &app,
        "admin/audit.html",
        StatusCode::OK,
        crate::view! {
            site => &chrome, t => &*chrome.t, me => &s.staff, entries,
            actor => get("actor").unwrap_or_default(), action => get("action").unwrap_or_default(),
            target => get("target").unwrap_or_default(),
        },
    )
}

pub async fn staff_page(
    State(app): State<AppState>,
    s: StaffCtx,
    uri: Uri,
) -> Result<Response, AppError> {
    staff_view(&app, &s, &uri, Vec::new(), None, StatusCode::OK).await
}

async fn staff_view(
    app: &AppState,
    s: &StaffCtx,
    uri: &Uri,
    errors: Vec<FieldError>,
    notice: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    if !s.staff.may(Action::ManageStaff, None) {
        return Err(AppError::Forbidden);
    }
    let members: Vec<_> = app
        .store
        .staff_members()
        .await?
        .into_iter()
        .map(|m| json!({ "email": m.email, "name": m.name, "role": m.role.as_str(), "sections": m.sections.join(", ") }))
        .collect();
    let chrome = Chrome::build(app, &s.ctx, uri).await?;
    render(
        app,
        "admin/staff.html",
        status,
        crate::view! {
            site => &chrome, t => &*chrome.t, me => &s.staff, members, errors, notice,
            sections => app.store.sections().await?,
        },
    )
}

#[derive(Deserialize)]
pub struct StaffForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    sections: String,
}

/// Give an account a role, or invite a new person by e-mail: their
/// account is made and they get a link to choose a password.
pub async fn set_staff(
    State(app): State<AppState>,
    s: StaffCtx,
    headers: HeaderMap,
    uri: Uri,
    Form(f): Form<StaffForm>,
) -> Result<Response, AppError> {
    check_csrf(&app, &headers, &f.csrf)?;
    if !s.staff.may(Action::ManageStaff, None) {
        return Err(AppError::Forbidden);
    }
    let role = match f.role.as_str() {
        "none" => None,
        r => match StaffRole::parse(r) {
            Some(r) => Some(r),
            None => {
                let errors = vec![FieldError::new("role", "choose a role")];
                return staff_view(
                    &app,
                    &s,
                    &uri,
                    errors,
                    None,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
        },
    };
    let sections: Vec<String> = f
        .sections
        .split(',')
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect();
    use crate::services::staff::{RoleChange, set_role};
    let actor = s.principal().actor();
    match set_role(&app, &actor, &f.email, role, &sections, Some(&f.name)).await {
        Ok(RoleChange::Saved { .. }) => Ok(see_other("/admin/staff?done=saved")),
        Ok(RoleChange::Created { reader_id }) => {
            let email = crate::domain::account::normalize_email(&f.email).unwrap_or_default();
            crate::services::accounts::invite(&app, reader_id, &email, s.ctx.locale).await?;
            Ok(see_other("/admin/staff?done=invited"))
        }
        Err(AppError::Invalid(errors)) => {
            staff_view(
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

/// Store an upload (on a blocking thread) and add it to the library.
pub async fn upload_image(
    app: &AppState,
    bytes: Vec<u8>,
    alt: &str,
    actor: &crate::store::newsroom::Actor,
) -> Result<crate::store::newsroom::MediaItem, AppError> {
    let dir = app.data_dir.join("media");
    let refused = |e: crate::media::MediaError| match e {
        crate::media::MediaError::Io(io) => AppError::Store(StoreError::Corrupt(io.to_string())),
        other => AppError::Invalid(vec![FieldError::new("file", other.to_string())]),
    };
    let limits = crate::media::Limits::default();
    let probe = crate::media::probe(&bytes, limits).map_err(refused)?;
    // Decoding waits until the picture fits in the node's budget.
    let _slot = app.decode_budget.acquire(&probe).await;
    let stored = tokio::task::spawn_blocking(move || crate::media::store(&bytes, &dir, limits))
        .await
        .map_err(|e| AppError::Store(StoreError::Corrupt(format!("image worker: {e}"))))?
        .map_err(refused)?;
    Ok(app
        .store
        .add_media(&stored, alt.trim(), actor, app.clock.now())
        .await?)
}

fn media_json(m: &crate::store::newsroom::MediaItem) -> serde_json::Value {
    let s = &m.stored;
    let caption = s.meta.caption.clone().unwrap_or_default();
    let credit = s.meta.credit.clone().unwrap_or_default();
    json!({
        "id": m.id, "src": s.src, "width": s.width, "height": s.height, "widths": s.widths,
        "webp_widths": s.webp_widths, "bytes": s.bytes, "content_type": s.content_type,
        "alt": m.alt, "caption": s.meta.caption, "credit": s.meta.credit, "copyright": s.meta.copyright,
        "uploaded_by": m.uploaded_by, "created_at": m.created_at,
        "block": format!("[image: {} | {} | {} | {}]", s.src, m.alt, caption, credit),
        "thumb": s.widths.first().map(|w| crate::media::size_url(&s.src, *w, "jpg")),
    })
}

/// The media library: find and reuse images, upload new ones.
pub async fn media_library(
    State(app): State<AppState>,
    s: StaffCtx,
    uri: Uri,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    media_view(
        &app,
        &s,
        &uri,
        params.get("q").map(String::as_str),
        Vec::new(),
        None,
        StatusCode::OK,
    )
    .await
}

async fn media_view(
    app: &AppState,
    s: &StaffCtx,
    uri: &Uri,
    q: Option<&str>,
    errors: Vec<FieldError>,
    uploaded: Option<serde_json::Value>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let items: Vec<_> = app
        .store
        .media_list(q, 60)
        .await?
        .iter()
        .map(media_json)
        .collect();
    let chrome = Chrome::build(app, &s.ctx, uri).await?;
    render(
        app,
        "admin/media.html",
        status,
        crate::view! {
            site => &chrome, t => &*chrome.t, me => &s.staff, items, errors, uploaded,
            q => q.unwrap_or(""), can_upload => s.staff.may(Action::Create, None),
        },
    )
}

pub async fn media_upload(
    State(app): State<AppState>,
    s: StaffCtx,
    headers: HeaderMap,
    uri: Uri,
    mut form: axum::extract::Multipart,
) -> Result<Response, AppError> {
    let mut csrf = String::new();
    let mut alt = String::new();
    let mut file: Option<Vec<u8>> = None;
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| AppError::BadRequest(e.to_string()))?
    {
        match field.name().unwrap_or("") {
            "csrf" => csrf = field.text().await.unwrap_or_default(),
            "alt" => alt = field.text().await.unwrap_or_default(),
            "file" => {
                file = Some(
                    field
                        .bytes()
                        .await
                        .map_err(|e| AppError::BadRequest(e.to_string()))?
                        .to_vec(),
                )
            }
            _ => {}
        }
    }
    check_csrf(&app, &headers, &csrf)?;
    if !s.staff.may(Action::Create, None) {
        return Err(AppError::Forbidden);
    }
    let Some(bytes) = file.filter(|b| !b.is_empty()) else {
        let errors = vec![FieldError::new("file", "choose an image")];
        return media_view(
            &app,
            &s,
            &uri,
            None,
            errors,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    match upload_image(&app, bytes, &alt, &s.principal().actor()).await {
        Ok(m) => {
            media_view(
                &app,
                &s,
                &uri,
                None,
                Vec::new(),
                Some(media_json(&m)),
                StatusCode::CREATED,
            )
            .await
        }
        Err(AppError::Invalid(errors)) => {
            media_view(
                &app,
                &s,
                &uri,
                None,
                errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

/// The Admin API's upload: the image as the request body.
pub async fn api_media_upload(
    State(app): State<AppState>,
    super::admin_api::TokenPrincipal(who): super::admin_api::TokenPrincipal,
    Query(params): Query<HashMap<String, String>>,
    body: axum::body::Bytes,
) -> Result<Response, crate::error::ApiError> {
    // The scope was checked with the route (`admin_api::ROUTE_SCOPES`).
    let alt = params.get("alt").map(String::as_str).unwrap_or("");
    let m = upload_image(&app, body.to_vec(), alt, &who.actor()).await?;
    Ok((
        StatusCode::CREATED,
        [(header::CACHE_CONTROL, "no-store")],
        Json(media_json(&m)),
    )
        .into_response())
}

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

/// Open a published story by its address: one the newsroom never touched
/// (imported, demo) becomes a story on first use.
pub async fn open_article(
    State(app): State<AppState>,
    _s: StaffCtx,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let story = desk(&app)
        .story_by_slug(&slug)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(see_other(&format!("/admin/stories/{}", story.id)))
}
