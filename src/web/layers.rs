//! The layers around every route: security headers, the header size limit, the request
//! time limit, and the answers for unknown paths and methods.

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;
use super::{AppState, HEADER_BYTES_LIMIT};

pub async fn not_found(uri: axum::http::Uri) -> Response {
    if super::pages::owns_path(uri.path()) {
        return super::pages::not_found();
    }
    ApiError::NotFound(
        "There is no endpoint at this path; see /v1/openapi.json for the ones there are."
            .to_owned(),
    )
    .into_response()
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    // No page of this server is meant to be framed, to run scripts or to leak its URL
    // (signed links carry their token in the path) to another site.
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    // Not on PDFs: browsers show inline PDFs with viewers that a page policy can break.
    // The customer pages set their own (they load their stylesheet and the seller's logo).
    let is_pdf = headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|t| t.as_bytes().starts_with(b"application/pdf"));
    if !is_pdf && !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        );
    }
    response
}

/// Refuses requests whose headers exceed [`HEADER_BYTES_LIMIT`] in all, before any
/// authentication or handler sees them.
pub async fn header_limit(req: Request, next: Next) -> Response {
    let bytes: usize = req
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if bytes > HEADER_BYTES_LIMIT {
        let body = super::error::ErrorBody {
            code: 431,
            message: format!(
                "The request headers are too large ({bytes} bytes; at most {HEADER_BYTES_LIMIT})."
            ),
            errors: None,
        };
        return (
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            axum::Json(body),
        )
            .into_response();
    }
    next.run(req).await
}

/// Stops a request that takes longer than the request time limit, slow clients included.
pub async fn time_limit(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    match tokio::time::timeout(state.request_time_limit, next.run(req)).await {
        Ok(response) => response,
        Err(_) => {
            let body = super::error::ErrorBody {
                code: 408,
                message: "The request took too long and was stopped; send it again.".to_owned(),
                errors: None,
            };
            (StatusCode::REQUEST_TIMEOUT, axum::Json(body)).into_response()
        }
    }
}
