//! The API-key lookup that authenticates every request: one query by the SHA-256 of the
//! token, run by each backend in its own fast way (see `sqlite.rs` and `key_cache.rs`).

use crate::kernel::features::ModuleSet;
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
    /// The feature modules the key's account has turned off (read with the key, so a
    /// request to a disabled module is refused without another query).
    pub disabled_modules: ModuleSet,
}

/// The lookup (both backends, and the SQLite backend's own connections).
pub(super) const API_KEY_BY_HASH: &str = "SELECT k.id, k.account_id, k.scopes, k.rate_limit, \
     k.revoked_at, a.disabled_modules FROM api_keys k JOIN accounts a ON a.id = k.account_id \
     WHERE k.token_hash = $1";

/// The columns of [`API_KEY_BY_HASH`]: id, account, scopes, rate limit, revocation time,
/// the account's disabled modules.
pub(super) type ApiKeyColumns = (String, AccountId, String, Option<i64>, Option<i64>, String);

/// An API key from its stored columns. A scope name this build does not know grants nothing.
pub(super) fn api_key_record(
    id: String,
    account_id: AccountId,
    scopes: &str,
    rate_limit: Option<i64>,
    revoked_at: Option<i64>,
    disabled_modules: &str,
) -> ApiKeyRecord {
    ApiKeyRecord {
        id,
        account_id,
        scopes: scopes.split(' ').filter_map(Scope::parse).collect(),
        rate_limit,
        revoked: revoked_at.is_some(),
        disabled_modules: ModuleSet::parse_stored(disabled_modules),
    }
}
