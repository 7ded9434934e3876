//! The HTTP test suite: every test starts a real portaal server on a random port with a
//! fresh database and talks to it over HTTP, as a client would.

mod helpers;

mod auth;
mod cli;
mod customer_groups;
mod customer_invoices;
mod customers;
mod hardening;
mod hostile_input;
mod invoice_uploads;
mod multi_instance;
mod openapi;
mod outbox;
mod pagination;
mod webhooks;
