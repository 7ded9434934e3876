//! The OpenAPI document at `/v1/openapi.json`: served openly, complete for customers and
//! groups, and true to what the live API answers.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, id_of, send};

/// The document, fetched without any token.
async fn document(app: &TestApp) -> Value {
    let (status, doc) = send(app.client.get(app.url("/openapi.json"))).await;
    assert_eq!(status, StatusCode::OK, "{doc}");
    doc
}

/// Follows `$ref`s (`#/components/schemas/X`) until a schema that is not a reference.
fn resolve<'a>(doc: &'a Value, mut schema: &'a Value) -> &'a Value {
    for _ in 0..16 {
        let Some(reference) = schema["$ref"].as_str() else {
            return schema;
        };
        let pointer = reference
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("not a local reference: {reference}"));
        schema = doc
            .pointer(pointer)
            .unwrap_or_else(|| panic!("{reference} points nowhere"));
    }
    panic!("a $ref cycle")
}

/// The schema of an operation's JSON response with this status, resolved.
fn response_schema<'a>(doc: &'a Value, path: &str, method: &str, status: &str) -> &'a Value {
    let operation = &doc["paths"][path][method];
    assert!(operation.is_object(), "no {method} {path}");
    let schema = &operation["responses"][status]["content"]["application/json"]["schema"];
    assert!(
        schema.is_object(),
        "no JSON {status} response on {method} {path}: {operation}"
    );
    resolve(doc, schema)
}

/// The property names a schema declares.
fn property_names(schema: &Value) -> BTreeSet<String> {
    schema["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("no properties in {schema}"))
        .keys()
        .cloned()
        .collect()
}

fn member_names(object: &Value) -> BTreeSet<String> {
    object
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {object}"))
        .keys()
        .cloned()
        .collect()
}

#[tokio::test]
async fn the_document_is_served_without_a_token_as_openapi_3_1_json() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()["content-type"].to_str().unwrap();
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    let doc: Value = response.json().await.unwrap();
    let version = doc["openapi"].as_str().unwrap();
    assert!(version.starts_with("3.1"), "{version}");
    assert_eq!(doc["info"]["title"], "MijnKlantportaal API");
    assert_eq!(doc["info"]["version"], "v1");
    assert!(doc["paths"].as_object().is_some_and(|p| !p.is_empty()));
}

#[tokio::test]
async fn every_customer_and_group_operation_is_documented_with_its_operation_id() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    let operations = [
        ("/customers", "get", "list-customers"),
        ("/customers", "post", "create-customer"),
        ("/customers/{customerId}", "get", "get-customer"),
        ("/customers/{customerId}", "patch", "edit-customer"),
        ("/customers/{customerId}", "delete", "delete-customer"),
        ("/customer-groups", "get", "list-customer-groups"),
        ("/customer-groups", "post", "create-customer-group"),
        (
            "/customer-groups/{customerGroupId}",
            "get",
            "get-customer-group",
        ),
        (
            "/customer-groups/{customerGroupId}",
            "patch",
            "edit-customer-group",
        ),
        (
            "/customer-groups/{customerGroupId}",
            "delete",
            "delete-customer-group",
        ),
        (
            "/customer-groups/{customerGroupId}/customers",
            "post",
            "add-customers-to-customer-group",
        ),
        (
            "/customer-groups/{customerGroupId}/customers/{customerId}",
            "delete",
            "remove-customer-from-customer-group",
        ),
    ];
    for (path, method, operation_id) in operations {
        let operation = &doc["paths"][path][method];
        assert!(operation.is_object(), "no {method} {path}");
        assert_eq!(operation["operationId"], operation_id, "{method} {path}");
        let tag = if path.starts_with("/customers") {
            "Customers API"
        } else {
            "Customer Groups API"
        };
        assert_eq!(operation["tags"], json!([tag]), "{method} {path}");
    }
    // Only these methods on these paths: a documented operation must exist.
    for (path, methods) in [
        ("/customers", vec!["get", "post"]),
        ("/customers/{customerId}", vec!["delete", "get", "patch"]),
        ("/customer-groups", vec!["get", "post"]),
        (
            "/customer-groups/{customerGroupId}",
            vec!["delete", "get", "patch"],
        ),
        ("/customer-groups/{customerGroupId}/customers", vec!["post"]),
        (
            "/customer-groups/{customerGroupId}/customers/{customerId}",
            vec!["delete"],
        ),
    ] {
        let mut declared: Vec<&str> = doc["paths"][path]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .filter(|k| {
                [
                    "get", "put", "post", "delete", "options", "head", "patch", "trace",
                ]
                .contains(k)
            })
            .collect();
        declared.sort();
        assert_eq!(declared, methods, "{path}");
    }
    let create = &doc["paths"]["/customer-groups"]["post"]["responses"];
    assert!(create["201"].is_object(), "{create}");
}

