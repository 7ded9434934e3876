//! The embedded SQLite backend: one writer connection (SQLite allows one writer at a time,
//! so queueing in the pool beats retrying on `SQLITE_BUSY`, and check-then-insert steps
//! cannot race) and a pool of readers, WAL mode, `synchronous=FULL` so that every
//! acknowledged write survives a power cut.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use super::keys::{self, ApiKeyRecord};
use super::{Slots, StoreResult};
use crate::kernel::ids::AccountId;

/// The sqlx database of this backend, for the areas' `sql.rs`.
pub type DB = sqlx::Sqlite;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");

#[derive(Clone)]
pub struct Backend {
    pub write: SqlitePool,
    pub read: SqlitePool,
    keys: Arc<KeyReaders>,
    /// State the areas keep per database (the invoice group commit).
    pub slots: Arc<Slots>,
}

/// The API-key lookup that starts every request, on read-only connections of its own,
/// run on the calling thread. Through sqlx, each statement is handed to the connection's
/// own thread and back; for a lookup of a few microseconds those two thread switches were
/// most of its cost (bench/README.md, "Issue 7, second pass"). Reading the database on
/// every request keeps a revocation, even by another process, effective at once.
struct KeyReaders {
    path: std::path::PathBuf,
    idle: std::sync::Mutex<Vec<rusqlite::Connection>>,
}

/// Idle lookup connections kept open; more are opened while more requests wait.
const IDLE_KEY_READERS: usize = 4;

impl KeyReaders {
    fn find(&self, token_hash: &str) -> StoreResult<Option<ApiKeyRecord>> {
        use rusqlite::OptionalExtension;
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let conn = match idle {
            Some(conn) => conn,
            None => {
                let conn = rusqlite::Connection::open_with_flags(
                    &self.path,
                    rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                        | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                conn.busy_timeout(Duration::from_secs(5))?;
                conn
            }
        };
        let key = conn
            .prepare_cached(keys::API_KEY_BY_HASH)?
            .query_row([token_hash], |row| {
                let scopes: String = row.get(2)?;
                let disabled_modules: String = row.get(5)?;
                Ok(keys::api_key_record(
                    row.get(0)?,
                    AccountId::from_stored(row.get(1)?),
                    &scopes,
                    row.get(3)?,
                    row.get(4)?,
                    &disabled_modules,
                ))
            })
            .optional()?;
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < IDLE_KEY_READERS {
            idle.push(conn);
        }
        Ok(key)
    }
}

impl Backend {
    /// Opens (creating if needed) the database at `url` (`sqlite:path/to/file.db`).
    pub async fn connect(url: &str) -> StoreResult<Backend> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5))
            .pragma("temp_store", "memory");
        let keys = Arc::new(KeyReaders {
            path: options.get_filename().to_owned(),
            idle: Default::default(),
        });
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options.clone())
            .await?;
        let read = SqlitePoolOptions::new()
            .max_connections(4)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options.read_only(true))
            .await?;
        Ok(Backend {
            write,
            read,
            keys,
            slots: Arc::default(),
        })
    }

    pub async fn migrate(&self) -> StoreResult<()> {
        MIGRATOR.run(&self.write).await?;
        Ok(())
    }

    pub(super) fn find_api_key(&self, token_hash: &str) -> StoreResult<Option<ApiKeyRecord>> {
        self.keys.find(token_hash)
    }

    pub(super) async fn revoke_api_key(
        &self,
        key_id: &str,
        at: jiff::Timestamp,
    ) -> StoreResult<()> {
        // Nothing to tell: every lookup reads the database.
        Self::mark_api_key_revoked(&self.write, key_id, at).await
    }

    pub(super) async fn set_disabled_modules(
        &self,
        account_id: &AccountId,
        disabled: crate::kernel::features::ModuleSet,
    ) -> StoreResult<()> {
        // Every key lookup reads the account's modules from the database.
        Self::store_disabled_modules(&self.write, account_id, disabled).await
    }

    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }
}

#[path = "common.rs"]
mod common;

impl Backend {
    /// What an outbox claim appends to its row selection: nothing, one writer cannot race.
    pub const SKIP_LOCKED: &str = "";

    /// `count` anonymous parameters (`?, ?, ...`). sqlx asks SQLite for each parameter's
    /// name when it binds, and for numbered ones (`$n`) SQLite finds the name by a linear
    /// search, which made binding a large statement quadratic (bench/README.md, "Issue 7,
    /// second pass", item 2). `_first` is the number PostgreSQL would start from.
    pub fn params(_first: usize, count: usize) -> String {
        vec!["?"; count].join(", ")
    }
}
