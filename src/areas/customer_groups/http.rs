//! The Customer Groups API's handlers.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;

use super::body::{CustomerGroupBody, CustomerList};
use super::model::CustomerGroupId;
use super::request::{
    AddCustomersRequest, CreateCustomerGroupRequest, EditCustomerGroupRequest, NewGroup,
};
use super::store::store;
use crate::areas::customers::CustomerBody;
use crate::areas::customers::model::CustomerId;
use crate::kernel::scopes::Scope;
use crate::web::AppState;
use crate::web::auth::Principal;
use crate::web::error::{ApiError, ApiResult, ErrorBody, NotFoundExt};
use crate::web::json::JsonBody;
use crate::web::pagination::{ListQuery, Paginated};
use crate::web::path::{PathId, PathIds};

/// List Customer Groups, newest first.
#[utoipa::path(get, path = "/customer-groups", tag = "Customer Groups API", operation_id = "list-customer-groups",
    params(("page" = Option<u64>, Query, description = "1-based page number"),
           ("per_page" = Option<u64>, Query, description = "Items per page, 1 to 100 (default 15); our addition")),
    responses((status = 200, body = Paginated<CustomerGroupBody>), (status = 422, body = ErrorBody)))]
pub async fn list_customer_groups(
    State(state): State<AppState>,
    principal: Principal,
    Query(params): Query<Vec<(String, String)>>,
) -> ApiResult<Json<Paginated<CustomerGroupBody>>> {
    principal.require(Scope::CustomersRead)?;
    let query = ListQuery::parse(&params)?;
    let rows = store(&state.db)
        .list_customer_groups(&principal.account_id, query.store_query())
        .await?;
    Ok(Json(Paginated::new(
        &query,
        state.ctx.api_url("/customer-groups"),
        rows,
        |g| CustomerGroupBody::new(&state.ctx, g),
    )))
}

/// Get Customer Group.
#[utoipa::path(get, path = "/customer-groups/{customerGroupId}", tag = "Customer Groups API",
    operation_id = "get-customer-group",
    params(("customerGroupId" = String, Path, description = "ID of the group")),
    responses((status = 200, body = CustomerGroupBody), (status = 404, body = ErrorBody)))]
pub async fn get_customer_group(
    State(state): State<AppState>,
    principal: Principal,
    PathId(group_id): PathId<CustomerGroupId>,
) -> ApiResult<Json<CustomerGroupBody>> {
    principal.require(Scope::CustomersRead)?;
    let group = store(&state.db)
        .get_customer_group(&principal.account_id, &group_id)
        .await
        .or_not_found("customer group", group_id.as_str())?;
    Ok(Json(CustomerGroupBody::new(&state.ctx, group)))
}

/// Create Customer Group, optionally with members.
#[utoipa::path(post, path = "/customer-groups", tag = "Customer Groups API", operation_id = "create-customer-group",
    request_body = CreateCustomerGroupRequest,
    responses((status = 201, body = CustomerGroupBody), (status = 422, body = ErrorBody)))]
pub async fn create_customer_group(
    State(state): State<AppState>,
    principal: Principal,
    JsonBody(body): JsonBody<CreateCustomerGroupRequest>,
) -> ApiResult<(StatusCode, Json<CustomerGroupBody>)> {
    principal.require(Scope::CustomersWrite)?;
    let new = NewGroup::try_from(body).map_err(ApiError::validation)?;
    let id = CustomerGroupId::new();
    let group = store(&state.db)
        .create_customer_group(&principal.account_id, &id, &new, state.now())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CustomerGroupBody::new(&state.ctx, group)),
    ))
}

