//! The HTTP test suite: every test starts a real portaal server on a random port with a
//! fresh database and talks to it over HTTP, as a client would.

mod helpers;

mod auth;
mod backup;
mod browser;
mod cli;
mod customer_groups;
mod customer_invoices;
mod customers;
mod hardening;
mod hostile_input;
mod idempotency;
mod invoice_uploads;
mod mollie_fake;
mod multi_instance;
mod openapi;
mod outbox;
mod pagination;
mod payment_links;
mod portal;
mod slow_clients;
mod webhooks;
