//! The OpenAPI 3.1 document, generated from the handlers and served at `/v1/openapi.json`.

use axum::Json;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
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
    modifiers(&SecurityAddon),
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

pub async fn serve() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
