//! `Idempotency-Key` on POST and PATCH (a portaal addition): the first response to a key is
//! stored per API key for 24 hours and replayed to retries with `Idempotent-Replayed: true`.
//! A retry with another body gets 422, one while the first still runs gets 409. The claim
//! is a database row, so this holds across restarts and, on PostgreSQL, across instances.

use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use jiff::SignedDuration;
use sha2::{Digest, Sha256};

mod store;

pub use store::{ClaimOutcome, IdempotencyClaim, IdempotencyStore, StoredResponse, store};

use super::AppState;
use super::auth::Principal;
use super::error::ApiError;

pub const HEADER: &str = "idempotency-key";
pub const REPLAYED: &str = "idempotent-replayed";

/// How long a stored response is replayed.
pub const RETENTION: SignedDuration = SignedDuration::from_hours(24);

/// The largest body hashed: the largest any route accepts (a PDF upload).
const BODY_LIMIT: usize = super::UPLOAD_BODY_LIMIT;

pub async fn idempotency(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !matches!(*req.method(), Method::POST | Method::PATCH) {
        return next.run(req).await;
    }
    let Some(value) = req.headers().get(HEADER) else {
        return next.run(req).await;
    };
    let key = match valid_key(value) {
        Ok(key) => key.to_owned(),
        Err(message) => return ApiError::BadRequest(message.to_owned()).into_response(),
    };
    let Some(principal) = req.extensions().get::<Principal>().cloned() else {
        return next.run(req).await;
    };
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return ApiError::PayloadTooLarge(
                "The request body is too large or could not be read.".to_owned(),
            )
            .into_response();
        }
    };
    let now = state.now();
    let claim = IdempotencyClaim {
        api_key_id: principal.key_id.clone(),
        key,
        request_hash: request_hash(&parts.method, original_uri(&parts), &bytes),
        now,
        expired_before: now - RETENTION,
        stale_before: now - stale_after(state.request_time_limit),
    };
    match store(&state.db).claim_idempotency(&claim).await {
        Err(e) => return ApiError::from(e).into_response(),
        Ok(ClaimOutcome::InProgress) => {
            return ApiError::Conflict(
                "A request with this Idempotency-Key is still being processed; retry shortly."
                    .to_owned(),
            )
            .into_response();
        }
        Ok(ClaimOutcome::Mismatch) => {
            return ApiError::field(
                "Idempotency-Key",
                "This Idempotency-Key was used with a different request; use a new key for a new request.",
            )
            .into_response();
        }
        Ok(ClaimOutcome::Completed(stored)) => return replay(stored),
        Ok(ClaimOutcome::Claimed) => {}
    }
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    finish(&state, &claim, response).await
}

