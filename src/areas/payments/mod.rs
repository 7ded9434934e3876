//! Payments at a provider, for customer invoices and payment links alike: starting a
//! checkout at Mollie, learning its outcome (Mollie's webhook, or the payer's return), and
//! settling it, which marks the invoice or link paid. The pages that start payments are
//! the invoice page and the link checkout.

pub mod flow;
pub mod model;
pub mod store;

use axum::routing::post;

pub use model::{Payment, PaymentTarget, PaymentUpdate};
pub use store::{PaymentStore, store};

use crate::web::Routes;

pub fn routes() -> Routes {
    Routes::new().page("/payments/mollie/webhook", post(flow::mollie_webhook))
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
