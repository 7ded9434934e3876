//! The Customer Invoices API's handlers, centred on Create manual Customer Invoice
//! (`POST /customer-invoices/manual`, the seed endpoint); the upload is `upload.rs`.

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::Timestamp;

use super::body::{CloudFile, CustomerInvoiceBody};
use super::document;
use super::model::{
    CustomerInvoice, InvoiceContent, InvoiceFilter, InvoiceId, NewInvoiceRecord, NotificationStatus,
};
use super::request::{CreateManualInvoiceRequest, MarkPaidRequest, NewManualInvoice};
use super::store::store;
use crate::areas::customers::model::CustomerId;
use crate::kernel::ids::{self, AccountId};
use crate::kernel::input::{FieldErrors, add_error};
use crate::kernel::lines;
use crate::kernel::scopes::Scope;
use crate::kernel::time::{month_key, parse_date};
use crate::web::AppState;
use crate::web::auth::Principal;
use crate::web::error::{ApiError, ApiResult, ErrorBody, NotFoundExt};
use crate::web::json::JsonBody;
use crate::web::pagination::{ListQuery, Paginated};
use crate::web::path::PathId;
use crate::web::signed_links::{LIFETIME, LinkError};

/// What a signed PDF link is for; part of what the signature covers.
const PDF_LINK: &str = "customer-invoice-pdf";

/// Stamps identity, dates and the payment secret on a validated invoice and stores it.
pub(super) async fn store_new_invoice(
    state: &AppState,
    principal: &Principal,
    mut invoice: CustomerInvoice,
    pdf: Option<Vec<u8>>,
) -> ApiResult<CustomerInvoice> {
    // The store sets `due_at` from the account's payment term in the create's transaction.
    let now = state.now();
    invoice.created_at = now;
    invoice.has_pdf = pdf.is_some();
    invoice.notification = invoice
        .send_notification
        .then_some(NotificationStatus::Queued);
    let record = NewInvoiceRecord {
        license_month: month_key(now, &state.ctx.time_zone),
        invoice,
        pdf,
    };
    let created = store(&state.db)
        .create_invoice(&principal.account_id, record, &state.ctx)
        .await?;
    tracing::info!(account_id = %principal.account_id, invoice_id = %created.id, "customer invoice created");
    Ok(created)
}

/// A fresh invoice skeleton; `store_new_invoice` fills in due date and creation time.
pub(super) fn new_invoice(
    customer_id: String,
    invoice_number: String,
    issued_at: jiff::civil::Date,
) -> CustomerInvoice {
    CustomerInvoice {
        id: InvoiceId::new(),
        // The store checks that it names a live customer of the account (422 otherwise).
        customer_id: CustomerId::from_request(customer_id),
        invoice_number,
        issued_at,
        due_at: issued_at,
        currency: "EUR".to_owned(),
        amount: Default::default(),
        content: InvoiceContent::Uploaded,
        has_pdf: false,
        paid_at: None,
        // 128 bits from the CSPRNG (DECISIONS.md: at least 128 bits).
        payment_token: ids::random_hex(16),
        send_notification: false,
        notification: None,
        created_at: Timestamp::UNIX_EPOCH,
    }
}

/// Create manual Customer Invoice: builds the invoice from lines, with VAT per rate.
#[utoipa::path(post, path = "/customer-invoices/manual", tag = "Customer Invoices API",
    operation_id = "create-customer-invoice-manual",
    request_body = CreateManualInvoiceRequest,
    responses(
        (status = 201, description = "Getting the created Customer Invoice", body = CustomerInvoiceBody),
        (status = 422, description = "Something is wrong with the posted data", body = ErrorBody),
        (status = 426, description = "The amount of invoices this month reached the license's limit", body = ErrorBody)))]
pub async fn create_manual_customer_invoice(
    State(state): State<AppState>,
    principal: Principal,
    JsonBody(body): JsonBody<CreateManualInvoiceRequest>,
) -> ApiResult<(StatusCode, Json<CustomerInvoiceBody>)> {
    principal.require(Scope::InvoicesWrite)?;
    let input = NewManualInvoice::try_from(body).map_err(ApiError::validation)?;
    let totals = lines::totals(&input.lines);
    let mut new = new_invoice(input.customer_id, input.invoice_number, input.issued_at);
    new.amount = totals.total;
    new.content = InvoiceContent::Manual {
        lines: input.lines,
        credited_invoice_number: input.credited_invoice_number,
    };
    new.send_notification = input.send_notification;
    let created = store_new_invoice(&state, &principal, new, None).await?;
    Ok((
        StatusCode::CREATED,
        Json(CustomerInvoiceBody::new(&state.ctx, created)),
    ))
}

