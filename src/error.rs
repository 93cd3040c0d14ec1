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
    /// Fields that are wrong, each named as the JSON names it.
    #[error("invalid: {}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<crate::domain::story::FieldError>),
    /// A conditional request without its condition (`If-Match`).
    #[error("precondition required")]
    PreconditionRequired,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error(transparent)]
    Payment(#[from] crate::services::payments::PaymentError),
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
    Conflict,
    Unprocessable,
    PreconditionFailed,
    PreconditionRequired,
    Internal,
    /// A payment provider did not answer, or refused.
    BadGateway,
}

impl ErrorPage {
    pub fn status(self) -> StatusCode {
        match self {
            ErrorPage::BadRequest => StatusCode::BAD_REQUEST,
            ErrorPage::Unauthorized => StatusCode::UNAUTHORIZED,
            ErrorPage::Forbidden => StatusCode::FORBIDDEN,
            ErrorPage::NotFound => StatusCode::NOT_FOUND,
            ErrorPage::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            ErrorPage::Conflict => StatusCode::CONFLICT,
            ErrorPage::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorPage::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            ErrorPage::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            ErrorPage::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            ErrorPage::BadGateway => StatusCode::BAD_GATEWAY,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            ErrorPage::BadRequest => "400",
            ErrorPage::Unauthorized => "401",
            ErrorPage::Forbidden => "403",
            ErrorPage::NotFound => "404",
            ErrorPage::TooManyRequests => "429",
            ErrorPage::Conflict => "409",
            ErrorPage::Unprocessable => "422",
            ErrorPage::PreconditionFailed => "412",
            ErrorPage::PreconditionRequired => "428",
            ErrorPage::Internal => "500",
            ErrorPage::BadGateway => "502",
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
            AppError::Invalid(_) => ErrorPage::Unprocessable,
            AppError::PreconditionRequired => ErrorPage::PreconditionRequired,
            AppError::Store(StoreError::Stale { .. }) => ErrorPage::Conflict,
            AppError::Store(StoreError::Conflict(_)) => ErrorPage::Conflict,
            AppError::Store(_) | AppError::Render(_) => ErrorPage::Internal,
            AppError::Payment(e) => {
                use crate::services::payments::PaymentError as P;
                match e {
                    P::NotEnabled(_) => ErrorPage::NotFound,
                    P::UnknownPlan(_) | P::UnknownMethod(_) | P::Malformed(_) | P::Signature(_) => {
                        ErrorPage::BadRequest
                    }
                    P::NotAllowed(_) => ErrorPage::Conflict,
                    P::Provider(_) | P::Unreachable(_) => ErrorPage::BadGateway,
                    P::Store(StoreError::Missing(_)) => ErrorPage::NotFound,
                    P::Store(_) => ErrorPage::Internal,
                }
            }
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let page = self.page();
        if matches!(page, ErrorPage::Internal | ErrorPage::BadGateway) {
            tracing::error!(error = %self, "request failed");
        }
        let mut res = page.status().into_response();
        res.extensions_mut().insert(page);
        res
    }
}

/// The JSON APIs' one error shape: `{"error": {"status", "message", ...}}`,
/// with `extra` fields (the fields that are wrong, `two_factor`) beside them.
pub fn json_error(status: StatusCode, message: &str, extra: serde_json::Value) -> Response {
    let mut e = serde_json::json!({ "status": status.as_u16(), "message": message });
    if let (Some(o), serde_json::Value::Object(more)) = (e.as_object_mut(), extra) {
        o.extend(more);
    }
    (status, axum::Json(serde_json::json!({ "error": e }))).into_response()
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
        // The one stale-write error: a form saved over a newer revision is
        // a conflict (409, with the difference shown); in the API every
        // write names its revision in If-Match, so there it is 412.
        let page = match &self.0 {
            AppError::Store(StoreError::Stale { .. }) => ErrorPage::PreconditionFailed,
            other => other.page(),
        };
        let mut fields = Vec::new();
        let message = match &self.0 {
            AppError::Invalid(errs) => {
                fields = errs.clone();
                errs.iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join("; ")
            }
            AppError::PreconditionRequired => {
                "send If-Match with the ETag of the revision you changed".to_string()
            }
            AppError::Store(e @ (StoreError::Stale { .. } | StoreError::Conflict(_))) => {
                e.to_string()
            }
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
        let extra = if fields.is_empty() {
            serde_json::json!({})
        } else {
            serde_json::json!({ "fields": fields })
        };
        json_error(page.status(), &message, extra)
    }
}
