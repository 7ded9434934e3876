//! `GET /account` (our addition): the calling key's account and the seller details its
//! invoices print, so an integrator can check them. Operators set them with
//! `portaal accounts update`.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use utoipa::ToSchema;

use super::AppState;
use super::auth::Principal;
use super::error::{ApiResult, ErrorBody};

pub fn router() -> Router<AppState> {
    Router::new().route("/account", get(get_account))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountBody {
    #[schema(example = "acc_abc12345def678")]
    pub id: String,
    #[schema(example = "Voorbeeld")]
    pub name: String,
    /// The name the business is registered under, printed on invoices.
    #[schema(example = "Voorbeeld B.V.")]
    pub legal_name: Option<String>,
    #[schema(example = "Keizersgracht 1")]
    pub street: Option<String>,
    #[schema(example = "1015AA")]
    pub zip_code: Option<String>,
    #[schema(example = "Amsterdam")]
    pub city: Option<String>,
    #[schema(example = "NL")]
    pub country_code: String,
    /// Chamber of Commerce number.
    #[schema(example = "69591231")]
    pub kvk_number: Option<String>,
    /// VAT identification number (btw-id).
    #[schema(example = "NL859467032B01")]
    pub vat_number: Option<String>,
    #[schema(example = "NL91ABNA0417164300")]
    pub iban: Option<String>,
    #[schema(example = "ABNANL2A")]
    pub bic: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Whether a logo is set.
    pub has_logo: bool,
    /// Days between an invoice's issue date and its due date.
    #[schema(example = 14)]
    pub payment_term_days: i64,
    /// The language of pages and e-mails for customers: `nl` or `en`.
    #[schema(example = "nl")]
    pub locale: String,
    /// Invoices allowed per calendar month; `null` is unlimited.
    pub monthly_invoice_limit: Option<i64>,
    /// How customers can pay: `bank_transfer` (with an IBAN) and `mollie`.
    #[schema(example = json!(["bank_transfer", "mollie"]))]
    pub payment_methods: Vec<&'static str>,
    /// What Dutch law asks on an invoice that is not set yet (field names as above).
    #[schema(example = json!([]))]
    pub missing_for_invoices: Vec<&'static str>,
    #[schema(example = "2024-04-29T21:00:00+02:00")]
    pub created_at: String,
}

#[utoipa::path(get, path = "/account", tag = "Account (portaal addition)", operation_id = "get-account",
    description = "portaal addition: the account of the calling API key, with the seller details printed on its invoices. Any valid key may read it.",
    responses((status = 200, body = AccountBody), (status = 401, body = ErrorBody)))]
pub async fn get_account(
    State(state): State<AppState>,
    principal: Principal,
) -> ApiResult<Json<AccountBody>> {
    let account = state.store.get_account(&principal.account_id).await?;
    let seller = state.store.get_seller(&principal.account_id).await?;
    let mut payment_methods = Vec::new();
    if seller.iban.is_some() {
        payment_methods.push("bank_transfer");
    }
    if seller.mollie_enabled {
        payment_methods.push("mollie");
    }
    Ok(Json(AccountBody {
        missing_for_invoices: seller.missing_for_invoices(),
        created_at: state.atom(account.created_at),
        id: account.id,
        name: account.name,
        legal_name: seller.legal_name,
        street: seller.street,
        zip_code: seller.zip_code,
        city: seller.city,
        country_code: seller.country_code,
        kvk_number: seller.kvk_number,
        vat_number: seller.vat_number,
        iban: seller.iban,
        bic: seller.bic,
        email: seller.email,
        phone: seller.phone,
        has_logo: seller.logo_type.is_some(),
        payment_term_days: account.payment_term_days,
        locale: account.locale,
        monthly_invoice_limit: account.monthly_invoice_limit,
        payment_methods,
    }))
}
