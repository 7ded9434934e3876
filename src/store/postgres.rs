//! The PostgreSQL backend, for several portaal processes on one database: the same SQL as
//! SQLite (see `store::sql`), one pool for reads and writes.

use std::str::FromStr;
use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use super::StoreResult;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

#[derive(Clone)]
pub struct PgStore {
    write: PgPool,
    /// The same pool as `write`; kept apart so the shared SQL reads the same on both backends.
    read: PgPool,
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
        })
    }

    /// One transaction per invoice: PostgreSQL commits concurrent transactions side by side
    /// (and groups their WAL flushes itself).
    async fn insert_invoice(
        &self,
        account_id: &str,
        new: super::NewInvoiceRecord,
        events: std::sync::Arc<dyn super::EventRenderer>,
    ) -> StoreResult<super::CustomerInvoice> {
        let mut tx = self.write.begin().await?;
        let created =
            Self::create_invoice_steps(&mut tx, account_id, &new, events.as_ref(), false).await?;
        tx.commit().await?;
        Ok(created)
    }
}

// Several instances claim from one outbox: each skips rows another is claiming.
super::sql::impl_store!(PgStore, sqlx::Postgres, MIGRATOR, "FOR UPDATE SKIP LOCKED");
