//! The customer groups' store. Its SQL is `sql.rs`, compiled once per backend in `mod.rs`.

use async_trait::async_trait;
use jiff::Timestamp;

use super::model::CustomerGroup;
use super::request::NewGroup;
use crate::areas::customer_groups::model::CustomerGroupId;
use crate::areas::customers::Customer;
use crate::areas::customers::model::CustomerId;
use crate::db::{Db, PageQuery, StoreResult};
use crate::kernel::ids::AccountId;

#[async_trait]
pub trait GroupStore: Send + Sync + 'static {
    async fn list_customer_groups(
        &self,
        account_id: &AccountId,
        page: PageQuery,
    ) -> StoreResult<Vec<CustomerGroup>>;
    async fn get_customer_group(
        &self,
        account_id: &AccountId,
        group_id: &CustomerGroupId,
    ) -> StoreResult<CustomerGroup>;
    /// Creates a group with the given members; IDs that are not live customers of the
    /// account are skipped, as the reference documents.
    async fn create_customer_group(
        &self,
        account_id: &AccountId,
        id: &CustomerGroupId,
        new: &NewGroup,
        at: Timestamp,
    ) -> StoreResult<CustomerGroup>;
    async fn rename_customer_group(
        &self,
        account_id: &AccountId,
        group_id: &CustomerGroupId,
        name: &str,
    ) -> StoreResult<CustomerGroup>;
    async fn delete_customer_group(
        &self,
        account_id: &AccountId,
        group_id: &CustomerGroupId,
    ) -> StoreResult<()>;
    /// Adds the live customers among `customer_ids` (others are skipped) and returns every
    /// member of the group afterwards.
    async fn add_customers_to_group(
        &self,
        account_id: &AccountId,
        group_id: &CustomerGroupId,
        customer_ids: &[String],
        at: Timestamp,
    ) -> StoreResult<Vec<Customer>>;
    async fn remove_customer_from_group(
        &self,
        account_id: &AccountId,
        group_id: &CustomerGroupId,
        customer_id: &CustomerId,
    ) -> StoreResult<()>;
}

pub fn store(db: &Db) -> &dyn GroupStore {
    match db {
        Db::Sqlite(s) => s,
        Db::Postgres(p) => p,
    }
}
