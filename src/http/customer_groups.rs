//! Customer Groups API (`customer-groups.md`), plus our `DELETE` of a group and removal of
//! one customer from a group.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::AppState;
use super::auth::Principal;
use super::customers::CustomerBody;
use super::error::{ApiError, ApiResult, ErrorBody, NotFoundExt};
use super::json::JsonObject;
use super::pagination::{ListQuery, Paginated};
use super::path::{PathId, PathIds};
use crate::domain::customer::MAX_TEXT;
use crate::domain::ids::{self, prefix};
use crate::domain::input::{FieldErrors, Fields, TextKind};
use crate::domain::scopes::Scope;
use crate::store::CustomerGroup;

/// How many customer IDs one request may name.
const MAX_IDS: usize = 1000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/customer-groups",
            get(list_customer_groups).post(create_customer_group),
        )
        .route(
            "/customer-groups/{customerGroupId}",
            get(get_customer_group)
                .patch(edit_customer_group)
                .delete(delete_customer_group),
        )
        .route(
            "/customer-groups/{customerGroupId}/customers",
            post(add_customers_to_group),
        )
        .route(
            "/customer-groups/{customerGroupId}/customers/{customerId}",
            delete(remove_customer_from_group),
        )
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerGroupBody {
    /// Always starts with `cug_`.
    #[schema(example = "cug_abc12345def678")]
    pub id: String,
    #[schema(example = "Webhosting customers")]
    pub name: String,
    #[schema(example = "2025-07-27T14:42:00+02:00")]
    pub created_at: String,
}

impl CustomerGroupBody {
    fn new(state: &AppState, g: CustomerGroup) -> CustomerGroupBody {
        CustomerGroupBody {
            created_at: state.atom(g.created_at),
            id: g.id,
            name: g.name,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerList {
    pub data: Vec<CustomerBody>,
}

#[derive(Deserialize, ToSchema)]
#[allow(
    dead_code,
    reason = "documents the request body in the OpenAPI document"
)]
pub struct CreateCustomerGroupRequest {
    #[schema(example = "Hosting customers", max_length = 255)]
    name: String,
    /// Customer IDs to put in the group; unknown IDs are skipped.
    #[schema(example = json!(["cst_abc12345def678"]))]
    customers: Option<Vec<String>>,
}

#[derive(Deserialize, ToSchema)]
#[allow(
    dead_code,
    reason = "documents the request body in the OpenAPI document"
)]
pub struct EditCustomerGroupRequest {
    #[schema(example = "Hosting customers", max_length = 255)]
    name: String,
}

#[derive(Deserialize, ToSchema)]
#[allow(
    dead_code,
    reason = "documents the request body in the OpenAPI document"
)]
pub struct AddCustomersRequest {
    /// Customer IDs to add; unknown IDs are skipped.
    #[schema(example = json!(["cst_abc12345def678"]))]
    customers: Vec<String>,
}

/// Unknown IDs are skipped (the reference says so); IDs that cannot exist are skipped here,
/// before any query.
fn known_shapes(mut ids: Vec<String>) -> Vec<String> {
    ids.retain(|id| ids::is_well_formed(id));
    ids
}

fn parse_name(body: &Map<String, Value>) -> Result<String, ApiError> {
    let mut errors = FieldErrors::new();
    let name = Fields::new(body, &mut errors).required_text("name", MAX_TEXT, TextKind::Line);
    name.ok_or_else(|| ApiError::validation(errors))
}

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
    let rows = state
        .store
        .list_customer_groups(&principal.account_id, query.store_query())
        .await?;
    Ok(Json(Paginated::new(
        &query,
        state.api_url("/customer-groups"),
        rows,
        |g| CustomerGroupBody::new(&state, g),
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
    PathId(group_id): PathId,
) -> ApiResult<Json<CustomerGroupBody>> {
    principal.require(Scope::CustomersRead)?;
    let group = state
        .store
        .get_customer_group(&principal.account_id, &group_id)
        .await
        .or_not_found("customer group", &group_id)?;
    Ok(Json(CustomerGroupBody::new(&state, group)))
}

/// Create Customer Group, optionally with members.
#[utoipa::path(post, path = "/customer-groups", tag = "Customer Groups API", operation_id = "create-customer-group",
    request_body = CreateCustomerGroupRequest,
    responses((status = 201, body = CustomerGroupBody), (status = 422, body = ErrorBody)))]
pub async fn create_customer_group(
    State(state): State<AppState>,
    principal: Principal,
    JsonObject(body): JsonObject,
) -> ApiResult<(StatusCode, Json<CustomerGroupBody>)> {
    principal.require(Scope::CustomersWrite)?;
    let mut errors = FieldErrors::new();
    let mut fields = Fields::new(&body, &mut errors);
    let name = fields.required_text("name", MAX_TEXT, TextKind::Line);
    let customers = fields.optional_string_list("customers", MAX_IDS);
    let (Some(name), Some(customers)) = (name, customers.map(known_shapes)) else {
        return Err(ApiError::validation(errors));
    };
    let id = ids::new_id(prefix::CUSTOMER_GROUP);
    let group = state
        .store
        .create_customer_group(
            &principal.account_id,
            &id,
            &name,
            &customers,
            state.clock.now(),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CustomerGroupBody::new(&state, group)),
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
    PathId(group_id): PathId,
    JsonObject(body): JsonObject,
) -> ApiResult<Json<CustomerGroupBody>> {
    principal.require(Scope::CustomersWrite)?;
    let name = parse_name(&body)?;
    let group = state
        .store
        .rename_customer_group(&principal.account_id, &group_id, &name)
        .await
        .or_not_found("customer group", &group_id)?;
    Ok(Json(CustomerGroupBody::new(&state, group)))
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
    PathId(group_id): PathId,
) -> ApiResult<StatusCode> {
    principal.require(Scope::CustomersWrite)?;
    state
        .store
        .delete_customer_group(&principal.account_id, &group_id)
        .await
        .or_not_found("customer group", &group_id)?;
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
    PathId(group_id): PathId,
    JsonObject(body): JsonObject,
) -> ApiResult<Json<CustomerList>> {
    principal.require(Scope::CustomersWrite)?;
    let mut errors = FieldErrors::new();
    let mut fields = Fields::new(&body, &mut errors);
    if !fields.is_present("customers") {
        fields.error("customers", "The customers field is required.");
    }
    let customers = fields.optional_string_list("customers", MAX_IDS);
    let Some(customers) = customers.filter(|_| errors.is_empty()).map(known_shapes) else {
        return Err(ApiError::validation(errors));
    };
    let members = state
        .store
        .add_customers_to_group(
            &principal.account_id,
            &group_id,
            &customers,
            state.clock.now(),
        )
        .await
        .or_not_found("customer group", &group_id)?;
    Ok(Json(CustomerList {
        data: members
            .into_iter()
            .map(|c| CustomerBody::new(&state, c))
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
    state
        .store
        .remove_customer_from_group(&principal.account_id, &group_id, &customer_id)
        .await
        .map_err(|e| match e {
            crate::store::StoreError::NotFound => ApiError::NotFound(
                "That group does not exist, or the customer is not in it.".to_owned(),
            ),
            other => other.into(),
        })?;
    Ok(StatusCode::NO_CONTENT)
}
