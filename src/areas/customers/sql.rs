//! Customers' SQL, compiled once per backend (see `mod.rs`): soft-deleted rows, with the
//! group memberships folded into each row.

use super::{Backend, DB};
use crate::areas::customers::model::CustomerId;
use crate::areas::customers::model::{CUSTOMER_SELECT, Customer, CustomerRow};
use crate::areas::customers::request::{CustomerPatch, NewCustomer, coc_number_problem};
use crate::areas::customers::store::CustomerStore;
use crate::areas::events::Event;
use crate::db::{PageQuery, StoreError, StoreResult, one_changed, to_micros};
use crate::kernel::events::EventType;
use crate::kernel::ids::AccountId;
use crate::web::Context;

impl Backend {
    /// A live customer of the account, in any transaction.
    pub(crate) async fn fetch_customer<'e, E>(
        executor: E,
        account_id: &AccountId,
        customer_id: &CustomerId,
    ) -> StoreResult<Customer>
    where
        E: sqlx::Executor<'e, Database = DB>,
    {
        let sql = format!(
            "{CUSTOMER_SELECT} WHERE c.account_id = $1 AND c.id = $2 AND c.deleted_at IS NULL"
        );
        let row: Option<CustomerRow> = sqlx::query_as::<DB, _>(&sql)
            .bind(account_id)
            .bind(customer_id)
            .fetch_optional(executor)
            .await?;
        row.map(Customer::from).ok_or(StoreError::NotFound)
    }
}

#[async_trait::async_trait]
impl CustomerStore for Backend {
    async fn list_customers(
        &self,
        account_id: &AccountId,
        page: PageQuery,
    ) -> StoreResult<Vec<Customer>> {
        let sql = format!(
            "{CUSTOMER_SELECT} WHERE c.account_id = $1 AND c.deleted_at IS NULL
             ORDER BY c.created_at DESC, c.id DESC LIMIT $2 OFFSET $3"
        );
        let rows: Vec<CustomerRow> = sqlx::query_as::<DB, _>(&sql)
            .bind(account_id)
            .bind(page.fetch())
            .bind(page.skip())
            .fetch_all(&self.read)
            .await?;
        Ok(rows.into_iter().map(Customer::from).collect())
    }

    async fn get_customer(
        &self,
        account_id: &AccountId,
        customer_id: &CustomerId,
    ) -> StoreResult<Customer> {
        Self::fetch_customer(&self.read, account_id, customer_id).await
    }

    async fn create_customer(
        &self,
        account_id: &AccountId,
        id: &CustomerId,
        new: &NewCustomer,
        ctx: &Context,
    ) -> StoreResult<Customer> {
        let mut tx = self.write.begin().await?;
        sqlx::query::<DB>(
            "INSERT INTO customers (id, account_id, company_name, address, zip_code, city,
                                    country_code, primary_email, phone, vat_number, coc_number,
                                    peppol_id, send_ubl, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(id)
        .bind(account_id)
        .bind(&new.company_name)
        .bind(&new.address)
        .bind(&new.zip_code)
        .bind(&new.city)
        .bind(&new.country_code)
        .bind(&new.primary_email)
        .bind(&new.phone)
        .bind(&new.vat_number)
        .bind(&new.coc_number)
        .bind(&new.peppol_id)
        .bind(new.send_ubl)
        .bind(to_micros(ctx.now()))
        .execute(&mut *tx)
        .await?;
        let customer = Self::fetch_customer(&mut *tx, account_id, id).await?;
        Self::record_event(
            &mut tx,
            account_id,
            EventType::CustomerCreated,
            None,
            || Event::CustomerCreated(customer.clone()).render(ctx),
        )
        .await?;
        tx.commit().await?;
        Ok(customer)
    }

    async fn update_customer(
        &self,
        account_id: &AccountId,
        customer_id: &CustomerId,
        patch: &CustomerPatch,
    ) -> StoreResult<Customer> {
        let mut tx = self.write.begin().await?;
        let result = sqlx::query::<DB>(
            "UPDATE customers SET
                company_name = COALESCE($1, company_name),
                address = COALESCE($2, address),
                zip_code = COALESCE($3, zip_code),
                city = COALESCE($4, city),
                country_code = COALESCE($5, country_code),
                primary_email = COALESCE($6, primary_email),
                phone = COALESCE($7, phone),
                vat_number = CASE WHEN $8 THEN $9 ELSE vat_number END,
                coc_number = CASE WHEN $10 THEN $11 ELSE coc_number END,
                peppol_id = CASE WHEN $12 THEN $13 ELSE peppol_id END,
                send_ubl = COALESCE($14, send_ubl)
             WHERE account_id = $15 AND id = $16 AND deleted_at IS NULL",
        )
        .bind(&patch.company_name)
        .bind(&patch.address)
        .bind(&patch.zip_code)
        .bind(&patch.city)
        .bind(&patch.country_code)
        .bind(&patch.primary_email)
        .bind(&patch.phone)
        .bind(patch.vat_number.is_some())
        .bind(patch.vat_number.clone().flatten())
        .bind(patch.coc_number.is_some())
        .bind(patch.coc_number.clone().flatten())
        .bind(patch.peppol_id.is_some())
        .bind(patch.peppol_id.clone().flatten())
        .bind(patch.send_ubl)
        .bind(account_id)
        .bind(customer_id)
        .execute(&mut *tx)
        .await?;
        one_changed(result.rows_affected())?;
        let customer = Self::fetch_customer(&mut *tx, account_id, customer_id).await?;
        // The country and the registration number may come from different edits; a Dutch
        // customer's must have the KvK or OIN shape whichever changed (the edit is undone).
        if (patch.coc_number.is_some() || patch.country_code.is_some())
            && let Some(coc) = &customer.coc_number
            && let Some(message) = coc_number_problem(&customer.country_code, coc)
        {
            return Err(StoreError::invalid("cocNumber", message));
        }
        tx.commit().await?;
        Ok(customer)
    }

    async fn delete_customer(
        &self,
        account_id: &AccountId,
        customer_id: &CustomerId,
        ctx: &Context,
    ) -> StoreResult<()> {
        let mut tx = self.write.begin().await?;
        let customer = Self::fetch_customer(&mut *tx, account_id, customer_id).await?;
        sqlx::query::<DB>(
            "UPDATE customers SET deleted_at = $1
             WHERE account_id = $2 AND id = $3 AND deleted_at IS NULL",
        )
        .bind(to_micros(ctx.now()))
        .bind(account_id)
        .bind(customer_id)
        .execute(&mut *tx)
        .await?;
        Self::record_event(
            &mut tx,
            account_id,
            EventType::CustomerDeleted,
            None,
            || Event::CustomerDeleted(customer).render(ctx),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
