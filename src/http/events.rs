//! Event bodies as webhooks receive them (DECISIONS.md): `{"id", "type", "createdAt",
//! "data"}`, where `data` is the object exactly as the API returns it.

use serde::Serialize;

use super::AppState;
use super::customer_invoices::CustomerInvoiceBody;
use super::customers::CustomerBody;
use super::payment_links::PaymentLinkBody;
use crate::domain::events::EventType;
use crate::domain::ids;
use crate::store::{Customer, CustomerInvoice, EventRenderer, NewEvent, PaymentLink};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EventBody<'a, T> {
    id: &'a str,
    #[serde(rename = "type")]
    event_type: &'static str,
    created_at: String,
    data: T,
}

impl AppState {
    fn event<T: Serialize>(&self, event_type: EventType, data: T) -> NewEvent {
        let id = ids::new_id(ids::prefix::EVENT);
        let created_at = self.clock.now();
        let body = serde_json::to_string(&EventBody {
            id: &id,
            event_type: event_type.as_str(),
            created_at: self.atom(created_at),
            data,
        })
        .expect("event bodies serialise");
        NewEvent {
            id,
            event_type,
            body,
            created_at,
        }
    }
}

impl EventRenderer for AppState {
    fn customer_event(&self, event_type: EventType, customer: &Customer) -> NewEvent {
        self.event(event_type, CustomerBody::new(self, customer.clone()))
    }

    fn invoice_event(&self, event_type: EventType, invoice: &CustomerInvoice) -> NewEvent {
        self.event(event_type, CustomerInvoiceBody::new(self, invoice.clone()))
    }

    fn payment_link_event(&self, event_type: EventType, link: &PaymentLink) -> NewEvent {
        self.event(event_type, PaymentLinkBody::new(self, link))
    }
}
