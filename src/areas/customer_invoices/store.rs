//! The customer invoices' store, and the rules of a create that both backends share. Its
//! SQL is `sql.rs`, compiled once per backend in `mod.rs`; how a create meets a commit differs
//! per backend (`group_commit.rs` on SQLite, `turns.rs` on PostgreSQL), but the checks,
//! the decision and the insert are the same code.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use async_trait::async_trait;
use jiff::Timestamp;

use super::model::{CustomerInvoice, InvoiceFilter, NewInvoiceRecord, due_date};
use crate::areas::customer_invoices::model::InvoiceId;
use crate::areas::customers::Customer;
use crate::areas::customers::model::CustomerId;
use crate::db::{Db, PageQuery, StoreError, StoreResult};
use crate::kernel::ids::AccountId;
use crate::kernel::input::{FieldErrors, add_error};
use crate::web::Context;

#[async_trait]
pub trait InvoiceStore: Send + Sync + 'static {
    /// In one atomic step: checks that the customer is a live customer of the account and
    /// the number is free (422, both reported), inserts the invoice, and counts it against
    /// the account's monthly limit (426). `new.invoice` is the invoice as it will be stored
    /// (`has_pdf`, `notification` set); its `invoice-created` event is rendered only if
    /// someone listens.
    async fn create_invoice(
        &self,
        account_id: &AccountId,
        new: NewInvoiceRecord,
        ctx: &Arc<Context>,
    ) -> StoreResult<CustomerInvoice>;
    async fn list_invoices(
        &self,
        account_id: &AccountId,
        filter: &InvoiceFilter,
        page: PageQuery,
    ) -> StoreResult<Vec<CustomerInvoice>>;
    async fn get_invoice(
        &self,
        account_id: &AccountId,
        invoice_id: &InvoiceId,
    ) -> StoreResult<CustomerInvoice>;
    /// Sets `paid_at` on an unpaid invoice; an invoice already paid keeps its first date (422).
    async fn mark_invoice_paid(
        &self,
        account_id: &AccountId,
        invoice_id: &InvoiceId,
        paid_at: Timestamp,
        ctx: &Context,
    ) -> StoreResult<CustomerInvoice>;
    async fn delete_invoice(
        &self,
        account_id: &AccountId,
        invoice_id: &InvoiceId,
        ctx: &Context,
    ) -> StoreResult<()>;
    /// The stored PDF of a live invoice of the account.
    async fn get_invoice_pdf(
        &self,
        account_id: &AccountId,
        invoice_id: &InvoiceId,
    ) -> StoreResult<Vec<u8>>;
    /// Keeps the first PDF rendered for an invoice (an issued invoice does not change) and
    /// returns whichever is stored.
    async fn keep_invoice_pdf(
        &self,
        account_id: &AccountId,
        invoice_id: &InvoiceId,
        bytes: Vec<u8>,
    ) -> StoreResult<Vec<u8>>;
    /// The UBL e-invoice kept for a live invoice of the account.
    async fn get_invoice_ubl(
        &self,
        account_id: &AccountId,
        invoice_id: &InvoiceId,
    ) -> StoreResult<Vec<u8>>;
    /// Keeps the first UBL e-invoice rendered for an invoice, as [`Self::keep_invoice_pdf`]
    /// keeps its PDF, and returns whichever is stored.
    async fn keep_invoice_ubl(
        &self,
        account_id: &AccountId,
        invoice_id: &InvoiceId,
        bytes: Vec<u8>,
    ) -> StoreResult<Vec<u8>>;
    /// Invoices counted against the limit in `month` (`YYYY-MM`).
    async fn invoices_counted(&self, account_id: &AccountId, month: &str) -> StoreResult<i64>;
    /// A live invoice by its ID alone, with its account: for the public page, which proves
    /// access with the invoice's token instead of an API key.
    async fn find_invoice(
        &self,
        invoice_id: &InvoiceId,
    ) -> StoreResult<(AccountId, CustomerInvoice)>;
    /// The invoice's customer, also when the customer was deleted later.
    async fn get_invoice_customer(
        &self,
        account_id: &AccountId,
        customer_id: &CustomerId,
    ) -> StoreResult<Customer>;
}

pub fn store(db: &Db) -> &dyn InvoiceStore {
    match db {
        Db::Sqlite(s) => s,
        Db::Postgres(p) => p,
    }
}

/// What one create's checks read, in the create's transaction.
#[derive(Debug, Clone, Copy)]
pub struct CreateCheck {
    pub customer_ok: bool,
    pub number_taken: bool,
    pub limit: Option<i64>,
    pub has_webhooks: bool,
    /// Invoices counted in the license month before this transaction's creates.
    pub counted: i64,
    pub payment_term_days: i64,
}

/// The message for an invoice number that an account already used.
pub const TAKEN: &str = "This invoiceNumber is already used by another invoice of this account.";

/// Decides the creates of one transaction in order, exactly as one create after another
/// would see them: a number taken earlier in the transaction is taken, and earlier creates
/// count against the limit. DECISIONS.md: validation (422) comes before the limit (426).
#[derive(Default)]
pub struct Decider<'a> {
    taken: HashSet<(&'a AccountId, &'a str)>,
    /// Creates accepted per (account, license month).
    pub added: HashMap<(&'a AccountId, &'a str), i64>,
}

impl<'a> Decider<'a> {
    /// The invoice to insert (its due date set), or why this create is refused.
    pub fn decide(
        &mut self,
        account_id: &'a AccountId,
        new: &'a NewInvoiceRecord,
        check: &CreateCheck,
    ) -> StoreResult<CustomerInvoice> {
        let number = (account_id, new.invoice.invoice_number.as_str());
        let number_taken = check.number_taken || self.taken.contains(&number);
        if let Some(errors) = create_errors(check.customer_ok, number_taken) {
            return Err(StoreError::Invalid(errors));
        }
        let month = (account_id, new.license_month.as_str());
        let in_transaction = self.added.get(&month).copied().unwrap_or(0);
        if let Some(limit) = check
            .limit
            .filter(|&limit| check.counted + in_transaction >= limit)
        {
            return Err(StoreError::LimitReached { limit });
        }
        self.taken.insert(number);
        *self.added.entry(month).or_insert(0) += 1;
        let mut invoice = new.invoice.clone();
        // The due date follows the account's payment term as this transaction reads it:
        // no separate account read before the create.
        invoice.due_at = due_date(invoice.issued_at, check.payment_term_days);
        Ok(invoice)
    }
}

/// The 422 of a create whose customer is not the account's or whose number is taken (both
/// reported); `None` when neither.
fn create_errors(customer_ok: bool, number_taken: bool) -> Option<FieldErrors> {
    let mut errors = FieldErrors::new();
    if !customer_ok {
        add_error(
            &mut errors,
            "customerId".into(),
            "The selected customerId is not a customer of this account.",
        );
    }
    if number_taken {
        add_error(&mut errors, "invoiceNumber".into(), TAKEN);
    }
    (!errors.is_empty()).then_some(errors)
}
