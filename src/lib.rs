//! portaal: a self-hostable server for the MijnKlantportaal API v1.
//!
//! The map, outside in; each module uses only those below it (docs/ARCHITECTURE.md):
//! - [`cli`]: the `portaal` command (serve, migrate, accounts, api-keys, outbox, backup).
//! - [`app`]: the composition root: state, router, OpenAPI document, serving, shutdown.
//! - [`backup`]: `portaal backup` and `portaal restore`.
//! - [`config`]: flags and `PORTAAL_*` variables.
//! - [`areas`]: one folder per API area: its model, store and SQL, handlers and pages.
//! - [`web`]: HTTP plumbing: state, errors, JSON, pagination, auth, idempotency, pages' shell.
//! - [`outbox`]: recording events, delivering webhooks and e-mails at least once.
//! - [`mail`]: e-mail transports and message parts.
//! - [`pdf`]: the invoice as an A4 PDF, rendered in process from plain data.
//! - [`payments`]: payment providers (bank transfer, Mollie).
//! - [`db`]: SQLite and PostgreSQL: pools, migrations, errors, the API-key lookup.
//! - [`kernel`]: pure rules: ids, money, VAT, dates, clock, input, scopes, events, features.
//! - [`einvoice`]: the invoice as a UBL 2.1 e-invoice (Peppol BIS Billing 3.0, Dutch rules).
//! - [`billing`]: the billing engine's rules: periods without drift, due periods, invoice numbers.

pub mod app;
pub mod areas;
pub mod backup;
pub mod billing;
pub mod cli;
pub mod config;
pub mod db;
pub mod einvoice;
pub mod kernel;
pub mod mail;
pub mod outbox;
pub mod payments;
pub mod pdf;
pub mod web;
