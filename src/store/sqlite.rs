//! The embedded SQLite backend: one writer connection (SQLite allows one writer at a time,
//! so queueing in the pool beats retrying on `SQLITE_BUSY`, and check-then-insert steps
//! cannot race) and a pool of readers, WAL mode, `synchronous=FULL` so that every
//! acknowledged write survives a power cut.
//!
//! Invoice creates, the hot path, go through a group commit: a single task takes every
//! create waiting at that moment, runs each in a savepoint of one transaction (a failing
//! create rolls back only its own savepoint), commits once, and only then answers them
//! all. One fsync then carries many invoices, while each keeps its own checks and errors.

use std::str::FromStr;
use std::time::Duration;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use tokio::sync::{mpsc, oneshot};

use super::{CustomerInvoice, NewEvent, NewInvoiceRecord, StoreError, StoreResult};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");

#[derive(Clone)]
pub struct SqliteStore {
    write: SqlitePool,
    read: SqlitePool,
    invoices: mpsc::Sender<InvoiceJob>,
}

/// One invoice create waiting for the group commit.
struct InvoiceJob {
    account_id: String,
    new: NewInvoiceRecord,
    event: NewEvent,
    reply: oneshot::Sender<StoreResult<CustomerInvoice>>,
}

/// The most creates one commit carries; more wait for the next.
const MAX_GROUP: usize = 256;

impl SqliteStore {
    /// Opens (creating if needed) the database at `url` (`sqlite:path/to/file.db`).
    pub async fn connect(url: &str) -> StoreResult<SqliteStore> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5))
            .pragma("temp_store", "memory");
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
        let (invoices, jobs) = mpsc::channel(4 * MAX_GROUP);
        tokio::spawn(group_commit(write.clone(), jobs));
        Ok(SqliteStore {
            write,
            read,
            invoices,
        })
    }

    async fn insert_invoice(
        &self,
        account_id: &str,
        new: NewInvoiceRecord,
        event: NewEvent,
    ) -> StoreResult<CustomerInvoice> {
        let (reply, answer) = oneshot::channel();
        let job = InvoiceJob {
            account_id: account_id.to_owned(),
            new,
            event,
            reply,
        };
        self.invoices.send(job).await.map_err(|_| closed())?;
        answer.await.map_err(|_| closed())?
    }

    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }
}

// One writer: a claim cannot race another, so no row locks are needed.
fn closed() -> StoreError {
    StoreError::Database(sqlx::Error::PoolClosed)
}

/// Runs until every sender is gone: waits for a create, takes all others waiting, commits
/// them together.
async fn group_commit(write: SqlitePool, mut jobs: mpsc::Receiver<InvoiceJob>) {
    let mut group = Vec::with_capacity(MAX_GROUP);
    while jobs.recv_many(&mut group, MAX_GROUP).await > 0 {
        let results = commit_group(&write, &group).await;
        for (job, result) in group.drain(..).zip(results) {
            // The caller may have gone (client hung up); the invoice is stored all the same.
            let _ = job.reply.send(result);
        }
    }
}

async fn commit_group(
    write: &SqlitePool,
    group: &[InvoiceJob],
) -> Vec<StoreResult<CustomerInvoice>> {
    let attempt = async {
        let mut tx = write.begin().await?;
        let mut results = Vec::with_capacity(group.len());
        for job in group {
            sqlx::query("SAVEPOINT invoice").execute(&mut *tx).await?;
            let result = SqliteStore::create_invoice_steps(
                &mut tx,
                &job.account_id,
                &job.new,
                job.event.clone(),
            )
            .await;
            if result.is_err() {
                sqlx::query("ROLLBACK TO invoice").execute(&mut *tx).await?;
            }
            sqlx::query("RELEASE invoice").execute(&mut *tx).await?;
            results.push(result);
        }
        tx.commit().await?;
        Ok::<_, sqlx::Error>(results)
    };
    match attempt.await {
        Ok(results) => results,
        // Nothing of the group was committed: every create in it failed.
        Err(e) => {
            tracing::error!(error = %e, creates = group.len(), "a group commit of invoices failed");
            group
                .iter()
                .map(|_| {
                    Err(StoreError::Database(sqlx::Error::Protocol(format!(
                        "group commit failed: {e}"
                    ))))
                })
                .collect()
        }
    }
}

super::sql::impl_store!(SqliteStore, sqlx::Sqlite, MIGRATOR, "");
