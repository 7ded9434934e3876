//! The one error type of the HTTP layer, rendered as DECISIONS.md's error body:
//! `{"code": <status>, "message": "..."}`, plus `errors` by field path on 422.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::db::StoreError;
use crate::kernel::input::FieldErrors;

#[derive(Debug)]
pub enum ApiError {
    BadRequest(String),
    Unauthorized(String),
    Forbidden(String),
    NotFound(String),
    MethodNotAllowed,
    Conflict(String),
    PayloadTooLarge(String),
    UnsupportedMediaType(String),
    Validation {
        message: String,
        errors: FieldErrors,
    },
    LicenseLimit(String),
    /// Something on our side failed; the cause is logged, never sent.
    Internal(anyhow::Error),
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// The HTTP status code.
    #[schema(example = 422)]
    pub code: u16,
    /// What went wrong, in one sentence a person can act on.
    #[schema(example = "The invoiceNumber field is required.")]
    pub message: String,
    /// On 422 only: messages per field, by dotted path such as `lines.0.vatRate`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<std::collections::BTreeMap<String, Vec<String>>>)]
    pub errors: Option<FieldErrors>,
}

impl ApiError {
    /// A 422 naming every invalid field; the message is the first problem, Laravel-style.
    pub fn validation(errors: FieldErrors) -> ApiError {
        let count: usize = errors.values().map(Vec::len).sum();
        let first = errors
            .values()
            .flatten()
            .next()
            .cloned()
            .unwrap_or_else(|| "The given data was invalid.".to_owned());
        let message = match count {
            0 | 1 => first,
            2 => format!("{first} (and 1 more error)"),
            n => format!("{first} (and {} more errors)", n - 1),
        };
        ApiError::Validation { message, errors }
    }

    /// A 422 on one field.
    pub fn field(path: &str, message: impl Into<String>) -> ApiError {
        let mut errors = FieldErrors::new();
        errors.insert(path.to_owned(), vec![message.into()]);
        ApiError::validation(errors)
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Validation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::LicenseLimit(_) => StatusCode::UPGRADE_REQUIRED,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let (message, errors) = match self {
            ApiError::BadRequest(m)
            | ApiError::Unauthorized(m)
            | ApiError::Forbidden(m)
            | ApiError::NotFound(m)
            | ApiError::Conflict(m)
            | ApiError::PayloadTooLarge(m)
            | ApiError::UnsupportedMediaType(m)
            | ApiError::LicenseLimit(m) => (m, None),
            ApiError::MethodNotAllowed => {
                ("This method is not allowed on this path.".to_owned(), None)
            }
            ApiError::Validation { message, errors } => (message, Some(errors)),
            ApiError::Internal(cause) => {
                tracing::error!(error = format!("{cause:#}"), "request failed on our side");
                (
                    "Something went wrong on our side; please try again later.".to_owned(),
                    None,
                )
            }
        };
        let body = ErrorBody {
            code: status.as_u16(),
            message,
            errors,
        };
        (status, Json(body)).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::NotFound => {
                ApiError::NotFound("No object was found for the given ID.".to_owned())
            }
            StoreError::Invalid(errors) => ApiError::validation(errors),
            StoreError::Refused(message) => ApiError::Validation {
                message,
                errors: Default::default(),
            },
            StoreError::LimitReached { limit } => ApiError::LicenseLimit(format!(
                "This account reached its limit of {limit} invoices this month; raise the limit or wait for next month."
            )),
            other => ApiError::Internal(other.into()),
        }
    }
}

/// Names the missing object in a store's `NotFound`.
pub trait NotFoundExt<T> {
    fn or_not_found(self, what: &str, id: &str) -> Result<T, ApiError>;
}

impl<T> NotFoundExt<T> for Result<T, StoreError> {
    fn or_not_found(self, what: &str, id: &str) -> Result<T, ApiError> {
        self.map_err(|e| match e {
            StoreError::NotFound => {
                ApiError::NotFound(format!("No {what} was found with ID `{}`.", printable(id)))
            }
            other => other.into(),
        })
    }
}

/// An ID echoed in a message: cut short and stripped of anything unprintable.
pub(crate) fn printable(id: &str) -> String {
    id.chars().filter(|c| !c.is_control()).take(64).collect()
}

pub type ApiResult<T> = Result<T, ApiError>;
