//! Idempotency keys' store: claims and the responses they end with. Its SQL is `sql.rs`,
//! compiled once per backend in `mod.rs`.

use async_trait::async_trait;
use jiff::Timestamp;

use crate::db::{Db, StoreResult};

/// A request to run once per (API key, `Idempotency-Key`).
#[derive(Debug, Clone)]
pub struct IdempotencyClaim {
    pub api_key_id: String,
    pub key: String,
    /// SHA-256 of method, path and body, hex-encoded.
    pub request_hash: String,
    pub now: Timestamp,
    /// Rows created before this are gone: the request runs afresh.
    pub expired_before: Timestamp,
    /// A running claim created before this belongs to a request that died; it may be taken
    /// over.
    pub stale_before: Timestamp,
}

/// The response stored for a completed request, replayed to its retries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimOutcome {
    /// This request holds the key now and runs.
    Claimed,
    /// The same request is running elsewhere.
    InProgress,
    /// The key was used for a different request.
    Mismatch,
    Completed(StoredResponse),
}

#[async_trait]
pub trait IdempotencyStore: Send + Sync + 'static {
    /// Claims the key for this request in one transaction, or says why not.
    async fn claim_idempotency(&self, claim: &IdempotencyClaim) -> StoreResult<ClaimOutcome>;
    /// Stores the response of a claimed request.
    async fn complete_idempotency(
        &self,
        api_key_id: &str,
        key: &str,
        response: &StoredResponse,
    ) -> StoreResult<()>;
    /// Gives a running claim up (the request failed on our side), so a retry runs afresh.
    async fn release_idempotency(&self, api_key_id: &str, key: &str) -> StoreResult<()>;
    /// Deletes every key created before `before`; returns how many.
    async fn delete_expired_idempotency(&self, before: Timestamp) -> StoreResult<u64>;
}

pub fn store(db: &Db) -> &dyn IdempotencyStore {
    match db {
        Db::Sqlite(s) => s,
        Db::Postgres(p) => p,
    }
}
