//! The account's store: accounts, API keys and the seller details. Its SQL is `sql.rs`,
//! compiled once per backend in `mod.rs`. (Looking keys up and revoking them is the database
//! layer's, `db::keys`, since each backend does it its own way.)

use async_trait::async_trait;

use super::model::{Account, AccountPatch, NewAccount, NewApiKey};
use super::seller::{SellerDetails, SellerPatch};
use crate::db::{Db, StoreResult};
use crate::kernel::ids::AccountId;

#[async_trait]
pub trait AccountStore: Send + Sync + 'static {
    async fn count_accounts(&self) -> StoreResult<i64>;
    async fn create_account(&self, new: NewAccount) -> StoreResult<Account>;
    async fn get_account(&self, account_id: &AccountId) -> StoreResult<Account>;
    async fn update_account(
        &self,
        account_id: &AccountId,
        patch: AccountPatch,
    ) -> StoreResult<Account>;
    async fn create_api_key(&self, key: NewApiKey) -> StoreResult<()>;

    async fn get_seller(&self, account_id: &AccountId) -> StoreResult<SellerDetails>;
    async fn update_seller(
        &self,
        account_id: &AccountId,
        patch: &SellerPatch,
    ) -> StoreResult<SellerDetails>;
    /// The logo's bytes and media type, if one is set.
    async fn get_logo(&self, account_id: &AccountId) -> StoreResult<Option<(Vec<u8>, String)>>;
    async fn get_mollie_api_key(&self, account_id: &AccountId) -> StoreResult<Option<String>>;
}

pub fn store(db: &Db) -> &dyn AccountStore {
    match db {
        Db::Sqlite(s) => s,
        Db::Postgres(p) => p,
    }
}
