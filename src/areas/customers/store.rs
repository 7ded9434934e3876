//! The customers' store: every method one transaction, the account first. Its SQL is
//! `sql.rs`, compiled once per backend in `mod.rs`.

use async_trait::async_trait;

use super::model::Customer;
use super::request::{CustomerPatch, NewCustomer};
use crate::areas::customers::model::CustomerId;
use crate::db::{Db, PageQuery, StoreResult};
use crate::kernel::ids::AccountId;
use crate::web::Context;

#[async_trait]
pub trait CustomerStore: Send + Sync + 'static {
    async fn list_customers(
        &self,
        account_id: &AccountId,
        page: PageQuery,
    ) -> StoreResult<Vec<Customer>>;
    async fn get_customer(
        &self,
        account_id: &AccountId,
        customer_id: &CustomerId,
    ) -> StoreResult<Customer>;
    /// Creates the customer, with its `customer-created` event.
    async fn create_customer(
        &self,
        account_id: &AccountId,
        id: &CustomerId,
        new: &NewCustomer,
        ctx: &Context,
    ) -> StoreResult<Customer>;
    async fn update_customer(
        &self,
        account_id: &AccountId,
        customer_id: &CustomerId,
        patch: &CustomerPatch,
    ) -> StoreResult<Customer>;
    /// Hides the customer (its invoices keep pointing at it), with `customer-deleted`.
    async fn delete_customer(
        &self,
        account_id: &AccountId,
        customer_id: &CustomerId,
        ctx: &Context,
    ) -> StoreResult<()>;
}

pub fn store(db: &Db) -> &dyn CustomerStore {
    match db {
        Db::Sqlite(s) => s,
        Db::Postgres(p) => p,
    }
}
