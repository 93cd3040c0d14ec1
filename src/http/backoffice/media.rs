//! The media library and uploads (the back office's form and the Admin API).

use super::*;

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

/// Whether the caller (the block editor's image tool) asked for JSON.
fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

/// Refused fields in the JSON APIs' one error shape.
fn fields_json(errors: Vec<FieldError>) -> Response {
    crate::error::ApiError(AppError::Invalid(errors)).into_response()
}

/// The media library: find and reuse images, upload new ones.
pub async fn media_library(
    State(app): State<AppState>,
    s: StaffCtx,
    uri: Uri,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    if wants_json(&headers) {
        let items: Vec<_> = app
            .store
            .media_list(params.get("q").map(String::as_str), 60)
            .await?
            .iter()
            .map(media_json)
            .collect();
        return Ok((
            [(header::CACHE_CONTROL, "no-store")],
            Json(json!({ "items": items })),
        )
            .into_response());
    }
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
    let json = wants_json(&headers);
    let Some(bytes) = file.filter(|b| !b.is_empty()) else {
        let errors = vec![FieldError::new("file", "choose an image")];
        if json {
            return Ok(fields_json(errors));
        }
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
        Ok(m) if json => Ok((
            StatusCode::CREATED,
            [(header::CACHE_CONTROL, "no-store")],
            Json(media_json(&m)),
        )
            .into_response()),
        Err(AppError::Invalid(errors)) if json => Ok(fields_json(errors)),
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
    crate::http::admin_api::TokenPrincipal(who): crate::http::admin_api::TokenPrincipal,
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
