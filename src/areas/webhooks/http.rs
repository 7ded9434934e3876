//! The Webhooks API's handlers.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;

use super::body::{DeliveryBody, WebhookBody};
use super::model::{Webhook, WebhookId};
use super::request::{CreateWebhookRequest, NewWebhook, check_reachable, new_secret};
use super::store::store;
use crate::kernel::scopes::Scope;
use crate::web::AppState;
use crate::web::auth::Principal;
use crate::web::error::{ApiError, ApiResult, ErrorBody, NotFoundExt};
use crate::web::json::JsonBody;
use crate::web::pagination::{ListQuery, Paginated};
use crate::web::path::PathId;

/// List Webhook records: the account's active webhooks, newest first.
#[utoipa::path(get, path = "/webhooks", tag = "Webhooks API", operation_id = "list-webhooks",
    params(("page" = Option<u64>, Query, description = "1-based page number"),
           ("per_page" = Option<u64>, Query, description = "Items per page, 1 to 100 (default 15); our addition")),
    responses((status = 200, body = Paginated<WebhookBody>), (status = 422, body = ErrorBody)))]
pub async fn list_webhooks(
    State(state): State<AppState>,
    principal: Principal,
    Query(params): Query<Vec<(String, String)>>,
) -> ApiResult<Json<Paginated<WebhookBody>>> {
    principal.require(Scope::WebhooksRead)?;
    let query = ListQuery::parse(&params)?;
    let rows = store(&state.db)
        .list_webhooks(&principal.account_id, query.store_query())
        .await?;
    Ok(Json(Paginated::new(
        &query,
        state.ctx.api_url("/webhooks"),
        rows,
        |w| WebhookBody::new(&state.ctx, w),
    )))
}

/// Get Webhook record.
#[utoipa::path(get, path = "/webhooks/{webhookId}", tag = "Webhooks API", operation_id = "get-webhook",
    params(("webhookId" = String, Path, description = "ID of the webhook record")),
    responses((status = 200, body = WebhookBody), (status = 404, body = ErrorBody)))]
pub async fn get_webhook(
    State(state): State<AppState>,
    principal: Principal,
    PathId(webhook_id): PathId<WebhookId>,
) -> ApiResult<Json<WebhookBody>> {
    principal.require(Scope::WebhooksRead)?;
    let webhook = store(&state.db)
        .get_webhook(&principal.account_id, &webhook_id)
        .await
        .or_not_found("webhook", webhook_id.as_str())?;
    Ok(Json(WebhookBody::new(&state.ctx, webhook)))
}

/// Create Webhook record: subscribes `url` to one event type; the answer holds the secret
/// that signs its deliveries.
#[utoipa::path(post, path = "/webhooks", tag = "Webhooks API", operation_id = "create-webhook",
    request_body = CreateWebhookRequest,
    responses((status = 201, body = WebhookBody), (status = 422, body = ErrorBody)))]
pub async fn create_webhook(
    State(state): State<AppState>,
    principal: Principal,
    JsonBody(body): JsonBody<CreateWebhookRequest>,
) -> ApiResult<(StatusCode, Json<WebhookBody>)> {
    principal.require(Scope::WebhooksWrite)?;
    // Only a request valid in every other way costs a DNS lookup.
    let new = NewWebhook::try_from(body).map_err(ApiError::validation)?;
    if !state.allow_private_webhooks {
        check_reachable(&new.target)
            .await
            .map_err(|message| ApiError::field("url", message))?;
    }
    let webhook = Webhook {
        id: WebhookId::new(),
        event_type: new.event_type,
        url: new.url,
        secret: new_secret(),
        created_at: state.now(),
    };
    let webhook = store(&state.db)
        .create_webhook(&principal.account_id, &webhook)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(WebhookBody::new(&state.ctx, webhook)),
    ))
}

/// Delete Webhook record: no more deliveries are made to it, pending ones included.
#[utoipa::path(delete, path = "/webhooks/{webhookId}", tag = "Webhooks API", operation_id = "delete-webhook",
    description = "portaal addition: the reference implies it (the `webhooks.write` scope \"create new webhooks and delete existing ones\") but does not document it.",
    params(("webhookId" = String, Path, description = "ID of the webhook record")),
    responses((status = 204, description = "Deleted"), (status = 404, body = ErrorBody)))]
pub async fn delete_webhook(
    State(state): State<AppState>,
    principal: Principal,
    PathId(webhook_id): PathId<WebhookId>,
) -> ApiResult<StatusCode> {
    principal.require(Scope::WebhooksWrite)?;
    store(&state.db)
        .delete_webhook(&principal.account_id, &webhook_id, state.now())
        .await
        .or_not_found("webhook", webhook_id.as_str())?;
    Ok(StatusCode::NO_CONTENT)
}

/// List the deliveries of a webhook, newest first.
#[utoipa::path(get, path = "/webhooks/{webhookId}/deliveries", tag = "Webhooks API",
    operation_id = "list-webhook-deliveries",
    description = "portaal addition: not in the reference. Shows each event sent (or to be sent) to the webhook, with the outcome of the last attempt.",
    params(("webhookId" = String, Path, description = "ID of the webhook record"),
           ("page" = Option<u64>, Query, description = "1-based page number"),
           ("per_page" = Option<u64>, Query, description = "Items per page, 1 to 100 (default 15)")),
    responses((status = 200, body = Paginated<DeliveryBody>), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn list_webhook_deliveries(
    State(state): State<AppState>,
    principal: Principal,
    PathId(webhook_id): PathId<WebhookId>,
    Query(params): Query<Vec<(String, String)>>,
) -> ApiResult<Json<Paginated<DeliveryBody>>> {
    principal.require(Scope::WebhooksRead)?;
    let query = ListQuery::parse(&params)?;
    // The deliveries query alone would answer an empty page for a foreign or unknown ID.
    store(&state.db)
        .get_webhook(&principal.account_id, &webhook_id)
        .await
        .or_not_found("webhook", webhook_id.as_str())?;
    let rows = store(&state.db)
        .list_webhook_deliveries(&principal.account_id, &webhook_id, query.store_query())
        .await?;
    Ok(Json(Paginated::new(
        &query,
        state
            .ctx
            .api_url(&format!("/webhooks/{webhook_id}/deliveries")),
        rows,
        |d| DeliveryBody::new(&state.ctx, d),
    )))
}
