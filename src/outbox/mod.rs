//! Delivering what the outbox holds: webhooks over HTTP and the customer's invoice e-mail,
//! at least once, with exponential backoff for about three days.

pub mod email;
pub mod mailer;
mod webhook;
mod worker;

pub use mailer::Mailer;
pub use worker::{MAX_ATTEMPTS, Outbox, backoff};
