//! The Customers API's handlers: parse the request, hand it to the store, answer the body.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;

use super::body::CustomerBody;
use super::model::CustomerId;
use super::request::{CreateCustomerRequest, CustomerPatch, EditCustomerRequest, NewCustomer};
use super::store::store;
use crate::kernel::scopes::Scope;
use crate::web::AppState;
use crate::web::auth::Principal;
use crate::web::error::{ApiError, ApiResult, ErrorBody, NotFoundExt};
use crate::web::json::JsonBody;
use crate::web::pagination::{ListQuery, Paginated};
use crate::web::path::PathId;

/// List Customers: every live customer of the account, newest first.
#[utoipa::path(get, path = "/customers", tag = "Customers API", operation_id = "list-customers",
    params(("page" = Option<u64>, Query, description = "1-based page number"),
           ("per_page" = Option<u64>, Query, description = "Items per page, 1 to 100 (default 15); our addition")),
    responses((status = 200, body = Paginated<CustomerBody>), (status = 422, body = ErrorBody)))]
pub async fn list_customers(
    State(state): State<AppState>,
    principal: Principal,
    Query(params): Query<Vec<(String, String)>>,
) -> ApiResult<Json<Paginated<CustomerBody>>> {
    principal.require(Scope::CustomersRead)?;
    let query = ListQuery::parse(&params)?;
    let rows = store(&state.db)
        .list_customers(&principal.account_id, query.store_query())
        .await?;
    Ok(Json(Paginated::new(
        &query,
        state.ctx.api_url("/customers"),
        rows,
        |c| CustomerBody::new(&state.ctx, c),
    )))
}

/// Get Customer.
#[utoipa::path(get, path = "/customers/{customerId}", tag = "Customers API", operation_id = "get-customer",
    params(("customerId" = String, Path, description = "ID of the customer")),
    responses((status = 200, body = CustomerBody), (status = 404, body = ErrorBody)))]
pub async fn get_customer(
    State(state): State<AppState>,
    principal: Principal,
    PathId(customer_id): PathId<CustomerId>,
) -> ApiResult<Json<CustomerBody>> {
    principal.require(Scope::CustomersRead)?;
    let customer = store(&state.db)
        .get_customer(&principal.account_id, &customer_id)
        .await
        .or_not_found("customer", customer_id.as_str())?;
    Ok(Json(CustomerBody::new(&state.ctx, customer)))
}

/// Create Customer.
#[utoipa::path(post, path = "/customers", tag = "Customers API", operation_id = "create-customer",
    request_body = CreateCustomerRequest,
    responses((status = 201, body = CustomerBody), (status = 422, body = ErrorBody)))]
pub async fn create_customer(
    State(state): State<AppState>,
    principal: Principal,
    JsonBody(body): JsonBody<CreateCustomerRequest>,
) -> ApiResult<(StatusCode, Json<CustomerBody>)> {
    principal.require(Scope::CustomersWrite)?;
    let new = NewCustomer::try_from(body).map_err(ApiError::validation)?;
    let id = CustomerId::new();
    let customer = store(&state.db)
        .create_customer(&principal.account_id, &id, &new, &state.ctx)
        .await?;
    tracing::info!(account_id = %principal.account_id, customer_id = %customer.id, "customer created");
    Ok((
        StatusCode::CREATED,
        Json(CustomerBody::new(&state.ctx, customer)),
    ))
}

/// Edit Customer: changes the fields sent, at least one.
#[utoipa::path(patch, path = "/customers/{customerId}", tag = "Customers API", operation_id = "edit-customer",
    params(("customerId" = String, Path, description = "ID of the customer")),
    request_body = EditCustomerRequest,
    responses((status = 200, body = CustomerBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn edit_customer(
    State(state): State<AppState>,
    principal: Principal,
    PathId(customer_id): PathId<CustomerId>,
    JsonBody(body): JsonBody<EditCustomerRequest>,
) -> ApiResult<Json<CustomerBody>> {
    principal.require(Scope::CustomersWrite)?;
    let patch = CustomerPatch::try_from(body).map_err(ApiError::validation)?;
    let customer = store(&state.db)
        .update_customer(&principal.account_id, &customer_id, &patch)
        .await
        .or_not_found("customer", customer_id.as_str())?;
    Ok(Json(CustomerBody::new(&state.ctx, customer)))
}

/// Delete Customer (our addition): hides the customer; its invoices keep pointing at it.
#[utoipa::path(delete, path = "/customers/{customerId}", tag = "Customers API", operation_id = "delete-customer",
    description = "portaal addition: the reference implies deletion (scope text, `customer-deleted` event) but documents no endpoint.",
    params(("customerId" = String, Path, description = "ID of the customer")),
    responses((status = 204, description = "Deleted"), (status = 404, body = ErrorBody)))]
pub async fn delete_customer(
    State(state): State<AppState>,
    principal: Principal,
    PathId(customer_id): PathId<CustomerId>,
) -> ApiResult<StatusCode> {
    principal.require(Scope::CustomersWrite)?;
    store(&state.db)
        .delete_customer(&principal.account_id, &customer_id, &state.ctx)
        .await
        .or_not_found("customer", customer_id.as_str())?;
    tracing::info!(account_id = %principal.account_id, customer_id = %customer_id, "customer deleted");
    Ok(StatusCode::NO_CONTENT)
}