#[tokio::test]
async fn the_api_key_scheme_is_http_bearer_and_applies_to_every_operation() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    assert_eq!(
        doc["components"]["securitySchemes"]["APIKey"],
        json!({"type": "http", "scheme": "bearer"})
    );
    assert_eq!(doc["security"], json!([{"APIKey": []}]));
}

#[tokio::test]
async fn the_customer_schema_has_exactly_the_reference_fields() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    let operation = &doc["paths"]["/customers/{customerId}"]["get"];
    assert_eq!(operation["operationId"], "get-customer");
    let reference = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        .as_str()
        .unwrap();
    assert_eq!(reference, "#/components/schemas/CustomerBody");
    let schema = response_schema(&doc, "/customers/{customerId}", "get", "200");
    assert_eq!(schema["type"], "object");
    let want: BTreeSet<String> = [
        "id",
        "companyName",
        "address",
        "zipCode",
        "city",
        "countryCode",
        "primaryEmail",
        "phone",
        "integration",
        "integrationId",
        "customerGroups",
        "createdAt",
        // Our additions for e-invoices.
        "vatNumber",
        "cocNumber",
        "peppolId",
        "sendUbl",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(property_names(schema), want);
    for nullable in [
        "phone",
        "integration",
        "integrationId",
        "vatNumber",
        "cocNumber",
        "peppolId",
    ] {
        assert_eq!(
            schema["properties"][nullable]["type"],
            json!(["string", "null"]),
            "{nullable}"
        );
    }
    assert_eq!(schema["properties"]["customerGroups"]["type"], "array");
    assert_eq!(
        schema["properties"]["customerGroups"]["items"]["type"],
        "string"
    );
    // The same schema answers create and edit.
    for (path, method, status) in [
        ("/customers", "post", "201"),
        ("/customers/{customerId}", "patch", "200"),
    ] {
        assert_eq!(response_schema(&doc, path, method, status), schema);
    }
}

#[tokio::test]
async fn live_responses_have_exactly_the_properties_the_document_declares() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    let customer = app.create_customer("Live BV").await;
    let (status, fetched) = send(app.get(&format!("/customers/{}", id_of(&customer)))).await;
    assert_eq!(status, StatusCode::OK);
    let customer_schema = response_schema(&doc, "/customers/{customerId}", "get", "200");
    assert_eq!(member_names(&fetched), property_names(customer_schema));
    let required: BTreeSet<String> = customer_schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_owned())
        .collect();
    for name in &required {
        assert!(!fetched[name].is_null(), "required {name} is null");
    }

    let group = app.create_group("Live group", &[&id_of(&customer)]).await;
    let group_schema = response_schema(&doc, "/customer-groups", "post", "201");
    assert_eq!(member_names(&group), property_names(group_schema));
    let (_, fetched_group) = send(app.get(&format!("/customer-groups/{}", id_of(&group)))).await;
    assert_eq!(
        member_names(&fetched_group),
        property_names(response_schema(
            &doc,
            "/customer-groups/{customerGroupId}",
            "get",
            "200"
        ))
    );

    let (_, list) = send(app.get("/customers")).await;
    assert_eq!(
        member_names(&list),
        property_names(response_schema(&doc, "/customers", "get", "200"))
    );
    let (_, members) = send(app.post(
        &format!("/customer-groups/{}/customers", id_of(&group)),
        &json!({"customers": []}),
    ))
    .await;
    let members_schema = response_schema(
        &doc,
        "/customer-groups/{customerGroupId}/customers",
        "post",
        "200",
    );
    assert_eq!(member_names(&members), property_names(members_schema));
    assert_eq!(
        member_names(&members["data"][0]),
        property_names(customer_schema)
    );
}

#[tokio::test]
async fn every_operation_documents_the_statuses_its_layers_answer() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            let mut expected = vec!["401", "429"];
            // GET /account needs no scope (any valid key reads its own account), so no 403.
            if path != "/account" {
                expected.push("403");
            } else {
                assert!(
                    responses.get("403").is_none(),
                    "GET /account never answers 403"
                );
            }
            if operation.get("requestBody").is_some() {
                expected.extend(["400", "413", "415"]);
            }
            for status in expected {
                let schema = &responses
                    .get(status)
                    .unwrap_or_else(|| panic!("{method} {path} lacks {status}"))["content"]["application/json"]
                    ["schema"]["$ref"];
                assert_eq!(
                    schema, "#/components/schemas/ErrorBody",
                    "{method} {path} {status}"
                );
            }
        }
    }
}

