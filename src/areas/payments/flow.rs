//! Starting a payment at the provider, and learning its outcome: from Mollie's webhook
//! (`POST /payments/mollie/webhook`, a form with the payment `id`) or when the payer comes
//! back. Either way we fetch the payment from Mollie with the account's key and believe
//! only that answer, never the caller.

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::model::{Payment, PaymentTarget, PaymentUpdate};
use super::store::store;
use crate::areas::account;
use crate::db::StoreError;
use crate::kernel::ids::AccountId;
use crate::kernel::ids::{self, prefix};
use crate::kernel::money::Money;
use crate::payments::{PaymentProvider, PaymentRequest, ProviderError};
use crate::web::AppState;

/// What became of a pay click.
pub enum Started {
    /// Send the payer to the provider's checkout.
    Redirect(String),
    /// The account takes no online payments.
    NotOffered,
    /// The provider could not start one now.
    ProviderDown,
    /// Our side failed; the response says so.
    Failed(Response),
}

pub use crate::web::pages::internal;

/// Creates a fresh payment at Mollie for every click, so an abandoned or expired checkout
/// never stands in the way of paying.
pub async fn start(
    state: &AppState,
    account_id: &AccountId,
    target: PaymentTarget,
    amount: Money,
    description: String,
    redirect_url: String,
) -> Started {
    let key = match account::store(&state.db)
        .get_mollie_api_key(account_id)
        .await
    {
        Ok(Some(key)) => key,
        Ok(None) => return Started::NotOffered,
        Err(e) => return Started::Failed(internal("reading the account's Mollie key", e)),
    };
    let reference = match &target {
        PaymentTarget::Invoice(id) => id.to_string(),
        PaymentTarget::Link(id) => id.to_string(),
    };
    let provider = state.mollie.for_account(key);
    let request = PaymentRequest {
        amount,
        description,
        redirect_url,
        webhook_url: state.ctx.public_url("/payments/mollie/webhook"),
        reference,
    };
    let created = match provider.create_payment(&request).await {
        Ok(created) => created,
        Err(e) => {
            tracing::warn!(account_id = %account_id, error = %e, "Mollie did not create a payment");
            return Started::ProviderDown;
        }
    };
    let Some(checkout_url) = created.checkout_url.clone() else {
        tracing::warn!(account_id = %account_id, payment = %created.id, "Mollie created a payment without a checkout URL");
        return Started::ProviderDown;
    };
    let id_prefix = match target {
        PaymentTarget::Invoice(_) => prefix::INVOICE_PAYMENT,
        PaymentTarget::Link(_) => prefix::PAYMENT_LINK_PAYMENT,
    };
    let payment = Payment {
        id: ids::new_id(id_prefix),
        target,
        provider: provider.name().to_owned(),
        provider_payment_id: created.id,
        amount,
        status: created.status,
        payers_name: None,
        created_at: state.now(),
    };
    if let Err(e) = store(&state.db).record_payment(account_id, &payment).await {
        return Started::Failed(internal("recording a payment", e));
    }
    tracing::info!(account_id = %account_id, payment_id = %payment.id, provider_payment_id = %payment.provider_payment_id, "payment started");
    Started::Redirect(checkout_url)
}

/// Asks the provider about `payment` and records the answer (marking its invoice or link
/// paid the first time it is paid).
pub async fn refresh(
    state: &AppState,
    account_id: &AccountId,
    payment: &Payment,
) -> Result<Payment, RefreshError> {
    let key = account::store(&state.db)
        .get_mollie_api_key(account_id)
        .await?
        .ok_or(RefreshError::NoKey)?;
    let fetched = state
        .mollie
        .for_account(key)
        .get_payment(&payment.provider_payment_id)
        .await?;
    let update = PaymentUpdate {
        paid_at: fetched.paid_at.filter(|_| fetched.status == "paid"),
        status: fetched.status,
        payers_name: fetched.payers_name,
        at: state.now(),
    };
    let settled = store(&state.db)
        .settle_payment(account_id, &payment.id, &update, &state.ctx)
        .await?;
    tracing::info!(account_id = %account_id, payment_id = %settled.id, status = %settled.status, "payment status recorded");
    Ok(settled)
}

/// [`refresh`] for the latest payment of an invoice or link, if it is not settled yet.
pub async fn refresh_latest(
    state: &AppState,
    account_id: &AccountId,
    target: &PaymentTarget,
) -> Result<Option<Payment>, RefreshError> {
    match store(&state.db).latest_payment(account_id, target).await? {
        Some(payment) if payment.status != "paid" => {
            refresh(state, account_id, &payment).await.map(Some)
        }
        other => Ok(other),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    #[error("the account has no Mollie key any more")]
    NoKey,
    #[error(transparent)]
    Provider(#[from] ProviderError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Deserialize)]
pub struct WebhookForm {
    id: String,
}

/// Mollie calls this when a payment changes. Unknown IDs get a 200 too, so the endpoint
/// tells nobody which payments exist; a failure on our side or Mollie's gets a 5xx, so
/// Mollie tries again later.
pub async fn mollie_webhook(
    State(state): State<AppState>,
    form: Result<Form<WebhookForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return (
            StatusCode::BAD_REQUEST,
            "expected a form with the payment id",
        )
            .into_response();
    };
    let (account_id, payment) = match store(&state.db)
        .find_payment("mollie", form.id.trim())
        .await
    {
        Ok(found) => found,
        Err(StoreError::NotFound) => return StatusCode::OK.into_response(),
        Err(e) => {
            tracing::error!(error = %e, "reading a payment for Mollie's webhook failed");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    match refresh(&state, &account_id, &payment).await {
        Ok(_) => StatusCode::OK.into_response(),
        Err(RefreshError::NoKey) => StatusCode::OK.into_response(),
        Err(RefreshError::Provider(ProviderError::Refused(e))) => {
            tracing::warn!(account_id = %account_id, error = %e, "Mollie refused to show a payment it reported");
            StatusCode::OK.into_response()
        }
        Err(e) => {
            tracing::warn!(account_id = %account_id, error = %e, "a Mollie webhook could not be handled; Mollie will retry");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// The query of a page the payer comes back to from the provider.
#[derive(Deserialize)]
pub struct PageQuery {
    /// Set on the URL the payment provider sends the payer back to.
    #[serde(rename = "return")]
    returned: Option<String>,
}

impl PageQuery {
    pub fn returned(&self) -> bool {
        self.returned.is_some()
    }
}
