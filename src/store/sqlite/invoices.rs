//! SQLite: customer invoices and the monthly license counter.

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{SqliteStore, invalid_if_taken, one_changed};
use crate::domain::input::{FieldErrors, add_error};
use crate::domain::invoice::ManualLine;
use crate::domain::money::Money;
use crate::domain::vat::VatRate;
use crate::store::{
    CustomerInvoice, InvoiceContent, InvoiceFilter, InvoiceStore, NewInvoiceRecord, PageQuery,
    StoreError, StoreResult, from_micros, to_micros,
};

/// The storage form of one manual line (amounts in cents, the rate as a percentage).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredLine {
    description: String,
    amount_cents: i64,
    vat_rate: i64,
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
struct InvoiceRow {
    id: String,
    customer_id: String,
    invoice_number: String,
    issued_at: String,
    due_at: String,
    currency: String,
    amount_cents: i64,
    lines: Option<String>,
    pdf_key: Option<String>,
    paid_at: Option<i64>,
    payment_token: String,
    send_notification: bool,
    created_at: i64,
}

fn decode_date(text: &str) -> StoreResult<Date> {
    text.parse()
        .map_err(|e: jiff::Error| StoreError::Database(sqlx::Error::Decode(Box::new(e))))
}

impl InvoiceRow {
    fn into_invoice(self) -> StoreResult<CustomerInvoice> {
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
            pdf_key: self.pdf_key,
            paid_at: self.paid_at.map(from_micros),
            payment_token: self.payment_token,
            send_notification: self.send_notification,
            created_at: from_micros(self.created_at),
        })
    }
}

const INVOICE_COLUMNS: &str =
    "id, customer_id, invoice_number, issued_at, due_at, currency, amount_cents, lines,
    pdf_key, paid_at, payment_token, send_notification, created_at";

async fn fetch_invoice<'e, E>(
    executor: E,
    account_id: &str,
    invoice_id: &str,
) -> StoreResult<CustomerInvoice>
where
    E: sqlx::SqliteExecutor<'e>,
{
    let row: Option<InvoiceRow> = sqlx::query_as(&format!(
        "SELECT {INVOICE_COLUMNS} FROM customer_invoices WHERE account_id = ? AND id = ? AND deleted_at IS NULL"
    ))
    .bind(account_id)
    .bind(invoice_id)
    .fetch_optional(executor)
    .await?;
    row.ok_or(StoreError::NotFound)?.into_invoice()
}

