//! Error pages in the reader's language. Handlers only say which error
//! happened (`AppError` puts an `ErrorPage` on the response); this layer,
//! which knows the reader, renders it.

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use super::AppState;
use super::view::{Chrome, reader_locale};
use crate::error::ErrorPage;

pub async fn render_error_pages(State(app): State<AppState>, req: Request, next: Next) -> Response {
    let locale = reader_locale(&app, req.uri().query(), req.headers());
    let reading = matches!(*req.method(), Method::GET | Method::HEAD);
    let uri = req.uri().clone();
    let res = next.run(req).await;
    let Some(page) = res.extensions().get::<ErrorPage>().copied() else {
        return res;
    };
    // A page that needs a signed-in reader (the newsroom, the account,
    // moderation), opened signed out: the sign-in form, which comes back
    // here. A form sent signed out stays a 401.
    if page == ErrorPage::Unauthorized && reading {
        return super::auth::sign_in_first(uri.path_and_query().map_or("/", |p| p.as_str()));
    }
    let mut chrome = Chrome::minimal(&app, locale);
    if let Ok(s) = app.store.sections().await {
        chrome.sections = s;
    }
    // Error pages carry no ads: nothing to earn on a dead end.
    chrome.ads.clear();
    let key = page.key();
    let ctx = crate::view! {
        site => &chrome,
        t => &*chrome.t,
        code => key,
        title => chrome.t.get(&format!("error_{key}_title")),
        text => chrome.t.get(&format!("error_{key}_text")),
    };
    match app.views.render("error.html", ctx) {
        Ok(html) => (page.status(), Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "error page failed to render");
            (
                page.status(),
                chrome
                    .t
                    .get(&format!("error_{key}_title"))
                    .cloned()
                    .unwrap_or_default(),
            )
                .into_response()
        }
    }
}
