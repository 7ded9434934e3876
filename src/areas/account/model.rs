//! Accounts (the tenants) and their API keys.

use jiff::Timestamp;

use crate::db::from_micros;
use crate::kernel::features::{Module, ModuleSet};
use crate::kernel::ids::AccountId;
use crate::kernel::scopes::Scope;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: AccountId,
    pub name: String,
    pub monthly_invoice_limit: Option<i64>,
    pub payment_term_days: i64,
    /// The language of e-mails and pages for customers: `nl` or `en`.
    pub locale: String,
    /// The feature modules turned off (DECISIONS.md, "Features per account").
    pub disabled_modules: ModuleSet,
    pub created_at: Timestamp,
}

impl Account {
    pub fn module_enabled(&self, module: Module) -> bool {
        !self.disabled_modules.contains(module)
    }
}

#[derive(Debug, Clone)]
pub struct NewAccount {
    pub id: AccountId,
    pub name: String,
    pub monthly_invoice_limit: Option<i64>,
    pub created_at: Timestamp,
}

/// `None` leaves a value unchanged; `Some(None)` clears the limit (unlimited).
#[derive(Debug, Clone, Default)]
pub struct AccountPatch {
    pub name: Option<String>,
    pub monthly_invoice_limit: Option<Option<i64>>,
    pub payment_term_days: Option<i64>,
    /// `nl` or `en`.
    pub locale: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewApiKey {
    pub id: String,
    pub account_id: AccountId,
    pub token_hash: String,
    pub scopes: Vec<Scope>,
    pub rate_limit: Option<i64>,
    pub created_at: Timestamp,
}

pub const ACCOUNT_COLUMNS: &str =
    "id, name, monthly_invoice_limit, payment_term_days, locale, disabled_modules, created_at";

#[derive(sqlx::FromRow)]
pub struct AccountRow {
    id: AccountId,
    name: String,
    monthly_invoice_limit: Option<i64>,
    payment_term_days: i64,
    locale: String,
    disabled_modules: String,
    created_at: i64,
}

impl From<AccountRow> for Account {
    fn from(r: AccountRow) -> Account {
        Account {
            id: r.id,
            name: r.name,
            monthly_invoice_limit: r.monthly_invoice_limit,
            payment_term_days: r.payment_term_days,
            locale: r.locale,
            disabled_modules: ModuleSet::parse_stored(&r.disabled_modules),
            created_at: from_micros(r.created_at),
        }
    }
}
