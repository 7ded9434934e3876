//! Hostile requests: every one gets its 4xx with the error body, and nothing stored changes.

use std::pin::Pin;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, assert_error, assert_invalid_fields, customer_body, id_of, join_all, send,
};

const JSON: Option<&str> = Some("application/json");

/// Everything the account holds, through the API: customers (with their groups) and groups.
async fn stored(app: &TestApp) -> (Vec<Value>, Vec<Value>) {
    (app.all_customers().await, app.all_groups().await)
}

/// An app holding one customer in one group, and every endpoint that takes a JSON body,
/// each with a body it would accept.
struct Fixture {
    app: TestApp,
    customer_id: String,
    endpoints: Vec<(Method, String, Value)>,
}

async fn fixture() -> Fixture {
    let app = TestApp::spawn().await;
    let customer_id = id_of(&app.create_customer("Existing BV").await);
    let group_id = id_of(&app.create_group("Existing group", &[&customer_id]).await);
    let endpoints = vec![
        (
            Method::POST,
            "/customers".to_owned(),
            customer_body("New BV"),
        ),
        (
            Method::PATCH,
            format!("/customers/{customer_id}"),
            json!({"companyName": "Changed BV", "city": "Delft"}),
        ),
        (
            Method::POST,
            "/customer-groups".to_owned(),
            json!({"name": "New group", "customers": [&customer_id]}),
        ),
        (
            Method::PATCH,
            format!("/customer-groups/{group_id}"),
            json!({"name": "Renamed"}),
        ),
        (
            Method::POST,
            format!("/customer-groups/{group_id}/customers"),
            json!({"customers": [&customer_id]}),
        ),
    ];
    Fixture {
        app,
        customer_id,
        endpoints,
    }
}

/// `{"companyName":"A",…}` followed by the members of `body`: the first key of `body`
/// given twice.
fn with_duplicate_first_key(body: &Value) -> String {
    let text = body.to_string();
    let (key, _) = body.as_object().unwrap().iter().next().unwrap();
    format!("{{\"{key}\":\"A\",{}", &text[1..])
}

/// Sends every body to every JSON endpoint and checks the status and the error body.
async fn assert_refused_everywhere(
    f: &Fixture,
    content_type: Option<&str>,
    bodies: &[Vec<u8>],
    expected: u16,
) {
    for (method, path, _) in &f.endpoints {
        for body in bodies {
            let (status, err) =
                send(f.app.raw(method.clone(), path, content_type, body.clone())).await;
            assert_eq!(
                status.as_u16(),
                expected,
                "{method} {path} with {:?}: {err}",
                String::from_utf8_lossy(&body[..body.len().min(80)])
            );
            assert_error(status, &err, expected);
        }
    }
}

#[tokio::test]
async fn malformed_json_is_400_and_changes_nothing() {
    let f = fixture().await;
    let before = stored(&f.app).await;
    let bodies: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"{".to_vec(),
        b"}".to_vec(),
        b"{\"a\":}".to_vec(),
        b"{\"companyName\":\"A\"".to_vec(),
        b"{\"companyName\":\"A\"} trailing".to_vec(),
        b"{} {}".to_vec(),
        b"{}garbage".to_vec(),
        b"NaN".to_vec(),
        b"{\"companyName\": NaN}".to_vec(),
        b"{\"a\": Infinity}".to_vec(),
        b"{'companyName': 'A'}".to_vec(),
        b"{companyName: \"A\"}".to_vec(),
        b"{\"a\": 1,}".to_vec(),
        b"{\"a\": \"\\x41\"}".to_vec(),
        b"{\"a\": \"\\ud800\"}".to_vec(),
        b"{\"companyName\": \"A\x07B\"}".to_vec(),
        b"{\"companyName\": \"\xff\xfe\"}".to_vec(),
        b"\xef\xbb\xbf\xff{}".to_vec(),
        b"\x00".to_vec(),
    ];
    assert_refused_everywhere(&f, JSON, &bodies, 400).await;
    assert_eq!(stored(&f.app).await, before);
}

