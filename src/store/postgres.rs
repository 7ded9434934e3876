//! The PostgreSQL backend, for several portaal processes on one database: the same SQL as
//! SQLite (see `store::sql`), one pool for reads and writes.

use std::str::FromStr;
use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use std::sync::Arc;

use super::key_cache::{self, KeyCache};
use super::{ApiKeyRecord, StoreResult};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

#[derive(Clone)]
pub struct PgStore {
    write: PgPool,
    /// The same pool as `write`; kept apart so the shared SQL reads the same on both backends.
    read: PgPool,
    /// Recently seen API keys, forgotten on every revocation (see `key_cache`).
    keys: Arc<KeyCache>,
    /// Admits at most [`CREATES_PER_ACCOUNT`] of one account's creates at a time.
    creates: Arc<AccountTurns>,
}

/// How many creates of one account this process runs against the database at a time.
/// They all wait for the account's counter row anyway (the upsert locks it until the
/// commit); more waiters on a row lock make every hand-over slower, so the rest wait here.
const CREATES_PER_ACCOUNT: usize = 4;

/// One semaphore per account that created an invoice through this process (accounts are
/// few: the tenants of one deployment).
#[derive(Default)]
struct AccountTurns {
    accounts: std::sync::Mutex<std::collections::HashMap<String, Arc<tokio::sync::Semaphore>>>,
}

impl AccountTurns {
    async fn turn(&self, account_id: &str) -> tokio::sync::OwnedSemaphorePermit {
        let semaphore = {
            let mut accounts = self.accounts.lock().unwrap_or_else(|e| e.into_inner());
            accounts
                .entry(account_id.to_owned())
                .or_insert_with(|| Arc::new(tokio::sync::Semaphore::new(CREATES_PER_ACCOUNT)))
                .clone()
        };
        semaphore.acquire_owned().await.expect("never closed")
    }
}

impl PgStore {
    /// Connects to `url` (`postgres://user:password@host/database`).
    pub async fn connect(url: &str, max_connections: u32) -> StoreResult<PgStore> {
        let options = PgConnectOptions::from_str(url)?.application_name("portaal");
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await?;
        Ok(PgStore {
            write: pool.clone(),
            read: pool,
            keys: Arc::default(),
            creates: Arc::default(),
        })
    }

    /// A kept key, or the database's answer (kept if valid). The listener for revocations
    /// starts with the first lookup, so CLI commands never open it.
    async fn find_api_key_fast(&self, token_hash: &str) -> StoreResult<Option<ApiKeyRecord>> {
        self.keys.start(&self.read);
        if let Some(key) = self.keys.get(token_hash) {
            return Ok(Some(key));
        }
        let generation = self.keys.generation();
        let row: Option<super::sql::ApiKeyColumns> = sqlx::query_as(super::sql::API_KEY_BY_HASH)
            .bind(token_hash)
            .fetch_optional(&self.read)
            .await?;
        let key = row.map(|(id, account_id, scopes, rate_limit, revoked_at)| {
            super::sql::api_key_record(id, account_id, &scopes, rate_limit, revoked_at)
        });
        if let Some(key) = &key {
            self.keys.keep(token_hash, generation, key);
        }
        Ok(key)
    }

    /// Revokes the key and tells every process on this database: the notification is
    /// delivered when the update commits, and this process forgets its keys at once.
    async fn revoke_api_key_and_tell(&self, key_id: &str, at: jiff::Timestamp) -> StoreResult<()> {
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

    /// One transaction per invoice: PostgreSQL commits concurrent transactions side by side
    /// (and groups their WAL flushes itself).
    async fn insert_invoice(
        &self,
        account_id: &str,
        new: super::NewInvoiceRecord,
        events: std::sync::Arc<dyn super::EventRenderer>,
    ) -> StoreResult<super::CustomerInvoice> {
        let _turn = self.creates.turn(account_id).await;
        let mut tx = self.write.begin().await?;
        let created =
            Self::create_invoice_steps(&mut tx, account_id, &new, events.as_ref(), false).await?;
        tx.commit().await?;
        Ok(created)
    }
}

// Several instances claim from one outbox: each skips rows another is claiming.
super::sql::impl_store!(PgStore, sqlx::Postgres, MIGRATOR, "FOR UPDATE SKIP LOCKED");
