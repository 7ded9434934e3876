//! A manual invoice as a UBL e-invoice (`GET /customer-invoices/{id}/ubl`, our addition,
//! DECISIONS.md "E-invoices (UBL)"), wherever it is asked for: the API and the invoice
//! e-mail. It is made by [`crate::einvoice::render`] from the stored invoice, its customer
//! as stored, the seller's details and the invoice's kept PDF, and, like the PDF, the first
//! rendering is kept: an issued e-invoice does not change when the seller or the customer is
//! edited later.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::document;
use super::model::{CustomerInvoice, InvoiceContent, InvoiceId, pdf_file_name, ubl_file_name};
use super::store::store;
use crate::areas::account::{self, seller::SellerDetails};
use crate::areas::customers::Customer;
use crate::db::{Db, StoreError};
use crate::einvoice::{self, Buyer, Invoice, Line, Pdf, Seller, UblError, UblInput};
use crate::kernel::ids::AccountId;
use crate::kernel::input::FieldErrors;
use crate::kernel::scopes::Scope;
use crate::web::AppState;
use crate::web::auth::Principal;
use crate::web::error::{ApiError, ApiResult, ErrorBody, NotFoundExt};
use crate::web::path::PathId;

/// Why an invoice has no e-invoice.
#[derive(Debug)]
pub enum UblFailure {
    /// No valid e-invoice can be made until the invoice, seller or customer changes.
    Refused(UblError),
    /// Reading or keeping failed (a missing invoice is `StoreError::NotFound`).
    Store(StoreError),
}

impl From<StoreError> for UblFailure {
    fn from(e: StoreError) -> UblFailure {
        UblFailure::Store(e)
    }
}

/// Get Customer Invoice as UBL (our addition).
#[utoipa::path(get, path = "/customer-invoices/{invoiceId}/ubl", tag = "Customer Invoices API",
    operation_id = "get-customer-invoice-ubl",
    description = "portaal addition: the invoice as a UBL 2.1 e-invoice per Peppol BIS Billing 3.0 with the Dutch NL-R rules (a CreditNote for a negative total), with its PDF embedded. Made for manual invoices; the first rendering is kept, so the document does not change when the seller or the customer is edited later.",
    params(("invoiceId" = String, Path, description = "ID of the invoice")),
    responses(
        (status = 200, description = "The UBL document, as a download", body = String, content_type = "application/xml",
            headers(("Content-Disposition" = String, description = "`attachment; filename=\"factuur-<invoice number>.xml\"`"))),
        (status = 404, body = ErrorBody),
        (status = 422, description = "No valid e-invoice can be made: the invoice was uploaded as a PDF (it has no lines), the seller's details are incomplete, or the customer has no electronic address. `errors` names what to set.", body = ErrorBody)))]
