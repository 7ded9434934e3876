//! Persistence behind the `Store` traits: every method is one transaction, takes the account
//! first, and never finds an object of another account. `sqlite` is the embedded backend,
//! `postgres` the one for several instances; both run the SQL in `sql`.

mod key_cache;
mod payment_rows;
mod payments;
pub mod postgres;
mod rows;
mod sql;
pub mod sqlite;

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;

use crate::domain::customer::{CustomerPatch, NewCustomer};
use crate::domain::events::EventType;
use crate::domain::input::FieldErrors;
use crate::domain::invoice::ManualLine;
use crate::domain::money::Money;
use crate::domain::scopes::Scope;

pub use payments::{LinkStatus, Payment, PaymentLink, PaymentStore, PaymentTarget, PaymentUpdate};

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
    Migration(#[from] sqlx::migrate::MigrateError),
    /// From the SQLite store's own connections (the API-key lookup).
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    pub name: String,
    pub monthly_invoice_limit: Option<i64>,
    pub payment_term_days: i64,
    /// The language of e-mails to customers: `nl` or `en`.
    pub locale: String,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone)]
pub struct NewAccount {
    pub id: String,
    pub name: String,
    pub monthly_invoice_limit: Option<i64>,
    pub created_at: Timestamp,
}

/// `None` leaves a value unchanged; `Some(None)` clears the limit (unlimited).
#[derive(Debug, Clone, Default)]
pub struct AccountPatch {
    pub name: Option<String>,
    pub monthly_invoice_limit: Option<Option<i64>>,
    pub payment_term_days: Option<i64>,
    /// `nl` or `en`.
    pub locale: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewApiKey {
    pub id: String,
    pub account_id: String,
    pub token_hash: String,
    pub scopes: Vec<Scope>,
    pub rate_limit: Option<i64>,
    pub created_at: Timestamp,
}

/// What authentication needs to know about a key.
#[derive(Debug, Clone)]
pub struct ApiKeyRecord {
    pub id: String,
    pub account_id: String,
    pub scopes: Vec<Scope>,
    pub rate_limit: Option<i64>,
    pub revoked: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    pub id: String,
    pub company_name: String,
    pub address: String,
    pub zip_code: String,
    pub city: String,
    pub country_code: String,
    pub primary_email: String,
    pub phone: Option<String>,
    pub integration: Option<String>,
    pub integration_id: Option<String>,
    /// IDs of the groups the customer belongs to, oldest membership first.
    pub customer_groups: Vec<String>,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerGroup {
    pub id: String,
    pub name: String,
    pub created_at: Timestamp,
}

/// One page of a list, newest first. `limit` rows are asked for; the store returns up to
/// `limit + 1` so the caller can tell whether a next page exists without counting.
#[derive(Debug, Clone, Copy)]
pub struct PageQuery {
    pub offset: u64,
    pub limit: u64,
}

/// Everything the server stores; each backend implements every part.
pub trait Store:
    AccountStore
    + CustomerStore
    + GroupStore
    + InvoiceStore
    + OutboxStore
    + PaymentStore
    + IdempotencyStore
{
}
impl<T> Store for T where
    T: AccountStore
        + CustomerStore
        + GroupStore
        + InvoiceStore
        + OutboxStore
        + PaymentStore
        + IdempotencyStore
{
}

/// Schema, deployment settings, accounts and API keys.
#[async_trait]
pub trait AccountStore: Send + Sync + 'static {
    /// Applies pending migrations; refuses a database migrated by a newer portaal.
    async fn migrate(&self) -> StoreResult<()>;
    /// A deployment-wide value, created with `init` by the first instance that asks.
    async fn setting_or_insert(&self, key: &str, init: String) -> StoreResult<String>;
    /// Stores a setting unless it exists; `true` when this call stored it. Lets one of
    /// several instances starting at once claim a one-time task.
    async fn insert_setting(&self, key: &str, value: &str) -> StoreResult<bool>;

    async fn count_accounts(&self) -> StoreResult<i64>;
    async fn create_account(&self, new: NewAccount) -> StoreResult<Account>;
    async fn get_account(&self, account_id: &str) -> StoreResult<Account>;
    async fn update_account(&self, account_id: &str, patch: AccountPatch) -> StoreResult<Account>;

