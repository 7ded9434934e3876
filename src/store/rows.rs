//! Row types shared by both backends: the columns are the same, only the SQL differs.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{
    Account, Customer, CustomerInvoice, InvoiceContent, StoreError, StoreResult, from_micros,
};
use crate::domain::invoice::ManualLine;
use crate::domain::money::Money;
use crate::domain::vat::VatRate;

#[derive(sqlx::FromRow)]
pub(crate) struct AccountRow {
    id: String,
    name: String,
    monthly_invoice_limit: Option<i64>,
    payment_term_days: i64,
    locale: String,
    created_at: i64,
}

impl From<AccountRow> for Account {
    fn from(r: AccountRow) -> Account {
        Account {
            id: r.id,
            name: r.name,
            monthly_invoice_limit: r.monthly_invoice_limit,
            payment_term_days: r.payment_term_days,
            locale: r.locale,
            created_at: from_micros(r.created_at),
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct CustomerRow {
    id: String,
    company_name: String,
    address: String,
    zip_code: String,
    city: String,
    country_code: String,
    primary_email: String,
    phone: Option<String>,
    integration: Option<String>,
    integration_id: Option<String>,
    created_at: i64,
    group_ids: Option<String>,
}

impl From<CustomerRow> for Customer {
    fn from(r: CustomerRow) -> Customer {
        Customer {
            id: r.id,
            company_name: r.company_name,
            address: r.address,
            zip_code: r.zip_code,
            city: r.city,
            country_code: r.country_code,
            primary_email: r.primary_email,
            phone: r.phone,
            integration: r.integration,
            integration_id: r.integration_id,
            customer_groups: r
                .group_ids
                .map(|ids| ids.split(' ').map(str::to_owned).collect())
                .unwrap_or_default(),
            created_at: from_micros(r.created_at),
        }
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
pub(crate) fn stored_lines(content: &InvoiceContent) -> Option<String> {
    match content {
        InvoiceContent::Manual { lines } => Some(lines_to_json(lines)),
        InvoiceContent::Uploaded => None,
    }
}

pub(crate) fn lines_to_json(lines: &[ManualLine]) -> String {
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

pub(crate) fn lines_from_json(text: &str) -> StoreResult<Vec<ManualLine>> {
    let stored: Vec<StoredLine> = serde_json::from_str(text)
        .map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))?;
    stored
        .into_iter()
        .map(|l| {
            let vat_rate = VatRate::from_percent(l.vat_rate).ok_or_else(|| {
                StoreError::Database(sqlx::Error::Decode(
                    format!("stored VAT rate {} is unknown", l.vat_rate).into(),
                ))
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
pub(crate) struct InvoiceRow {
    id: String,
    customer_id: String,
    invoice_number: String,
    issued_at: String,
    due_at: String,
    currency: String,
    amount_cents: i64,
    lines: Option<String>,
    has_pdf: bool,
    paid_at: Option<i64>,
    payment_token: String,
    send_notification: bool,
    notification_status: Option<String>,
    created_at: i64,
}

fn decode_date(text: &str) -> StoreResult<Date> {
    text.parse()
        .map_err(|e: jiff::Error| StoreError::Database(sqlx::Error::Decode(Box::new(e))))
}

impl InvoiceRow {
    pub(crate) fn into_invoice(self) -> StoreResult<CustomerInvoice> {
        let content = match &self.lines {
            Some(json) => InvoiceContent::Manual {
                lines: lines_from_json(json)?,
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
                .and_then(super::NotificationStatus::parse),
            created_at: from_micros(self.created_at),
        })
    }
}

/// The message for an invoice number that an account already used.
pub(crate) const TAKEN: &str =
    "This invoiceNumber is already used by another invoice of this account.";

pub(crate) fn group(row: (String, String, i64)) -> super::CustomerGroup {
    super::CustomerGroup {
        id: row.0,
        name: row.1,
        created_at: from_micros(row.2),
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct WebhookRow {
    id: String,
    #[sqlx(rename = "type")]
    event_type: String,
    url: String,
    secret: String,
    created_at: i64,
}

impl WebhookRow {
    pub(crate) fn into_webhook(self) -> StoreResult<super::Webhook> {
        let event_type =
            crate::domain::events::EventType::parse(&self.event_type).ok_or_else(|| {
                StoreError::Database(sqlx::Error::Decode(
                    format!("stored event type {} is unknown", self.event_type).into(),
                ))
            })?;
        Ok(super::Webhook {
            id: self.id,
            event_type,
            url: self.url,
            secret: self.secret,
            created_at: from_micros(self.created_at),
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct DeliveryRow {
    event_id: String,
    event_type: String,
    target: String,
    account_id: String,
    status: String,
    attempts: i64,
    last_status_code: Option<i64>,
    last_error: Option<String>,
    next_attempt_at: i64,
    created_at: i64,
    delivered_at: Option<i64>,
}

impl From<DeliveryRow> for super::DeliveryRecord {
    fn from(r: DeliveryRow) -> super::DeliveryRecord {
        super::DeliveryRecord {
            next_attempt_at: (r.status == "pending").then(|| from_micros(r.next_attempt_at)),
            event_id: r.event_id,
            event_type: r.event_type,
            target: r.target,
            account_id: r.account_id,
            status: r.status,
            attempts: r.attempts,
            last_status_code: r.last_status_code,
            last_error: r.last_error,
            created_at: from_micros(r.created_at),
            delivered_at: r.delivered_at.map(from_micros),
        }
    }
}