/// List Customer Invoices, newest first, with our optional filters.
#[utoipa::path(get, path = "/customer-invoices", tag = "Customer Invoices API", operation_id = "list-customer-invoices",
    params(("page" = Option<u64>, Query, description = "1-based page number"),
           ("per_page" = Option<u64>, Query, description = "Items per page, 1 to 100 (default 15); our addition"),
           ("customerId" = Option<String>, Query, description = "Only this customer's invoices; our addition"),
           ("paid" = Option<bool>, Query, description = "`true`: only paid, `false`: only open; our addition"),
           ("issuedFrom" = Option<String>, Query, description = "Issued on or after this date (YYYY-MM-DD); our addition"),
           ("issuedTo" = Option<String>, Query, description = "Issued on or before this date (YYYY-MM-DD); our addition")),
    responses((status = 200, body = Paginated<CustomerInvoiceBody>), (status = 422, body = ErrorBody)))]
pub async fn list_customer_invoices(
    State(state): State<AppState>,
    principal: Principal,
    Query(params): Query<Vec<(String, String)>>,
) -> ApiResult<Json<Paginated<CustomerInvoiceBody>>> {
    principal.require(Scope::InvoicesRead)?;
    let mut query = ListQuery::parse(&params)?;
    let (filter, kept) = parse_filter(&params)?;
    query.filters = kept;
    let rows = store(&state.db)
        .list_invoices(&principal.account_id, &filter, query.store_query())
        .await?;
    Ok(Json(Paginated::new(
        &query,
        state.ctx.api_url("/customer-invoices"),
        rows,
        |i| CustomerInvoiceBody::new(&state.ctx, i),
    )))
}

/// Reads the list filters; returns them with the pairs to carry into page URLs.
fn parse_filter(params: &[(String, String)]) -> ApiResult<(InvoiceFilter, Vec<(String, String)>)> {
    let mut filter = InvoiceFilter::default();
    let mut kept = Vec::new();
    let mut errors = FieldErrors::new();
    let value = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    if let Some(customer_id) = value("customerId") {
        if ids::is_well_formed(customer_id) {
            filter.customer_id = Some(CustomerId::from_request(customer_id.to_owned()));
            kept.push(("customerId".to_owned(), customer_id.to_owned()));
        } else {
            add_error(
                &mut errors,
                "customerId".into(),
                "The customerId parameter must be a customer ID like cst_abc12345def678.",
            );
        }
    }
    match value("paid") {
        None => {}
        Some(v @ ("true" | "1")) => {
            filter.paid = Some(true);
            kept.push(("paid".to_owned(), v.to_owned()));
        }
        Some(v @ ("false" | "0")) => {
            filter.paid = Some(false);
            kept.push(("paid".to_owned(), v.to_owned()));
        }
        Some(_) => add_error(
            &mut errors,
            "paid".into(),
            "The paid parameter must be true or false.",
        ),
    }
    for (name, slot) in [
        ("issuedFrom", &mut filter.issued_from),
        ("issuedTo", &mut filter.issued_to),
    ] {
        if let Some(text) = value(name) {
            match parse_date(text) {
                Ok(date) => {
                    *slot = Some(date);
                    kept.push((name.to_owned(), text.to_owned()));
                }
                Err(message) => add_error(
                    &mut errors,
                    name.to_owned(),
                    format!("The {name} parameter: {message}"),
                ),
            }
        }
    }
    if errors.is_empty() {
        Ok((filter, kept))
    } else {
        Err(ApiError::validation(errors))
    }
}

/// Get Customer Invoice.
#[utoipa::path(get, path = "/customer-invoices/{invoiceId}", tag = "Customer Invoices API",
    operation_id = "get-customer-invoice",
    params(("invoiceId" = String, Path, description = "ID of the invoice")),
    responses((status = 200, body = CustomerInvoiceBody), (status = 404, body = ErrorBody)))]
pub async fn get_customer_invoice(
    State(state): State<AppState>,
    principal: Principal,
    PathId(invoice_id): PathId<InvoiceId>,
) -> ApiResult<Json<CustomerInvoiceBody>> {
    principal.require(Scope::InvoicesRead)?;
    let invoice = store(&state.db)
        .get_invoice(&principal.account_id, &invoice_id)
        .await
        .or_not_found("customer invoice", invoice_id.as_str())?;
    Ok(Json(CustomerInvoiceBody::new(&state.ctx, invoice)))
}