    async fn create_api_key(&self, key: NewApiKey) -> StoreResult<()>;
    async fn find_api_key(&self, token_hash: &str) -> StoreResult<Option<ApiKeyRecord>>;
    async fn revoke_api_key(&self, key_id: &str, at: Timestamp) -> StoreResult<()>;
}

/// Customers, soft-deleted so invoices keep their owner.
#[async_trait]
pub trait CustomerStore: Send + Sync + 'static {
    async fn list_customers(&self, account_id: &str, page: PageQuery)
    -> StoreResult<Vec<Customer>>;
    async fn get_customer(&self, account_id: &str, customer_id: &str) -> StoreResult<Customer>;
    async fn create_customer(
        &self,
        account_id: &str,
        id: &str,
        new: &NewCustomer,
        at: Timestamp,
        events: &dyn EventRenderer,
    ) -> StoreResult<Customer>;
    async fn update_customer(
        &self,
        account_id: &str,
        customer_id: &str,
        patch: &CustomerPatch,
    ) -> StoreResult<Customer>;
    async fn delete_customer(
        &self,
        account_id: &str,
        customer_id: &str,
        at: Timestamp,
        events: &dyn EventRenderer,
    ) -> StoreResult<()>;
}

/// Customer groups and their memberships.
#[async_trait]
pub trait GroupStore: Send + Sync + 'static {
    async fn list_customer_groups(
        &self,
        account_id: &str,
        page: PageQuery,
    ) -> StoreResult<Vec<CustomerGroup>>;
    async fn get_customer_group(
        &self,
        account_id: &str,
        group_id: &str,
    ) -> StoreResult<CustomerGroup>;
    /// Creates a group with the given members; IDs that are not live customers of the
    /// account are skipped, as the reference documents.
    async fn create_customer_group(
        &self,
        account_id: &str,
        id: &str,
        name: &str,
        customer_ids: &[String],
        at: Timestamp,
    ) -> StoreResult<CustomerGroup>;
    async fn rename_customer_group(
        &self,
        account_id: &str,
        group_id: &str,
        name: &str,
    ) -> StoreResult<CustomerGroup>;
    async fn delete_customer_group(&self, account_id: &str, group_id: &str) -> StoreResult<()>;
    /// Adds the live customers among `customer_ids` (others are skipped) and returns every
    /// member of the group afterwards.
    async fn add_customers_to_group(
        &self,
        account_id: &str,
        group_id: &str,
        customer_ids: &[String],
        at: Timestamp,
    ) -> StoreResult<Vec<Customer>>;
    async fn remove_customer_from_group(
        &self,
        account_id: &str,
        group_id: &str,
        customer_id: &str,
    ) -> StoreResult<()>;
}

impl StoreError {
    /// A 422 on one field.
    pub fn invalid(field: &str, message: impl Into<String>) -> StoreError {
        let mut errors = FieldErrors::new();
        errors.insert(field.to_owned(), vec![message.into()]);
        StoreError::Invalid(errors)
    }
}

/// What a customer invoice holds besides its identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvoiceContent {
    /// Built from lines; totals follow from them.
    Manual { lines: Vec<ManualLine> },
    /// An uploaded PDF with the amount its sender stated.
    Uploaded,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerInvoice {
    pub id: String,
    pub customer_id: String,
    pub invoice_number: String,
    pub issued_at: Date,
    pub due_at: Date,
    pub currency: String,
    /// Total including VAT.
    pub amount: Money,
    pub content: InvoiceContent,
    /// A PDF of the invoice is stored.
    pub has_pdf: bool,
    pub paid_at: Option<Timestamp>,
    /// The secret in the invoice's public payment link.
    pub payment_token: String,
    pub send_notification: bool,
    /// The customer's e-mail about this invoice: `None` when none was asked for.
    pub notification: Option<NotificationStatus>,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationStatus {
    Queued,
    Sent,
    Failed,
}

impl NotificationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationStatus::Queued => "queued",
            NotificationStatus::Sent => "sent",
            NotificationStatus::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<NotificationStatus> {
        match text {
            "queued" => Some(NotificationStatus::Queued),
            "sent" => Some(NotificationStatus::Sent),
            "failed" => Some(NotificationStatus::Failed),
            _ => None,
        }
    }
}

/// An event to record with a change: its type and the exact JSON body webhooks receive.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub id: String,
    pub event_type: EventType,
    pub body: String,
    pub created_at: Timestamp,
}

