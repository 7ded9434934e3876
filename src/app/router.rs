//! The router: every area's routes under `/v1` behind authentication and idempotency, the
//! public pages beside them, the OpenAPI document, and the layers around it all.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::response::IntoResponse;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::areas;
use crate::web::layers::{
    header_limit, method_not_allowed, not_found, security_headers, time_limit,
};
use crate::web::{ApiError, AppState, JSON_BODY_LIMIT, auth, idempotency};

pub fn router(state: AppState) -> Router {
    let (api, public) = areas::routes().into_parts();
    let (api, paths) = api.split_for_parts();
    let document = super::openapi::document(paths);
    let api = api
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
        .route(
            "/v1/openapi.json",
            axum::routing::get(move || {
                let document = document.clone();
                async move { axum::Json(document) }
            }),
        )
        .nest("/v1", api)
        .merge(public)
        .merge(crate::web::pages::router())
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
