//! portaal: a self-hostable server for the MijnKlantportaal API v1.
//!
//! The map, outside in:
//! - [`cli`]: the `portaal` command (serve, migrate, accounts, api-keys).
//! - [`startup`]: builds the application from its [`config`] and runs it.
//! - [`http`]: routes, authentication, errors, pagination, one module per API area.
//! - [`backup`]: `portaal backup` and `portaal restore`.
//! - [`admin`]: operator actions shared by the CLI and the tests (accounts, keys).
//! - [`portal`]: the pages customers see: the public invoice page and payment link checkout.
//! - [`payments`]: payment providers (bank transfer, Mollie).
//! - [`outbox`]: delivering webhooks and e-mails, at least once.
//! - [`domain`]: pure rules: ids, money, VAT, dates, validated inputs.
//! - [`store`]: persistence behind the `Store` trait; SQLite is embedded.
//! - [`pdf`]: the invoice as an A4 PDF, rendered in process from the domain's totals.
//! - [`inbound`]: inbound e-mail parsed for tickets (sender, reply token, text, attachments).
//! - [`ics`]: appointment invitations and cancellations as iCalendar (RFC 5545).
//! - [`clock`]: the source of "now", injectable for tests.

pub mod admin;
pub mod backup;
pub mod cli;
pub mod clock;
pub mod config;
pub mod domain;
pub mod http;
pub mod ics;
pub mod inbound;
pub mod outbox;
pub mod payments;
pub mod pdf;
pub mod portal;
pub mod seller_args;
pub mod startup;
pub mod store;