/// Renders the events of the objects a store method changes, inside its transaction, so
/// that an event carries the object exactly as the API shows it after the change.
pub trait EventRenderer: Send + Sync {
    fn customer_event(&self, event_type: EventType, customer: &Customer) -> NewEvent;
    fn invoice_event(&self, event_type: EventType, invoice: &CustomerInvoice) -> NewEvent;
    fn payment_link_event(&self, event_type: EventType, link: &PaymentLink) -> NewEvent;
}

/// A validated invoice ready to insert, with everything derived already computed except
/// the due date: the store sets `invoice.due_at` from the account's payment term, read in
/// the create's own transaction (one account read fewer per create).
#[derive(Debug, Clone)]
pub struct NewInvoiceRecord {
    pub invoice: CustomerInvoice,
    /// `YYYY-MM` of `created_at` in the deployment's zone: the license month it counts in.
    pub license_month: String,
    /// The invoice's PDF, stored in the same transaction.
    pub pdf: Option<Vec<u8>>,
}

#[derive(Debug, Clone, Default)]
pub struct InvoiceFilter {
    pub customer_id: Option<String>,
    pub paid: Option<bool>,
    pub issued_from: Option<Date>,
    pub issued_to: Option<Date>,
}

/// Customer invoices and the monthly license counter.
#[async_trait]
pub trait InvoiceStore: Send + Sync + 'static {
    /// In one atomic step: checks that the customer is a live customer of the account and
    /// the number is free (422, both reported), inserts the invoice, and counts it against
    /// the account's monthly limit (426). `new.invoice` is the invoice as it will be stored
    /// (`has_pdf`, `notification` set); its `invoice-created` event is rendered with
    /// `events` only if someone listens. Owned arguments, since SQLite hands the create to
    /// its group-commit task.
    async fn create_invoice(
        &self,
        account_id: &str,
        new: NewInvoiceRecord,
        events: std::sync::Arc<dyn EventRenderer>,
    ) -> StoreResult<CustomerInvoice>;
    async fn list_invoices(
        &self,
        account_id: &str,
        filter: &InvoiceFilter,
        page: PageQuery,
    ) -> StoreResult<Vec<CustomerInvoice>>;
    async fn get_invoice(&self, account_id: &str, invoice_id: &str)
    -> StoreResult<CustomerInvoice>;
    /// Sets `paid_at` on an unpaid invoice; an invoice already paid keeps its first date (422).
    async fn mark_invoice_paid(
        &self,
        account_id: &str,
        invoice_id: &str,
        paid_at: Timestamp,
        events: &dyn EventRenderer,
    ) -> StoreResult<CustomerInvoice>;
    async fn delete_invoice(
        &self,
        account_id: &str,
        invoice_id: &str,
        at: Timestamp,
        events: &dyn EventRenderer,
    ) -> StoreResult<()>;
    /// The stored PDF of a live invoice of the account.
    async fn get_invoice_pdf(&self, account_id: &str, invoice_id: &str) -> StoreResult<Vec<u8>>;
    /// Invoices counted against the limit in `month` (`YYYY-MM`).
    async fn invoices_counted(&self, account_id: &str, month: &str) -> StoreResult<i64>;
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    pub id: String,
    pub event_type: EventType,
    pub url: String,
    pub secret: String,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Webhook,
    Email,
}

/// An outbox row claimed by a worker for one attempt.
#[derive(Debug, Clone)]
pub struct ClaimedDelivery {
    pub event_id: String,
    /// The webhook ID, or `email`.
    pub target: String,
    pub account_id: String,
    pub channel: Channel,
    pub invoice_id: Option<String>,
    /// Including this one.
    pub attempts: i64,
    pub body: String,
    /// Webhooks: the URL and the signing secret; `None` when the webhook was deleted.
    pub webhook: Option<(String, String)>,
}

/// What became of one attempt.
#[derive(Debug, Clone)]
pub enum DeliveryOutcome {
    Delivered {
        status_code: Option<u16>,
    },
    /// Try again at `next_attempt_at`.
    Retry {
        next_attempt_at: Timestamp,
        status_code: Option<u16>,
        error: String,
    },
    /// Given up: out of attempts, or it can never succeed.
    Failed {
        status_code: Option<u16>,
        error: String,
    },
}

