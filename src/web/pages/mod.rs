//! What every customer page shares: the HTML response with its headers (a strict
//! Content-Security-Policy, no referrer, no framing), rendering a template, the one "not
//! found" page, the stylesheet, and the words of both languages. The pages themselves
//! live with their areas (`areas/<area>/pages.rs`). The customer portal's shell (session,
//! CSRF, layout, navigation; issue 15) belongs here too.

mod texts;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::AppState;
pub use texts::Texts;

/// The routes every page needs: its stylesheet.
pub fn router() -> Router<AppState> {
    Router::new().route("/assets/portal.css", get(stylesheet))
}

/// What every page sends: no scripts, no frames, nothing from elsewhere, and no referrer,
/// since the invoice page's URL carries its secret token.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
     base-uri 'none'; frame-ancestors 'none'";

/// An HTML page with the headers every portal page carries.
pub fn html(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        "x-robots-tag",
        HeaderValue::from_static("noindex, nofollow"),
    );
    response
}

/// Whether a path no route matched lies under the pages' prefixes: it then gets the
/// pages' "not found" (a missing token, a path added to one), never the API's JSON.
pub fn owns_path(path: &str) -> bool {
    path.starts_with("/public-invoice/") || path.starts_with("/payment-link/")
}

/// The one answer for an unknown invoice, a wrong token, a deleted invoice or an unknown
/// link, so that none can be told apart.
pub fn not_found() -> Response {
    use askama::Template;
    let page = texts::NotFoundPage {};
    html(
        StatusCode::NOT_FOUND,
        page.render().unwrap_or_else(|_| "Not found".to_owned()),
    )
}

/// Renders a template, or a plain 500 (logged) if that ever fails.
pub fn render(status: StatusCode, page: &impl askama::Template) -> Response {
    match page.render() {
        Ok(body) => html(status, body),
        Err(e) => {
            tracing::error!(error = %e, "rendering a portal page failed");
            html(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong on our side.".to_owned(),
            )
        }
    }
}

async fn stylesheet() -> Response {
    let mut response = include_str!("../../../templates/portal/portal.css").into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    response
}

/// A plain 500 page; the cause is logged, never shown.
pub fn internal(what: &str, error: impl std::fmt::Display) -> Response {
    tracing::error!(error = %error, "{what} failed");
    html(
        StatusCode::INTERNAL_SERVER_ERROR,
        "<!doctype html><title>Error</title><p>Something went wrong on our side. Please try again later.</p>"
            .to_owned(),
    )
}

/// Whether two secrets are equal, in time that does not depend on where they differ.
pub fn same_secret(given: &str, expected: &str) -> bool {
    use subtle::ConstantTimeEq;
    given.len() == expected.len() && bool::from(given.as_bytes().ct_eq(expected.as_bytes()))
}
