//! Payment Links API (`payment-links.md`): list, get, create, close, and a link's payments.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use utoipa::ToSchema;

use super::AppState;
use super::auth::Principal;
use super::error::{ApiError, ApiResult, ErrorBody, NotFoundExt};
use super::json::JsonObject;
use super::pagination::{ListQuery, Paginated};
use super::path::PathId;
use crate::domain::ids::{self, prefix};
use crate::domain::payment_link::NewPaymentLink;
use crate::domain::scopes::Scope;
use crate::store::{LinkStatus, Payment, PaymentLink, PaymentTarget};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/payment-links",
            get(list_payment_links).post(create_payment_link),
        )
        .route(
            "/payment-links/{linkId}",
            get(get_payment_link).delete(close_payment_link),
        )
        .route(
            "/payment-links/{linkId}/payments",
            get(list_payment_link_payments),
        )
}

/// A payment link as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PaymentLinkBody {
    #[schema(example = "plk_abc12345def678")]
    pub id: String,
    /// Also shown on the payer's bank statement.
    #[schema(example = "Contribution costs")]
    pub description: String,
    #[schema(example = "EUR")]
    pub currency: &'static str,
    #[schema(example = "12.95")]
    pub amount: String,
    /// Whether the link stays usable after a successful payment.
    pub reusable: bool,
    /// When the link stops working: the end of the requested day.
    #[schema(example = "2024-05-14T21:00:00+02:00")]
    pub expires_at: Option<String>,
    /// `open`, `paid`, `expired` or `closed`.
    #[schema(example = "open")]
    pub status: &'static str,
    /// Where to send the payer; `null` once the link can no longer be used.
    #[schema(example = "https://portaal.example.nl/payment-link/plk_abc12345def678")]
    pub checkout_url: Option<String>,
    #[schema(example = "2024-04-29T21:00:00+02:00")]
    pub created_at: String,
}

impl PaymentLinkBody {
    pub fn new(state: &AppState, link: &PaymentLink) -> PaymentLinkBody {
        let status = link.status_at(state.clock.now());
        PaymentLinkBody {
            id: link.id.clone(),
            description: link.description.clone(),
            currency: "EUR",
            amount: link.amount.to_string(),
            reusable: link.reusable,
            expires_at: link.expires_at.map(|at| state.atom(at)),
            status: status.as_str(),
            checkout_url: (status == LinkStatus::Open)
                .then(|| format!("{}/payment-link/{}", state.public_base, link.id)),
            created_at: state.atom(link.created_at),
        }
    }
}

/// One payment made through a link.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PaymentLinkPaymentBody {
    #[schema(example = "plp_abc12345def678")]
    pub id: String,
    #[schema(example = "plk_abc12345def678")]
    pub payment_link_id: String,
    #[schema(example = "EUR")]
    pub currency: &'static str,
    #[schema(example = "12.95")]
    pub amount: String,
    /// The provider's status: `open`, `pending`, `authorized`, `paid`, `failed`, `canceled`
    /// or `expired`.
    #[schema(example = "paid")]
    pub status: String,
    #[schema(example = "John Doe")]
    pub payers_name: Option<String>,
    /// The payment provider used.
    #[schema(example = "mollie")]
    pub integration: String,
    /// The payment's ID at the provider.
    #[schema(example = "tr_123abc")]
    pub integration_id: String,
    #[schema(example = "2024-04-29T21:00:00+02:00")]
    pub created_at: String,
}

impl PaymentLinkPaymentBody {
    fn new(state: &AppState, payment: Payment) -> PaymentLinkPaymentBody {
        let payment_link_id = match payment.target {
            PaymentTarget::Link(id) => id,
            // The store lists only the link's own payments.
            PaymentTarget::Invoice(id) => id,
        };
        PaymentLinkPaymentBody {
            id: payment.id,
            payment_link_id,
            currency: "EUR",
            amount: payment.amount.to_string(),
            status: payment.status,
            payers_name: payment.payers_name,
            integration: payment.provider,
            integration_id: payment.provider_payment_id,
            created_at: state.atom(payment.created_at),
        }
    }
}

#[derive(serde::Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(
    dead_code,
    reason = "documents the request body in the OpenAPI document"
)]
pub struct CreatePaymentLinkRequest {
    /// Also shown on the payer's bank statement; 1 to 255 characters.
    #[schema(example = "Contribution costs")]
    description: String,
    /// In euros, more than zero, at most two decimals; a string or a number.
    #[schema(example = "12.95")]
    amount: String,
    /// `YYYY-MM-DD`, today or later; the link works through the end of that day.
    #[schema(example = "2024-05-04")]
    expires_at: Option<String>,
    /// Default `false`: the link is paid once.
    reusable: Option<bool>,
}

#[utoipa::path(get, path = "/payment-links", tag = "Payment Links API", operation_id = "list-payment-links",
    params(("page" = Option<u64>, Query, description = "1-based page number"),
           ("per_page" = Option<u64>, Query, description = "Items per page, 1 to 100 (default 15); our addition")),
    responses((status = 200, body = Paginated<PaymentLinkBody>), (status = 422, body = ErrorBody)))]