#[tokio::test]
async fn a_key_given_twice_is_400_and_changes_nothing() {
    let f = fixture().await;
    let before = stored(&f.app).await;
    for (method, path, valid) in &f.endpoints {
        let body = with_duplicate_first_key(valid);
        let (status, err) = send(f.app.raw(method.clone(), path, JSON, body.clone())).await;
        assert_error(status, &err, 400);
        assert!(
            err["message"].as_str().unwrap().contains("twice"),
            "{body}: {err}"
        );
    }
    let nested = r#"{"name": "G", "customers": [], "extra": {"x": 1, "x": 2}}"#;
    let (status, err) = send(f.app.raw(Method::POST, "/customer-groups", JSON, nested)).await;
    assert_error(status, &err, 400);
    let exact = r#"{"companyName":"A","companyName":"B","address":"Teststreet 123","zipCode":"1234AB","city":"Amsterdam","primaryEmail":"john.doe@test.com"}"#;
    let (status, err) = send(f.app.raw(Method::POST, "/customers", JSON, exact)).await;
    assert_error(status, &err, 400);
    assert_eq!(stored(&f.app).await, before);
}

#[tokio::test]
async fn a_body_that_is_not_a_json_object_is_422_and_changes_nothing() {
    let f = fixture().await;
    let before = stored(&f.app).await;
    let array_of_valid = format!("[{}]", customer_body("In an array BV"));
    let bodies: Vec<Vec<u8>> = vec![
        b"[]".to_vec(),
        array_of_valid.into_bytes(),
        b"\"companyName\"".to_vec(),
        b"42".to_vec(),
        b"-1.5".to_vec(),
        b"true".to_vec(),
        b"null".to_vec(),
    ];
    assert_refused_everywhere(&f, JSON, &bodies, 422).await;
    assert_eq!(stored(&f.app).await, before);
}

#[tokio::test]
async fn a_missing_or_wrong_content_type_is_415_and_changes_nothing() {
    let f = fixture().await;
    let before = stored(&f.app).await;
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        Some("application/xml"),
        Some("text/json"),
        Some("application/jsonx"),
        Some(""),
    ] {
        for (method, path, valid) in &f.endpoints {
            let (status, err) =
                send(
                    f.app
                        .raw(method.clone(), path, content_type, valid.to_string()),
                )
                .await;
            assert_error(status, &err, 415);
        }
    }
    let (status, err) = send(f.app.raw(
        Method::POST,
        "/customers",
        Some("application/x-www-form-urlencoded"),
        "companyName=A&address=B&zipCode=1234AB&city=C&primaryEmail=a%40b.nl",
    ))
    .await;
    assert_error(status, &err, 415);
    assert_eq!(stored(&f.app).await, before);
}

/// `{"companyName":"<10 MB of spaces>"}`.
fn ten_megabyte_body() -> Vec<u8> {
    let mut body = b"{\"companyName\":\"".to_vec();
    body.extend(vec![b' '; 10 * 1024 * 1024]);
    body.extend(b"\"}");
    body
}

#[tokio::test]
async fn a_10_mb_body_is_413_and_changes_nothing() {
    let f = fixture().await;
    let before = stored(&f.app).await;
    for (method, path, _) in &f.endpoints {
        let (status, err) = f
            .app
            .send_over_tcp(
                method.as_str(),
                path,
                "application/json",
                ten_megabyte_body(),
            )
            .await;
        assert_error(status, &err, 413);
    }
    assert_eq!(stored(&f.app).await, before);
    // The server is still there.
    f.app.create_customer("After BV").await;
}

#[tokio::test]
async fn every_customer_field_refuses_numbers_booleans_arrays_and_objects() {
    let f = fixture().await;
    let app = &f.app;
    let before = stored(app).await;
    let patch_path = format!("/customers/{}", f.customer_id);
    let wrong = [
        json!(5),
        json!(-1.5),
        json!(0),
        json!(true),
        json!(false),
        json!([]),
        json!(["Test BV"]),
        json!({}),
        json!({"value": "Test BV"}),
    ];
    for field in [
        "companyName",
        "address",
        "zipCode",
        "city",
        "primaryEmail",
        "countryCode",
        "phone",
        "vatNumber",
        "cocNumber",
        "peppolId",
    ] {
        for value in &wrong {
            let mut body = customer_body("Typed BV");
            body[field] = value.clone();
            let (status, err) = send(app.post("/customers", &body)).await;
            assert_invalid_fields(status, &err, &[field]);
            assert_eq!(
                err["errors"][field][0],
                format!("The {field} field must be a string."),
                "{body}"
            );
            let (status, err) = send(app.patch(&patch_path, &json!({ field: value }))).await;
            assert_invalid_fields(status, &err, &[field]);
        }
    }
    assert_eq!(stored(app).await, before);
}

