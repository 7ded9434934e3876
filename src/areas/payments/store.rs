//! The payments' store. Its SQL is `sql.rs`, compiled once per backend in `mod.rs`.

use async_trait::async_trait;

use super::model::{Payment, PaymentTarget, PaymentUpdate};
use crate::db::{Db, StoreResult};
use crate::kernel::ids::AccountId;
use crate::web::Context;

#[async_trait]
pub trait PaymentStore: Send + Sync + 'static {
    async fn record_payment(&self, account_id: &AccountId, payment: &Payment) -> StoreResult<()>;
    /// The most recent payment started for an invoice or link.
    async fn latest_payment(
        &self,
        account_id: &AccountId,
        target: &PaymentTarget,
    ) -> StoreResult<Option<Payment>>;
    /// A payment by the provider's ID, with its account.
    async fn find_payment(
        &self,
        provider: &str,
        provider_payment_id: &str,
    ) -> StoreResult<(AccountId, Payment)>;
    /// Records what the provider said. The first time a payment turns `paid`, in the same
    /// transaction: its invoice is marked paid (`invoice-paid`), or its link records the
    /// payment (`payment-link-paid`; a single-use link becomes `paid`).
    async fn settle_payment(
        &self,
        account_id: &AccountId,
        payment_id: &str,
        update: &PaymentUpdate,
        ctx: &Context,
    ) -> StoreResult<Payment>;
}

pub fn store(db: &Db) -> &dyn PaymentStore {
    match db {
        Db::Sqlite(s) => s,
        Db::Postgres(p) => p,
    }
}
