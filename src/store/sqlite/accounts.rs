//! SQLite: migrations, deployment settings, accounts and API keys.

use async_trait::async_trait;
use jiff::Timestamp;

use super::{MIGRATOR, SqliteStore, one_changed};
use crate::domain::scopes;
use crate::store::{
    Account, AccountPatch, AccountStore, ApiKeyRecord, NewAccount, NewApiKey, StoreError,
    StoreResult, from_micros, to_micros,
};

#[derive(sqlx::FromRow)]
struct AccountRow {
    id: String,
    name: String,
    monthly_invoice_limit: Option<i64>,
    payment_term_days: i64,
    created_at: i64,
}

impl From<AccountRow> for Account {
    fn from(r: AccountRow) -> Account {
        Account {
            id: r.id,
            name: r.name,
            monthly_invoice_limit: r.monthly_invoice_limit,
            payment_term_days: r.payment_term_days,
            created_at: from_micros(r.created_at),
        }
    }
}

const ACCOUNT_COLUMNS: &str = "id, name, monthly_invoice_limit, payment_term_days, created_at";

#[async_trait]
impl AccountStore for SqliteStore {
    async fn migrate(&self) -> StoreResult<()> {
        MIGRATOR.run(&self.write).await?;
        Ok(())
    }

    async fn setting_or_insert(&self, key: &str, init: String) -> StoreResult<String> {
        sqlx::query("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING")
            .bind(key)
            .bind(init)
            .execute(&self.write)
            .await?;
        let value = sqlx::query_scalar("SELECT value FROM settings WHERE key = ?")
            .bind(key)
            .fetch_one(&self.write)
            .await?;
        Ok(value)
    }

    async fn count_accounts(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM accounts")
            .fetch_one(&self.write)
            .await?)
    }

    async fn create_account(&self, new: NewAccount) -> StoreResult<Account> {
        sqlx::query(
            "INSERT INTO accounts (id, name, monthly_invoice_limit, payment_term_days, created_at) VALUES (?, ?, ?, 14, ?)",
        )
        .bind(&new.id)
        .bind(&new.name)
        .bind(new.monthly_invoice_limit)
        .bind(to_micros(new.created_at))
        .execute(&self.write)
        .await?;
        self.get_account(&new.id).await
    }

    async fn get_account(&self, account_id: &str) -> StoreResult<Account> {
        let row: Option<AccountRow> = sqlx::query_as(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = ?"
        ))
        .bind(account_id)
        .fetch_optional(&self.write)
        .await?;
        row.map(Account::from).ok_or(StoreError::NotFound)
    }

    async fn update_account(&self, account_id: &str, patch: AccountPatch) -> StoreResult<Account> {
        let mut tx = self.write.begin().await?;
        let result = sqlx::query(
            "UPDATE accounts SET
                name = COALESCE(?, name),
                monthly_invoice_limit = CASE WHEN ? THEN ? ELSE monthly_invoice_limit END,
                payment_term_days = COALESCE(?, payment_term_days)
             WHERE id = ?",
        )
        .bind(patch.name)
        .bind(patch.monthly_invoice_limit.is_some())
        .bind(patch.monthly_invoice_limit.flatten())
        .bind(patch.payment_term_days)
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
        one_changed(result)?;
        tx.commit().await?;
        self.get_account(account_id).await
    }

    async fn create_api_key(&self, key: NewApiKey) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO api_keys (id, account_id, token_hash, scopes, rate_limit, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&key.id)
        .bind(&key.account_id)
        .bind(&key.token_hash)
        .bind(scopes::join(&key.scopes))
        .bind(key.rate_limit)
        .bind(to_micros(key.created_at))
        .execute(&self.write)
        .await?;
        Ok(())
    }

    async fn find_api_key(&self, token_hash: &str) -> StoreResult<Option<ApiKeyRecord>> {
        let row: Option<(String, String, String, Option<i64>, Option<i64>)> = sqlx::query_as(
            "SELECT id, account_id, scopes, rate_limit, revoked_at FROM api_keys WHERE token_hash = ?",
        )
        .bind(token_hash)
        .fetch_optional(&self.read)
        .await?;
        Ok(row.map(
            |(id, account_id, scope_list, rate_limit, revoked_at)| ApiKeyRecord {
                id,
                account_id,
                // A scope name this build does not know grants nothing.
                scopes: scope_list
                    .split(' ')
                    .filter_map(scopes::Scope::parse)
                    .collect(),
                rate_limit,
                revoked: revoked_at.is_some(),
            },
        ))
    }

    async fn revoke_api_key(&self, key_id: &str, at: Timestamp) -> StoreResult<()> {
        let result =
            sqlx::query("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?")
                .bind(to_micros(at))
                .bind(key_id)
                .execute(&self.write)
                .await?;
        one_changed(result)
    }
}
