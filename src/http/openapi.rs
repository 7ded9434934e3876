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
    modifiers(&SecurityAddon, &IdempotencyAddon),
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

/// Documents the `Idempotency-Key` header (a portaal addition) on every POST and PATCH,
/// with the 409 it can cause; the middleware in `http::idempotency` serves them all.
struct IdempotencyAddon;

impl Modify for IdempotencyAddon {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
        use utoipa::openapi::{Content, ObjectBuilder, Ref, Required, ResponseBuilder, Type};
        let header = ParameterBuilder::new()
            .name("Idempotency-Key")
            .parameter_in(ParameterIn::Header)
            .required(Required::False)
            .description(Some(
                "portaal addition: 1–255 printable ASCII characters, unique per request. The \
                 first response (status and body) is stored per API key for 24 hours; a retry \
                 with the same key, method, path and body gets it again with the header \
                 `Idempotent-Replayed: true`. The same key with a different request: 422. \
                 A retry while the first is still running: 409. An answer with a 5xx status \
                 is not stored, so its retry runs afresh.",
            ))
            .schema(Some(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .min_length(Some(1))
                    .max_length(Some(255)),
            ))
            .build();
        let conflict = ResponseBuilder::new()
            .description(
                "portaal addition: a request with the same Idempotency-Key is still running.",
            )
            .content(
                "application/json",
                Content::new(Some(Ref::from_schema_name("ErrorBody"))),
            )
            .build();
        for item in openapi.paths.paths.values_mut() {
            for operation in [item.post.as_mut(), item.patch.as_mut()]
                .into_iter()
                .flatten()
            {
                operation
                    .parameters
                    .get_or_insert_with(Vec::new)
                    .push(header.clone());
                operation
                    .responses
                    .responses
                    .entry("409".to_owned())
                    .or_insert_with(|| conflict.clone().into());
            }
        }
    }
}

pub async fn serve() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
