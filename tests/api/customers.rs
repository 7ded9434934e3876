//! Customers API: shapes, validation, soft delete and tenant isolation.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{
    TestApp, assert_atom, assert_error, assert_invalid_fields, customer_body, join_all, send,
};

#[tokio::test]
async fn create_customer_returns_201_with_every_documented_field() {
    let app = TestApp::spawn().await;
    let mut body = customer_body("Test Company BV");
    body["countryCode"] = json!("NL");
    let (status, c) = send(app.post("/customers", &body)).await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let id = c["id"].as_str().unwrap();
    assert!(id.starts_with("cst_") && id.len() == 18, "{id}");
    assert_eq!(c["companyName"], "Test Company BV");
    assert_eq!(c["address"], "Teststreet 123");
    assert_eq!(c["zipCode"], "1234AB");
    assert_eq!(c["city"], "Amsterdam");
    assert_eq!(c["countryCode"], "NL");
    assert_eq!(c["primaryEmail"], "john.doe@test.com");
    assert!(c["phone"].is_null());
    assert!(c["integration"].is_null());
    assert!(c["integrationId"].is_null());
    assert_eq!(c["customerGroups"], json!([]));
    // Our additions for e-invoices (tests/api/customers_einvoice.rs).
    for field in ["vatNumber", "cocNumber", "peppolId"] {
        assert!(c[field].is_null(), "{field}");
    }
    assert_eq!(c["sendUbl"], false);
    assert_atom(&c["createdAt"]);
    assert_eq!(c["createdAt"], "2025-04-14T12:00:00+02:00");
    assert_eq!(
        c.as_object().unwrap().len(),
        16,
        "no undocumented members: {c}"
    );

    let (status, fetched) = send(app.get(&format!("/customers/{id}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(fetched, c);
}

#[tokio::test]
async fn country_code_defaults_to_nl_and_is_normalised_to_upper_case() {
    let app = TestApp::spawn().await;
    let c = app.create_customer("A").await;
    assert_eq!(c["countryCode"], "NL");
    let mut body = customer_body("B");
    body["countryCode"] = json!("be");
    let (status, c) = send(app.post("/customers", &body)).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(c["countryCode"], "BE");
    for bad in ["XX", "NLD", "Nederland", "N"] {
        body["countryCode"] = json!(bad);
        let (status, err) = send(app.post("/customers", &body)).await;
        assert_invalid_fields(status, &err, &["countryCode"]);
    }
}

#[tokio::test]
async fn each_missing_required_field_is_named_in_the_422() {
    let app = TestApp::spawn().await;
    for field in ["companyName", "address", "zipCode", "city", "primaryEmail"] {
        let mut body = customer_body("Test BV");
        body.as_object_mut().unwrap().remove(field);
        let (status, err) = send(app.post("/customers", &body)).await;
        assert_invalid_fields(status, &err, &[field]);
        assert_eq!(
            err["errors"][field][0],
            format!("The {field} field is required.")
        );
        body[field] = json!("   ");
        let (status, err) = send(app.post("/customers", &body)).await;
        assert_invalid_fields(status, &err, &[field]);
        body[field] = json!(null);
        let (status, err) = send(app.post("/customers", &body)).await;
        assert_invalid_fields(status, &err, &[field]);
    }
    let (status, err) = send(app.post("/customers", &json!({}))).await;
    assert_invalid_fields(
        status,
        &err,
        &["address", "city", "companyName", "primaryEmail", "zipCode"],
    );
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("(and 4 more errors)"),
        "{err}"
    );
    assert!(app.all_customers().await.is_empty());
}

#[tokio::test]
async fn invalid_email_addresses_are_refused() {
    let app = TestApp::spawn().await;
    for bad in [
        "john",
        "john@",
        "@test.com",
        "john doe@test.com",
        "john@test",
        "jöhn@test.com",
    ] {
        let mut body = customer_body("Test BV");
        body["primaryEmail"] = json!(bad);
        let (status, err) = send(app.post("/customers", &body)).await;
        assert_invalid_fields(status, &err, &["primaryEmail"]);
    }
}

#[tokio::test]
async fn edit_customer_changes_only_the_fields_sent() {
    let app = TestApp::spawn().await;
    let c = app.create_customer("Old Name BV").await;
    let id = c["id"].as_str().unwrap();
    let (status, edited) = send(app.patch(
        &format!("/customers/{id}"),
        &json!({"companyName": "New Name BV", "city": " Utrecht "}),
    ))
    .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["companyName"], "New Name BV");
    assert_eq!(edited["city"], "Utrecht");
    for same in [
        "id",
        "address",
        "zipCode",
        "countryCode",
        "primaryEmail",
        "createdAt",
        "customerGroups",
    ] {
        assert_eq!(edited[same], c[same], "{same}");
    }
    let (_, fetched) = send(app.get(&format!("/customers/{id}"))).await;
    assert_eq!(fetched, edited);
}

#[tokio::test]
async fn edit_customer_needs_at_least_one_valid_field() {
    let app = TestApp::spawn().await;
    let c = app.create_customer("Test BV").await;
    let path = format!("/customers/{}", c["id"].as_str().unwrap());
    let (status, err) = send(app.patch(&path, &json!({}))).await;
    assert_error(status, &err, 422);
    let (status, err) = send(app.patch(&path, &json!({"primaryEmail": "not-an-email"}))).await;
    assert_invalid_fields(status, &err, &["primaryEmail"]);
    let (status, err) = send(app.patch(&path, &json!({"companyName": ""}))).await;
    assert_invalid_fields(status, &err, &["companyName"]);
    let (_, fetched) = send(app.get(&path)).await;
    assert_eq!(fetched, c, "a refused edit changes nothing");
}

#[tokio::test]
async fn deleting_a_customer_hides_it_and_answers_204() {
    let app = TestApp::spawn().await;
    let keep = app.create_customer("Keep BV").await;
    let gone = app.create_customer("Gone BV").await;
    let path = format!("/customers/{}", gone["id"].as_str().unwrap());
    let response = app.delete(&path).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(response.bytes().await.unwrap().is_empty());
    let (status, err) = send(app.get(&path)).await;
    assert_error(status, &err, 404);
    let (status, err) = send(app.delete(&path)).await;
    assert_error(status, &err, 404);
    let (status, err) = send(app.patch(&path, &json!({"city": "Delft"}))).await;
    assert_error(status, &err, 404);
    assert_eq!(app.all_customers().await, vec![keep]);
}

#[tokio::test]
async fn unknown_customer_ids_are_404_with_a_message() {
    let app = TestApp::spawn().await;
    for id in ["cst_doesnotexist00", "nonsense", "%00", "cst_%F0%9F%92%A9"] {
        let (status, err) = send(app.get(&format!("/customers/{id}"))).await;
        assert_error(status, &err, 404);
    }
}

#[tokio::test]
async fn a_key_of_another_account_never_sees_this_accounts_customers() {
    let app = TestApp::spawn().await;
    let mine = app.create_customer("Mine BV").await;
    let path = format!("/customers/{}", mine["id"].as_str().unwrap());
    let (_, other_token) = app.other_account().await;
    let other = |req: reqwest::RequestBuilder| req.bearer_auth(&other_token);

    let (status, err) = send(other(app.client.get(app.url(&path)))).await;
    assert_error(status, &err, 404);
    let (status, err) = send(other(
        app.client.patch(app.url(&path)).json(&json!({"city": "X"})),
    ))
    .await;
    assert_error(status, &err, 404);
    let (status, err) = send(other(app.client.delete(app.url(&path)))).await;
    assert_error(status, &err, 404);
    let (status, list) = send(other(app.client.get(app.url("/customers")))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["data"], json!([]));

    let (_, still) = send(app.get(&path)).await;
    assert_eq!(still, mine, "the other account changed nothing");
}

#[tokio::test]
async fn unicode_is_stored_and_returned_exactly() {
    let app = TestApp::spawn().await;
    let mut body = customer_body("Café Ærø 株式会社 🍰");
    body["address"] = json!("Kürfürstendamm 1");
    body["city"] = json!("'s-Hertogenbosch");
    let (status, c) = send(app.post("/customers", &body)).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(c["companyName"], "Café Ærø 株式会社 🍰");
    assert_eq!(c["address"], "Kürfürstendamm 1");
    assert_eq!(c["city"], "'s-Hertogenbosch");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_creates_all_land_exactly_once() {
    let app = TestApp::spawn().await;
    let requests =
        (0..40).map(|i| send(app.post("/customers", &customer_body(&format!("Klant {i}")))));
    let results = join_all(requests).await;
    assert!(results.iter().all(|(s, _)| *s == StatusCode::CREATED));
    let mut names: Vec<String> = app
        .all_customers()
        .await
        .iter()
        .map(|c| c["companyName"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    let mut want: Vec<String> = (0..40).map(|i| format!("Klant {i}")).collect();
    want.sort();
    assert_eq!(names, want);
}
