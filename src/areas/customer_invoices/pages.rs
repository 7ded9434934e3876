//! `GET /public-invoice/{invoiceId}/pay/{token}`: the invoice as its customer sees it, with
//! its PDF, and the pay action (`POST` to the same URL).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::document;
use super::model::{CustomerInvoice, InvoiceContent};
use super::store::store;
use crate::areas::account;
use crate::areas::account::view::{self, SellerView, TransferView, logo_response, texts_for};
use crate::areas::customer_invoices::model::InvoiceId;
use crate::areas::customers::Customer;
use crate::areas::payments::PaymentTarget;
use crate::areas::payments::flow::{self as pay, PageQuery, Started};
use crate::db::StoreError;
use crate::kernel::ids::AccountId;
use crate::kernel::lines;
use crate::web::AppState;
use crate::web::pages::{Texts, not_found, render, same_secret};

/// An invoice the URL's token opens.
pub struct Opened {
    pub account_id: AccountId,
    pub invoice: CustomerInvoice,
    /// The page's own URL (it holds the token).
    pub url: String,
}

/// The invoice behind the URL; otherwise the response to give: the one "not found" page
/// for anything that must look unknown, or a 500.
async fn open(state: &AppState, invoice_id: &str, token: &str) -> Result<Opened, Response> {
    let Some(invoice_id) = InvoiceId::parse(invoice_id) else {
        return Err(not_found());
    };
    if token.is_empty() || token.len() > 128 {
        return Err(not_found());
    }
    match store(&state.db).find_invoice(&invoice_id).await {
        Ok((account_id, invoice)) if same_secret(token, &invoice.payment_token) => {
            let url = state.ctx.public_url(&invoice.page_path());
            Ok(Opened {
                account_id,
                invoice,
                url,
            })
        }
        Ok(_) | Err(StoreError::NotFound) => Err(not_found()),
        Err(e) => Err(pay::internal("reading an invoice for its page", e)),
    }
}

pub async fn show_invoice_page(
    State(state): State<AppState>,
    Path((invoice_id, token)): Path<(String, String)>,
    Query(query): Query<PageQuery>,
) -> Response {
    let mut opened = match open(&state, &invoice_id, &token).await {
        Ok(opened) => opened,
        Err(response) => return response,
    };
    let mut notice = None;
    if query.returned() && opened.invoice.paid_at.is_none() {
        // Back from the provider: ask it now rather than wait for its webhook.
        let target = PaymentTarget::Invoice(opened.invoice.id.clone());
        let settled = pay::refresh_latest(&state, &opened.account_id, &target).await;
        if let Ok((_, invoice)) = store(&state.db).find_invoice(&opened.invoice.id).await {
            opened.invoice = invoice;
        }
        if opened.invoice.paid_at.is_none() {
            notice = Some(match settled {
                Err(_) => Notice::ProviderDown,
                Ok(_) => Notice::Processing,
            });
        }
    }
    page(&state, &opened, notice, StatusCode::OK).await
}

pub async fn pay_invoice(
    State(state): State<AppState>,
    Path((invoice_id, token)): Path<(String, String)>,
) -> Response {
    let opened = match open(&state, &invoice_id, &token).await {
        Ok(opened) => opened,
        Err(response) => return response,
    };
    let invoice = &opened.invoice;
    if invoice.paid_at.is_some() || invoice.amount.cents() <= 0 {
        return Redirect::to(&opened.url).into_response();
    }
    let texts = texts_for(&state, &opened.account_id).await;
    let description = format!("{} {}", texts.invoice, invoice.invoice_number);
    let started = pay::start(
        &state,
        &opened.account_id,
        PaymentTarget::Invoice(invoice.id.clone()),
        invoice.amount,
        description,
        format!("{}?return=1", opened.url),
    )
    .await;
    match started {
        Started::Redirect(url) => Redirect::to(&url).into_response(),
        Started::NotOffered => Redirect::to(&opened.url).into_response(),
        Started::ProviderDown => {
            page(
                &state,
                &opened,
                Some(Notice::ProviderDown),
                StatusCode::BAD_GATEWAY,
            )
            .await
        }
        Started::Failed(response) => response,
    }
}

pub async fn download_invoice_pdf(
    State(state): State<AppState>,
    Path((invoice_id, token)): Path<(String, String)>,
) -> Response {
    let opened = match open(&state, &invoice_id, &token).await {
        Ok(opened) => opened,
        Err(response) => return response,
    };
    match document::invoice_pdf(&state, &opened.account_id, &opened.invoice).await {
        Ok(bytes) => document::pdf_response(&opened.invoice, bytes),
        Err(e) => pay::internal("rendering an invoice PDF for its page", e),
    }
}

