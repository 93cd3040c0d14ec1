//! Preview links: an unpublished story for anyone holding the link.

use super::*;

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
    let form = StoryForm::from_story(&story, &app.zone, s.ctx.locale);
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
    let view =
        crate::http::article_page::build(&app, &c, &ctx, decision, article, page_param).await?;
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