#[tokio::test]
async fn a_100_000_character_company_name_is_422_and_changes_nothing() {
    let f = fixture().await;
    let app = &f.app;
    let before = stored(app).await;
    let patch_path = format!("/customers/{}", f.customer_id);
    for long in ["x".repeat(100_000), "€".repeat(100_000), "x".repeat(256)] {
        let mut body = customer_body("placeholder");
        body["companyName"] = json!(long);
        let (status, err) = send(app.post("/customers", &body)).await;
        assert_invalid_fields(status, &err, &["companyName"]);
        assert!(
            err["message"].as_str().unwrap().len() < 300,
            "the value is not echoed: {err}"
        );
        let (status, err) = send(app.patch(&patch_path, &json!({"companyName": long}))).await;
        assert_invalid_fields(status, &err, &["companyName"]);
    }
    assert_eq!(stored(app).await, before);
}

#[tokio::test]
async fn control_characters_in_a_field_are_422_and_change_nothing() {
    let f = fixture().await;
    let app = &f.app;
    let before = stored(app).await;
    let patch_path = format!("/customers/{}", f.customer_id);
    for bad in [
        "A\u{0}B",
        "A\u{7}B",
        "A\u{1b}[31mB",
        "A\u{7f}B",
        "A\nB",
        "A\rB",
        "A\u{85}B",
    ] {
        for field in ["companyName", "address", "city", "zipCode"] {
            let mut body = customer_body("Control BV");
            body[field] = json!(bad);
            let (status, err) = send(app.post("/customers", &body)).await;
            assert_invalid_fields(status, &err, &[field]);
            let (status, err) = send(app.patch(&patch_path, &json!({ field: bad }))).await;
            assert_invalid_fields(status, &err, &[field]);
        }
        let (status, err) = send(app.post("/customer-groups", &json!({"name": bad}))).await;
        assert_invalid_fields(status, &err, &["name"]);
    }
    assert_eq!(stored(app).await, before);
}

#[tokio::test]
async fn unknown_fields_are_ignored_on_input_and_never_echoed() {
    let app = TestApp::spawn().await;
    let mut body = customer_body("Extra BV");
    let extras = json!({
        "id": "cst_chosenbyme0000",
        "createdAt": "2000-01-01T00:00:00+01:00",
        "customerGroups": ["cug_chosenbyme0000"],
        "integration": "acumulus",
        "integrationId": "42",
        "accountId": "acc_someoneelse000",
        "admin": true,
        "__proto__": {"polluted": true},
        "deletedAt": "2000-01-01 00:00:00"
    });
    for (key, value) in extras.as_object().unwrap() {
        body[key] = value.clone();
    }
    let (status, c) = send(app.post("/customers", &body)).await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let mut keys: Vec<&str> = c.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "address",
            "city",
            "cocNumber",
            "companyName",
            "countryCode",
            "createdAt",
            "customerGroups",
            "id",
            "integration",
            "integrationId",
            "peppolId",
            "phone",
            "primaryEmail",
            "sendUbl",
            "vatNumber",
            "zipCode"
        ]
    );
    assert_ne!(c["id"], "cst_chosenbyme0000");
    assert_eq!(c["createdAt"], "2025-04-14T12:00:00+02:00");
    assert_eq!(c["customerGroups"], json!([]));
    assert_eq!(c["integration"], Value::Null);
    assert_eq!(c["integrationId"], Value::Null);
    assert_eq!(app.customer(&id_of(&c)).await, c);

    let path = format!("/customers/{}", id_of(&c));
    let (status, edited) = send(app.patch(
        &path,
        &json!({"city": "Delft", "admin": true, "id": "cst_other000000000"}),
    ))
    .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["id"], c["id"]);
    assert_eq!(edited["city"], "Delft");
    assert_eq!(edited.as_object().unwrap().len(), 16, "{edited}");

    let (status, err) = send(app.patch(&path, &json!({"admin": true}))).await;
    assert_error(status, &err, 422);

    let (status, group) = send(app.post(
        "/customer-groups",
        &json!({"name": "G", "id": "cug_chosenbyme0000", "members": 3}),
    ))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{group}");
    assert_ne!(group["id"], "cug_chosenbyme0000");
    assert_eq!(group.as_object().unwrap().len(), 3, "{group}");
}