/// Stores the response for replay, or gives the claim up on a 5xx so that a retry runs
/// afresh instead of replaying a failure that may have been passing.
async fn finish(state: &AppState, claim: &IdempotencyClaim, response: Response) -> Response {
    let (api_key_id, key) = (&claim.api_key_id, &claim.key);
    if response.status().is_server_error() {
        if let Err(e) = store(&state.db).release_idempotency(api_key_id, key).await {
            tracing::warn!(error = %e, "could not release an idempotency key");
        }
        return response;
    }
    let (parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(e) => {
            let _ = store(&state.db).release_idempotency(api_key_id, key).await;
            return ApiError::Internal(anyhow::anyhow!("reading a response body: {e}"))
                .into_response();
        }
    };
    let stored = StoredResponse {
        status: parts.status.as_u16(),
        content_type: parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        body: bytes.to_vec(),
    };
    if let Err(e) = store(&state.db)
        .complete_idempotency(api_key_id, key, &stored)
        .await
    {
        // The change is made; only the replay is lost. The claim stays running, so a retry
        // gets 409 until it is stale rather than running the change twice.
        tracing::error!(error = %e, "could not store an idempotent response");
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Deletes expired keys every few minutes until `stop` turns true; a claim treats an
/// expired row as absent anyway, so this only keeps the table small.
pub async fn expire_keys(
    db: crate::db::Db,
    clock: std::sync::Arc<dyn crate::kernel::clock::Clock>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    const EVERY: Duration = Duration::from_secs(300);
    while !*stop.borrow() {
        match store(&db)
            .delete_expired_idempotency(clock.now() - RETENTION)
            .await
        {
            Ok(0) => {}
            Ok(n) => tracing::debug!(deleted = n, "expired idempotency keys deleted"),
            Err(e) => tracing::warn!(error = %e, "could not delete expired idempotency keys"),
        }
        tokio::select! {
            _ = tokio::time::sleep(EVERY) => {}
            _ = stop.changed() => {}
        }
    }
}

/// A running claim older than this is taken to belong to a request that died. Twice the
/// request time limit: a request stopped by the limit may still finish its store write
/// (SQLite's group commit answers after the caller has gone).
fn stale_after(request_time_limit: Duration) -> SignedDuration {
    SignedDuration::try_from(request_time_limit * 2).unwrap_or(SignedDuration::from_secs(60))
}

/// 1–255 printable ASCII characters, as in the IETF Idempotency-Key draft's examples.
fn valid_key(value: &HeaderValue) -> Result<&str, &'static str> {
    let bytes = value.as_bytes();
    if bytes.is_empty() || bytes.len() > 255 || !bytes.iter().all(|b| (0x20..=0x7e).contains(b)) {
        return Err("The Idempotency-Key header must be 1 to 255 printable ASCII characters.");
    }
    value
        .to_str()
        .map_err(|_| "The Idempotency-Key header must be ASCII.")
}

/// The URI as the client sent it: inside the nested `/v1` router `parts.uri` lacks `/v1`.
fn original_uri(parts: &axum::http::request::Parts) -> &axum::http::Uri {
    parts
        .extensions
        .get::<axum::extract::OriginalUri>()
        .map_or(&parts.uri, |original| &original.0)
}

fn request_hash(method: &Method, uri: &axum::http::Uri, body: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(method.as_str().as_bytes());
    hash.update(b" ");
    hash.update(uri.path_and_query().map_or("", |p| p.as_str()).as_bytes());
    hash.update(b"\n");
    hash.update(body);
    hex::encode(hash.finalize())
}

fn replay(stored: StoredResponse) -> Response {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let mut response = (status, stored.body).into_response();
    let headers = response.headers_mut();
    headers.remove(header::CONTENT_TYPE);
    if let Some(value) = stored
        .content_type
        .and_then(|c| HeaderValue::from_str(&c).ok())
    {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(REPLAYED, HeaderValue::from_static("true"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_one_to_255_printable_ascii_characters() {
        assert!(valid_key(&HeaderValue::from_static("a")).is_ok());
        assert!(valid_key(&HeaderValue::from_static("order 42 / retry~")).is_ok());
        assert!(valid_key(&HeaderValue::from_str(&"k".repeat(255)).unwrap()).is_ok());
        assert!(valid_key(&HeaderValue::from_str(&"k".repeat(256)).unwrap()).is_err());
        assert!(valid_key(&HeaderValue::from_static("")).is_err());
        assert!(valid_key(&HeaderValue::from_bytes(b"tab\there").unwrap()).is_err());
        assert!(valid_key(&HeaderValue::from_bytes("é".as_bytes()).unwrap()).is_err());
    }

    #[test]
    fn the_request_hash_covers_method_path_and_body() {
        let uri: axum::http::Uri = "/v1/customers".parse().unwrap();
        let other: axum::http::Uri = "/v1/customer-groups".parse().unwrap();
        let base = request_hash(&Method::POST, &uri, b"{}");
        assert_eq!(base, request_hash(&Method::POST, &uri, b"{}"));
        assert_ne!(base, request_hash(&Method::PATCH, &uri, b"{}"));
        assert_ne!(base, request_hash(&Method::POST, &other, b"{}"));
        assert_ne!(base, request_hash(&Method::POST, &uri, b"{ }"));
    }
}

// The SQL of this module, compiled once per backend (`Backend` and `DB` differ).
#[path = "."]
mod sqlite {
    use crate::db::sqlite::{Backend, DB};
    mod sql;
}
#[path = "."]
mod postgres {
    use crate::db::postgres::{Backend, DB};
    mod sql;
}
