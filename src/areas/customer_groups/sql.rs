//! Customer groups' SQL, compiled once per backend (see `mod.rs`).

use super::{Backend, DB};
use crate::areas::customer_groups::model::CustomerGroup;
use crate::areas::customer_groups::model::CustomerGroupId;
use crate::areas::customer_groups::request::NewGroup;
use crate::areas::customer_groups::store::GroupStore;
use crate::areas::customers::model::CustomerId;
use crate::areas::customers::{CUSTOMER_SELECT, Customer, CustomerRow};
use crate::db::{PageQuery, StoreError, StoreResult, from_micros, one_changed, to_micros};
use crate::kernel::ids::AccountId;

fn group(row: (CustomerGroupId, String, i64)) -> CustomerGroup {
    CustomerGroup {
        id: row.0,
        name: row.1,
        created_at: from_micros(row.2),
    }
}

impl Backend {
    async fn fetch_customer_group<'e, E>(
        executor: E,
        account_id: &AccountId,
        group_id: &CustomerGroupId,
    ) -> StoreResult<CustomerGroup>
    where
        E: sqlx::Executor<'e, Database = DB>,
    {
        let row: Option<(CustomerGroupId, String, i64)> = sqlx::query_as::<DB, _>(
            "SELECT id, name, created_at FROM customer_groups WHERE account_id = $1 AND id = $2",
        )
        .bind(account_id)
        .bind(group_id)
        .fetch_optional(executor)
        .await?;
        row.map(group).ok_or(StoreError::NotFound)
    }

    /// Adds the account's live customers among `customer_ids`; others are skipped.
    async fn add_group_members(
        tx: &mut <DB as sqlx::Database>::Connection,
        account_id: &AccountId,
        group_id: &CustomerGroupId,
        customer_ids: &[String],
        at: jiff::Timestamp,
    ) -> StoreResult<()> {
        for customer_id in customer_ids {
            sqlx::query::<DB>(
                "INSERT INTO customer_group_members (group_id, customer_id, added_at)
                 SELECT $1, c.id, $2 FROM customers c
                  WHERE c.account_id = $3 AND c.id = $4 AND c.deleted_at IS NULL
                 ON CONFLICT DO NOTHING",
            )
            .bind(group_id)
            .bind(to_micros(at))
            .bind(account_id)
            .bind(customer_id)
            .execute(&mut *tx)
            .await?;
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl GroupStore for Backend {
    async fn list_customer_groups(
        &self,
        account_id: &AccountId,
        page: PageQuery,
    ) -> StoreResult<Vec<CustomerGroup>> {
        let rows: Vec<(CustomerGroupId, String, i64)> = sqlx::query_as::<DB, _>(
            "SELECT id, name, created_at FROM customer_groups WHERE account_id = $1
             ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3",
        )
        .bind(account_id)
        .bind(page.fetch())
        .bind(page.skip())
        .fetch_all(&self.read)
        .await?;
        Ok(rows.into_iter().map(group).collect())
    }

    async fn get_customer_group(
        &self,
        account_id: &AccountId,
        group_id: &CustomerGroupId,
    ) -> StoreResult<CustomerGroup> {
        Self::fetch_customer_group(&self.read, account_id, group_id).await
    }

    async fn create_customer_group(
        &self,
        account_id: &AccountId,
        id: &CustomerGroupId,
        new: &NewGroup,
        at: jiff::Timestamp,
    ) -> StoreResult<CustomerGroup> {
        let mut tx = self.write.begin().await?;
        sqlx::query::<DB>(
            "INSERT INTO customer_groups (id, account_id, name, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(account_id)
        .bind(&new.name)
        .bind(to_micros(at))
        .execute(&mut *tx)
        .await?;
        Self::add_group_members(&mut tx, account_id, id, &new.customers, at).await?;
        let created = Self::fetch_customer_group(&mut *tx, account_id, id).await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn rename_customer_group(
        &self,
        account_id: &AccountId,
        group_id: &CustomerGroupId,
        name: &str,
    ) -> StoreResult<CustomerGroup> {
        let mut tx = self.write.begin().await?;
        let result = sqlx::query::<DB>(
            "UPDATE customer_groups SET name = $1 WHERE account_id = $2 AND id = $3",
        )
        .bind(name)
        .bind(account_id)
        .bind(group_id)
        .execute(&mut *tx)
        .await?;
        one_changed(result.rows_affected())?;
        let renamed = Self::fetch_customer_group(&mut *tx, account_id, group_id).await?;
        tx.commit().await?;
        Ok(renamed)
    }

    async fn delete_customer_group(
        &self,
        account_id: &AccountId,
        group_id: &CustomerGroupId,
    ) -> StoreResult<()> {
        let result =
            sqlx::query::<DB>("DELETE FROM customer_groups WHERE account_id = $1 AND id = $2")
                .bind(account_id)
                .bind(group_id)
                .execute(&self.write)
                .await?;
        one_changed(result.rows_affected())
    }

    async fn add_customers_to_group(
        &self,
        account_id: &AccountId,
        group_id: &CustomerGroupId,
        customer_ids: &[String],
        at: jiff::Timestamp,
    ) -> StoreResult<Vec<Customer>> {
        let mut tx = self.write.begin().await?;
        Self::fetch_customer_group(&mut *tx, account_id, group_id).await?;
        Self::add_group_members(&mut tx, account_id, group_id, customer_ids, at).await?;
        let sql = format!(
            "{} JOIN customer_group_members gm ON gm.customer_id = c.id
             WHERE gm.group_id = $1 AND c.account_id = $2 AND c.deleted_at IS NULL
             ORDER BY gm.added_at, c.id",
            CUSTOMER_SELECT
        );
        let rows: Vec<CustomerRow> = sqlx::query_as::<DB, _>(&sql)
            .bind(group_id)
            .bind(account_id)
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(rows.into_iter().map(Customer::from).collect())
    }

    async fn remove_customer_from_group(
        &self,
        account_id: &AccountId,
        group_id: &CustomerGroupId,
        customer_id: &CustomerId,
    ) -> StoreResult<()> {
        let result = sqlx::query::<DB>(
            "DELETE FROM customer_group_members
             WHERE group_id = (SELECT id FROM customer_groups WHERE account_id = $1 AND id = $2)
               AND customer_id = (SELECT id FROM customers
                                   WHERE account_id = $1 AND id = $3 AND deleted_at IS NULL)",
        )
        .bind(account_id)
        .bind(group_id)
        .bind(customer_id)
        .execute(&self.write)
        .await?;
        one_changed(result.rows_affected())
    }
}
