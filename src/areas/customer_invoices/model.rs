//! Customer invoices: the entity, its requests as documented and as read (manual invoices
//! built from lines, uploaded PDF invoices, marking paid), and the rules for dates and
//! file names. Totals come from [`crate::kernel::lines::totals`] only.

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use crate::areas::customers::model::CustomerId;
use crate::db::{StoreError, StoreResult, decode_date, from_micros};
use crate::kernel::lines::ManualLine;
use crate::kernel::money::Money;
use crate::kernel::vat::VatRate;

/// What a customer invoice holds besides its identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvoiceContent {
    /// Built from lines; totals follow from them. A credit note (a negative total) may
    /// name the invoice it credits (BT-25; required of Dutch sellers' e-invoices, NL-R-001).
    Manual {
        lines: Vec<ManualLine>,
        credited_invoice_number: Option<String>,
    },
    /// An uploaded PDF with the amount its sender stated.
    Uploaded,
}

crate::kernel::ids::id_type!(
    /// Names one customer invoice: `inv_` and 14 characters (`general.md` §4).
    InvoiceId,
    crate::kernel::ids::prefix::CUSTOMER_INVOICE,
    "customer invoice"
);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerInvoice {
    pub id: InvoiceId,
    pub customer_id: CustomerId,
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

impl CustomerInvoice {
    /// The path of the invoice's public page (`links.onlinePaymentLink`); it holds the token.
    pub fn page_path(&self) -> String {
        format!("/public-invoice/{}/pay/{}", self.id, self.payment_token)
    }
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
    pub customer_id: Option<CustomerId>,
    pub paid: Option<bool>,
    pub issued_from: Option<Date>,
    pub issued_to: Option<Date>,
}

pub const INVOICE_COLUMNS: &str = "id, customer_id, invoice_number, issued_at, due_at, currency,
    amount_cents, lines, credited_invoice_number, has_pdf, paid_at, payment_token,
    send_notification, notification_status, created_at";

/// The `credited_invoice_number` column of an invoice.
pub fn credited_invoice_number(content: &InvoiceContent) -> Option<&str> {
    match content {
        InvoiceContent::Manual {
            credited_invoice_number,
            ..
        } => credited_invoice_number.as_deref(),
        InvoiceContent::Uploaded => None,
    }
}

/// The storage form of one manual line (amounts in cents, the rate as a percentage).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredLine {
    description: String,
    amount_cents: i64,
    vat_rate: i64,
}

/// The `lines` column of an invoice: the lines of a manual one, nothing for an upload.
pub fn stored_lines(content: &InvoiceContent) -> Option<String> {
    match content {
        InvoiceContent::Manual { lines, .. } => Some(lines_to_json(lines)),
        InvoiceContent::Uploaded => None,
    }
}

pub fn lines_to_json(lines: &[ManualLine]) -> String {
    let stored: Vec<StoredLine> = lines
        .iter()
        .map(|l| StoredLine {
            description: l.description.clone(),
            amount_cents: l.amount_excl_vat.cents(),
            vat_rate: i64::from(l.vat_rate.percent()),
        })
        .collect();
    serde_json::to_string(&stored).expect("lines serialise")
}

pub fn lines_from_json(text: &str) -> StoreResult<Vec<ManualLine>> {
    let stored: Vec<StoredLine> = serde_json::from_str(text)
        .map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))?;
    stored
        .into_iter()
        .map(|l| {
            let vat_rate = VatRate::from_percent(l.vat_rate).ok_or_else(|| {
                StoreError::decode(format!("stored VAT rate {} is unknown", l.vat_rate))
            })?;
            Ok(ManualLine {
                description: l.description,
                amount_excl_vat: Money::from_cents(l.amount_cents),
                vat_rate,
            })
        })
        .collect()
}

#[derive(sqlx::FromRow)]
pub struct InvoiceRow {
    id: InvoiceId,
    customer_id: CustomerId,
    invoice_number: String,
    issued_at: String,
    due_at: String,
    currency: String,
    amount_cents: i64,
    lines: Option<String>,
    credited_invoice_number: Option<String>,
    has_pdf: bool,
    paid_at: Option<i64>,
    payment_token: String,
    send_notification: bool,
    notification_status: Option<String>,
    created_at: i64,
}

impl InvoiceRow {
    pub fn into_invoice(self) -> StoreResult<CustomerInvoice> {
        let content = match &self.lines {
            Some(json) => InvoiceContent::Manual {
                lines: lines_from_json(json)?,
                credited_invoice_number: self.credited_invoice_number.clone(),
            },
            None => InvoiceContent::Uploaded,
        };
        Ok(CustomerInvoice {
            issued_at: decode_date(&self.issued_at)?,
            due_at: decode_date(&self.due_at)?,
            id: self.id,
            customer_id: self.customer_id,
            invoice_number: self.invoice_number,
            currency: self.currency,
            amount: Money::from_cents(self.amount_cents),
            content,
            has_pdf: self.has_pdf,
            paid_at: self.paid_at.map(from_micros),
            payment_token: self.payment_token,
            send_notification: self.send_notification,
            notification: self
                .notification_status
                .as_deref()
                .and_then(NotificationStatus::parse),
            created_at: from_micros(self.created_at),
        })
    }
}

/// The file name of an invoice's PDF, as downloads and e-mail attachments carry it:
/// `factuur-<number>.pdf`, with anything but ASCII letters, digits, `-` and `_` replaced,
/// so that no header or file system sees a quote, slash or control character.
pub fn pdf_file_name(invoice_number: &str) -> String {
    format!("factuur-{}.pdf", safe_file_stem(invoice_number))
}

/// The file name of an invoice's UBL e-invoice, made safe as [`pdf_file_name`]'s:
/// `factuur-<number>.xml`.
pub fn ubl_file_name(invoice_number: &str) -> String {
    format!("factuur-{}.xml", safe_file_stem(invoice_number))
}

fn safe_file_stem(invoice_number: &str) -> String {
    invoice_number
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// `issuedAt` plus the account's payment term (DECISIONS.md).
pub fn due_date(issued_at: Date, payment_term_days: i64) -> Date {
    issued_at
        .checked_add(payment_term_days.days())
        .unwrap_or(issued_at)
}
