//! The HTTP API: shared state, the router with every route, and the cross-cutting layers.

pub mod account;
pub mod auth;
pub mod customer_groups;
pub mod customer_invoices;
pub mod customers;
pub mod error;
mod events;
pub mod idempotency;
pub mod json;
pub mod openapi;
pub mod pagination;
pub mod path;
pub mod payment_links;
pub mod rate_limit;
pub mod serve;
pub mod signed_links;
pub mod webhooks;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use jiff::tz::TimeZone;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::clock::Clock;
use crate::store::Store;
use error::ApiError;

/// JSON bodies above this size are refused with 413. The largest valid manual invoice
/// (1000 lines of 1000 characters) stays well below it.
pub const JSON_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The default of `--request-time-limit`.
pub const REQUEST_TIME_LIMIT: Duration = Duration::from_secs(30);

/// Request headers above this many bytes in all (names and values) are refused with 431.
/// hyper itself stops at 100 headers or about 400 KB; no client of this API needs more than
/// a few hundred bytes, and every header is held in memory for the whole request.
pub const HEADER_BYTES_LIMIT: usize = 16 * 1024;

/// What every handler shares: a handle to one [`Settings`], so that the extractors' many
/// clones per request cost one reference count each (the profile of the create benchmark
/// found the field-by-field clones, a signing secret and a URL among them, at about 2.5 %).
#[derive(Clone)]
pub struct AppState(Arc<Settings>);

impl AppState {
    pub fn new(settings: Settings) -> AppState {
        AppState(Arc::new(settings))
    }
}

impl std::ops::Deref for AppState {
    type Target = Settings;

    fn deref(&self) -> &Settings {
        &self.0
    }
}

pub struct Settings {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub time_zone: TimeZone,
    /// `<public url>/v1`, without trailing slash.
    pub api_base: Arc<str>,
    /// The public origin, without trailing slash: the base of pages and download links.
    pub public_base: Arc<str>,
    pub signer: signed_links::LinkSigner,
    pub rate_limit_per_minute: u32,
    pub rate_limiter: Arc<rate_limit::RateLimiter>,
    /// Lets webhook URLs resolve to loopback, private and link-local addresses (tests and
    /// closed networks); off by default, so a key cannot aim deliveries at internal hosts.
    pub allow_private_webhooks: bool,
    /// Mollie's Payments API, used with each account's own key.
    pub mollie: crate::payments::mollie::MollieApi,
    /// A request (body upload included) taking longer is answered with 408.
    pub request_time_limit: Duration,
}

impl Settings {
    pub fn atom(&self, at: jiff::Timestamp) -> String {
        crate::domain::time::format_atom(at, &self.time_zone)
    }

    pub fn api_url(&self, path: &str) -> String {
        format!("{}{path}", self.api_base)
    }
}

pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .merge(customers::router())
        .merge(customer_groups::router())
        .merge(customer_invoices::router())
        .merge(webhooks::router())
        .merge(payment_links::router())
        .merge(account::router())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        // Inside authentication: keys are per API key, and 401/429 are never stored.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            idempotency::idempotency,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ));

    Router::new()
        .route("/v1/openapi.json", axum::routing::get(openapi::serve))
        .nest("/v1", api)
        .merge(customer_invoices::public_router())
        .merge(crate::portal::router())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
        .layer(middleware::from_fn(header_limit))
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn_with_state(state.clone(), time_limit))
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::Internal(anyhow::anyhow!("a handler panicked")).into_response()
        }))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .with_state(state)
}

async fn not_found(uri: axum::http::Uri) -> Response {
    if crate::portal::owns_path(uri.path()) {
        return crate::portal::not_found();
    }
    ApiError::NotFound(
        "There is no endpoint at this path; see /v1/openapi.json for the ones there are."
            .to_owned(),
    )
    .into_response()
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

async fn security_headers(req: Request, next: Next) -> Response {
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
async fn header_limit(req: Request, next: Next) -> Response {
    let bytes: usize = req
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if bytes > HEADER_BYTES_LIMIT {
        let body = error::ErrorBody {
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
async fn time_limit(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    match tokio::time::timeout(state.request_time_limit, next.run(req)).await {
        Ok(response) => response,
        Err(_) => {
            let body = error::ErrorBody {
                code: 408,
                message: "The request took too long and was stopped; send it again.".to_owned(),
                errors: None,
            };
            (StatusCode::REQUEST_TIMEOUT, axum::Json(body)).into_response()
        }
    }
}
