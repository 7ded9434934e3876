//! Payments started at a provider (Mollie's `tr_...`), for an invoice or a payment link.

use jiff::Timestamp;

use crate::areas::customer_invoices::model::InvoiceId;
use crate::areas::payment_links::model::PaymentLinkId;
use crate::db::{StoreError, StoreResult, from_micros};
use crate::kernel::money::Money;

/// What a payment pays for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentTarget {
    Invoice(InvoiceId),
    Link(PaymentLinkId),
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

pub const PAYMENT_COLUMNS: &str = "id, invoice_id, payment_link_id, provider, provider_payment_id,
    amount_cents, status, payers_name, created_at";

#[derive(sqlx::FromRow)]
pub struct PaymentRow {
    id: String,
    invoice_id: Option<String>,
    payment_link_id: Option<String>,
    provider: String,
    provider_payment_id: String,
    amount_cents: i64,
    status: String,
    payers_name: Option<String>,
    created_at: i64,
}

impl PaymentRow {
    pub fn into_payment(self) -> StoreResult<Payment> {
        let target = match (self.invoice_id, self.payment_link_id) {
            (Some(invoice_id), None) => PaymentTarget::Invoice(InvoiceId::from_stored(invoice_id)),
            (None, Some(link_id)) => PaymentTarget::Link(PaymentLinkId::from_stored(link_id)),
            _ => {
                return Err(StoreError::decode(format!(
                    "payment {} pays for neither one invoice nor one link",
                    self.id
                )));
            }
        };
        Ok(Payment {
            id: self.id,
            target,
            provider: self.provider,
            provider_payment_id: self.provider_payment_id,
            amount: Money::from_cents(self.amount_cents),
            status: self.status,
            payers_name: self.payers_name,
            created_at: from_micros(self.created_at),
        })
    }
}
