//! Customer groups and memberships; groups are deleted for real, memberships with them.

macro_rules! groups_impl {
    ($store:ty, $db:ty) => {
        impl $store {
            async fn fetch_group<'e, E>(
                executor: E,
                account_id: &str,
                group_id: &str,
            ) -> $crate::store::StoreResult<$crate::store::CustomerGroup>
            where
                E: sqlx::Executor<'e, Database = $db>,
            {
                let row: Option<(String, String, i64)> = sqlx::query_as::<$db, _>(
                    "SELECT id, name, created_at FROM customer_groups WHERE account_id = $1 AND id = $2",
                )
                .bind(account_id)
                .bind(group_id)
                .fetch_optional(executor)
                .await?;
                row.map($crate::store::rows::group).ok_or($crate::store::StoreError::NotFound)
            }

            /// Adds the account's live customers among `customer_ids`; others are skipped.
            async fn add_members(
                tx: &mut <$db as sqlx::Database>::Connection,
                account_id: &str,
                group_id: &str,
                customer_ids: &[String],
                at: jiff::Timestamp,
            ) -> $crate::store::StoreResult<()> {
                for customer_id in customer_ids {
                    sqlx::query::<$db>(
                        "INSERT INTO customer_group_members (group_id, customer_id, added_at)
                         SELECT $1, c.id, $2 FROM customers c
                          WHERE c.account_id = $3 AND c.id = $4 AND c.deleted_at IS NULL
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(group_id)
                    .bind($crate::store::to_micros(at))
                    .bind(account_id)
                    .bind(customer_id)
                    .execute(&mut *tx)
                    .await?;
                }
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::GroupStore for $store {
            async fn list_customer_groups(
                &self,
                account_id: &str,
                page: $crate::store::PageQuery,
            ) -> $crate::store::StoreResult<Vec<$crate::store::CustomerGroup>> {
                let rows: Vec<(String, String, i64)> = sqlx::query_as::<$db, _>(
                    "SELECT id, name, created_at FROM customer_groups WHERE account_id = $1
                     ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3",
                )
                .bind(account_id)
                .bind((page.limit + 1) as i64)
                .bind(page.offset as i64)
                .fetch_all(&self.read)
                .await?;
                Ok(rows.into_iter().map($crate::store::rows::group).collect())
            }

            async fn get_customer_group(
                &self,
                account_id: &str,
                group_id: &str,
            ) -> $crate::store::StoreResult<$crate::store::CustomerGroup> {
                Self::fetch_group(&self.read, account_id, group_id).await
            }

            async fn create_customer_group(
                &self,
                account_id: &str,
                id: &str,
                name: &str,
                customer_ids: &[String],
                at: jiff::Timestamp,
            ) -> $crate::store::StoreResult<$crate::store::CustomerGroup> {
                let mut tx = self.write.begin().await?;
                sqlx::query::<$db>(
                    "INSERT INTO customer_groups (id, account_id, name, created_at) VALUES ($1, $2, $3, $4)",
                )
                .bind(id)
                .bind(account_id)
                .bind(name)
                .bind($crate::store::to_micros(at))
                .execute(&mut *tx)
                .await?;
                Self::add_members(&mut tx, account_id, id, customer_ids, at).await?;
                let created = Self::fetch_group(&mut *tx, account_id, id).await?;
                tx.commit().await?;
                Ok(created)
            }

            async fn rename_customer_group(
                &self,
                account_id: &str,
                group_id: &str,
                name: &str,
            ) -> $crate::store::StoreResult<$crate::store::CustomerGroup> {
                let mut tx = self.write.begin().await?;
                let result =
                    sqlx::query::<$db>("UPDATE customer_groups SET name = $1 WHERE account_id = $2 AND id = $3")
                        .bind(name)
                        .bind(account_id)
                        .bind(group_id)
                        .execute(&mut *tx)
                        .await?;
                $crate::store::sql::one_changed(result.rows_affected())?;
                let renamed = Self::fetch_group(&mut *tx, account_id, group_id).await?;
                tx.commit().await?;
                Ok(renamed)
            }

            async fn delete_customer_group(&self, account_id: &str, group_id: &str) -> $crate::store::StoreResult<()> {
                let result = sqlx::query::<$db>("DELETE FROM customer_groups WHERE account_id = $1 AND id = $2")
                    .bind(account_id)
                    .bind(group_id)
                    .execute(&self.write)
                    .await?;
                $crate::store::sql::one_changed(result.rows_affected())
            }

            async fn add_customers_to_group(
                &self,
                account_id: &str,
                group_id: &str,
                customer_ids: &[String],
                at: jiff::Timestamp,
            ) -> $crate::store::StoreResult<Vec<$crate::store::Customer>> {
                let mut tx = self.write.begin().await?;
                Self::fetch_group(&mut *tx, account_id, group_id).await?;
                Self::add_members(&mut tx, account_id, group_id, customer_ids, at).await?;
                let sql = format!(
                    "{} JOIN customer_group_members gm ON gm.customer_id = c.id
                     WHERE gm.group_id = $1 AND c.account_id = $2 AND c.deleted_at IS NULL
                     ORDER BY gm.added_at, c.id",
                    $crate::store::sql::CUSTOMER_SELECT
                );
                let rows: Vec<$crate::store::rows::CustomerRow> = sqlx::query_as::<$db, _>(&sql)
                    .bind(group_id)
                    .bind(account_id)
                    .fetch_all(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(rows.into_iter().map($crate::store::Customer::from).collect())
            }

            async fn remove_customer_from_group(
                &self,
                account_id: &str,
                group_id: &str,
                customer_id: &str,
            ) -> $crate::store::StoreResult<()> {
                let result = sqlx::query::<$db>(
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
                $crate::store::sql::one_changed(result.rows_affected())
            }
        }
    };
}
pub(crate) use groups_impl;
