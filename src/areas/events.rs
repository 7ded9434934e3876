//! Every event an area records, as the object it carries, and the one place that renders
//! them as webhooks receive them (DECISIONS.md): `{"id", "type", "createdAt", "data"}`, where
//! `data` is the object exactly as the API returns it (built by the same body function).
//! A new area adds its variants here.

use serde::Serialize;

use super::customer_invoices::{CustomerInvoice, CustomerInvoiceBody};
use super::customers::{Customer, CustomerBody};
use super::payment_links::{PaymentLink, PaymentLinkBody};
use crate::kernel::events::EventType;
use crate::kernel::ids::{self, prefix};
use crate::outbox::NewEvent;
use crate::web::Context;

pub enum Event {
    CustomerCreated(Customer),
    CustomerDeleted(Customer),
    InvoiceCreated(CustomerInvoice),
    InvoicePaid(CustomerInvoice),
    InvoiceDeleted(CustomerInvoice),
    PaymentLinkCreated(PaymentLink),
    PaymentLinkPaid(PaymentLink),
    PaymentLinkExpired(PaymentLink),
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EventBody<'a, T> {
    id: &'a str,
    #[serde(rename = "type")]
    event_type: &'static str,
    created_at: String,
    data: T,
}

impl Event {
    /// The reference's name of this event.
    pub fn kind(&self) -> EventType {
        match self {
            Event::CustomerCreated(_) => EventType::CustomerCreated,
            Event::CustomerDeleted(_) => EventType::CustomerDeleted,
            Event::InvoiceCreated(_) => EventType::InvoiceCreated,
            Event::InvoicePaid(_) => EventType::InvoicePaid,
            Event::InvoiceDeleted(_) => EventType::InvoiceDeleted,
            Event::PaymentLinkCreated(_) => EventType::PaymentLinkCreated,
            Event::PaymentLinkPaid(_) => EventType::PaymentLinkPaid,
            Event::PaymentLinkExpired(_) => EventType::PaymentLinkExpired,
        }
    }

    /// The event as webhooks receive it, stamped now.
    pub fn render(self, ctx: &Context) -> NewEvent {
        let event_type = self.kind();
        match self {
            Event::CustomerCreated(c) | Event::CustomerDeleted(c) => {
                body(ctx, event_type, CustomerBody::new(ctx, c))
            }
            Event::InvoiceCreated(i) | Event::InvoicePaid(i) | Event::InvoiceDeleted(i) => {
                body(ctx, event_type, CustomerInvoiceBody::new(ctx, i))
            }
            Event::PaymentLinkCreated(l)
            | Event::PaymentLinkPaid(l)
            | Event::PaymentLinkExpired(l) => body(ctx, event_type, PaymentLinkBody::new(ctx, &l)),
        }
    }
}

fn body<T: Serialize>(ctx: &Context, event_type: EventType, data: T) -> NewEvent {
    let id = ids::new_id(prefix::EVENT);
    let created_at = ctx.now();
    let body = serde_json::to_string(&EventBody {
        id: &id,
        event_type: event_type.as_str(),
        created_at: ctx.atom(created_at),
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
