//! Payment Links API (`payment-links.md`): list, get, create, close, and a link's payments;
//! each link's checkout page at its `checkoutUrl`, paid through the payments area.

mod body;
mod http;
pub mod model;
mod pages;
pub mod request;
pub mod store;
pub mod sweep;

use axum::routing::get;
use utoipa_axum::routes;

pub use body::{PaymentLinkBody, PaymentLinkPaymentBody};
pub use model::{LinkStatus, PaymentLink};
pub use store::{PaymentLinkStore, store};

use crate::web::Routes;

pub fn routes() -> Routes {
    Routes::new()
        .api(routes!(http::list_payment_links, http::create_payment_link))
        .api(routes!(http::get_payment_link, http::close_payment_link))
        .api(routes!(http::list_payment_link_payments))
        .page(
            "/payment-link/{linkId}",
            get(pages::show_checkout).post(pages::pay_link),
        )
        .page("/payment-link/{linkId}/logo", get(pages::seller_logo))
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