/// Mark Customer Invoice paid.
#[utoipa::path(patch, path = "/customer-invoices/{invoiceId}", tag = "Customer Invoices API",
    operation_id = "mark-customer-invoice-paid",
    params(("invoiceId" = String, Path, description = "ID of the invoice")),
    request_body = MarkPaidRequest,
    responses((status = 200, body = CustomerInvoiceBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn mark_customer_invoice_paid(
    State(state): State<AppState>,
    principal: Principal,
    PathId(invoice_id): PathId<InvoiceId>,
    JsonBody(body): JsonBody<MarkPaidRequest>,
) -> ApiResult<Json<CustomerInvoiceBody>> {
    principal.require(Scope::InvoicesWrite)?;
    let paid_at = body
        .parse(&state.ctx.time_zone, state.now())
        .map_err(ApiError::validation)?;
    let invoice = store(&state.db)
        .mark_invoice_paid(&principal.account_id, &invoice_id, paid_at, &state.ctx)
        .await
        .or_not_found("customer invoice", invoice_id.as_str())?;
    tracing::info!(account_id = %principal.account_id, invoice_id = %invoice.id, "customer invoice marked paid");
    Ok(Json(CustomerInvoiceBody::new(&state.ctx, invoice)))
}

/// Delete Customer Invoice (our addition): kept for legal retention, no longer shown; its
/// number stays taken.
#[utoipa::path(delete, path = "/customer-invoices/{invoiceId}", tag = "Customer Invoices API",
    operation_id = "delete-customer-invoice",
    description = "portaal addition: the reference implies deletion (`invoice-deleted` event) but documents no endpoint.",
    params(("invoiceId" = String, Path, description = "ID of the invoice")),
    responses((status = 204, description = "Deleted"), (status = 404, body = ErrorBody)))]
pub async fn delete_customer_invoice(
    State(state): State<AppState>,
    principal: Principal,
    PathId(invoice_id): PathId<InvoiceId>,
) -> ApiResult<StatusCode> {
    principal.require(Scope::InvoicesWrite)?;
    store(&state.db)
        .delete_invoice(&principal.account_id, &invoice_id, &state.ctx)
        .await
        .or_not_found("customer invoice", invoice_id.as_str())?;
    tracing::info!(account_id = %principal.account_id, invoice_id = %invoice_id, "customer invoice deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// Get Customer Invoice as PDF: a link that works for five minutes without an API key.
#[utoipa::path(get, path = "/customer-invoices/{invoiceId}/pdf", tag = "Customer Invoices API",
    operation_id = "get-customer-invoice-pdf",
    params(("invoiceId" = String, Path, description = "ID of the invoice")),
    responses((status = 200, body = CloudFile), (status = 404, body = ErrorBody)))]
pub async fn get_customer_invoice_pdf(
    State(state): State<AppState>,
    principal: Principal,
    PathId(invoice_id): PathId<InvoiceId>,
) -> ApiResult<Json<CloudFile>> {
    principal.require(Scope::InvoicesRead)?;
    let invoice = store(&state.db)
        .get_invoice(&principal.account_id, &invoice_id)
        .await
        .or_not_found("customer invoice", invoice_id.as_str())?;
    let expires = state.now() + LIFETIME;
    let token = state.signer.sign(
        PDF_LINK,
        principal.account_id.as_str(),
        invoice.id.as_str(),
        expires,
    );
    Ok(Json(CloudFile {
        link: state
            .ctx
            .public_url(&format!("/files/customer-invoices/{token}")),
        expires_at: state.ctx.atom(expires),
    }))
}

/// Serves the PDF behind a signed link.
pub(super) async fn download_customer_invoice_pdf(
    State(state): State<AppState>,
    token: Result<Path<String>, PathRejection>,
) -> ApiResult<Response> {
    let invalid = || ApiError::Forbidden("This download link is not valid.".to_owned());
    let Path(token) = token.map_err(|_| invalid())?;
    let target = state
        .signer
        .verify(PDF_LINK, &token, state.now())
        .map_err(|e| match e {
            LinkError::Expired => ApiError::Forbidden(
                "This download link has expired; ask the API for a new one.".to_owned(),
            ),
            LinkError::Malformed | LinkError::Tampered => invalid(),
        })?;
    // A link signed by us holds an account ID; anything else cannot have been.
    let account_id = AccountId::parse(&target.account_id).ok_or_else(invalid)?;
    let invoice_id = InvoiceId::parse(&target.object_id).ok_or_else(invalid)?;
    let invoice = store(&state.db)
        .get_invoice(&account_id, &invoice_id)
        .await
        .or_not_found("customer invoice", &target.object_id)?;
    let bytes = document::invoice_pdf(&state, &account_id, &invoice)
        .await
        .or_not_found("PDF of customer invoice", &target.object_id)?;
    Ok(document::pdf_response(&invoice, bytes))
}
