//! The embedded SQLite backend: one writer connection (SQLite allows one writer at a time,
//! so queueing in the pool beats retrying on `SQLITE_BUSY`, and check-then-insert steps
//! cannot race) and a pool of readers, WAL mode, `synchronous=FULL` so that every
//! acknowledged write survives a power cut.
//!
//! Invoice creates, the hot path, go through a group commit: a single task takes every
//! create waiting at that moment, runs them one after another in one transaction, commits
//! once, and only then answers them all. One fsync then carries many invoices, while each
//! keeps its own checks and errors: a create is refused (422, 426) before it writes
//! anything, and a group that fails otherwise is retried create by create.

use std::str::FromStr;
use std::time::Duration;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use tokio::sync::{mpsc, oneshot};

use std::sync::Arc;

use super::{CustomerInvoice, EventRenderer, NewInvoiceRecord, StoreError, StoreResult};

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
    events: Arc<dyn EventRenderer>,
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
        events: Arc<dyn EventRenderer>,
    ) -> StoreResult<CustomerInvoice> {
        let (reply, answer) = oneshot::channel();
        let job = InvoiceJob {
            account_id: account_id.to_owned(),
            new,
            events,
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
        tracing::debug!(creates = group.len(), "invoice group committed");
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
    match commit_together(write, group).await {
        Ok(results) => results,
        Err(e) => {
            // Nothing of the group was committed. Try each create alone, so that one that
            // cannot be stored does not take the others down with it.
            tracing::warn!(error = %e, creates = group.len(), "a group commit failed; committing one by one");
            let mut results = Vec::with_capacity(group.len());
            for job in group {
                results.push(commit_alone(write, job).await);
            }
            results
        }
    }
}

/// The fast path: one transaction for the whole group. A refusal (422, 426) comes before
/// any write of its create (`single_writer` steps), so the others go on; any other error
/// abandons the group.
async fn commit_together(
    write: &SqlitePool,
    group: &[InvoiceJob],
) -> StoreResult<Vec<StoreResult<CustomerInvoice>>> {
    let mut tx = write.begin().await?;
    let mut results = Vec::with_capacity(group.len());
    for job in group {
        match SqliteStore::create_invoice_steps(
            &mut tx,
            &job.account_id,
            &job.new,
            job.events.as_ref(),
            true,
        )
        .await
        {
            Ok(created) => results.push(Ok(created)),
            Err(refused @ (StoreError::Invalid(_) | StoreError::LimitReached { .. })) => {
                results.push(Err(refused))
            }
            Err(other) => return Err(other),
        }
    }
    tx.commit().await?;
    Ok(results)
}

async fn commit_alone(write: &SqlitePool, job: &InvoiceJob) -> StoreResult<CustomerInvoice> {
    let mut tx = write.begin().await?;
    let created = SqliteStore::create_invoice_steps(
        &mut tx,
        &job.account_id,
        &job.new,
        job.events.as_ref(),
        true,
    )
    .await?;
    tx.commit().await?;
    Ok(created)
}

super::sql::impl_store!(SqliteStore, sqlx::Sqlite, MIGRATOR, "");
