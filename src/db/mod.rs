//! The databases: SQLite (embedded) and PostgreSQL (several instances), opened and migrated
//! here, and handed to the areas as one [`Db`].
//!
//! Each area keeps its own SQL in `src/areas/<area>/sql.rs`: ordinary Rust written against
//! two aliases, `DB` (the sqlx database) and `Backend` (this module's store type of that
//! database, with its `write` and `read` pools), and compiled once per backend by the
//! area's `store.rs` (see CONTRIBUTING.md). Every store method is one transaction, takes
//! the account first, and never finds an object of another account.

mod key_cache;
pub mod keys;
pub mod postgres;
mod slots;
pub mod sqlite;

use jiff::Timestamp;
use sqlx::migrate::MigrateError;

use crate::kernel::input::FieldErrors;

pub use keys::ApiKeyRecord;
pub use slots::Slots;

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// The request does not fit stored data (a taken number, an unknown customer): messages
    /// by field path, answered as a 422.
    #[error("invalid: {0:?}")]
    Invalid(FieldErrors),
    /// The change does not fit the object's state (closing a closed link): a 422 with this
    /// message.
    #[error("refused: {0}")]
    Refused(String),
    #[error("the account's monthly invoice limit of {limit} is reached")]
    LimitReached { limit: i64 },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Migration(#[from] MigrateError),
    /// From the SQLite store's own connections (the API-key lookup).
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}

impl StoreError {
    /// A 422 on one field.
    pub fn invalid(field: &str, message: impl Into<String>) -> StoreError {
        let mut errors = FieldErrors::new();
        errors.insert(field.to_owned(), vec![message.into()]);
        StoreError::Invalid(errors)
    }

    /// A stored value this build cannot read back.
    pub fn decode(message: impl Into<String>) -> StoreError {
        StoreError::Database(sqlx::Error::Decode(message.into().into()))
    }
}

/// The database of this deployment: a handle to one backend, cheap to clone. An area
/// reaches its store with `<area>::store(&db)`.
#[derive(Clone)]
pub enum Db {
    Sqlite(sqlite::Backend),
    Postgres(postgres::Backend),
}

impl Db {
    /// Opens the database named by `url` (`sqlite:PATH` or `postgres://...`) and applies
    /// pending migrations; a database that a newer portaal migrated is refused.
    pub async fn open(url: &str) -> anyhow::Result<Db> {
        use anyhow::Context;
        let db = if let Some(path) = url.strip_prefix("sqlite:") {
            let path = path.trim_start_matches("//");
            let file = path.split('?').next().unwrap_or(path);
            if let Some(dir) = std::path::Path::new(file)
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
            {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating the data folder {}", dir.display()))?;
            }
            Db::Sqlite(
                sqlite::Backend::connect(url)
                    .await
                    .context("opening the SQLite database")?,
            )
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Db::Postgres(postgres::Backend::connect(url, 16).await.with_context(|| {
                format!("connecting to {}", crate::kernel::net::redact_url(url))
            })?)
        } else {
            anyhow::bail!(
                "unsupported database URL `{}`: use sqlite:PATH or postgres://USER@HOST/DATABASE",
                crate::kernel::net::redact_url(url)
            )
        };
        match db.migrate().await {
            Err(StoreError::Migration(MigrateError::VersionMissing(version))) => anyhow::bail!(
                "this database was migrated by a newer portaal (it has migration {version}, \
                 which this build does not know); run that newer portaal, or restore a backup \
                 made for this one"
            ),
            other => other.context("migrating the database")?,
        }
        Ok(db)
    }

    /// Applies pending migrations.
    pub async fn migrate(&self) -> StoreResult<()> {
        match self {
            Db::Sqlite(s) => s.migrate().await,
            Db::Postgres(p) => p.migrate().await,
        }
    }

    /// The key that authenticates a request, by the SHA-256 of its token (see [`keys`]).
    pub async fn find_api_key(&self, token_hash: &str) -> StoreResult<Option<ApiKeyRecord>> {
        match self {
            Db::Sqlite(s) => s.find_api_key(token_hash),
            Db::Postgres(p) => p.find_api_key(token_hash).await,
        }
    }

    /// Revokes a key and makes every process on this database stop accepting it.
    pub async fn revoke_api_key(&self, key_id: &str, at: Timestamp) -> StoreResult<()> {
        match self {
            Db::Sqlite(s) => s.revoke_api_key(key_id, at).await,
            Db::Postgres(p) => p.revoke_api_key(key_id, at).await,
        }
    }

    /// Turns the account's feature modules on or off (`disabled` is the set that is off),
    /// effective for every process's next request.
    pub async fn set_disabled_modules(
        &self,
        account_id: &crate::kernel::ids::AccountId,
        disabled: crate::kernel::features::ModuleSet,
    ) -> StoreResult<()> {
        match self {
            Db::Sqlite(s) => s.set_disabled_modules(account_id, disabled).await,
            Db::Postgres(p) => p.set_disabled_modules(account_id, disabled).await,
        }
    }

    /// A deployment-wide value, created with `init` by the first instance that asks.
    pub async fn setting_or_insert(&self, key: &str, init: String) -> StoreResult<String> {
        match self {
            Db::Sqlite(s) => s.setting_or_insert(key, init).await,
            Db::Postgres(p) => p.setting_or_insert(key, init).await,
        }
    }

    /// Stores a setting unless it exists; `true` when this call stored it. Lets one of
    /// several instances starting at once claim a one-time task.
    pub async fn insert_setting(&self, key: &str, value: &str) -> StoreResult<bool> {
        match self {
            Db::Sqlite(s) => s.insert_setting(key, value).await,
            Db::Postgres(p) => p.insert_setting(key, value).await,
        }
    }
}

/// One page of a list, newest first. `limit` rows are asked for; the store returns up to
/// `limit + 1` so the caller can tell whether a next page exists without counting.
#[derive(Debug, Clone, Copy)]
pub struct PageQuery {
    pub offset: u64,
    pub limit: u64,
}

impl PageQuery {
    /// The `LIMIT` to ask for: one row more than the page.
    pub fn fetch(&self) -> i64 {
        (self.limit + 1) as i64
    }

    pub fn skip(&self) -> i64 {
        self.offset as i64
    }
}

/// Microseconds since the epoch: the storage form of every timestamp.
pub fn to_micros(at: Timestamp) -> i64 {
    at.as_microsecond()
}

pub fn from_micros(micros: i64) -> Timestamp {
    Timestamp::from_microsecond(micros).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// `NotFound` when a statement changed no row.
pub fn one_changed(rows_affected: u64) -> StoreResult<()> {
    if rows_affected == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// Maps a unique-constraint violation to a 422 on `field`; other errors pass through.
pub fn invalid_if_taken(
    field: &'static str,
    message: &'static str,
) -> impl Fn(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::invalid(field, message)
        }
        _ => StoreError::Database(e),
    }
}

/// A stored `YYYY-MM-DD` date.
pub fn decode_date(text: &str) -> StoreResult<jiff::civil::Date> {
    text.parse()
        .map_err(|e: jiff::Error| StoreError::Database(sqlx::Error::Decode(Box::new(e))))
}