/// Edit Customer Group: renames it.
#[utoipa::path(patch, path = "/customer-groups/{customerGroupId}", tag = "Customer Groups API",
    operation_id = "edit-customer-group",
    params(("customerGroupId" = String, Path, description = "ID of the group")),
    request_body = EditCustomerGroupRequest,
    responses((status = 200, body = CustomerGroupBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn edit_customer_group(
    State(state): State<AppState>,
    principal: Principal,
    PathId(group_id): PathId<CustomerGroupId>,
    JsonBody(body): JsonBody<EditCustomerGroupRequest>,
) -> ApiResult<Json<CustomerGroupBody>> {
    principal.require(Scope::CustomersWrite)?;
    let name = body.parse().map_err(ApiError::validation)?;
    let group = store(&state.db)
        .rename_customer_group(&principal.account_id, &group_id, &name)
        .await
        .or_not_found("customer group", group_id.as_str())?;
    Ok(Json(CustomerGroupBody::new(&state.ctx, group)))
}

/// Delete Customer Group (our addition); its customers stay, only the grouping goes.
#[utoipa::path(delete, path = "/customer-groups/{customerGroupId}", tag = "Customer Groups API",
    operation_id = "delete-customer-group",
    description = "portaal addition: not in the reference.",
    params(("customerGroupId" = String, Path, description = "ID of the group")),
    responses((status = 204, description = "Deleted"), (status = 404, body = ErrorBody)))]
pub async fn delete_customer_group(
    State(state): State<AppState>,
    principal: Principal,
    PathId(group_id): PathId<CustomerGroupId>,
) -> ApiResult<StatusCode> {
    principal.require(Scope::CustomersWrite)?;
    store(&state.db)
        .delete_customer_group(&principal.account_id, &group_id)
        .await
        .or_not_found("customer group", group_id.as_str())?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add customers to Customer Group; answers with every member of the group.
#[utoipa::path(post, path = "/customer-groups/{customerGroupId}/customers", tag = "Customer Groups API",
    operation_id = "add-customers-to-customer-group",
    params(("customerGroupId" = String, Path, description = "ID of the group")),
    request_body = AddCustomersRequest,
    responses((status = 200, body = CustomerList), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_customers_to_group(
    State(state): State<AppState>,
    principal: Principal,
    PathId(group_id): PathId<CustomerGroupId>,
    JsonBody(body): JsonBody<AddCustomersRequest>,
) -> ApiResult<Json<CustomerList>> {
    principal.require(Scope::CustomersWrite)?;
    let customers = body.parse().map_err(ApiError::validation)?;
    let members = store(&state.db)
        .add_customers_to_group(&principal.account_id, &group_id, &customers, state.now())
        .await
        .or_not_found("customer group", group_id.as_str())?;
    Ok(Json(CustomerList {
        data: members
            .into_iter()
            .map(|c| CustomerBody::new(&state.ctx, c))
            .collect(),
    }))
}

/// Remove one customer from a group (our addition).
#[utoipa::path(delete, path = "/customer-groups/{customerGroupId}/customers/{customerId}",
    tag = "Customer Groups API", operation_id = "remove-customer-from-customer-group",
    description = "portaal addition: not in the reference.",
    params(("customerGroupId" = String, Path, description = "ID of the group"),
           ("customerId" = String, Path, description = "ID of the customer to remove")),
    responses((status = 204, description = "Removed"), (status = 404, body = ErrorBody)))]
pub async fn remove_customer_from_group(
    State(state): State<AppState>,
    principal: Principal,
    PathIds(group_id, customer_id): PathIds,
) -> ApiResult<StatusCode> {
    principal.require(Scope::CustomersWrite)?;
    let not_in_group = || {
        ApiError::NotFound("That group does not exist, or the customer is not in it.".to_owned())
    };
    let (Some(group_id), Some(customer_id)) = (
        CustomerGroupId::parse(&group_id),
        CustomerId::parse(&customer_id),
    ) else {
        return Err(not_in_group());
    };
    store(&state.db)
        .remove_customer_from_group(&principal.account_id, &group_id, &customer_id)
        .await
        .map_err(|e| match e {
            crate::db::StoreError::NotFound => not_in_group(),
            other => other.into(),
        })?;
    Ok(StatusCode::NO_CONTENT)
}
