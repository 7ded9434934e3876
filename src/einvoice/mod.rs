//! E-invoices: a manual invoice as a UBL 2.1 document per Peppol BIS Billing 3.0 with the
//! Dutch NL-R rules, with its totals from [`compute_totals`] and its PDF embedded.
//!
//! [`render`] takes a plain [`UblInput`] (the seller, the buyer, the invoice) and either
//! writes the whole document or says what keeps it from being a valid one; it never writes
//! a document that the official rules (`../shared/einvoice/validate.py`) would reject.
//!
//! Choices the rules leave open, and why:
//! - A total below zero is a `CreditNote` (type 381) with every amount's sign turned, so
//!   it credits a positive amount; zero or more is an `Invoice` (type 380). The totals are
//!   those of [`compute_totals`] negated, which is exact: that function rounds half away
//!   from zero, so the totals of negated lines are the negated totals.
//! - A line of a negative amount (a discount, or a credited line) has quantity -1 and a
//!   positive unit price, because an item's net price may not be negative (BR-27) and the
//!   line amount must be quantity × price (PEPPOL-EN16931-R120).
//! - 0 % is VAT category `Z`, "zero rated": in Dutch law the nultarief is a rate, unlike an
//!   exemption (`E`, which would also need a reason text we do not have).
//! - The seller's electronic address and legal registration are its KvK number (scheme
//!   0106; NL-R-003). The buyer's address is its Peppol ID when it has one, else its KvK
//!   (0106) or OIN (0190) number when it is Dutch, else its VAT number under its country's
//!   VAT scheme (9944 for NL); a buyer with none of these cannot receive a Peppol invoice.
//! - An invoice is paid by credit transfer to the seller's IBAN: code 58 (SEPA) for an IBAN
//!   of a SEPA country, 30 otherwise, with the payment reference as PaymentID. A credit note
//!   has no payment means (the money goes to the buyer, whose account portaal does not
//!   know); its payment terms state the refund date instead (BR-CO-25).

mod check;
mod ids;
mod write;

/// The check a customer's `peppolId` must pass to be used here; the API can validate the
/// field with it, so that a stored ID never makes an e-invoice fail.
pub use ids::parse_peppol_id;

use jiff::civil::Date;

use crate::kernel::money::Money;
use crate::kernel::vat::{LineInput, VatRate, compute_totals};

/// Everything an e-invoice says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UblInput {
    pub seller: Seller,
    pub buyer: Buyer,
    pub invoice: Invoice,
}

/// The business that sends the invoice, as its account holds it: `None` where a value has
/// not been set (then [`render`] names it in [`UblError::IncompleteSeller`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seller {
    pub legal_name: Option<String>,
    pub street: Option<String>,
    pub zip_code: Option<String>,
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2; e-invoices are made for sellers in the Netherlands (`NL`).
    pub country_code: String,
    /// Eight digits.
    pub kvk_number: Option<String>,
    /// With its country prefix: `NL123456789B01`.
    pub vat_number: Option<String>,
    /// Electronic form, no spaces: `NL91ABNA0417164300`.
    pub iban: Option<String>,
    pub bic: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// The customer the invoice is addressed to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Buyer {
    pub company_name: String,
    /// Street and number.
    pub address: String,
    pub zip_code: String,
    pub city: String,
    /// ISO 3166-1 alpha-2.
    pub country_code: String,
    pub email: String,
    /// With its country prefix (`EL` for Greece).
    pub vat_number: Option<String>,
    /// Chamber of Commerce number: for a Dutch customer its KvK number (eight digits) or,
    /// for a public body, its OIN (twenty digits).
    pub coc_number: Option<String>,
    /// `scheme:id`, such as `0106:12345678` or `9944:NL123456789B01`.
    pub peppol_id: Option<String>,
}

/// The invoice itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoice {
    pub number: String,
    pub issue_date: Date,
    pub due_date: Date,
    /// In the order they are shown; at least one.
    pub lines: Vec<Line>,
    /// What the buyer quotes when paying (portaal uses the invoice number).
    pub payment_reference: String,
    /// The buyer's own reference for routing the invoice (BT-10); without one, the invoice
    /// number stands in, since Peppol requires a buyer or order reference (PEPPOL-EN16931-R003).
    pub buyer_reference: Option<String>,
    /// For a credit note: the number of the invoice it credits (BT-25, required for Dutch
    /// sellers by NL-R-001). Without one, the credit note refers to its own number.
    pub credited_invoice: Option<String>,
    /// The invoice PDF, embedded as an additional document.
    pub pdf: Option<Pdf>,
}

/// One invoice line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub description: String,
    /// Negative for a discount.
    pub amount_excl_vat: Money,
    pub vat_rate: VatRate,
}

/// A PDF to embed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pdf {
    pub bytes: Vec<u8>,
    pub file_name: String,
}

/// Why no valid e-invoice can be made from an input. Each message names the fields to
/// fix by their API names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UblError {
    /// The seller's legal details lack these fields (API names, in the order of
    /// `missingForInvoices`, then `iban`, which the payment instructions need).
    #[error("the seller's details lack what an e-invoice must state: {}", missing.join(", "))]
    IncompleteSeller { missing: Vec<&'static str> },
    /// The Dutch rules and the KvK registration apply to sellers in the Netherlands only.
    #[error(
        "e-invoices are made for sellers in the Netherlands; the seller's countryCode is `{0}`"
    )]
    SellerOutsideNetherlands(String),
    /// A UBL invoice needs at least one line (BR-16), so an uploaded PDF cannot be one.
    #[error(
        "an e-invoice needs invoice lines, and this invoice has none (it was made by uploading a PDF)"
    )]
    NoLines,
    /// The buyer has no identifier to use as its Peppol electronic address (PEPPOL-EN16931-R010).
    #[error(
        "the customer has no electronic address for an e-invoice: set its peppolId, its cocNumber (a Dutch customer) or its vatNumber"
    )]
    NoBuyerAddress,
    /// A value the rules would reject.
    #[error("{field}: {reason}")]
    Invalid { field: String, reason: String },
}

/// The media type of a rendered document.
pub const CONTENT_TYPE: &str = "application/xml";

/// Renders the invoice as a UBL 2.1 `Invoice`, or a `CreditNote` when its total is
/// negative, in UTF-8.
pub fn render(input: &UblInput) -> Result<Vec<u8>, UblError> {
    let inputs: Vec<LineInput> = input
        .invoice
        .lines
        .iter()
        .map(|line| LineInput {
            amount_excl_vat: line.amount_excl_vat,
            rate: line.vat_rate,
        })
        .collect();
    let totals = compute_totals(&inputs);
    let document = check::document(input, &totals)?;
    Ok(write::document(&document))
}

#[cfg(test)]
mod tests;
