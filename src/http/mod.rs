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

#[derive(Clone)]
pub struct AppState {
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

impl AppState {
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
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
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
