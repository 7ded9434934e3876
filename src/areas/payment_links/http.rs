//! The Payment Links API's handlers.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;

use super::body::{PaymentLinkBody, PaymentLinkPaymentBody};
use super::model::{LinkStatus, PaymentLink, PaymentLinkId};
use super::request::{CreatePaymentLinkRequest, NewPaymentLink};
use super::store::store;
use crate::kernel::scopes::Scope;
use crate::web::AppState;
use crate::web::auth::Principal;
use crate::web::error::{ApiError, ApiResult, ErrorBody, NotFoundExt};
use crate::web::json::JsonBody;
use crate::web::pagination::{ListQuery, Paginated};
use crate::web::path::PathId;

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
    let rows = store(&state.db)
        .list_payment_links(&principal.account_id, query.store_query())
        .await?;
    Ok(Json(Paginated::new(
        &query,
        state.ctx.api_url("/payment-links"),
        rows,
        |link| PaymentLinkBody::new(&state.ctx, &link),
    )))
}

#[utoipa::path(get, path = "/payment-links/{linkId}", tag = "Payment Links API", operation_id = "get-payment-link",
    params(("linkId" = String, Path, description = "ID of the payment link")),
    responses((status = 200, body = PaymentLinkBody), (status = 404, body = ErrorBody)))]
pub async fn get_payment_link(
    State(state): State<AppState>,
    principal: Principal,
    PathId(link_id): PathId<PaymentLinkId>,
) -> ApiResult<Json<PaymentLinkBody>> {
    principal.require(Scope::PaymentLinksRead)?;
    let link = store(&state.db)
        .get_payment_link(&principal.account_id, &link_id)
        .await
        .or_not_found("payment link", link_id.as_str())?;
    Ok(Json(PaymentLinkBody::new(&state.ctx, &link)))
}

#[utoipa::path(post, path = "/payment-links", tag = "Payment Links API", operation_id = "create-payment-link",
    request_body = CreatePaymentLinkRequest,
    responses((status = 201, body = PaymentLinkBody), (status = 422, body = ErrorBody)))]
pub async fn create_payment_link(
    State(state): State<AppState>,
    principal: Principal,
    JsonBody(body): JsonBody<CreatePaymentLinkRequest>,
) -> ApiResult<(StatusCode, Json<PaymentLinkBody>)> {
    principal.require(Scope::PaymentLinksWrite)?;
    let now = state.now();
    let new =
        NewPaymentLink::parse(body, &state.ctx.time_zone, now).map_err(ApiError::validation)?;
    let link = PaymentLink {
        id: PaymentLinkId::new(),
        description: new.description,
        amount: new.amount,
        reusable: new.reusable,
        expires_at: new.expires_at,
        status: LinkStatus::Open,
        created_at: now,
    };
    let link = store(&state.db)
        .create_payment_link(&principal.account_id, &link, &state.ctx)
        .await?;
    tracing::info!(account_id = %principal.account_id, payment_link_id = %link.id, "payment link created");
    Ok((
        StatusCode::CREATED,
        Json(PaymentLinkBody::new(&state.ctx, &link)),
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
    PathId(link_id): PathId<PaymentLinkId>,
) -> ApiResult<Json<PaymentLinkBody>> {
    principal.require(Scope::PaymentLinksWrite)?;
    let link = store(&state.db)
        .close_payment_link(&principal.account_id, &link_id, state.now())
        .await
        .or_not_found("payment link", link_id.as_str())?;
    tracing::info!(account_id = %principal.account_id, payment_link_id = %link.id, "payment link closed");
    Ok(Json(PaymentLinkBody::new(&state.ctx, &link)))
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
    PathId(link_id): PathId<PaymentLinkId>,
    Query(params): Query<Vec<(String, String)>>,
) -> ApiResult<Json<Paginated<PaymentLinkPaymentBody>>> {
    principal.require(Scope::PaymentLinksRead)?;
    let query = ListQuery::parse(&params)?;
    let rows = store(&state.db)
        .list_link_payments(&principal.account_id, &link_id, query.store_query())
        .await
        .or_not_found("payment link", link_id.as_str())?;
    Ok(Json(Paginated::new(
        &query,
        state
            .ctx
            .api_url(&format!("/payment-links/{link_id}/payments")),
        rows,
        |payment| PaymentLinkPaymentBody::new(&state.ctx, payment),
    )))
}