pub async fn get_customer_invoice_ubl(
    State(state): State<AppState>,
    principal: Principal,
    PathId(invoice_id): PathId<InvoiceId>,
) -> ApiResult<Response> {
    principal.require(Scope::InvoicesRead)?;
    let invoice = store(&state.db)
        .get_invoice(&principal.account_id, &invoice_id)
        .await
        .or_not_found("customer invoice", invoice_id.as_str())?;
    let payment_url = state.ctx.public_url(&invoice.page_path());
    let bytes =
        match stored_or_rendered(&state.db, &principal.account_id, &invoice, &payment_url).await {
            Ok(bytes) => bytes,
            Err(UblFailure::Refused(e)) => return Err(refusal(e, &invoice)),
            // Deleted meanwhile: the 404 of a deleted invoice.
            Err(UblFailure::Store(e)) => {
                return Err(e).or_not_found("customer invoice", invoice_id.as_str());
            }
        };
    let filename = ubl_file_name(&invoice.invoice_number);
    Ok((
        [
            (header::CONTENT_TYPE, einvoice::CONTENT_TYPE.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The kept e-invoice, or for a manual invoice without one, a fresh rendering that is then
/// kept (if two render at once, both answer the one stored first). Nothing is rendered or
/// kept, the PDF included, for an invoice that cannot become a valid e-invoice.
pub async fn stored_or_rendered(
    db: &Db,
    account_id: &AccountId,
    invoice: &CustomerInvoice,
    payment_url: &str,
) -> Result<Vec<u8>, UblFailure> {
    let invoices = store(db);
    match invoices.get_invoice_ubl(account_id, &invoice.id).await {
        Err(StoreError::NotFound) => {}
        stored => return Ok(stored?),
    }
    let InvoiceContent::Manual {
        lines,
        credited_invoice_number,
    } = &invoice.content
    else {
        return Err(UblFailure::Refused(UblError::NoLines));
    };
    let (seller, customer) = tokio::try_join!(
        account::store(db).get_seller(account_id),
        invoices.get_invoice_customer(account_id, &invoice.customer_id),
    )?;
    let input = UblInput {
        seller: ubl_seller(&seller),
        buyer: ubl_buyer(&customer),
        invoice: Invoice {
            number: invoice.invoice_number.clone(),
            issue_date: invoice.issued_at,
            due_date: invoice.due_at,
            lines: lines
                .iter()
                .map(|line| Line {
                    description: line.description.clone(),
                    amount_excl_vat: line.amount_excl_vat,
                    vat_rate: line.vat_rate,
                })
                .collect(),
            // What the buyer quotes when paying: the invoice number, as the PDF and the
            // page ask.
            payment_reference: invoice.invoice_number.clone(),
            buyer_reference: None,
            credited_invoice: credited_invoice_number.clone(),
            pdf: None,
        },
    };
    // Checked before the PDF is asked for: the first PDF is kept, so an e-invoice that
    // cannot be made must not fix the PDF as it would be printed now.
    let (checked, input) = render(input).await;
    checked.map_err(UblFailure::Refused)?;
    let mut input = input;
    let pdf = document::stored_or_rendered(db, account_id, invoice, payment_url).await?;
    input.invoice.pdf = Some(Pdf {
        bytes: pdf,
        file_name: pdf_file_name(&invoice.invoice_number),
    });
    let (rendered, _) = render(input).await;
    let bytes = rendered.map_err(UblFailure::Refused)?;
    Ok(invoices
        .keep_invoice_ubl(account_id, &invoice.id, bytes)
        .await?)
}

/// Renders off the async threads (a document of 1000 lines with its PDF takes a while).
async fn render(input: UblInput) -> (Result<Vec<u8>, UblError>, UblInput) {
    tokio::task::spawn_blocking(move || (einvoice::render(&input), input))
        .await
        // The renderer does not panic on any input (its property test says so); if it ever
        // did, the request fails as a panic would.
        .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))
}

/// The seller as the e-invoice states it: the account's details as stored.
pub fn ubl_seller(details: &SellerDetails) -> Seller {
    Seller {
        legal_name: details.legal_name.clone(),
        street: details.street.clone(),
        zip_code: details.zip_code.clone(),
        city: details.city.clone(),
        country_code: details.country_code.clone(),
        kvk_number: details.kvk_number.clone(),
        vat_number: details.vat_number.clone(),
        iban: details.iban.clone(),
        bic: details.bic.clone(),
        email: details.email.clone(),
        phone: details.phone.clone(),
    }
}

/// The buyer as the e-invoice states it: the customer as stored.
pub fn ubl_buyer(customer: &Customer) -> Buyer {
    Buyer {
        company_name: customer.company_name.clone(),
        address: customer.address.clone(),
        zip_code: customer.zip_code.clone(),
        city: customer.city.clone(),
        country_code: customer.country_code.clone(),
        email: customer.primary_email.clone(),
        vat_number: customer.vat_number.clone(),
        coc_number: customer.coc_number.clone(),
        peppol_id: customer.peppol_id.clone(),
    }
}

/// The 422 for an invoice that cannot become an e-invoice, naming what to set where: the
/// seller's fields by the names `GET /v1/account` shows (under `seller.`), the customer's by
/// its API names (under `customer.`).
fn refusal(error: UblError, invoice: &CustomerInvoice) -> ApiError {
    let mut errors = FieldErrors::new();
    let message = match &error {
        UblError::IncompleteSeller { missing } => {
            for name in missing {
                errors.insert(
                    format!("seller.{name}"),
                    vec![format!(
                        "The seller's {name} is not set; an e-invoice must state it (portaal accounts update --{}).",
                        kebab(name)
                    )],
                );
            }
            format!(
                "An e-invoice needs seller details this account lacks: {}. An operator sets them with `portaal accounts update`; GET /v1/account lists them under missingForInvoices (the IBAN besides).",
                missing.join(", ")
            )
        }
        UblError::SellerOutsideNetherlands(_) => {
            let message = sentence(&error.to_string());
            errors.insert("seller.countryCode".to_owned(), vec![message.clone()]);
            message
        }
        UblError::NoLines => {
            let message = "This invoice was made by uploading a PDF, so it has no lines; an e-invoice (UBL) needs invoice lines, which invoices made with POST /customer-invoices/manual have.".to_owned();
            errors.insert("lines".to_owned(), vec![message.clone()]);
            message
        }
        UblError::NoBuyerAddress => {
            let message = format!(
                "The customer has no electronic address for an e-invoice: set its peppolId, or its cocNumber (a Dutch customer) or vatNumber, with PATCH /v1/customers/{}.",
                invoice.customer_id
            );
            errors.insert("customer".to_owned(), vec![message.clone()]);
            message
        }
        UblError::Invalid { field, reason } => {
            let message = format!("The {field} cannot go on an e-invoice: {reason}.");
            errors.insert(field.clone(), vec![message.clone()]);
            message
        }
    };
    ApiError::Validation { message, errors }
}

/// `kvkNumber` → `kvk-number`: the CLI flag of a seller field.
fn kebab(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// A message with its first letter capitalised and a full stop.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    let first: String = chars
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    let rest = chars.as_str();
    format!("{first}{rest}.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seller_fields_name_their_cli_flags() {
        assert_eq!(kebab("legalName"), "legal-name");
        assert_eq!(kebab("iban"), "iban");
        assert_eq!(kebab("kvkNumber"), "kvk-number");
        assert_eq!(sentence("e-invoices are made"), "E-invoices are made.");
    }
}
