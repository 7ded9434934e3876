//! Customer Invoices API (`customer-invoices.md`): manual invoices built from lines,
//! uploaded PDF invoices, list, get, mark paid, delete (soft; ours), a signed PDF link and
//! the UBL e-invoice (ours); plus each invoice's public page (`links.onlinePaymentLink`), its
//! PDF document and the notification e-mail. The license limit is counted with every create.

mod body;
pub mod document;
pub mod email;
pub mod group_commit;
mod http;
pub mod model;
pub mod pages;
pub mod request;
pub mod store;
mod turns;
pub mod ubl;
pub mod upload;

use axum::routing::get;
use utoipa_axum::routes;

pub use body::{CustomerInvoiceBody, InvoiceLineBody, Link, VatBreakdownBody};
pub use model::{CustomerInvoice, InvoiceContent, NewInvoiceRecord, NotificationStatus};
pub use store::{InvoiceStore, store};

use crate::web::Routes;

pub fn routes() -> Routes {
    Routes::new()
        .api_with_body_limit(
            routes!(
                http::list_customer_invoices,
                upload::create_customer_invoice
            ),
            upload::BODY_LIMIT,
        )
        .api(routes!(http::create_manual_customer_invoice))
        .api(routes!(
            http::get_customer_invoice,
            http::mark_customer_invoice_paid,
            http::delete_customer_invoice
        ))
        .api(routes!(http::get_customer_invoice_pdf))
        .api(routes!(ubl::get_customer_invoice_ubl))
        // The signed PDF link: opened without an API key.
        .page(
            "/files/customer-invoices/{token}",
            get(http::download_customer_invoice_pdf),
        )
        .page(
            "/public-invoice/{invoiceId}/pay/{token}",
            get(pages::show_invoice_page).post(pages::pay_invoice),
        )
        .page(
            "/public-invoice/{invoiceId}/pay/{token}/pdf",
            get(pages::download_invoice_pdf),
        )
        .page(
            "/public-invoice/{invoiceId}/pay/{token}/logo",
            get(pages::seller_logo),
        )
}

// The SQL of this module, compiled once per backend (`Backend` and `DB` differ).
#[path = "."]
mod sqlite {
    use crate::db::sqlite::{Backend, DB};
    mod sql;
}
#[path = "."]
mod postgres {
    use crate::db::postgres::{Backend, DB};
    mod sql;
}
