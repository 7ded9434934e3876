//! The PostgreSQL backend, for several portaal processes on one database: the same SQL as
//! SQLite (every area's `sql.rs` is compiled for both), one pool for reads and writes.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use super::key_cache::{self, KeyCache};
use super::keys::{self, ApiKeyRecord};
use super::{Slots, StoreResult};

/// The sqlx database of this backend, for the areas' `sql.rs`.
pub type DB = sqlx::Postgres;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

#[derive(Clone)]
pub struct Backend {
    pub write: PgPool,
    /// The same pool as `write`; kept apart so the shared SQL reads the same on both backends.
    pub read: PgPool,
    /// Recently seen API keys, forgotten on every revocation (see `key_cache`).
    keys: Arc<KeyCache>,
    /// State the areas keep per database (the per-account create turns).
    pub slots: Arc<Slots>,
}

impl Backend {
    /// Connects to `url` (`postgres://user:password@host/database`).
    pub async fn connect(url: &str, max_connections: u32) -> StoreResult<Backend> {
        let options = PgConnectOptions::from_str(url)?.application_name("portaal");
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await?;
        Ok(Backend {
            write: pool.clone(),
            read: pool,
            keys: Arc::default(),
            slots: Arc::default(),
        })
    }

    pub async fn migrate(&self) -> StoreResult<()> {
        MIGRATOR.run(&self.write).await?;
        Ok(())
    }

    /// A kept key, or the database's answer (kept if valid). The listener for revocations
    /// starts with the first lookup, so CLI commands never open it.
    pub(super) async fn find_api_key(&self, token_hash: &str) -> StoreResult<Option<ApiKeyRecord>> {
        self.keys.start(&self.read);
        if let Some(key) = self.keys.get(token_hash) {
            return Ok(Some(key));
        }
        let generation = self.keys.generation();
        let row: Option<keys::ApiKeyColumns> = sqlx::query_as(keys::API_KEY_BY_HASH)
            .bind(token_hash)
            .fetch_optional(&self.read)
            .await?;
        let key = row.map(
            |(id, account_id, scopes, rate_limit, revoked_at, disabled_modules)| {
                keys::api_key_record(
                    id,
                    account_id,
                    &scopes,
                    rate_limit,
                    revoked_at,
                    &disabled_modules,
                )
            },
        );
        if let Some(key) = &key {
            self.keys.keep(token_hash, generation, key);
        }
        Ok(key)
    }

    /// Revokes the key and tells every process on this database: the notification is
    /// delivered when the update commits, and this process forgets its keys at once.
    pub(super) async fn revoke_api_key(
        &self,
        key_id: &str,
        at: jiff::Timestamp,
    ) -> StoreResult<()> {
        let mut tx = self.write.begin().await?;
        Self::mark_api_key_revoked(&mut *tx, key_id, at).await?;
        sqlx::query("SELECT pg_notify($1, '')")
            .bind(key_cache::CHANNEL)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.keys.forget_all();
        Ok(())
    }

    /// Stores the account's disabled modules; kept keys carry them, so every process
    /// forgets its keys as on a revocation.
    pub(super) async fn set_disabled_modules(
        &self,
        account_id: &crate::kernel::ids::AccountId,
        disabled: crate::kernel::features::ModuleSet,
    ) -> StoreResult<()> {
        let mut tx = self.write.begin().await?;
        Self::store_disabled_modules(&mut *tx, account_id, disabled).await?;
        sqlx::query("SELECT pg_notify($1, '')")
            .bind(key_cache::CHANNEL)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.keys.forget_all();
        Ok(())
    }
}

#[path = "common.rs"]
mod common;

impl Backend {
    /// What an outbox claim appends to its row selection: several instances claim from one
    /// outbox, and each skips rows another is claiming.
    pub const SKIP_LOCKED: &str = "FOR UPDATE SKIP LOCKED";

    /// `count` numbered parameters from `$first` (`$3, $4, ...`).
    pub fn params(first: usize, count: usize) -> String {
        (first..first + count)
            .map(|n| format!("${n}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}
