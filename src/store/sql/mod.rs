//! The SQL of every store operation, written once for both backends.
//!
//! SQLite (3.46, bundled) and PostgreSQL share this SQL: `$1`-style parameters (sqlx binds
//! them on SQLite too), `string_agg`, `RETURNING`, `ON CONFLICT` and partial indexes. Each
//! macro here implements one store trait for a backend's store type, which has a `write`
//! and a `read` pool of that backend's database (on PostgreSQL they are the same pool).
//! The macros only stamp out the same code for two concrete database types: sqlx's traits
//! make the generic version a wall of bounds.

mod accounts;
mod customers;
mod groups;
mod idempotency;
mod invoices;
mod outbox;
mod payments;

pub(crate) use accounts::accounts_impl;
pub(crate) use customers::customers_impl;
pub(crate) use groups::groups_impl;
pub(crate) use idempotency::idempotency_impl;
pub(crate) use invoices::invoices_impl;
pub(crate) use outbox::outbox_impl;
pub(crate) use payments::payments_impl;

use super::StoreError;

/// Implements every store trait for `$store` on database `$db`, migrating with `$migrator`;
/// `$skip_locked` is what the backend appends to the outbox claim's row selection.
macro_rules! impl_store {
    ($store:ty, $db:ty, $migrator:path, $skip_locked:literal) => {
        $crate::store::sql::outbox_impl!($store, $db, $skip_locked);
        $crate::store::sql::accounts_impl!($store, $db, $migrator);
        $crate::store::sql::customers_impl!($store, $db);
        $crate::store::sql::groups_impl!($store, $db);
        $crate::store::sql::invoices_impl!($store, $db);
        $crate::store::sql::payments_impl!($store, $db);
        $crate::store::sql::idempotency_impl!($store, $db);
    };
}
pub(crate) use impl_store;

/// `NotFound` when a statement changed no row.
pub(crate) fn one_changed(rows_affected: u64) -> Result<(), StoreError> {
    if rows_affected == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// Maps a unique-constraint violation to a 422 on `field`; other errors pass through.
pub(crate) fn invalid_if_taken(
    field: &'static str,
    message: &'static str,
) -> impl Fn(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::invalid(field, message)
        }
        _ => StoreError::Database(e),
    }
}

/// The columns of a customer as `c`, with its group memberships (oldest first).
pub(crate) const CUSTOMER_SELECT: &str =
    "SELECT c.id, c.company_name, c.address, c.zip_code, c.city,
        c.country_code, c.primary_email, c.phone, c.integration, c.integration_id, c.created_at,
        (SELECT string_agg(m.group_id, ' ' ORDER BY m.added_at, m.group_id)
           FROM customer_group_members m WHERE m.customer_id = c.id) AS group_ids
    FROM customers c";

pub(crate) const INVOICE_COLUMNS: &str =
    "id, customer_id, invoice_number, issued_at, due_at, currency,
    amount_cents, lines, has_pdf, paid_at, payment_token, send_notification, notification_status, created_at";

/// The columns an invoice create writes, in the order both create paths bind them.
pub(crate) const INVOICE_INSERT_COLUMNS: &str =
    "id, account_id, customer_id, invoice_number, issued_at, due_at,
    currency, amount_cents, lines, has_pdf, paid_at, payment_token, send_notification,
    notification_status, created_at";

/// The 422 of an invoice create whose customer is not the account's or whose number is
/// taken (both reported); `None` when neither.
pub(crate) fn invoice_create_errors(
    customer_ok: bool,
    number_taken: bool,
) -> Option<crate::domain::input::FieldErrors> {
    let mut errors = crate::domain::input::FieldErrors::new();
    if !customer_ok {
        crate::domain::input::add_error(
            &mut errors,
            "customerId".into(),
            "The selected customerId is not a customer of this account.",
        );
    }
    if number_taken {
        crate::domain::input::add_error(&mut errors, "invoiceNumber".into(), super::rows::TAKEN);
    }
    (!errors.is_empty()).then_some(errors)
}

pub(crate) const ACCOUNT_COLUMNS: &str =
    "id, name, monthly_invoice_limit, payment_term_days, locale, created_at";

pub(crate) const DELIVERY_SELECT: &str = "SELECT d.event_id, e.type AS event_type, d.target, d.account_id, d.status,
        d.attempts, d.last_status_code, d.last_error, d.next_attempt_at, d.created_at, d.delivered_at
    FROM deliveries d JOIN events e ON e.id = d.event_id";

/// The lookup that authenticates every request (both backends, and the SQLite store's own
/// connections).
pub(crate) const API_KEY_BY_HASH: &str =
    "SELECT id, account_id, scopes, rate_limit, revoked_at FROM api_keys WHERE token_hash = $1";

/// The columns of [`API_KEY_BY_HASH`]: id, account, scopes, rate limit, revocation time.
pub(crate) type ApiKeyColumns = (String, String, String, Option<i64>, Option<i64>);

/// An API key from its stored columns. A scope name this build does not know grants nothing.
pub(crate) fn api_key_record(
    id: String,
    account_id: String,
    scopes: &str,
    rate_limit: Option<i64>,
    revoked_at: Option<i64>,
) -> crate::store::ApiKeyRecord {
    crate::store::ApiKeyRecord {
        id,
        account_id,
        scopes: scopes
            .split(' ')
            .filter_map(crate::domain::scopes::Scope::parse)
            .collect(),
        rate_limit,
        revoked: revoked_at.is_some(),
    }
}
