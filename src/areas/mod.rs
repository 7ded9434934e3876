//! The API areas, one folder each (`CONTRIBUTING.md`, "Add an API area"): its entity and
//! requests (`model.rs`), response bodies (`body.rs`), store trait and SQL (`store.rs`,
//! `sql.rs`), handlers (`http.rs`) and pages. This file is the one list of them.

pub mod account;
pub mod customer_groups;
pub mod customer_invoices;
pub mod customers;
pub mod events;
pub mod payment_links;
pub mod payments;
pub mod webhooks;

use std::sync::Arc;

use crate::db::Db;
use crate::outbox::Hooks;
use crate::web::{Context, Routes};

/// Every area's routes: one merge per area.
pub fn routes() -> Routes {
    Routes::new()
        .merge(account::routes())
        .merge(customers::routes())
        .merge(customer_groups::routes())
        .merge(customer_invoices::routes())
        .merge(webhooks::routes())
        .merge(payment_links::routes())
        .merge(payments::routes())
}

/// What the outbox calls back: the areas' e-mails and sweeps.
pub fn outbox_hooks(db: &Db, ctx: &Arc<Context>) -> Hooks {
    Hooks {
        composer: Arc::new(customer_invoices::email::InvoiceMail { db: db.clone() }),
        sweeps: vec![Arc::new(payment_links::sweep::ExpireLinks {
            db: db.clone(),
            ctx: Arc::clone(ctx),
        })],
    }
}
