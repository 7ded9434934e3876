//! The OpenAPI 3.1 document served at `/v1/openapi.json`: the paths come from the areas'
//! routes (each operation declared once, with `routes!`); this adds what the whole API
//! shares: info, security, tags, and the statuses that layers answer for every operation.

use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr, Response};
use utoipa::{Modify, OpenApi};

use crate::areas::customers::CustomerBody;
use crate::web::error::ErrorBody;
use crate::web::pagination::Paginated;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "MijnKlantportaal API",
        version = "v1",
        description = "portaal: a self-hostable server for the MijnKlantportaal API v1. Operations and fields marked as portaal additions are not in the public reference; everything else follows it."
    ),
    servers((url = "/v1")),
    security(("APIKey" = [])),
    components(schemas(ErrorBody, Paginated<CustomerBody>)),
    tags(
        (name = "Customers API"),
        (name = "Customer Groups API"),
        (name = "Customer Invoices API"),
        (name = "Webhooks API"),
        (name = "Payment Links API"),
        (name = "Account (portaal addition)"),
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

/// Operations any valid key may call: they need no scope, so they never answer 403.
const SCOPELESS: [&str; 1] = ["get-account"];

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
                let scopeless = operation
                    .operation_id
                    .as_deref()
                    .is_some_and(|id| SCOPELESS.contains(&id));
                let every: Vec<(&str, &str)> = EVERY_OPERATION
                    .into_iter()
                    .filter(|(status, _)| !(scopeless && *status == "403"))
                    .collect();
                add_errors(operation, &every);
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

/// The whole document: the routed paths (with their schemas) and what is added here.
pub fn document(paths: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    let mut document = ApiDoc::openapi();
    document.merge(paths);
    for modifier in [
        &SecurityAddon as &dyn Modify,
        &IdempotencyAddon,
        &CommonErrors,
    ] {
        modifier.modify(&mut document);
    }
    document
}
