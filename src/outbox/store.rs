//! The outbox's store: claiming deliveries and recording their outcomes (the worker), and
//! the operators' view (`portaal outbox`). Its SQL is `sql.rs`, compiled once per backend.

use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};

use super::{ClaimedDelivery, DeliveryOutcome, DeliveryRecord};
use crate::db::{Db, StoreResult};

#[async_trait]
pub trait OutboxStore: Send + Sync + 'static {
    /// Claims up to `limit` due deliveries for `lease`: another worker (or this one after a
    /// crash) takes them again only once the lease has run out, hence at-least-once.
    async fn claim_deliveries(
        &self,
        now: Timestamp,
        lease: SignedDuration,
        limit: i64,
    ) -> StoreResult<Vec<ClaimedDelivery>>;
    /// Records the outcome of an attempt (and, for e-mail, the invoice's notification state).
    async fn finish_delivery(
        &self,
        delivery: &ClaimedDelivery,
        outcome: &DeliveryOutcome,
        at: Timestamp,
    ) -> StoreResult<()>;
    /// Every account's deliveries with `status` (or all), newest first: for operators.
    async fn list_outbox(
        &self,
        status: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<DeliveryRecord>>;
    /// Makes failed deliveries (of one event, or all) due again; returns how many.
    async fn retry_failed(&self, event_id: Option<&str>, now: Timestamp) -> StoreResult<u64>;
}

pub fn store(db: &Db) -> &dyn OutboxStore {
    match db {
        Db::Sqlite(s) => s,
        Db::Postgres(p) => p,
    }
}
