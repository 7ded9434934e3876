//! The outbox's SQL, compiled once per backend (see `mod.rs`): recording an event and
//! its deliveries in the caller's transaction, claiming due deliveries, recording outcomes.

use super::{Backend, DB};
use crate::db::{StoreResult, to_micros};
use crate::kernel::events::EventType;
use crate::kernel::ids::AccountId;
use crate::outbox::store::OutboxStore;
use crate::outbox::{
    Channel, ClaimedDelivery, DELIVERY_SELECT, DeliveryOutcome, DeliveryRecord, DeliveryRow,
    NewEvent,
};

impl Backend {
    /// Records an event and its deliveries in the caller's transaction: one per live
    /// webhook of the account for this type, plus the customer's e-mail for
    /// `email_invoice`. Nothing is written (and nothing rendered) when nobody listens.
    pub(crate) async fn record_event(
        tx: &mut <DB as sqlx::Database>::Connection,
        account_id: &AccountId,
        event_type: EventType,
        email_invoice: Option<&str>,
        render: impl FnOnce() -> NewEvent + Send,
    ) -> StoreResult<()> {
        let has_webhooks: bool = sqlx::query_scalar::<DB, bool>(
            "SELECT EXISTS (SELECT 1 FROM webhooks WHERE account_id = $1 AND type = $2 AND deleted_at IS NULL)",
        )
        .bind(account_id)
        .bind(event_type.as_str())
        .fetch_one(&mut *tx)
        .await?;
        Self::record_known_event(tx, account_id, has_webhooks, email_invoice, render).await
    }

