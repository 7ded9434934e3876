//! The reference's 23 webhook event types (`webhooks.md`), exactly as spelled there.

use std::fmt;

macro_rules! event_types {
    ($($variant:ident => $name:literal),+ $(,)?) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum EventType { $($variant),+ }

        impl EventType {
            pub const ALL: &'static [EventType] = &[$(EventType::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(EventType::$variant => $name),+ }
            }

            pub fn parse(text: &str) -> Option<EventType> {
                match text { $($name => Some(EventType::$variant),)+ _ => None }
            }
        }
    };
}

event_types! {
    AppointmentCreated => "appointment-created",
    AppointmentCanceled => "appointment-canceled",
    CustomerCreated => "customer-created",
    CustomerDeleted => "customer-deleted",
    OfferCreated => "offer-created",
    OfferDeleted => "offer-deleted",
    OfferAccepted => "offer-accepted",
    OfferRejected => "offer-rejected",
    InvoiceCreated => "invoice-created",
    InvoiceChargeback => "invoice-chargeback",
    InvoicePaid => "invoice-paid",
    InvoiceDeleted => "invoice-deleted",
    PaymentLinkCreated => "payment-link-created",
    PaymentLinkExpired => "payment-link-expired",
    PaymentLinkPaid => "payment-link-paid",
    TicketCreated => "ticket-created",
    TicketReplyCustomer => "ticket-reply-customer",
    TicketReplyEmployee => "ticket-reply-employee",
    SubscriptionCreated => "subscription-created",
    SubscriptionUpdated => "subscription-updated",
    SubscriptionDeleted => "subscription-deleted",
    SubscriptionPaymentCreated => "subscription-payment-created",
    SubscriptionPaymentUpdated => "subscription-payment-updated",
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_the_reference_s_23_types_and_they_round_trip() {
        assert_eq!(EventType::ALL.len(), 23);
        for t in EventType::ALL {
            assert_eq!(EventType::parse(t.as_str()), Some(*t));
        }
        assert_eq!(EventType::parse("appointment-cancelled"), None);
    }
}
