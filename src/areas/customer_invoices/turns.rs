//! PostgreSQL's invoice creates: one transaction each (PostgreSQL commits concurrent
//! transactions side by side and groups their WAL flushes itself), with at most
//! [`CREATES_PER_ACCOUNT`] of one account's creates at the database at a time.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::model::{CustomerInvoice, NewInvoiceRecord};
use crate::db::StoreResult;
use crate::db::postgres::Backend;
use crate::kernel::ids::AccountId;
use crate::web::Context;

/// How many creates of one account this process runs against the database at a time.
/// They all wait for the account's counter row anyway (the upsert locks it until the
/// commit); more waiters on a row lock make every hand-over slower, so the rest wait here
/// (the measurements behind 4: bench/README.md, "Issue 7, second pass", item 5).
const CREATES_PER_ACCOUNT: usize = 4;

/// One semaphore per account that created an invoice through this process (accounts are
/// few: the tenants of one deployment).
#[derive(Default)]
struct AccountTurns(Mutex<HashMap<AccountId, Arc<Semaphore>>>);

impl AccountTurns {
    async fn turn(&self, account_id: &AccountId) -> OwnedSemaphorePermit {
        let semaphore = {
            let mut accounts = self.0.lock().unwrap_or_else(|e| e.into_inner());
            accounts
                .entry(account_id.clone())
                .or_insert_with(|| Arc::new(Semaphore::new(CREATES_PER_ACCOUNT)))
                .clone()
        };
        semaphore.acquire_owned().await.expect("never closed")
    }
}

impl Backend {
    pub(super) async fn insert_invoice(
        &self,
        account_id: &AccountId,
        new: NewInvoiceRecord,
        ctx: &Arc<Context>,
    ) -> StoreResult<CustomerInvoice> {
        let turns = self.slots.get_or_init(AccountTurns::default);
        let _turn = turns.turn(account_id).await;
        let mut tx = self.write.begin().await?;
        let created = Self::create_invoice_alone(&mut tx, account_id, &new, ctx, false).await?;
        tx.commit().await?;
        Ok(created)
    }
}