#[tokio::test]
async fn sql_and_markup_in_text_are_stored_as_plain_text() {
    let app = TestApp::spawn().await;
    let hostile = "Robert'); DROP TABLE customers;-- <script>alert(1)</script>";
    let mut body = customer_body(hostile);
    body["city"] = json!("' OR '1'='1");
    let (status, c) = send(app.post("/customers", &body)).await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    assert_eq!(c["companyName"], hostile);
    assert_eq!(c["city"], "' OR '1'='1");
    assert_eq!(app.all_customers().await, vec![c]);
}

#[tokio::test]
async fn deeply_nested_json_is_400_not_a_crash() {
    let f = fixture().await;
    let before = stored(&f.app).await;
    let deep = 10_000;
    let bodies: Vec<Vec<u8>> = vec![
        "[".repeat(deep).into_bytes(),
        format!("{}{}", "[".repeat(deep), "]".repeat(deep)).into_bytes(),
        "{\"a\":".repeat(deep).into_bytes(),
        format!("{}1{}", "{\"a\":".repeat(deep), "}".repeat(deep)).into_bytes(),
        format!(
            "{{\"companyName\":{}\"A\"{}}}",
            "[".repeat(deep),
            "]".repeat(deep)
        )
        .into_bytes(),
    ];
    assert_refused_everywhere(&f, JSON, &bodies, 400).await;
    assert_eq!(stored(&f.app).await, before);
    f.app.create_customer("Still alive BV").await;
}

#[tokio::test]
async fn unknown_routes_are_404_and_wrong_methods_405_with_the_error_body() {
    let app = TestApp::spawn().await;
    let root = app.api.trim_end_matches("/v1").to_owned();
    let cases = [
        (app.get("/nope"), 404),
        (app.get("/customers/cst_a/nope"), 404),
        (app.get("/customer-groups/cug_a/customers"), 405),
        (app.client.get(format!("{root}/not-v1")), 404),
        (
            app.client
                .get(format!("{root}/not-v1"))
                .bearer_auth(&app.token),
            404,
        ),
        (app.client.get(format!("{root}/")), 404),
        (app.client.get(format!("{root}/v2/customers")), 404),
        (
            app.client
                .put(app.url("/customers"))
                .bearer_auth(&app.token),
            405,
        ),
        (app.delete("/customers"), 405),
        (
            app.client
                .put(app.url("/customers/cst_a"))
                .bearer_auth(&app.token),
            405,
        ),
        (app.post("/customers/cst_a", &customer_body("X")), 405),
        (app.delete("/customer-groups/cug_a/customers"), 405),
    ];
    for (request, expected) in cases {
        let response = request.send().await.expect("request sent");
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            content_type.starts_with("application/json"),
            "{content_type}"
        );
        if expected == 405 {
            assert!(
                response.headers().contains_key("allow"),
                "a 405 names the allowed methods"
            );
        }
        let (status, body) = crate::helpers::read(response).await;
        assert_error(status, &body, expected);
    }
    let response = app
        .client
        .put(app.url("/customers"))
        .bearer_auth(&app.token)
        .send()
        .await
        .unwrap();
    let allow = response.headers()["allow"].to_str().unwrap().to_owned();
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
    assert!(app.all_customers().await.is_empty());
}

#[tokio::test]
async fn odd_characters_in_path_ids_are_404() {
    let app = TestApp::spawn().await;
    let customer = app.create_customer("Existing BV").await;
    let group = app.create_group("Existing", &[&id_of(&customer)]).await;
    let before = stored(&app).await;
    let long = "a".repeat(10_000);
    let ids = [
        "%00",
        "cst_%00",
        "%F0%9F%98%80",
        "😀",
        "cst_😀😀😀😀😀😀😀",
        long.as_str(),
        "..%2F..%2Fetc%2Fpasswd",
        "cst_'%20OR%20'1'='1",
        "%25",
        "%20",
        "*",
    ];
    for id in ids {
        let requests = [
            app.get(&format!("/customers/{id}")),
            app.patch(&format!("/customers/{id}"), &json!({"city": "Delft"})),
            app.delete(&format!("/customers/{id}")),
            app.get(&format!("/customer-groups/{id}")),
            app.patch(&format!("/customer-groups/{id}"), &json!({"name": "X"})),
            app.delete(&format!("/customer-groups/{id}")),
            app.post(
                &format!("/customer-groups/{id}/customers"),
                &json!({"customers": [customer["id"]]}),
            ),
            app.delete(&format!(
                "/customer-groups/{}/customers/{id}",
                id_of(&group)
            )),
        ];
        for request in requests {
            let (status, err) = send(request).await;
            assert_error(status, &err, 404);
        }
    }
    assert_eq!(stored(&app).await, before);
}

