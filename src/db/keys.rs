//! The API-key lookup that authenticates every request: one query by the SHA-256 of the
//! token, run by each backend in its own fast way (see `sqlite.rs` and `key_cache.rs`).

use crate::kernel::ids::AccountId;
use crate::kernel::scopes::Scope;

/// What authentication needs to know about a key.
#[derive(Debug, Clone)]
pub struct ApiKeyRecord {
    pub id: String,
    pub account_id: AccountId,
    pub scopes: Vec<Scope>,
    pub rate_limit: Option<i64>,
    pub revoked: bool,
}

/// The lookup (both backends, and the SQLite backend's own connections).
pub(super) const API_KEY_BY_HASH: &str =
    "SELECT id, account_id, scopes, rate_limit, revoked_at FROM api_keys WHERE token_hash = $1";

/// The columns of [`API_KEY_BY_HASH`]: id, account, scopes, rate limit, revocation time.
pub(super) type ApiKeyColumns = (String, AccountId, String, Option<i64>, Option<i64>);

/// An API key from its stored columns. A scope name this build does not know grants nothing.
pub(super) fn api_key_record(
    id: String,
    account_id: AccountId,
    scopes: &str,
    rate_limit: Option<i64>,
    revoked_at: Option<i64>,
) -> ApiKeyRecord {
    ApiKeyRecord {
        id,
        account_id,
        scopes: scopes.split(' ').filter_map(Scope::parse).collect(),
        rate_limit,
        revoked: revoked_at.is_some(),
    }
}
