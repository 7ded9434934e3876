//! SQLite: customers, with their group memberships folded into each row.

use async_trait::async_trait;
use jiff::Timestamp;

use super::{SqliteStore, one_changed};
use crate::domain::customer::{CustomerPatch, NewCustomer};
use crate::store::{
    Customer, CustomerStore, PageQuery, StoreError, StoreResult, from_micros, to_micros,
};

#[derive(sqlx::FromRow)]
pub(super) struct CustomerRow {
    id: String,
    company_name: String,
    address: String,
    zip_code: String,
    city: String,
    country_code: String,
    primary_email: String,
    phone: Option<String>,
    integration: Option<String>,
    integration_id: Option<String>,
    created_at: i64,
    group_ids: Option<String>,
}

impl From<CustomerRow> for Customer {
    fn from(r: CustomerRow) -> Customer {
        Customer {
            id: r.id,
            company_name: r.company_name,
            address: r.address,
            zip_code: r.zip_code,
            city: r.city,
            country_code: r.country_code,
            primary_email: r.primary_email,
            phone: r.phone,
            integration: r.integration,
            integration_id: r.integration_id,
            customer_groups: r
                .group_ids
                .map(|ids| ids.split(' ').map(str::to_owned).collect())
                .unwrap_or_default(),
            created_at: from_micros(r.created_at),
        }
    }
}

/// The columns of a customer row as `c`, with its memberships (oldest first).
pub(super) const CUSTOMER_SELECT: &str =
    "SELECT c.id, c.company_name, c.address, c.zip_code, c.city, c.country_code,
        c.primary_email, c.phone, c.integration, c.integration_id, c.created_at,
        (SELECT group_concat(m.group_id, ' ' ORDER BY m.added_at, m.group_id)
           FROM customer_group_members m WHERE m.customer_id = c.id) AS group_ids
    FROM customers c";

pub(super) async fn fetch_customer<'e, E>(
    executor: E,
    account_id: &str,
    customer_id: &str,
) -> StoreResult<Customer>
where
    E: sqlx::SqliteExecutor<'e>,
{
    let row: Option<CustomerRow> = sqlx::query_as(&format!(
        "{CUSTOMER_SELECT} WHERE c.account_id = ? AND c.id = ? AND c.deleted_at IS NULL"
    ))
    .bind(account_id)
    .bind(customer_id)
    .fetch_optional(executor)
    .await?;
    row.map(Customer::from).ok_or(StoreError::NotFound)
}

#[async_trait]
impl CustomerStore for SqliteStore {
    async fn list_customers(
        &self,
        account_id: &str,
        page: PageQuery,
    ) -> StoreResult<Vec<Customer>> {
        let rows: Vec<CustomerRow> = sqlx::query_as(&format!(
            "{CUSTOMER_SELECT} WHERE c.account_id = ? AND c.deleted_at IS NULL
             ORDER BY c.created_at DESC, c.id DESC LIMIT ? OFFSET ?"
        ))
        .bind(account_id)
        .bind((page.limit + 1) as i64)
        .bind(page.offset as i64)
        .fetch_all(&self.read)
        .await?;
        Ok(rows.into_iter().map(Customer::from).collect())
    }

    async fn get_customer(&self, account_id: &str, customer_id: &str) -> StoreResult<Customer> {
        fetch_customer(&self.read, account_id, customer_id).await
    }

    async fn create_customer(
        &self,
        account_id: &str,
        id: &str,
        new: &NewCustomer,
        at: Timestamp,
    ) -> StoreResult<Customer> {
        let mut tx = self.write.begin().await?;
        sqlx::query(
            "INSERT INTO customers (id, account_id, company_name, address, zip_code, city, country_code,
                                    primary_email, phone, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
        .bind(to_micros(at))
        .execute(&mut *tx)
        .await?;
        let customer = fetch_customer(&mut *tx, account_id, id).await?;
        tx.commit().await?;
        Ok(customer)
    }

    async fn update_customer(
        &self,
        account_id: &str,
        customer_id: &str,
        patch: &CustomerPatch,
    ) -> StoreResult<Customer> {
        let mut tx = self.write.begin().await?;
        let result = sqlx::query(
            "UPDATE customers SET
                company_name = COALESCE(?, company_name),
                address = COALESCE(?, address),
                zip_code = COALESCE(?, zip_code),
                city = COALESCE(?, city),
                country_code = COALESCE(?, country_code),
                primary_email = COALESCE(?, primary_email),
                phone = COALESCE(?, phone)
             WHERE account_id = ? AND id = ? AND deleted_at IS NULL",
        )
        .bind(&patch.company_name)
        .bind(&patch.address)
        .bind(&patch.zip_code)
        .bind(&patch.city)
        .bind(&patch.country_code)
        .bind(&patch.primary_email)
        .bind(&patch.phone)
        .bind(account_id)
        .bind(customer_id)
        .execute(&mut *tx)
        .await?;
        one_changed(result)?;
        let customer = fetch_customer(&mut *tx, account_id, customer_id).await?;
        tx.commit().await?;
        Ok(customer)
    }

    async fn delete_customer(
        &self,
        account_id: &str,
        customer_id: &str,
        at: Timestamp,
    ) -> StoreResult<()> {
        let result =
            sqlx::query("UPDATE customers SET deleted_at = ? WHERE account_id = ? AND id = ? AND deleted_at IS NULL")
                .bind(to_micros(at))
                .bind(account_id)
                .bind(customer_id)
                .execute(&self.write)
                .await?;
        one_changed(result)
    }
}