#[tokio::test]
async fn a_path_id_that_is_not_utf8_gets_the_json_error_body() {
    let app = TestApp::spawn().await;
    let customer = app.create_customer("Existing BV").await;
    let before = stored(&app).await;
    for path in [
        "/customers/%FF".to_owned(),
        "/customers/cst_%C3%28".to_owned(),
        "/customer-groups/%FF".to_owned(),
        format!("/customer-groups/%FF/customers/{}", id_of(&customer)),
    ] {
        // The membership route only answers DELETE.
        let request = if path.contains("/customers/") && path.starts_with("/customer-groups") {
            app.delete(&path)
        } else {
            app.get(&path)
        };
        let response = request.send().await.expect("request sent");
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            content_type.starts_with("application/json"),
            "{path}: {content_type}"
        );
        let (status, body) = crate::helpers::read(response).await;
        assert_error(status, &body, 404);
    }
    assert_eq!(stored(&app).await, before);
}

type Answer = Pin<Box<dyn Future<Output = (StatusCode, Value)> + Send>>;

/// One hostile request, ready to send, and the status it must get.
fn hostile(app: &TestApp, kind: usize) -> (Answer, u16) {
    let valid = customer_body("Hostile BV");
    let (request, status) = match kind % 11 {
        0 => (app.raw(Method::POST, "/customers", JSON, "{"), 400),
        1 => (
            app.raw(
                Method::POST,
                "/customers",
                JSON,
                with_duplicate_first_key(&valid),
            ),
            400,
        ),
        2 => (
            app.raw(Method::POST, "/customers", JSON, format!("[{valid}]")),
            422,
        ),
        3 => (
            app.raw(
                Method::POST,
                "/customers",
                Some("text/plain"),
                valid.to_string(),
            ),
            415,
        ),
        4 => {
            let mut body = valid;
            body["companyName"] = json!(5);
            (app.post("/customers", &body), 422)
        }
        5 => {
            let mut body = valid;
            body["companyName"] = json!("A\u{0}B");
            (app.post("/customers", &body), 422)
        }
        6 => (
            app.raw(Method::POST, "/customers", JSON, "[".repeat(10_000)),
            400,
        ),
        7 => {
            let mut body = valid;
            body["companyName"] = json!("x".repeat(100_000));
            (app.post("/customers", &body), 422)
        }
        8 => (
            app.client
                .put(app.url("/customers"))
                .bearer_auth(&app.token)
                .json(&valid),
            405,
        ),
        9 => {
            // Over a bare connection: see `TestApp::send_over_tcp`.
            return (
                Box::pin(app.send_over_tcp(
                    "POST",
                    "/customers",
                    "application/json",
                    ten_megabyte_body(),
                )),
                413,
            );
        }
        _ => (app.get("/customers/%00"), 404),
    };
    (Box::pin(send(request)), status)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_hostile_requests_leave_exactly_the_valid_customers() {
    let app = TestApp::spawn().await;
    let mut requests: Vec<Answer> = Vec::new();
    let mut expected = Vec::new();
    let (mut valid, mut hostile_count) = (0, 0);
    for i in 0..70 {
        if i % 7 < 2 {
            let request = app.post("/customers", &customer_body(&format!("Valid {valid:02}")));
            requests.push(Box::pin(send(request)));
            expected.push(201);
            valid += 1;
        } else {
            let (request, status) = hostile(&app, hostile_count);
            requests.push(request);
            expected.push(status);
            hostile_count += 1;
        }
    }
    assert_eq!((valid, hostile_count), (20, 50));

    let results = join_all(requests).await;
    for ((status, body), want) in results.iter().zip(&expected) {
        if *want == 201 {
            assert_eq!(*status, StatusCode::CREATED, "{body}");
        } else {
            assert_error(*status, body, *want);
        }
    }

    let mut names: Vec<String> = app
        .all_customers()
        .await
        .iter()
        .map(|c| c["companyName"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    let want: Vec<String> = (0..20).map(|i| format!("Valid {i:02}")).collect();
    assert_eq!(names, want);
}
