//! Payment links' SQL, compiled once per backend (see `mod.rs`).

use super::{Backend, DB};
use crate::areas::events::Event;
use crate::areas::payment_links::model::PaymentLinkId;
use crate::areas::payment_links::model::{LINK_COLUMNS, LinkRow, LinkStatus, PaymentLink};
use crate::areas::payment_links::store::PaymentLinkStore;
use crate::areas::payments::model::{PAYMENT_COLUMNS, Payment, PaymentRow};
use crate::db::{PageQuery, StoreError, StoreResult, to_micros};
use crate::kernel::events::EventType;
use crate::kernel::ids::AccountId;
use crate::web::Context;

impl Backend {
    pub(crate) async fn fetch_payment_link<'e, E>(
        executor: E,
        account_id: &AccountId,
        link_id: &PaymentLinkId,
    ) -> StoreResult<PaymentLink>
    where
        E: sqlx::Executor<'e, Database = DB>,
    {
        let sql = format!(
            "SELECT {} FROM payment_links WHERE account_id = $1 AND id = $2",
            LINK_COLUMNS
        );
        let row: Option<LinkRow> = sqlx::query_as::<DB, _>(&sql)
            .bind(account_id)
            .bind(link_id)
            .fetch_optional(executor)
            .await?;
        row.ok_or(StoreError::NotFound)?.into_link()
    }
}

#[async_trait::async_trait]
impl PaymentLinkStore for Backend {
    async fn create_payment_link(
        &self,
        account_id: &AccountId,
        link: &PaymentLink,
        ctx: &Context,
    ) -> StoreResult<PaymentLink> {
        let mut tx = self.write.begin().await?;
        sqlx::query::<DB>(
            "INSERT INTO payment_links (id, account_id, description, amount_cents, reusable,
                expires_at, status, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&link.id)
        .bind(account_id)
        .bind(&link.description)
        .bind(link.amount.cents())
        .bind(link.reusable)
        .bind(link.expires_at.map(to_micros))
        .bind(link.status.as_str())
        .bind(to_micros(link.created_at))
        .execute(&mut *tx)
        .await?;
        let stored = Self::fetch_payment_link(&mut *tx, account_id, &link.id).await?;
        Self::record_event(
            &mut tx,
            account_id,
            EventType::PaymentLinkCreated,
            None,
            || Event::PaymentLinkCreated(stored.clone()).render(ctx),
        )
        .await?;
        tx.commit().await?;
        Ok(stored)
    }

    async fn list_payment_links(
        &self,
        account_id: &AccountId,
        page: PageQuery,
    ) -> StoreResult<Vec<PaymentLink>> {
        let sql = format!(
            "SELECT {} FROM payment_links WHERE account_id = $1
             ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3",
            LINK_COLUMNS
        );
        let rows: Vec<LinkRow> = sqlx::query_as::<DB, _>(&sql)
            .bind(account_id)
            .bind(page.fetch())
            .bind(page.skip())
            .fetch_all(&self.read)
            .await?;
        rows.into_iter().map(|row| row.into_link()).collect()
    }

    async fn get_payment_link(
        &self,
        account_id: &AccountId,
        link_id: &PaymentLinkId,
    ) -> StoreResult<PaymentLink> {
        Self::fetch_payment_link(&self.read, account_id, link_id).await
    }

    async fn find_payment_link(
        &self,
        link_id: &PaymentLinkId,
    ) -> StoreResult<(AccountId, PaymentLink)> {
        let account_id: Option<AccountId> = sqlx::query_scalar::<DB, AccountId>(
            "SELECT account_id FROM payment_links WHERE id = $1",
        )
        .bind(link_id)
        .fetch_optional(&self.read)
        .await?;
        let account_id = account_id.ok_or(StoreError::NotFound)?;
        let link = Self::fetch_payment_link(&self.read, &account_id, link_id).await?;
        Ok((account_id, link))
    }

    async fn close_payment_link(
        &self,
        account_id: &AccountId,
        link_id: &PaymentLinkId,
        now: jiff::Timestamp,
    ) -> StoreResult<PaymentLink> {
        let mut tx = self.write.begin().await?;
        let link = Self::fetch_payment_link(&mut *tx, account_id, link_id).await?;
        let status = link.status_at(now);
        if status != LinkStatus::Open {
            return Err(StoreError::Refused(format!(
                "This payment link is {} already and cannot be closed.",
                status.as_str()
            )));
        }
        sqlx::query::<DB>(
            "UPDATE payment_links SET status = 'closed', closed_at = $1 WHERE account_id = $2 AND id = $3",
        )
        .bind(to_micros(now))
        .bind(account_id)
        .bind(link_id)
        .execute(&mut *tx)
        .await?;
        let closed = Self::fetch_payment_link(&mut *tx, account_id, link_id).await?;
        tx.commit().await?;
        Ok(closed)
    }

    async fn list_link_payments(
        &self,
        account_id: &AccountId,
        link_id: &PaymentLinkId,
        page: PageQuery,
    ) -> StoreResult<Vec<Payment>> {
        Self::fetch_payment_link(&self.read, account_id, link_id).await?;
        let sql = format!(
            "SELECT {} FROM payments WHERE account_id = $1 AND payment_link_id = $2
             ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4",
            PAYMENT_COLUMNS
        );
        let rows: Vec<PaymentRow> = sqlx::query_as::<DB, _>(&sql)
            .bind(account_id)
            .bind(link_id)
            .bind(page.fetch())
            .bind(page.skip())
            .fetch_all(&self.read)
            .await?;
        rows.into_iter().map(|row| row.into_payment()).collect()
    }

    async fn expire_payment_links(&self, now: jiff::Timestamp, ctx: &Context) -> StoreResult<u64> {
        let mut tx = self.write.begin().await?;
        let due: Vec<(AccountId, PaymentLinkId)> = sqlx::query_as::<DB, _>(
            "UPDATE payment_links SET status = 'expired'
             WHERE status = 'open' AND expires_at IS NOT NULL AND expires_at <= $1
             RETURNING account_id, id",
        )
        .bind(to_micros(now))
        .fetch_all(&mut *tx)
        .await?;
        for (account_id, link_id) in &due {
            let link = Self::fetch_payment_link(&mut *tx, account_id, link_id).await?;
            Self::record_event(
                &mut tx,
                account_id,
                EventType::PaymentLinkExpired,
                None,
                || Event::PaymentLinkExpired(link).render(ctx),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(due.len() as u64)
    }
}