    /// [`record_event`] when the caller already knows whether webhooks listen.
    pub(crate) async fn record_known_event(
        tx: &mut <DB as sqlx::Database>::Connection,
        account_id: &AccountId,
        has_webhooks: bool,
        email_invoice: Option<&str>,
        render: impl FnOnce() -> NewEvent + Send,
    ) -> StoreResult<()> {
        if !has_webhooks && email_invoice.is_none() {
            return Ok(());
        }
        let event = render();
        let at = to_micros(event.created_at);
        sqlx::query::<DB>(
            "INSERT INTO events (id, account_id, type, body, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&event.id)
        .bind(account_id)
        .bind(event.event_type.as_str())
        .bind(&event.body)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        if has_webhooks {
            sqlx::query::<DB>(
                "INSERT INTO deliveries (event_id, target, account_id, channel, next_attempt_at, created_at)
                 SELECT $1, w.id, w.account_id, 'webhook', $2, $2 FROM webhooks w
                  WHERE w.account_id = $3 AND w.type = $4 AND w.deleted_at IS NULL",
            )
            .bind(&event.id)
            .bind(at)
            .bind(account_id)
            .bind(event.event_type.as_str())
            .execute(&mut *tx)
            .await?;
        }
        if let Some(invoice_id) = email_invoice {
            sqlx::query::<DB>(
                "INSERT INTO deliveries (event_id, target, account_id, channel, invoice_id, next_attempt_at,
                                         created_at)
                 VALUES ($1, 'email', $2, 'email', $3, $4, $4)",
            )
            .bind(&event.id)
            .bind(account_id)
            .bind(invoice_id)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl OutboxStore for Backend {
    async fn claim_deliveries(
        &self,
        now: jiff::Timestamp,
        lease: jiff::SignedDuration,
        limit: i64,
    ) -> StoreResult<Vec<ClaimedDelivery>> {
        let now_micros = to_micros(now);
        let until = to_micros(now.saturating_add(lease).unwrap_or(now));
        let mut tx = self.write.begin().await?;
        let claimed: Vec<(String, String, AccountId, String, Option<String>, i64)> =
            sqlx::query_as::<DB, _>(&format!(
                "UPDATE deliveries SET locked_until = $1, attempts = attempts + 1
                 WHERE (event_id, target) IN (
                     SELECT event_id, target FROM deliveries
                      WHERE status = 'pending' AND next_attempt_at <= $2
                        AND (locked_until IS NULL OR locked_until <= $2)
                      ORDER BY next_attempt_at LIMIT $3 {})
                 RETURNING event_id, target, account_id, channel, invoice_id, attempts",
                Backend::SKIP_LOCKED
            ))
            .bind(until)
            .bind(now_micros)
            .bind(limit)
            .fetch_all(&mut *tx)
            .await?;
        let mut out = Vec::with_capacity(claimed.len());
        for (event_id, target, account_id, channel, invoice_id, attempts) in claimed {
            let (body,): (String,) =
                sqlx::query_as::<DB, _>("SELECT body FROM events WHERE id = $1")
                    .bind(&event_id)
                    .fetch_one(&mut *tx)
                    .await?;
            let channel = if channel == "email" {
                Channel::Email
            } else {
                Channel::Webhook
            };
            let webhook = match channel {
                Channel::Email => None,
                Channel::Webhook => {
                    sqlx::query_as::<DB, (String, String)>(
                        "SELECT url, secret FROM webhooks WHERE id = $1 AND deleted_at IS NULL",
                    )
                    .bind(&target)
                    .fetch_optional(&mut *tx)
                    .await?
                }
            };
            out.push(ClaimedDelivery {
                event_id,
                target,
                account_id,
                channel,
                invoice_id,
                attempts,
                body,
                webhook,
            });
        }
        tx.commit().await?;
        Ok(out)
    }

    async fn finish_delivery(
        &self,
        delivery: &ClaimedDelivery,
        outcome: &DeliveryOutcome,
        at: jiff::Timestamp,
    ) -> StoreResult<()> {
        use DeliveryOutcome as O;
        let (status, next, code, error, delivered, notification) = match outcome {
            O::Delivered { status_code } => {
                ("delivered", None, *status_code, None, Some(at), "sent")
            }
            O::Retry {
                next_attempt_at,
                status_code,
                error,
            } => (
                "pending",
                Some(*next_attempt_at),
                *status_code,
                Some(error.as_str()),
                None,
                "queued",
            ),
            O::Failed { status_code, error } => (
                "failed",
                None,
                *status_code,
                Some(error.as_str()),
                None,
                "failed",
            ),
        };
        let mut tx = self.write.begin().await?;
        sqlx::query::<DB>(
            "UPDATE deliveries SET status = $1, next_attempt_at = COALESCE($2, next_attempt_at),
                locked_until = NULL, last_status_code = $3, last_error = $4, delivered_at = $5
             WHERE event_id = $6 AND target = $7",
        )
        .bind(status)
        .bind(next.map(to_micros))
        .bind(code.map(i64::from))
        .bind(error)
        .bind(delivered.map(to_micros))
        .bind(&delivery.event_id)
        .bind(&delivery.target)
        .execute(&mut *tx)
        .await?;
        if let (Channel::Email, Some(invoice_id)) = (delivery.channel, &delivery.invoice_id) {
            // A notification once sent stays sent, whatever a duplicate attempt says.
            sqlx::query::<DB>(
                "UPDATE customer_invoices SET notification_status = $1
                 WHERE id = $2 AND account_id = $3 AND notification_status IS DISTINCT FROM 'sent'",
            )
            .bind(notification)
            .bind(invoice_id)
            .bind(&delivery.account_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn list_outbox(
        &self,
        status: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<DeliveryRecord>> {
        let rows: Vec<DeliveryRow> = sqlx::query_as::<DB, _>(&format!(
            "{} WHERE ($1 IS NULL OR d.status = $1) ORDER BY d.created_at DESC, d.event_id DESC LIMIT $2",
            DELIVERY_SELECT
        ))
        .bind(status)
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        Ok(rows.into_iter().map(DeliveryRecord::from).collect())
    }

    async fn retry_failed(&self, event_id: Option<&str>, now: jiff::Timestamp) -> StoreResult<u64> {
        let result = sqlx::query::<DB>(
            "UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = $1, locked_until = NULL
             WHERE status = 'failed' AND ($2 IS NULL OR event_id = $2)",
        )
        .bind(to_micros(now))
        .bind(event_id)
        .execute(&self.write)
        .await?;
        Ok(result.rows_affected())
    }
}
