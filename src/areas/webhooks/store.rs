//! The webhooks' store. Its SQL is `sql.rs`, compiled once per backend in `mod.rs`.

use async_trait::async_trait;
use jiff::Timestamp;

use super::model::Webhook;
use crate::areas::webhooks::model::WebhookId;
use crate::db::{Db, PageQuery, StoreResult};
use crate::kernel::ids::AccountId;
use crate::outbox::DeliveryRecord;

#[async_trait]
pub trait WebhookStore: Send + Sync + 'static {
    async fn create_webhook(
        &self,
        account_id: &AccountId,
        webhook: &Webhook,
    ) -> StoreResult<Webhook>;
    async fn list_webhooks(
        &self,
        account_id: &AccountId,
        page: PageQuery,
    ) -> StoreResult<Vec<Webhook>>;
    async fn get_webhook(
        &self,
        account_id: &AccountId,
        webhook_id: &WebhookId,
    ) -> StoreResult<Webhook>;
    /// Deletes the subscription; its pending deliveries are not sent any more.
    async fn delete_webhook(
        &self,
        account_id: &AccountId,
        webhook_id: &WebhookId,
        at: Timestamp,
    ) -> StoreResult<()>;
    /// The deliveries to one webhook of the account, newest first.
    async fn list_webhook_deliveries(
        &self,
        account_id: &AccountId,
        webhook_id: &WebhookId,
        page: PageQuery,
    ) -> StoreResult<Vec<DeliveryRecord>>;
}

pub fn store(db: &Db) -> &dyn WebhookStore {
    match db {
        Db::Sqlite(s) => s,
        Db::Postgres(p) => p,
    }
}
