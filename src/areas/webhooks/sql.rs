//! Webhooks' SQL, compiled once per backend (see `mod.rs`).

use super::{Backend, DB};
use crate::areas::webhooks::model::WebhookId;
use crate::areas::webhooks::model::{Webhook, WebhookRow};
use crate::areas::webhooks::store::WebhookStore;
use crate::db::{PageQuery, StoreError, StoreResult, one_changed, to_micros};
use crate::kernel::ids::AccountId;
use crate::outbox::{DELIVERY_SELECT, DeliveryRecord, DeliveryRow};

#[async_trait::async_trait]
impl WebhookStore for Backend {
    async fn create_webhook(
        &self,
        account_id: &AccountId,
        webhook: &Webhook,
    ) -> StoreResult<Webhook> {
        sqlx::query::<DB>(
            "INSERT INTO webhooks (id, account_id, type, url, secret, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&webhook.id)
        .bind(account_id)
        .bind(webhook.event_type.as_str())
        .bind(&webhook.url)
        .bind(&webhook.secret)
        .bind(to_micros(webhook.created_at))
        .execute(&self.write)
        .await?;
        Ok(webhook.clone())
    }

    async fn list_webhooks(
        &self,
        account_id: &AccountId,
        page: PageQuery,
    ) -> StoreResult<Vec<Webhook>> {
        let rows: Vec<WebhookRow> = sqlx::query_as::<DB, _>(
            "SELECT id, type, url, secret, created_at FROM webhooks
             WHERE account_id = $1 AND deleted_at IS NULL
             ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3",
        )
        .bind(account_id)
        .bind(page.fetch())
        .bind(page.skip())
        .fetch_all(&self.read)
        .await?;
        rows.into_iter().map(WebhookRow::into_webhook).collect()
    }

    async fn get_webhook(
        &self,
        account_id: &AccountId,
        webhook_id: &WebhookId,
    ) -> StoreResult<Webhook> {
        let row: Option<WebhookRow> = sqlx::query_as::<DB, _>(
            "SELECT id, type, url, secret, created_at FROM webhooks
             WHERE account_id = $1 AND id = $2 AND deleted_at IS NULL",
        )
        .bind(account_id)
        .bind(webhook_id)
        .fetch_optional(&self.read)
        .await?;
        row.ok_or(StoreError::NotFound)?.into_webhook()
    }

    async fn delete_webhook(
        &self,
        account_id: &AccountId,
        webhook_id: &WebhookId,
        at: jiff::Timestamp,
    ) -> StoreResult<()> {
        let result = sqlx::query::<DB>(
            "UPDATE webhooks SET deleted_at = $1 WHERE account_id = $2 AND id = $3 AND deleted_at IS NULL",
        )
        .bind(to_micros(at))
        .bind(account_id)
        .bind(webhook_id)
        .execute(&self.write)
        .await?;
        one_changed(result.rows_affected())
    }

    async fn list_webhook_deliveries(
        &self,
        account_id: &AccountId,
        webhook_id: &WebhookId,
        page: PageQuery,
    ) -> StoreResult<Vec<DeliveryRecord>> {
        let rows: Vec<DeliveryRow> = sqlx::query_as::<DB, _>(&format!(
            "{} WHERE d.account_id = $1 AND d.target = $2
             ORDER BY d.created_at DESC, d.event_id DESC LIMIT $3 OFFSET $4",
            DELIVERY_SELECT
        ))
        .bind(account_id)
        .bind(webhook_id)
        .bind(page.fetch())
        .bind(page.skip())
        .fetch_all(&self.read)
        .await?;
        Ok(rows.into_iter().map(DeliveryRecord::from).collect())
    }
}
