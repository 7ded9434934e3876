//! Customers API (`customers.md`): list, get, create, edit and delete (soft).

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::AppState;
use super::auth::Principal;
use super::error::{ApiError, ApiResult, ErrorBody, NotFoundExt};
use super::json::JsonObject;
use super::pagination::{ListQuery, Paginated};
use super::path::PathId;
use crate::domain::customer::{CustomerPatch, NewCustomer};
use crate::domain::ids::{self, prefix};
use crate::domain::scopes::Scope;
use crate::store::Customer;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/customers", get(list_customers).post(create_customer))
        .route(
            "/customers/{customerId}",
            get(get_customer)
                .patch(edit_customer)
                .delete(delete_customer),
        )
}

/// A customer as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerBody {
    /// Always starts with `cst_`.
    #[schema(example = "cst_abc12345def678")]
    pub id: String,
    #[schema(example = "Test Company BV")]
    pub company_name: String,
    #[schema(example = "Teststreet 123")]
    pub address: String,
    #[schema(example = "1234AB")]
    pub zip_code: String,
    #[schema(example = "Amsterdam")]
    pub city: String,
    /// ISO 3166-1 alpha-2.
    #[schema(example = "NL")]
    pub country_code: String,
    /// Where notifications are sent.
    #[schema(example = "john.doe@test.com")]
    pub primary_email: String,
    #[schema(example = "+312012345678")]
    pub phone: Option<String>,
    /// The bookkeeping integration the customer is linked to.
    #[schema(example = "acumulus")]
    pub integration: Option<String>,
    /// The customer's ID inside that integration.
    #[schema(example = "123456789")]
    pub integration_id: Option<String>,
    /// IDs of the groups the customer belongs to.
    #[schema(example = json!(["cug_123abc567"]))]
    pub customer_groups: Vec<String>,
    /// ATOM date-time.
    #[schema(example = "2024-04-28T21:00:00+02:00")]
    pub created_at: String,
}

impl CustomerBody {
    pub fn new(state: &AppState, c: Customer) -> CustomerBody {
        CustomerBody {
            created_at: state.atom(c.created_at),
            id: c.id,
            company_name: c.company_name,
            address: c.address,
            zip_code: c.zip_code,
            city: c.city,
            country_code: c.country_code,
            primary_email: c.primary_email,
            phone: c.phone,
            integration: c.integration,
            integration_id: c.integration_id,
            customer_groups: c.customer_groups,
        }
    }
}

/// The documented request of Create Customer (parsed field by field by [`NewCustomer::parse`]).
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(
    dead_code,
    reason = "documents the request body in the OpenAPI document"
)]
pub struct CreateCustomerRequest {
    #[schema(example = "Test Company BV", max_length = 255)]
    company_name: String,
    #[schema(example = "Teststreet 123", max_length = 255)]
    address: String,
    #[schema(example = "1234AB", max_length = 20)]
    zip_code: String,
    #[schema(example = "Amsterdam", max_length = 255)]
    city: String,
    #[schema(example = "john.doe@test.com", max_length = 254)]
    primary_email: String,
    /// ISO 3166-1 alpha-2; `NL` when omitted.
    #[schema(example = "NL")]
    country_code: Option<String>,
    /// Our addition: the customer's phone number.
    #[schema(example = "+312012345678")]
    phone: Option<String>,
}

/// The documented request of Edit Customer: every field optional, at least one required.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(
    dead_code,
    reason = "documents the request body in the OpenAPI document"
)]
pub struct EditCustomerRequest {
    company_name: Option<String>,
    address: Option<String>,
    zip_code: Option<String>,
    city: Option<String>,
    primary_email: Option<String>,
    country_code: Option<String>,
    phone: Option<String>,
}

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
    let rows = state
        .store
        .list_customers(&principal.account_id, query.store_query())
        .await?;
    Ok(Json(Paginated::new(
        &query,
        state.api_url("/customers"),
        rows,
        |c| CustomerBody::new(&state, c),
    )))
}

/// Get Customer.
#[utoipa::path(get, path = "/customers/{customerId}", tag = "Customers API", operation_id = "get-customer",
    params(("customerId" = String, Path, description = "ID of the customer")),
    responses((status = 200, body = CustomerBody), (status = 404, body = ErrorBody)))]
pub async fn get_customer(
    State(state): State<AppState>,
    principal: Principal,
    PathId(customer_id): PathId,
) -> ApiResult<Json<CustomerBody>> {
    principal.require(Scope::CustomersRead)?;
    let customer = state
        .store
        .get_customer(&principal.account_id, &customer_id)
        .await
        .or_not_found("customer", &customer_id)?;
    Ok(Json(CustomerBody::new(&state, customer)))
}

/// Create Customer.
#[utoipa::path(post, path = "/customers", tag = "Customers API", operation_id = "create-customer",
    request_body = CreateCustomerRequest,
    responses((status = 201, body = CustomerBody), (status = 422, body = ErrorBody)))]
pub async fn create_customer(
    State(state): State<AppState>,
    principal: Principal,
    JsonObject(body): JsonObject,
) -> ApiResult<(StatusCode, Json<CustomerBody>)> {
    principal.require(Scope::CustomersWrite)?;
    let new = NewCustomer::parse(&body).map_err(ApiError::validation)?;
    let id = ids::new_id(prefix::CUSTOMER);
    let customer = state
        .store
        .create_customer(&principal.account_id, &id, &new, state.clock.now(), &state)
        .await?;
    tracing::info!(account_id = %principal.account_id, customer_id = %customer.id, "customer created");
    Ok((
        StatusCode::CREATED,
        Json(CustomerBody::new(&state, customer)),
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
    PathId(customer_id): PathId,
    JsonObject(body): JsonObject,
) -> ApiResult<Json<CustomerBody>> {
    principal.require(Scope::CustomersWrite)?;
    let patch = CustomerPatch::parse(&body).map_err(ApiError::validation)?;
    let customer = state
        .store
        .update_customer(&principal.account_id, &customer_id, &patch)
        .await
        .or_not_found("customer", &customer_id)?;
    Ok(Json(CustomerBody::new(&state, customer)))
}

/// Delete Customer (our addition): hides the customer; its invoices keep pointing at it.
#[utoipa::path(delete, path = "/customers/{customerId}", tag = "Customers API", operation_id = "delete-customer",
    description = "portaal addition: the reference implies deletion (scope text, `customer-deleted` event) but documents no endpoint.",
    params(("customerId" = String, Path, description = "ID of the customer")),
    responses((status = 204, description = "Deleted"), (status = 404, body = ErrorBody)))]
pub async fn delete_customer(
    State(state): State<AppState>,
    principal: Principal,
    PathId(customer_id): PathId,
) -> ApiResult<StatusCode> {
    principal.require(Scope::CustomersWrite)?;
    state
        .store
        .delete_customer(
            &principal.account_id,
            &customer_id,
            state.clock.now(),
            &state,
        )
        .await
        .or_not_found("customer", &customer_id)?;
    tracing::info!(account_id = %principal.account_id, customer_id = %customer_id, "customer deleted");
    Ok(StatusCode::NO_CONTENT)
}
