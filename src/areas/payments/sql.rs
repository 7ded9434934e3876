//! Payments' SQL, compiled once per backend (see `mod.rs`). Settling marks the invoice or
//! the link paid in the same transaction, with its event.

use super::{Backend, DB};
use crate::areas::events::Event;
use crate::areas::payments::model::{
    PAYMENT_COLUMNS, Payment, PaymentRow, PaymentTarget, PaymentUpdate,
};
use crate::areas::payments::store::PaymentStore;
use crate::db::{StoreError, StoreResult, to_micros};
use crate::kernel::events::EventType;
use crate::kernel::ids::AccountId;
use crate::web::Context;

impl Backend {
    async fn fetch_payment<'e, E>(
        executor: E,
        account_id: &AccountId,
        payment_id: &str,
    ) -> StoreResult<Payment>
    where
        E: sqlx::Executor<'e, Database = DB>,
    {
        let sql = format!(
            "SELECT {} FROM payments WHERE account_id = $1 AND id = $2",
            PAYMENT_COLUMNS
        );
        let row: Option<PaymentRow> = sqlx::query_as::<DB, _>(&sql)
            .bind(account_id)
            .bind(payment_id)
            .fetch_optional(executor)
            .await?;
        row.ok_or(StoreError::NotFound)?.into_payment()
    }
}

#[async_trait::async_trait]
impl PaymentStore for Backend {
    async fn record_payment(&self, account_id: &AccountId, payment: &Payment) -> StoreResult<()> {
        let (invoice_id, link_id) = match &payment.target {
            PaymentTarget::Invoice(id) => (Some(id.as_str()), None),
            PaymentTarget::Link(id) => (None, Some(id.as_str())),
        };
        let at = to_micros(payment.created_at);
        sqlx::query::<DB>(
            "INSERT INTO payments (id, account_id, invoice_id, payment_link_id, provider,
                provider_payment_id, amount_cents, status, payers_name, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
        )
        .bind(&payment.id)
        .bind(account_id)
        .bind(invoice_id)
        .bind(link_id)
        .bind(&payment.provider)
        .bind(&payment.provider_payment_id)
        .bind(payment.amount.cents())
        .bind(&payment.status)
        .bind(&payment.payers_name)
        .bind(at)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    async fn latest_payment(
        &self,
        account_id: &AccountId,
        target: &PaymentTarget,
    ) -> StoreResult<Option<Payment>> {
        let (column, id) = match target {
            PaymentTarget::Invoice(id) => ("invoice_id", id.as_str()),
            PaymentTarget::Link(id) => ("payment_link_id", id.as_str()),
        };
        let sql = format!(
            "SELECT {} FROM payments WHERE account_id = $1 AND {column} = $2
             ORDER BY created_at DESC, id DESC LIMIT 1",
            PAYMENT_COLUMNS
        );
        let row: Option<PaymentRow> = sqlx::query_as::<DB, _>(&sql)
            .bind(account_id)
            .bind(id)
            .fetch_optional(&self.read)
            .await?;
        row.map(|row| row.into_payment()).transpose()
    }

    async fn find_payment(
        &self,
        provider: &str,
        provider_payment_id: &str,
    ) -> StoreResult<(AccountId, Payment)> {
        let found: Option<(AccountId, String)> = sqlx::query_as::<DB, _>(
            "SELECT account_id, id FROM payments WHERE provider = $1 AND provider_payment_id = $2",
        )
        .bind(provider)
        .bind(provider_payment_id)
        .fetch_optional(&self.read)
        .await?;
        let (account_id, id) = found.ok_or(StoreError::NotFound)?;
        let payment = Self::fetch_payment(&self.read, &account_id, &id).await?;
        Ok((account_id, payment))
    }

    async fn settle_payment(
        &self,
        account_id: &AccountId,
        payment_id: &str,
        update: &PaymentUpdate,
        ctx: &Context,
    ) -> StoreResult<Payment> {
        use EventType;
        let mut tx = self.write.begin().await?;
        Self::fetch_payment(&mut *tx, account_id, payment_id).await?;
        // A paid payment stays paid (refunds are not a status), and only the update
        // that turns it paid goes on: of two webhooks racing on PostgreSQL, the
        // second waits for the first's row lock and then matches no row.
        let changed = sqlx::query::<DB>(
            "UPDATE payments SET status = $1, payers_name = COALESCE($2, payers_name), updated_at = $3
             WHERE account_id = $4 AND id = $5 AND status <> 'paid'",
        )
        .bind(&update.status)
        .bind(&update.payers_name)
        .bind(to_micros(update.at))
        .bind(account_id)
        .bind(payment_id)
        .execute(&mut *tx)
        .await?;
        let payment = Self::fetch_payment(&mut *tx, account_id, payment_id).await?;
        let newly_paid = changed.rows_affected() == 1 && payment.status == "paid";
        if newly_paid {
            let paid_at = update.paid_at.unwrap_or(update.at);
            match &payment.target {
                PaymentTarget::Invoice(invoice_id) => {
                    // Paid twice (two checkouts, or paid by API meanwhile): the invoice
                    // keeps its first date and no second event goes out.
                    let marked = sqlx::query::<DB>(
                        "UPDATE customer_invoices SET paid_at = $1
                         WHERE account_id = $2 AND id = $3 AND paid_at IS NULL",
                    )
                    .bind(to_micros(paid_at))
                    .bind(account_id)
                    .bind(invoice_id)
                    .execute(&mut *tx)
                    .await?;
                    if marked.rows_affected() == 1 {
                        let invoice = Self::fetch_invoice(&mut *tx, account_id, invoice_id).await;
                        // A deleted invoice is recorded as paid but sends no event.
                        if let Ok(invoice) = invoice {
                            let kind = EventType::InvoicePaid;
                            Self::record_event(&mut tx, account_id, kind, None, || {
                                Event::InvoicePaid(invoice).render(ctx)
                            })
                            .await?;
                        }
                    }
                }
                PaymentTarget::Link(link_id) => {
                    sqlx::query::<DB>(
                        "UPDATE payment_links SET status = 'paid'
                         WHERE account_id = $1 AND id = $2 AND status = 'open' AND NOT reusable",
                    )
                    .bind(account_id)
                    .bind(link_id)
                    .execute(&mut *tx)
                    .await?;
                    let link = Self::fetch_payment_link(&mut *tx, account_id, link_id).await?;
                    let kind = EventType::PaymentLinkPaid;
                    Self::record_event(&mut tx, account_id, kind, None, || {
                        Event::PaymentLinkPaid(link).render(ctx)
                    })
                    .await?;
                }
            }
        }
        tx.commit().await?;
        Ok(payment)
    }
}
