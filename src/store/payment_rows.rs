//! Row types of the seller's details, payments and payment links (both backends).

use super::payments::{LinkStatus, Payment, PaymentLink, PaymentTarget};
use super::{StoreError, StoreResult, from_micros};
use crate::domain::money::Money;
use crate::domain::seller::SellerDetails;

pub(crate) const SELLER_COLUMNS: &str =
    "legal_name, street, zip_code, city, country_code, kvk_number,
    vat_number, iban, bic, email, phone, logo_type, mollie_api_key IS NOT NULL AS mollie_enabled";

pub(crate) const LINK_COLUMNS: &str =
    "id, description, amount_cents, reusable, expires_at, status, created_at";

pub(crate) const PAYMENT_COLUMNS: &str =
    "id, invoice_id, payment_link_id, provider, provider_payment_id,
    amount_cents, status, payers_name, created_at";

#[derive(sqlx::FromRow)]
pub(crate) struct SellerRow {
    legal_name: Option<String>,
    street: Option<String>,
    zip_code: Option<String>,
    city: Option<String>,
    country_code: String,
    kvk_number: Option<String>,
    vat_number: Option<String>,
    iban: Option<String>,
    bic: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    logo_type: Option<String>,
    mollie_enabled: bool,
}

impl From<SellerRow> for SellerDetails {
    fn from(r: SellerRow) -> SellerDetails {
        SellerDetails {
            legal_name: r.legal_name,
            street: r.street,
            zip_code: r.zip_code,
            city: r.city,
            country_code: r.country_code,
            kvk_number: r.kvk_number,
            vat_number: r.vat_number,
            iban: r.iban,
            bic: r.bic,
            email: r.email,
            phone: r.phone,
            logo_type: r.logo_type,
            mollie_enabled: r.mollie_enabled,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct LinkRow {
    id: String,
    description: String,
    amount_cents: i64,
    reusable: bool,
    expires_at: Option<i64>,
    status: String,
    created_at: i64,
}

impl LinkRow {
    pub(crate) fn into_link(self) -> StoreResult<PaymentLink> {
        let status = LinkStatus::parse(&self.status).ok_or_else(|| {
            StoreError::Database(sqlx::Error::Decode(
                format!("unknown payment link status {:?}", self.status).into(),
            ))
        })?;
        Ok(PaymentLink {
            id: self.id,
            description: self.description,
            amount: Money::from_cents(self.amount_cents),
            reusable: self.reusable,
            expires_at: self.expires_at.map(from_micros),
            status,
            created_at: from_micros(self.created_at),
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct PaymentRow {
    id: String,
    invoice_id: Option<String>,
    payment_link_id: Option<String>,
    provider: String,
    provider_payment_id: String,
    amount_cents: i64,
    status: String,
    payers_name: Option<String>,
    created_at: i64,
}

impl PaymentRow {
    pub(crate) fn into_payment(self) -> StoreResult<Payment> {
        let target = match (self.invoice_id, self.payment_link_id) {
            (Some(invoice_id), None) => PaymentTarget::Invoice(invoice_id),
            (None, Some(link_id)) => PaymentTarget::Link(link_id),
            _ => {
                return Err(StoreError::Database(sqlx::Error::Decode(
                    format!(
                        "payment {} pays for neither one invoice nor one link",
                        self.id
                    )
                    .into(),
                )));
            }
        };
        Ok(Payment {
            id: self.id,
            target,
            provider: self.provider,
            provider_payment_id: self.provider_payment_id,
            amount: Money::from_cents(self.amount_cents),
            status: self.status,
            payers_name: self.payers_name,
            created_at: from_micros(self.created_at),
        })
    }
}
