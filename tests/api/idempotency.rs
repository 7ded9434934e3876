//! `Idempotency-Key` on POST and PATCH: replays, mismatches, races, restarts, other keys,
//! expiry and claims left behind by requests that died.

use jiff::SignedDuration;
use portaal::web::idempotency::IdempotencyClaim;
use reqwest::{RequestBuilder, StatusCode};
use serde_json::{Value, json};

use crate::cli::serve_with;
use crate::helpers::{
    PgTestDatabase, TestApp, assert_error, assert_invalid_fields, customer_body, join_all, send,
};

const REPLAYED: &str = "idempotent-replayed";

/// Status, the replay header and the exact body bytes.
async fn raw(request: RequestBuilder) -> (StatusCode, Option<String>, Vec<u8>) {
    let response = request.send().await.expect("request sent");
    let status = response.status();
    let replayed = response
        .headers()
        .get(REPLAYED)
        .map(|v| v.to_str().unwrap().to_owned());
    (status, replayed, response.bytes().await.unwrap().to_vec())
}

fn invoice_body(customer_id: &str, number: &str) -> Value {
    json!({"customerId": customer_id, "invoiceNumber": number, "issuedAt": "2025-04-14",
           "lines": [{"description": "Werk", "amountExclVat": "100.00", "vatRate": 21}]})
}