#[async_trait]
impl InvoiceStore for SqliteStore {
    async fn create_invoice(
        &self,
        account_id: &str,
        new: &NewInvoiceRecord,
    ) -> StoreResult<CustomerInvoice> {
        let invoice = &new.invoice;
        // One writer connection: this transaction runs alone, so its checks cannot race.
        let mut tx = self.write.begin().await?;

        let mut errors = FieldErrors::new();
        let customer_ok: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM customers WHERE account_id = ? AND id = ? AND deleted_at IS NULL",
        )
        .bind(account_id)
        .bind(&invoice.customer_id)
        .fetch_optional(&mut *tx)
        .await?;
        if customer_ok.is_none() {
            add_error(
                &mut errors,
                "customerId".into(),
                "The selected customerId is not a customer of this account.",
            );
        }
        let number_taken: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM customer_invoices WHERE account_id = ? AND invoice_number = ?",
        )
        .bind(account_id)
        .bind(&invoice.invoice_number)
        .fetch_optional(&mut *tx)
        .await?;
        if number_taken.is_some() {
            add_error(&mut errors, "invoiceNumber".into(), TAKEN);
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }

        let limit: Option<i64> =
            sqlx::query_scalar("SELECT monthly_invoice_limit FROM accounts WHERE id = ?")
                .bind(account_id)
                .fetch_one(&mut *tx)
                .await?;
        let counted: i64 = sqlx::query_scalar(
            "INSERT INTO invoice_month_counts (account_id, month, created) VALUES (?, ?, 1)
             ON CONFLICT (account_id, month) DO UPDATE SET created = created + 1
             RETURNING created",
        )
        .bind(account_id)
        .bind(&new.license_month)
        .fetch_one(&mut *tx)
        .await?;
        if let Some(limit) = limit.filter(|&limit| counted > limit) {
            // Dropping the transaction rolls the count back.
            return Err(StoreError::LimitReached { limit });
        }

        let lines = match &invoice.content {
            InvoiceContent::Manual { lines } => Some(lines_to_json(lines)),
            InvoiceContent::Uploaded => None,
        };
        sqlx::query(
            "INSERT INTO customer_invoices (id, account_id, customer_id, invoice_number, issued_at, due_at, currency,
                amount_cents, lines, pdf_key, paid_at, payment_token, send_notification, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&invoice.id)
        .bind(account_id)
        .bind(&invoice.customer_id)
        .bind(&invoice.invoice_number)
        .bind(invoice.issued_at.to_string())
        .bind(invoice.due_at.to_string())
        .bind(&invoice.currency)
        .bind(invoice.amount.cents())
        .bind(lines)
        .bind(&invoice.pdf_key)
        .bind(invoice.paid_at.map(to_micros))
        .bind(&invoice.payment_token)
        .bind(invoice.send_notification)
        .bind(to_micros(invoice.created_at))
        .execute(&mut *tx)
        .await
        .map_err(invalid_if_taken("invoiceNumber", TAKEN))?;
        tx.commit().await?;
        Ok(invoice.clone())
    }

    async fn list_invoices(
        &self,
        account_id: &str,
        filter: &InvoiceFilter,
        page: PageQuery,
    ) -> StoreResult<Vec<CustomerInvoice>> {
        let mut sql = format!(
            "SELECT {INVOICE_COLUMNS} FROM customer_invoices WHERE account_id = ? AND deleted_at IS NULL"
        );
        if filter.customer_id.is_some() {
            sql.push_str(" AND customer_id = ?");
        }
        match filter.paid {
            Some(true) => sql.push_str(" AND paid_at IS NOT NULL"),
            Some(false) => sql.push_str(" AND paid_at IS NULL"),
            None => {}
        }
        if filter.issued_from.is_some() {
            sql.push_str(" AND issued_at >= ?");
        }
        if filter.issued_to.is_some() {
            sql.push_str(" AND issued_at <= ?");
        }
        sql.push_str(" ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?");
        let mut query = sqlx::query_as::<_, InvoiceRow>(&sql).bind(account_id);
        if let Some(customer_id) = &filter.customer_id {
            query = query.bind(customer_id);
        }
        if let Some(from) = filter.issued_from {
            query = query.bind(from.to_string());
        }
        if let Some(to) = filter.issued_to {
            query = query.bind(to.to_string());
        }
        let rows = query
            .bind((page.limit + 1) as i64)
            .bind(page.offset as i64)
            .fetch_all(&self.read)
            .await?;
        rows.into_iter().map(InvoiceRow::into_invoice).collect()
    }

    async fn get_invoice(
        &self,
        account_id: &str,
        invoice_id: &str,
    ) -> StoreResult<CustomerInvoice> {
        fetch_invoice(&self.read, account_id, invoice_id).await
    }

    async fn mark_invoice_paid(
        &self,
        account_id: &str,
        invoice_id: &str,
        paid_at: Timestamp,
    ) -> StoreResult<CustomerInvoice> {
        let mut tx = self.write.begin().await?;
        let invoice = fetch_invoice(&mut *tx, account_id, invoice_id).await?;
        if invoice.paid_at.is_some() {
            return Err(StoreError::invalid(
                "paidAt",
                "This invoice is already marked paid; it keeps its first payment date.",
            ));
        }
        sqlx::query("UPDATE customer_invoices SET paid_at = ? WHERE account_id = ? AND id = ? AND paid_at IS NULL")
            .bind(to_micros(paid_at))
            .bind(account_id)
            .bind(invoice_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(CustomerInvoice {
            paid_at: Some(paid_at),
            ..invoice
        })
    }

    async fn delete_invoice(
        &self,
        account_id: &str,
        invoice_id: &str,
        at: Timestamp,
    ) -> StoreResult<()> {
        let result = sqlx::query(
            "UPDATE customer_invoices SET deleted_at = ? WHERE account_id = ? AND id = ? AND deleted_at IS NULL",
        )
        .bind(to_micros(at))
        .bind(account_id)
        .bind(invoice_id)
        .execute(&self.write)
        .await?;
        one_changed(result)
    }

    async fn invoices_counted(&self, account_id: &str, month: &str) -> StoreResult<i64> {
        let counted: Option<i64> = sqlx::query_scalar(
            "SELECT created FROM invoice_month_counts WHERE account_id = ? AND month = ?",
        )
        .bind(account_id)
        .bind(month)
        .fetch_optional(&self.read)
        .await?;
        Ok(counted.unwrap_or(0))
    }
}

const TAKEN: &str = "This invoiceNumber is already used by another invoice of this account.";
