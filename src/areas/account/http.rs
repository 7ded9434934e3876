//! `GET /account` (our addition): the calling key's account and the seller details its
//! invoices print, so an integrator can check them. Operators set them with
//! `portaal accounts update`.

use axum::Json;
use axum::extract::State;

use super::body::AccountBody;
use super::store::store;
use crate::kernel::features::Module;
use crate::web::AppState;
use crate::web::auth::Principal;
use crate::web::error::{ApiResult, ErrorBody};

#[utoipa::path(get, path = "/account", tag = "Account (portaal addition)", operation_id = "get-account",
    description = "portaal addition: the account of the calling API key, with the seller details printed on its invoices. Any valid key may read it.",
    responses((status = 200, body = AccountBody), (status = 401, body = ErrorBody)))]
pub async fn get_account(
    State(state): State<AppState>,
    principal: Principal,
) -> ApiResult<Json<AccountBody>> {
    let account = store(&state.db).get_account(&principal.account_id).await?;
    let seller = store(&state.db).get_seller(&principal.account_id).await?;
    let mut payment_methods = Vec::new();
    if seller.iban.is_some() {
        payment_methods.push("bank_transfer");
    }
    if seller.mollie_enabled {
        payment_methods.push("mollie");
    }
    let modules = Module::ALL
        .iter()
        .map(|m| (m.as_str(), account.module_enabled(*m)))
        .collect();
    Ok(Json(AccountBody {
        missing_for_invoices: seller.missing_for_invoices(),
        created_at: state.ctx.atom(account.created_at),
        id: account.id.into_string(),
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
        modules,
        payment_methods,
    }))
}
