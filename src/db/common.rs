//! The SQL of the database layer itself, compiled once per backend (`sqlite.rs` and
//! `postgres.rs` each include this file with their own `Backend` and `DB`): deployment
//! settings, marking an API key revoked, and the account's disabled modules (which every
//! key lookup reads).

use super::{Backend, DB};
use crate::db::StoreResult;

impl Backend {
    pub(in crate::db) async fn setting_or_insert(
        &self,
        key: &str,
        init: String,
    ) -> StoreResult<String> {
        sqlx::query::<DB>(
            "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
        )
        .bind(key)
        .bind(init)
        .execute(&self.write)
        .await?;
        Ok(
            sqlx::query_scalar::<DB, String>("SELECT value FROM settings WHERE key = $1")
                .bind(key)
                .fetch_one(&self.write)
                .await?,
        )
    }

    pub(in crate::db) async fn insert_setting(&self, key: &str, value: &str) -> StoreResult<bool> {
        let result = sqlx::query::<DB>(
            "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
        )
        .bind(key)
        .bind(value)
        .execute(&self.write)
        .await?;
        Ok(result.rows_affected() == 1)
    }

    /// Marks the key revoked (the first revocation's time is kept).
    pub(in crate::db) async fn mark_api_key_revoked<'e, E>(
        executor: E,
        key_id: &str,
        at: jiff::Timestamp,
    ) -> StoreResult<()>
    where
        E: sqlx::Executor<'e, Database = DB>,
    {
        let result = sqlx::query::<DB>(
            "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2",
        )
        .bind(crate::db::to_micros(at))
        .bind(key_id)
        .execute(executor)
        .await?;
        crate::db::one_changed(result.rows_affected())
    }

    /// Stores the modules the account has turned off.
    pub(in crate::db) async fn store_disabled_modules<'e, E>(
        executor: E,
        account_id: &crate::kernel::ids::AccountId,
        disabled: crate::kernel::features::ModuleSet,
    ) -> StoreResult<()>
    where
        E: sqlx::Executor<'e, Database = DB>,
    {
        let result = sqlx::query::<DB>("UPDATE accounts SET disabled_modules = $1 WHERE id = $2")
            .bind(disabled.to_stored())
            .bind(account_id)
            .execute(executor)
            .await?;
        crate::db::one_changed(result.rows_affected())
    }
}
