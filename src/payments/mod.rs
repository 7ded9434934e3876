//! How customers pay: a provider interface with two providers. Bank transfer needs no call
//! (the page shows IBAN, amount and reference; the invoice is marked paid by API), Mollie
//! creates a payment through its v2 Payments API, sends the customer to its checkout, and
//! tells us through a webhook, after which we fetch the payment to learn what happened.

pub mod mollie;

use async_trait::async_trait;
use jiff::Timestamp;

use crate::kernel::money::Money;

/// What to ask a provider for.
#[derive(Debug, Clone)]
pub struct PaymentRequest {
    pub amount: Money,
    /// Shown to the payer and on their bank statement.
    pub description: String,
    /// Where the provider sends the payer back to.
    pub redirect_url: String,
    /// Where the provider reports changes.
    pub webhook_url: String,
    /// Our own reference (`inv_...` or `plk_...`), kept with the payment at the provider.
    pub reference: String,
}

/// A payment as the provider describes it.
#[derive(Debug, Clone)]
pub struct ProviderPayment {
    pub id: String,
    pub status: String,
    pub checkout_url: Option<String>,
    pub paid_at: Option<Timestamp>,
    pub payers_name: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// The provider could not be reached or answered with a server error: try later.
    #[error("the payment provider is unavailable: {0}")]
    Unavailable(String),
    /// The provider refused the request (bad key, bad amount, unknown payment).
    #[error("the payment provider refused: {0}")]
    Refused(String),
}

/// A provider that takes payments online and reports back.
#[async_trait]
pub trait PaymentProvider: Send + Sync {
    /// Our name for it, stored with each payment.
    fn name(&self) -> &'static str;
    async fn create_payment(
        &self,
        request: &PaymentRequest,
    ) -> Result<ProviderPayment, ProviderError>;
    async fn get_payment(&self, id: &str) -> Result<ProviderPayment, ProviderError>;
}

/// What the payer is told to do when paying by bank transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankTransfer {
    pub beneficiary: String,
    /// In groups of four.
    pub iban: String,
    pub bic: Option<String>,
    pub amount: Money,
    /// What the payer writes in the description, so the seller can match the payment.
    pub reference: String,
}

/// The bank transfer "provider": instructions only, when the seller has an IBAN.
pub fn bank_transfer(
    beneficiary: &str,
    iban: Option<&str>,
    bic: Option<&str>,
    amount: Money,
    reference: &str,
) -> Option<BankTransfer> {
    Some(BankTransfer {
        beneficiary: beneficiary.to_owned(),
        iban: crate::kernel::format::iban(iban?),
        bic: bic.map(str::to_owned),
        amount,
        reference: reference.to_owned(),
    })
}
