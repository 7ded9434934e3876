//! Webhooks API: create, list, get, delete, the deliveries list, URL and type checks, the
//! refusal of internal addresses, scopes and tenant isolation. Delivery itself is the
//! worker's; here only the recording of deliveries is checked.

use std::collections::BTreeSet;

use portaal::db::PageQuery;
use portaal::kernel::scopes::Scope;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{
    Options, TestApp, assert_atom, assert_error, assert_invalid_fields, id_of, send,
};

const HOOK_URL: &str = "http://127.0.0.1:9/webhook-incoming";

fn members(object: &Value) -> BTreeSet<&str> {
    object
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {object}"))
        .keys()
        .map(String::as_str)
        .collect()
}

impl TestApp {
    /// Subscribes `url` to `event_type` and returns the webhook body.
    async fn create_webhook(&self, event_type: &str, url: &str) -> Value {
        let (status, body) =
            send(self.post("/webhooks", &json!({"type": event_type, "url": url}))).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body
    }

    /// The `data` of the first page of a webhook's deliveries.
    async fn deliveries(&self, webhook_id: &str) -> Vec<Value> {
        let (status, body) = send(self.get(&format!("/webhooks/{webhook_id}/deliveries"))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["data"].as_array().unwrap().clone()
    }
}

async fn spawn_without_private_webhooks() -> TestApp {
    TestApp::spawn_with(Options {
        allow_private_webhooks: false,
        ..Options::default()
    })
    .await
}

#[tokio::test]
async fn create_webhook_returns_201_with_exactly_id_type_url_secret_and_created_at() {
    let app = TestApp::spawn().await;
    let (status, webhook) = send(app.post(
        "/webhooks",
        &json!({"type": "customer-created", "url": HOOK_URL, "ignored": true}),
    ))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{webhook}");
    assert_eq!(
        members(&webhook),
        BTreeSet::from(["createdAt", "id", "secret", "type", "url"]),
        "{webhook}"
    );
    let id = id_of(&webhook);
    assert!(id.starts_with("wbh_") && id.len() == 18, "{id}");
    assert!(
        id[4..]
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()),
        "{id}"
    );
    assert_eq!(webhook["type"], "customer-created");
    assert_eq!(webhook["url"], HOOK_URL);
    let secret = webhook["secret"].as_str().unwrap();
    assert_eq!(secret.len(), 20, "{secret}");
    assert!(
        secret.bytes().all(|b| b.is_ascii_alphanumeric()),
        "{secret}"
    );
    assert_atom(&webhook["createdAt"]);
    assert_eq!(webhook["createdAt"], "2025-04-14T12:00:00+02:00");

    let (status, fetched) = send(app.get(&format!("/webhooks/{id}"))).await;
    assert_eq!(status, StatusCode::OK, "{fetched}");
    assert_eq!(fetched, webhook);

    let other = app.create_webhook("customer-created", HOOK_URL).await;
    assert_ne!(other["secret"], webhook["secret"]);
}

#[tokio::test]
async fn list_webhooks_is_paginated_newest_first() {
    let app = TestApp::spawn().await;
    let mut created = Vec::new();
    for event_type in ["customer-created", "invoice-paid", "ticket-created"] {
        created.push(app.create_webhook(event_type, HOOK_URL).await);
    }
    let (status, page) = send(app.get("/webhooks?per_page=2")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["data"], json!([created[2], created[1]]));
    assert_eq!(page["current_page"], 1);
    assert_eq!(
        (page["from"].clone(), page["to"].clone()),
        (json!(1), json!(2))
    );
    assert_eq!(page["per_page"], 2);
    assert_eq!(page["path"], app.url("/webhooks"));
    assert_eq!(
        page["next_page_url"],
        app.url("/webhooks?page=2&per_page=2")
    );
    assert_eq!(page["prev_page_url"], Value::Null);

    let (status, page) = send(app.get("/webhooks?page=2&per_page=2")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["data"], json!([created[0]]));
    assert_eq!(page["next_page_url"], Value::Null);

    let (status, body) = send(app.get("/webhooks?per_page=0")).await;
    assert_invalid_fields(status, &body, &["per_page"]);
}

