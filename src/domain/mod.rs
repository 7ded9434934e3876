//! Pure business rules: identifiers, money, VAT, dates, scopes and validated inputs.
//! Nothing here touches HTTP, SQL or the clock.

pub mod customer;
pub mod events;
pub mod ids;
pub mod input;
pub mod invoice;
pub mod money;
pub mod net;
pub mod payment_link;
pub mod scopes;
pub mod seller;
pub mod time;
pub mod vat;