/// The router's own answers: its fallback for an unknown path, and for a known path with
/// another method.
const NO_ENDPOINT: &str =
    "There is no endpoint at this path; see /v1/openapi.json for the ones there are.";

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// A documented path with every `{param}` replaced by an ID of its kind that names nothing.
fn concrete(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').expect("a closed parameter") + open;
        let prefix = match &rest[open + 1..close] {
            "customerId" => "cst",
            "customerGroupId" => "cug",
            "invoiceId" => "inv",
            "webhookId" => "wbh",
            "linkId" => "plk",
            other => panic!("add the ID prefix of the path parameter {other} here"),
        };
        out.push_str(&format!("{prefix}_unknown0000000"));
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

#[tokio::test]
async fn every_documented_operation_is_routed_and_every_other_method_is_not() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 15, "{} paths", paths.len());
    for (path, item) in paths {
        for method in METHODS {
            let request = app
                .raw(
                    method.to_uppercase().parse().unwrap(),
                    &concrete(path),
                    Some("application/json"),
                    "{}",
                )
                .send()
                .await
                .unwrap();
            let status = request.status();
            let body: Value = request.json().await.unwrap_or(Value::Null);
            if item.get(method).is_some() {
                assert_ne!(
                    status,
                    StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {path} is documented but not routed"
                );
                assert_ne!(
                    body["message"], NO_ENDPOINT,
                    "{method} {path} is documented but not routed"
                );
            } else {
                assert_eq!(
                    status,
                    StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {path} is routed but not documented: {body}"
                );
            }
        }
    }
}

/// Areas declare `/v1` operations only with `routes!` (through `web::Routes::api`), which
/// documents them, and public pages only with `Routes::page`: no area builds a router of
/// its own, so no operation can be routed without being documented.
#[test]
fn areas_add_routes_only_through_web_routes() {
    fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut sources = Vec::new();
    files(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/areas"),
        &mut sources,
    );
    assert!(sources.len() > 20);
    for source in sources {
        let text = std::fs::read_to_string(&source).unwrap();
        for forbidden in [
            ".route(",
            ".route_service(",
            ".nest(",
            "Router::new",
            "OpenApiRouter",
        ] {
            assert!(
                !text.contains(forbidden),
                "{} uses `{forbidden}`: declare routes with `Routes::api(routes!(...))` or `Routes::page`",
                source.display()
            );
        }
    }
}

/// Each documented JSON request body is the type its handler reads: every property the
/// document lists is read (a wrong value is reported under its name, nested line
/// properties included), and the handler reports no field the document does not list.
#[tokio::test]
async fn every_documented_request_property_is_read_under_its_documented_name() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let Some(schema) = operation.pointer("/requestBody/content/application~1json/schema")
            else {
                continue;
            };
            let schema = resolve(&doc, schema);
            let mut body = serde_json::Map::new();
            let mut expected = BTreeSet::new();
            for (name, property) in schema["properties"].as_object().unwrap() {
                expected.insert(name.clone());
                let items = resolve(&doc, &property["items"]);
                if let Some(nested) = items["properties"].as_object() {
                    // An array of objects: one element whose every property is wrong.
                    let element: serde_json::Map<String, Value> =
                        nested.keys().map(|k| (k.clone(), json!({}))).collect();
                    body.insert(name.clone(), json!([element]));
                    expected.remove(name);
                    for key in nested.keys() {
                        expected.insert(format!("{name}.0.{key}"));
                    }
                } else {
                    body.insert(name.clone(), json!({}));
                }
            }
            let (status, answer) = send(app.raw(
                method.to_uppercase().parse().unwrap(),
                &concrete(path),
                Some("application/json"),
                Value::Object(body).to_string(),
            ))
            .await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{method} {path}: {answer}"
            );
            let reported: BTreeSet<String> = answer["errors"]
                .as_object()
                .unwrap_or_else(|| panic!("{method} {path}: {answer}"))
                .keys()
                .cloned()
                .collect();
            assert_eq!(reported, expected, "{method} {path}");
            checked += 1;
        }
    }
    assert!(checked >= 9, "only {checked} JSON request bodies checked");
}