async fn invoice_count(app: &TestApp) -> usize {
    let (status, body) = send(app.get("/customer-invoices?per_page=100")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["data"].as_array().unwrap().len()
}

#[tokio::test]
async fn a_retry_with_the_same_key_and_body_replays_the_first_response_byte_for_byte() {
    let app = TestApp::spawn().await;
    let body = customer_body("Eenmalig BV");
    let first = raw(app
        .post("/customers", &body)
        .header("Idempotency-Key", "k-1"))
    .await;
    assert_eq!(first.0, StatusCode::CREATED);
    assert_eq!(first.1, None, "the first response is no replay");
    let retry = raw(app
        .post("/customers", &body)
        .header("Idempotency-Key", "k-1"))
    .await;
    assert_eq!(retry.0, StatusCode::CREATED);
    assert_eq!(retry.1.as_deref(), Some("true"));
    assert_eq!(retry.2, first.2, "the replayed body is the stored one");
    assert_eq!(app.all_customers().await.len(), 1, "created once");

    // Without the header every POST runs.
    send(app.post("/customers", &body)).await;
    assert_eq!(app.all_customers().await.len(), 2);
}

#[tokio::test]
async fn a_patch_and_its_refusal_are_replayed_too() {
    let app = TestApp::spawn().await;
    let customer = app.create_customer("Oud BV").await;
    let path = format!("/customers/{}", customer["id"].as_str().unwrap());
    let rename = json!({"companyName": "Nieuw BV"});
    let first = raw(app.patch(&path, &rename).header("Idempotency-Key", "p")).await;
    assert_eq!(first.0, StatusCode::OK);
    // Renamed again by someone else; the retry still gets the first answer, not a new one.
    send(app.patch(&path, &json!({"companyName": "Ander BV"}))).await;
    let retry = raw(app.patch(&path, &rename).header("Idempotency-Key", "p")).await;
    assert_eq!(
        (retry.0, retry.1.as_deref()),
        (StatusCode::OK, Some("true"))
    );
    assert_eq!(retry.2, first.2);

    let invalid = json!({"primaryEmail": "not an address"});
    let refused = raw(app.patch(&path, &invalid).header("Idempotency-Key", "bad")).await;
    assert_eq!(refused.0, StatusCode::UNPROCESSABLE_ENTITY);
    let again = raw(app.patch(&path, &invalid).header("Idempotency-Key", "bad")).await;
    assert_eq!(
        (again.0, again.1.as_deref()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("true"))
    );
    assert_eq!(again.2, refused.2);
}

#[tokio::test]
async fn the_same_key_with_another_body_or_path_is_refused_with_422() {
    let app = TestApp::spawn().await;
    let key = ("Idempotency-Key", "order-7");
    let (status, _) = send(
        app.post("/customers", &customer_body("A BV"))
            .header(key.0, key.1),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = send(
        app.post("/customers", &customer_body("B BV"))
            .header(key.0, key.1),
    )
    .await;
    assert_invalid_fields(status, &body, &["Idempotency-Key"]);
    let (status, body) = send(
        app.post("/customer-groups", &customer_body("A BV"))
            .header(key.0, key.1),
    )
    .await;
    assert_invalid_fields(status, &body, &["Idempotency-Key"]);
    assert_eq!(app.all_customers().await.len(), 1);
}

#[tokio::test]
async fn malformed_keys_are_refused_with_400_and_nothing_runs() {
    let app = TestApp::spawn().await;
    for key in ["".to_owned(), "x".repeat(256), "tab\there".to_owned()] {
        let (status, body) = send(
            app.post("/customers", &customer_body("A BV"))
                .header("Idempotency-Key", key.as_str()),
        )
        .await;
        assert_error(status, &body, 400);
    }
    assert!(app.all_customers().await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_retries_create_one_invoice_and_the_others_get_409_or_the_replay() {
    let app = TestApp::spawn().await;
    let customer = app.create_customer("Klant BV").await;
    let body = invoice_body(customer["id"].as_str().unwrap(), "2025-001");
    let requests = (0..12).map(|_| {
        let request = app
            .post("/customer-invoices/manual", &body)
            .header("Idempotency-Key", "race");
        async move { raw(request).await }
    });
    let answers = join_all(requests).await;
    let fresh: Vec<_> = answers
        .iter()
        .filter(|a| a.0 == StatusCode::CREATED && a.1.is_none())
        .collect();
    assert_eq!(fresh.len(), 1, "exactly one request ran: {answers:?}");
    for (status, replayed, bytes) in &answers {
        match *status {
            StatusCode::CREATED if replayed.is_some() => assert_eq!(bytes, &fresh[0].2),
            StatusCode::CREATED => {}
            StatusCode::CONFLICT => {
                let body: Value = serde_json::from_slice(bytes).unwrap();
                assert_error(*status, &body, 409);
            }
            other => panic!("unexpected {other}: {}", String::from_utf8_lossy(bytes)),
        }
    }
    assert_eq!(invoice_count(&app).await, 1);
}

#[tokio::test]
async fn keys_belong_to_one_api_key() {
    let app = TestApp::spawn().await;
    let other = app.key_with(&[]).await;
    let body = customer_body("Eigen BV");
    let mine = raw(app
        .post("/customers", &body)
        .header("Idempotency-Key", "shared"))
    .await;
    let theirs = raw(app
        .client
        .post(app.url("/customers"))
        .bearer_auth(&other)
        .json(&body)
        .header("Idempotency-Key", "shared"))
    .await;
    assert_eq!((theirs.0, theirs.1), (StatusCode::CREATED, None));
    assert_ne!(theirs.2, mine.2, "another key's request ran on its own");
    assert_eq!(app.all_customers().await.len(), 2);
}

#[tokio::test]
async fn a_key_expires_after_24_hours_and_then_runs_afresh() {
    let app = TestApp::spawn().await;
    let body = customer_body("Dag BV");
    let key = ("Idempotency-Key", "daily");
    let first = raw(app.post("/customers", &body).header(key.0, key.1)).await;
    app.clock.advance(SignedDuration::from_hours(23));
    let within = raw(app.post("/customers", &body).header(key.0, key.1)).await;
    assert_eq!(within.1.as_deref(), Some("true"));
    app.clock.advance(SignedDuration::from_hours(2));
    let after = raw(app.post("/customers", &body).header(key.0, key.1)).await;
    assert_eq!((after.0, after.1), (StatusCode::CREATED, None));
    assert_ne!(after.2, first.2);
    assert_eq!(app.all_customers().await.len(), 2);
    let deleted = portaal::web::idempotency::store(&app.db)
        .delete_expired_idempotency(app.clock_now_timestamp())
        .await
        .unwrap();
    assert_eq!(deleted, 1, "only the expired row and the fresh one existed");
}

#[tokio::test]
async fn a_claim_left_by_a_request_that_died_is_taken_over_once_stale() {
    let app = TestApp::spawn().await;
    let other = app.key_with(&[]).await;
    // A request that claimed the key and never finished: its process died.
    let (_, key_id) = portaal_key_id(&app, &other).await;
    let body = customer_body("Wees BV");
    let hash_source = app
        .client
        .post(app.url("/customers"))
        .bearer_auth(&other)
        .json(&body)
        .header("Idempotency-Key", "orphan");
    let now = app.clock_now_timestamp();
    let claim = IdempotencyClaim {
        api_key_id: key_id,
        key: "orphan".to_owned(),
        request_hash: request_hash_of(&body),
        now,
        expired_before: now - SignedDuration::from_hours(24),
        stale_before: now,
    };
    portaal::web::idempotency::store(&app.db)
        .claim_idempotency(&claim)
        .await
        .unwrap();
    let (status, _, _) = raw(hash_source.try_clone().unwrap()).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "still within the request time limit"
    );
    app.clock.advance(SignedDuration::from_secs(61));
    let (status, replayed, _) = raw(hash_source).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, None));
    assert_eq!(app.all_customers().await.len(), 1);
}

/// The hash the server computes for `POST /v1/customers` with this JSON body (reqwest
/// serialises it the same way).
fn request_hash_of(body: &Value) -> String {
    use sha2::Digest;
    let mut hash = sha2::Sha256::new();
    hash.update(b"POST /v1/customers\n");
    hash.update(serde_json::to_vec(body).unwrap());
    hex::encode(hash.finalize())
}

/// The ID of the key with this token, found by the hash the store keeps.
async fn portaal_key_id(app: &TestApp, token: &str) -> (portaal::kernel::ids::AccountId, String) {
    let record = app
        .db
        .find_api_key(&portaal::web::auth::hash_token(token))
        .await
        .unwrap()
        .unwrap();
    (record.account_id, record.id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stored_response_survives_a_restart_and_on_postgres_is_shared_by_instances() {
    let data = tempfile::tempdir().unwrap();
    let database = PgTestDatabase::create().await;
    let url = database.as_ref().map(|d| d.url.clone());
    let db: Vec<&str> = url.as_deref().map_or(vec![], |u| vec!["--database-url", u]);
    let (server, lines, api) = serve_with(data.path(), &db);
    let token = lines
        .iter()
        .find_map(|l| l.split_whitespace().find(|w| w.starts_with("ptl_")))
        .expect("a token is printed")
        .to_owned();
    let client = reqwest::Client::new();
    let post = |api: &str, key: &str| {
        client
            .post(format!("{api}/customers"))
            .bearer_auth(&token)
            .json(&customer_body("Herstart BV"))
            .header("Idempotency-Key", key)
    };
    let first = raw(post(&api, "restart")).await;
    assert_eq!(first.0, StatusCode::CREATED);
    drop(server);

    let (_server, _, api) = serve_with(data.path(), &db);
    let retry = raw(post(&api, "restart")).await;
    assert_eq!(
        (retry.0, retry.1.as_deref()),
        (StatusCode::CREATED, Some("true"))
    );
    assert_eq!(retry.2, first.2);

    if url.is_some() {
        // A second instance on the same database sees the first one's keys.
        let (_second, _, api_b) = serve_with(data.path(), &db);
        let elsewhere = raw(post(&api_b, "restart")).await;
        assert_eq!(elsewhere.1.as_deref(), Some("true"));
        let answers = join_all((0..8).map(|i| {
            let request = post(if i % 2 == 0 { &api } else { &api_b }, "both");
            async move { raw(request).await }
        }))
        .await;
        let ran = answers
            .iter()
            .filter(|a| a.0 == StatusCode::CREATED && a.1.is_none());
        assert_eq!(ran.count(), 1, "{answers:?}");
    }
    let (status, list) = send(client.get(format!("{api}/customers")).bearer_auth(&token)).await;
    assert_eq!(status, StatusCode::OK);
    let expected = if url.is_some() { 2 } else { 1 };
    assert_eq!(list["data"].as_array().unwrap().len(), expected, "{list}");
}

#[tokio::test]
async fn every_post_and_patch_documents_the_header_and_its_409() {
    let app = TestApp::spawn().await;
    let (status, doc) = send(app.client.get(app.url("/openapi.json"))).await;
    assert_eq!(status, StatusCode::OK);
    let mut seen = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["post", "patch"] {
            let Some(operation) = item.get(method) else {
                continue;
            };
            seen += 1;
            let documented = operation["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|p| p["name"] == "Idempotency-Key" && p["in"] == "header");
            assert!(documented, "{method} {path}");
            assert!(
                operation["responses"].get("409").is_some(),
                "{method} {path}"
            );
        }
        for method in ["get", "delete"] {
            if let Some(operation) = item.get(method) {
                let text = operation["parameters"].to_string();
                assert!(!text.contains("Idempotency-Key"), "{method} {path}");
            }
        }
    }
    assert!(seen >= 8, "only {seen} POST and PATCH operations");
}
