//! Stories: the editor, creating and saving with the workflow buttons,
//! who else has a story open, the read-also search, and opening a
//! published article in the newsroom.

use super::*;

/// What the editor page shows besides the form.
#[derive(Default, Serialize)]
pub(super) struct EditorExtras {
    pub(super) errors: Vec<FieldError>,
    pub(super) notice: Option<String>,
    /// The newer revision someone else saved, when a save was refused.
    pub(super) conflict: Option<ConflictView>,
    pub(super) preview_url: Option<String>,
}

#[derive(Serialize)]
pub(super) struct ConflictView {
    revision: i64,
    by: String,
    diff: Vec<crate::http::story_form::DiffLine>,
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
pub(super) async fn editor_page(
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
    // The block editor's video tool offers the newest published videos.
    let videos: Vec<(String, String)> = app
        .store
        .videos(&crate::store::VideoQuery {
            section: None,
            exclude_id: None,
            limit: 200,
            offset: 0,
            now: app.clock.now(),
            count_total: false,
        })
        .await?
        .items
        .into_iter()
        .map(|v| (v.slug, v.title))
        .collect();
    let corrections: Vec<_> = story
        .map(|st| st.doc.corrections.clone())
        .unwrap_or_default();
    let page = render(
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
            revisions, previews, others, live_url, corrections, videos,
            f => form, sections, buttons => buttons(&who, story),
            errors => &extras.errors, notice => extras.notice.map(|k| chrome.tr(&k)), conflict => extras.conflict,
            preview_url => extras.preview_url,
            autosave => story.is_some_and(|st| matches!(st.status, StoryStatus::Draft | StoryStatus::Submitted)),
            time_zone => app.zone.name(),
        },
    )?;
    Ok(super::with_editor_policy(app, page))
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

pub(super) async fn load(app: &AppState, id: i64) -> Result<Story, AppError> {
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
    let form = StoryForm::from_story(&story, &app.zone, s.ctx.locale);
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
    pub(super) csrf: String,
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
