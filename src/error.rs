//! The error policy, in one place. Handlers return `AppError`; site pages
//! turn it into a page in the reader's language (see `http::errors`), the
//! API into JSON, and the CLI into a message and an exit code.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::render::RenderError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("forbidden")]
    Forbidden,
    #[error("sign in first")]
    Unauthorized,
    #[error("too many requests")]
    TooManyRequests,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Render(#[from] RenderError),
}

/// Which error page to show; set on an error response and rendered by the
/// site's error middleware, which knows the reader's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorPage {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    TooManyRequests,
    Internal,
}

impl ErrorPage {
    pub fn status(self) -> StatusCode {
        match self {
            ErrorPage::BadRequest => StatusCode::BAD_REQUEST,
            ErrorPage::Unauthorized => StatusCode::UNAUTHORIZED,
            ErrorPage::Forbidden => StatusCode::FORBIDDEN,
            ErrorPage::NotFound => StatusCode::NOT_FOUND,
            ErrorPage::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            ErrorPage::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            ErrorPage::BadRequest => "400",
            ErrorPage::Unauthorized => "401",
            ErrorPage::Forbidden => "403",
            ErrorPage::NotFound => "404",
            ErrorPage::TooManyRequests => "429",
            ErrorPage::Internal => "500",
        }
    }
}

impl AppError {
    pub fn page(&self) -> ErrorPage {
        match self {
            AppError::NotFound => ErrorPage::NotFound,
            AppError::BadRequest(_) => ErrorPage::BadRequest,
            AppError::Forbidden => ErrorPage::Forbidden,
            AppError::Unauthorized => ErrorPage::Unauthorized,
            AppError::TooManyRequests => ErrorPage::TooManyRequests,
            AppError::Store(_) | AppError::Render(_) => ErrorPage::Internal,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let page = self.page();
        if page == ErrorPage::Internal {
            tracing::error!(error = %self, "request failed");
        }
        let mut res = page.status().into_response();
        res.extensions_mut().insert(page);
        res
    }
}

/// Errors of the JSON API: the same kinds, answered as JSON.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let page = self.0.page();
        let message = match &self.0 {
            AppError::NotFound => "not found".to_string(),
            AppError::BadRequest(m) => m.clone(),
            AppError::Forbidden => "forbidden".to_string(),
            AppError::Unauthorized => "sign in first".to_string(),
            AppError::TooManyRequests => "too many requests, try again later".to_string(),
            other => {
                tracing::error!(error = %other, "api request failed");
                "internal error".to_string()
            }
        };
        (
            page.status(),
            axum::Json(serde_json::json!({ "error": { "status": page.status().as_u16(), "message": message } })),
        )
            .into_response()
    }
}
