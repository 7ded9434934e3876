//! SQLite's invoice creates: a group commit. A single task takes every create waiting at
//! that moment, checks them all with one query, decides each in arrival order, writes the
//! accepted ones with one insert and one counter update per account and month, commits
//! once, and only then answers them all. One fsync and a handful of statements then carry
//! many invoices (each statement is a hop to sqlx's SQLite thread, which profiling showed
//! to be most of a create's cost), while each create keeps its own checks and errors: a
//! create is refused (422, 426) without writing anything, and a group that fails otherwise
//! is committed create by create. The statements are the ones every create runs (`sql.rs`).

use std::sync::Arc;

use sqlx::SqlitePool;
use tokio::sync::{mpsc, oneshot};

use super::model::{CustomerInvoice, NewInvoiceRecord};
use super::store::Decider;
use crate::areas::events::Event;
use crate::db::sqlite::Backend;
use crate::db::{StoreError, StoreResult};
use crate::kernel::ids::AccountId;
use crate::web::Context;

/// The most creates one commit carries; more wait for the next.
const MAX_GROUP: usize = 256;

/// One invoice create waiting for the group commit.
struct InvoiceJob {
    account_id: AccountId,
    new: NewInvoiceRecord,
    ctx: Arc<Context>,
    reply: oneshot::Sender<StoreResult<CustomerInvoice>>,
}

/// The queue of one database's group commit (its task runs while the queue exists).
struct GroupCommit(mpsc::Sender<InvoiceJob>);

impl GroupCommit {
    fn start(write: SqlitePool) -> GroupCommit {
        let (jobs, queue) = mpsc::channel(4 * MAX_GROUP);
        tokio::spawn(run(write, queue));
        GroupCommit(jobs)
    }
}

impl Backend {
    /// Hands the create to the group commit and waits for its commit.
    pub(super) async fn insert_invoice(
        &self,
        account_id: &AccountId,
        new: NewInvoiceRecord,
        ctx: &Arc<Context>,
    ) -> StoreResult<CustomerInvoice> {
        let commit = self
            .slots
            .get_or_init(|| GroupCommit::start(self.write.clone()));
        let (reply, answer) = oneshot::channel();
        let job = InvoiceJob {
            account_id: account_id.clone(),
            new,
            ctx: Arc::clone(ctx),
            reply,
        };
        commit.0.send(job).await.map_err(|_| closed())?;
        answer.await.map_err(|_| closed())?
    }
}

fn closed() -> StoreError {
    StoreError::Database(sqlx::Error::PoolClosed)
}

/// Runs until every sender is gone: waits for a create, takes all others waiting, commits
/// them together.
async fn run(write: SqlitePool, mut jobs: mpsc::Receiver<InvoiceJob>) {
    let mut group = Vec::with_capacity(MAX_GROUP);
    while jobs.recv_many(&mut group, MAX_GROUP).await > 0 {
        let results = match commit_together(&write, &group).await {
            Ok(results) => results,
            Err(e) => {
                // Nothing of the group was committed. Try each create alone, so that one
                // that cannot be stored does not take the others down with it.
                tracing::warn!(error = %e, creates = group.len(), "a group commit failed; committing one by one");
                let mut results = Vec::with_capacity(group.len());
                for job in &group {
                    results.push(commit_alone(&write, job).await);
                }
                results
            }
        };
        tracing::debug!(creates = group.len(), "invoice group committed");
        for (job, result) in group.drain(..).zip(results) {
            // The caller may have gone (client hung up); the invoice is stored all the same.
            let _ = job.reply.send(result);
        }
    }
}

/// The whole group in one transaction. A refusal (422, 426) writes nothing; any other
/// error abandons the group (the unique index on invoice numbers is the backstop).
async fn commit_together(
    write: &SqlitePool,
    group: &[InvoiceJob],
) -> StoreResult<Vec<StoreResult<CustomerInvoice>>> {
    let mut tx = write.begin().await?;
    let creates: Vec<(&AccountId, &NewInvoiceRecord)> = group
        .iter()
        .map(|job| (&job.account_id, &job.new))
        .collect();
    let checks = Backend::invoice_checks(&mut tx, &creates).await?;
    let mut decider = Decider::default();
    let mut results = Vec::with_capacity(group.len());
    let mut accepted: Vec<(usize, CustomerInvoice)> = Vec::new();
    for (i, (account_id, new)) in creates.iter().enumerate() {
        match decider.decide(account_id, new, &checks[i]) {
            Ok(invoice) => {
                accepted.push((i, invoice.clone()));
                results.push(Ok(invoice));
            }
            Err(refused) => results.push(Err(refused)),
        }
    }
    let rows: Vec<(&AccountId, &CustomerInvoice, bool)> = accepted
        .iter()
        .map(|(i, invoice)| (creates[*i].0, invoice, group[*i].new.pdf.is_some()))
        .collect();
    Backend::insert_invoices(&mut tx, &rows).await?;
    for (i, invoice) in &accepted {
        let job = &group[*i];
        if let Some(pdf) = &job.new.pdf {
            Backend::insert_invoice_pdf(&mut tx, &invoice.id, pdf).await?;
        }
        let email = invoice.send_notification.then_some(invoice.id.as_str());
        Backend::record_known_event(
            &mut tx,
            &job.account_id,
            checks[*i].has_webhooks,
            email,
            || Event::InvoiceCreated(invoice.clone()).render(&job.ctx),
        )
        .await?;
    }
    for ((account_id, month), created) in &decider.added {
        Backend::count_created(&mut tx, account_id, month, *created).await?;
    }
    tx.commit().await?;
    Ok(results)
}

async fn commit_alone(write: &SqlitePool, job: &InvoiceJob) -> StoreResult<CustomerInvoice> {
    let mut tx = write.begin().await?;
    let created =
        Backend::create_invoice_alone(&mut tx, &job.account_id, &job.new, &job.ctx, true).await?;
    tx.commit().await?;
    Ok(created)
}

/// One create in the caller's transaction, with the statements every create runs: for the
/// benchmark's limit (`examples/sqlite_limit.rs`), which measures them without the group
/// commit, HTTP or authentication in front.
pub async fn create_in_transaction(
    conn: &mut sqlx::SqliteConnection,
    account_id: &AccountId,
    new: &NewInvoiceRecord,
    ctx: &Context,
) -> StoreResult<CustomerInvoice> {
    Backend::create_invoice_alone(conn, account_id, new, ctx, true).await
}