pub async fn list_payment_links(
    State(state): State<AppState>,
    principal: Principal,
    Query(params): Query<Vec<(String, String)>>,
) -> ApiResult<Json<Paginated<PaymentLinkBody>>> {
    principal.require(Scope::PaymentLinksRead)?;
    let query = ListQuery::parse(&params)?;
    let rows = state
        .store
        .list_payment_links(&principal.account_id, query.store_query())
        .await?;
    Ok(Json(Paginated::new(
        &query,
        state.api_url("/payment-links"),
        rows,
        |link| PaymentLinkBody::new(&state, &link),
    )))
}

#[utoipa::path(get, path = "/payment-links/{linkId}", tag = "Payment Links API", operation_id = "get-payment-link",
    params(("linkId" = String, Path, description = "ID of the payment link")),
    responses((status = 200, body = PaymentLinkBody), (status = 404, body = ErrorBody)))]
pub async fn get_payment_link(
    State(state): State<AppState>,
    principal: Principal,
    PathId(link_id): PathId,
) -> ApiResult<Json<PaymentLinkBody>> {
    principal.require(Scope::PaymentLinksRead)?;
    let link = state
        .store
        .get_payment_link(&principal.account_id, &link_id)
        .await
        .or_not_found("payment link", &link_id)?;
    Ok(Json(PaymentLinkBody::new(&state, &link)))
}

#[utoipa::path(post, path = "/payment-links", tag = "Payment Links API", operation_id = "create-payment-link",
    request_body = CreatePaymentLinkRequest,
    responses((status = 201, body = PaymentLinkBody), (status = 422, body = ErrorBody)))]
pub async fn create_payment_link(
    State(state): State<AppState>,
    principal: Principal,
    JsonObject(body): JsonObject,
) -> ApiResult<(StatusCode, Json<PaymentLinkBody>)> {
    principal.require(Scope::PaymentLinksWrite)?;
    let now = state.clock.now();
    let new = NewPaymentLink::parse(&body, &state.time_zone, now).map_err(ApiError::validation)?;
    let link = PaymentLink {
        id: ids::new_id(prefix::PAYMENT_LINK),
        description: new.description,
        amount: new.amount,
        reusable: new.reusable,
        expires_at: new.expires_at,
        status: LinkStatus::Open,
        created_at: now,
    };
    let link = state
        .store
        .create_payment_link(&principal.account_id, &link, &state)
        .await?;
    tracing::info!(account_id = %principal.account_id, payment_link_id = %link.id, "payment link created");
    Ok((
        StatusCode::CREATED,
        Json(PaymentLinkBody::new(&state, &link)),
    ))
}

#[utoipa::path(delete, path = "/payment-links/{linkId}", tag = "Payment Links API", operation_id = "close-payment-link",
    description = "Closes the link so it cannot be used any more; answers the closed link.",
    params(("linkId" = String, Path, description = "ID of the payment link")),
    responses((status = 200, body = PaymentLinkBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody, description = "The link is not open (closed, paid or expired).")))]
pub async fn close_payment_link(
    State(state): State<AppState>,
    principal: Principal,
    PathId(link_id): PathId,
) -> ApiResult<Json<PaymentLinkBody>> {
    principal.require(Scope::PaymentLinksWrite)?;
    let link = state
        .store
        .close_payment_link(&principal.account_id, &link_id, state.clock.now())
        .await
        .or_not_found("payment link", &link_id)?;
    tracing::info!(account_id = %principal.account_id, payment_link_id = %link.id, "payment link closed");
    Ok(Json(PaymentLinkBody::new(&state, &link)))
}

#[utoipa::path(get, path = "/payment-links/{linkId}/payments", tag = "Payment Links API",
    operation_id = "list-payment-link-payment",
    params(("linkId" = String, Path, description = "ID of the payment link"),
           ("page" = Option<u64>, Query, description = "1-based page number"),
           ("per_page" = Option<u64>, Query, description = "Items per page, 1 to 100 (default 15); our addition")),
    responses((status = 200, body = Paginated<PaymentLinkPaymentBody>), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn list_payment_link_payments(
    State(state): State<AppState>,
    principal: Principal,
    PathId(link_id): PathId,
    Query(params): Query<Vec<(String, String)>>,
) -> ApiResult<Json<Paginated<PaymentLinkPaymentBody>>> {
    principal.require(Scope::PaymentLinksRead)?;
    let query = ListQuery::parse(&params)?;
    let rows = state
        .store
        .list_link_payments(&principal.account_id, &link_id, query.store_query())
        .await
        .or_not_found("payment link", &link_id)?;
    Ok(Json(Paginated::new(
        &query,
        state.api_url(&format!("/payment-links/{link_id}/payments")),
        rows,
        |payment| PaymentLinkPaymentBody::new(&state, payment),
    )))
}
