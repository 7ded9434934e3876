//! The PDF of a customer invoice, wherever it is asked for (the API's signed link, the
//! public page, the notification e-mail). An uploaded invoice has the PDF its sender gave;
//! a manual one is rendered on first use from the invoice, its customer and the seller's
//! details, and that first rendering is kept: an issued invoice must not change later.

use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::model::{CustomerInvoice, InvoiceContent, pdf_file_name};
use super::store::store;
use crate::areas::account;
use crate::db::{Db, StoreError};
use crate::kernel::format::Language;
use crate::kernel::ids::AccountId;
use crate::kernel::lines;
use crate::pdf::{self, Address, InvoiceDocument};
use crate::web::AppState;

/// The invoice's PDF for a caller of the HTTP layer.
pub async fn invoice_pdf(
    state: &AppState,
    account_id: &AccountId,
    invoice: &CustomerInvoice,
) -> Result<Vec<u8>, StoreError> {
    let payment_url = state.ctx.public_url(&invoice.page_path());
    stored_or_rendered(&state.db, account_id, invoice, &payment_url).await
}

/// The stored PDF, or for a manual invoice without one, a fresh rendering that is then kept
/// (if two render at once, both answer the one stored first).
pub async fn stored_or_rendered(
    db: &Db,
    account_id: &AccountId,
    invoice: &CustomerInvoice,
    payment_url: &str,
) -> Result<Vec<u8>, StoreError> {
    let invoices = store(db);
    let accounts = account::store(db);
    match invoices.get_invoice_pdf(account_id, &invoice.id).await {
        Err(StoreError::NotFound) => {}
        stored => return stored,
    }
    let InvoiceContent::Manual { lines, .. } = &invoice.content else {
        return Err(StoreError::NotFound);
    };
    let (account, seller, customer, logo) = tokio::try_join!(
        accounts.get_account(account_id),
        accounts.get_seller(account_id),
        invoices.get_invoice_customer(account_id, &invoice.customer_id),
        accounts.get_logo(account_id),
    )?;
    let lines = lines.clone();
    let invoice_id = invoice.id.clone();
    let invoice = invoice.clone();
    let payment_url = payment_url.to_owned();
    let bytes = tokio::task::spawn_blocking(move || {
        let totals = lines::totals(&lines);
        let iban = seller.iban.clone().unwrap_or_default();
        let doc = InvoiceDocument {
            language: Language::from_locale(&account.locale),
            seller: pdf::Seller {
                legal_name: seller.legal_name.as_deref().unwrap_or(&account.name),
                address: Address {
                    street: seller.street.as_deref().unwrap_or_default(),
                    zip_code: seller.zip_code.as_deref().unwrap_or_default(),
                    city: seller.city.as_deref().unwrap_or_default(),
                    country: &seller.country_code,
                },
                kvk_number: seller.kvk_number.as_deref().unwrap_or_default(),
                vat_number: seller.vat_number.as_deref().unwrap_or_default(),
                iban: &iban,
                bic: seller.bic.as_deref(),
                email: seller.email.as_deref(),
                phone: seller.phone.as_deref(),
                logo: logo.as_ref().map(|(bytes, _)| bytes.as_slice()),
            },
            customer: pdf::Customer {
                company_name: &customer.company_name,
                address: Address {
                    street: &customer.address,
                    zip_code: &customer.zip_code,
                    city: &customer.city,
                    country: &customer.country_code,
                },
            },
            invoice_number: &invoice.invoice_number,
            issue_date: invoice.issued_at,
            due_date: invoice.due_at,
            payment_term_days: account.payment_term_days,
            lines: &lines,
            totals: &totals,
            payment_url: &payment_url,
        };
        pdf::render_invoice(&doc)
    })
    .await
    // The renderer does not panic on any input (its tests and fuzzing say so); if it ever
    // did, the request fails as a panic would.
    .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
    invoices
        .keep_invoice_pdf(account_id, &invoice_id, bytes)
        .await
}

/// The PDF as a download named after the invoice number.
pub fn pdf_response(invoice: &CustomerInvoice, bytes: Vec<u8>) -> Response {
    let filename = pdf_file_name(&invoice.invoice_number);
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{filename}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}
