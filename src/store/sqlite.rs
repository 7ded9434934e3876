//! The embedded SQLite backend: one writer connection (SQLite allows one writer at a time,
//! so queueing in the pool beats retrying on `SQLITE_BUSY`, and check-then-insert steps
//! cannot race) and a pool of readers, WAL mode, `synchronous=FULL` so that every
//! acknowledged write survives a power cut.
//!
//! Invoice creates, the hot path, go through a group commit: a single task takes every
//! create waiting at that moment, checks them all with one query, decides each in arrival
//! order, writes the accepted ones with one insert and one counter update per account and
//! month, commits once, and only then answers them all. One fsync and a handful of
//! statements then carry many invoices, while each keeps its own checks and errors: a
//! create is refused (422, 426) without writing anything, and a group that fails otherwise
//! is retried create by create with the shared steps in `sql::invoices`.

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
    keys: Arc<KeyReaders>,
}

/// The API-key lookup that starts every request, on read-only connections of its own,
/// run on the calling thread. Through sqlx, each statement is handed to the connection's
/// own thread and back; for a lookup of a few microseconds, those two thread switches were
/// most of its cost (the create benchmark at 64 connections: 8,833 creates/s with the
/// hand-off, 9,937 with these connections). Reading the database on every request keeps a revocation,
/// even by another process, effective at once.
struct KeyReaders {
    path: std::path::PathBuf,
    idle: std::sync::Mutex<Vec<rusqlite::Connection>>,
}

/// Idle lookup connections kept open; more are opened while more requests wait.
const IDLE_KEY_READERS: usize = 4;

