//! Operator actions: accounts and API keys. Shared by the CLI, first start and the tests.

use super::model::{Account, AccountPatch, NewAccount, NewApiKey};
use super::store::store;
use crate::db::{Db, StoreResult};
use crate::kernel::clock::Clock;
use crate::kernel::features::Module;
use crate::kernel::ids::AccountId;
use crate::kernel::ids::{self, prefix};
use crate::kernel::scopes::Scope;
use crate::web::auth::hash_token;

/// A key as shown once on creation: the token is not stored anywhere.
#[derive(Debug, Clone, serde::Serialize)]
pub struct IssuedKey {
    pub id: String,
    pub token: String,
    pub scopes: Vec<String>,
}

pub async fn create_account(
    db: &Db,
    clock: &dyn Clock,
    name: &str,
    monthly_invoice_limit: Option<i64>,
) -> StoreResult<Account> {
    store(db)
        .create_account(NewAccount {
            id: AccountId::new(),
            name: name.to_owned(),
            monthly_invoice_limit,
            created_at: clock.now(),
        })
        .await
}

pub async fn update_account(
    db: &Db,
    account_id: &AccountId,
    patch: AccountPatch,
) -> StoreResult<Account> {
    store(db).update_account(account_id, patch).await
}

/// Turns feature modules on and off; a module named in both lists is an error. Takes
/// effect for the account's next request in every process.
pub async fn set_modules(
    db: &Db,
    account_id: &AccountId,
    enable: &[Module],
    disable: &[Module],
) -> anyhow::Result<Account> {
    if let Some(both) = enable.iter().find(|m| disable.contains(m)) {
        anyhow::bail!("the module {both} is both enabled and disabled; name it once");
    }
    let account = store(db).get_account(account_id).await?;
    let disabled = enable.iter().fold(
        disable
            .iter()
            .fold(account.disabled_modules, |set, m| set.with(*m)),
        |set, m| set.without(*m),
    );
    db.set_disabled_modules(account_id, disabled).await?;
    Ok(store(db).get_account(account_id).await?)
}

/// Issues a key for `account_id`; no scopes means every scope (DECISIONS.md).
pub async fn create_api_key(
    db: &Db,
    clock: &dyn Clock,
    account_id: &AccountId,
    scopes: &[Scope],
    rate_limit: Option<u32>,
) -> StoreResult<IssuedKey> {
    store(db).get_account(account_id).await?;
    let mut scopes = if scopes.is_empty() {
        Scope::ALL.to_vec()
    } else {
        scopes.to_vec()
    };
    scopes.sort();
    scopes.dedup();
    // 32 random bytes: far beyond guessing, and hashing with plain SHA-256 is then safe.
    let token = format!("ptl_{}", ids::random_hex(32));
    let id = ids::new_id(prefix::API_KEY);
    store(db)
        .create_api_key(NewApiKey {
            id: id.clone(),
            account_id: account_id.to_owned(),
            token_hash: hash_token(&token),
            scopes: scopes.clone(),
            rate_limit: rate_limit.map(i64::from),
            created_at: clock.now(),
        })
        .await?;
    Ok(IssuedKey {
        id,
        token,
        scopes: scopes.iter().map(|s| s.as_str().to_owned()).collect(),
    })
}

pub async fn revoke_api_key(db: &Db, clock: &dyn Clock, key_id: &str) -> StoreResult<()> {
    db.revoke_api_key(key_id, clock.now()).await
}

/// On an empty database: a default account and one key with every scope, so that a new
/// user can call the API right after the first start.
pub async fn bootstrap(db: &Db, clock: &dyn Clock) -> StoreResult<Option<(Account, IssuedKey)>> {
    if store(db).count_accounts().await? > 0 {
        return Ok(None);
    }
    // Several instances may start at once on a new PostgreSQL database: one claims the task.
    if !db
        .insert_setting("bootstrapped_at", &clock.now().to_string())
        .await?
    {
        return Ok(None);
    }
    let account = create_account(db, clock, "Default account", None).await?;
    let key = create_api_key(db, clock, &account.id, &[], None).await?;
    Ok(Some((account, key)))
}