pub async fn seller_logo(
    State(state): State<AppState>,
    Path((invoice_id, token)): Path<(String, String)>,
) -> Response {
    match open(&state, &invoice_id, &token).await {
        Ok(opened) => logo_response(&state, &opened.account_id).await,
        Err(response) => response,
    }
}

#[derive(Debug, Clone, Copy)]
enum Notice {
    Processing,
    ProviderDown,
}

pub struct LineView {
    pub description: String,
    pub excl: String,
    pub rate: String,
    pub vat: String,
    pub incl: String,
}

pub struct RateView {
    pub rate: String,
    pub taxable: String,
    pub vat: String,
}

#[derive(askama::Template)]
#[template(path = "portal/invoice.html")]
struct InvoicePage {
    t: &'static Texts,
    seller: SellerView,
    customer: Customer,
    number: String,
    issued: String,
    due: String,
    /// `paid`, `open` or `overdue`: the badge's class.
    status_class: &'static str,
    status: &'static str,
    paid_on: Option<String>,
    lines: Vec<LineView>,
    breakdown: Vec<RateView>,
    subtotal: Option<String>,
    total_vat: Option<String>,
    total: String,
    /// "Total due", or for a credit note "Total to be credited".
    total_label: &'static str,
    pdf_url: String,
    pay_url: String,
    /// Unpaid with something to pay.
    payable: bool,
    online: bool,
    transfer: Option<TransferView>,
    notice: Option<&'static str>,
}

async fn page(
    state: &AppState,
    opened: &Opened,
    notice: Option<Notice>,
    status: StatusCode,
) -> Response {
    let accounts = account::store(&state.db);
    let loaded = tokio::try_join!(
        accounts.get_account(&opened.account_id),
        accounts.get_seller(&opened.account_id),
        store(&state.db).get_invoice_customer(&opened.account_id, &opened.invoice.customer_id),
    );
    let (account, seller, customer) = match loaded {
        Ok(loaded) => loaded,
        Err(e) => return pay::internal("reading an invoice page's account", e),
    };
    let t = Texts::for_locale(&account.locale);
    let invoice = &opened.invoice;
    let today = state.now().to_zoned(state.ctx.time_zone.clone()).date();
    let (status_class, status_text) = match invoice.paid_at {
        Some(_) => ("paid", t.status_paid),
        None if today > invoice.due_at => ("overdue", t.status_overdue),
        None => ("open", t.status_open),
    };
    let (lines, breakdown, subtotal, total_vat) = match &invoice.content {
        InvoiceContent::Manual { lines, .. } => {
            let totals = lines::totals(lines);
            let views = lines
                .iter()
                .zip(&totals.lines)
                .map(|(line, sums)| LineView {
                    description: line.description.clone(),
                    excl: t.money(sums.amount_excl_vat),
                    rate: crate::kernel::format::rate(sums.rate),
                    vat: t.money(sums.vat),
                    incl: t.money(sums.amount_incl_vat),
                })
                .collect();
            let rates = totals
                .breakdown
                .iter()
                .map(|r| RateView {
                    rate: crate::kernel::format::rate(r.rate),
                    taxable: t.money(r.taxable),
                    vat: t.money(r.vat),
                })
                .collect();
            (
                views,
                rates,
                Some(t.money(totals.subtotal)),
                Some(t.money(totals.vat)),
            )
        }
        InvoiceContent::Uploaded => (Vec::new(), Vec::new(), None, None),
    };
    let payable = invoice.paid_at.is_none() && invoice.amount.cents() > 0;
    let transfer = view::transfer(
        &seller,
        &account.name,
        invoice.amount,
        &invoice.invoice_number,
    )
    .filter(|_| payable)
    .map(|b| TransferView::new(t, b));
    let view = InvoicePage {
        t,
        seller: SellerView::new(&seller, &account.name, format!("{}/logo", opened.url)),
        customer,
        number: invoice.invoice_number.clone(),
        issued: t.date(invoice.issued_at),
        due: t.date(invoice.due_at),
        status_class,
        status: status_text,
        paid_on: invoice
            .paid_at
            .map(|at| t.date(at.to_zoned(state.ctx.time_zone.clone()).date())),
        lines,
        breakdown,
        subtotal,
        total_vat,
        total: t.money(invoice.amount),
        total_label: if invoice.amount.cents() < 0 {
            t.total_credit
        } else {
            t.total
        },
        pdf_url: format!("{}/pdf", opened.url),
        pay_url: opened.url.clone(),
        payable,
        online: payable && seller.mollie_enabled,
        transfer,
        notice: notice.map(|n| match n {
            Notice::Processing => t.processing,
            Notice::ProviderDown => t.provider_down,
        }),
    };
    render(status, &view)
}
