//! The OpenAPI 3.1 document, generated from the handlers and served at `/v1/openapi.json`.

use axum::Json;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr, Response};
use utoipa::{Modify, OpenApi};

use super::{customer_groups, customer_invoices, customers, error, pagination, webhooks};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "MijnKlantportaal API",
        version = "v1",
        description = "portaal: a self-hostable server for the MijnKlantportaal API v1. Operations and fields marked as portaal additions are not in the public reference; everything else follows it."
    ),
    servers((url = "/v1")),
    security(("APIKey" = [])),
    modifiers(&SecurityAddon, &CommonErrors),
    paths(
        customers::list_customers,
        customers::get_customer,
        customers::create_customer,
        customers::edit_customer,
        customers::delete_customer,
        customer_groups::list_customer_groups,
        customer_groups::get_customer_group,
        customer_groups::create_customer_group,
        customer_groups::edit_customer_group,
        customer_groups::delete_customer_group,
        customer_groups::add_customers_to_group,
        customer_groups::remove_customer_from_group,
        customer_invoices::list_customer_invoices,
        customer_invoices::get_customer_invoice,
        customer_invoices::upload::create_customer_invoice,
        customer_invoices::create_manual_customer_invoice,
        customer_invoices::mark_customer_invoice_paid,
        customer_invoices::delete_customer_invoice,
        customer_invoices::get_customer_invoice_pdf,
        webhooks::list_webhooks,
        webhooks::get_webhook,
        webhooks::create_webhook,
        webhooks::delete_webhook,
        webhooks::list_webhook_deliveries,
    ),
    components(schemas(error::ErrorBody, pagination::Paginated<customers::CustomerBody>)),
    tags(
        (name = "Customers API"),
        (name = "Customer Groups API"),
        (name = "Customer Invoices API"),
        (name = "Webhooks API"),
    )
)]
pub struct ApiDoc;

struct SecurityAddon;

impl Modify for SecurityAddon {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "APIKey",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The error statuses that layers and extractors answer for every operation, rather than
/// the handlers: without them a client (and schemathesis' status-code check) would meet
/// statuses the document never mentions.
struct CommonErrors;

/// Every operation sits behind the API key check, its scope check and the rate limit.
const EVERY_OPERATION: [(&str, &str); 3] = [
    (
        "401",
        "The API key is missing, malformed, unknown or revoked.",
    ),
    ("403", "The API key lacks the scope this operation needs."),
    (
        "429",
        "Too many requests for this API key; see `Retry-After`.",
    ),
];

/// Operations that read a request body: it may be unreadable, too large or of the wrong type.
const WITH_BODY: [(&str, &str); 3] = [
    (
        "400",
        "The body could not be read: invalid JSON, a key given twice, a broken form.",
    ),
    ("413", "The body is larger than this operation accepts."),
    ("415", "The body is not of the documented content type."),
];

impl Modify for CommonErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                add_errors(operation, &EVERY_OPERATION);
                if operation.request_body.is_some() {
                    add_errors(operation, &WITH_BODY);
                }
            }
        }
    }
}

/// Adds each status with an `ErrorBody`, keeping any the handler documents itself.
fn add_errors(operation: &mut Operation, errors: &[(&str, &str)]) {
    for (status, description) in errors {
        operation
            .responses
            .responses
            .entry((*status).to_owned())
            .or_insert_with(|| {
                let mut response = Response::new(*description);
                response.content.insert(
                    "application/json".to_owned(),
                    Content::new(Some(Ref::from_schema_name("ErrorBody"))),
                );
                RefOr::T(response)
            });
    }
}

pub async fn serve() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
