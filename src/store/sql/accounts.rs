//! Migrations, deployment settings, accounts and API keys.

macro_rules! accounts_impl {
    ($store:ty, $db:ty, $migrator:path) => {
        impl $store {
            /// Marks the key revoked (the first revocation's time is kept).
            async fn mark_api_key_revoked<'e, E>(
                executor: E,
                key_id: &str,
                at: jiff::Timestamp,
            ) -> $crate::store::StoreResult<()>
            where
                E: sqlx::Executor<'e, Database = $db>,
            {
                let result =
                    sqlx::query::<$db>("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2")
                        .bind($crate::store::to_micros(at))
                        .bind(key_id)
                        .execute(executor)
                        .await?;
                $crate::store::sql::one_changed(result.rows_affected())
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::AccountStore for $store {
            async fn migrate(&self) -> $crate::store::StoreResult<()> {
                $migrator.run(&self.write).await?;
                Ok(())
            }

            async fn setting_or_insert(&self, key: &str, init: String) -> $crate::store::StoreResult<String> {
                sqlx::query::<$db>("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
                    .bind(key)
                    .bind(init)
                    .execute(&self.write)
                    .await?;
                Ok(sqlx::query_scalar::<$db, String>("SELECT value FROM settings WHERE key = $1")
                    .bind(key)
                    .fetch_one(&self.write)
                    .await?)
            }

            async fn insert_setting(&self, key: &str, value: &str) -> $crate::store::StoreResult<bool> {
                let result = sqlx::query::<$db>(
                    "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
                )
                .bind(key)
                .bind(value)
                .execute(&self.write)
                .await?;
                Ok(result.rows_affected() == 1)
            }

            async fn count_accounts(&self) -> $crate::store::StoreResult<i64> {
                Ok(sqlx::query_scalar::<$db, i64>("SELECT COUNT(*) FROM accounts")
                    .fetch_one(&self.write)
                    .await?)
            }

            async fn create_account(
                &self,
                new: $crate::store::NewAccount,
            ) -> $crate::store::StoreResult<$crate::store::Account> {
                sqlx::query::<$db>(
                    "INSERT INTO accounts (id, name, monthly_invoice_limit, payment_term_days, created_at)
                     VALUES ($1, $2, $3, 14, $4)",
                )
                .bind(&new.id)
                .bind(&new.name)
                .bind(new.monthly_invoice_limit)
                .bind($crate::store::to_micros(new.created_at))
                .execute(&self.write)
                .await?;
                self.get_account(&new.id).await
            }

            async fn get_account(&self, account_id: &str) -> $crate::store::StoreResult<$crate::store::Account> {
                let sql = format!("SELECT {} FROM accounts WHERE id = $1", $crate::store::sql::ACCOUNT_COLUMNS);
                let row: Option<$crate::store::rows::AccountRow> =
                    sqlx::query_as::<$db, _>(&sql).bind(account_id).fetch_optional(&self.write).await?;
                row.map($crate::store::Account::from).ok_or($crate::store::StoreError::NotFound)
            }

            async fn update_account(
                &self,
                account_id: &str,
                patch: $crate::store::AccountPatch,
            ) -> $crate::store::StoreResult<$crate::store::Account> {
                let result = sqlx::query::<$db>(
                    "UPDATE accounts SET
                        name = COALESCE($1, name),
                        monthly_invoice_limit = CASE WHEN $2 THEN $3 ELSE monthly_invoice_limit END,
                        payment_term_days = COALESCE($4, payment_term_days),
                        locale = COALESCE($5, locale)
                     WHERE id = $6",
                )
                .bind(patch.name)
                .bind(patch.monthly_invoice_limit.is_some())
                .bind(patch.monthly_invoice_limit.flatten())
                .bind(patch.payment_term_days)
                .bind(patch.locale)
                .bind(account_id)
                .execute(&self.write)
                .await?;
                $crate::store::sql::one_changed(result.rows_affected())?;
                self.get_account(account_id).await
            }

            async fn create_api_key(&self, key: $crate::store::NewApiKey) -> $crate::store::StoreResult<()> {
                sqlx::query::<$db>(
                    "INSERT INTO api_keys (id, account_id, token_hash, scopes, rate_limit, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&key.id)
                .bind(&key.account_id)
                .bind(&key.token_hash)
                .bind($crate::domain::scopes::join(&key.scopes))
                .bind(key.rate_limit)
                .bind($crate::store::to_micros(key.created_at))
                .execute(&self.write)
                .await?;
                Ok(())
            }

            async fn find_api_key(
                &self,
                token_hash: &str,
            ) -> $crate::store::StoreResult<Option<$crate::store::ApiKeyRecord>> {
                // Each backend has its own fast path (see `find_api_key_fast`).
                self.find_api_key_fast(token_hash).await
            }

            async fn revoke_api_key(&self, key_id: &str, at: jiff::Timestamp) -> $crate::store::StoreResult<()> {
                self.revoke_api_key_and_tell(key_id, at).await
            }
        }
    };
}
pub(crate) use accounts_impl;