impl KeyReaders {
    fn find(&self, token_hash: &str) -> StoreResult<Option<super::ApiKeyRecord>> {
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
            .prepare_cached(super::sql::API_KEY_BY_HASH)?
            .query_row([token_hash], |row| {
                let scopes: String = row.get(2)?;
                Ok(super::sql::api_key_record(
                    row.get(0)?,
                    row.get(1)?,
                    &scopes,
                    row.get(3)?,
                    row.get(4)?,
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
        let (invoices, jobs) = mpsc::channel(4 * MAX_GROUP);
        tokio::spawn(group_commit(write.clone(), jobs));
        Ok(SqliteStore {
            write,
            read,
            invoices,
            keys,
        })
    }

    async fn find_api_key_fast(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<super::ApiKeyRecord>> {
        self.keys.find(token_hash)
    }

    async fn revoke_api_key_and_tell(&self, key_id: &str, at: jiff::Timestamp) -> StoreResult<()> {
        // Nothing to tell: every lookup reads the database.
        Self::mark_api_key_revoked(&self.write, key_id, at).await
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

/// The fast path: one transaction for the whole group, and a handful of statements for
/// all of it (each statement is a hop to sqlx's SQLite thread, which profiling showed to be
/// most of a create's cost): one query reads every create's checks, one insert writes every
/// accepted invoice, one upsert per account and month counts them. The checks are decided
/// here in arrival order, exactly as one create after another would see them: a number
/// taken earlier in the group is taken, and the group's own creates count against the
/// limit. A refusal (422, 426) writes nothing; any other error abandons the group (the
/// unique index on invoice numbers is the backstop) and the caller commits one by one.
async fn commit_together(
    write: &SqlitePool,
    group: &[InvoiceJob],
) -> StoreResult<Vec<StoreResult<CustomerInvoice>>> {
    use std::collections::{HashMap, HashSet};

    let mut tx = write.begin().await?;
    let checks = read_checks(&mut tx, group).await?;

    let mut taken: HashSet<(&str, &str)> = HashSet::new();
    let mut added: HashMap<(&str, &str), i64> = HashMap::new();
    let mut results = Vec::with_capacity(group.len());
    let mut accepted: Vec<(usize, CustomerInvoice)> = Vec::new();
    for (i, job) in group.iter().enumerate() {
        let check = &checks[i];
        let invoice = &job.new.invoice;
        let number = (job.account_id.as_str(), invoice.invoice_number.as_str());
        let number_taken = check.number_taken || taken.contains(&number);
        if let Some(errors) = super::sql::invoice_create_errors(check.customer_ok, number_taken) {
            results.push(Err(StoreError::Invalid(errors)));
            continue;
        }
        let month = (job.account_id.as_str(), job.new.license_month.as_str());
        let in_group = added.get(&month).copied().unwrap_or(0);
        if let Some(limit) = check
            .limit
            .filter(|&limit| check.counted + in_group >= limit)
        {
            results.push(Err(StoreError::LimitReached { limit }));
            continue;
        }
        taken.insert(number);
        *added.entry(month).or_insert(0) += 1;
        let mut invoice = invoice.clone();
        invoice.due_at =
            crate::domain::invoice::due_date(invoice.issued_at, check.payment_term_days);
        accepted.push((i, invoice.clone()));
        results.push(Ok(invoice));
    }

    insert_invoices(&mut tx, group, &accepted).await?;
    for (i, invoice) in &accepted {
        let job = &group[*i];
        if let Some(pdf) = &job.new.pdf {
            sqlx::query("INSERT INTO invoice_pdfs (invoice_id, bytes) VALUES ($1, $2)")
                .bind(&invoice.id)
                .bind(pdf.as_slice())
                .execute(&mut *tx)
                .await?;
        }
        let email = invoice.send_notification.then_some(invoice.id.as_str());
        let kind = crate::domain::events::EventType::InvoiceCreated;
        SqliteStore::record_known_event(
            &mut tx,
            &job.account_id,
            checks[*i].has_webhooks,
            email,
            || job.events.invoice_event(kind, invoice),
        )
        .await?;
    }
    for ((account_id, month), count) in &added {
        sqlx::query(
            "INSERT INTO invoice_month_counts (account_id, month, created) VALUES ($1, $2, $3)
             ON CONFLICT (account_id, month) DO UPDATE SET created = invoice_month_counts.created + excluded.created",
        )
        .bind(*account_id)
        .bind(*month)
        .bind(*count)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(results)
}

/// What one create's checks read, as of the start of the group.
struct Check {
    customer_ok: bool,
    number_taken: bool,
    limit: Option<i64>,
    has_webhooks: bool,
    counted: i64,
    payment_term_days: i64,
}

/// Every create's checks in one query, in the group's order.
async fn read_checks(
    tx: &mut sqlx::SqliteConnection,
    group: &[InvoiceJob],
) -> StoreResult<Vec<Check>> {
    // Anonymous `?` parameters: sqlx asks SQLite for each parameter's name, and for
    // numbered ones (`$n`) SQLite finds it by a linear search, which made binding a large
    // group quadratic (12 % of the writer thread in the profile).
    let values = (0..group.len())
        .map(|i| format!("({i}, ?, ?, ?, ?)"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "WITH req (i, account_id, customer_id, number, month) AS (VALUES {values})
         SELECT req.i,
            EXISTS (SELECT 1 FROM customers c
                     WHERE c.account_id = req.account_id AND c.id = req.customer_id AND c.deleted_at IS NULL),
            EXISTS (SELECT 1 FROM customer_invoices x
                     WHERE x.account_id = req.account_id AND x.invoice_number = req.number),
            a.monthly_invoice_limit,
            EXISTS (SELECT 1 FROM webhooks w
                     WHERE w.account_id = req.account_id AND w.type = 'invoice-created' AND w.deleted_at IS NULL),
            COALESCE((SELECT m.created FROM invoice_month_counts m
                       WHERE m.account_id = req.account_id AND m.month = req.month), 0),
            a.payment_term_days
         FROM req JOIN accounts a ON a.id = req.account_id
         ORDER BY req.i"
    );
    let mut query = sqlx::query_as::<_, (i64, bool, bool, Option<i64>, bool, i64, i64)>(&sql);
    for job in group {
        query = query
            .bind(&job.account_id)
            .bind(&job.new.invoice.customer_id)
            .bind(&job.new.invoice.invoice_number)
            .bind(&job.new.license_month);
    }
    let rows = query.fetch_all(&mut *tx).await?;
    if rows.len() != group.len() {
        // An unknown account: let the one-by-one path report it for that create alone.
        return Err(StoreError::NotFound);
    }
    Ok(rows
        .into_iter()
        .map(
            |(_, customer_ok, number_taken, limit, has_webhooks, counted, payment_term_days)| {
                Check {
                    customer_ok,
                    number_taken,
                    limit,
                    has_webhooks,
                    counted,
                    payment_term_days,
                }
            },
        )
        .collect())
}

/// The accepted invoices of a group in one statement.
async fn insert_invoices(
    tx: &mut sqlx::SqliteConnection,
    group: &[InvoiceJob],
    accepted: &[(usize, CustomerInvoice)],
) -> StoreResult<()> {
    const COLUMNS: usize = 15;
    if accepted.is_empty() {
        return Ok(());
    }
    // Anonymous parameters, as in `read_checks`.
    let row = format!("({})", vec!["?"; COLUMNS].join(", "));
    let values = vec![row.as_str(); accepted.len()].join(", ");
    let sql = format!(
        "INSERT INTO customer_invoices ({}) VALUES {values}",
        super::sql::INVOICE_INSERT_COLUMNS
    );
    let mut query = sqlx::query(&sql);
    for (i, invoice) in accepted {
        let job = &group[*i];
        let lines = super::rows::stored_lines(&invoice.content);
        query = query
            .bind(&invoice.id)
            .bind(&job.account_id)
            .bind(&invoice.customer_id)
            .bind(&invoice.invoice_number)
            .bind(invoice.issued_at.to_string())
            .bind(invoice.due_at.to_string())
            .bind(&invoice.currency)
            .bind(invoice.amount.cents())
            .bind(lines)
            .bind(job.new.pdf.is_some())
            .bind(invoice.paid_at.map(super::to_micros))
            .bind(&invoice.payment_token)
            .bind(invoice.send_notification)
            .bind(invoice.send_notification.then_some("queued"))
            .bind(super::to_micros(invoice.created_at));
    }
    query.execute(&mut *tx).await?;
    Ok(())
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
