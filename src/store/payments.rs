//! The seller's invoice details, payments started at a provider, and payment links.

use async_trait::async_trait;
use jiff::Timestamp;

use super::{Customer, CustomerInvoice, EventRenderer, PageQuery, StoreResult};
use crate::domain::money::Money;
use crate::domain::seller::{SellerDetails, SellerPatch};

/// Where a payment link stands. `Expired` is shown as soon as `expires_at` has passed, even
/// before the sweep that records it (and sends `payment-link-expired`) has run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkStatus {
    Open,
    Paid,
    Expired,
    Closed,
}

impl LinkStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkStatus::Open => "open",
            LinkStatus::Paid => "paid",
            LinkStatus::Expired => "expired",
            LinkStatus::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Option<LinkStatus> {
        match text {
            "open" => Some(LinkStatus::Open),
            "paid" => Some(LinkStatus::Paid),
            "expired" => Some(LinkStatus::Expired),
            "closed" => Some(LinkStatus::Closed),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentLink {
    pub id: String,
    pub description: String,
    pub amount: Money,
    pub reusable: bool,
    pub expires_at: Option<Timestamp>,
    /// As stored; see [`PaymentLink::status_at`] for what to show.
    pub status: LinkStatus,
    pub created_at: Timestamp,
}

impl PaymentLink {
    pub fn status_at(&self, now: Timestamp) -> LinkStatus {
        match (self.status, self.expires_at) {
            (LinkStatus::Open, Some(expires_at)) if expires_at <= now => LinkStatus::Expired,
            (status, _) => status,
        }
    }
}

/// What a payment pays for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentTarget {
    Invoice(String),
    Link(String),
}

/// A payment started at a provider (Mollie's `tr_...`), for an invoice or a payment link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub id: String,
    pub target: PaymentTarget,
    /// `mollie`.
    pub provider: String,
    pub provider_payment_id: String,
    pub amount: Money,
    /// The provider's status: `open`, `pending`, `authorized`, `paid`, `failed`, `canceled`,
    /// `expired`.
    pub status: String,
    pub payers_name: Option<String>,
    pub created_at: Timestamp,
}

/// What the provider said when we fetched a payment.
#[derive(Debug, Clone)]
pub struct PaymentUpdate {
    pub status: String,
    pub payers_name: Option<String>,
    /// When the provider says it was paid; `Some` only for status `paid`.
    pub paid_at: Option<Timestamp>,
    pub at: Timestamp,
}

/// The seller's details, payments and payment links.
#[async_trait]
pub trait PaymentStore: Send + Sync + 'static {
    async fn get_seller(&self, account_id: &str) -> StoreResult<SellerDetails>;
    async fn update_seller(
        &self,
        account_id: &str,
        patch: &SellerPatch,
    ) -> StoreResult<SellerDetails>;
    /// The logo's bytes and media type, if one is set.
    async fn get_logo(&self, account_id: &str) -> StoreResult<Option<(Vec<u8>, String)>>;
    async fn get_mollie_api_key(&self, account_id: &str) -> StoreResult<Option<String>>;

    /// A live invoice by its ID alone, with its account: for the public page, which proves
    /// access with the invoice's token instead of an API key.
    async fn find_invoice(&self, invoice_id: &str) -> StoreResult<(String, CustomerInvoice)>;
    /// The invoice's customer, also when the customer was deleted later.
    async fn get_invoice_customer(
        &self,
        account_id: &str,
        customer_id: &str,
    ) -> StoreResult<Customer>;
    /// Keeps the first PDF rendered for an invoice (an issued invoice does not change) and
    /// returns whichever is stored.
    async fn keep_invoice_pdf(
        &self,
        account_id: &str,
        invoice_id: &str,
        bytes: Vec<u8>,
    ) -> StoreResult<Vec<u8>>;

    async fn record_payment(&self, account_id: &str, payment: &Payment) -> StoreResult<()>;
    /// The most recent payment started for an invoice or link.
    async fn latest_payment(
        &self,
        account_id: &str,
        target: &PaymentTarget,
    ) -> StoreResult<Option<Payment>>;
    /// A payment by the provider's ID, with its account.
    async fn find_payment(
        &self,
        provider: &str,
        provider_payment_id: &str,
    ) -> StoreResult<(String, Payment)>;
    /// Records what the provider said. The first time a payment turns `paid`, in the same
    /// transaction: its invoice is marked paid (`invoice-paid`), or its link records the
    /// payment (`payment-link-paid`; a single-use link becomes `paid`).
    async fn settle_payment(
        &self,
        account_id: &str,
        payment_id: &str,
        update: &PaymentUpdate,
        events: &dyn EventRenderer,
    ) -> StoreResult<Payment>;

    async fn create_payment_link(
        &self,
        account_id: &str,
        link: &PaymentLink,
        events: &dyn EventRenderer,
    ) -> StoreResult<PaymentLink>;
    async fn list_payment_links(
        &self,
        account_id: &str,
        page: PageQuery,
    ) -> StoreResult<Vec<PaymentLink>>;
    async fn get_payment_link(&self, account_id: &str, link_id: &str) -> StoreResult<PaymentLink>;
    /// A link by its ID alone, with its account: for the public checkout page.
    async fn find_payment_link(&self, link_id: &str) -> StoreResult<(String, PaymentLink)>;
    /// Closes an open link; any other state is refused.
    async fn close_payment_link(
        &self,
        account_id: &str,
        link_id: &str,
        now: Timestamp,
    ) -> StoreResult<PaymentLink>;
    async fn list_link_payments(
        &self,
        account_id: &str,
        link_id: &str,
        page: PageQuery,
    ) -> StoreResult<Vec<Payment>>;
    /// Records `expired` on open links past their expiry, with a `payment-link-expired`
    /// event each; returns how many.
    async fn expire_payment_links(
        &self,
        now: Timestamp,
        events: &dyn EventRenderer,
    ) -> StoreResult<u64>;
}
