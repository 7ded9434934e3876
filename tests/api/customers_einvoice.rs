//! The customer's e-invoice fields (our addition): `vatNumber`, `cocNumber`, `peppolId` and
//! `sendUbl`, in create, edit, get, list and the `customer-created` event; checked by shape,
//! each bad value named in the 422, and nothing stored changed by a refused edit.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_invalid_fields, customer_body, id_of, send};
use crate::outbox::Receiver;

fn with_ids(company: &str) -> Value {
    let mut body = customer_body(company);
    body["vatNumber"] = json!("nl 8594.67.032 b01");
    body["cocNumber"] = json!("6959 1231");
    body["peppolId"] = json!(" 0106:69591231 ");
    body["sendUbl"] = json!(true);
    body
}

#[tokio::test]
async fn the_identifiers_are_stored_compact_and_shown_in_every_body_and_the_event() {
    let app = TestApp::spawn().await;
    let (receiver, url) = Receiver::start(&[]).await;
    let (status, hook) = send(app.post(
        "/webhooks",
        &json!({"url": url, "type": "customer-created"}),
    ))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{hook}");

    let (status, created) = send(app.post("/customers", &with_ids("Ids BV"))).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["vatNumber"], "NL859467032B01");
    assert_eq!(created["cocNumber"], "69591231");
    assert_eq!(created["peppolId"], "0106:69591231");
    assert_eq!(created["sendUbl"], true);
    let id = id_of(&created);
    assert_eq!(app.customer(&id).await, created);
    let listed = app.all_customers().await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0], created);

    assert_eq!(app.drain_outbox().await, 1);
    let calls = receiver.calls();
    let event: Value = serde_json::from_slice(&calls[0].body).unwrap();
    assert_eq!(event["type"], "customer-created");
    assert_eq!(event["data"], created, "the event carries the API's body");

    // Without them: null and false, as documented.
    let plain = app.create_customer("Plain BV").await;
    for field in ["vatNumber", "cocNumber", "peppolId"] {
        assert!(plain[field].is_null(), "{field}: {plain}");
    }
    assert_eq!(plain["sendUbl"], false);
}

#[tokio::test]
async fn an_edit_sets_and_clears_each_identifier_and_leaves_the_others() {
    let app = TestApp::spawn().await;
    let created = app.create_customer("Edit BV").await;
    let path = format!("/customers/{}", id_of(&created));

    let (status, edited) = send(app.patch(
        &path,
        &json!({"vatNumber": "BE0203201340", "countryCode": "BE", "cocNumber": "0203.201.340"}),
    ))
    .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["vatNumber"], "BE0203201340");
    assert_eq!(edited["cocNumber"], "0203201340");
    assert!(edited["peppolId"].is_null());

    let (status, edited) = send(app.patch(
        &path,
        &json!({"peppolId": "0208:0203201340", "sendUbl": true}),
    ))
    .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["peppolId"], "0208:0203201340");
    assert_eq!(edited["sendUbl"], true);
    assert_eq!(edited["vatNumber"], "BE0203201340", "not sent, so kept");

    // `null` clears; an empty text clears too; `sendUbl: null` is its default, false.
    let (status, cleared) = send(app.patch(
        &path,
        &json!({"vatNumber": null, "peppolId": "", "sendUbl": null}),
    ))
    .await;
    assert_eq!(status, StatusCode::OK, "{cleared}");
    assert!(cleared["vatNumber"].is_null() && cleared["peppolId"].is_null());
    assert_eq!(cleared["sendUbl"], false);
    assert_eq!(cleared["cocNumber"], "0203201340");
    assert_eq!(cleared["city"], "Amsterdam");
    assert_eq!(app.customer(&id_of(&created)).await, cleared);

    // Only a null is enough for an edit: it changes something.
    let (status, again) = send(app.patch(&path, &json!({"cocNumber": null}))).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert!(again["cocNumber"].is_null());
}

#[tokio::test]
async fn bad_identifiers_are_named_in_the_422_and_store_nothing() {
    let app = TestApp::spawn().await;
    for (field, bad) in [
        ("vatNumber", json!("NL859467032")),
        ("vatNumber", json!("QQ123456789")),
        ("vatNumber", json!(859467032)),
        ("vatNumber", json!("NL".repeat(20))),
        ("cocNumber", json!("1234567")),
        ("cocNumber", json!("6959\u{0}1231")),
        ("cocNumber", json!(["69591231"])),
        ("peppolId", json!("69591231")),
        ("peppolId", json!("0001:69591231")),
        ("peppolId", json!("0208:0203201341")),
        ("peppolId", json!("0106:1234 5678")),
        ("sendUbl", json!("yes")),
        ("sendUbl", json!({})),
    ] {
        let mut body = with_ids("Bad BV");
        body[field] = bad.clone();
        let (status, err) = send(app.post("/customers", &body)).await;
        assert_invalid_fields(status, &err, &[field]);
        let message = err["errors"][field][0].as_str().unwrap();
        assert!(message.contains(field), "{bad}: {message}");
    }
    assert!(app.all_customers().await.is_empty());

    // A refused edit changes nothing, and a Dutch customer's KvK number keeps its shape
    // whether the number or the country changes.
    let (_, foreign) = send(app.post("/customers", &{
        let mut body = with_ids("Buitenland BV");
        body["countryCode"] = json!("DE");
        body["cocNumber"] = json!("HRB 12345");
        body
    }))
    .await;
    assert_eq!(foreign["cocNumber"], "HRB12345", "{foreign}");
    let path = format!("/customers/{}", id_of(&foreign));
    for body in [
        json!({"countryCode": "NL"}),
        json!({"countryCode": "NL", "cocNumber": "HRB12345"}),
        json!({"peppolId": "0088:5790000435976", "city": "Keulen"}),
    ] {
        let (status, err) = send(app.patch(&path, &body)).await;
        let field = if body.get("peppolId").is_some() {
            "peppolId"
        } else {
            "cocNumber"
        };
        assert_invalid_fields(status, &err, &[field]);
        assert_eq!(app.customer(&id_of(&foreign)).await, foreign, "{body}");
    }
    let (status, moved) = send(app.patch(
        &path,
        &json!({"countryCode": "NL", "cocNumber": "00000001234567890000"}),
    ))
    .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "an OIN is a Dutch registration too: {moved}"
    );
}