#[tokio::test]
async fn a_deleted_webhook_is_204_then_gone_from_get_list_and_deliveries() {
    let app = TestApp::spawn().await;
    let kept = app.create_webhook("customer-created", HOOK_URL).await;
    let id = id_of(&app.create_webhook("customer-created", HOOK_URL).await);

    let (status, body) = send(app.delete(&format!("/webhooks/{id}"))).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    assert_eq!(body, Value::Null);

    for path in [
        format!("/webhooks/{id}"),
        format!("/webhooks/{id}/deliveries"),
    ] {
        let (status, body) = send(app.get(&path)).await;
        assert_error(status, &body, 404);
    }
    let (status, body) = send(app.delete(&format!("/webhooks/{id}"))).await;
    assert_error(status, &body, 404);
    let (_, page) = send(app.get("/webhooks")).await;
    assert_eq!(page["data"], json!([kept]));

    // A deleted subscription gets no new deliveries (asked of the store: the API says 404).
    app.create_customer("After BV").await;
    assert_eq!(app.deliveries(&id_of(&kept)).await.len(), 1);
    let recorded = portaal::areas::webhooks::store(&app.db)
        .list_webhook_deliveries(
            &app.account_id,
            &portaal::areas::webhooks::model::WebhookId::parse(&id).unwrap(),
            PageQuery {
                offset: 0,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert!(recorded.is_empty(), "{recorded:?}");
}

#[tokio::test]
async fn unknown_and_malformed_webhook_ids_are_404() {
    let app = TestApp::spawn().await;
    for id in ["wbh_doesnotexist00", "nonsense", "WBH_X"] {
        for path in [
            format!("/webhooks/{id}"),
            format!("/webhooks/{id}/deliveries"),
        ] {
            let (status, body) = send(app.get(&path)).await;
            assert_error(status, &body, 404);
        }
        let (status, body) = send(app.delete(&format!("/webhooks/{id}"))).await;
        assert_error(status, &body, 404);
    }
}

#[tokio::test]
async fn url_and_type_are_required() {
    let app = TestApp::spawn().await;
    for body in [
        json!({}),
        json!({"url": null, "type": null}),
        json!({"url": "  ", "type": ""}),
    ] {
        let (status, answer) = send(app.post("/webhooks", &body)).await;
        assert_invalid_fields(status, &answer, &["type", "url"]);
    }
    let (status, body) = send(app.post("/webhooks", &json!({"url": HOOK_URL}))).await;
    assert_invalid_fields(status, &body, &["type"]);
    let (status, body) = send(app.post("/webhooks", &json!({"type": "invoice-paid"}))).await;
    assert_invalid_fields(status, &body, &["url"]);
    let (_, page) = send(app.get("/webhooks")).await;
    assert_eq!(page["data"], json!([]));
}

#[tokio::test]
async fn an_unknown_event_type_is_422_naming_type_and_listing_the_allowed_ones() {
    let app = TestApp::spawn().await;
    for bad in [
        json!("customer-updated"),
        json!("appointment-cancelled"),
        json!("Customer-Created"),
        json!(7),
        json!(["customer-created"]),
    ] {
        let (status, body) =
            send(app.post("/webhooks", &json!({"type": bad, "url": HOOK_URL}))).await;
        assert_invalid_fields(status, &body, &["type"]);
    }
    let (status, body) = send(app.post(
        "/webhooks",
        &json!({"type": "customer-updated", "url": HOOK_URL}),
    ))
    .await;
    assert_invalid_fields(status, &body, &["type"]);
    let message = body["errors"]["type"][0].as_str().unwrap();
    for listed in [
        "appointment-canceled",
        "customer-created",
        "subscription-payment-updated",
    ] {
        assert!(message.contains(listed), "{message}");
    }
}

#[tokio::test]
async fn every_one_of_the_23_event_types_can_be_subscribed() {
    let app = TestApp::spawn().await;
    let types = [
        "appointment-created",
        "appointment-canceled",
        "customer-created",
        "customer-deleted",
        "offer-created",
        "offer-deleted",
        "offer-accepted",
        "offer-rejected",
        "invoice-created",
        "invoice-chargeback",
        "invoice-paid",
        "invoice-deleted",
        "payment-link-created",
        "payment-link-expired",
        "payment-link-paid",
        "ticket-created",
        "ticket-reply-customer",
        "ticket-reply-employee",
        "subscription-created",
        "subscription-updated",
        "subscription-deleted",
        "subscription-payment-created",
        "subscription-payment-updated",
    ];
    for event_type in types {
        assert_eq!(
            app.create_webhook(event_type, HOOK_URL).await["type"],
            event_type
        );
    }
}

#[tokio::test]
async fn invalid_urls_are_422_naming_url() {
    let app = TestApp::spawn().await;
    let too_long = format!("https://example.com/{}", "a".repeat(2001 - 20));
    assert_eq!(too_long.chars().count(), 2001);
    for bad in [
        json!("ftp://example.com/hook"),
        json!("not a url"),
        json!("http://"),
        json!("https://"),
        json!("https://user:pw@example.com/x"),
        json!("https://user@example.com/x"),
        json!("/webhook-incoming"),
        json!("example.com/hook"),
        json!("javascript:alert(1)"),
        json!("https://example.com/\u{0}"),
        json!(too_long),
        json!(42),
        json!({"href": HOOK_URL}),
    ] {
        let (status, body) = send(app.post(
            "/webhooks",
            &json!({"type": "customer-created", "url": bad}),
        ))
        .await;
        assert_invalid_fields(status, &body, &["url"]);
    }
    let (_, page) = send(app.get("/webhooks")).await;
    assert_eq!(page["data"], json!([]));

    // Exactly 2000 characters is fine.
    let longest = format!("http://127.0.0.1/{}", "a".repeat(2000 - 17));
    assert_eq!(longest.chars().count(), 2000);
    app.create_webhook("customer-created", &longest).await;
}

#[tokio::test]
async fn without_the_private_option_loopback_private_and_link_local_targets_are_422() {
    let app = spawn_without_private_webhooks().await;
    for url in [
        "http://127.0.0.1:9/x",
        "http://localhost/x",
        "http://10.0.0.1/x",
        "http://192.168.1.10/x",
        "http://172.16.0.1/x",
        "http://169.254.169.254/latest/meta-data",
        "http://100.64.0.1/x",
        "http://0.0.0.0/x",
        "http://[::1]/x",
        "http://[::ffff:127.0.0.1]/x",
        "http://[fd00::1]/x",
        "http://2130706433/x",
        "http://0x7f.1/x",
    ] {
        let (status, body) = send(app.post(
            "/webhooks",
            &json!({"type": "customer-created", "url": url}),
        ))
        .await;
        assert_invalid_fields(status, &body, &["url"]);
    }
    let (_, page) = send(app.get("/webhooks")).await;
    assert_eq!(page["data"], json!([]), "nothing was stored");
}

#[tokio::test]
async fn without_the_private_option_a_public_ip_is_accepted_and_an_unresolvable_host_is_422() {
    let app = spawn_without_private_webhooks().await;
    // An IP host is checked without any lookup.
    app.create_webhook("customer-created", "https://93.184.215.14/hook")
        .await;
    // `.invalid` never resolves (RFC 6761).
    let (status, body) = send(app.post(
        "/webhooks",
        &json!({"type": "customer-created", "url": "https://portaal-test.invalid/hook"}),
    ))
    .await;
    assert_invalid_fields(status, &body, &["url"]);
}

#[tokio::test]
async fn a_key_with_only_webhooks_read_can_list_and_get_but_not_create_or_delete() {
    let app = TestApp::spawn().await;
    let id = id_of(&app.create_webhook("customer-created", HOOK_URL).await);
    let reader = app.key_with(&[Scope::WebhooksRead]).await;
    for path in [
        "/webhooks".to_owned(),
        format!("/webhooks/{id}"),
        format!("/webhooks/{id}/deliveries"),
    ] {
        let (status, body) = send(app.request_as(&reader, Method::GET, &path)).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
    }
    let (status, body) = send(
        app.request_as(&reader, Method::POST, "/webhooks")
            .json(&json!({"type": "customer-created", "url": HOOK_URL})),
    )
    .await;
    assert_error(status, &body, 403);
    let (status, body) =
        send(app.request_as(&reader, Method::DELETE, &format!("/webhooks/{id}"))).await;
    assert_error(status, &body, 403);

    let stranger = app
        .key_with(&[Scope::CustomersRead, Scope::CustomersWrite])
        .await;
    for path in [
        "/webhooks".to_owned(),
        format!("/webhooks/{id}"),
        format!("/webhooks/{id}/deliveries"),
    ] {
        let (status, body) = send(app.request_as(&stranger, Method::GET, &path)).await;
        assert_error(status, &body, 403);
    }
    let (_, page) = send(app.get("/webhooks")).await;
    assert_eq!(page["data"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn another_account_sees_none_of_our_webhooks_and_gets_404_for_their_ids() {
    let app = TestApp::spawn().await;
    let webhook = app.create_webhook("customer-created", HOOK_URL).await;
    let id = id_of(&webhook);
    let (_, other) = app.other_account().await;

    let (status, page) = send(app.request_as(&other, Method::GET, "/webhooks")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["data"], json!([]));
    for (method, path) in [
        (Method::GET, format!("/webhooks/{id}")),
        (Method::GET, format!("/webhooks/{id}/deliveries")),
        (Method::DELETE, format!("/webhooks/{id}")),
    ] {
        let (status, body) = send(app.request_as(&other, method, &path)).await;
        assert_error(status, &body, 404);
    }
    let (status, fetched) = send(app.get(&format!("/webhooks/{id}"))).await;
    assert_eq!(status, StatusCode::OK, "still there: {fetched}");
    assert_eq!(fetched, webhook);

    // The other account's customers do not reach our subscription.
    let (status, body) = send(
        app.request_as(&other, Method::POST, "/customers")
            .json(&crate::helpers::customer_body("Foreign BV")),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(app.deliveries(&id).await, Vec::<Value>::new());
}

#[tokio::test]
async fn a_fresh_webhook_has_an_empty_page_of_deliveries() {
    let app = TestApp::spawn().await;
    let id = id_of(&app.create_webhook("customer-created", HOOK_URL).await);
    let (status, page) = send(app.get(&format!("/webhooks/{id}/deliveries"))).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let path = app.url(&format!("/webhooks/{id}/deliveries"));
    assert_eq!(
        page,
        json!({
            "current_page": 1,
            "data": [],
            "first_page_url": format!("{path}?page=1"),
            "from": null,
            "next_page_url": null,
            "path": path,
            "per_page": 15,
            "prev_page_url": null,
            "to": null,
        })
    );
}

#[tokio::test]
async fn creating_a_customer_records_a_delivery_for_customer_created_subscribers_only() {
    let app = TestApp::spawn().await;
    let created_hook = id_of(&app.create_webhook("customer-created", HOOK_URL).await);
    let deleted_hook = id_of(&app.create_webhook("customer-deleted", HOOK_URL).await);

    let customer = id_of(&app.create_customer("Hook BV").await);

    let deliveries = app.deliveries(&created_hook).await;
    assert_eq!(deliveries.len(), 1, "{deliveries:?}");
    let delivery = &deliveries[0];
    assert_eq!(
        members(delivery),
        BTreeSet::from([
            "attempts",
            "createdAt",
            "deliveredAt",
            "eventId",
            "lastError",
            "lastStatusCode",
            "nextAttemptAt",
            "status",
            "type",
        ]),
        "{delivery}"
    );
    let event_id = delivery["eventId"].as_str().unwrap();
    assert!(
        event_id.starts_with("evt_") && event_id.len() == 18,
        "{event_id}"
    );
    assert_eq!(delivery["type"], "customer-created");
    assert_atom(&delivery["createdAt"]);
    // A worker may or may not have tried it yet; its shape must fit the status either way.
    match delivery["status"].as_str().unwrap() {
        "pending" => {
            assert_atom(&delivery["nextAttemptAt"]);
            assert_eq!(delivery["deliveredAt"], Value::Null);
        }
        "delivered" => assert_atom(&delivery["deliveredAt"]),
        "failed" => assert_eq!(delivery["nextAttemptAt"], Value::Null),
        other => panic!("unexpected status {other}: {delivery}"),
    }
    assert!(delivery["attempts"].as_i64().is_some(), "{delivery}");
    assert!(
        delivery["lastStatusCode"].is_null() || delivery["lastStatusCode"].is_i64(),
        "{delivery}"
    );
    assert!(
        delivery["lastError"].is_null() || delivery["lastError"].is_string(),
        "{delivery}"
    );
    assert_eq!(app.deliveries(&deleted_hook).await, Vec::<Value>::new());

    // Deleting the customer reaches the other subscription, and only that one.
    let (status, body) = send(app.delete(&format!("/customers/{customer}"))).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let deliveries = app.deliveries(&deleted_hook).await;
    assert_eq!(deliveries.len(), 1, "{deliveries:?}");
    assert_eq!(deliveries[0]["type"], "customer-deleted");
    assert_ne!(deliveries[0]["eventId"], event_id);
    assert_eq!(app.deliveries(&created_hook).await.len(), 1);
}

#[tokio::test]
async fn the_openapi_document_describes_the_webhooks_api_as_it_answers() {
    let app = TestApp::spawn().await;
    let (status, doc) = send(app.client.get(app.url("/openapi.json"))).await;
    assert_eq!(status, StatusCode::OK, "{doc}");
    for (path, method, operation_id) in [
        ("/webhooks", "get", "list-webhooks"),
        ("/webhooks", "post", "create-webhook"),
        ("/webhooks/{webhookId}", "get", "get-webhook"),
        ("/webhooks/{webhookId}", "delete", "delete-webhook"),
        (
            "/webhooks/{webhookId}/deliveries",
            "get",
            "list-webhook-deliveries",
        ),
    ] {
        let operation = &doc["paths"][path][method];
        assert_eq!(operation["operationId"], operation_id, "{operation}");
        assert_eq!(operation["tags"], json!(["Webhooks API"]), "{operation}");
    }
    for addition in [
        &doc["paths"]["/webhooks/{webhookId}"]["delete"],
        &doc["paths"]["/webhooks/{webhookId}/deliveries"]["get"],
    ] {
        let description = addition["description"].as_str().unwrap_or_default();
        assert!(description.contains("portaal addition"), "{addition}");
    }
    let schema = &doc["components"]["schemas"]["WebhookBody"];
    let declared: BTreeSet<&str> = schema["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("no WebhookBody in {doc}"))
        .keys()
        .map(String::as_str)
        .collect();
    let webhook = app.create_webhook("customer-created", HOOK_URL).await;
    assert_eq!(declared, members(&webhook));
    let event_types = &doc["components"]["schemas"]["EventType"]["enum"];
    assert_eq!(
        event_types.as_array().map(Vec::len),
        Some(23),
        "{event_types}"
    );
}
