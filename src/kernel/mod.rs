//! Pure rules every area shares: identifiers, money, VAT and invoice lines, dates and the
//! clock, reading untrusted input, scopes, event types, the account's feature modules, and
//! how amounts, dates and IBANs are written. No HTTP, no SQL.

pub mod clock;
pub mod events;
pub mod features;
pub mod format;
pub mod ids;
pub mod input;
pub mod lines;
pub mod money;
pub mod net;
pub mod scopes;
pub mod time;
pub mod vat;
