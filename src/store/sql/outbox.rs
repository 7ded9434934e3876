//! Webhook subscriptions, event recording and the delivery outbox.

macro_rules! outbox_impl {
    ($store:ty, $db:ty, $skip_locked:literal) => {
        impl $store {
            /// Records an event and its deliveries in the caller's transaction: one per live
            /// webhook of the account for this type, plus the customer's e-mail for
            /// `email_invoice`. Nothing is written (and nothing rendered) when nobody listens.
            async fn record_event(
                tx: &mut <$db as sqlx::Database>::Connection,
                account_id: &str,
                event_type: $crate::domain::events::EventType,
                email_invoice: Option<&str>,
                render: impl FnOnce() -> $crate::store::NewEvent + Send,
            ) -> $crate::store::StoreResult<()> {
                let has_webhooks: bool = sqlx::query_scalar::<$db, bool>(
                    "SELECT EXISTS (SELECT 1 FROM webhooks WHERE account_id = $1 AND type = $2 AND deleted_at IS NULL)",
                )
                .bind(account_id)
                .bind(event_type.as_str())
                .fetch_one(&mut *tx)
                .await?;
                Self::record_known_event(tx, account_id, has_webhooks, email_invoice, render).await
            }

            /// [`record_event`] when the caller already knows whether webhooks listen.
            async fn record_known_event(
                tx: &mut <$db as sqlx::Database>::Connection,
                account_id: &str,
                has_webhooks: bool,
                email_invoice: Option<&str>,
                render: impl FnOnce() -> $crate::store::NewEvent + Send,
            ) -> $crate::store::StoreResult<()> {
                if !has_webhooks && email_invoice.is_none() {
                    return Ok(());
                }
                let event = render();
                let at = $crate::store::to_micros(event.created_at);
                sqlx::query::<$db>(
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
                    sqlx::query::<$db>(
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
                    sqlx::query::<$db>(
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
        impl $crate::store::OutboxStore for $store {
            async fn create_webhook(
                &self,
                account_id: &str,
                webhook: &$crate::store::Webhook,
            ) -> $crate::store::StoreResult<$crate::store::Webhook> {
                sqlx::query::<$db>(
                    "INSERT INTO webhooks (id, account_id, type, url, secret, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&webhook.id)
                .bind(account_id)
                .bind(webhook.event_type.as_str())
                .bind(&webhook.url)
                .bind(&webhook.secret)
                .bind($crate::store::to_micros(webhook.created_at))
                .execute(&self.write)
                .await?;
                Ok(webhook.clone())
            }

            async fn list_webhooks(
                &self,
                account_id: &str,
                page: $crate::store::PageQuery,
            ) -> $crate::store::StoreResult<Vec<$crate::store::Webhook>> {
                let rows: Vec<$crate::store::rows::WebhookRow> = sqlx::query_as::<$db, _>(
                    "SELECT id, type, url, secret, created_at FROM webhooks
                     WHERE account_id = $1 AND deleted_at IS NULL
                     ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3",
                )
                .bind(account_id)
                .bind((page.limit + 1) as i64)
                .bind(page.offset as i64)
                .fetch_all(&self.read)
                .await?;
                rows.into_iter().map($crate::store::rows::WebhookRow::into_webhook).collect()
            }

            async fn get_webhook(
                &self,
                account_id: &str,
                webhook_id: &str,
            ) -> $crate::store::StoreResult<$crate::store::Webhook> {
                let row: Option<$crate::store::rows::WebhookRow> = sqlx::query_as::<$db, _>(
                    "SELECT id, type, url, secret, created_at FROM webhooks
                     WHERE account_id = $1 AND id = $2 AND deleted_at IS NULL",
                )
                .bind(account_id)
                .bind(webhook_id)
                .fetch_optional(&self.read)
                .await?;
                row.ok_or($crate::store::StoreError::NotFound)?.into_webhook()
            }

            async fn delete_webhook(
                &self,
                account_id: &str,
                webhook_id: &str,
                at: jiff::Timestamp,
            ) -> $crate::store::StoreResult<()> {
                let result = sqlx::query::<$db>(
                    "UPDATE webhooks SET deleted_at = $1 WHERE account_id = $2 AND id = $3 AND deleted_at IS NULL",
                )
                .bind($crate::store::to_micros(at))
                .bind(account_id)
                .bind(webhook_id)
                .execute(&self.write)
                .await?;
                $crate::store::sql::one_changed(result.rows_affected())
            }

            async fn list_webhook_deliveries(
                &self,
                account_id: &str,
                webhook_id: &str,
                page: $crate::store::PageQuery,
            ) -> $crate::store::StoreResult<Vec<$crate::store::DeliveryRecord>> {
                let rows: Vec<$crate::store::rows::DeliveryRow> = sqlx::query_as::<$db, _>(&format!(
                    "{} WHERE d.account_id = $1 AND d.target = $2
                     ORDER BY d.created_at DESC, d.event_id DESC LIMIT $3 OFFSET $4",
                    $crate::store::sql::DELIVERY_SELECT
                ))
                .bind(account_id)
                .bind(webhook_id)
                .bind((page.limit + 1) as i64)
                .bind(page.offset as i64)
                .fetch_all(&self.read)
                .await?;
                Ok(rows.into_iter().map($crate::store::DeliveryRecord::from).collect())
            }

            async fn claim_deliveries(
                &self,
                now: jiff::Timestamp,
                lease: jiff::SignedDuration,
                limit: i64,
            ) -> $crate::store::StoreResult<Vec<$crate::store::ClaimedDelivery>> {
                let now_micros = $crate::store::to_micros(now);
                let until = $crate::store::to_micros(now.saturating_add(lease).unwrap_or(now));
                let mut tx = self.write.begin().await?;
                let claimed: Vec<(String, String, String, String, Option<String>, i64)> =
                    sqlx::query_as::<$db, _>(concat!(
                        "UPDATE deliveries SET locked_until = $1, attempts = attempts + 1
                         WHERE (event_id, target) IN (
                             SELECT event_id, target FROM deliveries
                              WHERE status = 'pending' AND next_attempt_at <= $2
                                AND (locked_until IS NULL OR locked_until <= $2)
                              ORDER BY next_attempt_at LIMIT $3 ",
                        $skip_locked,
                        ")
                         RETURNING event_id, target, account_id, channel, invoice_id, attempts"
                    ))
                    .bind(until)
                    .bind(now_micros)
                    .bind(limit)
                    .fetch_all(&mut *tx)
                    .await?;
                let mut out = Vec::with_capacity(claimed.len());
                for (event_id, target, account_id, channel, invoice_id, attempts) in claimed {
                    let (body,): (String,) = sqlx::query_as::<$db, _>("SELECT body FROM events WHERE id = $1")
                        .bind(&event_id)
                        .fetch_one(&mut *tx)
                        .await?;
                    let channel = if channel == "email" {
                        $crate::store::Channel::Email
                    } else {
                        $crate::store::Channel::Webhook
                    };
                    let webhook = match channel {
                        $crate::store::Channel::Email => None,
                        $crate::store::Channel::Webhook => sqlx::query_as::<$db, (String, String)>(
                            "SELECT url, secret FROM webhooks WHERE id = $1 AND deleted_at IS NULL",
                        )
                        .bind(&target)
                        .fetch_optional(&mut *tx)
                        .await?,
                    };
                    out.push($crate::store::ClaimedDelivery {
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
                delivery: &$crate::store::ClaimedDelivery,
                outcome: &$crate::store::DeliveryOutcome,
                at: jiff::Timestamp,
            ) -> $crate::store::StoreResult<()> {
                use $crate::store::DeliveryOutcome as O;
                let (status, next, code, error, delivered, notification) = match outcome {
                    O::Delivered { status_code } => ("delivered", None, *status_code, None, Some(at), "sent"),
                    O::Retry { next_attempt_at, status_code, error } => {
                        ("pending", Some(*next_attempt_at), *status_code, Some(error.as_str()), None, "queued")
                    }
                    O::Failed { status_code, error } => ("failed", None, *status_code, Some(error.as_str()), None, "failed"),
                };
                let mut tx = self.write.begin().await?;
                sqlx::query::<$db>(
                    "UPDATE deliveries SET status = $1, next_attempt_at = COALESCE($2, next_attempt_at),
                        locked_until = NULL, last_status_code = $3, last_error = $4, delivered_at = $5
                     WHERE event_id = $6 AND target = $7",
                )
                .bind(status)
                .bind(next.map($crate::store::to_micros))
                .bind(code.map(i64::from))
                .bind(error)
                .bind(delivered.map($crate::store::to_micros))
                .bind(&delivery.event_id)
                .bind(&delivery.target)
                .execute(&mut *tx)
                .await?;
                if let ($crate::store::Channel::Email, Some(invoice_id)) = (delivery.channel, &delivery.invoice_id) {
                    // A notification once sent stays sent, whatever a duplicate attempt says.
                    sqlx::query::<$db>(
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
            ) -> $crate::store::StoreResult<Vec<$crate::store::DeliveryRecord>> {
                let rows: Vec<$crate::store::rows::DeliveryRow> = sqlx::query_as::<$db, _>(&format!(
                    "{} WHERE ($1 IS NULL OR d.status = $1) ORDER BY d.created_at DESC, d.event_id DESC LIMIT $2",
                    $crate::store::sql::DELIVERY_SELECT
                ))
                .bind(status)
                .bind(limit)
                .fetch_all(&self.read)
                .await?;
                Ok(rows.into_iter().map($crate::store::DeliveryRecord::from).collect())
            }

            async fn retry_failed(&self, event_id: Option<&str>, now: jiff::Timestamp) -> $crate::store::StoreResult<u64> {
                let result = sqlx::query::<$db>(
                    "UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = $1, locked_until = NULL
                     WHERE status = 'failed' AND ($2 IS NULL OR event_id = $2)",
                )
                .bind($crate::store::to_micros(now))
                .bind(event_id)
                .execute(&self.write)
                .await?;
                Ok(result.rows_affected())
            }
        }
    };
}
pub(crate) use outbox_impl;