/// One delivery as operators and the deliveries API see it.
#[derive(Debug, Clone)]
pub struct DeliveryRecord {
    pub event_id: String,
    pub event_type: String,
    pub target: String,
    pub account_id: String,
    pub status: String,
    pub attempts: i64,
    pub last_status_code: Option<i64>,
    pub last_error: Option<String>,
    /// When a pending delivery is tried next.
    pub next_attempt_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub delivered_at: Option<Timestamp>,
}

/// Webhook subscriptions and the delivery outbox.
#[async_trait]
pub trait OutboxStore: Send + Sync + 'static {
    async fn create_webhook(&self, account_id: &str, webhook: &Webhook) -> StoreResult<Webhook>;
    async fn list_webhooks(&self, account_id: &str, page: PageQuery) -> StoreResult<Vec<Webhook>>;
    async fn get_webhook(&self, account_id: &str, webhook_id: &str) -> StoreResult<Webhook>;
    /// Deletes the subscription; its pending deliveries are not sent any more.
    async fn delete_webhook(
        &self,
        account_id: &str,
        webhook_id: &str,
        at: Timestamp,
    ) -> StoreResult<()>;
    /// The deliveries to one webhook of the account, newest first.
    async fn list_webhook_deliveries(
        &self,
        account_id: &str,
        webhook_id: &str,
        page: PageQuery,
    ) -> StoreResult<Vec<DeliveryRecord>>;

    /// Claims up to `limit` due deliveries for `lease`: another worker (or this one after a
    /// crash) takes them again only once the lease has run out, hence at-least-once.
    async fn claim_deliveries(
        &self,
        now: Timestamp,
        lease: jiff::SignedDuration,
        limit: i64,
    ) -> StoreResult<Vec<ClaimedDelivery>>;
    /// Records the outcome of an attempt (and, for e-mail, the invoice's notification state).
    async fn finish_delivery(
        &self,
        delivery: &ClaimedDelivery,
        outcome: &DeliveryOutcome,
        at: Timestamp,
    ) -> StoreResult<()>;
    /// Every account's deliveries with `status` (or all), newest first: for operators.
    async fn list_outbox(
        &self,
        status: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<DeliveryRecord>>;
    /// Makes failed deliveries (of one event, or all) due again; returns how many.
    async fn retry_failed(&self, event_id: Option<&str>, now: Timestamp) -> StoreResult<u64>;
}

/// A request to run once per (API key, `Idempotency-Key`).
#[derive(Debug, Clone)]
pub struct IdempotencyClaim {
    pub api_key_id: String,
    pub key: String,
    /// SHA-256 of method, path and body, hex-encoded.
    pub request_hash: String,
    pub now: Timestamp,
    /// Rows created before this are gone: the request runs afresh.
    pub expired_before: Timestamp,
    /// A running claim created before this belongs to a request that died; it may be taken
    /// over.
    pub stale_before: Timestamp,
}

/// The response stored for a completed request, replayed to its retries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimOutcome {
    /// This request holds the key now and runs.
    Claimed,
    /// The same request is running elsewhere.
    InProgress,
    /// The key was used for a different request.
    Mismatch,
    Completed(StoredResponse),
}

/// Idempotency keys: claims and the responses they end with.
#[async_trait]
pub trait IdempotencyStore: Send + Sync + 'static {
    /// Claims the key for this request in one transaction, or says why not.
    async fn claim_idempotency(&self, claim: &IdempotencyClaim) -> StoreResult<ClaimOutcome>;
    /// Stores the response of a claimed request.
    async fn complete_idempotency(
        &self,
        api_key_id: &str,
        key: &str,
        response: &StoredResponse,
    ) -> StoreResult<()>;
    /// Gives a running claim up (the request failed on our side), so a retry runs afresh.
    async fn release_idempotency(&self, api_key_id: &str, key: &str) -> StoreResult<()>;
    /// Deletes every key created before `before`; returns how many.
    async fn delete_expired_idempotency(&self, before: Timestamp) -> StoreResult<u64>;
}

/// Microseconds since the epoch: the storage form of every timestamp.
pub fn to_micros(at: Timestamp) -> i64 {
    at.as_microsecond()
}

pub fn from_micros(micros: i64) -> Timestamp {
    Timestamp::from_microsecond(micros).unwrap_or(Timestamp::UNIX_EPOCH)
}
