//! Customers, soft-deleted, with their group memberships folded into each row.

macro_rules! customers_impl {
    ($store:ty, $db:ty) => {
        impl $store {
            async fn fetch_customer<'e, E>(
                executor: E,
                account_id: &str,
                customer_id: &str,
            ) -> $crate::store::StoreResult<$crate::store::Customer>
            where
                E: sqlx::Executor<'e, Database = $db>,
            {
                let sql = format!(
                    "{} WHERE c.account_id = $1 AND c.id = $2 AND c.deleted_at IS NULL",
                    $crate::store::sql::CUSTOMER_SELECT
                );
                let row: Option<$crate::store::rows::CustomerRow> = sqlx::query_as::<$db, _>(&sql)
                    .bind(account_id)
                    .bind(customer_id)
                    .fetch_optional(executor)
                    .await?;
                row.map($crate::store::Customer::from).ok_or($crate::store::StoreError::NotFound)
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::CustomerStore for $store {
            async fn list_customers(
                &self,
                account_id: &str,
                page: $crate::store::PageQuery,
            ) -> $crate::store::StoreResult<Vec<$crate::store::Customer>> {
                let sql = format!(
                    "{} WHERE c.account_id = $1 AND c.deleted_at IS NULL
                     ORDER BY c.created_at DESC, c.id DESC LIMIT $2 OFFSET $3",
                    $crate::store::sql::CUSTOMER_SELECT
                );
                let rows: Vec<$crate::store::rows::CustomerRow> = sqlx::query_as::<$db, _>(&sql)
                    .bind(account_id)
                    .bind((page.limit + 1) as i64)
                    .bind(page.offset as i64)
                    .fetch_all(&self.read)
                    .await?;
                Ok(rows.into_iter().map($crate::store::Customer::from).collect())
            }

            async fn get_customer(
                &self,
                account_id: &str,
                customer_id: &str,
            ) -> $crate::store::StoreResult<$crate::store::Customer> {
                Self::fetch_customer(&self.read, account_id, customer_id).await
            }

            async fn create_customer(
                &self,
                account_id: &str,
                id: &str,
                new: &$crate::domain::customer::NewCustomer,
                at: jiff::Timestamp,
                events: &dyn $crate::store::EventRenderer,
            ) -> $crate::store::StoreResult<$crate::store::Customer> {
                let mut tx = self.write.begin().await?;
                sqlx::query::<$db>(
                    "INSERT INTO customers (id, account_id, company_name, address, zip_code, city, country_code,
                                            primary_email, phone, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
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
                .bind($crate::store::to_micros(at))
                .execute(&mut *tx)
                .await?;
                let customer = Self::fetch_customer(&mut *tx, account_id, id).await?;
                let kind = $crate::domain::events::EventType::CustomerCreated;
                Self::record_event(&mut tx, account_id, kind, None, || events.customer_event(kind, &customer)).await?;
                tx.commit().await?;
                Ok(customer)
            }

            async fn update_customer(
                &self,
                account_id: &str,
                customer_id: &str,
                patch: &$crate::domain::customer::CustomerPatch,
            ) -> $crate::store::StoreResult<$crate::store::Customer> {
                let mut tx = self.write.begin().await?;
                let result = sqlx::query::<$db>(
                    "UPDATE customers SET
                        company_name = COALESCE($1, company_name),
                        address = COALESCE($2, address),
                        zip_code = COALESCE($3, zip_code),
                        city = COALESCE($4, city),
                        country_code = COALESCE($5, country_code),
                        primary_email = COALESCE($6, primary_email),
                        phone = COALESCE($7, phone)
                     WHERE account_id = $8 AND id = $9 AND deleted_at IS NULL",
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
                $crate::store::sql::one_changed(result.rows_affected())?;
                let customer = Self::fetch_customer(&mut *tx, account_id, customer_id).await?;
                tx.commit().await?;
                Ok(customer)
            }

            async fn delete_customer(
                &self,
                account_id: &str,
                customer_id: &str,
                at: jiff::Timestamp,
                events: &dyn $crate::store::EventRenderer,
            ) -> $crate::store::StoreResult<()> {
                let mut tx = self.write.begin().await?;
                let customer = Self::fetch_customer(&mut *tx, account_id, customer_id).await?;
                sqlx::query::<$db>(
                    "UPDATE customers SET deleted_at = $1 WHERE account_id = $2 AND id = $3 AND deleted_at IS NULL",
                )
                .bind($crate::store::to_micros(at))
                .bind(account_id)
                .bind(customer_id)
                .execute(&mut *tx)
                .await?;
                let kind = $crate::domain::events::EventType::CustomerDeleted;
                Self::record_event(&mut tx, account_id, kind, None, || events.customer_event(kind, &customer)).await?;
                tx.commit().await?;
                Ok(())
            }
        }
    };
}
pub(crate) use customers_impl;
