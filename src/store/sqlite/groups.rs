//! SQLite: customer groups and memberships.

use async_trait::async_trait;
use jiff::Timestamp;

use super::customers::{CUSTOMER_SELECT, CustomerRow};
use super::{SqliteStore, one_changed};
use crate::store::{
    Customer, CustomerGroup, GroupStore, PageQuery, StoreError, StoreResult, from_micros, to_micros,
};

type GroupRow = (String, String, i64);

fn group(row: GroupRow) -> CustomerGroup {
    CustomerGroup {
        id: row.0,
        name: row.1,
        created_at: from_micros(row.2),
    }
}

async fn fetch_group<'e, E>(
    executor: E,
    account_id: &str,
    group_id: &str,
) -> StoreResult<CustomerGroup>
where
    E: sqlx::SqliteExecutor<'e>,
{
    let row: Option<GroupRow> = sqlx::query_as(
        "SELECT id, name, created_at FROM customer_groups WHERE account_id = ? AND id = ?",
    )
    .bind(account_id)
    .bind(group_id)
    .fetch_optional(executor)
    .await?;
    row.map(group).ok_or(StoreError::NotFound)
}

/// Adds the account's live customers among `customer_ids` to the group; others are skipped.
async fn add_members(
    tx: &mut sqlx::SqliteConnection,
    account_id: &str,
    group_id: &str,
    customer_ids: &[String],
    at: Timestamp,
) -> StoreResult<()> {
    for customer_id in customer_ids {
        sqlx::query(
            "INSERT INTO customer_group_members (group_id, customer_id, added_at)
             SELECT ?, c.id, ? FROM customers c WHERE c.account_id = ? AND c.id = ? AND c.deleted_at IS NULL
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

#[async_trait]
impl GroupStore for SqliteStore {
    async fn list_customer_groups(
        &self,
        account_id: &str,
        page: PageQuery,
    ) -> StoreResult<Vec<CustomerGroup>> {
        let rows: Vec<GroupRow> = sqlx::query_as(
            "SELECT id, name, created_at FROM customer_groups WHERE account_id = ?
             ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
        )
        .bind(account_id)
        .bind((page.limit + 1) as i64)
        .bind(page.offset as i64)
        .fetch_all(&self.read)
        .await?;
        Ok(rows.into_iter().map(group).collect())
    }

    async fn get_customer_group(
        &self,
        account_id: &str,
        group_id: &str,
    ) -> StoreResult<CustomerGroup> {
        fetch_group(&self.read, account_id, group_id).await
    }

    async fn create_customer_group(
        &self,
        account_id: &str,
        id: &str,
        name: &str,
        customer_ids: &[String],
        at: Timestamp,
    ) -> StoreResult<CustomerGroup> {
        let mut tx = self.write.begin().await?;
        sqlx::query(
            "INSERT INTO customer_groups (id, account_id, name, created_at) VALUES (?, ?, ?, ?)",
        )
        .bind(id)
        .bind(account_id)
        .bind(name)
        .bind(to_micros(at))
        .execute(&mut *tx)
        .await?;
        add_members(&mut tx, account_id, id, customer_ids, at).await?;
        let created = fetch_group(&mut *tx, account_id, id).await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn rename_customer_group(
        &self,
        account_id: &str,
        group_id: &str,
        name: &str,
    ) -> StoreResult<CustomerGroup> {
        let mut tx = self.write.begin().await?;
        let result =
            sqlx::query("UPDATE customer_groups SET name = ? WHERE account_id = ? AND id = ?")
                .bind(name)
                .bind(account_id)
                .bind(group_id)
                .execute(&mut *tx)
                .await?;
        one_changed(result)?;
        let renamed = fetch_group(&mut *tx, account_id, group_id).await?;
        tx.commit().await?;
        Ok(renamed)
    }

    async fn delete_customer_group(&self, account_id: &str, group_id: &str) -> StoreResult<()> {
        // Memberships go with the group (ON DELETE CASCADE).
        let result = sqlx::query("DELETE FROM customer_groups WHERE account_id = ? AND id = ?")
            .bind(account_id)
            .bind(group_id)
            .execute(&self.write)
            .await?;
        one_changed(result)
    }

    async fn add_customers_to_group(
        &self,
        account_id: &str,
        group_id: &str,
        customer_ids: &[String],
        at: Timestamp,
    ) -> StoreResult<Vec<Customer>> {
        let mut tx = self.write.begin().await?;
        fetch_group(&mut *tx, account_id, group_id).await?;
        add_members(&mut tx, account_id, group_id, customer_ids, at).await?;
        let rows: Vec<CustomerRow> = sqlx::query_as(&format!(
            "{CUSTOMER_SELECT} JOIN customer_group_members gm ON gm.customer_id = c.id
             WHERE gm.group_id = ? AND c.account_id = ? AND c.deleted_at IS NULL
             ORDER BY gm.added_at, c.id"
        ))
        .bind(group_id)
        .bind(account_id)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(rows.into_iter().map(Customer::from).collect())
    }

    async fn remove_customer_from_group(
        &self,
        account_id: &str,
        group_id: &str,
        customer_id: &str,
    ) -> StoreResult<()> {
        let result = sqlx::query(
            "DELETE FROM customer_group_members
             WHERE group_id = (SELECT id FROM customer_groups WHERE account_id = ? AND id = ?)
               AND customer_id = (SELECT id FROM customers WHERE account_id = ? AND id = ? AND deleted_at IS NULL)",
        )
        .bind(account_id)
        .bind(group_id)
        .bind(account_id)
        .bind(customer_id)
        .execute(&self.write)
        .await?;
        one_changed(result)
    }
}
