//! The seller as the customer pages show it, and how to pay them by bank transfer.

use super::seller::SellerDetails;
use crate::kernel::ids::AccountId;
use crate::kernel::money::Money;
use crate::payments::{BankTransfer, bank_transfer};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::db::StoreError;
use crate::web::AppState;
use crate::web::pages::{Texts, not_found};

pub struct TransferView {
    pub beneficiary: String,
    pub iban: String,
    pub bic: Option<String>,
    pub amount: String,
    pub reference: String,
}

impl TransferView {
    pub fn new(t: &Texts, transfer: BankTransfer) -> TransferView {
        TransferView {
            beneficiary: transfer.beneficiary,
            iban: transfer.iban,
            bic: transfer.bic,
            amount: t.money(transfer.amount),
            reference: transfer.reference,
        }
    }
}

/// The seller as the page header shows it.
pub struct SellerView {
    pub name: String,
    pub address: Vec<String>,
    pub kvk_number: Option<String>,
    pub vat_number: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub logo_url: Option<String>,
}

impl SellerView {
    pub fn new(seller: &SellerDetails, fallback_name: &str, logo_url: String) -> SellerView {
        let mut address = Vec::new();
        if let Some(street) = &seller.street {
            address.push(street.clone());
        }
        let place = [seller.zip_code.as_deref(), seller.city.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("  ");
        if !place.is_empty() {
            address.push(place);
        }
        SellerView {
            name: seller
                .legal_name
                .clone()
                .unwrap_or_else(|| fallback_name.to_owned()),
            address,
            kvk_number: seller.kvk_number.clone(),
            vat_number: seller.vat_number.clone(),
            email: seller.email.clone(),
            phone: seller.phone.clone(),
            logo_url: seller.logo_type.is_some().then_some(logo_url),
        }
    }
}

/// How to pay the seller by bank transfer, when they have an IBAN.
pub fn transfer(
    seller: &SellerDetails,
    fallback_name: &str,
    amount: Money,
    reference: &str,
) -> Option<BankTransfer> {
    let beneficiary = seller.legal_name.as_deref().unwrap_or(fallback_name);
    bank_transfer(
        beneficiary,
        seller.iban.as_deref(),
        seller.bic.as_deref(),
        amount,
        reference,
    )
}

/// The words of the account's language (Dutch when the account cannot be read).
pub async fn texts_for(state: &AppState, account_id: &AccountId) -> &'static Texts {
    match super::store(&state.db).get_account(account_id).await {
        Ok(account) => Texts::for_locale(&account.locale),
        Err(_) => Texts::for_locale("nl"),
    }
}

/// The account's logo as an image response (404 without one).
pub async fn logo_response(state: &AppState, account_id: &AccountId) -> Response {
    match super::store(&state.db).get_logo(account_id).await {
        Ok(Some((bytes, media_type))) => {
            let mut response = bytes.into_response();
            if let Ok(value) = HeaderValue::from_str(&media_type) {
                response.headers_mut().insert(header::CONTENT_TYPE, value);
            }
            response
        }
        Ok(None) | Err(StoreError::NotFound) => not_found(),
        Err(e) => crate::web::pages::internal("reading a logo", e),
    }
}
