//! The payment links' store. Its SQL is `sql.rs`, compiled once per backend in `mod.rs`.

use async_trait::async_trait;
use jiff::Timestamp;

use super::model::PaymentLink;
use crate::areas::payment_links::model::PaymentLinkId;
use crate::areas::payments::Payment;
use crate::db::{Db, PageQuery, StoreResult};
use crate::kernel::ids::AccountId;
use crate::web::Context;

#[async_trait]
pub trait PaymentLinkStore: Send + Sync + 'static {
    /// Creates the link, with its `payment-link-created` event.
    async fn create_payment_link(
        &self,
        account_id: &AccountId,
        link: &PaymentLink,
        ctx: &Context,
    ) -> StoreResult<PaymentLink>;
    async fn list_payment_links(
        &self,
        account_id: &AccountId,
        page: PageQuery,
    ) -> StoreResult<Vec<PaymentLink>>;
    async fn get_payment_link(
        &self,
        account_id: &AccountId,
        link_id: &PaymentLinkId,
    ) -> StoreResult<PaymentLink>;
    /// A link by its ID alone, with its account: for the public checkout page.
    async fn find_payment_link(
        &self,
        link_id: &PaymentLinkId,
    ) -> StoreResult<(AccountId, PaymentLink)>;
    /// Closes an open link; any other state is refused.
    async fn close_payment_link(
        &self,
        account_id: &AccountId,
        link_id: &PaymentLinkId,
        now: Timestamp,
    ) -> StoreResult<PaymentLink>;
    async fn list_link_payments(
        &self,
        account_id: &AccountId,
        link_id: &PaymentLinkId,
        page: PageQuery,
    ) -> StoreResult<Vec<Payment>>;
    /// Records `expired` on open links past their expiry, with a `payment-link-expired`
    /// event each; returns how many.
    async fn expire_payment_links(&self, now: Timestamp, ctx: &Context) -> StoreResult<u64>;
}

pub fn store(db: &Db) -> &dyn PaymentLinkStore {
    match db {
        Db::Sqlite(s) => s,
        Db::Postgres(p) => p,
    }
}
