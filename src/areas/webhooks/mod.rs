//! Webhooks API (`webhooks.md`): subscriptions to one event type each, plus our `DELETE` of a
//! subscription and the list of its deliveries; target URLs are checked before they are
//! stored. Deliveries themselves are the outbox's (`src/outbox/`).

mod body;
mod http;
pub mod model;
pub mod request;
pub mod store;

use utoipa_axum::routes;

pub use body::{DeliveryBody, EventTypeName, WebhookBody};
pub use model::Webhook;
pub use store::{WebhookStore, store};

use crate::web::Routes;

pub fn routes() -> Routes {
    Routes::new()
        .api(routes!(http::list_webhooks, http::create_webhook))
        .api(routes!(http::get_webhook, http::delete_webhook))
        .api(routes!(http::list_webhook_deliveries))
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
